//! The node's HTTP handling, whole: hyper's parser, the bounds, the router, every handler's extractors and JSON,
//! on a real node (RocksDB in a temporary directory, the VM, the block producer) that one process starts once and
//! sends every input to over loopback.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use jsvm_node::NodeConfig;

use crate::split::fields;

/// The node's bound on a request's head and on its handling: a request the node has not answered by then is one
/// it never will, which is the bug.
const NODE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the target waits for an answer: the node's bound and slack for a loaded machine.
const ANSWER_WITHIN: Duration = Duration::from_secs(20);
/// A response whose head came and then nothing for this long is a stream (`/subscribe`, `/ws`): taken as it is.
const STREAM_IDLE: Duration = Duration::from_millis(200);
/// Methods an input picks from by its first byte (first bytes from 224 on send the rest unchanged).
const METHODS: [&str; 7] = ["GET", "POST", "OPTIONS", "HEAD", "PUT", "DELETE", "PATCH"];

/// The node's directory: this prefix, the process id, a dash and a random part, in the temporary directory.
const NODE_DIR_PREFIX: &str = "jsvm-fuzz-node-";

/// Set by the panic hook the node's process gets: a handler's panic happens on one of the node's threads, where
/// the target's caller would not see it.
static PANICKED: AtomicBool = AtomicBool::new(false);

/// Input: `METHOD PATH 0xFF HEADERS 0xFF BODY` (METHOD: one byte; PATH's bytes outside a request target are
/// percent-encoded; HEADERS: `Name: value` lines), sent as one request with its Content-Length; or, when the first
/// byte is 224 or more, the rest sent as it is. The target closes its sending half after the request. A whole
/// request is answered within the node's bounds (raw bytes are answered or the connection closed), an answer is
/// HTTP/1.x with a status other than 500, and nothing in the node panics.
pub fn http(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let raw = first >= 224;
    let request = if raw { rest.to_vec() } else { request(METHODS[first as usize % METHODS.len()], rest) };
    let answer = exchange(node(), &request);
    // A whole request gets an answer; raw bytes may end mid-request, and hyper closes such a connection silently.
    assert!(raw || !answer.is_empty(), "no answer to {:?}", String::from_utf8_lossy(&request));
    if !answer.is_empty() {
        let status = status_of(&answer).unwrap_or_else(|| {
            panic!("not an HTTP/1.x answer: {:?}", String::from_utf8_lossy(&answer[..answer.len().min(200)]))
        });
        assert_ne!(status, 500, "an internal error: {}", String::from_utf8_lossy(&answer));
    }
    assert!(!PANICKED.load(Ordering::SeqCst), "the node panicked (its message is above)");
}

/// A well-formed request of `method` from `rest`'s path, headers and body.
fn request(method: &str, rest: &[u8]) -> Vec<u8> {
    let parts = fields(rest, 3);
    let mut out = format!("{method} ").into_bytes();
    if parts[0].first() != Some(&b'/') {
        out.push(b'/');
    }
    for &b in parts[0] {
        if b.is_ascii_graphic() && b != b'#' && b != b'%' {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\n");
    for line in parts[1].split(|&b| b == b'\n') {
        if line.contains(&b':') && !line.contains(&b'\r') {
            out.extend_from_slice(line);
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", parts[2].len()).as_bytes());
    out.extend_from_slice(parts[2]);
    out
}

/// Sends `request` on a new connection, closes the sending half, and reads the answer: to the end, or while it
/// comes as a stream.
fn exchange(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).expect("the node takes connections");
    // The node may answer and close before reading all of a body it refuses: the write may then fail.
    let _ = stream.write_all(request);
    let _ = stream.shutdown(Shutdown::Write);
    stream.set_read_timeout(Some(Duration::from_millis(20))).expect("a read timeout");
    let started = Instant::now();
    let mut last_byte = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return answer,
            Ok(n) => {
                answer.extend_from_slice(&buf[..n]);
                last_byte = Instant::now();
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {
                if has_head(&answer) && last_byte.elapsed() >= STREAM_IDLE {
                    return answer;
                }
                assert!(
                    started.elapsed() < ANSWER_WITHIN,
                    "no answer and the connection open after {ANSWER_WITHIN:?} (got {:?})",
                    String::from_utf8_lossy(&answer)
                );
            }
            // The node closed with unread input (a refused body): whatever came before stands.
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe) => return answer,
            Err(e) => panic!("reading the answer: {e}"),
        }
    }
}

fn has_head(answer: &[u8]) -> bool {
    answer.windows(4).any(|w| w == b"\r\n\r\n")
}

/// The status code of an answer's first line, if it is `HTTP/1.1 NNN ...` (or `HTTP/1.0`, to an HTTP/1.0
/// request).
fn status_of(answer: &[u8]) -> Option<u16> {
    let code = answer.strip_prefix(b"HTTP/1.1 ").or_else(|| answer.strip_prefix(b"HTTP/1.0 "))?.get(..3)?;
    std::str::from_utf8(code).ok()?.parse().ok()
}

/// The node, started on first use: a fresh chain on loopback, its own tokio runtime on a thread of its own.
fn node() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICKED.store(true, Ordering::SeqCst);
            previous(info)
        }));
        // The process never ends its node (libFuzzer exits without running destructors), so its directory stays;
        // each process removes those of processes that have ended.
        remove_ended_nodes();
        let dir = tempfile::Builder::new()
            .prefix(&format!("{NODE_DIR_PREFIX}{}-", std::process::id()))
            .tempdir()
            .expect("a temporary directory")
            .keep();
        let mut config = NodeConfig::new(dir);
        config.http = SocketAddr::from(([127, 0, 0, 1], 0));
        config.limits.request_timeout = NODE_TIMEOUT;
        config.limits.header_read_timeout = NODE_TIMEOUT;
        let (started, addr) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a tokio runtime");
            runtime.block_on(async move {
                let node = jsvm_node::start(config).await.expect("the node starts");
                started.send(node.addr()).expect("the target waits for the node");
                std::future::pending::<()>().await
            })
        });
        addr.recv().expect("the node starts")
    })
}

/// Removes the node directories of processes that no longer run (Linux: a process runs while `/proc/PID` exists).
fn remove_ended_nodes() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(NODE_DIR_PREFIX)) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
