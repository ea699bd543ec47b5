//! `jsvm-bench [--quick] [--out DIR]`: runs jsvm's benchmark (see the library), prints its
//! tables and writes results.json, summary.json and chart.png into DIR. `jsvm-bench calibrate`
//! times the gas schedule instead (`make calibrate`). A tool of its own, so that the node's
//! `jsvm` binary links neither the benchmark nor its peers.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use jsvm_vm::EngineKind;

/// Measure, in one process and one run: JS token transfers through the full path
/// (RocksDB and in-memory) beside bare QuickJS (metered and not), Node's V8 and the
/// ERC-20 peer on revm; cold and warm contract loads; worker scaling; parallel blocks
/// (Block-STM) beside the same blocks in order; the gas meter's overhead per kernel. Prints a table; writes results.json, summary.json, chart.png.
#[derive(Parser, Debug)]
#[command(name = "jsvm-bench", version)]
struct Args {
    /// Fewer rounds: a quick look rather than a figure to report.
    #[arg(long)]
    quick: bool,
    /// Where to write results.json, summary.json and chart.png.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Time the gas schedule: for each construct of the calibration set, on every engine
    /// built in, the gas, wall time and ns per gas unit of a run to the maximum gas limit,
    /// slowest first, with the margin against the transaction deadline.
    Calibrate {
        /// Timed runs per construct and engine (the median is reported).
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Only the constructs whose name contains this text.
        #[arg(long, default_value = "")]
        only: String,
    },
    /// Only the node's row: signed token transfers sent through HTTP and awaited until committed, at
    /// each client count, beside the VM alone committing the same transfers.
    NodeHttp {
        /// Client counts, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,64")]
        clients: Vec<usize>,
        /// Transfers each client sends.
        #[arg(long, default_value_t = 100)]
        per_client: usize,
    },
    /// Only the replication table: signed token transfers through HTTP, awaited until committed, on a
    /// single node and on a chain of --validators validators (docs/replication.md), at each client count.
    Cluster {
        /// Validators of the replicated chain.
        #[arg(long, default_value_t = 4)]
        validators: usize,
        /// Client counts, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,16")]
        clients: Vec<usize>,
        /// Transfers each client sends.
        #[arg(long, default_value_t = 50)]
        per_client: usize,
    },
    /// Only the parallel-blocks table: blocks of independent, 10% hot and all-conflicting transfers
    /// in order and on the parallel executor at each worker count, checked equal.
    ParallelBlocks {
        /// Transfers a block.
        #[arg(long, default_value_t = 10_000)]
        txs: usize,
        /// Timed blocks a run.
        #[arg(long, default_value_t = 1)]
        blocks: usize,
        /// Worker counts, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,2,4,8,16")]
        workers: Vec<usize>,
        /// Kinds of block, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "independent,hot10,all_conflicting")]
        kinds: Vec<String>,
    },
}

fn calibrate(rounds: usize, only: &str) -> Result<(), String> {
    let mut rows = Vec::new();
    for engine in EngineKind::ALL.into_iter().filter(|e| e.is_built()) {
        rows.extend(jsvm_bench::calibrate::measure(engine, rounds, only, |case| eprint!("\r{engine:?} {case:<24}"))?);
    }
    eprintln!();
    if !EngineKind::V8.is_built() {
        println!("(V8 not built in: QuickJS rows only; build with --features jsvm-engine/v8)");
    }
    println!("{}", jsvm_bench::calibrate::table(&rows, jsvm_vm::VmConfig::default().tx_timeout));
    Ok(())
}

fn run(args: Args) -> Result<(), String> {
    if cfg!(debug_assertions) {
        eprintln!("note: this is a debug build; figures to report come from `cargo build --release` (make bench)");
    }
    match args.command {
        Some(Command::Calibrate { rounds, only }) => return calibrate(rounds, &only),
        Some(Command::NodeHttp { clients, per_client }) => {
            println!("{}", jsvm_bench::http::table(&jsvm_bench::http::measure(&clients, per_client)?));
            return Ok(());
        }
        Some(Command::Cluster { validators, clients, per_client }) => {
            let rows = jsvm_bench::cluster::measure(validators, &clients, per_client)?;
            println!("{}", jsvm_bench::cluster::table(&rows));
            return Ok(());
        }
        Some(Command::ParallelBlocks { txs, blocks, workers, kinds }) => {
            let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
            let kinds =
                jsvm_bench::parallel_blocks::measure(&kinds, txs, blocks, &workers, |what| eprint!("\r\x1b[2K{what}"))?;
            eprintln!();
            println!("{}", jsvm_bench::parallel_blocks::table(&kinds));
            return Ok(());
        }
        None => {}
    }
    let report = jsvm_bench::run(&jsvm_bench::Options { quick: args.quick, out: args.out.clone() })?;
    println!("{}", report.table());
    for path in report.write(&args.out)? {
        println!("written: {}", path.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    jsvm_alloc::configure_process();
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jsvm-bench: {e}");
            ExitCode::from(2)
        }
    }
}
