//! What the host keeps of a transaction is bounded and priced: storage writes, receipts,
//! the node's log, the arguments it accepts; and a block leaves out what it cannot hold
//! (a transaction past the producer's deadline, writes past the block's bound).

use std::time::Duration;

use jsvm_test_util::{abi, action, Chain, StoreKind};
use jsvm_vm::{GasSchedule, ProposedBlock, Status, Transaction, VmConfig, VmError, MAX_BLOCK_WRITE_BYTES};
use serde_json::json;

const LIMITS: &str = r#"
class Limits {
    init() {}
    fill(start, n) {
        const v = "x".repeat(65536);
        for (let i = start; i < start + n; i++) storage.put("k" + i, v);
        return n;
    }
    boom(n) { throw new Error("e".repeat(n)); }
    boomA() { throw new Error("a"); }
    boomB() { throw new Error("aaaaaaaaaa"); }
    events(n, size) {
        const v = "e".repeat(size);
        for (let i = 0; i < n; i++) blockchain.event(v);
        return n;
    }
    logs(n) { for (let i = 0; i < n; i++) console.log("line " + i); return n; }
    // Host calls: no engine can optimise them away, so its 4M gas takes tens of milliseconds on any engine.
    spin() { while (true) storage.has("k"); }
    echo(x) { return JSON.stringify(x); }
    keep(s) { storage.put("s", s); return "kept"; }
    lone(place) {
        const lone = "a\ud800";
        if (place === "key") storage.put(lone, "v");
        if (place === "value") storage.mapPut("m", "f", lone);
        if (place === "event") blockchain.event(lone);
        if (place === "log") console.log(lone);
        if (place === "throw") throw new Error(lone);
        if (place === "caught") {
            try { storage.put("k", lone); } catch (e) { return e.name + ": " + e.message; }
        }
        return lone;
    }
}
module.exports = Limits;
"#;

fn limits_abi() -> serde_json::Value {
    abi(&[
        ("fill", &["number", "number"]),
        ("boom", &["number"]),
        ("boomA", &[]),
        ("boomB", &[]),
        ("events", &["number", "number"]),
        ("logs", &["number"]),
        ("spin", &[]),
        ("echo", &["json"]),
        ("keep", &["string"]),
        ("lone", &["string"]),
    ])
}

fn deployed(c: &Chain) -> String {
    c.deploy(LIMITS, &limits_abi())
}

#[test]
fn a_64_kib_write_costs_a_gas_unit_a_byte_so_the_default_limit_cannot_hold_much() {
    let c = Chain::open(StoreKind::Memory, VmConfig::default()).unwrap();
    let id = deployed(&c);
    let one = c.call(&id, "fill", json!([0, 1]));
    assert_eq!(one.status, Status::Success, "{}", one.message);
    let two = c.call(&id, "fill", json!([1, 2]));
    // One more write of 64 KiB: 300 flat, 6,553 per 10 bytes and 65,538 per byte of key and
    // value (the price gas.rs's tests fix exactly), plus one pass of the loop.
    let write = two.gas_used - one.gas_used;
    assert!((72_391..72_391 + 100).contains(&write), "{write}");
    // 4,000,000 gas buys fewer than 56 such writes (3.7 MB), far below the 4 MiB bound.
    let r = c.call(&id, "fill", json!([10, 56]));
    assert_eq!((r.status, r.gas_used), (Status::GasRunOut, 4_000_000), "{}", r.message);
    assert_eq!(c.query(&id, "echo", json!([1])).returns, ["1"], "the chain goes on");
}

#[test]
fn a_block_leaves_out_the_transactions_whose_writes_would_pass_its_bound() {
    let c = Chain::open(StoreKind::Memory, VmConfig::default()).unwrap();
    let id = deployed(&c);
    // Each transaction writes 50 values of 64 KiB (3.3 MB with keys and records).
    let txs: Vec<Transaction> =
        (0..22).map(|i| c.tx("admin", &[], vec![action(&id, "fill", json!([i * 50, 50]))])).collect();
    let out = c.vm.execute_block(txs.clone(), 0).unwrap();
    assert_eq!(out.receipts.len(), 20);
    assert!(out.receipts.iter().all(|r| r.status == Status::Success));
    assert_eq!(out.left_out.len(), 2);
    for (l, tx) in out.left_out.iter().zip(&txs[20..]) {
        assert_eq!(l.tx_hash, bs58::encode(tx.hash()).into_string());
        assert!(l.reason.starts_with("block full: its writes would reach "), "{}", l.reason);
        assert!(
            l.reason.ends_with(&format!(" bytes of keys and values, at most {MAX_BLOCK_WRITE_BYTES}")),
            "{}",
            l.reason
        );
        assert_eq!(c.vm.receipt(&l.tx_hash).unwrap(), None, "no receipt");
    }
    assert_eq!(c.query(&id, "echo", json!([1])).returns, ["1"]);
    // Nothing of them was written; the next block takes them.
    let next = c.vm.execute_block(txs[20..].to_vec(), 0).unwrap();
    assert_eq!(next.receipts.len(), 2);
    assert!(next.left_out.is_empty());
}

