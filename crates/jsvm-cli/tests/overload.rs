//! Overload (issue 20): a `jsvm node` process on loopback, with its default limits, is hit at once by
//! thousands of connections that never finish a request head, slowloris heads sent a byte at a time, request
//! bodies trickled a byte at a time, bodies over the size bound (announced and chunked), a flood of
//! transactions whose signature does not verify, and event subscribers that never read their stream; while
//! honest clients go on: one sends signed transfers one after another and waits for each receipt, one asks
//! `getChainInfo` every 50 ms, one reads a subscription. The test asserts the bounds below on what the honest
//! clients saw, on how long the node let each hostile connection live, and on the node's memory (VmRSS from
//! /proc/PID/status), and prints every figure.
//!
//! The load lasts [`LOAD`]; every loop ends by then and every socket has a timeout.

mod common;
#[path = "overload/hostile.rs"]
mod hostile;

use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use common::signed::{self, Http};
use common::NodeProcess;
use hostile::Pace;

/// How long the load lasts: past the node's request timeout (30 s), so that the trickled bodies' end is seen.
const LOAD: Duration = Duration::from_secs(36);
/// Connections the crowd holds open at once, when the open-file limit allows (see `crowd_size`).
const CROWD: usize = 2_000;
/// Connections the crowd may open in all (it replaces the ones the node ends).
const CROWD_MAX_OPENED: usize = 8_000;
/// Slowloris connections at once, and in all.
const SLOWLORIS: usize = 100;
const SLOWLORIS_MAX_OPENED: usize = 400;
/// Requests whose body trickles in, one byte every [`TRICKLE_PACE`].
const TRICKLERS: usize = 16;
const TRICKLE_PACE: Duration = Duration::from_millis(500);
/// Threads sending oversized bodies, and what they send: 64 MiB announced, up to 32 MiB chunked (the bound
/// is 2 MiB; the loopback's socket buffers take a few MiB more before a write blocks).
const OVERSIZERS: usize = 2;
const ANNOUNCED_BYTES: usize = 64 << 20;
const CHUNKED_BYTES: usize = 32 << 20;
/// Threads sending transactions with a corrupted signature, each as fast as the node answers.
const FLOODERS: usize = 4;
/// Subscriptions that are never read.
const NEVER_READERS: usize = 16;

/// The node must end a connection that has not sent a whole head within its header read timeout; this is the
/// slack on top for the probe's round (0.5 s, longer with 2,000 sockets to poll) and a loaded machine's scheduling.
const HEADER_SLACK: Duration = Duration::from_secs(5);
/// The node must answer a request whose body never completes within its request timeout plus this.
const TRICKLE_SLACK: Duration = Duration::from_secs(4);
/// Each honest transfer must have its receipt within this of being sent (a block follows every accepted
/// transaction at once; debug build, two cores shared with the hostile clients).
const COMMIT_BOUND: Duration = Duration::from_secs(5);
/// At least this many honest transfers must be committed during the load (one in flight at a time).
const MIN_COMMITTED: usize = 30;
/// `getChainInfo`'s 99th percentile and worst latency under the load.
const QUERY_P99_BOUND: Duration = Duration::from_millis(1_000);
const QUERY_MAX_BOUND: Duration = Duration::from_millis(3_000);
/// The node's resident memory may grow by at most this over its idle size, at any moment of the load: about
/// 20 KiB for each of the ~2,100 connections, a few oversized bodies' 2 MiB at a time, and the allocator's
/// slack.
const RSS_GROWTH_BOUND_KB: u64 = 256 << 10;

/// The node's resident set size, in KiB.
fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or_else(|| panic!("no VmRSS for {pid}"));
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{line}"))
}

/// The open-file soft limit of this process (the node inherits it).
fn open_file_limit() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let line = limits.lines().find(|l| l.starts_with("Max open files")).unwrap_or("");
    line.split_whitespace().nth(3).and_then(|n| n.parse().ok()).unwrap_or(1024)
}

