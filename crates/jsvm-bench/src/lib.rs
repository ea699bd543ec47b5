//! jsvm's benchmark, run by the `jsvm-bench` binary (`make bench`), apart from the node's
//! own `jsvm` so that no shipped build carries it: the JS token transfer through the full
//! path (RocksDB and in-memory), on the bare engine with and without the meter,
//! on Node's V8 and — with the `revm` feature — the same ERC-20 logic on revm,
//! all in one process and one run; contract load times cold and warm; worker
//! scaling; parallel block execution (Block-STM) on independent, partly and wholly
//! conflicting transfer blocks beside the same blocks in order; the gas meter's overhead per
//! kernel; and signed transfers through a node's HTTP API at 1 and 64 clients beside the VM alone.
//!
//! Writes `results.json`, `summary.json` and `chart.png` under the output
//! folder, and prints a table of ratios measured side by side.

pub mod calibrate;
mod chart;
pub mod cluster;
mod engine_only;
pub mod http;
mod ladder;
mod load;
mod node;
pub mod parallel_blocks;
mod progress;
#[cfg(feature = "revm")]
mod revm_peer;
mod scaling;
pub mod token;

/// The shipped `jsvm`'s allocator (jsvm-cli's main.rs), so that the benchmark measures what runs.
#[global_allocator]
static ALLOCATOR: jsvm_alloc::Allocator = jsvm_alloc::Allocator;

use std::path::PathBuf;
use std::time::Instant;

pub use jsvm_test_util::meter_kernels::{self as meter, KernelTiming};
pub use ladder::LadderRow;
pub use load::{contract_of_size, LoadTiming};
pub use parallel_blocks::{ParallelKind, ParallelPoint};
pub use scaling::{ScalingPoint, BLOCK_PARALLELISM};

/// A throughput measurement.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Timing {
    /// Transactions (or transfers) timed.
    pub txs: usize,
    /// Wall-clock seconds they took together.
    pub seconds: f64,
    /// Transactions per second: `txs ÷ seconds`.
    pub tps: f64,
    /// Microseconds per transaction: `seconds × 10⁶ ÷ txs`.
    pub us_per_tx: f64,
}

impl Timing {
    /// `txs` transactions in `seconds` (at least a nanosecond, so the rates stay finite).
    pub fn new(txs: usize, seconds: f64) -> Timing {
        let seconds = seconds.max(1e-9);
        Timing { txs, seconds, tps: txs as f64 / seconds, us_per_tx: seconds * 1e6 / txs.max(1) as f64 }
    }

    /// Times `n` calls of `call(i)` after up to 200 untimed ones that warm the engine and allocator.
    pub(crate) fn of_calls(n: usize, mut call: impl FnMut(usize) -> Result<(), String>) -> Result<Timing, String> {
        for i in 0..n.min(200) {
            call(i)?;
        }
        let t = Instant::now();
        for i in 0..n {
            call(i)?;
        }
        Ok(Timing::new(n, t.elapsed().as_secs_f64()))
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// A short run (under two minutes): fewer transactions and rounds.
    pub quick: bool,
    /// Where results go.
    pub out: PathBuf,
}

/// Everything one run measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// Whether this was the short run ([`Options::quick`]).
    pub quick: bool,
    /// CPUs available to the process; caps the worker counts in `scaling`.
    pub cpus: usize,
    /// Token transfers through the whole VM (blocks, receipts, commit) over RocksDB.
    pub token_rocks: Timing,
    /// The same transfers over the in-memory store.
    pub token_memory: Timing,
    /// Token transfers on bare QuickJS with the gas meter: no VM, state in a hash map.
    pub quickjs_metered: Timing,
    /// The same on bare QuickJS without the meter: the baseline the meter is compared with.
    pub quickjs_unmetered: Timing,
    /// The metered transfer through the runtime's host over a transaction's state, on QuickJS,
    /// without the VM.
    pub quickjs_host: Timing,
    /// Where a transfer's microseconds go (QuickJS): the rows above as a ladder of ever-fuller
    /// paths, each with its increment over the one before.
    pub ladder: Vec<LadderRow>,
    /// `node --version`, `None` when Node is not on the PATH.
    pub node_version: Option<String>,
    /// The token's logic on Node's V8 in one realm, `None` without Node.
    pub node: Option<Timing>,
    /// The same ERC-20 logic on revm, `None` unless built with the `revm` feature.
    pub revm: Option<Timing>,
    /// What the revm row measures, or why it is absent.
    pub revm_note: String,
    /// Cold and warm contract loads, one entry per contract size.
    pub load: Vec<LoadTiming>,
    /// Query throughput per worker count, 1 doubling up to the CPUs (at most 16).
    pub scaling: Vec<ScalingPoint>,
    /// The state of parallel block execution ([`BLOCK_PARALLELISM`]).
    pub block_parallelism: String,
    /// Blocks of transfers (independent, 10% and 100% on one hot account) in order and on the
    /// parallel executor at each worker count (issue 18).
    pub parallel_blocks: Vec<ParallelKind>,
    /// The gas meter's overhead per compute kernel, on QuickJS.
    pub meter: Vec<KernelTiming>,
    /// Geometric mean of the kernels' metered ÷ unmetered ratios.
    pub meter_geomean: f64,
    /// The same figures with contracts on V8, where it is built in.
    pub v8: Option<V8Rows>,
    /// Signed `token.iost` transfers through a node's HTTP API (sent → committed) at 1 and 64 clients, each
    /// beside the VM alone committing the same transfers in blocks of the same size.
    pub node_http: Vec<http::HttpRow>,
}