#[test]
fn a_long_uncaught_message_is_cut_and_its_stored_bytes_are_priced() {
    let c = Chain::new();
    let id = deployed(&c);
    let r = c.call(&id, "boom", json!([1 << 20]));
    assert_eq!(r.status, Status::RuntimeError);
    let head = format!("running action #0 {id}.boom: Uncaught exception: Error: eee");
    assert!(r.message.starts_with(&head), "{}", &r.message[..100]);
    let whole = head.len() - 3 + (1 << 20);
    let tail = format!(" ... (message truncated: {whole} bytes in all)");
    assert!(r.message.ends_with(&format!("e{tail}")), "{}", &r.message[1000..]);
    assert_eq!(r.message.len(), jsvm_vm::MAX_MESSAGE_BYTES + tail.len());
    // What is stored is priced: a gas unit a byte of message, as a result's.
    let short = c.call(&id, "boomA", json!([]));
    let long = c.call(&id, "boomB", json!([]));
    assert_eq!(long.message.len() - short.message.len(), 9);
    assert_eq!(long.gas_used - short.gas_used, 9);
}

#[test]
fn receipts_and_events_past_a_mebibyte_a_transaction_are_refused() {
    let c = Chain::new();
    let id = deployed(&c);
    let ok = c.call(&id, "events", json!([17, 60_000]));
    assert_eq!(ok.status, Status::Success, "{}", ok.message);
    assert_eq!(ok.events.len(), 17);
    let r = c.call(&id, "events", json!([18, 60_000]));
    assert_eq!(r.status, Status::RuntimeError);
    let total = 18 * (60_000 + id.len());
    assert_eq!(
        r.message,
        format!(
            "running action #0 {id}.events: Uncaught exception: Error: transaction's receipts and events too large: \
             {total} bytes, at most 1048576"
        )
    );
    assert!(r.events.is_empty());
}

#[test]
fn a_transaction_adds_at_most_a_thousand_lines_to_the_log() {
    let c = Chain::new();
    let id = deployed(&c);
    let (r, logs) = c.call_logged(&id, "logs", json!([1_500]));
    assert_eq!(r.status, Status::Success, "{}", r.message);
    assert_eq!(logs.len(), 1_000);
    assert_eq!(logs[998], format!("[info] {id}: line 998"));
    assert_eq!(logs[999], format!("[warn] {id}: further lines dropped: at most 1000 a transaction"));
}

#[test]
fn a_transaction_past_the_producers_deadline_is_left_out_and_a_validator_waits_longer() {
    let producer = Chain::new();
    // A node whose own deadline is far too short for the spin; it validates under its
    // validator deadline (30 s by default).
    let impatient = VmConfig { tx_timeout: Duration::from_millis(1), ..VmConfig::default() };
    let validator = Chain::with_config(impatient);
    let deploy = producer.tx("admin", &[], vec![jsvm_test_util::set_code(LIMITS, &limits_abi())]);
    let id = {
        let out = producer.vm.execute_block(vec![deploy.clone()], 5_000).unwrap();
        let block = ProposedBlock {
            txs: vec![deploy],
            time: 5_000,
            witness: "jsvm".into(),
            receipts: out.receipts.clone(),
            state_root: out.state_root,
        };
        validator.vm.validate_block(&block).unwrap();
        out.receipts[0].returns[0].clone()
    };
    let spin = producer.tx("admin", &[], vec![action(&id, "spin", json!([]))]);
    let out = producer.vm.execute_block(vec![spin.clone()], 6_000).unwrap();
    assert_eq!(out.receipts[0].status, Status::GasRunOut, "{}", out.receipts[0].message);
    let block = ProposedBlock {
        txs: vec![spin],
        time: 6_000,
        witness: "jsvm".into(),
        receipts: out.receipts,
        state_root: out.state_root,
    };
    validator.vm.validate_block(&block).unwrap();
    assert_eq!(validator.vm.head(), producer.vm.head());

    // Making a block, the impatient node leaves the spin out: no receipt, nothing written.
    let spin = validator.tx("admin", &[], vec![action(&id, "spin", json!([]))]);
    let transfer = validator.tx("admin", &[], vec![action("token.iost", "balanceOf", json!(["iost", "admin"]))]);
    let out = validator.vm.execute_block(vec![spin.clone(), transfer], 7_000).unwrap();
    assert_eq!(out.receipts.len(), 1);
    assert_eq!(out.receipts[0].returns, ["90000000000"]);
    assert_eq!(out.left_out.len(), 1);
    assert_eq!(out.left_out[0].tx_hash, bs58::encode(spin.hash()).into_string());
    assert_eq!(
        out.left_out[0].reason,
        format!(
            "running action #0 {id}.spin: execution killed: transaction deadline exceeded while the block was made"
        )
    );
    assert_eq!(validator.vm.receipt(&out.left_out[0].tx_hash).unwrap(), None);
    let again = validator.tx("admin", &[], vec![action(&id, "spin", json!([]))]);
    let err = validator.vm.execute_tx(again, 8_000).unwrap_err();
    assert!(matches!(err, VmError::LeftOut(_)), "{err}");
    // A query keeps its node-local TIMEOUT receipt.
    let q = validator.query(&id, "spin", json!([]));
    assert_eq!((q.status, q.gas_used), (Status::Timeout, 4_000_000), "{}", q.message);
}

