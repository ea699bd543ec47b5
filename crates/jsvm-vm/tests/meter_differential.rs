//! Differential metering (issue 20): random but valid contract programs
//! (`jsvm_test_util::program_gen`: loops of every kind with jumps and labels, calls and
//! recursion, closures, classes with getters and setters, exceptions, sorts, string, array
//! and collection built-ins) must
//!
//! 1. return the same result, or throw the same error, metered with ample gas as unmetered;
//! 2. with a gas limit below what they need, stop out of gas with the same receipt and log
//!    on every run and on every engine built, and need exactly the gas a run with ample gas
//!    reports: a limit of that figure succeeds, one less runs out.
//!
//! `JSVM_METER_DIFF_PROGRAMS` sets how many programs each test generates (defaults below,
//! sized for a debug build on a 2-core machine), `JSVM_METER_DIFF_SEED` the seed (`make
//! fuzz-meter` runs many more). A failure prints the seed, the index and the program.

use std::time::{Duration, Instant};

use jsvm_compiler::{compile_contract_metered, parse_abi, unmetered_program, MeterCosts};
use jsvm_engine::{new_engine, Engine, EngineKind, Halt, Invocation, Limits};
use jsvm_runtime::{GasSchedule, ENTRY, PRELUDE_SOURCE};
use jsvm_test_util::baseline::unmetered_prelude;
use jsvm_test_util::program_gen::{program, METHOD};
use jsvm_test_util::rng::Rng;
use jsvm_test_util::{abi, action, set_code, Chain, StoreKind, StubHost};
use jsvm_vm::{Receipt, Status, Transaction, VmConfig, DEFAULT_GAS_LIMIT};
use serde_json::json;

/// The seed when `JSVM_METER_DIFF_SEED` is not set.
const DEFAULT_SEED: u64 = 0x6a73_766d_6d65_7465;

/// Programs per test when `JSVM_METER_DIFF_PROGRAMS` is not set: each test takes well
/// under a minute in a debug build on the 2-core development machine (see the module's
/// tests for the figures measured).
const DEFAULT_RESULT_PROGRAMS: u64 = 1500;
const DEFAULT_GAS_PROGRAMS: u64 = 1000;

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// (seed, number of programs) for a test whose default count is `default`.
fn settings(default: u64) -> (u64, u64) {
    (env_u64("JSVM_METER_DIFF_SEED").unwrap_or(DEFAULT_SEED), env_u64("JSVM_METER_DIFF_PROGRAMS").unwrap_or(default))
}

/// What a failure prints: enough to run the one program again.
fn failure(seed: u64, index: u64, source: &str, what: &str) -> String {
    format!(
        "{what}\nreproduce: JSVM_METER_DIFF_SEED={seed:#x}, program index {index} \
         (jsvm_test_util::program_gen::program({seed:#x}, {index}))\n--- program ---\n{source}--- end ---"
    )
}

fn engines() -> Vec<EngineKind> {
    [EngineKind::QuickJs, EngineKind::V8].into_iter().filter(|k| k.is_built()).collect()
}

/// One engine with one prelude compiled, as a worker keeps it (one realm per prelude).
struct Bare {
    engine: Box<dyn Engine>,
    prelude: Vec<u8>,
}

impl Bare {
    fn new(kind: EngineKind, prelude: &str) -> Bare {
        let mut engine = new_engine(kind).unwrap();
        let prelude = engine.compile_library("<prelude>", prelude).unwrap();
        Bare { engine, prelude }
    }

