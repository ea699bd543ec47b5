//! Loops pay for their iterations in batches (docs/gas.md): whatever way a loop ends,
//! the gas it used must be exactly its iteration cost times the iterations that ran, so
//! one more iteration always costs the same, across batch boundaries and exit paths.

mod common;

use common::{abi, Chain};
use jsvm_vm::Status;
use serde_json::json;

/// Each method runs a loop of `n` iterations (n given as a three-digit string, so the
/// transaction's size does not change with it) that ends in a different way, and
/// returns a value of constant length.
const LOOPS: &str = r#"
function thrower(n) {
    for (let i = 0; ; i++) { if (i === n) throw new Error("done"); }
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
}
module.exports = Loops;
"#;

const METHODS: &[&str] = &["test", "whileTest", "doWhile", "forOf", "brk", "ret", "caught", "callerCatches", "labelled", "nested"];

#[test]
fn one_more_iteration_always_costs_the_same() {
    let c = Chain::new();
    let methods: Vec<(&str, &[&str])> = METHODS.iter().map(|m| (*m, &["string"][..])).collect();
    let id = c.deploy(LOOPS, &abi(&methods));
    for method in METHODS {
        let gas: Vec<u64> = (0..=140)
            .map(|n| {
                let r = c.query(&id, method, json!([format!("{n:03}")]));
                assert_eq!(r.status, Status::Success, "{method}({n}): {}", r.message);
                r.gas_used
            })
            .collect();
        let step = gas[2] - gas[1];
        assert!(step > 0, "{method}: an iteration costs nothing");
        for n in 1..gas.len() - 1 {
            assert_eq!(gas[n + 1] - gas[n], step, "{method}: iteration {n} cost differs: {gas:?}");
        }
    }
}