#[test]
fn a_number_a_double_cannot_hold_is_refused() {
    let c = Chain::new();
    let id = deployed(&c);
    let r = c.run("admin", vec![jsvm_vm::Action::new(&id, "fill", "[9007199254740993, 0]")]);
    assert_eq!(r.status, Status::RuntimeError);
    assert_eq!(
        r.message,
        format!(
            "running action #0 {id}.fill: argument 1 of fill must be a number (an integer from -9007199254740991 to \
             9007199254740991), got 9007199254740993"
        )
    );
    let r = c.run("admin", vec![jsvm_vm::Action::new(&id, "echo", r#"[{"a": [1, 0.30000000000000000001]}]"#)]);
    assert_eq!(r.status, Status::RuntimeError);
    assert_eq!(
        r.message,
        format!(
            "running action #0 {id}.echo: argument 1 of echo has a number a double cannot hold exactly: \
             0.30000000000000000001 would arrive as 0.3"
        )
    );
    let r = c.run("admin", vec![jsvm_vm::Action::new(&id, "echo", r#"[[0.1, 1e21, -2.50, 9007199254740991]]"#)]);
    assert_eq!(r.returns, ["[0.1,1e+21,-2.5,9007199254740991]"], "{}", r.message);
}

#[test]
fn a_lone_surrogate_reaching_the_host_gets_the_vms_words_on_both_engines() {
    let c = Chain::new();
    let id = deployed(&c);
    let words = "TypeError: a string with a lone surrogate (\\uD800 to \\uDFFF unpaired) cannot reach the host";
    for place in ["key", "value", "event", "log", "throw", "return"] {
        let r = c.call(&id, "lone", json!([place]));
        assert_eq!(r.status, Status::RuntimeError, "{place}");
        assert_eq!(r.message, format!("running action #0 {id}.lone: Uncaught exception: {words}"), "{place}");
    }
    assert_eq!(c.call(&id, "lone", json!(["caught"])).returns, [words]);
    let r = c.run("admin", vec![jsvm_vm::Action::new(&id, "keep", r#"["\ud800"]"#)]);
    assert_eq!(r.status, Status::RuntimeError);
    assert_eq!(
        r.message,
        format!(
            "running action #0 {id}.keep: argument 1 of keep has a string with a lone surrogate (\\uD800 to \\uDFFF \
             unpaired)"
        )
    );
}

/// A contract of about `bytes` bytes of ordinary code: methods with string literals (quoted
/// twice over in the deploy transaction) and a line break every line, as an author writes them.
fn big_contract(bytes: usize) -> String {
    let mut src = String::from("class Big {\n    init() { storage.put(\"made\", \"yes\"); }\n");
    let mut i = 0;
    while src.len() < bytes {
        src.push_str(&format!(
            "    m{i}(a) {{\n        const label = \"method {i} says \\\"hello\\\"\";\n        if (a > {i}) {{ return label + ':' + a; }}\n        return JSON.stringify({{ k: a, i: {i}, list: [1, 2, 3] }});\n    }}\n"
        ));
        i += 1;
    }
    src.push_str("    made() { return storage.get(\"made\"); }\n}\nmodule.exports = Big;\n");
    src
}

#[test]
fn a_contract_near_the_size_bound_deploys_at_the_default_gas_limit() {
    let src = big_contract(250 * 1024);
    assert!(src.len() > 250 * 1024 && src.len() <= jsvm_compiler::MAX_CODE_BYTES, "{}", src.len());
    let deploy = || jsvm_test_util::set_code(&src, &abi(&[("made", &[])]));
    // Schedule 3 charges the code's bytes once, as transaction bytes (docs/gas.md).
    let c = Chain::open(StoreKind::Memory, VmConfig::default()).unwrap();
    let tx = c.tx("admin", &[], vec![deploy()]);
    assert_eq!((src.len(), tx.canonical_bytes().len()), (256_172, 341_538), "the code grows as JSON in JSON");
    let r = c.send(tx);
    assert_eq!((r.status, r.message.as_str()), (Status::Success, ""));
    assert_eq!(r.gas_used, 3_529_949, "10 a transaction byte + 100,000 + init");
    assert_eq!(c.query(&r.returns[0], "made", json!([])).returns, ["yes"]);
    // Schedule 2 charged them again, 10 a byte of source, at deploy: past the maximum limit.
    let v2 = GasSchedule { version: 2, deploy_byte: 10, ..GasSchedule::default() };
    let c = Chain::open(StoreKind::Memory, VmConfig { schedule: v2, ..VmConfig::default() }).unwrap();
    let r = c.run("admin", vec![deploy()]);
    assert_eq!((r.status, r.gas_used), (Status::GasRunOut, 4_000_000));
}