/// One of issue 17's or 18's figures beside its goal.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Goal {
    /// Its name in `summary.json`.
    pub key: &'static str,
    /// What the printed table calls it.
    pub label: &'static str,
    /// The figure this run measured, `None` where it could not (revm or V8 not built in).
    pub value: Option<f64>,
    /// The goal, as text (">= 0.33").
    pub goal: &'static str,
    /// Whether the figure meets the goal (false when not measured).
    pub met: bool,
}

/// What the benchmark measures again on V8 (jsvm-engine's `v8` feature).
#[derive(Debug, Clone, serde::Serialize)]
pub struct V8Rows {
    /// Token transfers through the whole VM over RocksDB, contracts on V8.
    pub token_rocks: Timing,
    /// Token transfers on bare V8 with the gas meter.
    pub metered: Timing,
    /// Token transfers on bare V8 without the meter.
    pub unmetered: Timing,
    /// The gas meter's overhead per compute kernel, on V8.
    pub meter: Vec<KernelTiming>,
    /// Geometric mean of the kernels' metered ÷ unmetered ratios on V8.
    pub meter_geomean: f64,
}

fn geomean(kernels: &[KernelTiming]) -> f64 {
    (kernels.iter().map(|k| k.ratio.ln()).sum::<f64>() / kernels.len().max(1) as f64).exp()
}

/// The ERC-20 peer on revm, when built in.
fn revm_row(transfers: usize) -> Result<(Option<Timing>, String), String> {
    #[cfg(feature = "revm")]
    {
        revm_peer::measure(transfers).map(|t| (Some(t), revm_peer::DESCRIPTION.to_string()))
    }
    #[cfg(not(feature = "revm"))]
    {
        let _ = transfers;
        Ok((None, "revm not built in (build with the `revm` feature)".to_string()))
    }
}

/// Token transfers per second on the bare engine `kind` (hot realm, state in a hash map),
/// with the gas meter or without.
pub fn bare_engine(kind: jsvm_engine::EngineKind, metered: bool, n: usize) -> Result<Timing, String> {
    engine_only::measure_on(kind, metered, n)
}

/// Metered token transfers per second through the runtime's host over a transaction's state on
/// engine `kind`, without the VM (the ladder's middle row, [`LadderRow`]).
pub fn host_path(kind: jsvm_engine::EngineKind, n: usize) -> Result<Timing, String> {
    ladder::measure_host(kind, n)
}

