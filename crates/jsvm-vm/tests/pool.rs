//! The worker pool and the manager's entrances: realms reused by a worker leak
//! nothing between transactions, the pool follows the load, and blocks from
//! other nodes are validated before they are committed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jsvm_test_util::{abi, action, Chain};
use jsvm_vm::{ProposedBlock, Status, VmConfig, VmError};
use serde_json::json;

/// Tries every way a contract could leave something behind in its realm.
const LEAKY: &str = r#"
let moduleCounter = 0;
const cache = [];
const bump = (() => { let hidden = 0; return () => ++hidden; })();
function attempt(f) {
    try { f(); return "changed"; } catch (e) { return e instanceof TypeError ? "refused" : "error: " + e; }
}
class Leaky {
    init() {}
    poke() {
        moduleCounter += 1;
        cache.push("x");
        const tries = [
            attempt(() => { globalThis.leaked = 1; }),
            attempt(() => { Array.prototype.leakedMethod = function () { return "leaked"; }; }),
            attempt(() => { Object.prototype.polluted = "yes"; }),
            attempt(() => { String.prototype.trim = function () { return "hijacked"; }; }),
            attempt(() => { JSON.stringify = function () { return "hijacked"; }; }),
            attempt(() => { Math.max = function () { return -1; }; }),
            attempt(() => { Object.defineProperty(globalThis, "sneaky", { value: 1 }); }),
            attempt(() => { Object.setPrototypeOf(Array.prototype, null); }),
            attempt(() => { delete Array.prototype.map; }),
            attempt(() => { Object.getPrototypeOf(function* () {}).prototype.next = null; }),
            attempt(() => { Object.getPrototypeOf([][Symbol.iterator]()).next = null; }),
        ];
        return [moduleCounter, cache.length, bump()].join(",") + "|" + tries.join(",");
    }
    look() {
        return [
            moduleCounter, cache.length, typeof globalThis.leaked, typeof [].leakedMethod, ({}).polluted,
            " a ".trim(), JSON.stringify({ a: 1 }), Math.max(1, 2), bump(), typeof globalThis.sneaky,
        ].map(String).join(",");
    }
}
module.exports = Leaky;
"#;

const POKED: &str = "1,1,1|refused,refused,refused,refused,refused,refused,refused,refused,refused,refused,refused";
const PRISTINE: &str = "0,0,undefined,undefined,undefined,a,{\"a\":1},2,1,undefined";

fn one_worker() -> Chain {
    Chain::with_config(VmConfig { workers: 1, min_workers: 1, ..VmConfig::default() })
}

#[test]
fn nothing_survives_from_one_transaction_into_the_next() {
    // One worker: every call below runs on the same engine, one realm after another.
    let c = one_worker();
    let id = c.deploy(LEAKY, &abi(&[("poke", &[]), ("look", &[])]));
    for _ in 0..3 {
        let r = c.call(&id, "poke", json!([]));
        assert_eq!(r.status, Status::Success, "{}", r.message);
        assert_eq!(r.returns[0], POKED, "each run starts from the module's first state; the realm is frozen");
        let r = c.call(&id, "look", json!([]));
        assert_eq!(r.returns[0], PRISTINE);
    }
    // Inside one transaction, two actions are two runs: still nothing shared.
    let r = c.run("admin", vec![action(&id, "poke", json!([])), action(&id, "look", json!([]))]);
    assert_eq!(r.returns, vec![POKED, PRISTINE]);
}

#[test]
fn a_callee_does_not_see_its_caller_s_realm_nor_the_caller_its_callee_s() {
    let c = one_worker();
    let leaky = c.deploy(LEAKY, &abi(&[("poke", &[]), ("look", &[])]));
    let caller = r#"
class Caller {
    init() {}
    run(other) {
        try { Object.prototype.fromCaller = "caller"; } catch (e) {}
        blockchain.call(other, "poke", []);
        const seen = blockchain.call(other, "look", [])[0];
        return [seen, ({}).polluted === undefined, typeof [].leakedMethod].join("|");
    }
}
module.exports = Caller;
"#;
    let id = c.deploy(caller, &abi(&[("run", &["string"])]));
    let r = c.call(&id, "run", json!([leaky]));
    assert_eq!(r.status, Status::Success, "{}", r.message);
    assert_eq!(r.returns[0], format!("{PRISTINE}|true|undefined"));
}

