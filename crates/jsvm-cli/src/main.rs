//! The `jsvm` command: deploy, update, call and query contracts over a RocksDB data directory
//! or, signed, through a running node (`--node`); run that node (`jsvm node`); make keys
//! (`jsvm key new`); inspect the chain (`jsvm contracts`, `account`, `abi`, `events`); re-execute and
//! check it (`jsvm replay`). Exit code 0: done; 1: a transaction ran and did not succeed (or a
//! replayed block differs); 2: the command could not run. See README.md.

mod args;
mod client;
mod clock;
mod code_file;
mod commands;
mod demo;
mod inspect;
mod key;
mod load_check;
mod local;
mod new_chain_dir;
mod node;
mod output;
mod remote;
mod replay;
mod test_cmd;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc, not glibc's malloc: see crates/jsvm-alloc.
#[global_allocator]
static ALLOCATOR: jsvm_alloc::Allocator = jsvm_alloc::Allocator;

fn main() -> ExitCode {
    jsvm_alloc::configure_process();
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(commands::Outcome::Success) => ExitCode::SUCCESS,
        Ok(commands::Outcome::Failed) => ExitCode::from(1),
        Err(e) => {
            output::note(format_args!("jsvm: {e}"));
            ExitCode::from(2)
        }
    }
}
