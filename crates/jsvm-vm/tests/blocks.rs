//! Blocks: concurrent read-only queries see whole blocks only, the same blocks give the same
//! receipts and state roots on any run and worker count, and a dry run with more gas commits nothing.

mod corpus;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use corpus::scripted_blocks;
use jsvm_test_util::{abi, action, Chain};
use jsvm_vm::{Status, Transaction, VmConfig};
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
                let tx = Transaction::new("admin", vec![action(&id, "get", json!([]))]);
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

#[test]
fn big_blocks_give_the_same_hashes_and_stored_receipts_on_one_worker_and_several() {
    // Blocks of 500: their checks and receipt encoding are split over threads with several
    // workers (and they run in parallel), not with one.
    let script = Chain::new();
    let mut blocks = scripted_blocks(&script);
    let rest: Vec<Transaction> = blocks.drain(1..).flatten().collect();
    blocks.extend(rest.chunks(500).map(|c| c.to_vec()));
    let run = |workers: usize| {
        let c = Chain::with_config(VmConfig { workers, ..VmConfig::default() });
        let mut seen = Vec::new();
        for (i, b) in blocks.iter().enumerate() {
            let out = c.vm.execute_block(b.clone(), 1_000 + i as u64).unwrap();
            let stored: Vec<Vec<u8>> = b
                .iter()
                .map(|tx| c.vm.store().receipt(&tx.hash()).unwrap().expect("every receipt is stored"))
                .collect();
            seen.push((out.block_hash, out.state_root, stored));
        }
        seen
    };
    let in_order = run(1);
    assert_eq!(in_order.iter().map(|(_, _, r)| r.len()).sum::<usize>(), 1_001);
    assert_eq!(run(2), in_order);
    assert_eq!(run(4), in_order);
}

#[test]
fn a_dry_run_with_more_gas_measures_a_transaction_that_ran_out_and_commits_nothing() {
    let c = Chain::new();
    let id = c.deploy(COUNTER, &abi(&[("inc", &["number"]), ("get", &[])]));
    let tx = c.tx("admin", &[], vec![action(&id, "inc", json!([5]))]).with_gas_limit(100);
    let ran_out = c.send(tx.clone());
    assert_eq!(ran_out.status, Status::GasRunOut);
    let head = c.vm.head();
    let limit = 10 * jsvm_vm::MAX_GAS_LIMIT;
    let (dry, _) = c.vm.query_with_gas_limit(tx.clone(), limit).unwrap();
    assert_eq!(dry.status, Status::Success, "{}", dry.message);
    assert_eq!(dry.returns, vec!["5"]);
    assert!(dry.gas_used > 100, "{}", dry.gas_used);
    assert_eq!(c.vm.head(), head, "a dry run commits nothing");
    assert_eq!(c.query(&id, "get", json!([])).returns, vec!["0"]);
    // What it measured is what the transaction needs.
    let enough = c.send(c.tx("admin", &[], vec![action(&id, "inc", json!([5]))]).with_gas_limit(dry.gas_used));
    assert_eq!(enough.status, Status::Success, "{}", enough.message);
    // Its own gas limit is still checked as a query checks it.
    let e = c.vm.query_with_gas_limit(tx.with_gas_limit(0), limit).unwrap_err();
    assert!(e.to_string().contains("gas limit 0"), "{e}");
}
