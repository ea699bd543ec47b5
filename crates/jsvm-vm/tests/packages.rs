//! Popular npm packages in contracts (docs/packing.md, "Packages that work"): for each, a
//! small contract of tests/packages/contracts is packed with the packages npm installed
//! from tests/packages/package-lock.json, deployed on every engine built, and its `check`
//! method's result asserted. `make test-packages` installs them (`npm ci`, offline from
//! npm's cache once it has them) and runs these tests, which are ignored otherwise.

use std::path::{Path, PathBuf};

use jsvm_pack::pack_project;
use jsvm_test_util::{set_code, Chain, StoreKind};
use jsvm_vm::{EngineKind, Receipt, Status, VmConfig};
use serde_json::json;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/packages")
}

/// A project whose entry is `contracts/<name>.js`, with the fixture's packages.
fn project(name: &str) -> tempfile::TempDir {
    let modules = fixture().join("node_modules");
    assert!(modules.is_dir(), "{} is missing: run `make test-packages`", modules.display());
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture().join("contracts").join(format!("{name}.js")), dir.path().join("index.js")).unwrap();
    std::fs::write(dir.path().join("package.json"), r#"{"main": "index.js"}"#).unwrap();
    std::os::unix::fs::symlink(modules, dir.path().join("node_modules")).unwrap();
    dir
}

/// The engines this build has, each with a fresh chain.
fn chains() -> Vec<(EngineKind, Chain)> {
    let mut engines = vec![EngineKind::QuickJs];
    if EngineKind::V8.is_built() {
        engines.push(EngineKind::V8);
    } else {
        eprintln!("this build has no V8: QuickJS only (make test-v8 builds it)");
    }
    engines
        .into_iter()
        .map(|engine| (engine, Chain::open(StoreKind::Memory, VmConfig { engine, ..VmConfig::default() }).unwrap()))
        .collect()
}

/// Packs contract `name` and deploys it on `chain`: the deploy's receipt.
fn deploy(chain: &Chain, name: &str) -> Receipt {
    let dir = project(name);
    let packed = pack_project(dir.path()).unwrap_or_else(|e| panic!("{name}: pack failed: {e}"));
    eprintln!("{name}: {} bytes of code", packed.bundle.code().len());
    chain.run("admin", vec![set_code(&packed.bundle.code(), &packed.bundle.abi.clone().unwrap())])
}

/// Contract `name`'s `check()` on every engine: its JSON result, and the deploy's gas, the same on
/// each (lodash reads built-ins' text while loading: an engine's own text cost a different gas).
fn check(name: &str, expected: serde_json::Value) {
    let mut deploy_gas = Vec::new();
    for (engine, chain) in chains() {
        let r = deploy(&chain, name);
        assert_eq!(r.status, Status::Success, "{name} on {engine:?}: deploy: {}", r.message);
        eprintln!("{name} on {engine:?}: deploy gas {}", r.gas_used);
        deploy_gas.push((engine, r.gas_used));
        assert_eq!(r.gas_used, deploy_gas[0].1, "{name}: deploy gas on {engine:?} and {:?}", deploy_gas[0].0);
        let id = r.returns[0].clone();
        let r = chain.query(&id, "check", json!([]));
        assert_eq!(r.status, Status::Success, "{name} on {engine:?}: check: {}", r.message);
        let got: serde_json::Value = serde_json::from_str(&r.returns[0]).unwrap();
        assert_eq!(got, expected, "{name} on {engine:?}");
    }
}

/// Contract `name` packs but fails to deploy on every engine: the receipt says `words`, the
/// log names `position` (module and line).
fn refused_at_load(name: &str, words: &str, position: &str) {
    for (engine, chain) in chains() {
        let dir = project(name);
        let packed = pack_project(dir.path()).unwrap_or_else(|e| panic!("{name}: pack failed: {e}"));
        let deploy = set_code(&packed.bundle.code(), &packed.bundle.abi.clone().unwrap());
        let (r, logs) = chain.run_logged("admin", vec![deploy]);
        assert_eq!(r.status, Status::RuntimeError, "{name} on {engine:?}: {}", r.message);
        assert!(r.message.contains(words), "{name} on {engine:?}: {}", r.message);
        let log = logs.join("\n");
        assert!(log.contains(position), "{name} on {engine:?}: {log}");
    }
}

#[test]
#[ignore = "needs tests/packages/node_modules: make test-packages"]
fn lodash_methods() {
    check("lodash-methods", json!([[[1, 2], [3, 4], [5]], ["b", "c", "a"], 2, 7, [1, 2]]));
}

#[test]
#[ignore = "needs tests/packages/node_modules: make test-packages"]
fn lodash_methods_that_read_the_clock_while_loading_are_refused() {
    refused_at_load("lodash-sortby", "ReferenceError: Date is not defined", "node_modules/lodash/_shortOut.js:6:");
}

#[test]
#[ignore = "needs tests/packages/node_modules: make test-packages"]
fn lodash_whole_builds_regular_expressions_the_regex_check_refuses() {
    refused_at_load(
        "lodash",
        "a regular expression that repeats a choice between alternatives",
        "node_modules/lodash/lodash.min.js:12:",
    );
}

#[test]
#[ignore = "needs tests/packages/node_modules: make test-packages"]
fn big_js() {
    check("big", json!(["0.3", "1267650600228229401496703205376", "0.3333333333"]));
}

#[test]
#[ignore = "needs tests/packages/node_modules: make test-packages"]
fn bignumber_js_loads_and_draws_from_math_random() {
    check("bignumber", json!(["0.3", "1267650600228229401496703205376", "0.3333333333", true]));
}

#[test]
#[ignore = "needs tests/packages/node_modules: make test-packages"]
fn decimal_js() {
    check("decimal", json!(["0.3", "1267650600228229401500000000000", "1.4142135623730950488"]));
}

#[test]
#[ignore = "needs tests/packages/node_modules: make test-packages"]
fn bn_js_without_node_s_buffer() {
    check(
        "bn",
        json!([
            "15241578753238836750495351562536198787501905199875019052100",
            "18ee90ff6c373e0ee4e3f0ad2",
            "1267650600228229401496703205376"
        ]),
    );
}

#[test]
#[ignore = "needs tests/packages/node_modules: make test-packages"]
fn js_sha3_agrees_with_iost_crypto() {
    check(
        "js-sha3",
        json!([
            "1c8aff950685c2ed4bc3174f3472287b56d9517b9c948127319a09a7a36deac8",
            "3338be694f50c5f338814986cdf0686453a888b84f424d792af4b9202398f392",
            true
        ]),
    );
}

#[test]
#[ignore = "needs tests/packages/node_modules: make test-packages"]
fn bs58() {
    check("bs58", json!(["112VfYr", [0, 0, 1, 2, 3, 255]]));
}

#[test]
#[ignore = "needs tests/packages/node_modules: make test-packages"]
fn superstruct_validates() {
    check(
        "superstruct",
        json!([
            "amount",
            "At path: amount -- Expected a integer greater than or equal to 1 but received `0`",
            true,
            5,
            "function"
        ]),
    );
}

#[test]
#[ignore = "needs tests/packages/node_modules: make test-packages"]
fn ajv_is_over_the_size_limit() {
    let dir = project("ajv");
    let e = pack_project(dir.path()).expect_err("ajv should not pack").to_string();
    assert!(e.contains("more than the limit of 262144 bytes"), "{e}");
}
