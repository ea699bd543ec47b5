//! Replays every committed fuzz input (`fuzz/corpus/<target>/` and `fuzz/regressions/<target>/`) through its
//! target function: the short run of each fuzz target that CI does, and the regression test of every crash the
//! fuzzer found. A target whose corpus is missing fails: a renamed directory would otherwise replay nothing.

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// Runs every file of `target`'s corpus and regressions through `run`; returns how many ran.
fn replay(target: &str, run: fn(&[u8])) -> usize {
    let mut count = 0;
    let mut seeds = 0;
    for kind in ["corpus", "regressions"] {
        let dir = fuzz_dir().join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("a readable directory entry").path()).collect();
        paths.sort();
        for path in paths.iter().filter(|p| p.is_file()) {
            let data = std::fs::read(path).expect("a readable corpus file");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{target}: {} panicked", path.display());
            count += 1;
            if kind == "corpus" {
                seeds += 1;
            }
        }
    }
    assert!(seeds > 0, "fuzz/corpus/{target}/ holds no inputs");
    println!("{target}: replayed {count} inputs ({seeds} seeds)");
    count
}

#[test]
fn every_target_has_a_replay_test() {
    let names: Vec<&str> = jsvm_fuzz::TARGETS.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        ["tx_bytes", "tx_json", "abi_args", "compile", "bundle", "pack_scanner", "records", "code_cache", "http"]
    );
}

#[test]
fn tx_bytes() {
    replay("tx_bytes", jsvm_fuzz::tx_bytes);
}

#[test]
fn tx_json() {
    replay("tx_json", jsvm_fuzz::tx_json);
}

#[test]
fn abi_args() {
    replay("abi_args", jsvm_fuzz::abi_args);
}

#[test]
fn compile() {
    replay("compile", jsvm_fuzz::compile);
}

#[test]
fn bundle() {
    replay("bundle", jsvm_fuzz::bundle);
}

#[test]
fn pack_scanner() {
    replay("pack_scanner", jsvm_fuzz::pack_scanner);
}

#[test]
fn records() {
    replay("records", jsvm_fuzz::records);
}

#[test]
fn code_cache() {
    replay("code_cache", jsvm_fuzz::code_cache);
}

#[test]
fn http() {
    replay("http", jsvm_fuzz::http);
}
