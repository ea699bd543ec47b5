//! The `jsvm` command: deploy, update, call and query contracts over a RocksDB
//! data directory. See README.md for the reference.

mod args;
mod commands;
mod demo;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("jsvm: {e}");
            ExitCode::from(2)
        }
    }
}
