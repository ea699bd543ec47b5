//! The worker pool and the manager's entrances: realms reused by a worker leak
//! nothing between transactions, the pool follows the load, and blocks from
//! other nodes are validated before they are committed.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{abi, action, Chain};
use jsvm_vm::{ProposedBlock, Status, VmConfig, VmError};
use serde_json::json;

/// Tries every way a contract could leave something behind in its realm.
const LEAKY: &str = r#"
let moduleCounter = 0;
const cache = [];
const bump = (() => { let hidden = 0; return () => ++hidden; })();
class Leaky {
    init() {}
    poke() {
        moduleCounter += 1;
        cache.push("x");
        globalThis.leaked = (globalThis.leaked || 0) + 1;
        Array.prototype.leakedMethod = function () { return "leaked"; };
        Object.prototype.polluted = "yes";
        String.prototype.trim = function () { return "hijacked"; };
        JSON.stringify = function () { return "hijacked"; };
        Math.max = function () { return -1; };
        return JSON.parse('"' + [moduleCounter, cache.length, globalThis.leaked, bump()].join(",") + '"');
    }
    look() {
        return [
            moduleCounter, cache.length, typeof globalThis.leaked, typeof [].leakedMethod, ({}).polluted,
            " a ".trim(), JSON.stringify({ a: 1 }), Math.max(1, 2), bump(),
        ].map(String).join(",");
    }
}
module.exports = Leaky;
"#;

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
        assert_eq!(r.returns[0], "1,1,1,1", "each run starts from the module's first state");
        let r = c.call(&id, "look", json!([]));
        assert_eq!(r.returns[0], "0,0,undefined,undefined,undefined,a,{\"a\":1},2,1");
    }
    // Inside one transaction, two actions are two runs: still nothing shared.
    let r = c.run("admin", vec![action(&id, "poke", json!([])), action(&id, "look", json!([]))]);
    assert_eq!(r.returns, vec!["1,1,1,1", "0,0,undefined,undefined,undefined,a,{\"a\":1},2,1"]);
}

#[test]
fn a_callee_does_not_see_its_caller_s_realm_nor_the_caller_its_callee_s() {
    let c = one_worker();
    let leaky = c.deploy(LEAKY, &abi(&[("poke", &[]), ("look", &[])]));
    let caller = r#"
class Caller {
    init() {}
    run(other) {
        Object.prototype.fromCaller = "caller";
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
    assert_eq!(r.returns[0], "0,0,undefined,undefined,undefined,a,{\"a\":1},2,1|true|undefined");
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
    let config = VmConfig { workers: 4, min_workers: 1, worker_idle: Duration::from_millis(300), ..VmConfig::default() };
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
    let deploy = common::set_code(SLOW, &abi(&[("work", &["number"])]));
    let txs = vec![producer.tx("admin", &[], vec![deploy])];
    let out = producer.vm.execute_block(txs.clone(), 5_000).unwrap();
    validator.vm.validate_block(&ProposedBlock { txs, time: 5_000, receipts: out.receipts, state_root: out.state_root }).unwrap();
    assert_eq!(validator.vm.head(), producer.vm.head(), "the validator committed the same block");
    let txs = vec![producer.tx("admin", &[], vec![action("token.iost", "balanceOf", json!(["iost", "admin"]))])];
    let out = producer.vm.execute_block(txs.clone(), 6_000).unwrap();
    let block = ProposedBlock { txs, time: 6_000, receipts: out.receipts, state_root: out.state_root };
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
