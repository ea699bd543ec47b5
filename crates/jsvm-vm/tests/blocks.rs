//! Blocks: concurrent read-only queries see whole blocks only, and the same
//! blocks give the same receipts and state roots on any run and worker count.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::{abi, action, set_code, Chain};
use jsvm_vm::{Status, Transaction, VmConfig, DEFAULT_GAS_LIMIT};
use serde_json::json;

const COUNTER: &str = r#"
class Counter {
    init() { storage.put("n", "0"); }
    inc(by) { const n = Number(storage.get("n")) + by; storage.put("n", String(n)); return n; }
    get() { return storage.get("n"); }
}
module.exports = Counter;
"#;

#[test]
fn a_query_running_beside_block_commits_sees_whole_blocks_only() {
    let c = Arc::new(Chain::new());
    let id = c.deploy(COUNTER, &abi(&[("inc", &["number"]), ("get", &[])]));
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (c, id, done) = (c.clone(), id.clone(), done.clone());
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            while !done.load(Ordering::SeqCst) {
                let tx = Transaction {
                    actions: vec![action(&id, "get", json!([]))],
                    publisher: "admin".into(),
                    signers: vec![],
                    gas_limit: DEFAULT_GAS_LIMIT,
                    time: 0,
                    amount_limit: Vec::new(),
                };
                let r = c.vm.query(tx).unwrap().0;
                assert_eq!(r.status, Status::Success, "{}", r.message);
                seen.push(r.returns[0].parse::<u64>().unwrap());
            }
            seen
        })
    };
    for _ in 0..30 {
        // Two increments per block: a query between them would see an odd number.
        let txs = vec![
            c.tx("admin", &[], vec![action(&id, "inc", json!([1]))]),
            c.tx("admin", &[], vec![action(&id, "inc", json!([1]))]),
        ];
        let out = c.vm.execute_block(txs, 0).unwrap();
        assert!(out.receipts.iter().all(|r| r.status == Status::Success));
    }
    done.store(true, Ordering::SeqCst);
    let seen = reader.join().unwrap();
    assert!(!seen.is_empty());
    assert!(seen.iter().all(|n| n % 2 == 0), "a query saw half a block: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "queries went back in time");
    assert_eq!(c.query(&id, "get", json!([])).returns, vec!["60"]);
}

/// A fixed sequence of 1,000 transactions in 25 blocks, mixing successes, thrown errors,
/// out-of-gas, map churn, events, loops and modern JavaScript.
fn scripted_blocks(c: &Chain) -> Vec<Vec<Transaction>> {
    let src = r#"
class Mix {
    init() { storage.put("n", "0"); }
    add(k, v) { storage.mapPut("m", k, v); blockchain.event(k); return storage.mapLen("m"); }
    del(k) { storage.mapDel("m", k); return JSON.stringify(storage.mapKeys("m")); }
    boom() { storage.put("x", "1"); throw new Error("boom"); }
    work(n) {
        const seen = new Map();
        let acc = 0n;
        for (let i = 0; i < n; i++) {
            const { q, r } = { q: Math.floor(i / 7), r: i % 7 };
            seen.set(r, (seen.get(r) ?? 0) + q);
            acc += BigInt(i) ** 2n;
        }
        const sorted = [...seen.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
        storage.put("work", `${acc}:${sorted.map(([k]) => k).join("")}`);
        return storage.get("work");
    }
    spin() { for (;;) {} }
}
module.exports = Mix;
"#;
    let a = abi(&[("add", &["string", "string"]), ("del", &["string"]), ("boom", &[]), ("work", &["number"]), ("spin", &[])]);
    let deploy = c.tx("admin", &[], vec![set_code(src, &a)]);
    let id = jsvm_runtime::contract_id_for(&deploy.hash());
    let mut blocks = vec![vec![deploy]];
    for i in 0..25u64 {
        let mut block = Vec::new();
        for j in 0..40u64 {
            let n = i * 40 + j;
            let k = format!("k{}", n % 13);
            let mut t = match n % 7 {
                0 | 1 => c.tx("admin", &[], vec![action(&id, "add", json!([k, format!("v{n}")]))]),
                2 => c.tx("admin", &[], vec![action(&id, "del", json!([k]))]),
                3 => c.tx("admin", &[], vec![action(&id, "add", json!([k, "x"])), action(&id, "boom", json!([]))]),
                4 => c.tx("admin", &[], vec![action(&id, "work", json!([n % 50]))]),
                5 => c.tx("admin", &[], vec![action(&id, "spin", json!([]))]),
                _ => c.tx("bob", &[], vec![action(&id, "work", json!([3])), action(&id, "add", json!([k, "y"]))]),
            };
            if n % 7 == 5 {
                t.gas_limit = 50_000;
            }
            block.push(t);
        }
        blocks.push(block);
    }
    blocks
}

fn replay(workers: usize, blocks: &[Vec<Transaction>]) -> (Vec<String>, [u8; 32]) {
    let c = Chain::with_config(VmConfig { workers, ..VmConfig::default() });
    let mut receipts = Vec::new();
    let mut root = [0; 32];
    for (i, b) in blocks.iter().enumerate() {
        let out = c.vm.execute_block(b.clone(), 1_000 + i as u64).unwrap();
        receipts.extend(out.receipts.iter().map(|r| serde_json::to_string(r).unwrap()));
        root = out.state_root;
    }
    (receipts, root)
}

#[test]
fn the_same_blocks_give_the_same_receipts_and_root_on_every_run_and_worker_count() {
    let script = Chain::new();
    let blocks = scripted_blocks(&script);
    let first = replay(1, &blocks);
    assert_eq!(first.0.len(), 1_001);
    for status in ["SUCCESS", "RUNTIME_ERROR", "GAS_RUN_OUT"] {
        assert!(first.0.iter().any(|r| r.contains(status)), "the sequence has no {status}");
    }
    // Byte-identical on a second run, and with more workers (other runtimes, whose
    // realms have another history).
    assert_eq!(replay(1, &blocks), first);
    assert_eq!(replay(4, &blocks), first);
}
