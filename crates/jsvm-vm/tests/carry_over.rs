//! Nothing carries over: a planter tries to leave a trace through every cache and shared
//! object a contract can reach, and a prober reads each from the next action of the same
//! transaction, a nested call after the planting call, the next transaction, and another
//! contract deployed with identical code. Every probe must read what it reads in a fresh
//! realm. Each plant/probe pair is a case of its own, reported by name.

use jsvm_test_util::{abi, action, Chain};
use jsvm_vm::{Status, VmConfig};
use serde_json::json;

/// The cases: a name, the statement that plants, the expression that probes (module scope;
/// the plant runs inside `try`, so a refused write is simply no trace).
const CASES: &[(&str, &str, &str)] = &[
    ("global variable", "globalThis.leak = 1", "typeof globalThis.leak"),
    ("global binding", "Object.defineProperty(globalThis, 'leak2', { value: 1 })", "typeof globalThis.leak2"),
    ("Object.prototype", "Object.prototype.leak = 1", "String(({}).leak)"),
    ("Object static", "Object.keys = () => ['x']", "Object.keys({ a: 1 }).join()"),
    ("Array.prototype", "Array.prototype.push = function () { return 99; }", "String([].push(1))"),
    ("Function.prototype", "Function.prototype.leak = 1", "String((() => 0).leak)"),
    ("String.prototype", "String.prototype.trim = () => 'x'", "' a '.trim()"),
    ("RegExp.prototype", "RegExp.prototype.leak = 1", "String(/a/.leak)"),
    ("Error.prototype", "Error.prototype.message = 'planted'", "new Error().message"),
    ("Symbol", "Symbol.leak = 1", "String(Symbol.leak)"),
    ("Map.prototype", "Map.prototype.get = () => 'x'", "String(new Map().get(1))"),
    ("Set.prototype", "Set.prototype.leak = 1", "String(new Set().leak)"),
    ("typed arrays", "Object.getPrototypeOf(Uint8Array.prototype).leak = 1", "String(new Uint8Array(1).leak)"),
    ("Uint8Array", "Uint8Array.prototype.leak = 1", "String(new Uint8Array(1).leak)"),
    ("JSON", "JSON.stringify = () => 'x'", "JSON.stringify(1)"),
    ("Math", "Math.max = () => -1", "String(Math.max(1, 2))"),
    ("Symbol.for registry", "Symbol.for = () => Symbol.iterator", "String(Symbol.keyFor(Symbol.for('jsvm')))"),
    ("regex literal lastIndex", "{ const r = re(); r.exec('aaa'); r.lastIndex = 2; }", "String(re().lastIndex)"),
    ("RegExp legacy statics", "/(pl)anted/.exec('planted')", "String(RegExp.$1) + String(RegExp.lastMatch)"),
    ("Error.stackTraceLimit", "Error.stackTraceLimit = 0", "String(Error.stackTraceLimit)"),
    ("Error.prepareStackTrace", "Error.prepareStackTrace = () => 'x'", "typeof Error.prepareStackTrace"),
    ("Error.captureStackTrace", "Error.captureStackTrace = () => 1", "typeof Error.captureStackTrace"),
    ("module-level state", "counter += 1", "String(counter)"),
    ("class static field", "Kept.count += 1", "String(Kept.count)"),
    ("closure in the cached program", "next()", "String(next())"),
    ("memory", "{ const a = []; for (let i = 0; i < 2000; i++) { const o = { i }; o.self = o; a.push(o); } }", "'ok'"),
];

/// A template object's case, its own test: QuickJS keeps template objects in the cached program
/// that every contract with the same code shares, frozen by the vendored QuickJS's patch.
const TEMPLATE_CASE: (&str, &str, &str) = (
    "template object",
    "{ const t = site(); try { t.leak = 1; } catch (e) {} Object.defineProperty(t, 'length', { value: 7 }); }",
    "String(site().length) + String(site().leak)",
);