/// The bare engine `kind` with and without the meter, each measured twice in turns
/// (metered, unmetered, metered, unmetered) and the faster of each kept: the first
/// measurement in a process pays for warming the allocator, whichever it is.
fn bare_pair(kind: jsvm_engine::EngineKind, n: usize) -> Result<(Timing, Timing), String> {
    let faster = |a: Timing, b: Timing| if a.us_per_tx <= b.us_per_tx { a } else { b };
    let (mut metered, mut unmetered) =
        (engine_only::measure_on(kind, true, n)?, engine_only::measure_on(kind, false, n)?);
    metered = faster(metered, engine_only::measure_on(kind, true, n)?);
    unmetered = faster(unmetered, engine_only::measure_on(kind, false, n)?);
    Ok((metered, unmetered))
}

/// Runs every part, with a progress bar on stderr.
pub fn run(opts: &Options) -> Result<Report, String> {
    let q = opts.quick;
    let v8_built = jsvm_vm::EngineKind::V8.is_built();
    let mut bar = progress::Progress::new(if v8_built { 12 } else { 11 });
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());

    bar.step("JS token, full path, RocksDB");
    let (blocks, per_block) = if q { (2, 1_000) } else { (2, 10_000) };
    let token_rocks = token::measure(token::StoreKind::Rocks, blocks, per_block)?;
    bar.step("JS token, full path, in-memory store");
    let token_memory = token::measure(token::StoreKind::Memory, blocks, per_block)?;
    bar.step("JS token on bare QuickJS, metered and unmetered");
    let n = if q { 2_000 } else { 20_000 };
    let (quickjs_metered, quickjs_unmetered) = bare_pair(jsvm_engine::EngineKind::QuickJs, n)?;
    bar.step("JS token through the runtime's host, no VM");
    let quickjs_host = host_path(jsvm_engine::EngineKind::QuickJs, n)?;
    let ladder = ladder::rows(&[
        ("bare QuickJS, unmetered", quickjs_unmetered),
        ("+ gas meter", quickjs_metered),
        ("+ ContractHost over TxState", quickjs_host),
        ("+ VmManager, in-memory commit", token_memory),
        ("+ RocksDB commit", token_rocks),
    ]);
    bar.step("JS token on Node's V8");
    let node_version = node::version();
    let node = node::measure(if q { 20_000 } else { 200_000 })?;
    bar.step("ERC-20 on revm");
    let (revm, revm_note) = revm_row(if q { 20_000 } else { 200_000 })?;
    bar.step("contract loads, cold and warm");
    let load = load::measure(&[1_000, 50_000, 200_000], if q { 5 } else { 21 })?;
    bar.step("worker scaling");
    let mut counts = vec![1];
    while counts.last().is_some_and(|&c| c * 2 <= cpus.min(16)) {
        counts.push(counts.last().unwrap_or(&1) * 2);
    }
    let scaling = scaling::measure(&counts, if q { 300 } else { 2_000 })?;
    bar.step("parallel blocks");
    let (per_block, rounds, workers): (usize, usize, &[usize]) =
        if q { (2_000, 1, &[1, 2, 4]) } else { (10_000, 1, &[1, 2, 4, 8, 16]) };
    let parallel_blocks = parallel_blocks::measure(&parallel_blocks::KINDS, per_block, rounds, workers, |what| {
        bar.note(&format!("parallel blocks: {what}"))
    })?;
    bar.step("gas meter overhead per kernel");
    let rounds = if q { 5 } else { 31 };
    let meter = meter::meter_overhead(rounds)?;
    let meter_geomean = geomean(&meter);
    bar.step("signed transfers through the node's HTTP API");
    let node_http = http::measure(&[1, 64], if q { 20 } else { 100 })?;
    let v8 = if v8_built {
        bar.step("the token and the kernels on V8");
        let kind = jsvm_vm::EngineKind::V8;
        let meter = meter::meter_overhead_of(kind, meter::KERNELS, rounds)?;
        let (metered, unmetered) = bare_pair(kind, n)?;
        Some(V8Rows {
            token_rocks: token::measure_on(kind, token::StoreKind::Rocks, blocks, per_block)?,
            metered,
            unmetered,
            meter_geomean: geomean(&meter),
            meter,
        })
    } else {
        None
    };
    bar.done();
    Ok(Report {
        quick: q,
        cpus,
        token_rocks,
        token_memory,
        quickjs_metered,
        quickjs_unmetered,
        quickjs_host,
        ladder,
        node_version,
        node,
        revm,
        revm_note,
        load,
        scaling,
        block_parallelism: BLOCK_PARALLELISM.to_string(),
        parallel_blocks,
        meter,
        meter_geomean,
        v8,
        node_http,
    })
}

