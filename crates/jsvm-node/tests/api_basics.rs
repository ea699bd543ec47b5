//! The node's read API over a fresh chain: shapes of getNodeInfo, getChainInfo, getGasRatio and
//! getBlockByNumber; unknown paths, hashes and blocks; malformed parameters.

mod common;

use common::{assert_error, get, request, start};

#[tokio::test]
async fn node_info_has_server_time_in_ns_and_the_pool_size() {
    let t = start().await;
    let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as i64;
    let r = get(t.node.addr(), "/getNodeInfo").await;
    assert_eq!(r.status, 200, "{r:?}");
    let server_time: i64 = r.json["server_time"].as_str().unwrap().parse().unwrap();
    assert!((server_time - before).abs() < 5_000_000_000, "{server_time} vs {before}");
    assert_eq!(r.json["tx_pool_size"], "0");
    assert_eq!(r.json["network"]["peer_count"], 0);
    assert!(r.json["code_version"].as_str().unwrap().starts_with("jsvm "));
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_fresh_chain_has_its_genesis_block_as_head() {
    let t = start().await;
    let addr = t.node.addr();
    let info = get(addr, "/getChainInfo").await;
    assert_eq!(info.status, 200, "{info:?}");
    assert_eq!(info.json["chain_id"], 1024);
    assert_eq!(info.json["head_block"], "1");
    assert_eq!(info.json["lib_block"], "1");
    assert_eq!(info.json["witness_list"], serde_json::json!(["jsvm"]));
    let hash = info.json["head_block_hash"].as_str().unwrap().to_string();
    assert_eq!(bs58::decode(&hash).into_vec().unwrap().len(), 32);

    let b = get(addr, "/getBlockByNumber/1/true").await;
    assert_eq!(b.status, 200, "{b:?}");
    assert_eq!(b.json["status"], "IRREVERSIBLE");
    let block = &b.json["block"];
    assert_eq!(block["hash"], hash.as_str());
    assert_eq!(block["number"], "1");
    assert_eq!(block["parent_hash"], "");
    assert_eq!(block["witness"], "jsvm");
    assert_eq!(block["tx_count"], "0");
    assert_eq!(block["gas_usage"], 0);
    assert_eq!(block["transactions"], serde_json::json!([]));
    assert_eq!(block["time"], info.json["head_block_time"]);

    let by_hash = get(addr, &format!("/getBlockByHash/{hash}/false")).await;
    assert_eq!(by_hash.status, 200, "{by_hash:?}");
    assert_eq!(by_hash.json["block"], b.json["block"], "the genesis block holds no transaction either way");

    let ratio = get(addr, "/getGasRatio").await;
    assert_eq!(ratio.json, serde_json::json!({"lowest_gas_ratio": 1.0, "median_gas_ratio": 1.0}));
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_blocks_hashes_and_paths_are_404_with_a_message() {
    let t = start().await;
    let addr = t.node.addr();
    assert_error(&get(addr, "/getBlockByNumber/7/false").await, 404, 5, "block 7 not found: the head is 1");
    assert_error(&get(addr, "/getBlockByNumber/-1/false").await, 404, 5, "block -1 not found");
    assert_error(&get(addr, "/getBlockByNumber/0/false").await, 404, 5, "block 0 not found");
    let unknown = bs58::encode([7u8; 32]).into_string();
    let r = get(addr, &format!("/getTxReceiptByTxHash/{unknown}")).await;
    assert_error(&r, 404, 5, &format!("receipt not found: no transaction {unknown} is on chain"));
    assert_error(&get(addr, &format!("/getTxByHash/{unknown}")).await, 404, 5, "tx not found");
    let r = get(addr, &format!("/getBlockByHash/{unknown}/true")).await;
    assert_error(&r, 404, 5, &format!("block not found: no block has hash {unknown}"));
    assert_error(&get(addr, "/getNothing").await, 404, 5, "no such API: /getNothing");
    assert_error(&request(addr, "POST", "/getChainInfo", "text/plain", b"{}").await, 405, 12, "does not take POST");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn malformed_parameters_are_400_with_a_message() {
    let t = start().await;
    let addr = t.node.addr();
    assert_error(&get(addr, "/getBlockByNumber/one/true").await, 400, 3, "block number \"one\" is not an integer");
    assert_error(&get(addr, "/getBlockByNumber/1/maybe").await, 400, 3, "complete must be true or false");
    assert_error(&get(addr, "/getTxReceiptByTxHash/0OIl").await, 400, 3, "is not base58");
    assert_error(&get(addr, "/getTxReceiptByTxHash/abc").await, 400, 3, "not 32");
    let long = "1".repeat(120);
    assert_error(&get(addr, &format!("/getTxByHash/{long}")).await, 400, 3, "hash length 120");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn cors_lets_any_origin_in() {
    let t = start().await;
    let r = common::request(t.node.addr(), "OPTIONS", "/getChainInfo", "text/plain", b"").await;
    assert!(r.headers.to_ascii_lowercase().contains("access-control-allow-origin: *"), "{}", r.headers);
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_request_past_its_time_is_504_and_one_over_the_concurrency_bound_503() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let t = common::start_with(|c| {
        c.limits.max_concurrent_requests = 1;
        c.limits.request_timeout = std::time::Duration::from_millis(500);
    })
    .await;
    let addr = t.node.addr();
    // A body announced and never sent holds the one request slot until its time is up.
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!("POST /sendTx HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 10\r\n\r\n");
    slow.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_error(&get(addr, "/getNodeInfo").await, 503, 14, "the node is serving its most requests at once");
    let mut raw = Vec::new();
    slow.read_to_end(&mut raw).await.unwrap();
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.starts_with("HTTP/1.1 504"), "{raw}");
    assert!(raw.contains("the request took longer than 500ms"), "{raw}");
    assert_eq!(get(addr, "/getNodeInfo").await.status, 200, "the slot is free again");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_client_that_closes_its_sending_half_after_the_request_still_gets_the_answer() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let t = common::start().await;
    let addr = t.node.addr();
    // `nc -N` and scripted clients end their input this way. hyper's default closed the connection when it read
    // that end while a handler was still working (a dry run here), so that the request got no answer at all.
    for i in 0..20 {
        let mut tx = common::iost_tx(i, &[("token.iost", "balanceOf", serde_json::json!(["iost", "admin"]))]);
        tx.publisher = "admin".into();
        let body = common::request_json(&tx);
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!("POST /execTx HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n", body.len());
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(body.as_bytes()).await.unwrap();
        s.shutdown().await.unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).await.unwrap();
        let raw = String::from_utf8_lossy(&raw);
        assert!(raw.starts_with("HTTP/1.1 200 OK"), "dry run {i} got {raw:?}");
        assert!(raw.contains("\"SUCCESS\""), "dry run {i} got {raw:?}");
    }
    t.node.shutdown().await.unwrap();
}
