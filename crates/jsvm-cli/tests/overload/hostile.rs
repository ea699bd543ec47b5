//! The hostile clients of the overload test, each a loop on its own thread bounded by the load's end: a crowd
//! of idle connections, slowloris heads, trickled bodies, oversized bodies, a flood of transactions with
//! invalid signatures, and subscribers that never read. Each returns what it saw; the test asserts on it.
//! Every socket has a timeout or is non-blocking.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::common::signed::{self, Http};

/// How long a connect may take before the client counts it as refused.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Read and write timeout of every blocking socket here.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

fn connect(addr: SocketAddr) -> Option<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT).ok()?;
    stream.set_read_timeout(Some(IO_TIMEOUT)).ok()?;
    stream.set_write_timeout(Some(IO_TIMEOUT)).ok()?;
    Some(stream)
}

/// Whether the node has ended a non-blocking connection (closed, reset, or answered it, which it does only
/// to end it: none of these clients completes a request).
fn ended_by_node(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    !matches!(stream.read(&mut buf), Err(e) if e.kind() == ErrorKind::WouldBlock)
}

/// The status code of an HTTP/1.1 response's first bytes.
pub(crate) fn status_of(response: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(response.get(..12)?).ok()?;
    text.strip_prefix("HTTP/1.1 ")?.parse().ok()
}

/// Connections that the node must end within its header read timeout, kept at a size: opened, a partial
/// request head sent (or one byte at a time), and replaced once the node ends them.
#[derive(Debug, Default)]
pub(crate) struct Held {
    /// Connections opened in all.
    pub(crate) opened: usize,
    /// Connects that failed or timed out.
    pub(crate) refused: usize,
    /// Most open at one moment.
    pub(crate) peak_open: usize,
    /// Connections the node ended.
    pub(crate) ended: usize,
    /// Longest a connection lived before the node ended it.
    pub(crate) longest_life: Duration,
    /// Longest a connection still open when the load ended had been open.
    pub(crate) oldest_left_open: Duration,
}

/// What a held connection sends: nothing more after its first bytes (a crowd), or one more byte of an
/// endless head each round (slowloris).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pace {
    Idle,
    ByteByByte,
}

/// An endless request head: a request line, then header bytes that never end with a blank line.
fn head_byte(n: usize) -> u8 {
    const START: &[u8] = b"GET /getChainInfo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    START.get(n).copied().unwrap_or(b'a' + (n % 26) as u8)
}

/// Keeps `size` connections open until `end` (at most `max_opened` in all), each sending at `pace`, one round
/// every `round`.
pub(crate) fn hold(
    addr: SocketAddr,
    size: usize,
    max_opened: usize,
    pace: Pace,
    round: Duration,
    end: Instant,
) -> Held {
    let mut held = Held::default();
    // (stream, opened at, bytes of the head sent)
    let mut open: Vec<(TcpStream, Instant, usize)> = Vec::with_capacity(size);
    while Instant::now() < end {
        let started = Instant::now();
        while open.len() < size && held.opened + held.refused < max_opened && Instant::now() < end {
            match connect(addr).filter(|s| s.set_nonblocking(true).is_ok()) {
                Some(mut stream) => {
                    // A crowd connection sends half a head at once; slowloris starts with its first byte.
                    let first = if pace == Pace::Idle { 30 } else { 1 };
                    let head: Vec<u8> = (0..first).map(head_byte).collect();
                    let _ = stream.write(&head);
                    open.push((stream, Instant::now(), first));
                    held.opened += 1;
                }
                None => held.refused += 1,
            }
        }
        held.peak_open = held.peak_open.max(open.len());
        open.retain_mut(|(stream, since, sent)| {
            if pace == Pace::ByteByByte && stream.write(&[head_byte(*sent)]).is_ok() {
                *sent += 1;
            }
            if ended_by_node(stream) {
                held.ended += 1;
                held.longest_life = held.longest_life.max(since.elapsed());
                return false;
            }
            true
        });
        std::thread::sleep(round.saturating_sub(started.elapsed()));
    }
    held.oldest_left_open = open.iter().map(|(_, since, _)| since.elapsed()).max().unwrap_or_default();
    held
}

/// Requests whose body comes a byte at a time: when and how the node answered each.
#[derive(Debug, Default)]
pub(crate) struct Trickled {
    /// Per request: seconds to the node's answer and its status (0: closed without one); `None`: never.
    pub(crate) answers: Vec<Option<(Duration, u16)>>,
}

/// `count` `POST /sendTx` requests announcing a 4 KiB body and sending one byte of it every `pace`, until
/// the node answers or `end`.
pub(crate) fn trickle_bodies(addr: SocketAddr, count: usize, pace: Duration, end: Instant) -> Trickled {
    let head =
        "POST /sendTx HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n";
    let mut streams: Vec<Option<(TcpStream, Instant)>> = (0..count)
        .map(|_| {
            let mut s = connect(addr)?;
            s.write_all(head.as_bytes()).ok()?;
            s.set_nonblocking(true).ok()?;
            Some((s, Instant::now()))
        })
        .collect();
    let mut out = Trickled { answers: vec![None; count] };
    while Instant::now() < end && streams.iter().any(Option::is_some) {
        for (slot, answer) in streams.iter_mut().zip(out.answers.iter_mut()) {
            let Some((stream, since)) = slot else { continue };
            let _ = stream.write(b" ");
            let mut buf = [0u8; 1024];
            match stream.read(&mut buf) {
                Err(e) if e.kind() == ErrorKind::WouldBlock => continue,
                Ok(n) if n > 0 => *answer = Some((since.elapsed(), status_of(&buf[..n]).unwrap_or(0))),
                _ => *answer = Some((since.elapsed(), 0)),
            }
            *slot = None;
        }
        std::thread::sleep(pace);
    }
    out
}

