//! What the meter's shortcuts must not change (docs/gas.md). Loops pay for their
//! iterations in batches or stretches: whatever way a loop ends, the gas it used must be
//! exactly its iteration cost times the iterations that ran, so one more iteration always
//! costs the same, across batch boundaries and exit paths. Inline sort comparators are
//! paid for by the sort: they must cost what the same function passed any other way costs.

use jsvm_test_util::{abi, Chain};
use jsvm_vm::Status;
use serde_json::json;

/// Each method runs a loop of `n` iterations (n given as a three-digit string, so the
/// transaction's size does not change with it) that ends in a different way, and
/// returns a value of constant length.
const LOOPS: &str = r#"
function thrower(n) {
    for (let i = 0; ; i++) { if (i === n) throw new Error("done"); }
}
function countedThrower(n) {
    for (let i = 0; i < 1000; i++) { if (i === n) throw new Error("done"); }
}
class Loops {
    init() {}
    test(s) { const n = Number(s); let t = 0; for (let i = 0; i < n; i++) { t += i; } return "ok"; }
    whileTest(s) { let n = Number(s); while (n > 0) { n--; } return "ok"; }
    doWhile(s) { let n = Number(s); do { n--; } while (n >= 0); return "ok"; }
    forOf(s) {
        const a = []; for (let i = 0; i < Number(s); i++) a.push(1);
        let t = 0; for (const x of a) { t += x; } return "ok";
    }
    brk(s) { const n = Number(s); for (let i = 0; ; i++) { if (i === n) break; } return "ok"; }
    ret(s) { const n = Number(s); for (let i = 0; ; i++) { if (i === n) return "ok"; } }
    caught(s) { const n = Number(s); try { for (let i = 0; ; i++) { if (i === n) throw 1; } } catch (e) { return "ok"; } }
    callerCatches(s) { try { thrower(Number(s)); } catch (e) { return "ok"; } }
    labelled(s) {
        const n = Number(s);
        outer: for (let j = 0; j < 2; j++) { for (let i = 0; ; i++) { if (i === n) continue outer; } }
        return "ok";
    }
    nested(s) { const n = Number(s); let t = 0; for (let j = 0; j < 3; j++) { for (let i = 0; i < n; i++) { t++; } } return "ok"; }
    // Counted loops (a bound that cannot change): stretches instead of batches.
    countedBreak(s) { const n = Number(s); for (let i = 0; i < 1000; i++) { if (i === n) break; } return "ok"; }
    countedReturn(s) { const n = Number(s); for (let i = 0; i < 1000; i++) { if (i === n) return "ok"; } }
    countedThrow(s) { try { countedThrower(Number(s)); } catch (e) { return "ok"; } }
    countedContinue(s) { const n = Number(s); let t = 0; for (let i = 0; i < n; i++) { if (i < 0) continue; t++; } return "ok"; }
    countedInclusive(s) { const n = Number(s); for (let i = 1; i <= n; i++) {} return "ok"; }
    countedStringBound(s) { for (let i = 0; i < s; i++) {} return "ok"; }
    countedDeclaredBound(s) { let t = 0; for (let i = 0, n = Number(s); i < n; i++) t += i; return "ok"; }
    countedLabelledOut(s) {
        const n = Number(s);
        outer: for (let j = 0; j < 1; j++) { for (let i = 0; i < 1000; i++) { if (i === n) break outer; } }
        return "ok";
    }
    generalBound(s) { var k = 1000; const n = Number(s); for (let i = 0; i < k; i++) { if (i === n) break; } return "ok"; }
    countedBound(s) { const k = 1000; const n = Number(s); for (let i = 0; i < k; i++) { if (i === n) break; } return "ok"; }
    countedInSwitch(s) {
        const n = Number(s);
        for (let i = 0; i < 1000; i++) { switch (i === n) { case true: return "ok"; default: break; } }
    }
}
module.exports = Loops;
"#;

const METHODS: &[&str] = &[
    "test",
    "whileTest",
    "doWhile",
    "forOf",
    "brk",
    "ret",
    "caught",
    "callerCatches",
    "labelled",
    "nested",
    "countedBreak",
    "countedReturn",
    "countedThrow",
    "countedContinue",
    "countedInclusive",
    "countedStringBound",
    "countedDeclaredBound",
    "countedLabelledOut",
    "countedInSwitch",
    "generalBound",
    "countedBound",
];

#[test]
fn one_more_iteration_always_costs_the_same() {
    let c = Chain::new();
    let methods: Vec<(&str, &[&str])> = METHODS.iter().map(|m| (*m, &["string"][..])).collect();
    let id = c.deploy(LOOPS, &abi(&methods));
    let gas_of = |method: &str| -> Vec<u64> {
        (0..=140)
            .map(|n| {
                let r = c.query(&id, method, json!([format!("{n:03}")]));
                assert_eq!(r.status, Status::Success, "{method}({n}): {}", r.message);
                r.gas_used
            })
            .collect()
    };
    // The same loop, metered in batches (its bound is a `var`, which could change) and
    // in stretches (a `const` bound): the same gas.
    assert_eq!(gas_of("generalBound"), gas_of("countedBound"));
    for method in METHODS {
        let gas = gas_of(method);
        let step = gas[2] - gas[1];
        assert!(step > 0, "{method}: an iteration costs nothing");
        for n in 1..gas.len() - 1 {
            assert_eq!(gas[n + 1] - gas[n], step, "{method}: iteration {n} cost differs: {gas:?}");
        }
    }
}

