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