impl Report {
    /// The throughput rows: (label, timing).
    pub fn rows(&self) -> Vec<(String, Timing)> {
        let mut rows = vec![
            ("jsvm full path, RocksDB".to_string(), self.token_rocks),
            ("jsvm full path, in-memory".to_string(), self.token_memory),
            ("QuickJS metered, bare".to_string(), self.quickjs_metered),
            ("QuickJS unmetered, bare".to_string(), self.quickjs_unmetered),
            ("QuickJS metered, host, no VM".to_string(), self.quickjs_host),
        ];
        if let Some(v8) = &self.v8 {
            rows.push(("jsvm full path, RocksDB, V8".to_string(), v8.token_rocks));
            rows.push(("V8 metered, bare".to_string(), v8.metered));
            rows.push(("V8 unmetered, bare".to_string(), v8.unmetered));
        }
        if let Some(n) = self.node {
            rows.push(("Node V8, one realm".to_string(), n));
        }
        if let Some(r) = self.revm {
            rows.push(("revm ERC-20".to_string(), r));
        }
        rows
    }

    fn load_at(&self, size: usize) -> Option<&LoadTiming> {
        self.load.iter().min_by_key(|l| l.size_bytes.abs_diff(size))
    }

    /// Issue 17's and 18's figures, each beside its goal; `None` where this run could not measure
    /// one (revm or V8 not built in).
    pub fn goals(&self) -> Vec<Goal> {
        let load50 = self.load_at(50_000);
        let v8 = self.v8.as_ref();
        let goal = |key, label, value: Option<f64>, text, met: fn(f64) -> bool| Goal {
            key,
            label,
            value,
            goal: text,
            met: value.is_some_and(met),
        };
        vec![
            goal(
                "full_path_vs_revm",
                "full path ÷ revm (QuickJS, RocksDB)",
                self.revm.map(|r| self.token_rocks.tps / r.tps),
                ">= 0.33",
                |v| v >= 0.33,
            ),
            goal(
                "full_path_v8_vs_quickjs",
                "full path, V8 ÷ QuickJS",
                v8.map(|v| v.token_rocks.tps / self.token_rocks.tps),
                ">= 1.0",
                |v| v >= 1.0,
            ),
            goal(
                "meter_overhead_geomean_quickjs",
                "meter overhead, QuickJS (geomean)",
                Some(self.meter_geomean),
                "<= 1.10",
                |v| v <= 1.10,
            ),
            goal(
                "meter_overhead_geomean_v8",
                "meter overhead, V8 (geomean)",
                v8.map(|v| v.meter_geomean),
                "<= 1.10",
                |v| v <= 1.10,
            ),
            goal("warm_load_50kb_ms", "warm 50 KB load, ms", load50.map(|l| l.warm_ms), "< 1", |v| v < 1.0),
            goal("cold_over_warm_50kb", "cold ÷ warm 50 KB load", load50.map(|l| l.warm_vs_cold), ">= 10", |v| {
                v >= 10.0
            }),
            goal(
                "parallel_speedup_2w_independent",
                "parallel speedup 2w, independent",
                self.parallel_speedup_2w("independent"),
                ">= 1.7",
                |v| v >= 1.7,
            ),
            goal(
                "parallel_speedup_2w_all_conflicting",
                "parallel speedup 2w, all conflicting",
                self.parallel_speedup_2w("all_conflicting"),
                ">= 0.9",
                |v| v >= 0.9,
            ),
        ]
    }