/// Counted loops keep the meaning of the loop they rewrite: each case runs once as a
/// counted loop and once labelled (a labelled loop is never rewritten), and both must
/// agree with the value written here.
const MEANING: &str = r#"
function cases() {
    const out = [];
    const obj = { calls: 0, valueOf() { this.calls++; return 3; } };
    const nan = NaN, frac = 2.5, str = "4", neg = -2, big = 100;
    let t;
    t = 0; for (let i = 0; i < frac; i++) t += i; out.push(t);
    t = 0; L1: for (let i = 0; i < frac; i++) t += i; out.push(t);
    t = 0; for (let i = 0; i <= frac; i++) t += i; out.push(t);
    t = 0; L2: for (let i = 0; i <= frac; i++) t += i; out.push(t);
    t = 0; for (let i = 0; i < nan; i++) t++; out.push(t);
    t = 0; L3: for (let i = 0; i < nan; i++) t++; out.push(t);
    t = 0; for (let i = 0; i < str; i++) t += i; out.push(t);
    t = 0; L4: for (let i = 0; i < str; i++) t += i; out.push(t);
    t = 0; for (let i = 0; i < neg; i++) t++; out.push(t);
    t = 0; L5: for (let i = 0; i < neg; i++) t++; out.push(t);
    t = 0; for (let i = 0; i < obj; i++) t += i; out.push(t, obj.calls);
    t = 0; obj.calls = 0; L6: for (let i = 0; i < obj; i++) t += i; out.push(t, obj.calls);
    t = 0; for (let i = -3; i < big; i++) { if (i % 7 === 3) continue; if (i === 90) break; t += i; } out.push(t);
    t = 0; L7: for (let i = -3; i < big; i++) { if (i % 7 === 3) continue; if (i === 90) break; t += i; } out.push(t);
    const fs = []; for (let i = 0; i < 3; i++) { const j = i * 2; fs.push(() => j); } out.push(fs.map((f) => f()).join(""));
    t = 0; for (let i = 0; i < 200; i++) for (let k = 0; k <= i % 5; k++) t += k; out.push(t);
    t = 0; L8: for (let i = 0; i < 200; i++) for (let k = 0; k <= i % 5; k++) t += k; out.push(t);
    return out;
}
class Meaning {
    init() {}
    run() { return cases(); }
}
module.exports = Meaning;
"#;

#[test]
fn counted_loops_keep_their_meaning() {
    let c = Chain::new();
    let id = c.deploy(MEANING, &abi(&[("run", &[])]));
    let r = c.query(&id, "run", json!([]));
    assert_eq!(r.status, Status::Success, "{}", r.message);
    let expected = json!([3, 3, 3, 3, 0, 0, 6, 6, 0, 0, 3, 4, 3, 4, 3414, 3414, "024", 800, 800]);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&r.returns[0]).unwrap(), expected);
}

const SORTS: &str = r#"
class Sorts {
    init() {}
    // The arrow is the call's argument: the sort pays for its calls.
    inline(s) { const a = []; for (let i = 0; i < Number(s); i++) a.push((i * 7919) % 101); a.sort((x, y) => x - y); return "ok"; }
    // In parentheses it is an expression like any other: it pays its own entry.
    parens(s) { const a = []; for (let i = 0; i < Number(s); i++) a.push((i * 7919) % 101); a.sort(((x, y) => x - y)); return "ok"; }
    inlineThrows(s) {
        const a = []; for (let i = 0; i < 300; i++) a.push(i % 13);
        let k = 0; const n = Number(s);
        try { a.sort((x, y) => { if (++k > n) throw 1; return x - y; }); } catch (e) {}
        return "ok";
    }
    parensThrows(s) {
        const a = []; for (let i = 0; i < 300; i++) a.push(i % 13);
        let k = 0; const n = Number(s);
        try { a.sort(((x, y) => { if (++k > n) throw 1; return x - y; })); } catch (e) {}
        return "ok";
    }
}
module.exports = Sorts;
"#;

#[test]
fn an_inline_comparator_costs_what_it_costs_as_any_function() {
    let c = Chain::new();
    let methods: Vec<(&str, &[&str])> =
        ["inline", "parens", "inlineThrows", "parensThrows"].iter().map(|m| (*m, &["string"][..])).collect();
    let id = c.deploy(SORTS, &abi(&methods));
    let gas = |method: &str, n: usize| {
        let r = c.query(&id, method, json!([format!("{n:03}")]));
        assert_eq!(r.status, Status::Success, "{method}({n}): {}", r.message);
        r.gas_used
    };
    // The parentheses are one node more, charged once.
    for n in [0, 1, 2, 9, 63, 64, 65, 200, 500] {
        assert_eq!(gas("inline", n) + 1, gas("parens", n), "sorting {n}");
    }
    // A comparator that throws on its (n+1)th call: the calls made are paid either way.
    for n in [0, 5, 63, 64, 100, 1000] {
        assert_eq!(gas("inlineThrows", n) + 1, gas("parensThrows", n), "throwing after {n} calls");
    }
}
