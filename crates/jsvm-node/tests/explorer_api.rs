//! What the explorer reads beyond IOST's gateway: receipts with their events and block number,
//! signatures on shown transactions, the state root on blocks, the JSVM_BLOCK feed, the history and
//! deployment index (also for blocks written while no node ran), a contract's storage keys page by
//! page, and execTx's unsigned dry run.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;

const SOURCE: &str = "class Board {\n  init() { storage.put('title', 'board'); }\n  post(who, text) {\n    storage.mapPut('posts', who, text);\n    blockchain.event(JSON.stringify({who, text}));\n    return text;\n  }\n  read(who) { return storage.mapGet('posts', who); }\n  boom() { console.log('about to fail'); throw new Error('boom'); }\n}\nmodule.exports = Board;";

fn deploy(n: i64) -> jsvm_tx::Tx {
    let abi = json!({"lang": "javascript", "version": "1.0.0", "abi": [
        {"name": "post", "args": ["string", "string"]}, {"name": "read", "args": ["string"]}, {"name": "boom", "args": []}
    ]});
    let contract = json!({"info": abi, "code": SOURCE}).to_string();
    by_admin(iost_tx(n, &[("system.iost", "setCode", json!([contract]))]))
}

fn transfer(n: i64, to: &str, amount: &str) -> jsvm_tx::Tx {
    by_admin(iost_tx(n, &[("token.iost", "transfer", json!(["iost", "admin", to, amount, "gift"]))]))
}

fn hashes(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|i| i["tx_hash"].as_str().unwrap().to_string()).collect()
}

/// A deployed board with one post by admin: its id and the post's receipt.
async fn board_with_a_post(addr: std::net::SocketAddr) -> (String, Value, jsvm_tx::Tx) {
    let deployed = committed(addr, &deploy(0)).await;
    let returns: Vec<String> = serde_json::from_str(deployed["returns"][0].as_str().unwrap()).unwrap();
    let id = returns[0].clone();
    let post_tx = by_admin(iost_tx(1, &[(&*id, "post", json!(["admin", "hello"]))]));
    let posted = committed(addr, &post_tx).await;
    (id, posted, post_tx)
}

