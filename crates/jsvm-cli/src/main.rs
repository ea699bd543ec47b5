//! The `jsvm` command: deploy, update, call and query contracts over a RocksDB data directory
//! or, signed, through a running node (`--node`); run that node (`jsvm node`); make keys
//! (`jsvm key new`). See README.md for the reference.

mod args;
mod client;
mod clock;
mod commands;
mod demo;
mod key;
mod load_check;
mod node;
mod remote;

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
