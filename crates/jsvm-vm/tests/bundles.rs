//! Bundles (several CommonJS modules, see docs/packing.md) deployed and run: `require`
//! resolution through each module's dependency map, one instance per run, cycles with
//! partial exports, built-in modules, metering of every module, errors in the author's files.

use jsvm_test_util::{abi, Chain};
use jsvm_vm::Status;
use serde_json::{json, Value};

/// One module: id, source, and its (request, module id) pairs.
type Module<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// A bundle's deployed code.
fn bundle(entry: &str, modules: &[Module]) -> String {
    let mut map = serde_json::Map::new();
    for (id, source, deps) in modules {
        let deps: serde_json::Map<String, Value> = deps.iter().map(|(r, t)| (r.to_string(), json!(t))).collect();
        map.insert(id.to_string(), json!({"source": source, "deps": deps}));
    }
    json!({"jsvm_bundle": 1, "entry": entry, "modules": map}).to_string()
}

const ENTRY: &str = r#"const a = require("./a");
const b = require("./lib/b");
const data = require("./data.json");
const storage2 = require("storage");
class Multi {
    init() { storage2.put("n", String(data.start)); }
    both() { return a.name + "+" + b.name + ":" + a.seenB + "/" + b.seenA; }
    same() { return require("./a") === a && require("./lib/b") === b.self() && b.where === "lib/b.js in lib"; }
    counter() { a.bump(); a.bump(); return a.count(); }
    start() { return storage.get("n"); }
    missing(name) { return require(name); }
    boom() { return b.boom(); }
    spin(n) { return b.spin(n); }
}
module.exports = Multi;
"#;

const A: &str = r#"exports.name = "a";
let count = 0;
const b = require("./lib/b");
exports.seenB = b.name + (b.done ? " (done)" : " (partial)");
exports.bump = function () { count += 1; };
exports.count = () => count;
"#;

const B: &str = r#"exports.name = "b";
const a = require("../a");
exports.seenA = a.name + (a.seenB === undefined ? " (partial)" : " (done)");
exports.done = true;
exports.where = __filename + " in " + __dirname;
exports.self = () => module.exports;
exports.boom = function () {
    throw new Error("boom in b");
};
exports.spin = function (n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; };
"#;

