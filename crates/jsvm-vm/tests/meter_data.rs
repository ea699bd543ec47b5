//! Work that grows with data inside syntax, not inside a built-in (docs/gas.md): spreads
//! copy their whole source, comparisons walk two strings, a generator suspended in a loop
//! holds iterations it has not paid for. Each is paid by its size, so that a hostile loop
//! of them ends out of gas (4,000,000, the default limit) well before the deadline.

use jsvm_test_util::{abi, Chain};
use jsvm_vm::Status;
use serde_json::json;

const DATA: &str = r#"
function* suspended(n) { let t = 0; for (;;) { t++; if (t === n) yield t; } }
function* countedSuspended(n) { for (let i = 0; i < 1000; i++) { if (i === n) yield i; } }
function* nestedSuspended(n) { for (let j = 0; j < 2; j++) { let k = 0; while (k < 100) { k++; if (j === 1 && k === n) yield k; } } }
function* each(n) { for (let i = 0; i < n; i++) yield i; }
function* inner(n) { let t = 0; while (t < 1000) { t++; if (t === n) yield t; } }
function* delegating(n) { for (let i = 0; i < 1; i++) { let t = 0; while (t < 1000) { t++; if (t === n) yield* inner(1); } } }
function numbers(n) { const a = []; for (let i = 0; i < n; i++) a.push(i); return a; }
function keyed(n) { const o = {}; for (let i = 0; i < n; i++) o["k" + i] = i; return o; }
function count(first) { return first; }
function compared(op, a, b) {
    switch (op) {
        case "seq": return a === b;
        case "sne": return a !== b;
        case "eq": return a == b;
        case "ne": return a != b;
        case "lt": return a < b;
        case "ge": return a >= b;
        case "case": switch (a) { case b: return true; default: return false; }
        default: return a === "x";
    }
}
function twoLong() { return ["1".repeat(1000000), "1".repeat(1000000)]; }
class Data {
    init() {}
    // `a OP b` with two strings of 8 × s characters, or with `b` a one-character string:
    // the same code either way, only the length the comparison walks differs.
    walk(s, op, pick) {
        const n = Number(s) * 8;
        const a = "x".repeat(n), long = "x".repeat(n), short = "x";
        compared(op, a, pick === "L" ? long : short);
        return "ok";
    }
    // Loops of comparisons of two 1 MB strings.
    strictLoop() { const [a, b] = twoLong(); let t = 0; for (;;) if (a === b) t++; }
    looseLoop() { const [a, b] = twoLong(); let t = 0; for (;;) if (a != b) t++; }
    lessLoop() { const [a, b] = twoLong(); let t = 0; for (;;) if (a < b) t++; }
    memberLoop() { const [a, b] = twoLong(); const o = { a, b }; let t = 0; for (;;) if (o.a === o.b) t++; }
    caseLoop() { const [a, b] = twoLong(); let t = 0; for (;;) switch (a) { case b: t++; } }
    // The same code with and without a spread of `n` elements.
    arraySpread(s) { const a = numbers(Number(s)); const b = [...a]; return "ok"; }
    arrayNoSpread(s) { const a = numbers(Number(s)); const b = [a]; return "ok"; }
    callSpread(s) { const a = numbers(Number(s)); count(...a); return "ok"; }
    callNoSpread(s) { const a = numbers(Number(s)); count(a); return "ok"; }
    objectSpread(s) { const o = keyed(Number(s)); const b = { ...o }; return "ok"; }
    objectNoSpread(s) { const o = keyed(Number(s)); const b = { o }; return "ok"; }
    setSpread(s) { const t = new Set(numbers(Number(s))); const b = [...t]; return "ok"; }
    setNoSpread(s) { const t = new Set(numbers(Number(s))); const b = [t]; return "ok"; }
    // Loops of spreads that copy a large source at a node's price each.
    growObject() { let o = {}; for (let i = 0; i < 100000; i++) o = { ...o, ["k" + i]: i }; return "ok"; }
    copyObject() { const big = keyed(2000); for (;;) { const c = { ...big }; } }
    copyArray() { const big = numbers(20000); for (;;) { const c = [...big]; } }
    copyString() { const big = "x".repeat(1000000); for (;;) { const c = [...big]; } }
    copySet() { const big = new Set(numbers(20000)); for (;;) { const c = [...big]; } }
    callWithSpread() { const big = numbers(20000); for (;;) count(...big); }
    // A generator suspended inside a loop after `n` iterations, never resumed.
    generator(s) { suspended(Number(s)).next(); return "ok"; }
    countedGenerator(s) { countedSuspended(Number(s)).next(); return "ok"; }
    nestedGenerator(s) { nestedSuspended(Number(s)).next(); return "ok"; }
    delegatingGenerator(s) { delegating(Number(s)).next(); return "ok"; }
    // Suspended on every iteration and resumed to the end: each iteration paid once.
    resumedGenerator(s) { let t = 0; for (const v of each(Number(s))) t += v; return "ok"; }
    // 20,000 generators, each suspended after 63 iterations of its loop.
    manyGenerators() { const gs = []; for (let i = 0; i < 20000; i++) { const g = suspended(63); g.next(); gs.push(g); } return "ok"; }
}
module.exports = Data;
"#;