    /// Compiles and runs `code` (a prepared program) with `gas_limit` on the JS counter.
    fn run(&mut self, code: &str, gas_limit: u64) -> Result<String, String> {
        let code = self.engine.compile("program.js", code).map_err(|e| format!("the engine refused it: {e}"))?;
        let context = format!(r#"{{"block":{{}},"tx":{{}},"gasLimit":{gas_limit},"random":[1,2,3,4],"randomGas":1}}"#);
        let prelude = [self.prelude.as_slice()];
        let inv = Invocation {
            prelude: &prelude,
            program: &code,
            entry: ENTRY,
            args: &[METHOD, "[]", &context],
            limits: Limits {
                memory_bytes: 64 << 20,
                stack_bytes: 4 << 20,
                deadline: Instant::now() + Duration::from_secs(60),
            },
        };
        self.engine.run(&inv, &mut StubHost::default()).map_err(|halt| match halt {
            Halt::Uncaught(text) => format!("uncaught: {text}"),
            other => format!("halt: {other}"),
        })
    }
}

/// Property 1, on the bare engine: the VM's metered compile of each program (the prepared
/// code a deploy stores, under the default schedule) with the VM's prelude, against the
/// same source in the same wrapper without a charge (`unmetered_program`, what the VM
/// compiles to tell an author's early error from the meter's) and the prelude without the
/// size-priced built-ins. The result string is what a receipt returns and an uncaught
/// error's text what its message holds, so comparing them here compares what the meter
/// could change in a receipt, without a transaction's fixed costs around it (the VM adds
/// nothing to a result). The limit is far above any program's need.
#[test]
fn metered_and_unmetered_runs_agree() {
    let (seed, count) = settings(DEFAULT_RESULT_PROGRAMS);
    let abi = parse_abi(r#"{"abi": [{"name": "run", "args": []}]}"#).unwrap();
    let costs = MeterCosts::default();
    let bare_prelude = unmetered_prelude().unwrap();
    for kind in engines() {
        let (mut metered, mut unmetered) = (Bare::new(kind, PRELUDE_SOURCE), Bare::new(kind, &bare_prelude));
        let started = Instant::now();
        let (mut threw, mut chars) = (0, 0);
        for index in 0..count {
            let source = program(seed, index);
            chars += source.len();
            let prepared = match compile_contract_metered(&source, &abi, "program.js", &costs) {
                Ok(compiled) => compiled.prepared,
                Err(e) => panic!("{}", failure(seed, index, &source, &format!("the compile stage refused it: {e}"))),
            };
            let with_meter = metered.run(&prepared, 1 << 30);
            let without = unmetered.run(&unmetered_program(&source), 1 << 30);
            if with_meter != without {
                panic!(
                    "{}",
                    failure(
                        seed,
                        index,
                        &source,
                        &format!("{kind:?}: metered and unmetered differ\n  metered:   {with_meter:?}\n  unmetered: {without:?}")
                    )
                );
            }
            match &with_meter {
                Ok(_) => {}
                Err(e) if e.starts_with("uncaught: ") => threw += 1,
                Err(e) => panic!("{}", failure(seed, index, &source, &format!("{kind:?}: the run ended: {e}"))),
            }
        }
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "{kind:?}: {count} programs (seed {seed:#x}, {} bytes on average, {threw} threw on purpose) metered and unmetered in {secs:.1} s: {:.0} programs/s",
            chars / count.max(1) as usize,
            count as f64 / secs
        );
    }
}

/// A test chain on `kind` whose queries are not cut short by the clock of a debug build.
fn chain(kind: EngineKind) -> Chain {
    let config = VmConfig { engine: kind, tx_timeout: Duration::from_secs(60), ..VmConfig::default() };
    Chain::open(StoreKind::Memory, config).unwrap()
}

/// The query of `id.run()` with `gas_limit`, always at the same time: only the limit
/// changes between the runs of one program, and with it the transaction's bytes.
fn run_tx(id: &str, gas_limit: u64) -> Transaction {
    Transaction::new("admin", vec![action(id, METHOD, json!([]))]).with_time(1_000_000).with_gas_limit(gas_limit)
}

/// The byte fee of [`run_tx`] with `gas_limit`: the limit's digits are part of the bytes.
fn byte_fee(id: &str, gas_limit: u64) -> u64 {
    GasSchedule::default().tx_byte * run_tx(id, gas_limit).canonical_bytes().len() as u64
}

/// One query's outcome as compared: the receipt's JSON (status, message, gas, returns) and
/// the log lines (where an out-of-gas run stopped, as the engine saw it).
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    receipt: Receipt,
    logs: Vec<String>,
}

/// Property 2's chains: one per engine built, each with its own deploy of the same program.
struct Chains {
    chains: Vec<(EngineKind, Chain)>,
}

impl Chains {
    fn deploy(&self, source: &str) -> Result<String, String> {
        let abi = abi(&[(METHOD, &[])]);
        let mut id = None;
        for (kind, c) in &self.chains {
            let r = c.run("admin", vec![set_code(source, &abi)]);
            if r.status != Status::Success {
                return Err(format!("{kind:?}: the deploy failed: {:?} {}", r.status, r.message));
            }
            // Contract ids come from the deploying transaction's hash: the same on every chain.
            if id.get_or_insert_with(|| r.returns[0].clone()) != &r.returns[0] {
                return Err(format!("{kind:?}: the contract's id differs between chains"));
            }
        }
        id.ok_or_else(|| "no chain".to_string())
    }

    /// Runs the query with `gas_limit` twice on every chain; the outcome if every run gave
    /// the same receipt (and, on each engine, the same log), else what differed.
    fn outcome(&self, id: &str, gas_limit: u64) -> Result<Outcome, String> {
        let mut first: Option<(EngineKind, Outcome)> = None;
        for (kind, c) in &self.chains {
            let runs: Vec<Outcome> = (0..2)
                .map(|_| {
                    let (receipt, logs) = c.vm.query(run_tx(id, gas_limit)).unwrap();
                    Outcome { receipt, logs }
                })
                .collect();
            if runs[0] != runs[1] {
                return Err(format!("{kind:?}, limit {gas_limit}: two runs differ\n  {:?}\n  {:?}", runs[0], runs[1]));
            }
            let run = runs.into_iter().next().unwrap();
            match &first {
                None => first = Some((*kind, run)),
                Some((k0, o0)) if o0.receipt != run.receipt => {
                    return Err(format!(
                        "limit {gas_limit}: engines differ\n  {k0:?}: {:?}\n  {kind:?}: {:?}",
                        o0.receipt, run.receipt
                    ))
                }
                Some(_) => {}
            }
        }
        first.map(|(_, o)| o).ok_or_else(|| "no chain".to_string())
    }
}

