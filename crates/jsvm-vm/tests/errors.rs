//! The messages contracts and receipts get for errors (docs/contract-api.md, Errors): an
//! engine's error gets a canonical text made from what both engines say, pinned here on
//! each engine built in (QuickJS always, V8 with `--features jsvm-engine/v8`), so that the
//! same transaction gives the same receipt and the same stored message on either; a thrown
//! value that is not an Error reads as JSON; a run out of gas says in the log where it was;
//! an unknown method lists the ABI's methods and the nearest name.

use jsvm_test_util::{abi, action, Chain, StoreKind};
use jsvm_vm::{EngineKind, Status, VmConfig};
use serde_json::json;

/// The engines this build can run, each with a fresh in-memory chain.
fn chains() -> Vec<(EngineKind, Chain)> {
    let mut engines = vec![EngineKind::QuickJs];
    if EngineKind::V8.is_built() {
        engines.push(EngineKind::V8);
    }
    engines
        .into_iter()
        .map(|engine| (engine, Chain::open(StoreKind::Memory, VmConfig { engine, ..VmConfig::default() }).unwrap()))
        .collect()
}

/// A contract whose `go` runs `body`, and whose `caught` runs `go` and returns
/// `message|name` of what it throws, as contract code sees it.
fn contract(body: &str) -> String {
    format!(
        "class C {{\n  init() {{}}\n  go() {{\n    {body}\n  }}\n  caught() {{\n    try {{ this.go(); return 'no error'; }} \
         catch (e) {{ return String(e.message) + '|' + e.name; }}\n  }}\n}}\nmodule.exports = C;\n"
    )
}

fn deploy(c: &Chain, body: &str) -> String {
    c.deploy(&contract(body), &abi(&[("go", &[]), ("caught", &[])]))
}

/// `body` throws `name: message` on every engine: uncaught (the receipt) and caught.
fn pins(cases: &[(&str, &str, &str)]) {
    for (engine, c) in chains() {
        for (body, name, message) in cases {
            let id = deploy(&c, body);
            let r = c.call(&id, "go", json!([]));
            assert_eq!(r.status, Status::RuntimeError, "{engine:?} {body}");
            let tail = format!("Uncaught exception: {name}: {message}");
            assert!(r.message.ends_with(&tail), "{engine:?} {body}\n  got  {}\n  want …{tail}", r.message);
            let seen = c.query(&id, "caught", json!([])).returns;
            assert_eq!(seen, vec![format!("{message}|{name}")], "{engine:?} {body}");
        }
    }
}

#[test]
fn reads_and_writes_of_undefined_and_null() {
    const NULLISH: &str = "cannot read a property of undefined or null";
    pins(&[
        ("let o; return o.owner;", "TypeError", NULLISH),
        ("let o = null; return o.owner;", "TypeError", NULLISH),
        ("let o; return o[Symbol('k')];", "TypeError", NULLISH),
        ("return null.x.y;", "TypeError", NULLISH),
        ("let u; return `${u.x}`;", "TypeError", NULLISH),
        ("const {a} = undefined; return a;", "TypeError", NULLISH),
        ("const {a: {b}} = {a: null}; return b;", "TypeError", NULLISH),
        ("function f({x}) { return x; } return f();", "TypeError", NULLISH),
        ("return Object.assign(null, {});", "TypeError", NULLISH),
        ("const [a] = null; return a;", "TypeError", "value is not iterable"),
        ("let o; o.x = 1;", "TypeError", "cannot set property 'x' of undefined"),
        ("let o = null; o.owner = 1;", "TypeError", "cannot set property 'owner' of null"),
        ("let o; o[0] = 1;", "TypeError", "cannot set property '0' of undefined"),
        ("let o; o[Symbol('k')] = 1;", "TypeError", "cannot set property 'Symbol(k)' of undefined"),
        ("let o; o[\"it's\"] = 1;", "TypeError", "cannot set property 'it's' of undefined"),
        ("let o; o['é'] = 1;", "TypeError", "cannot set a property of undefined"),
        (
            "let o; o.aVeryLongPropertyNameThatGoesOnAndOnPastSixtyFourBytesOfText = 1;",
            "TypeError",
            "cannot set property 'aVeryLongPropertyNameThatGoesOnA...' of undefined",
        ),
    ]);
}