/// [`CROWD`], or fewer when the open-file limit would not hold them with ~600 other descriptors (the other
/// hostile connections, the store's files, the runtime).
fn crowd_size() -> usize {
    CROWD.min(open_file_limit().saturating_sub(600))
}

/// Latencies in order; the `p`th percentile.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// What the honest transfer client saw: each committed transfer's time from send to receipt, and failures.
#[derive(Debug, Default)]
struct Honest {
    committed: Vec<Duration>,
    failures: Vec<String>,
}

/// Transfers from admin to `honest`, one after another, each waited for (at most [`COMMIT_BOUND`]).
fn honest_transfers(url: &str, end: Instant) -> Honest {
    let http = Http::new(Duration::from_secs(10));
    let mut out = Honest::default();
    while Instant::now() < end {
        let tx = signed::transfer("admin", &signed::admin_key(), "honest", 1, signed::now_ns());
        let sent = Instant::now();
        match http.post(url, "/sendTx", &tx.body) {
            Ok((200, _)) => match http.receipt(url, &tx.hash, COMMIT_BOUND) {
                Some(r) if r["status_code"] == "SUCCESS" => out.committed.push(sent.elapsed()),
                Some(r) => out.failures.push(format!("{}: {r}", tx.hash)),
                None => out.failures.push(format!("{}: no receipt in {COMMIT_BOUND:?}", tx.hash)),
            },
            other => out.failures.push(format!("sendTx {}: {other:?}", tx.hash)),
        }
        thread::sleep(Duration::from_millis(50));
    }
    out
}

/// What the query client saw.
#[derive(Debug, Default)]
struct Queries {
    latencies: Vec<Duration>,
    failures: Vec<String>,
    first_head: u64,
    last_head: u64,
}

/// `getChainInfo` every 50 ms until `end`.
fn queries(url: &str, end: Instant) -> Queries {
    let http = Http::new(Duration::from_secs(10));
    let mut out = Queries::default();
    while Instant::now() < end {
        let asked = Instant::now();
        match http.get(url, "/getChainInfo") {
            Ok((200, info)) => {
                out.latencies.push(asked.elapsed());
                let head = info["head_block"].as_str().and_then(|h| h.parse().ok()).unwrap_or(0);
                if out.first_head == 0 {
                    out.first_head = head;
                }
                out.last_head = head;
            }
            other => out.failures.push(format!("{other:?}")),
        }
        thread::sleep(Duration::from_millis(50).saturating_sub(asked.elapsed()));
    }
    out
}

/// The block numbers an honest live subscription (JSVM_BLOCK) received until `end`.
fn honest_subscriber(addr: SocketAddr, end: Instant) -> Vec<u64> {
    use std::io::{BufRead, BufReader, Write};
    let body = r#"{"topics": ["JSVM_BLOCK"]}"#;
    let mut stream = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).unwrap();
    stream.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    stream.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    let request =
        format!("POST /subscribe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n{body}", body.len());
    stream.write_all(request.as_bytes()).unwrap();
    let mut lines = BufReader::new(stream);
    let mut blocks = Vec::new();
    let mut line = String::new();
    while Instant::now() < end {
        line.clear();
        match lines.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {
                if let Ok(event) = serde_json::from_str::<serde_json::Value>(line.trim()) {
                    let number = &event["result"]["event"]["block_number"];
                    blocks.extend(number.as_str().and_then(|n| n.parse::<u64>().ok()));
                }
            }
            // The read timeout: nothing yet; a partial line stays in `line`'s next read.
            Err(_) => {}
        }
    }
    blocks
}

/// VmRSS of `pid` every 200 ms until `end`: the largest seen.
fn peak_rss(pid: u32, end: Instant) -> u64 {
    let mut peak = 0;
    while Instant::now() < end {
        peak = peak.max(rss_kb(pid));
        thread::sleep(Duration::from_millis(200));
    }
    peak
}

