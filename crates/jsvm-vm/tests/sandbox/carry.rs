//! Nothing carried between runs beyond what carry_over.rs plants: no timers or clock, a
//! `Math.random` that only the transaction seeds, collections and closures that die with
//! their run, and a built-in's bookkeeping (the cycle guard of `join`) left clean by a run
//! that was cut short inside it.

use jsvm_vm::Status;
use serde_json::json;

use crate::{chain, deploy, returned, source_with};

const CLOCKS: &str = r#"
    clocks() {
        return ["setTimeout", "setInterval", "setImmediate", "queueMicrotask", "Date", "Promise", "WeakRef",
                "FinalizationRegistry", "performance", "process", "Proxy", "SharedArrayBuffer", "Atomics", "WebAssembly"]
            .map((n) => typeof globalThis[n]).join(",");
    }
    draws() { return [Math.random(), Math.random()].join(","); }
"#;

#[test]
fn no_timer_no_clock_and_randomness_seeded_by_the_transaction_alone() {
    let c = chain();
    let id = deploy(&c, CLOCKS, &[("clocks", &[]), ("draws", &[])]);
    assert_eq!(returned(&c.call(&id, "clocks", json!([]))), vec!["undefined"; 14].join(","));
    let tx = c.tx("admin", &[], vec![jsvm_test_util::action(&id, "draws", json!([]))]);
    let first = returned(&c.vm.query(tx.clone()).unwrap().0);
    let second = returned(&c.vm.query(tx).unwrap().0);
    assert_eq!(first, second, "the same transaction draws the same numbers");
    let other = returned(&c.query(&id, "draws", json!([])));
    assert_ne!(first, other, "another transaction draws others");
}

/// Module-level collections keyed by shared, frozen built-ins.
const COLLECTIONS: &str = r#"
const weak = new WeakMap();
const seen = new Set();
const remember = (() => { let n = 0; return () => ++n; })();
"#;

const COLLECT: &str = r#"
    touch() {
        weak.set(Object.prototype, (weak.get(Object.prototype) || 0) + 1);
        weak.set(Math.max, (weak.get(Math.max) || 0) + 1);
        seen.add(Array.prototype);
        return [weak.get(Object.prototype), weak.get(Math.max), seen.size, remember()].join(",");
    }
    twice() { this.touch(); return blockchain.call(blockchain.contractName(), "touch", [])[0] + " " + this.touch(); }
"#;

#[test]
fn collections_keyed_by_shared_built_ins_die_with_their_run() {
    let c = chain();
    let abi = jsvm_test_util::abi(&[("touch", &[]), ("twice", &[])]);
    let id = c.deploy(&source_with(COLLECTIONS, COLLECT), &abi);
    let twin = c.deploy(&source_with(COLLECTIONS, COLLECT), &abi);
    for _ in 0..3 {
        assert_eq!(returned(&c.call(&id, "touch", json!([]))), "1,1,1,1");
    }
    // Within one run the collections live on; a nested call is a run of its own.
    assert_eq!(returned(&c.call(&id, "twice", json!([]))), "1,1,1,1 2,2,1,2");
    assert_eq!(returned(&c.call(&twin, "touch", json!([]))), "1,1,1,1");
}

const JOIN: &str = r#"
    // A function is array-like (its length): Math.max joins as ",".
    cut() { return Array.prototype.join.call(Math.max, { toString() { for (;;) {} } }); }
    cutNested() { return blockchain.call(blockchain.contractName(), "cut", [])[0]; }
    thrown() {
        try { Array.prototype.join.call(Math.max, { toString() { throw new Error("x"); } }); } catch (e) {}
        return this.join();
    }
    join() { return "[" + Array.prototype.join.call(Math.max) + "]"; }
"#;

#[test]
fn a_join_cut_short_leaves_no_mark_on_the_built_in_it_was_joining() {
    let c = chain();
    let id = deploy(&c, JOIN, &[("cut", &[]), ("cutNested", &[]), ("thrown", &[]), ("join", &[])]);
    assert_eq!(returned(&c.call(&id, "join", json!([]))), "[,]");
    for method in ["cut", "cutNested"] {
        let r = c.call(&id, method, json!([]));
        assert_eq!(r.status, Status::GasRunOut, "{method}: {}", r.message);
        assert_eq!(returned(&c.call(&id, "join", json!([]))), "[,]", "after {method}");
    }
    assert_eq!(returned(&c.call(&id, "thrown", json!([]))), "[,]");
}