fn source(cases: &[(&str, &str, &str)]) -> String {
    let probes: String = cases.iter().enumerate().map(|(i, c)| format!("      case {i}: return {};\n", c.2)).collect();
    let plant_arms: String = cases
        .iter()
        .enumerate()
        .map(|(i, c)| format!("      case {i}: try {{ {} }} catch (e) {{}} return 'planted';\n", c.1))
        .collect();
    format!(
        r#"
let counter = 0;
class Kept {{
  static count = 0;
}}
const next = (() => {{
  let n = 0;
  return () => ++n;
}})();
function re() {{
  return /a/g;
}}
function tag(strings) {{
  return strings;
}}
function site() {{
  return tag`x${{1}}y`;
}}
class CarryOver {{
  init() {{}}
  plant(i) {{
    switch (i) {{
{plant_arms}    }}
    return "no such case";
  }}
  probe(i) {{
    switch (i) {{
{probes}    }}
    return "no such case";
  }}
  // The planting call, then the probe, both nested.
  nested(target, i) {{
    blockchain.call(target, "plant", [i]);
    return blockchain.call(target, "probe", [i])[0];
  }}
}}
module.exports = CarryOver;
"#
    )
}

const GAS: u64 = 4_000_000;

/// A chain with one worker (every run on the same engines) and three contracts of identical
/// code: the planter, its twin, and a caller for nested calls.
fn chain(code: &str) -> (Chain, [String; 3]) {
    let config = VmConfig { workers: 1, min_workers: 1, ..VmConfig::default() };
    let c = Chain::open(jsvm_test_util::StoreKind::Memory, config).unwrap();
    let abi = abi(&[("plant", &["number"]), ("probe", &["number"]), ("nested", &["string", "number"])]);
    let ids = [c.deploy(code, &abi), c.deploy(code, &abi), c.deploy(code, &abi)];
    (c, ids)
}

/// Sends `actions` and returns the last action's return value, or why there is none.
fn last_return(c: &Chain, actions: Vec<jsvm_vm::Action>) -> String {
    let r = c.send(c.tx("admin", &[], actions).with_gas_limit(GAS));
    match (r.status, r.returns.last()) {
        (Status::Success, Some(v)) => v.clone(),
        _ => format!("{:?}: {}", r.status, r.message),
    }
}

/// Every case of `cases` through every way a trace could travel; the failures, one line each.
fn carried_over(cases: &[(&str, &str, &str)]) -> Vec<String> {
    let code = source(cases);
    let mut wrong = Vec::new();
    for (i, (name, _, _)) in cases.iter().enumerate() {
        let (c, [planter, twin, caller]) = chain(&code);
        let fresh = last_return(&c, vec![action(&planter, "probe", json!([i]))]);
        let plant = || action(&planter, "plant", json!([i]));
        let ways = [
            ("the next action", last_return(&c, vec![plant(), action(&planter, "probe", json!([i]))])),
            (
                "a nested call after the planting call",
                last_return(&c, vec![action(&caller, "nested", json!([planter, i]))]),
            ),
            ("the next transaction", {
                last_return(&c, vec![plant()]);
                last_return(&c, vec![action(&planter, "probe", json!([i]))])
            }),
            ("another contract with identical code", {
                last_return(&c, vec![plant()]);
                last_return(&c, vec![action(&twin, "probe", json!([i]))])
            }),
        ];
        for (way, seen) in ways {
            if seen != fresh {
                wrong.push(format!("{name}, read from {way}: {seen:?}, in a fresh realm {fresh:?}"));
            }
        }
    }
    wrong
}

#[test]
fn no_run_sees_a_trace_of_an_earlier_run() {
    let wrong = carried_over(CASES);
    assert!(wrong.is_empty(), "{} carried over:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn no_run_sees_a_template_object_an_earlier_run_changed() {
    let wrong = carried_over(&[TEMPLATE_CASE]);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn block_and_tx_are_frozen_all_the_way_down() {
    let code = r#"
class Frozen {
  init() {}
  check() {
    const objects = [block, tx, tx.authList];
    const frozen = objects.map((o) => Object.isFrozen(o)).join();
    let write = "refused";
    try {
      tx.authList.planted = 1;
      write = "allowed";
    } catch (e) {}
    return frozen + " " + write + " " + typeof tx.authList.planted;
  }
}
module.exports = Frozen;
"#;
    let c = Chain::new();
    let id = c.deploy(code, &abi(&[("check", &[])]));
    let r = c.call(&id, "check", json!([]));
    assert_eq!((r.status, r.returns), (Status::Success, vec!["true,true,true refused undefined".to_string()]));
}
