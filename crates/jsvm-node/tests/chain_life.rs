//! A chain's life across blocks and restarts: a deployed contract's events reach a subscriber
//! after commit; a restart on the same data directory continues from the head with every receipt;
//! a transaction that passes the producer's deadline is left out and never served as a receipt;
//! a publisher's bound in the mempool (the total bound: the mempool's unit tests).

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;
use tokio::io::AsyncReadExt;

const SOURCE: &str = "class Talker {\n  init() {}\n  say(word) { blockchain.event(word); return word; }\n  spin() { while (true) {} }\n}\nmodule.exports = Talker;";

fn deploy(n: i64) -> jsvm_tx::Tx {
    let abi = json!({"lang": "javascript", "version": "1.0.0", "abi": [
        {"name": "say", "args": ["string"]}, {"name": "spin", "args": []}
    ]});
    let contract = json!({"info": abi, "code": SOURCE}).to_string();
    by_admin(iost_tx(n, &[("system.iost", "setCode", json!([contract]))]))
}

fn call(n: i64, contract: &str, method: &str, args: serde_json::Value) -> jsvm_tx::Tx {
    by_admin(iost_tx(n, &[(contract, method, args)]))
}

#[tokio::test]
async fn events_reach_a_subscriber_and_a_restart_continues_from_the_head() {
    let t = start().await;
    let addr = t.node.addr();
    let deployed = committed(addr, &deploy(0)).await;
    let returns: Vec<String> = serde_json::from_str(deployed["returns"][0].as_str().unwrap()).unwrap();
    let id = returns[0].clone();
    assert!(id.starts_with("Contract"), "{deployed}");

    let mut stream = subscribe(addr, &json!({"topics": ["CONTRACT_EVENT"], "filter": {"contract_id": id}})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let said = committed(addr, &call(1, &id, "say", json!(["hello"]))).await;
    assert_eq!(said["returns"], json!(["[\"hello\"]"]));
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !String::from_utf8_lossy(&seen).contains("\"data\":\"hello\"") {
        let n = tokio::time::timeout_at(deadline, stream.read(&mut buf)).await.expect("the event in time").unwrap();
        assert!(n > 0, "stream ended: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(String::from_utf8_lossy(&seen).contains("\"topic\":\"CONTRACT_EVENT\""));
    drop(stream);

    let head_before = get(addr, "/getChainInfo").await.json;
    let block_before = get(addr, "/getBlockByNumber/3/true").await.json;
    let TestNode { node, dir } = t;
    node.shutdown().await.unwrap();

    // The same chain, with a producer deadline that has passed before any run starts: every engine stops
    // `spin` as timed out. (A 1 ms deadline was a race on V8, whose JIT can burn the whole gas limit first:
    // gas bounds time.)
    let mut c = config(dir.path());
    c.vm.tx_timeout = Duration::from_nanos(1);
    let node = jsvm_node::start(c).await.unwrap();
    let addr = node.addr();
    let info = get(addr, "/getChainInfo").await.json;
    assert_eq!(info["head_block"], head_before["head_block"]);
    assert_eq!(info["head_block_hash"], head_before["head_block_hash"]);
    assert_eq!(get(addr, "/getBlockByNumber/3/true").await.json, block_before);
    let old = get(addr, &format!("/getTxReceiptByTxHash/{}", said["tx_hash"].as_str().unwrap())).await;
    assert_eq!(old.json, said, "receipts survive the restart");

    let spin = call(2, &id, "spin", json!([]));
    let sent = post(addr, "/sendTx", &request_json(&spin)).await;
    assert_eq!(sent.status, 200, "{sent:?}");
    let mut head = 0;
    for _ in 0..200 {
        head = get(addr, "/getChainInfo").await.json["head_block"].as_str().unwrap().parse::<u64>().unwrap();
        if head > 3 && get(addr, "/getNodeInfo").await.json["tx_pool_size"] == "0" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(head, 4, "the block was made, without the transaction");
    let r = get(addr, &format!("/getTxReceiptByTxHash/{}", spin.hash_b58())).await;
    assert_error(&r, 404, 5, "receipt not found");
    assert_error(&get(addr, &format!("/getTxByHash/{}", spin.hash_b58())).await, 404, 5, "tx not found");
    assert_eq!(get(addr, "/getBlockByNumber/4/false").await.json["block"]["tx_count"], "0");
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_mempool_bounds_each_account_and_refuses_a_pending_copy() {
    let t = start_with(|c| {
        c.block_time = Duration::from_secs(3600);
        c.limits.max_pending_per_account = 2;
    })
    .await;
    let addr = t.node.addr();
    let key = admin_key();
    let first = sign_up(0, "user1", &key);
    assert_eq!(post(addr, "/sendTx", &request_json(&first)).await.status, 200);
    assert_error(&post(addr, "/sendTx", &request_json(&first)).await, 409, 6, "tx exists in pending");
    let pending = get(addr, &format!("/getTxByHash/{}", first.hash_b58())).await;
    assert_eq!(pending.json["status"], "PENDING", "{pending:?}");
    assert_eq!(pending.json["block_number"], "-1");
    assert_eq!(pending.json["transaction"]["tx_receipt"], serde_json::Value::Null);
    let r = get(addr, &format!("/getTxReceiptByTxHash/{}", first.hash_b58())).await;
    assert_error(&r, 404, 5, "is pending: its receipt comes with its block");

    assert_eq!(post(addr, "/sendTx", &request_json(&sign_up(1, "user2", &key))).await.status, 200);
    let third = post(addr, "/sendTx", &request_json(&sign_up(2, "user3", &key))).await;
    assert_error(&third, 429, 8, "account admin has 2 transactions waiting, the most one account may");
    assert_eq!(get(addr, "/getNodeInfo").await.json["tx_pool_size"], "2");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn with_a_block_time_what_waits_goes_into_one_block_per_interval() {
    let t = start_with(|c| c.block_time = Duration::from_millis(400)).await;
    let addr = t.node.addr();
    let key = admin_key();
    let (a, b) = (sign_up(0, "inter1", &key), sign_up(1, "inter2", &key));
    assert_eq!(post(addr, "/sendTx", &request_json(&a)).await.status, 200);
    assert_eq!(post(addr, "/sendTx", &request_json(&b)).await.status, 200);
    let (ra, rb) = (receipt(addr, &a.hash_b58()).await, receipt(addr, &b.hash_b58()).await);
    assert_eq!((ra.status, rb.status), (200, 200), "{ra:?} {rb:?}");
    let block_of = |hash: String| async move {
        get(addr, &format!("/getTxByHash/{hash}")).await.json["block_number"].as_str().unwrap().to_string()
    };
    assert_eq!(block_of(a.hash_b58()).await, block_of(b.hash_b58()).await, "both waited for the same block");
    assert_eq!(get(addr, "/getChainInfo").await.json["head_block"], "2", "no empty blocks between");
    t.node.shutdown().await.unwrap();
}
