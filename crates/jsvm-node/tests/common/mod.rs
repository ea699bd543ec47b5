//! A node started in-process on 127.0.0.1:0 over a temporary chain, and a small HTTP/1.1
//! client over a raw socket (so that tests can send any bytes: odd Content-Types, bad JSON,
//! oversized bodies).
#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;
use std::time::Duration;

use jsvm_node::{NodeConfig, RunningNode};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A node and the directory its chain lives in.
pub struct TestNode {
    pub node: RunningNode,
    pub dir: tempfile::TempDir,
}

/// The settings tests use: a fresh chain, any free port.
pub fn config(dir: &std::path::Path) -> NodeConfig {
    let mut c = NodeConfig::new(dir);
    c.http = "127.0.0.1:0".parse().unwrap();
    c
}

pub async fn start() -> TestNode {
    start_with(|_| {}).await
}

pub async fn start_with(change: impl FnOnce(&mut NodeConfig)) -> TestNode {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path());
    change(&mut c);
    let node = jsvm_node::start(c).await.unwrap();
    TestNode { node, dir }
}

/// An HTTP answer: status, body text, and the body as JSON (Null when it is not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: String,
    pub text: String,
    pub json: Value,
}

pub async fn request(addr: SocketAddr, method: &str, path: &str, content_type: &str, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    // A body the server refuses early may not be read in full: the answer still comes.
    let _ = s.write_all(body).await;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut raw)).await.expect("an answer in time").ok();
    let raw = String::from_utf8_lossy(&raw).to_string();
    let (headers, text) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = headers.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let json = serde_json::from_str(text).unwrap_or(Value::Null);
    Reply { status, headers: headers.to_string(), text: text.to_string(), json }
}

pub async fn get(addr: SocketAddr, path: &str) -> Reply {
    request(addr, "GET", path, "text/plain", b"").await
}

/// POSTs as IOST's SDK does, with Content-Type text/plain.
pub async fn post(addr: SocketAddr, path: &str, body: &str) -> Reply {
    request(addr, "POST", path, "text/plain", body.as_bytes()).await
}

/// Asserts an error answer: its status, the gateway's error body, and words of its message.
pub fn assert_error(r: &Reply, status: u16, code: i64, message_part: &str) {
    assert_eq!(r.status, status, "{r:?}");
    let message = r.json["message"].as_str().unwrap_or_else(|| panic!("no message in {r:?}"));
    assert!(message.contains(message_part), "{message:?} should contain {message_part:?}");
    assert_eq!(r.json["error"], r.json["message"], "{r:?}");
    assert_eq!(r.json["code"], code, "{r:?}");
    assert_eq!(r.json["details"], serde_json::json!([]), "{r:?}");
}

/// The node's clock as tests read it: ns since the epoch.
pub fn now_ns() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as i64
}

/// The development key, genesis admin's when no admin key is given.
pub fn admin_key() -> jsvm_tx::KeyPair {
    jsvm_tx::KeyPair::from_secret_b58(jsvm_node::DEV_ADMIN_SECRET_B58).unwrap()
}

/// A transaction as IOST's SDK makes it now: 90 s to live, gas ratio 1, gas limit 1,000,000,
/// any amount of any token; `n` makes otherwise equal ones differ.
pub fn iost_tx(n: i64, actions: &[(&str, &str, Value)]) -> jsvm_tx::Tx {
    let actions = actions.iter().map(|(c, m, d)| jsvm_tx::Action::new(*c, *m, d.to_string())).collect();
    let mut tx = jsvm_tx::Tx::new(now_ns() + n, 1024, 1_000_000, actions);
    tx.amount_limit = vec![jsvm_tx::AmountLimit { token: "*".into(), value: "unlimited".into() }];
    tx
}

/// `tx` published by admin with the development key.
pub fn by_admin(mut tx: jsvm_tx::Tx) -> jsvm_tx::Tx {
    tx.add_publish_sign("admin", &admin_key());
    tx
}

/// The body `POST /sendTx` takes (IOST's TransactionRequest): gas figures as the user writes them.
pub fn request_json(tx: &jsvm_tx::Tx) -> String {
    let mut v = serde_json::to_value(tx).unwrap();
    v["gas_ratio"] = serde_json::json!(tx.gas_ratio as f64 / 100.0);
    v["gas_limit"] = serde_json::json!(tx.gas_limit as f64 / 100.0);
    v.to_string()
}

/// `auth.iost signUp(name, key, key)`: an account whose owner and active key is `key`.
pub fn sign_up(n: i64, name: &str, key: &jsvm_tx::KeyPair) -> jsvm_tx::Tx {
    let k = key.public_key_b58();
    by_admin(iost_tx(n, &[("auth.iost", "signUp", serde_json::json!([name, k, k]))]))
}

/// The receipt of `hash` once its block is committed (polled, bounded).
pub async fn receipt(addr: SocketAddr, hash: &str) -> Reply {
    for _ in 0..200 {
        let r = get(addr, &format!("/getTxReceiptByTxHash/{hash}")).await;
        if r.status != 404 || !r.json["message"].as_str().unwrap_or_default().contains("pending") {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no receipt for {hash} in 5 s");
}

/// Sends `tx` and waits for its receipt, which must be a success: the receipt's JSON.
pub async fn committed(addr: SocketAddr, tx: &jsvm_tx::Tx) -> Value {
    let sent = post(addr, "/sendTx", &request_json(tx)).await;
    assert_eq!(sent.status, 200, "{sent:?}");
    let r = receipt(addr, &tx.hash_b58()).await;
    assert_eq!(r.json["status_code"], "SUCCESS", "{r:?}");
    r.json
}

/// Opens `POST /subscribe` with `request` (the subscribe JSON) on a socket of its own; the stream's
/// bytes are then read from the socket.
pub async fn subscribe(addr: SocketAddr, request: &Value) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let body = request.to_string();
    let head = format!(
        "POST /subscribe HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}
