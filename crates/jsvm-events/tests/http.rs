//! The endpoints over a real server on 127.0.0.1: `POST /subscribe` read as raw HTTP/1.1 (chunked
//! newline-delimited JSON), `GET /ws` through a WebSocket client.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::{emit, TestChain};
use futures_util::{SinkExt, StreamExt};
use jsvm_events::{routes, EventHub, EventLimits};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

async fn serve(hub: Arc<EventHub>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, routes(hub)).await.unwrap() });
    addr
}

/// A `POST /subscribe` response read as it streams.
struct Stream {
    reader: BufReader<TcpStream>,
    status: u16,
    headers: String,
    /// Body bytes received but not yet cut into lines.
    body: Vec<u8>,
    ended: bool,
}

impl Stream {
    async fn open(addr: SocketAddr, body: &str) -> Stream {
        let mut socket = TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "POST /subscribe HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(request.as_bytes()).await.unwrap();
        let mut reader = BufReader::new(socket);
        let mut headers = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            headers.push_str(&line);
        }
        let status = headers.split(' ').nth(1).unwrap().parse().unwrap();
        Stream { reader, status, headers: headers.to_ascii_lowercase(), body: Vec::new(), ended: false }
    }

    /// The next chunk of a chunked body; `false` at its end.
    async fn read_chunk(&mut self) -> bool {
        let mut size = String::new();
        self.reader.read_line(&mut size).await.unwrap();
        let size = usize::from_str_radix(size.trim(), 16).unwrap();
        let mut chunk = vec![0; size + 2];
        self.reader.read_exact(&mut chunk).await.unwrap();
        chunk.truncate(size);
        self.body.extend(chunk);
        size > 0
    }

    /// The next line of the stream as JSON; `None` once the stream has ended.
    async fn line(&mut self) -> Option<Value> {
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                if let Some(end) = self.body.iter().position(|&b| b == b'\n') {
                    let line: Vec<u8> = self.body.drain(..=end).collect();
                    return Some(serde_json::from_slice(&line).unwrap());
                }
                if self.ended || !self.read_chunk().await {
                    self.ended = true;
                    assert!(self.body.is_empty(), "a partial last line: {:?}", String::from_utf8_lossy(&self.body));
                    return None;
                }
            }
        })
        .await
        .expect("no line in 5 s")
    }

    /// The whole body of a response that is not a stream.
    async fn whole_body(mut self) -> Value {
        let length = self.headers.lines().find_map(|h| h.strip_prefix("content-length: ")).unwrap();
        let mut body = vec![0; length.trim().parse().unwrap()];
        self.reader.read_exact(&mut body).await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }
}

fn event_line(topic: &str, data: &str, block: &jsvm_events::CommittedBlock, tx: usize, contract: &str) -> Value {
    json!({"result": {"event": {
        "topic": topic, "data": data, "time": block.time.to_string(), "block_number": block.height.to_string(),
        "tx_hash": block.receipts[tx].tx_hash, "contract_id": contract,
    }}})
}

#[tokio::test]
async fn subscribe_streams_one_json_line_per_committed_event() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let (id, _) = chain.deploy_emitter();
    let addr = serve(hub.clone()).await;
    let body = format!(r#"{{"topics": ["CONTRACT_EVENT", "CONTRACT_RECEIPT"], "filter": {{"contract_id": "{id}"}}}}"#);
    let mut stream = Stream::open(addr, &body).await;
    assert_eq!(stream.status, 200);
    assert!(stream.headers.contains("content-type: application/json"), "{}", stream.headers);
    let block = chain.commit(vec![emit(&id, "a", 1)]);
    hub.publish(block.clone());
    assert_eq!(stream.line().await, Some(event_line("CONTRACT_RECEIPT", "done a", &block, 0, &id)));
    assert_eq!(stream.line().await, Some(event_line("CONTRACT_EVENT", "a#0", &block, 0, &id)));
}

#[tokio::test]
async fn from_block_with_proto3_spellings_replays_then_streams_live() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let (id, _) = chain.deploy_emitter();
    let old = chain.commit(vec![emit(&id, "old", 1)]);
    hub.publish(old.clone());
    let addr = serve(hub.clone()).await;
    let body = format!(r#"{{"topics": [1], "filter": {{"contractId": "{id}"}}, "fromBlock": "{}"}}"#, old.height);
    let mut stream = Stream::open(addr, &body).await;
    assert_eq!(stream.line().await, Some(event_line("CONTRACT_EVENT", "old#0", &old, 0, &id)));
    let new = chain.commit(vec![emit(&id, "new", 1)]);
    hub.publish(new.clone());
    assert_eq!(stream.line().await, Some(event_line("CONTRACT_EVENT", "new#0", &new, 0, &id)));
}

