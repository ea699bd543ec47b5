//! State read over HTTP on a fresh chain: genesis admin with the development key, the iost
//! token, native contracts and their storage, RAM; unknown names 404, bad ids and bodies 400.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn genesis_admin_holds_the_development_key_and_the_supply() {
    let t = start().await;
    let addr = t.node.addr();
    let a = get(addr, "/getAccount/admin/true").await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.json["name"], "admin");
    let owner = &a.json["permissions"]["owner"]["items"][0];
    assert_eq!(owner["id"], jsvm_node::DEV_ADMIN_PUBLIC_B58);
    assert_eq!(owner["is_key_pair"], true);
    assert_eq!(a.json["permissions"]["active"]["items"][0]["id"], jsvm_node::DEV_ADMIN_PUBLIC_B58);
    assert!(a.json["balance"].as_f64().unwrap() > 0.0, "{a:?}");

    let b = get(addr, "/getTokenBalance/admin/iost/false").await;
    assert_eq!(b.status, 200, "{b:?}");
    assert_eq!(b.json["balance"], a.json["balance"]);
    let info = get(addr, "/getTokenInfo/iost/true").await;
    assert_eq!(info.json["symbol"], "iost", "{info:?}");
    let ram = get(addr, "/getRAMInfo").await;
    assert_eq!(ram.status, 200, "{ram:?}");
    assert!(ram.json["total_ram"].is_string(), "{ram:?}");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn contracts_and_their_storage_are_read_at_the_head() {
    let t = start().await;
    let addr = t.node.addr();
    let c = get(addr, "/getContract/token.iost/true").await;
    assert_eq!(c.status, 200, "{c:?}");
    assert_eq!(c.json["id"], "token.iost");
    assert!(!c.json["abis"].as_array().unwrap().is_empty());
    let head = get(addr, "/getChainInfo").await.json;
    let body = json!({"id": "token.iost", "key": "TIiost", "field": "issuer", "by_longest_chain": true}).to_string();
    let s = post(addr, "/getContractStorage", &body).await;
    assert_eq!(s.status, 200, "{s:?}");
    assert_eq!(s.json["data"], "admin");
    assert_eq!(s.json["block_number"], head["head_block"]);
    assert_eq!(s.json["block_hash"], head["head_block_hash"]);
    let missing = post(addr, "/getContractStorage", r#"{"id": "token.iost", "key": "nothing"}"#).await;
    assert_eq!(missing.json["data"], "null", "{missing:?}");
    let f = post(addr, "/getContractStorageFields", r#"{"id": "token.iost", "key": "TIiost"}"#).await;
    assert!(f.json["fields"].as_array().unwrap().contains(&json!("issuer")), "{f:?}");
    t.node.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_names_are_404_and_bad_ids_or_bodies_400() {
    let t = start().await;
    let addr = t.node.addr();
    assert_error(&get(addr, "/getAccount/nobody1/true").await, 404, 5, "account not found: nobody1");
    // Any name signUp accepts can be looked up (jsvm's 1 to 64 of A-Z a-z 0-9 _, not only IOST's 5 to 11).
    assert_error(&get(addr, "/getAccount/ab/true").await, 404, 5, "account not found: ab");
    assert_error(&get(addr, "/getAccount/Admin1/true").await, 404, 5, "account not found: Admin1");
    assert_error(&get(addr, "/getAccount/a%20b/true").await, 400, 3, "id invalid");
    assert_error(&get(addr, &format!("/getAccount/{}/true", "a".repeat(65))).await, 400, 3, "id invalid");
    assert_error(&get(addr, "/getAccount/admin/perhaps").await, 400, 3, "by_longest_chain must be true or false");
    assert_error(&get(addr, "/getTokenBalance/admin/zzz/true").await, 404, 5, "token not found: zzz");
    assert_error(&get(addr, "/getTokenInfo/zzz/true").await, 404, 5, "token not found: zzz");
    assert_error(&get(addr, "/getContract/Contractnone/true").await, 404, 5, "contract not found: Contractnone");
    let r = post(addr, "/getContractStorage", r#"{"id": "Contractnone", "key": "k"}"#).await;
    assert_error(&r, 404, 5, "contract not found: Contractnone");
    assert_error(&post(addr, "/getContractStorage", "").await, 400, 3, "the request body is empty");
    assert_error(&post(addr, "/getContractStorage", r#"{"id": 5}"#).await, 400, 3, "invalid JSON body: invalid type");
    assert_error(&post(addr, "/getContractStorageFields", "{").await, 400, 3, "invalid JSON body");
    t.node.shutdown().await.unwrap();
}
