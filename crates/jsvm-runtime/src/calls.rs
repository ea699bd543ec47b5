//! Nested contract calls (`blockchain.call` / `callWithAuth`): the host hands
//! them to whoever runs contracts (the VM), with the transaction's state.

use jsvm_engine::HostError;
use jsvm_state::TxState;

use crate::{BlockEnv, CallFrame, Effects, GasMeter, GasSchedule, TxEnv};

/// Most frames on a call stack: the action and four nested calls (IOST's limit).
pub const MAX_CALL_HEIGHT: usize = 5;

/// The transaction, as one call frame sees and changes it.
pub struct TxCtx<'a> {
    pub state: &'a mut TxState,
    pub gas: &'a mut GasMeter,
    pub effects: &'a mut Effects,
    pub schedule: &'a GasSchedule,
    pub block: &'a BlockEnv,
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
