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
    /// [`HostError::Throw`]; out of gas, timeout and out of memory end the
    /// whole transaction ([`HostError::Abort`] with [`ABORT_TIMEOUT`] or
    /// [`ABORT_OUT_OF_MEMORY`] or "out of gas").
    fn call(&mut self, ctx: TxCtx<'_>, frame: CallFrame, args_json: &str) -> Result<String, HostError>;
}

/// The abort text a nested call's timeout travels up the stack as.
pub const ABORT_TIMEOUT: &str = "execution killed: transaction deadline exceeded";
/// The abort text a nested call's memory exhaustion travels up the stack as.
pub const ABORT_OUT_OF_MEMORY: &str = "out of memory: the run exceeded its memory limit";
/// The abort text of a run whose calls nested deeper than the meter allows (the same
/// depth on every engine; jsvm-compiler's `MAX_CALL_DEPTH`), or whose engine ran out of
/// call stack before that (errors.js). Either ends the run the same way, charging the
/// whole gas limit: which comes first may differ between engines, the receipt may not.
pub const ABORT_STACK_OVERFLOW: &str = "stack overflow: calls nested deeper than allowed (at most 1000)";
/// How a receipt's message begins for a value a contract threw and did not catch.
pub const UNCAUGHT: &str = "Uncaught exception: ";