/// Bodies over the node's bound, announced (Content-Length) and chunked (none).
#[derive(Debug, Default)]
pub(crate) struct Oversized {
    /// Announced too large: answers per status (0: closed without one).
    pub(crate) announced: Vec<u16>,
    /// Longest an announced one waited for its answer.
    pub(crate) announced_slowest: Duration,
    /// Chunked: answers per status (0: closed or reset without one readable).
    pub(crate) chunked: Vec<u16>,
    /// Most bytes of a chunked body the client got to write before the node stopped it.
    pub(crate) chunked_most_written: usize,
}

/// Alternates, until `end`: a `sendTx` announcing `announce` bytes of which it sends 64 KiB, then waits for
/// the answer; and a chunked `sendTx` writing up to `chunked_total` bytes until the node stops taking them.
pub(crate) fn oversized_bodies(addr: SocketAddr, announce: usize, chunked_total: usize, end: Instant) -> Oversized {
    let mut out = Oversized::default();
    let piece = vec![b'x'; 64 * 1024];
    while Instant::now() < end {
        if let Some(mut s) = connect(addr) {
            let head = format!("POST /sendTx HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {announce}\r\n\r\n");
            let started = Instant::now();
            let _ = s.write_all(head.as_bytes()).and_then(|()| s.write_all(&piece));
            let mut buf = [0u8; 256];
            let status = s.read(&mut buf).ok().and_then(|n| status_of(&buf[..n])).unwrap_or(0);
            out.announced.push(status);
            out.announced_slowest = out.announced_slowest.max(started.elapsed());
        }
        if let Some(mut s) = connect(addr) {
            let head = "POST /sendTx HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
            let mut written = 0;
            if s.write_all(head.as_bytes()).is_ok() {
                let chunk = [format!("{:x}\r\n", piece.len()).as_bytes(), &piece, b"\r\n"].concat();
                while written < chunked_total && s.write_all(&chunk).is_ok() {
                    written += piece.len();
                }
                if written >= chunked_total {
                    let _ = s.write_all(b"0\r\n\r\n");
                }
            }
            let mut buf = [0u8; 256];
            let status = s.read(&mut buf).ok().and_then(|n| status_of(&buf[..n])).unwrap_or(0);
            out.chunked.push(status);
            out.chunked_most_written = out.chunked_most_written.max(written);
        }
    }
    out
}

/// `sendTx` answers to transactions whose publisher signature is corrupted: (status, count).
pub(crate) fn invalid_signature_flood(url: &str, client: usize, end: Instant) -> Vec<(u16, usize)> {
    let http = Http::new(Duration::from_secs(10));
    let mut statuses = std::collections::BTreeMap::new();
    let mut n = 0i64;
    while Instant::now() < end {
        n += 1;
        let time = signed::now_ns() + (client as i64) * 1_000_000 + n;
        let tx = signed::transfer("admin", &signed::admin_key(), "honest", 1, time);
        let mut body: serde_json::Value = serde_json::from_str(&tx.body).unwrap();
        let signature = body["publisher_sigs"][0]["signature"].as_str().unwrap_or_else(|| panic!("{body}"));
        // Another base64 letter first: the same length, other bytes, so the signature does not verify.
        let first = if signature.starts_with('A') { "B" } else { "A" };
        let corrupted = format!("{first}{}", &signature[1..]);
        body["publisher_sigs"][0]["signature"] = corrupted.into();
        let status = http.post(url, "/sendTx", &body.to_string()).map_or(0, |(status, _)| status);
        *statuses.entry(status).or_insert(0) += 1;
    }
    statuses.into_iter().collect()
}

/// Opens `count` event subscriptions (every block, from block 1) whose streams are never read past the status
/// code; returns the connections the node took (200), to be held until the end, and how many it did not.
pub(crate) fn never_reading_subscribers(addr: SocketAddr, count: usize) -> (Vec<TcpStream>, usize) {
    let body = r#"{"topics": ["JSVM_BLOCK"], "from_block": 1}"#;
    let request =
        format!("POST /subscribe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    let mut held = Vec::new();
    let mut refused = 0;
    for _ in 0..count {
        let Some(mut s) = connect(addr) else {
            refused += 1;
            continue;
        };
        let mut status = [0u8; 12];
        match s.write_all(request.as_bytes()).and_then(|()| s.read_exact(&mut status)) {
            Ok(()) if status_of(&status) == Some(200) => held.push(s),
            _ => refused += 1,
        }
    }
    (held, refused)
}