#[test]
fn the_node_keeps_its_bounds_under_overload() {
    let started = Instant::now();
    let limits = jsvm_node::Limits::default();
    let dir = tempfile::tempdir().unwrap();
    let node = NodeProcess::start(&dir.path().join("data"), &[]);
    let url = node.url.clone();
    let addr: SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    let http = Http::new(Duration::from_secs(10));
    let honest_key = signed::user_key(0);
    let receipt = http.commit(&url, &signed::sign_up("honest", &honest_key, signed::now_ns()), COMMIT_BOUND);
    assert_eq!(receipt["status_code"], "SUCCESS", "{receipt}");
    for _ in 0..20 {
        http.ok(&url, "/getChainInfo");
    }
    let rss_before = rss_kb(node.pid());
    let crowd = crowd_size();

    let end = Instant::now() + LOAD;
    let (never_read, never_read_refused) = hostile::never_reading_subscribers(addr, NEVER_READERS);
    let (held, report) = thread::scope(|s| {
        let crowd =
            s.spawn(|| hostile::hold(addr, crowd, CROWD_MAX_OPENED, Pace::Idle, Duration::from_millis(500), end));
        let slowloris = s.spawn(|| {
            hostile::hold(addr, SLOWLORIS, SLOWLORIS_MAX_OPENED, Pace::ByteByByte, Duration::from_millis(500), end)
        });
        let trickled = s.spawn(|| hostile::trickle_bodies(addr, TRICKLERS, TRICKLE_PACE, end));
        let oversized: Vec<_> = (0..OVERSIZERS)
            .map(|_| s.spawn(|| hostile::oversized_bodies(addr, ANNOUNCED_BYTES, CHUNKED_BYTES, end)))
            .collect();
        let flood: Vec<_> = (0..FLOODERS)
            .map(|c| {
                s.spawn({
                    let url = &url;
                    move || hostile::invalid_signature_flood(url, c, end)
                })
            })
            .collect();
        let subscriber = s.spawn(|| honest_subscriber(addr, end));
        let honest = s.spawn(|| honest_transfers(&url, end));
        let asked = s.spawn(|| queries(&url, end));
        let rss_peak = s.spawn(|| peak_rss(node.pid(), end));
        let held = (crowd.join().unwrap(), slowloris.join().unwrap());
        let report = (
            trickled.join().unwrap(),
            oversized.into_iter().map(|h| h.join().unwrap()).collect::<Vec<_>>(),
            flood.into_iter().map(|h| h.join().unwrap()).collect::<Vec<_>>(),
            subscriber.join().unwrap(),
            honest.join().unwrap(),
            asked.join().unwrap(),
            rss_peak.join().unwrap(),
        );
        (held, report)
    });
    let (crowd_held, slowloris_held) = held;
    let (trickled, oversized, flood, subscribed, honest, asked, rss_peak) = report;
    let rss_loaded = rss_kb(node.pid());
    drop(never_read);

    // What was measured, whatever the assertions below say.
    let mut latencies = asked.latencies.clone();
    latencies.sort();
    let mut commits = honest.committed.clone();
    commits.sort();
    eprintln!("open-file limit {}; crowd size {crowd}", open_file_limit());
    eprintln!("crowd: {crowd_held:?}");
    eprintln!("slowloris: {slowloris_held:?}");
    eprintln!("trickled bodies (time to answer, status): {:?}", trickled.answers);
    for o in &oversized {
        eprintln!(
            "oversized: announced {} (slowest answer {:?}), chunked {} (most written {} bytes); statuses {:?} / {:?}",
            o.announced.len(),
            o.announced_slowest,
            o.chunked.len(),
            o.chunked_most_written,
            o.announced.iter().collect::<std::collections::BTreeSet<_>>(),
            o.chunked.iter().collect::<std::collections::BTreeSet<_>>()
        );
    }
    eprintln!("invalid-signature flood (status, count) per client: {flood:?}");
    eprintln!("never-reading subscribers: {} open, {never_read_refused} refused", NEVER_READERS - never_read_refused);
    eprintln!(
        "honest subscriber: {} block events, blocks {:?}..{:?}",
        subscribed.len(),
        subscribed.first(),
        subscribed.last()
    );
    eprintln!(
        "honest transfers: {} committed, {} failed; send-to-receipt median {:?}, max {:?}",
        commits.len(),
        honest.failures.len(),
        commits.get(commits.len() / 2),
        commits.last()
    );
    eprintln!(
        "getChainInfo: {} answered, {} failed; median {:?}, p99 {:?}, max {:?}; head {} -> {}",
        latencies.len(),
        asked.failures.len(),
        latencies.get(latencies.len() / 2),
        latencies.last().map(|_| percentile(&latencies, 0.99)),
        latencies.last(),
        asked.first_head,
        asked.last_head
    );
    eprintln!("node VmRSS: {rss_before} KiB idle, peak {rss_peak} KiB under load, {rss_loaded} KiB at its end");
    eprintln!("test time {:?}", started.elapsed());

    // Thousands of connections were open at once, and the node ended every one that sent no whole head.
    let header_bound = limits.header_read_timeout + HEADER_SLACK;
    assert!(crowd_held.peak_open >= crowd * 9 / 10, "{crowd_held:?}");
    for held in [&crowd_held, &slowloris_held] {
        assert!(held.ended > 0, "the node ended no connection without a head: {held:?}");
        assert!(held.longest_life <= header_bound, "a connection lived past {header_bound:?}: {held:?}");
        assert!(held.oldest_left_open <= header_bound, "a connection lived past {header_bound:?}: {held:?}");
    }
    // A body that never completes is answered at the request timeout (504), not held for ever.
    let trickle_bound = limits.request_timeout + TRICKLE_SLACK;
    for answer in &trickled.answers {
        assert!(matches!(answer, Some((t, 504)) if *t <= trickle_bound), "{:?}", trickled.answers);
    }
    // Over the body bound: announced ones are refused (413) without the body being read; chunked ones are
    // stopped (413, or the connection closed) long before their end.
    for o in &oversized {
        assert!(!o.announced.is_empty() && o.announced.iter().all(|s| *s == 413), "{o:?}");
        assert!(!o.chunked.is_empty() && o.chunked.iter().all(|s| *s == 413 || *s == 0), "{o:?}");
        assert!(o.chunked_most_written < CHUNKED_BYTES, "a chunked body of {CHUNKED_BYTES} bytes was read: {o:?}");
    }
    // The flood was refused, every transaction of it, as a bad request.
    for client in &flood {
        assert!(client.iter().all(|(status, _)| *status == 400), "{flood:?}");
    }
    assert_eq!(never_read_refused, 0, "a subscription that would never be read was refused");
    // The honest clients were served within their bounds all along.
    assert!(honest.failures.is_empty(), "{:?}", honest.failures);
    assert!(commits.len() >= MIN_COMMITTED, "{} transfers committed", commits.len());
    assert!(commits.iter().all(|t| *t <= COMMIT_BOUND), "{commits:?}");
    assert!(asked.failures.is_empty(), "{:?}", asked.failures);
    assert!(percentile(&latencies, 0.99) <= QUERY_P99_BOUND, "{latencies:?}");
    assert!(latencies.iter().all(|t| *t <= QUERY_MAX_BOUND), "{latencies:?}");
    let produced = asked.last_head - asked.first_head;
    assert!(produced >= MIN_COMMITTED as u64, "{produced} blocks produced");
    // The honest subscriber got every block from its first on, in order, through the whole load.
    assert!(subscribed.len() >= MIN_COMMITTED, "{subscribed:?}");
    assert!(subscribed.windows(2).all(|w| w[1] == w[0] + 1), "{subscribed:?}");
    assert!(rss_peak.saturating_sub(rss_before) <= RSS_GROWTH_BOUND_KB, "RSS {rss_before} -> {rss_peak} KiB");
}