/// Methods of one string argument, and methods of none (each ends out of gas).
const METHODS: &[&str] = &[
    "generator",
    "countedGenerator",
    "nestedGenerator",
    "delegatingGenerator",
    "resumedGenerator",
    "arraySpread",
    "arrayNoSpread",
    "callSpread",
    "callNoSpread",
    "objectSpread",
    "objectNoSpread",
    "setSpread",
    "setNoSpread",
];
const HOGS: &[&str] = &[
    "manyGenerators",
    "growObject",
    "copyObject",
    "copyArray",
    "copyString",
    "copySet",
    "callWithSpread",
    "strictLoop",
    "looseLoop",
    "lessLoop",
    "memberLoop",
    "caseLoop",
];

fn deploy(c: &Chain) -> String {
    let one: Vec<(&str, &[&str])> = METHODS.iter().map(|m| (*m, &["string"][..])).collect();
    let none = HOGS.iter().map(|m| (*m, &[][..]));
    let walk = ("walk", &["string", "string", "string"][..]);
    c.deploy(DATA, &abi(&one.into_iter().chain(none).chain([walk]).collect::<Vec<_>>()))
}

#[test]
fn comparing_two_long_strings_pays_by_their_length() {
    let c = Chain::new();
    let id = deploy(&c);
    let gas = |s: &str, op: &str, pick: &str| {
        let r = c.query(&id, "walk", json!([s, op, pick]));
        assert_eq!(r.status, Status::Success, "{op}({s}): {}", r.message);
        r.gas_used
    };
    for op in ["seq", "sne", "eq", "ne", "lt", "ge", "case"] {
        // Strings under 256 characters compare free; longer ones pay 1 gas per 8.
        let extra: Vec<u64> =
            ["000", "010", "031", "032", "100", "999"].iter().map(|s| gas(s, op, "L") - gas(s, op, "S")).collect();
        assert_eq!(extra, [0, 0, 0, 32, 100, 999], "{op}");
    }
    // A comparison with a literal is left as written: its cost is bounded by the literal.
    assert_eq!(gas("999", "literal", "L"), gas("999", "literal", "S"));
}

/// The gas of `method(n)` for n in `range` (n as a three-digit string: the transaction's
/// size does not change with it).
fn gas_of(c: &Chain, id: &str, method: &str, range: std::ops::RangeInclusive<u32>) -> Vec<u64> {
    range
        .map(|n| {
            let r = c.query(id, method, json!([format!("{n:03}")]));
            assert_eq!(r.status, Status::Success, "{method}({n}): {}", r.message);
            r.gas_used
        })
        .collect()
}

#[test]
fn a_generator_suspended_in_a_loop_has_paid_for_every_iteration_it_ran() {
    let c = Chain::new();
    let id = deploy(&c);
    for method in ["generator", "countedGenerator", "nestedGenerator", "delegatingGenerator", "resumedGenerator"] {
        let gas = gas_of(&c, &id, method, 1..=70);
        let step = gas[1] - gas[0];
        assert!(step > 0, "{method}: an iteration before the yield costs nothing: {gas:?}");
        for n in 0..gas.len() - 1 {
            assert_eq!(gas[n + 1] - gas[n], step, "{method}: iteration {} cost differs: {gas:?}", n + 1);
        }
    }
    // Exact: an iteration paid at the yield is not paid again.
    assert_eq!(gas_of(&c, &id, "countedGenerator", 1..=2), [8240, 8252]);
}

#[test]
fn a_spread_pays_for_each_element_it_copies() {
    let c = Chain::new();
    let id = deploy(&c);
    // An array's element costs what an element of a literal costs (1), a property or a
    // set's item what a hash-table entry costs (8).
    for (spread, plain, price) in [
        ("arraySpread", "arrayNoSpread", 1),
        ("callSpread", "callNoSpread", 1),
        ("objectSpread", "objectNoSpread", 8),
        ("setSpread", "setNoSpread", 8),
    ] {
        let extra: Vec<i64> = gas_of(&c, &id, spread, 0..=20)
            .into_iter()
            .zip(gas_of(&c, &id, plain, 0..=20))
            .map(|(with, without)| with as i64 - without as i64)
            .collect();
        for n in 0..extra.len() - 1 {
            assert_eq!(extra[n + 1] - extra[n], price, "{spread}: element {} of the copy: {extra:?}", n + 1);
        }
    }
}

/// Each hostile loop ends out of gas at the default limit (4,000,000), not at the deadline.
#[test]
fn loops_of_large_copies_and_suspended_generators_run_out_of_gas() {
    let c = Chain::new();
    let id = deploy(&c);
    for method in HOGS {
        let started = std::time::Instant::now();
        let r = c.call(&id, method, json!([]));
        assert_eq!((r.status, r.gas_used), (Status::GasRunOut, 4_000_000), "{method}: {}", r.message);
        eprintln!("{method}: {:?}", started.elapsed());
    }
}
