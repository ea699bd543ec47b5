//! `jsvm-bench calibrate` (`make calibrate`): how long the maximum gas limit takes for each
//! construct of the calibration set ([`CASES`]), on every engine built in. Gas must bound
//! time: every node must end every transaction well inside the deadline, so that the
//! deadline never decides a receipt. Each case runs through the whole VM (an in-memory
//! chain) with an endless workload at [`MAX_GAS_LIMIT`], so it ends in `GAS_RUN_OUT` having
//! spent exactly the limit, under a deadline far above the node's so that the time is
//! measured rather than cut. What runs is deterministic; only the clock varies.

mod cases;

use std::time::{Duration, Instant};

pub use cases::{contract_abi, contract_source, Case, CASES};
use jsvm_test_util::{action, set_code, Chain, StoreKind};
use jsvm_vm::{EngineKind, Receipt, Status, VmConfig, MAX_GAS_LIMIT};
use serde_json::json;

/// An iteration count no run reaches: the case runs until its gas runs out.
const ENDLESS: u64 = 1 << 50;

/// A chain on one engine with the calibration contract deployed twice (the second copy is
/// the callee of `nested_call`).
pub struct Calibration {
    chain: Chain,
    id: String,
    callee: String,
}

impl Calibration {
    /// Deploys the calibration contract on `engine`; runs end at `deadline` (the benchmark
    /// sets it far above the node's, so that slow constructs are timed rather than cut).
    pub fn new(engine: EngineKind, deadline: Duration) -> Result<Calibration, String> {
        let config = VmConfig { engine, tx_timeout: deadline, ..VmConfig::default() };
        let chain = Chain::open(StoreKind::Memory, config)?;
        let (source, abi) = (contract_source(), contract_abi());
        let mut ids = Vec::new();
        for _ in 0..2 {
            let r = chain.run("admin", vec![set_code(&source, &abi)]);
            if r.status != Status::Success {
                return Err(format!("the calibration contract did not deploy: {}", r.message));
            }
            ids.push(r.returns[0].clone());
        }
        let callee = ids.pop().unwrap_or_default();
        Ok(Calibration { chain, id: ids.pop().unwrap_or_default(), callee })
    }

    /// Runs `case` for `n` iterations under `gas_limit`; the receipt and the wall time.
    pub fn run(&self, case: &Case, n: u64, gas_limit: u64) -> (Receipt, Duration) {
        let call = action(&self.id, &format!("c_{}", case.name), json!([n, self.callee]));
        let mut tx = self.chain.tx("admin", &[], vec![call]);
        tx.gas_limit = gas_limit;
        let started = Instant::now();
        let receipt = self.chain.send(tx);
        (receipt, started.elapsed())
    }

    /// The gas of one iteration of `case`: the difference between 3 and 4 iterations,
    /// which must equal the one between 2 and 3 (the gas is linear in the workload).
    pub fn gas_per_iteration(&self, case: &Case) -> Result<u64, String> {
        let gas = |n: u64| -> Result<u64, String> {
            let (r, _) = self.run(case, n, MAX_GAS_LIMIT);
            match r.status {
                Status::Success => Ok(r.gas_used),
                _ => Err(format!("{} with n = {n}: {:?} {}", case.name, r.status, r.message)),
            }
        };
        let (g2, g3, g4) = (gas(2)?, gas(3)?, gas(4)?);
        if g3.checked_sub(g2) != g4.checked_sub(g3) {
            return Err(format!("{}: gas not linear in the workload: {g2}, {g3}, {g4} for 2, 3, 4", case.name));
        }
        Ok(g4 - g3)
    }
}

/// One construct on one engine at the maximum gas limit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Row {
    /// The engine.
    pub engine: &'static str,
    /// The case ([`Case::name`]).
    pub case: &'static str,
    /// Gas of one iteration.
    pub gas_per_iteration: u64,
    /// Gas spent by the timed run: the maximum limit.
    pub gas: u64,
    /// The median wall time of the timed runs, in milliseconds.
    pub wall_ms: f64,
    /// Nanoseconds per gas unit: `wall_ms × 10⁶ ÷ gas`.
    pub ns_per_gas: f64,
}

impl Row {
    /// How long [`MAX_GAS_LIMIT`] gas of this construct takes, in milliseconds.
    pub fn max_limit_ms(&self) -> f64 {
        self.ns_per_gas * MAX_GAS_LIMIT as f64 / 1e6
    }
}

/// Times every case whose name contains `only` on `engine`, `rounds` runs each (the median
/// is kept); `progress` hears each case's name before it runs.
pub fn measure(
    engine: EngineKind,
    rounds: usize,
    only: &str,
    mut progress: impl FnMut(&str),
) -> Result<Vec<Row>, String> {
    let bench = Calibration::new(engine, Duration::from_secs(120))?;
    let mut rows = Vec::new();
    for case in CASES.iter().filter(|c| c.name.contains(only)) {
        progress(case.name);
        let gas_per_iteration = bench.gas_per_iteration(case)?;
        let mut times = Vec::new();
        let mut gas = 0;
        for _ in 0..rounds.max(1) {
            let (r, took) = bench.run(case, ENDLESS, MAX_GAS_LIMIT);
            if r.status != Status::GasRunOut {
                return Err(format!(
                    "{}: expected GAS_RUN_OUT at the maximum limit, got {:?} {}",
                    case.name, r.status, r.message
                ));
            }
            gas = r.gas_used;
            times.push(took.as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        let wall_ms = times[times.len() / 2];
        let ns_per_gas = wall_ms * 1e6 / gas.max(1) as f64;
        rows.push(Row { engine: engine.name(), case: case.name, gas_per_iteration, gas, wall_ms, ns_per_gas });
    }
    Ok(rows)
}

/// The table `jsvm-bench calibrate` prints: slowest first, with each row's margin against
/// the node's `deadline`.
pub fn table(rows: &[Row], deadline: Duration) -> String {
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by(|a, b| b.ns_per_gas.total_cmp(&a.ns_per_gas));
    let deadline_ms = deadline.as_secs_f64() * 1e3;
    let mut t = format!(
        "{:<20} {:<8} {:>10} {:>10} {:>10} {:>8} {:>14} {:>10}\n",
        "construct", "engine", "gas/iter", "gas", "wall ms", "ns/gas", "max limit ms", "margin"
    );
    for r in &sorted {
        t.push_str(&format!(
            "{:<20} {:<8} {:>10} {:>10} {:>10.1} {:>8.2} {:>14.1} {:>9.1}×\n",
            r.case,
            r.engine,
            r.gas_per_iteration,
            r.gas,
            r.wall_ms,
            r.ns_per_gas,
            r.max_limit_ms(),
            deadline_ms / r.max_limit_ms().max(1e-9)
        ));
    }
    if let Some(slowest) = sorted.first() {
        t.push_str(&format!(
            "\nslowest: {} on {}, {:.2} ns/gas: the maximum gas limit ({MAX_GAS_LIMIT}) takes {:.1} ms, \
             {:.1}× under the {:.0} ms deadline and {:.1}× under its half\n",
            slowest.case,
            slowest.engine,
            slowest.ns_per_gas,
            slowest.max_limit_ms(),
            deadline_ms / slowest.max_limit_ms().max(1e-9),
            deadline_ms,
            deadline_ms / 2.0 / slowest.max_limit_ms().max(1e-9),
        ));
    }
    t
}
