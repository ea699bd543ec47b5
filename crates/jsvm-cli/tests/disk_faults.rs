//! The node's data directory on a full disk and on a read-only file system (issue 20): a node whose
//! disk fills stops accepting transactions with a clear error, keeps answering queries, does not
//! crash or spin, and once space is freed and it is restarted has lost nothing it committed; a node
//! pointed at a read-only directory refuses to start with a clear error and writes nothing.
//!
//! Both need mounts (a small tmpfs, a read-only bind mount), so root: without the permission a test
//! prints `skipped: cannot mount …` and passes.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::signed::{self, Http, Signed};
use common::{files, jsvm, NodeProcess};
use serde_json::Value;

/// A mount made for one test, unmounted when dropped (also when the test fails).
struct Mount {
    at: PathBuf,
}

impl Mount {
    /// `mount ARGS… AT`; `None` (after printing why) where mounting is not permitted.
    fn new(what: &str, args: &[&str], at: &Path) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        let out = Command::new("mount").args(args).arg(at).output();
        match out {
            Ok(o) if o.status.success() => Some(Mount { at: at.to_path_buf() }),
            Ok(o) => {
                println!("skipped: cannot mount {what}: {}", String::from_utf8_lossy(&o.stderr).trim());
                None
            }
            Err(e) => {
                println!("skipped: cannot mount {what}: {e}");
                None
            }
        }
    }

    fn tmpfs(at: &Path, megabytes: u32) -> Option<Mount> {
        Mount::new("tmpfs", &["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"], at)
    }

    /// `from`, seen read-only at `at`.
    fn read_only_view(from: &Path, at: &Path) -> Option<Mount> {
        let bind = Mount::new("a bind mount", &["--bind", from.to_str().unwrap()], at)?;
        let ro = Command::new("mount").args(["-o", "remount,bind,ro"]).arg(at).status().unwrap();
        if !ro.success() {
            println!("skipped: cannot mount a read-only bind mount");
            return None;
        }
        Some(bind)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.at).status();
    }
}

/// Creates `name` with `key` and gives it `amount` iost, through the node: the two receipts.
fn funded_account(http: &Http, url: &str, name: &str, key: &jsvm_tx::KeyPair, amount: u64) -> Vec<Value> {
    let wait = Duration::from_secs(30);
    let sign_up = signed::sign_up(name, key, signed::now_ns());
    let fund = signed::transfer("admin", &signed::admin_key(), name, amount, signed::now_ns());
    vec![http.commit(url, &sign_up, wait), http.commit(url, &fund, wait)]
}

/// Fills the file system of `dir` with a file of zeros until a write fails; returns its size.
fn fill(dir: &Path) -> u64 {
    use std::io::Write;
    let mut filler = std::fs::File::create(dir.join("filler")).unwrap();
    let chunk = vec![0u8; 64 << 10];
    let mut size = 0;
    // Bounded by the tmpfs's size (64 MiB at most here).
    for _ in 0..1024 {
        match filler.write(&chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => size += n as u64,
        }
    }
    let _ = filler.sync_all();
    size
}

