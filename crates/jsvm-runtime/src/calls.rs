//! Nested contract calls (`blockchain.call` / `callWithAuth`): the host hands
//! them to whoever runs contracts (the VM), with the transaction's state.

use jsvm_engine::HostError;
use jsvm_state::TxState;

use crate::{BlockEnv, CallFrame, Effects, GasMeter, GasSchedule, TxEnv};

/// Most frames on a call stack: the action and four nested calls (IOST's limit).
pub const MAX_CALL_HEIGHT: usize = 5;

/// The transaction, as one call frame sees and changes it.
pub struct TxCtx<'a> {
    /// The transaction's pending state writes; the callee writes through it too.
    pub state: &'a mut TxState,
    /// The transaction's one gas meter, shared by every frame.
    pub gas: &'a mut GasMeter,
    /// Receipts, events, RAM charges and logs produced so far in the transaction.
    pub effects: &'a mut Effects,
    /// The prices every frame of the transaction is charged at.
    pub schedule: &'a GasSchedule,
    /// The block the transaction runs in.
    pub block: &'a BlockEnv,
    /// The transaction itself, as contracts see it.
    pub tx: &'a TxEnv,
}

/// Runs a nested call for a contract's host.
pub trait NestedCalls {
    /// Runs `frame.contract.frame.method(args_json)` all or nothing (a failure
    /// rolls back the callee's writes and effects only) and returns the callee's
    /// return values as a JSON array. Failures a contract may catch are
    /// [`HostError::Throw`]; out of gas, timeout, out of memory and stack overflow
    /// end the whole transaction ([`HostError::Halt`]).
    fn call(&mut self, ctx: TxCtx<'_>, frame: CallFrame, args_json: &str) -> Result<String, HostError>;
}