#[tokio::test]
async fn receipts_show_events_and_block_transactions_signatures_and_blocks_state_roots() {
    let t = start().await;
    let addr = t.node.addr();
    let (id, posted, post_tx) = board_with_a_post(addr).await;
    assert_eq!(posted["events"], json!([{"contract": id, "content": "{\"who\":\"admin\",\"text\":\"hello\"}"}]));
    let block = posted["block_number"].as_str().unwrap().to_string();
    assert_eq!(block, "3", "{posted}");

    let shown = get(addr, &format!("/getTxByHash/{}", post_tx.hash_b58())).await.json;
    let sigs = &shown["transaction"]["publisher_sigs"];
    assert_eq!(sigs.as_array().unwrap().len(), 1, "{shown}");
    assert_eq!(sigs[0]["algorithm"], "ED25519");
    assert_eq!(sigs[0], serde_json::to_value(&post_tx.publisher_sigs[0]).unwrap());
    assert_eq!(shown["transaction"]["signatures"], json!([]));

    let b = get(addr, &format!("/getBlockByNumber/{block}/false")).await.json;
    let root = b["block"]["state_root"].as_str().unwrap();
    assert_eq!(root.len(), 64, "{b}");
    assert!(root.bytes().all(|c| c.is_ascii_hexdigit()), "{root}");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_failed_calls_log_lines_keep_the_engines_words_at_the_authors_line() {
    let t = start().await;
    let addr = t.node.addr();
    let (id, posted, _) = board_with_a_post(addr).await;
    let boom = by_admin(iost_tx(7, &[(&*id, "boom", json!([]))]));
    assert_eq!(post(addr, "/sendTx", &request_json(&boom)).await.status, 200);
    let r = receipt(addr, &boom.hash_b58()).await;
    assert_eq!(r.json["status_code"], "RUNTIME_ERROR", "{r:?}");
    assert!(!r.json["message"].as_str().unwrap().contains(".js:"), "receipts name no engine frames: {r:?}");

    let logs = get(addr, &format!("/jsvm/txLogs/{}", boom.hash_b58())).await;
    assert_eq!(logs.status, 200, "{logs:?}");
    let lines: Vec<&str> = logs.json["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(lines.iter().any(|l| l.contains("about to fail")), "{lines:?}");
    let failure = lines.iter().find(|l| l.contains("Error: boom")).unwrap_or_else(|| panic!("{lines:?}"));
    assert!(failure.contains(&format!("{id}.js:9:")), "the throw is on line 9 of the source: {failure}");

    let quiet = get(addr, &format!("/jsvm/txLogs/{}", posted["tx_hash"].as_str().unwrap())).await;
    assert_eq!(quiet.json["lines"], json!([]), "{quiet:?}");
    assert_error(&get(addr, "/jsvm/txLogs/notbase58!").await, 400, 3, "not base58");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn jsvm_block_announces_each_committed_block_with_its_transactions() {
    let t = start().await;
    let addr = t.node.addr();
    let mut stream = subscribe(addr, &json!({"topics": ["JSVM_BLOCK"], "from_block": 1})).await;
    let tx = transfer(0, "admin", "1");
    committed(addr, &tx).await;
    let block = get(addr, "/getBlockByNumber/2/false").await.json;

    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !seen.contains(&tx.hash_b58()) {
        let n = tokio::time::timeout_at(deadline, stream.read(&mut buf)).await.expect("the block in time").unwrap();
        assert!(n > 0, "stream ended: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let lines: Vec<Value> = seen.lines().filter_map(|l| serde_json::from_str(l.trim()).ok()).collect();
    // Chunk sizes between the lines parse as JSON numbers: only the events count.
    let events: Vec<&Value> = lines.iter().map(|l| &l["result"]["event"]).filter(|e| e.is_object()).collect();
    assert_eq!(events.len(), 2, "genesis and the transfer's block: {seen}");
    assert!(events.iter().all(|e| e["topic"] == "JSVM_BLOCK" && e["contract_id"] == "" && e["tx_hash"] == ""));
    let data: Value = serde_json::from_str(events[1]["data"].as_str().unwrap()).unwrap();
    assert_eq!(data["number"], "2");
    assert_eq!(data["hash"], block["block"]["hash"]);
    assert_eq!(data["time"], block["block"]["time"]);
    assert_eq!(data["tx_count"], 1);
    assert_eq!(data["gas_usage"], block["block"]["gas_usage"]);
    assert_eq!(data["tx_hashes"], json!([tx.hash_b58()]));
    assert_eq!(events[0]["block_number"], "1");
    drop(stream);
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn history_pages_an_accounts_and_a_contracts_transactions_newest_first() {
    let t = start().await;
    let addr = t.node.addr();
    let bob = jsvm_tx::KeyPair::from_seed(jsvm_tx::Algorithm::Ed25519, &[4; 32]);
    let (id, _, post_tx) = board_with_a_post(addr).await;
    let signed_up = sign_up(2, "bob", &bob);
    committed(addr, &signed_up).await;
    let gift = transfer(3, "bob", "5");
    committed(addr, &gift).await;
    let tip = by_admin(iost_tx(4, &[(&*id, "post", json!(["bob", "hi bob"]))]));
    committed(addr, &tip).await;

    // bob: signed up (named in the arguments), given tokens, named by a post; newest first.
    let bobs = get(addr, "/jsvm/history/account/bob").await;
    assert_eq!(bobs.status, 200, "{bobs:?}");
    assert_eq!(hashes(&bobs.json), [tip.hash_b58(), gift.hash_b58(), signed_up.hash_b58()]);
    assert_eq!(bobs.json["next"], Value::Null);
    let first = &bobs.json["items"][1];
    assert_eq!(first["status_code"], "SUCCESS");
    assert_eq!(first["actions"], json!([{"contract": "token.iost", "action_name": "transfer"}]));
    let block = get(addr, &format!("/getBlockByNumber/{}/false", first["block_number"].as_str().unwrap())).await;
    assert_eq!(first["time"], block.json["block"]["time"]);

    // Paged one at a time, the same list.
    let mut paged = Vec::new();
    let mut path = "/jsvm/history/account/bob?limit=1".to_string();
    loop {
        let page = get(addr, &path).await.json;
        paged.extend(hashes(&page));
        match page["next"].as_str() {
            Some(next) => path = format!("/jsvm/history/account/bob?limit=1&before={next}"),
            None => break,
        }
        assert!(paged.len() <= 3, "paging does not end: {paged:?}");
    }
    assert_eq!(paged, hashes(&bobs.json));

    let board = get(addr, &format!("/jsvm/history/contract/{id}")).await.json;
    let deploying = hashes(&board).last().cloned().unwrap();
    assert_eq!(hashes(&board)[..2], [tip.hash_b58(), post_tx.hash_b58()]);
    assert_eq!(hashes(&board).len(), 3, "its deployment too: {board}");
    let d = get(addr, &format!("/jsvm/deployment/{id}")).await;
    assert_eq!(d.json, json!({"tx_hash": deploying, "block_number": "2", "owner": "admin"}));
    let tokens = hashes(&get(addr, "/jsvm/history/contract/token.iost").await.json);
    assert!(tokens.contains(&gift.hash_b58()), "{tokens:?}");
    assert!(!tokens.contains(&tip.hash_b58()), "{tokens:?}");

    assert_eq!(get(addr, "/jsvm/history/account/nobody").await.json, json!({"items": [], "next": null}));
    // Strings in arguments that name no account are not histories: a token symbol, a memo, a key.
    for not_a_name in ["iost", "gift", &bob.public_key_b58()] {
        let page = get(addr, &format!("/jsvm/history/account/{not_a_name}")).await;
        assert_eq!(page.json["items"], json!([]), "{not_a_name}: {page:?}");
    }
    assert_error(&get(addr, "/jsvm/deployment/token.iost").await, 404, 5, "no deployment");
    assert_error(&get(addr, "/jsvm/history/account/bob?limit=0").await, 400, 3, "limit must be 1 to 100");
    assert_error(&get(addr, "/jsvm/history/account/bob?limit=101").await, 400, 3, "limit must be 1 to 100");
    assert_error(&get(addr, "/jsvm/history/account/bob?before=x").await, 400, 3, "is not a cursor");
    assert_error(&get(addr, "/jsvm/history/block/1").await, 404, 5, "account or contract");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn blocks_written_while_no_node_ran_are_indexed_at_start() {
    let t = start().await;
    let addr = t.node.addr();
    committed(addr, &transfer(0, "admin", "1")).await;
    let TestNode { node, dir } = t;
    node.shutdown().await.unwrap();

    // The one-shot CLI's way: the VM on the node's store, unsigned transactions, no node running.
    let c = config(dir.path());
    let mut vm_config = c.vm.clone();
    vm_config.witness = c.witness.clone();
    vm_config.chain_id = c.chain_id;
    vm_config.admin_key = Some(jsvm_node::DEV_ADMIN_PUBLIC_B58.to_string());
    let store = jsvm_state::RocksStore::open(dir.path()).unwrap();
    let vm = jsvm_vm::VmManager::new(Arc::new(store), vm_config).unwrap();
    let key = admin_key().public_key_b58();
    let offline = jsvm_vm::Transaction::new(
        "admin",
        vec![jsvm_vm::Action::new("auth.iost", "signUp", json!(["carol", key, key]).to_string())],
    )
    .with_time(now_ns() as u64);
    let out = vm.execute_block(vec![offline.clone()], now_ns() as u64).unwrap();
    assert_eq!(out.receipts.len(), 1, "{:?}", out.left_out);
    assert_eq!(out.receipts[0].status, jsvm_vm::Status::Success, "{:?}", out.receipts[0]);
    drop(vm);

    let node = jsvm_node::start(config(dir.path())).await.unwrap();
    let carol = get(node.addr(), "/jsvm/history/account/carol").await.json;
    assert_eq!(hashes(&carol), [bs58::encode(offline.hash()).into_string()], "{carol}");
    assert_eq!(carol["items"][0]["block_number"], out.height.to_string());
    let admins = hashes(&get(node.addr(), "/jsvm/history/account/admin").await.json);
    assert_eq!(admins.len(), 2, "the node's transfer and the offline sign-up, each once: {admins:?}");
    node.shutdown().await.unwrap();
}

#[tokio::test]
async fn storage_keys_come_a_page_at_a_time_with_values_and_map_sizes() {
    let t = start().await;
    let addr = t.node.addr();
    let (id, _, _) = board_with_a_post(addr).await;
    committed(addr, &by_admin(iost_tx(2, &[(&*id, "post", json!(["bob", "hi"]))]))).await;

    let all = post(addr, "/jsvm/storageKeys", &json!({"id": id}).to_string()).await;
    assert_eq!(all.status, 200, "{all:?}");
    let entries = all.json["entries"].as_array().unwrap();
    let posts = entries.iter().find(|e| e["key"] == "posts").unwrap_or_else(|| panic!("{all:?}"));
    assert_eq!(posts, &json!({"key": "posts", "kind": "map", "fields": 2}));
    let title = entries.iter().find(|e| e["key"] == "title").unwrap_or_else(|| panic!("{all:?}"));
    assert_eq!(title["kind"], "value");
    assert_eq!(title["value"], "board");
    assert_eq!(title["payer"], "admin");
    let keys: Vec<&str> = entries.iter().map(|e| e["key"].as_str().unwrap()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "ascending");
    assert_eq!(all.json["next"], Value::Null);

    let mut paged = Vec::new();
    let mut after = String::new();
    for _ in 0..keys.len() + 1 {
        let page = post(addr, "/jsvm/storageKeys", &json!({"id": id, "after": after, "limit": 1}).to_string()).await;
        assert_eq!(page.json["entries"].as_array().unwrap().len(), 1, "{page:?}");
        paged.push(page.json["entries"][0]["key"].as_str().unwrap().to_string());
        match page.json["next"].as_str() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    assert_eq!(paged, keys);

    let token = post(addr, "/jsvm/storageKeys", r#"{"id": "token.iost", "limit": 200}"#).await;
    assert!(token.json["entries"].as_array().unwrap().iter().any(|e| e["key"] == "TBadmin"), "{token:?}");
    let missing = post(addr, "/jsvm/storageKeys", r#"{"id": "ContractNone"}"#).await;
    assert_error(&missing, 404, 5, "contract not found");
    let too_many = post(addr, "/jsvm/storageKeys", &json!({"id": id, "limit": 1000}).to_string()).await;
    assert_error(&too_many, 400, 3, "limit must be 1 to 200");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_unsigned_exec_tx_is_a_dry_run_as_named_and_a_forged_one_is_refused() {
    let t = start().await;
    let addr = t.node.addr();
    let (id, _, _) = board_with_a_post(addr).await;
    let read = iost_tx(5, &[(&*id, "read", json!(["admin"]))]);
    assert!(read.signatures.is_empty() && read.publisher_sigs.is_empty());
    let mut unsigned = read.clone();
    unsigned.publisher = "admin".into();
    let r = post(addr, "/execTx", &request_json(&unsigned)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json["status_code"], "SUCCESS", "{r:?}");
    assert_eq!(r.json["returns"], json!(["[\"hello\"]"]));

    // A write as someone else runs too, and commits nothing.
    let key = admin_key().public_key_b58();
    let write = iost_tx(6, &[("auth.iost", "signUp", json!(["dave", key, key]))]);
    let mut as_admin = write.clone();
    as_admin.publisher = "admin".into();
    let head = get(addr, "/getChainInfo").await.json["head_block"].clone();
    let dry = post(addr, "/execTx", &request_json(&as_admin)).await;
    assert_eq!(dry.json["status_code"], "SUCCESS", "{dry:?}");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(get(addr, "/getChainInfo").await.json["head_block"], head);
    assert_error(&get(addr, "/getAccount/dave/true").await, 404, 5, "account not found");

    let mut foreign = unsigned.clone();
    foreign.chain_id = 1;
    assert_error(&post(addr, "/execTx", &request_json(&foreign)).await, 400, 3, "chain id 1");
    // Signed, a forged signature is still refused.
    let mut forged = by_admin(read);
    forged.publisher_sigs[0].signature[0] ^= 1;
    let refused = post(addr, "/execTx", &request_json(&forged)).await;
    assert!(refused.status >= 400 && refused.status < 500, "{refused:?}");
    t.node.shutdown().await.unwrap();
}
