//! sendTx, execTx, the receipts and transactions they lead to, and the refusals: bad input,
//! forged or expired transactions, replays.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn a_sent_transaction_is_committed_and_shown_in_iosts_shapes() {
    let t = start().await;
    let addr = t.node.addr();
    let alice = jsvm_tx::KeyPair::from_seed(jsvm_tx::Algorithm::Ed25519, &[9; 32]);
    let tx = sign_up(0, "alice1", &alice);
    let hash = tx.hash_b58();
    let sent = post(addr, "/sendTx", &request_json(&tx)).await;
    assert_eq!(sent.status, 200, "{sent:?}");
    assert_eq!(sent.json, json!({"hash": hash, "pre_tx_receipt": null}));

    let r = receipt(addr, &hash).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json["tx_hash"], hash.as_str());
    assert_eq!(r.json["status_code"], "SUCCESS", "{r:?}");
    assert_eq!(r.json["message"], "");
    assert!(r.json["gas_usage"].as_u64().unwrap() > 0, "{r:?}");
    for ret in r.json["returns"].as_array().unwrap() {
        let parsed: serde_json::Value = serde_json::from_str(ret.as_str().unwrap()).unwrap();
        assert!(parsed.is_array(), "each return is a JSON array's text: {ret}");
    }
    assert_eq!(r.json["receipts"], json!([]));

    let found = get(addr, &format!("/getTxByHash/{hash}")).await;
    assert_eq!(found.json["status"], "IRREVERSIBLE", "{found:?}");
    assert_eq!(found.json["block_number"], "2");
    let shown = &found.json["transaction"];
    assert_eq!(shown["hash"], hash.as_str());
    assert_eq!(shown["publisher"], "admin");
    assert_eq!(shown["gas_limit"], 1_000_000);
    assert_eq!(shown["actions"][0]["action_name"], "signUp");
    assert_eq!(shown["tx_receipt"], r.json);

    let genesis = get(addr, "/getBlockByNumber/1/false").await;
    let block = get(addr, "/getBlockByNumber/2/true").await;
    assert_eq!(block.json["block"]["parent_hash"], genesis.json["block"]["hash"]);
    assert_eq!(block.json["block"]["tx_count"], "1");
    assert_eq!(block.json["block"]["gas_usage"], r.json["gas_usage"]);
    assert_eq!(block.json["block"]["transactions"][0], *shown);
    let info = get(addr, "/getChainInfo").await;
    assert_eq!(info.json["head_block"], "2");
    assert_eq!(info.json["head_block_hash"], block.json["block"]["hash"]);

    let again = post(addr, "/sendTx", &request_json(&tx)).await;
    assert_error(&again, 409, 6, "tx exists in chain");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn exec_tx_answers_a_receipt_and_commits_nothing() {
    let t = start().await;
    let addr = t.node.addr();
    let tx = sign_up(0, "bobby", &admin_key());
    let r = post(addr, "/execTx", &request_json(&tx)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json["status_code"], "SUCCESS", "{r:?}");
    assert_eq!(r.json["tx_hash"], tx.hash_b58().as_str());
    assert_eq!(get(addr, "/getChainInfo").await.json["head_block"], "1");
    let after = get(addr, &format!("/getTxReceiptByTxHash/{}", tx.hash_b58())).await;
    assert_error(&after, 404, 5, "receipt not found");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn forged_expired_and_foreign_transactions_are_refused_with_the_reason() {
    let t = start().await;
    let addr = t.node.addr();
    let mut tampered = sign_up(0, "carol", &admin_key());
    tampered.actions[0].data = json!(["mallory", "x", "x"]).to_string();
    assert_error(&post(addr, "/sendTx", &request_json(&tampered)).await, 400, 3, "invalid transaction");

    let stranger = jsvm_tx::KeyPair::from_seed(jsvm_tx::Algorithm::Ed25519, &[3; 32]);
    let mut wrong_key = iost_tx(1, &[("auth.iost", "signUp", json!(["dave1", "k", "k"]))]);
    wrong_key.add_publish_sign("admin", &stranger);
    assert_error(&post(addr, "/sendTx", &request_json(&wrong_key)).await, 400, 3, "unauthorized publisher: admin");

    let mut foreign = iost_tx(2, &[("auth.iost", "signUp", json!(["erin1", "k", "k"]))]);
    foreign.chain_id = 1025;
    let foreign = by_admin(foreign);
    assert_error(&post(addr, "/sendTx", &request_json(&foreign)).await, 400, 3, "invalid chain_id, should be 1024");

    let mut old = iost_tx(-200_000_000_000, &[("auth.iost", "signUp", json!(["frank", "k", "k"]))]);
    old.expiration = now_ns() - 1_000_000_000;
    let old = by_admin(old);
    assert_error(&post(addr, "/sendTx", &request_json(&old)).await, 400, 3, "expired");

    let unsigned = iost_tx(3, &[("auth.iost", "signUp", json!(["grace", "k", "k"]))]);
    let mut body: serde_json::Value = serde_json::from_str(&request_json(&unsigned)).unwrap();
    body["publisher"] = json!("admin");
    assert_error(&post(addr, "/sendTx", &body.to_string()).await, 400, 3, "");
    assert_eq!(get(addr, "/getChainInfo").await.json["head_block"], "1", "nothing refused reached a block");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_json_wrong_types_and_oversized_bodies_are_4xx_with_a_message() {
    let t = start_with(|c| c.limits.max_body_bytes = 4096).await;
    let addr = t.node.addr();
    assert_error(&post(addr, "/sendTx", "").await, 400, 3, "the request body is empty");
    assert_error(&post(addr, "/sendTx", "{not json").await, 400, 3, "invalid transaction");
    assert_error(&post(addr, "/sendTx", "[1, 2]").await, 400, 3, "expected a JSON object");
    assert_error(&post(addr, "/sendTx", r#"{"time": "soon"}"#).await, 400, 3, "time");
    assert_error(&post(addr, "/execTx", r#"{"actions": 7}"#).await, 400, 3, "actions");
    let big = format!(r#"{{"publisher": "{}"}}"#, "a".repeat(10_000));
    let r = request(addr, "POST", "/sendTx", "application/json", big.as_bytes()).await;
    assert_error(&r, 413, 8, "");
    t.node.shutdown().await.unwrap();
}
