//! jsvm-testing: `jsvm test`, a test runner for contracts (see docs/testing.md).
//!
//! Test files (`*.test.js`, `*.test.ts`) run in jsvm's own runner: a QuickJS context of the
//! workspace's `rquickjs` (`runner`), not the contract sandbox, so no Node.js is needed. The
//! file's globals (`test`, `describe`, hooks, `chain`, `expect`, `assert`) are the prelude's
//! (`prelude.js`); everything `chain` does goes through one synchronous host function
//! (`host`) to an in-process chain of the file's own (`chain`): a `VmManager` over a fresh
//! in-memory store, named accounts with keys, signed transactions, one block per
//! transaction at a clock the test sets, and snapshots to revert to. Results and a per-method
//! gas report (`gas`) are printed by `report`.
//!
//! The TypeScript declarations of contracts' globals and of the test API ([`TYPES`]) are
//! embedded here, for `jsvm types`.

mod chain;
mod gas;
mod host;
mod report;
mod runner;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use gas::{GasReport, GasStats};
pub use jsvm_engine::EngineKind;
pub use report::{Entry, FileReport, Outcome, Summary, TestResult};

/// The declaration files `jsvm types` writes: contract globals and the test API.
pub const TYPES: [(&str, &str); 2] = [
    ("jsvm.d.ts", include_str!("../../../types/jsvm.d.ts")),
    ("jsvm-test.d.ts", include_str!("../../../types/jsvm-test.d.ts")),
];

/// Where tests are looked for when no path is given, relative to the working directory.
pub const DEFAULT_DIRS: [&str; 2] = ["test", "tests"];

/// Whether `path` is named as a test file: `*.test.js` or `*.test.ts`.
pub fn is_test_file(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(".test.js") || n.ends_with(".test.ts"))
}

/// The test files `paths` name: files as given, directories searched recursively for test
/// files (skipping `node_modules` and hidden directories), in path order. No path: the
/// [`DEFAULT_DIRS`] that exist. An error when a path does not exist or nothing is found.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let defaults: Vec<PathBuf> = DEFAULT_DIRS.iter().map(PathBuf::from).filter(|d| d.is_dir()).collect();
    let given = if paths.is_empty() { &defaults } else { paths };
    let mut files = Vec::new();
    for path in given {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(format!("{} does not exist", path.display()));
        }
    }
    if files.is_empty() {
        let searched: Vec<String> = given.iter().map(|p| p.display().to_string()).collect();
        return Err(if searched.is_empty() {
            "no test files: give files or directories, or put *.test.js / *.test.ts files under ./test or ./tests"
                .into()
        } else {
            format!("no *.test.js or *.test.ts files in {}", searched.join(", "))
        });
    }
    Ok(files)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "node_modules" && !name.starts_with('.') {
                walk(&path, found)?;
            }
        } else if is_test_file(&path) {
            found.push(path);
        }
    }
    Ok(())
}

/// Runs one test file against a fresh chain whose contracts run on `engine`.
pub fn run_file(path: &Path, engine: EngineKind) -> FileReport {
    runner::run_file(path, &path.display().to_string(), engine)
}

/// Runs the test files `paths` name (see [`discover`]) and writes the report to `out`: a
/// line per test, a summary and the gas table, or with `json` one JSON document. Returns the
/// exit code: 0 every test passed, 1 a test failed, 2 a file could not run (unreadable, a
/// syntax error, …); an error when there is nothing to run.
pub fn run(paths: &[PathBuf], engine: EngineKind, json: bool, out: &mut dyn Write) -> Result<u8, String> {
    let files = discover(paths)?;
    let mut reports = Vec::with_capacity(files.len());
    let mut gas = GasReport::default();
    let io = |e: std::io::Error| format!("cannot write the report: {e}");
    for file in &files {
        let report = run_file(file, engine);
        gas.merge(&report.gas);
        if !json {
            out.write_all(report::file_text(&report).as_bytes()).and_then(|()| out.flush()).map_err(io)?;
        }
        reports.push(report);
    }
    let summary = Summary::of(&reports);
    let text = if json {
        format!("{:#}\n", report::json_report(&reports, &summary, &gas))
    } else {
        report::summary_text(&summary, &gas)
    };
    out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(io)?;
    Ok(summary.exit_code())
}

/// Writes the [`TYPES`] files into `dir` (made if missing); returns their paths.
pub fn write_types(dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    TYPES
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            Ok(path)
        })
        .collect()
}
