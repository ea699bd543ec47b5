//! `jsvm-bench [--quick] [--out DIR]`: runs jsvm's benchmark (see the library), prints its
//! tables and writes results.json, summary.json and chart.png into DIR. A tool of its own,
//! so that the node's `jsvm` binary links neither the benchmark nor its peers.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Measure, in one process and one run: JS token transfers through the full path
/// (RocksDB and in-memory) beside bare QuickJS (metered and not), Node's V8 and the
/// ERC-20 peer on revm; cold and warm contract loads; worker scaling; the gas meter's
/// overhead per kernel. Prints a table; writes results.json, summary.json, chart.png.
#[derive(Parser, Debug)]
#[command(name = "jsvm-bench", version)]
struct Args {
    /// Fewer rounds: a quick look rather than a figure to report.
    #[arg(long)]
    quick: bool,
    /// Where to write results.json, summary.json and chart.png.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
}

fn run(args: Args) -> Result<(), String> {
    if cfg!(debug_assertions) {
        eprintln!("note: this is a debug build; figures to report come from `cargo build --release` (make bench)");
    }
    let report = jsvm_bench::run(&jsvm_bench::Options { quick: args.quick, out: args.out.clone() })?;
    println!("{}", report.table());
    for path in report.write(&args.out)? {
        println!("written: {}", path.display());
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jsvm-bench: {e}");
            ExitCode::from(2)
        }
    }
}