#[test]
fn calls_of_what_is_not_a_function() {
    const CALLED: &str = "called a value that is not a function (or, with new, not a constructor)";
    pins(&[
        ("const x = {}; x.foo();", "TypeError", CALLED),
        ("const x = {foo: 5}; x.foo(1);", "TypeError", CALLED),
        ("let f; f();", "TypeError", CALLED),
        ("const a = 1; new a();", "TypeError", CALLED),
        ("const f = () => 1; return new f();", "TypeError", CALLED),
        ("return [1].map(5);", "TypeError", CALLED),
        ("return Reflect.apply(5);", "TypeError", CALLED),
        ("return Function.prototype.toString.call(5);", "TypeError", CALLED),
        ("return Function.prototype.bind.call(5);", "TypeError", CALLED),
        ("for (const x of {[Symbol.iterator]: () => ({})}) {}", "TypeError", CALLED),
        ("class A {}; return A();", "TypeError", "a class constructor cannot be called without new"),
    ]);
}

#[test]
fn writes_to_what_is_frozen_or_constant() {
    const READ_ONLY: &str = "cannot assign to a constant or a read-only property";
    const NOT_EXTENSIBLE: &str = "cannot add a property to an object that is not extensible";
    pins(&[
        ("const o = Object.freeze({x: 1}); o.x = 2;", "TypeError", READ_ONLY),
        ("Math.PI = 3;", "TypeError", READ_ONLY),
        ("const a = Object.freeze([1]); a.length = 0;", "TypeError", READ_ONLY),
        ("const c = 1; c = 2;", "TypeError", READ_ONLY),
        ("storage.x = 1;", "TypeError", NOT_EXTENSIBLE),
        ("return Object.freeze([]).push(1);", "TypeError", NOT_EXTENSIBLE),
        ("Object.defineProperty(Object.freeze({}), 'q', {value: 1});", "TypeError", NOT_EXTENSIBLE),
        ("Object.setPrototypeOf(Object.freeze({}), {});", "TypeError", NOT_EXTENSIBLE),
    ]);
}

#[test]
fn other_engine_errors() {
    const FIXED: &str = "operation not allowed on this value";
    pins(&[
        ("for (const x of 5) {}", "TypeError", "value is not iterable"),
        ("return new Set(5);", "TypeError", "value is not iterable"),
        ("return 'a' in 5;", "TypeError", "cannot use 'in' on a value that is not an object"),
        ("return ({}) instanceof 5;", "TypeError", "the right side of instanceof is not a function"),
        ("return Symbol() + '';", "TypeError", "cannot convert a Symbol to a string"),
        ("z; let z = 1;", "ReferenceError", "cannot use 'z' before its declaration has run"),
        ("return y;", "ReferenceError", "y is not defined"),
        (
            "class A {} class B extends A { constructor() { this.x = 1; super(); } } return new B();",
            "ReferenceError",
            "reference to an undeclared or uninitialized name",
        ),
        // Engines word these differently with nothing in common: the kind's fixed text.
        ("return Reflect.ownKeys(5);", "TypeError", FIXED),
        ("const o = {get a() { return 1; }}; o.a = 2;", "TypeError", FIXED),
        ("return JSON.parse('{bad');", "SyntaxError", "invalid syntax"),
        ("return new Array(-1);", "RangeError", "value out of range"),
        ("return decodeURIComponent('%');", "URIError", "malformed URI"),
        // An error code makes keeps its words.
        ("throw new TypeError('mine');", "TypeError", "mine"),
    ]);
}

