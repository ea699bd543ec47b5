//! `jsvm test` (contract tests, in jsvm-testing) and `jsvm types` (the TypeScript declarations).

use std::path::PathBuf;

use clap::Args;

use crate::commands::{CmdResult, Outcome};
use crate::output::{out, Stdout};

/// `jsvm test`'s options (the engine contracts run on is the global --engine).
#[derive(Args, Debug)]
pub(crate) struct TestArgs {
    /// Test files, or directories searched for *.test.js and *.test.ts files. Default: ./test
    /// and ./tests.
    pub paths: Vec<PathBuf>,
    /// Print one JSON document (files, tests, summary, gas) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `jsvm types`' options.
#[derive(Args, Debug)]
pub(crate) struct TypesArgs {
    /// Where to write jsvm.d.ts and jsvm-test.d.ts.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// Runs the tests: exit 1 when one failed, 2 when a file could not run (after the report).
pub(crate) fn test(args: TestArgs, engine: jsvm_engine::EngineKind) -> CmdResult {
    match jsvm_testing::run(&args.paths, engine, args.json, &mut Stdout)? {
        0 => Ok(Outcome::Success),
        1 => Ok(Outcome::Failed),
        // The report has said which file could not run and why; only the exit code is left.
        code => std::process::exit(i32::from(code)),
    }
}

/// Writes the declaration files and names them.
pub(crate) fn types(args: TypesArgs) -> CmdResult {
    for path in jsvm_testing::write_types(&args.dir)? {
        out!("{}", path.display())?;
    }
    Ok(Outcome::Success)
}
