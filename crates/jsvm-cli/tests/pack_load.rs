//! `jsvm pack`'s load check (crates/jsvm-cli/src/load_check.rs): a bundle whose modules
//! cannot load in the sandbox is refused at pack time with the module and line; one that
//! loads is written, whatever its `init` would need of the real chain.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn project(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn pack(dir: &Path) -> Output {
    let out = dir.join("contract.bundle.json");
    Command::new(env!("CARGO_BIN_EXE_jsvm")).arg("pack").arg(dir).arg("-o").arg(out).output().unwrap()
}

const ENTRY: &str =
    "const helper = require('./lib/helper');\nclass C {\n    init() {}\n    /** @param {number} n */\n    \
                     twice(n) { return helper.twice(n); }\n}\nmodule.exports = C;\n";

#[test]
fn a_module_that_cannot_load_is_refused_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    project(
        dir.path(),
        &[
            ("index.js", ENTRY),
            (
                "lib/helper.js",
                "// Finds the global object as some packages do when `global` is not there.\n\
                 const root = Function('return this')();\nexports.twice = (n) => 2 * n;\n",
            ),
        ],
    );
    let out = pack(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "the bundle does not load: Uncaught exception: EvalError: code generation from strings is disabled"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("(lib/helper.js:2:"), "{stderr}");
    assert!(!stderr.contains("load check"), "the check's own module is not shown: {stderr}");
    assert!(!dir.path().join("contract.bundle.json").exists(), "nothing was written");
}

#[test]
fn a_bundle_that_loads_is_written_and_its_init_is_not_run() {
    let dir = tempfile::tempdir().unwrap();
    // `init` needs an account that exists only on the real chain: the check does not run it.
    let entry = ENTRY.replace(
        "init() {}",
        "init() { if (!blockchain.requireAuth('mainowner', 'active')) throw new Error('not the owner'); }",
    );
    project(
        dir.path(),
        &[
            ("index.js", &entry),
            (
                "lib/helper.js",
                "const root = typeof global === 'object' ? global : self;\nexports.twice = (n) => 2 * n;\n",
            ),
        ],
    );
    let out = pack(dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    let gas = summary["deploy_gas"].as_u64().unwrap();
    assert!(gas > 100_000 && gas < 400_000, "{summary}");
    assert!(dir.path().join("contract.bundle.json").is_file());
}

#[test]
fn a_bundle_too_costly_to_load_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    project(
        dir.path(),
        &[("index.js", ENTRY), ("lib/helper.js", "let s = 0;\nfor (;;) s++;\nexports.twice = (n) => 2 * n;\n")],
    );
    let out = pack(dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("takes more than 4,000,000 gas, the most a transaction may have"), "{stderr}");
}