#[test]
fn ordinary_code_still_assigns_over_frozen_prototype_properties() {
    // Assigning `name`, `toString`, `constructor`… on one's own objects must keep
    // working although the prototypes that hold them are frozen.
    let c = one_worker();
    let src = r#"
class MyError extends Error {
    constructor(m) { super(m); this.name = "MyError"; }
}
function Legacy() {}
Legacy.prototype = { constructor: Legacy };
Legacy.prototype.toString = function () { return "legacy"; };
class Ok {
    init() {}
    run() {
        const o = {};
        o.toString = () => "custom";
        o.valueOf = () => 41;
        const f = function () {};
        f.toString = () => "f!";
        let caught = "";
        try { throw new MyError("boom"); } catch (e) { caught = String(e) + "/" + (e instanceof MyError); }
        const arr = [3, 1, 2];
        arr.push = function (x) { return "own push " + x; };
        return [String(o), o + 1, String(f), caught, String(new Legacy()), arr.push(9), [1].push(2)].join("|");
    }
}
module.exports = Ok;
"#;
    let id = c.deploy(src, &abi(&[("run", &[])]));
    let r = c.call(&id, "run", json!([]));
    assert_eq!(r.status, Status::Success, "{}", r.message);
    assert_eq!(r.returns[0], "custom|42|f!|MyError: boom/true|legacy|own push 9|2");
}

const SLOW: &str = r#"
class Slow {
    init() {}
    work(n) { let s = 0; for (let i = 0; i < n; i++) { s = (s + i) % 1000003; } return s; }
}
module.exports = Slow;
"#;

#[test]
fn the_pool_grows_under_load_and_shrinks_when_idle() {
    let config =
        VmConfig { workers: 4, min_workers: 1, worker_idle: Duration::from_millis(300), ..VmConfig::default() };
    let c = Arc::new(Chain::with_config(config));
    let id = c.deploy(SLOW, &abi(&[("work", &["number"])]));
    assert_eq!(c.vm.workers().0, 1, "it starts with min_workers");
    // Eight clients query at once: jobs queue, so the pool grows, never past its bound.
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (c, id) = (c.clone(), id.clone());
            std::thread::spawn(move || {
                for _ in 0..3 {
                    let r = c.query(&id, "work", json!([200_000]));
                    assert_eq!(r.status, Status::Success, "{}", r.message);
                }
            })
        })
        .collect();
    for t in clients {
        t.join().unwrap();
    }
    let (live, peak) = c.vm.workers();
    assert!(peak >= 2, "the pool grew under load (peak {peak})");
    assert!(peak <= 4 && live <= 4, "and stayed within its bound (live {live}, peak {peak})");
    // Idle workers leave, down to the minimum.
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.vm.workers().0 > 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(c.vm.workers().0, 1, "the pool shrank back to min_workers");
    // And it still works, growing again on demand.
    let r = c.call(&id, "work", json!([10]));
    assert_eq!(r.returns[0], "45");
}

/// Two chains from the same genesis: one produces, the other validates.
fn produced_block() -> (Chain, Chain, ProposedBlock) {
    let producer = Chain::new();
    let validator = Chain::new();
    let deploy = jsvm_test_util::set_code(SLOW, &abi(&[("work", &["number"])]));
    let txs = vec![producer.tx("admin", &[], vec![deploy])];
    let out = producer.vm.execute_block(txs.clone(), 5_000).unwrap();
    validator
        .vm
        .validate_block(&ProposedBlock {
            txs,
            time: 5_000,
            witness: "jsvm".into(),
            receipts: out.receipts,
            state_root: out.state_root,
        })
        .unwrap();
    assert_eq!(validator.vm.head(), producer.vm.head(), "the validator committed the same block");
    let txs = vec![producer.tx("admin", &[], vec![action("token.iost", "balanceOf", json!(["iost", "admin"]))])];
    let out = producer.vm.execute_block(txs.clone(), 6_000).unwrap();
    let block =
        ProposedBlock { txs, time: 6_000, witness: "jsvm".into(), receipts: out.receipts, state_root: out.state_root };
    (producer, validator, block)
}

#[test]
fn a_validated_block_is_committed_when_it_matches() {
    let (producer, validator, block) = produced_block();
    let out = validator.vm.validate_block(&block).unwrap();
    assert_eq!(out.state_root, producer.vm.head().state_root);
    assert_eq!(validator.vm.head(), producer.vm.head());
}

#[test]
fn a_mismatch_names_the_first_differing_transaction_and_commits_nothing() {
    let (_producer, validator, mut block) = produced_block();
    let before = validator.vm.head();
    block.receipts[0].gas_used += 1;
    let err = validator.vm.validate_block(&block).unwrap_err();
    let VmError::BlockMismatch(m) = &err else { panic!("{err}") };
    assert!(m.starts_with(&format!("transaction #0 {}: gas_used differs", block.receipts[0].tx_hash)), "{m}");
    assert_eq!(validator.vm.head(), before, "nothing committed");

    block.receipts[0].gas_used -= 1;
    block.receipts[0].returns = vec!["1".into()];
    let m = validator.vm.validate_block(&block).unwrap_err().to_string();
    assert!(m.contains("returns differs: given [\"1\"], re-executed [\"90000000000\"]"), "{m}");

    block.receipts[0].returns = vec!["90000000000".into()];
    block.state_root[0] ^= 1;
    let m = validator.vm.validate_block(&block).unwrap_err().to_string();
    assert!(m.contains("state root differs"), "{m}");
    assert_eq!(validator.vm.head(), before);
    block.state_root[0] ^= 1;
    validator.vm.validate_block(&block).unwrap();
}