fn multi() -> String {
    bundle(
        "index.js",
        &[
            ("index.js", ENTRY, &[("./a", "a.js"), ("./lib/b", "lib/b.js"), ("./data.json", "data.json")]),
            ("a.js", A, &[("./lib/b", "lib/b.js")]),
            ("lib/b.js", B, &[("../a", "a.js")]),
            ("data.json", r#"module.exports = JSON.parse("{\"start\":42}");"#, &[]),
        ],
    )
}

fn multi_abi() -> Value {
    abi(&[
        ("both", &[]),
        ("same", &[]),
        ("counter", &[]),
        ("start", &[]),
        ("missing", &["string"]),
        ("boom", &[]),
        ("spin", &["number"]),
    ])
}

#[test]
fn modules_resolve_cache_and_see_partial_exports_in_a_cycle() {
    let c = Chain::new();
    let id = c.deploy(&multi(), &multi_abi());
    assert_eq!(c.query(&id, "start", json!([])).returns, vec!["42"]);
    // index requires a, a requires b, b requires a (in progress: partial exports).
    assert_eq!(c.query(&id, "both", json!([])).returns, vec!["a+b:b (done)/a (partial)"]);
    assert_eq!(c.query(&id, "same", json!([])).returns, vec!["true"]);
    // One instance per run: module state lives for the run only.
    assert_eq!(c.call(&id, "counter", json!([])).returns, vec!["2"]);
    assert_eq!(c.call(&id, "counter", json!([])).returns, vec!["2"]);
}

#[test]
fn a_require_outside_the_bundle_names_what_is_missing() {
    let c = Chain::new();
    let id = c.deploy(&multi(), &multi_abi());
    let r = c.call(&id, "missing", json!(["fs"]));
    assert_eq!(r.status, Status::RuntimeError);
    assert!(r.message.contains("Cannot find module 'fs' required from index.js"), "{}", r.message);
    let r = c.call(&id, "missing", json!(["./a"]));
    assert_eq!(r.status, Status::Success, "{}", r.message);
}

#[test]
fn runtime_errors_name_the_module_file_and_line() {
    let c = Chain::new();
    let id = c.deploy(&multi(), &multi_abi());
    let (r, logs) = c.call_logged(&id, "boom", json!([]));
    assert_eq!(r.status, Status::RuntimeError);
    // The receipt holds what every engine says alike; the positions go to the log.
    assert_eq!(r.message, format!("running action #0 {id}.boom: Uncaught exception: Error: boom in b"));
    let log = logs.join("\n");
    assert!(log.contains("boom in b"), "{log}");
    assert!(log.contains("lib/b.js:8"), "{log}");
    assert!(log.contains("index.js:12"), "{log}");
    assert!(!log.contains(&format!("{id}.js")), "{log}");
}

#[test]
fn every_module_is_metered() {
    let c = Chain::new();
    let id = c.deploy(&multi(), &multi_abi());
    let small = c.call(&id, "spin", json!([10])).gas_used;
    let big = c.call(&id, "spin", json!([1000])).gas_used;
    assert!(big > small + 990 * 2, "loop in lib/b.js not metered: {small} vs {big}");
    let mut tx = c.tx("admin", &[], vec![jsvm_test_util::action(&id, "spin", json!([100_000_000]))]);
    tx.gas_limit = 100_000;
    assert_eq!(c.send(tx).status, Status::GasRunOut);
}

#[test]
fn every_module_obeys_the_contract_rules() {
    let c = Chain::new();
    let bad = [
        ("with (x) {}", "with"),
        ("async function f() {}", "async"),
        ("var __jsvm_left = 1;", "reserved"),
        ("function (", "syntax error"),
        ("import x from 'y';", "only allowed in modules"),
        // An early error the engine finds: the receipt says so in words every engine
        // gives alike, the log has the engine's own, at the module's line.
        ("let a = 1;\nlet a = 2;", "name declared twice"),
    ];
    for (source, what) in bad {
        let code = bundle(
            "index.js",
            &[
                ("index.js", "require('./x');\nclass C { init() {} }\nmodule.exports = C;", &[("./x", "x.js")]),
                ("x.js", source, &[]),
            ],
        );
        let (r, logs) = c.run_logged("admin", vec![jsvm_test_util::set_code(&code, &abi(&[]))]);
        assert_eq!(r.status, Status::RuntimeError, "{source}");
        let log = logs.join("\n");
        if what == "name declared twice" {
            assert!(log.contains("x.js:2:"), "{source}: {log}");
        } else {
            assert!(r.message.contains("x.js:"), "{source}: {}", r.message);
        }
        assert!(r.message.to_lowercase().contains(what), "{source}: {}", r.message);
        assert!(!r.message.contains("Contract"), "positions name the module: {}", r.message);
    }
}

#[test]
fn malformed_bundles_are_refused() {
    let c = Chain::new();
    let cases = [
        (json!({"jsvm_bundle": 2, "entry": "a.js", "modules": {"a.js": {"source": "x"}}}), "format 2"),
        (json!({"jsvm_bundle": 1, "entry": "b.js", "modules": {"a.js": {"source": "x"}}}), "entry module b.js"),
        (
            json!({"jsvm_bundle": 1, "entry": "a.js", "modules": {"a.js": {"source": "x", "deps": {"./c": "c.js"}}}}),
            "c.js, which is not in the bundle",
        ),
        (
            json!({"jsvm_bundle": 1, "entry": "a.js", "modules": {"a.js": {"source": "class C { init() {} }"}}}),
            "last statement",
        ),
    ];
    for (code, what) in cases {
        let r = c.run("admin", vec![jsvm_test_util::set_code(&code.to_string(), &abi(&[]))]);
        assert_eq!(r.status, Status::RuntimeError, "{code}");
        assert!(r.message.contains(what), "{code}: {}", r.message);
    }
}

#[test]
fn an_es_module_entry_exports_its_class_as_default() {
    let c = Chain::new();
    let entry = "Object.defineProperty(exports, \"__esModule\", { value: true });\nclass T { init() {} hi() { return \"hi\"; } }\nexports.default = T;";
    let id = c.deploy(&bundle("t.js", &[("t.js", entry, &[])]), &abi(&[("hi", &[])]));
    assert_eq!(c.query(&id, "hi", json!([])).returns, vec!["hi"]);
}

#[test]
fn a_bundle_over_the_size_limit_names_its_largest_modules() {
    let big = format!("// {}", "x".repeat(300 * 1024));
    let code = bundle("a.js", &[("a.js", "class A { init() {} }\nmodule.exports = A;", &[]), ("big.js", &big, &[])]);
    let abi = jsvm_compiler::parse_abi(&abi(&[]).to_string()).unwrap();
    let e = jsvm_compiler::compile_contract(&code, &abi, "c.js").unwrap_err().to_string();
    assert!(e.contains("more than the limit of 262144 bytes (largest modules: big.js 307203 bytes"), "{e}");
}

#[test]
fn a_module_that_throws_while_loading_is_retried_and_named() {
    let c = Chain::new();
    let code = bundle(
        "index.js",
        &[
            (
                "index.js",
                "class C {\n    init() {}\n    twice() {\n        let first;\n        try { require('./bad'); } catch (e) { first = e.message; }\n        \
                 try { require('./bad'); } catch (e) { return first + '/' + e.message + '/' + require('./state').loads; }\n    }\n    \
                 once() { return require('./bad'); }\n}\nmodule.exports = C;",
                &[("./bad", "bad.js"), ("./state", "state.js")],
            ),
            // The global object is frozen: the count lives in a module both can reach.
            ("state.js", "module.exports = { loads: 0 };", &[]),
            ("bad.js", "require('./state').loads += 1;\nthrow new Error('bad at load');", &[("./state", "state.js")]),
        ],
    );
    let id = c.deploy(&code, &abi(&[("twice", &[]), ("once", &[])]));
    // Not cached after a failed load: the second require runs the module again.
    assert_eq!(c.query(&id, "twice", json!([])).returns, vec!["bad at load/bad at load/2"]);
    let (r, logs) = c.call_logged(&id, "once", json!([]));
    assert!(r.message.ends_with("Uncaught exception: Error: bad at load"), "{}", r.message);
    let log = logs.join("\n");
    assert!(log.contains("bad.js:2"), "{log}");
    assert!(log.contains("<require>"), "{log}");
    assert!(!log.contains(&format!("{id}.js")), "{log}");
}