/// `jsvm --data DATA node` that must not start: its exit code and stderr (it is killed after 30 s).
fn failed_start(data: &Path, stderr_file: &Path) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jsvm"))
        .arg("--data")
        .arg(data)
        .args(["node", "--http", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(stderr_file).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the node started on {}", data.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status.code(), std::fs::read_to_string(stderr_file).unwrap())
}

#[test]
fn a_full_disk_stops_writes_with_a_clear_error_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mount) = Mount::tmpfs(&dir.path().join("disk"), 24) else { return };
    let (data, log) = (mount.at.join("data"), dir.path().join("node.log"));
    let mut node = NodeProcess::try_start(&data, &[], &[], Some(&log)).unwrap();
    let http = Http::new(Duration::from_secs(10));
    let url = node.url.clone();
    let key = signed::user_key(1000);
    let mut shown = funded_account(&http, &url, "diskfull", &key, 1_000_000);
    // Some transfers before the disk fills: their receipts must survive.
    let mut sent: Vec<(Signed, u64)> = Vec::new();
    for amount in 1..=5 {
        let tx = signed::transfer("diskfull", &key, "admin", amount, signed::now_ns());
        shown.push(http.commit(&url, &tx, Duration::from_secs(30)));
        sent.push((tx, amount));
    }
    let filled = fill(&mount.at);
    assert!(filled > 0, "nothing was written to fill the disk");

    // Transfers until the node refuses one: it may commit a few blocks while RocksDB still has room.
    let mut refusal = None;
    let started = Instant::now();
    for i in 0..2_000u64 {
        if started.elapsed() > Duration::from_secs(30) {
            break;
        }
        let tx = signed::transfer("diskfull", &key, "admin", 1, signed::now_ns() + i as i64);
        match http.post(&url, "/sendTx", &tx.body) {
            Ok((200, _)) => sent.push((tx, 1)),
            other => {
                refusal = Some(other);
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let (status, body) = refusal.expect("the node kept accepting transactions on a full disk").unwrap();
    assert_eq!(status, 503, "{body}");
    let msg = body["message"].as_str().unwrap_or_default();
    assert!(msg.contains("cannot write its store") && msg.contains("No space left on device"), "{msg}");
    assert_eq!(body["code"], 14, "{body}");

    // Still up, still answering, not spinning on its failure.
    assert!(node.wait_exit(Duration::from_millis(500)).is_none(), "the node exited on a full disk");
    let lines_before = std::fs::read_to_string(&log).unwrap().lines().count();
    std::thread::sleep(Duration::from_secs(1));
    let info = http.ok(&url, "/getChainInfo");
    for receipt in &shown {
        let again = http.ok(&url, &format!("/getTxReceiptByTxHash/{}", receipt["tx_hash"].as_str().unwrap()));
        assert_eq!(&again, receipt);
    }
    http.balance(&url, "diskfull");
    let again = http.post(&url, "/sendTx", &signed::transfer("diskfull", &key, "admin", 1, signed::now_ns()).body);
    assert_eq!(again.map(|r| r.0), Ok(503), "a second transaction on a full disk");
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(log_text.lines().count() < lines_before + 10, "the node logs in a loop: {log_text}");
    assert!(log_text.contains("No space left on device"), "the log does not say why: {log_text}");
    assert!(!log_text.contains("panicked"), "{log_text}");

    // SIGTERM still stops it; with the disk still full it does not start again, and says why.
    node.signal("TERM");
    let stopped = node.wait_exit(Duration::from_secs(15)).expect("the node did not stop on SIGTERM");
    println!("full disk: {filled} bytes of filler, head {} when refused; SIGTERM: {stopped:?}", info["head_block"]);
    let full_start = failed_start(&data, &dir.path().join("full-start.log"));
    println!("full disk: restart while full: {full_start:?}");
    assert_eq!(full_start.0, Some(2), "{}", full_start.1);
    assert!(full_start.1.contains("No space left on device"), "{}", full_start.1);
    assert!(!full_start.1.contains("panicked"), "{}", full_start.1);

    // Space freed: nothing committed is lost, balances follow the receipts, and writes go on.
    std::fs::remove_file(mount.at.join("filler")).unwrap();
    let node = NodeProcess::try_start(&data, &[], &[], Some(&log)).unwrap();
    let url = node.url.clone();
    for receipt in &shown {
        let again = http.ok(&url, &format!("/getTxReceiptByTxHash/{}", receipt["tx_hash"].as_str().unwrap()));
        assert_eq!(&again, receipt, "a receipt shown before the disk filled");
    }
    let mut balance = 1_000_000.0;
    let mut committed = shown.len() as u64;
    for (tx, amount) in &sent {
        match http.get(&url, &format!("/getTxReceiptByTxHash/{}", tx.hash)).unwrap() {
            (200, r) => {
                assert_eq!(r["status_code"], "SUCCESS", "{r}");
                balance -= *amount as f64;
                committed += u64::from(!shown.iter().any(|s| s["tx_hash"] == tx.hash.as_str()));
            }
            (404, _) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(http.balance(&url, "diskfull"), balance, "the balance does not follow the receipts");
    let after = signed::transfer("diskfull", &key, "admin", 1, signed::now_ns());
    http.commit(&url, &after, Duration::from_secs(30));
    drop(node);
    let out = jsvm(&["replay", "--from", data.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let replayed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(replayed["txs"], committed + 1, "{replayed}");
}

#[test]
fn a_read_only_data_directory_is_refused_at_start_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (chain, view) = (dir.path().join("chain"), dir.path().join("ro"));
    let data = chain.join("data");
    std::fs::create_dir_all(chain.join("empty")).unwrap();
    let mut node = NodeProcess::try_start(&data, &[], &[], None).unwrap();
    let http = Http::new(Duration::from_secs(10));
    let receipts = funded_account(&http, &node.url, "readonly", &signed::user_key(2000), 10);
    node.signal("TERM");
    assert_eq!(node.wait_exit(Duration::from_secs(15)).and_then(|s| s.code()), Some(0));
    let before = files(&chain);
    let Some(_view) = Mount::read_only_view(&chain, &view) else { return };

    // A chain, an empty directory and one to create: each refused with the file system's reason.
    for (name, what) in [("data", "a chain"), ("empty", "an empty directory"), ("absent", "a directory to create")] {
        let (code, stderr) = failed_start(&view.join(name), &dir.path().join(format!("{name}.log")));
        println!("read-only {what}: exit {code:?}: {}", stderr.lines().last().unwrap_or_default());
        assert_eq!(code, Some(2), "{what}: {stderr}");
        assert!(stderr.contains("Read-only file system"), "{what}: {stderr}");
        assert!(!stderr.contains("corrupt") && !stderr.contains("panicked"), "{what}: {stderr}");
    }
    // Replay only reads: it runs from the read-only view.
    let out = jsvm(&["replay", "--from", view.join("data").to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let replayed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(replayed["txs"], receipts.len(), "{replayed}");
    assert!(before == files(&chain), "the read-only attempts changed the chain's files");
}