#[test]
fn thrown_values_that_are_not_errors_read_as_json_or_as_themselves() {
    for (engine, c) in chains() {
        for (body, text) in [
            ("throw {code: 42};", r#"{"code":42}"#),
            ("throw [1, 'a'];", r#"[1,"a"]"#),
            ("throw 'plain words';", "plain words"),
            ("throw 7;", "7"),
            ("throw null;", "null"),
            ("throw undefined;", "undefined"),
            // No JSON (a function): the string form.
            ("throw Object.assign(() => 1, {toString: () => 'fn'});", "fn"),
        ] {
            let id = deploy(&c, body);
            let r = c.call(&id, "go", json!([]));
            let tail = format!("Uncaught exception: {text}");
            assert!(r.message.ends_with(&tail), "{engine:?} {body}: {}", r.message);
        }
    }
}

#[test]
fn running_out_of_gas_logs_where_the_run_was() {
    let source =
        "class C {\n  init() {}\n  spin() {\n    let n = 0;\n    for (;;) { n++; }\n  }\n}\nmodule.exports = C;\n";
    for (engine, c) in chains() {
        let id = c.deploy(source, &abi(&[("spin", &[])]));
        let tx = c.tx("admin", &[], vec![action(&id, "spin", json!([]))]).with_gas_limit(100_000);
        let t = tx.time;
        let (r, log) = c.vm.execute_tx(tx, t).unwrap();
        assert_eq!(r.status, Status::GasRunOut, "{engine:?}");
        let line = log.iter().find(|l| l.contains("out of gas")).unwrap_or_else(|| panic!("{engine:?}: {log:?}"));
        let column = column_after(line, &format!("[error] {id}: out of gas at spin ({id}.js:5:"));
        assert!((5..=21).contains(&column), "{engine:?}: {line} (the line has 21 characters)");
    }
}

/// The number after `prefix` in `line`, which must start with it.
fn column_after(line: &str, prefix: &str) -> u32 {
    let rest = line.strip_prefix(prefix).unwrap_or_else(|| panic!("{line:?} does not start with {prefix:?}"));
    rest.split(')').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no column in {line:?}"))
}

#[test]
fn the_log_gives_the_authors_columns_not_the_metered_codes() {
    // `o.owner` is at columns 19 to 25 of line 4; the meter splices charges before it.
    for (engine, c) in chains() {
        let id = deploy(&c, "let o; return o.owner;");
        let (r, log) = c.call_logged(&id, "go", json!([]));
        assert_eq!(r.status, Status::RuntimeError, "{engine:?}");
        let frame = log[0].lines().nth(1).unwrap_or_else(|| panic!("{engine:?}: {log:?}"));
        let column = column_after(frame.trim_start(), &format!("at go ({id}.js:4:"));
        assert!((15..=26).contains(&column), "{engine:?}: {frame}");
    }
}

#[test]
fn an_unknown_method_lists_the_abi_and_the_nearest_name() {
    let c = Chain::open(StoreKind::Memory, VmConfig::default()).unwrap();
    let id = deploy(&c, "return 1;");
    let r = c.call(&id, "caugth", json!([]));
    assert_eq!(r.status, Status::RuntimeError);
    assert!(r.message.ends_with("abi caugth not found; methods: go, caught; did you mean 'caught'?"), "{}", r.message);
    let r = c.call("token.iost", "transfr", json!([]));
    assert!(r.message.contains("abi transfr not found in token.iost; methods: "), "{}", r.message);
    assert!(r.message.ends_with("did you mean 'transfer'?"), "{}", r.message);
}

#[test]
fn a_bundles_log_gives_the_modules_own_columns() {
    let module = contract("let o; return o.owner;");
    let bundle =
        json!({"jsvm_bundle": 1, "entry": "index.js", "modules": {"index.js": {"source": module, "deps": {}}}});
    for (engine, c) in chains() {
        let id = c.deploy(&bundle.to_string(), &abi(&[("go", &[]), ("caught", &[])]));
        let (r, log) = c.call_logged(&id, "go", json!([]));
        assert_eq!(r.status, Status::RuntimeError, "{engine:?}");
        let frame = log[0].lines().nth(1).unwrap_or_else(|| panic!("{engine:?}: {log:?}"));
        let column = column_after(frame.trim_start(), "at go (index.js:4:");
        assert!((15..=26).contains(&column), "{engine:?}: {frame}");
    }
}