    /// Parallel tx/s ÷ in-order tx/s at 2 workers on the blocks of `kind` ([`parallel_blocks::KINDS`]).
    pub fn parallel_speedup_2w(&self, kind: &str) -> Option<f64> {
        self.parallel_blocks.iter().find(|k| k.kind == kind).and_then(|k| k.speedup_at(2))
    }

    /// The headline figures (`summary.json`): issue 17's and 18's figures under their own names, with
    /// their goals under `goals`, then the throughputs behind them.
    pub fn summary(&self) -> serde_json::Value {
        let load50 = self.load_at(50_000);
        let mut summary = serde_json::json!({
            "token_transfer_tps": self.token_rocks.tps,
            "token_transfer_tps_memory": self.token_memory.tps,
            "rocks_vs_memory": self.token_rocks.tps / self.token_memory.tps,
            "revm_erc20_tps": self.revm.map(|r| r.tps),
            "ratio_vs_unmetered_quickjs": self.token_rocks.tps / self.quickjs_unmetered.tps,
            "metered_vs_unmetered_quickjs": self.quickjs_metered.tps / self.quickjs_unmetered.tps,
            "node_tps": self.node.map(|n| n.tps),
            "cold_load_ms_50kb": load50.map(|l| l.cold_ms),
            "v8_token_transfer_tps": self.v8.as_ref().map(|v| v.token_rocks.tps),
            "v8_metered_vs_unmetered": self.v8.as_ref().map(|v| v.metered.tps / v.unmetered.tps),
            "node_http": self.node_http.iter().map(|r| serde_json::json!({
                "clients": r.clients, "tps": r.http.tps, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms,
                "vm_only_tps": r.vm_only.tps,
            })).collect::<Vec<_>>(),
            "transfer_breakdown_us": self.ladder.iter().map(|r| serde_json::json!({
                "path": r.path, "us_per_tx": r.us_per_tx, "increment_us": r.increment_us,
            })).collect::<Vec<_>>(),
            "parallel_speedup_2w_hot10": self.parallel_speedup_2w("hot10"),
            "parallel_blocks": self.parallel_blocks.iter().map(|k| serde_json::json!({
                "kind": k.kind, "txs_per_block": k.txs_per_block, "sequential_tps": k.sequential_tps,
                "parallel": k.parallel.iter().map(|p| serde_json::json!({
                    "workers": p.workers, "tps": p.tps, "speedup": p.speedup,
                    "reexecutions_per_tx": p.reexecutions_per_tx,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "quick": self.quick,
        });
        let goals = self.goals();
        for g in &goals {
            summary[g.key] = serde_json::json!(g.value);
        }
        summary["goals"] = goals.iter().map(|g| (g.key.to_string(), serde_json::json!(g.goal))).collect();
        summary
    }

    /// The table the `jsvm-bench` binary prints.
    pub fn table(&self) -> String {
        let mut t = String::new();
        t.push_str(&format!("{:<40} {:>10} {:>10} {:>10}\n", "issues 17 and 18", "measured", "goal", "met"));
        for g in self.goals() {
            let value = g.value.map_or("-".to_string(), |v| format!("{v:.3}"));
            let met = match (g.value, g.met) {
                (None, _) => "not built",
                (Some(_), true) => "yes",
                (Some(_), false) => "no",
            };
            t.push_str(&format!("{:<40} {value:>10} {:>10} {met:>10}\n", g.label, g.goal));
        }
        t.push('\n');
        let revm = self.revm.map(|r| r.tps);
        let unmetered = self.quickjs_unmetered.tps;
        t.push_str(&format!(
            "{:<28} {:>12} {:>10} {:>10} {:>14}\n",
            "token transfer", "tx/s", "µs/tx", "÷ revm", "÷ unmetered QJS"
        ));
        for (label, timing) in self.rows() {
            let vs_revm = revm.map_or("-".to_string(), |r| format!("{:.3}", timing.tps / r));
            t.push_str(&format!(
                "{label:<28} {:>12.0} {:>10.1} {vs_revm:>10} {:>14.3}\n",
                timing.tps,
                timing.us_per_tx,
                timing.tps / unmetered
            ));
        }
        if self.revm.is_none() {
            t.push_str(&format!("({})\n", self.revm_note));
        }
        if self.node.is_none() {
            t.push_str("(node not found: no V8 row)\n");
        }
        t.push_str(&format!("RocksDB ÷ in-memory full path: {:.3}\n\n", self.token_rocks.tps / self.token_memory.tps));
        t.push_str(&format!(
            "{:<40} {:>10} {:>10} {:>10}\n",
            "where a transfer's time goes (QuickJS)", "µs/tx", "+ µs", "share"
        ));
        let full = self.ladder.last().map_or(1.0, |r| r.us_per_tx);
        for r in &self.ladder {
            t.push_str(&format!(
                "{:<40} {:>10.1} {:>+10.1} {:>9.0}%\n",
                r.path,
                r.us_per_tx,
                r.increment_us,
                100.0 * r.increment_us / full
            ));
        }
        t.push('\n');
        t.push_str(&http::table(&self.node_http));
        t.push_str(&format!("{:<28} {:>12} {:>10} {:>12}\n", "contract load", "cold ms", "warm ms", "cold ÷ warm"));
        for l in &self.load {
            t.push_str(&format!(
                "{:<28} {:>12.3} {:>10.3} {:>12.1}\n",
                format!("{} bytes", l.size_bytes),
                l.cold_ms,
                l.warm_ms,
                l.warm_vs_cold
            ));
        }
        t.push_str(&format!("\n{:<28} {:>12} {:>10}\n", "workers (queries)", "tx/s", "speedup"));
        for p in &self.scaling {
            t.push_str(&format!("{:<28} {:>12.0} {:>10.2}\n", p.workers, p.tps, p.speedup));
        }
        t.push_str(&format!("{}\n\n", self.block_parallelism));
        t.push_str(&parallel_blocks::table(&self.parallel_blocks));
        t.push('\n');
        t.push_str(&format!("{:<28} {:>12} {:>10} {:>10}\n", "gas meter, kernel", "metered µs", "bare µs", "ratio"));
        for k in &self.meter {
            t.push_str(&format!(
                "{:<28} {:>12.0} {:>10.0} {:>10.3}\n",
                k.kernel, k.metered_us, k.unmetered_us, k.ratio
            ));
        }
        t.push_str(&format!("{:<28} {:>12} {:>10} {:>10.3}\n", "geometric mean", "", "", self.meter_geomean));
        match &self.v8 {
            Some(v8) => {
                t.push_str(&format!(
                    "\n{:<28} {:>12} {:>10} {:>10}\n",
                    "gas meter on V8, kernel", "metered µs", "bare µs", "ratio"
                ));
                for k in &v8.meter {
                    t.push_str(&format!(
                        "{:<28} {:>12.0} {:>10.0} {:>10.3}\n",
                        k.kernel, k.metered_us, k.unmetered_us, k.ratio
                    ));
                }
                t.push_str(&format!("{:<28} {:>12} {:>10} {:>10.3}\n", "geometric mean", "", "", v8.meter_geomean));
            }
            None => t.push_str("(V8 not built in: no V8 rows; build with --features jsvm-engine/v8)\n"),
        }
        t
    }

    /// Writes `results.json`, `summary.json` and `chart.png` into `out`.
    pub fn write(&self, out: &std::path::Path) -> Result<Vec<PathBuf>, String> {
        std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
        let write_json = |name: &str, v: &serde_json::Value| -> Result<PathBuf, String> {
            let path = out.join(name);
            std::fs::write(&path, serde_json::to_string_pretty(v).unwrap_or_default())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(path)
        };
        let results = serde_json::to_value(self).map_err(|e| e.to_string())?;
        let mut files = vec![write_json("results.json", &results)?, write_json("summary.json", &self.summary())?];
        let chart = out.join("chart.png");
        let rows: Vec<(String, f64)> = self.rows().into_iter().map(|(l, t)| (l, t.tps)).collect();
        chart::write_png(&chart, "TOKEN TRANSFERS PER SECOND (ONE RUN)", &rows)?;
        files.push(chart);
        Ok(files)
    }
}