/// The least limit at which the query needs no more than it is given: the gas a run
/// with ample gas used, with the byte fee of the limit's own digits in place of the
/// ample limit's.
fn exact_limit(id: &str, ample: u64, used: u64) -> u64 {
    let work = used - byte_fee(id, ample);
    let mut limit = used;
    for _ in 0..3 {
        limit = work + byte_fee(id, limit);
    }
    limit
}

/// Checks one program on every chain; the error says what differed.
fn check_limits(chains: &Chains, source: &str, rng: &mut Rng) -> Result<(u64, bool), String> {
    let id = chains.deploy(source)?;
    let ample = chains.outcome(&id, DEFAULT_GAS_LIMIT)?;
    let r = &ample.receipt;
    let succeeded = match r.status {
        Status::Success => true,
        // Thrown on purpose (a throw, or an error the engine makes: `null.length`, a bad
        // `JSON.parse`, a name read before its declaration). Below its limit such a run stops
        // out of gas, or at the throw when the error's message does not fit: that fills the
        // meter and keeps the status.
        Status::RuntimeError => false,
        _ => return Err(format!("with the default limit: {:?} {} (gas {})", r.status, r.message, r.gas_used)),
    };
    // A run that throws needs its gas up to the throw just as a run that returns needs its gas to the end: at
    // that limit it ends the same way, with the same receipt.
    let exact = exact_limit(&id, DEFAULT_GAS_LIMIT, r.gas_used);
    let mut limits = vec![exact / 2, 1 + rng.below(exact - 1), 1 + rng.below(exact - 1), 1 + rng.below(exact - 1)];
    let at = chains.outcome(&id, exact)?;
    let same = (at.receipt.status, &at.receipt.message, &at.receipt.returns) == (r.status, &r.message, &r.returns);
    if !same || at.receipt.gas_used != exact {
        return Err(format!("at exactly {exact} (ample: {} gas): {:?}", r.gas_used, at.receipt));
    }
    // One less is short by one, unless the limit loses a digit (its byte fee falls by 10).
    if byte_fee(&id, exact - 1) == byte_fee(&id, exact) {
        limits.push(exact - 1);
    }
    for limit in limits {
        let o = chains.outcome(&id, limit)?;
        let stopped = o.receipt.status == Status::GasRunOut
            || (!succeeded && o.receipt.status == Status::RuntimeError && o.receipt.message == r.message);
        if !stopped || o.receipt.gas_used != limit || !o.receipt.returns.is_empty() {
            return Err(format!("limit {limit} of the {exact} needed: {:?}", o.receipt));
        }
    }
    Ok((exact, succeeded))
}

/// Property 2, through the VM (deploy, then `VmManager::query`): the receipt is the figure
/// a chain keeps, so this is the layer that shows it. Out of gas charges the whole limit
/// (docs/gas.md), so the receipt's gas of a run that stops is its limit by design: what a
/// nondeterministic meter would change is whether a run stops, its status and message, and
/// where it stopped, which the log's "out of gas at FILE:LINE:COLUMN" line names; each
/// limit is run twice on every engine built and all must agree (the log only on one engine:
/// the engines word their positions differently). The limit that suffices is then checked
/// to be exact: the ample run's figure succeeds with the same result and gas, one less
/// stops.
#[test]
fn out_of_gas_is_exact_and_the_same_on_every_run_and_engine() {
    let (seed, count) = settings(DEFAULT_GAS_PROGRAMS);
    let chains = Chains { chains: engines().into_iter().map(|k| (k, chain(k))).collect() };
    let started = Instant::now();
    let (mut gas, mut returned, mut threw) = (0u64, 0, 0);
    for index in 0..count {
        let source = program(seed, index);
        let mut rng = Rng::new(seed.wrapping_add(index));
        match check_limits(&chains, &source, &mut rng) {
            Ok((needed, succeeded)) => {
                gas += needed;
                returned += usize::from(succeeded);
                threw += usize::from(!succeeded);
            }
            Err(e) => panic!("{}", failure(seed, index, &source, &e)),
        }
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{:?}: {count} programs (seed {seed:#x}, {} gas on average, {returned} returned and {threw} threw, each at its exact limit) at 6-7 limits, twice each, in {secs:.1} s: {:.0} programs/s",
        engines(),
        gas / count.max(1),
        count as f64 / secs
    );
}