#[tokio::test]
async fn bad_requests_get_a_400_saying_why() {
    let chain = TestChain::new();
    let addr = serve(chain.hub(EventLimits::default())).await;
    for (body, says) in [
        ("not json", "the subscribe request is not JSON"),
        ("[1]", "must be a JSON object"),
        ("{}", "topics is empty"),
        (r#"{"topics": ["CONTRACT_LOG"]}"#, "unknown topic \"CONTRACT_LOG\""),
        (r#"{"topics": [7]}"#, "unknown topic 7"),
        (r#"{"topics": "CONTRACT_EVENT"}"#, "topics must be an array"),
        (r#"{"topics": [0], "filter": {"contract_id": 5}}"#, "filter.contract_id must be a string"),
        (r#"{"topics": [0], "from_block": -1}"#, "from_block must be a block height"),
    ] {
        let response = Stream::open(addr, body).await;
        assert_eq!(response.status, 400, "{body}");
        let got = response.whole_body().await;
        assert_eq!(got["code"], 3, "{body}");
        assert_eq!(got["details"], json!([]), "{body}");
        let message = got["message"].as_str().unwrap();
        assert!(message.contains(says), "{body}: {message}");
        assert_eq!(got["error"], got["message"]);
    }
}

#[tokio::test]
async fn an_oversized_request_is_refused_with_413() {
    let chain = TestChain::new();
    let addr = serve(chain.hub(EventLimits::default())).await;
    let body =
        format!(r#"{{"topics": [0], "filter": {{"contract_id": "{}"}}}}"#, "x".repeat(jsvm_events::MAX_REQUEST_BYTES));
    let response = Stream::open(addr, &body).await;
    assert_eq!(response.status, 413);
    assert_eq!(response.whole_body().await["code"], 3);
}

#[tokio::test]
async fn a_subscription_over_the_bound_gets_429() {
    let chain = TestChain::new();
    let addr = serve(chain.hub(EventLimits { max_subscriptions: 1, ..EventLimits::default() })).await;
    let first = Stream::open(addr, r#"{"topics": [0]}"#).await;
    assert_eq!(first.status, 200);
    let second = Stream::open(addr, r#"{"topics": [0]}"#).await;
    assert_eq!(second.status, 429);
    let body = second.whole_body().await;
    assert_eq!(body["code"], 8);
    assert!(body["message"].as_str().unwrap().starts_with("too many subscriptions"), "{body}");
}

#[tokio::test]
async fn a_lagging_stream_ends_with_an_error_line() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits { queue_blocks: 1, ..EventLimits::default() });
    let (id, _) = chain.deploy_emitter();
    let addr = serve(hub.clone()).await;
    let mut stream = Stream::open(addr, r#"{"topics": ["CONTRACT_EVENT"]}"#).await;
    let first = chain.commit(vec![emit(&id, "first", 1)]);
    let second = chain.commit(vec![emit(&id, "second", 1)]);
    // Both published before this single-threaded runtime lets the server read the queue: the second overflows it.
    hub.publish(first.clone());
    hub.publish(second.clone());
    assert_eq!(stream.line().await, Some(event_line("CONTRACT_EVENT", "first#0", &first, 0, &id)));
    let error = stream.line().await.unwrap();
    assert_eq!(error["error"]["code"], 8);
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains(&format!("\"from_block\": {}", second.height)), "{message}");
    assert_eq!(stream.line().await, None);
}

#[tokio::test]
async fn shutdown_ends_a_stream_with_an_error_line() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let addr = serve(hub.clone()).await;
    let mut stream = Stream::open(addr, r#"{"topics": [0, 1]}"#).await;
    hub.shutdown();
    let error = stream.line().await.unwrap();
    assert_eq!(error, json!({"error": {"code": 14, "message": "the node is shutting down", "details": []}}));
    assert_eq!(stream.line().await, None);
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

async fn next_text(socket: &mut Socket) -> Option<Value> {
    let message = tokio::time::timeout(Duration::from_secs(5), socket.next()).await.expect("no message in 5 s");
    match message? {
        Ok(Message::Text(text)) => Some(serde_json::from_str(text.as_str()).unwrap()),
        Ok(Message::Close(_)) | Err(_) => None,
        Ok(other) => panic!("unexpected message {other:?}"),
    }
}

#[tokio::test]
async fn websocket_sends_the_same_lines_after_the_request_message() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let (id, _) = chain.deploy_emitter();
    let old = chain.commit(vec![emit(&id, "old", 1)]);
    hub.publish(old.clone());
    let addr = serve(hub.clone()).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.unwrap();
    let request = json!({"topics": ["CONTRACT_EVENT"], "from_block": old.height});
    socket.send(Message::Text(request.to_string().into())).await.unwrap();
    assert_eq!(next_text(&mut socket).await, Some(event_line("CONTRACT_EVENT", "old#0", &old, 0, &id)));
    let new = chain.commit(vec![emit(&id, "new", 1)]);
    hub.publish(new.clone());
    assert_eq!(next_text(&mut socket).await, Some(event_line("CONTRACT_EVENT", "new#0", &new, 0, &id)));
    socket.close(None).await.unwrap();
}

#[tokio::test]
async fn websocket_with_a_bad_request_gets_the_error_then_a_close() {
    let chain = TestChain::new();
    let addr = serve(chain.hub(EventLimits::default())).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.unwrap();
    socket.send(Message::Text(r#"{"topics": []}"#.into())).await.unwrap();
    let error = next_text(&mut socket).await.unwrap();
    assert_eq!(error["error"]["code"], 3);
    assert!(error["error"]["message"].as_str().unwrap().contains("topics is empty"), "{error}");
    assert_eq!(next_text(&mut socket).await, None);
}

#[tokio::test]
async fn ws_without_an_upgrade_is_a_json_error() {
    let chain = TestChain::new();
    let addr = serve(chain.hub(EventLimits::default())).await;
    let mut socket = TcpStream::connect(addr).await.unwrap();
    socket
        .write_all(format!("GET /ws HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut response = String::new();
    socket.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 4"), "{response}");
    let body: Value = serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["code"], 3);
}

#[tokio::test]
async fn a_client_that_hangs_up_frees_its_subscription() {
    let chain = TestChain::new();
    let hub = chain.hub(EventLimits::default());
    let addr = serve(hub.clone()).await;
    let stream = Stream::open(addr, r#"{"topics": [0]}"#).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.unwrap();
    socket.send(Message::Text(r#"{"topics": [1]}"#.into())).await.unwrap();
    for _ in 0..100 {
        if hub.open_subscriptions() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(hub.open_subscriptions(), 2);
    drop(stream);
    drop(socket);
    for _ in 0..100 {
        if hub.open_subscriptions() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(hub.open_subscriptions(), 0);
}
