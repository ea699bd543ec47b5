//! Where one token transfer's microseconds go: the same contract and the same transfers
//! ([`crate::token::transfer_args`]) on ever-fuller paths, each row adding one layer to the
//! one above, from the bare engine without the meter to the whole VM committing to RocksDB.
//! Every row but one is measured elsewhere in the run; this module adds the middle rung —
//! the runtime's real [`ContractHost`] over a [`TxState`], without the VM — and puts the
//! rows together.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jsvm_compiler::MAX_METERED_LIMIT;
use jsvm_engine::{new_engine, EngineKind, HostError, Invocation, Limits};
use jsvm_runtime::{
    random_seed, BlockEnv, CallFrame, ContractHost, ContractRecord, Effects, GasMeter, NestedCalls, RunContext, TxCtx,
    TxEnv, CODE_FILENAME, ENTRY, PRELUDE_SOURCE,
};
use jsvm_state::{StateRead, TxState};
use jsvm_vm::{VmConfig, DEFAULT_GAS_LIMIT};

use crate::token::{transfer_args, StoreKind, TokenChain, HOLDERS};
use crate::Timing;

/// One row of the breakdown.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LadderRow {
    /// What this row runs: the layer it adds to the row above.
    pub path: String,
    /// Microseconds per transfer on this path.
    pub us_per_tx: f64,
    /// This row's microseconds minus the row above's: what the added layer costs (the first
    /// row's whole time). Rows are measured apart, so on a noisy machine an increment near
    /// zero may come out slightly negative.
    pub increment_us: f64,
}

/// The rows, fullest path last, from `(path, timing)` pairs in that order.
pub(crate) fn rows(steps: &[(&str, Timing)]) -> Vec<LadderRow> {
    let mut above = 0.0;
    steps
        .iter()
        .map(|(path, timing)| {
            let row = LadderRow {
                path: path.to_string(),
                us_per_tx: timing.us_per_tx,
                increment_us: timing.us_per_tx - above,
            };
            above = timing.us_per_tx;
            row
        })
        .collect()
}

/// The token never calls another contract: a nested call is a bug of the benchmark.
struct NoNestedCalls;

impl NestedCalls for NoNestedCalls {
    fn call(&mut self, _: TxCtx<'_>, frame: CallFrame, _: &str) -> Result<String, HostError> {
        Err(HostError::Throw(format!("the benchmark's token called {}.{}", frame.contract, frame.method)))
    }
}

/// Transfers per second through the runtime's [`ContractHost`] over a [`TxState`] on the
/// deployed token's state (RAM accounting, storage keys, authorisation, gas for every host
/// call, the contract's context), the metered code and prelude the VM runs, on engine `kind`;
/// no VM: no pool, transaction checks, receipts or block. Each transfer gets a fresh
/// `TxState` over the same committed state, as each transaction of a block gets one.
pub(crate) fn measure_host(kind: EngineKind, n: usize) -> Result<Timing, String> {
    let config = VmConfig { workers: 1, min_workers: 1, engine: kind, ..VmConfig::default() };
    let schedule = config.schedule.clone();
    let chain = TokenChain::new(StoreKind::Memory, HOLDERS, config)?;
    let (head, committed): (_, Arc<dyn StateRead>) = chain.vm().store().snapshot();
    let record =
        ContractRecord::load(&TxState::new(committed.clone()), &chain.id)?.ok_or("the token is not deployed")?;
    let record = if record.schedule_version == schedule.version { record } else { record.reprepared(&schedule)? };
    let mut engine = new_engine(kind)?;
    let prelude = engine.compile_library("<prelude>", PRELUDE_SOURCE)?;
    let code = engine.compile(CODE_FILENAME, &record.code)?;
    let block =
        BlockEnv { number: head.height + 1, parent_hash: String::new(), witness: String::new(), time: head.time + 1 };
    let call = |i: usize| -> Result<(), String> {
        let (from, args) = transfer_args(i, HOLDERS);
        let tx = TxEnv {
            // Contracts see the hash as text only; its value does not matter here.
            hash: format!("{i:044}"),
            publisher: from.clone(),
            signers: Vec::new(),
            time: i as u64,
            gas_limit: DEFAULT_GAS_LIMIT,
            actions: vec![(chain.id.clone(), "transfer".to_string(), args.clone())],
        };
        let frame = CallFrame {
            contract: chain.id.clone(),
            method: "transfer".to_string(),
            owner: record.owner.clone(),
            caller: from,
            caller_is_account: true,
            height: 1,
            auth_contracts: Vec::new(),
            nested: Vec::new(),
        };
        let context = RunContext {
            gas_left: DEFAULT_GAS_LIMIT,
            gas_limit: DEFAULT_GAS_LIMIT.min(MAX_METERED_LIMIT),
            random: random_seed(&[0; 32], 0),
            random_gas: schedule.library.math_call,
        }
        .json(&block, &tx);
        let (mut state, mut gas, mut effects) =
            (TxState::new(committed.clone()), GasMeter::new(DEFAULT_GAS_LIMIT), Effects::default());
        let mut host = ContractHost {
            state: &mut state,
            gas: &mut gas,
            schedule: &schedule,
            block: &block,
            tx: &tx,
            frame: &frame,
            effects: &mut effects,
            js_gas: 0,
            calls: &mut NoNestedCalls,
        };
        let pre = [prelude.as_slice()];
        let inv = Invocation {
            prelude: &pre,
            program: &code,
            entry: ENTRY,
            args: &["transfer", &args, &context],
            limits: Limits {
                memory_bytes: 64 << 20,
                stack_bytes: 1 << 20,
                deadline: Instant::now() + Duration::from_secs(5),
            },
        };
        engine.run(&inv, &mut host).map_err(|e| e.to_string())?;
        if effects.receipts.len() != 1 {
            return Err(format!("a transfer through the host left {} receipts, not 1", effects.receipts.len()));
        }
        Ok(())
    };
    Timing::of_calls(n, call)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_row_adds_its_increment_to_the_row_above() {
        let rows = rows(&[("a", Timing::new(10, 1e-4)), ("b", Timing::new(10, 3e-4)), ("c", Timing::new(10, 2.5e-4))]);
        let figures: Vec<(&str, f64, f64)> =
            rows.iter().map(|r| (r.path.as_str(), r.us_per_tx.round(), r.increment_us.round())).collect();
        assert_eq!(figures, [("a", 10.0, 10.0), ("b", 30.0, 20.0), ("c", 25.0, -5.0)]);
    }
}
