//! `jsvm node --validator-key --genesis` as an operator runs it: a one-validator chain (a quorum of
//! one) commits signed transactions through consensus and serves them; a validator is refused,
//! with the reason, when its key, its peers or its data directory do not belong to the genesis.
//! (Four validator processes, a SIGKILL and a restart: tests/sdk/cluster.test.js.)

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{new_key, NodeProcess};
use serde_json::{json, Value};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

/// A validator's files in a temporary directory: its key, admin's secret, and a genesis naming
/// it `solo` (plus `others` validators with keys of their own).
struct Files {
    dir: tempfile::TempDir,
    key: PathBuf,
    admin: PathBuf,
    genesis: PathBuf,
}

impl Files {
    fn new(others: usize) -> Files {
        let dir = tempfile::tempdir().unwrap();
        let key = new_key(&[]);
        let admin = new_key(&[]);
        let mut validators = vec![json!({"name": "solo", "public_key": key["public_key"]})];
        for i in 0..others {
            validators.push(json!({"name": format!("other{i}"), "public_key": new_key(&[])["public_key"]}));
        }
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
        let accounts = json!([{"name": "alice01", "public_key": new_key(&[])["public_key"], "iost": "250.5"}]);
        let genesis = json!({
            "chain_id": 1024, "time_ns": now, "admin_key": admin["public_key"], "validators": validators, "accounts": accounts
        });
        let files = Files {
            key: dir.path().join("validator.key"),
            admin: dir.path().join("admin.key"),
            genesis: dir.path().join("genesis.json"),
            dir,
        };
        std::fs::write(&files.key, key.to_string()).unwrap();
        std::fs::write(&files.admin, admin["secret_key"].as_str().unwrap()).unwrap();
        std::fs::write(&files.genesis, genesis.to_string()).unwrap();
        files
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `node`'s validator options for this validator, with `extra` after them.
    fn args(&self, extra: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = vec![
            "--validator-key".into(),
            self.key.display().to_string(),
            "--genesis".into(),
            self.genesis.display().to_string(),
            "--p2p".into(),
            format!("127.0.0.1:{}", jsvm_test_util::free_loopback_ports(1).unwrap()[0]),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    }
}

/// `jsvm --data DATA node --http 127.0.0.1:0 ARGS`, expected to exit by itself within 30 s.
fn node_exits(data: &Path, args: &[String]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jsvm"))
        .arg("--data")
        .arg(data)
        .args(["node", "--http", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the node did not exit within 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// The stderr of a node refused at start (exit 2, "jsvm: " and the reason).
fn refused_start(data: &Path, args: &[String]) -> String {
    let out = node_exits(data, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    stderr
}

fn get(url: &str) -> Value {
    ureq::get(url).call().unwrap().body_mut().read_json().unwrap()
}

#[test]
fn a_one_validator_chain_commits_signed_transactions_through_consensus() {
    let files = Files::new(0);
    let args = files.args(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let node = NodeProcess::start(&files.data(), &args);
    assert!(!node.banner.contains("DEVELOPMENT KEY"), "a validator's admin key is the genesis's: {}", node.banner);
    // Accounts exist once consensus has finalised block 1; until then transactions are refused.
    let started = Instant::now();
    while get(&format!("{}/getChainInfo", node.url))["head_block"] == "0" {
        assert!(started.elapsed() < Duration::from_secs(30), "no block finalised in 30 s");
        std::thread::sleep(Duration::from_millis(50));
    }
    let js = format!("{EXAMPLES}/hello/hello.js");
    let admin = files.admin.display().to_string();
    let out = common::jsvm(&["deploy", &js, "--node", &node.url, "--account", "admin", "--key", &admin]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let receipt: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(receipt["status"], "SUCCESS", "{receipt}");
    let height = receipt["block"].as_u64().unwrap();
    let info = get(&format!("{}/getChainInfo", node.url));
    assert_eq!(info["witness_list"], json!(["solo"]));
    assert_eq!(info["lib_block"], info["head_block"], "what is served is final");
    let block = get(&format!("{}/getBlockByNumber/{height}/true", node.url));
    assert_eq!(block["block"]["witness"], "solo", "{block}");
    assert_eq!(block["block"]["transactions"][0]["hash"], receipt["tx_hash"], "{block}");
    let alice = get(&format!("{}/getTokenBalance/alice01/iost/true", node.url));
    assert_eq!(alice["balance"], 250.5, "a genesis account: {alice}");
    // The chain replays from its directory alone: the genesis accounts come from the genesis.json kept there.
    let data = files.data().display().to_string();
    let out = common::jsvm(&["replay", "--from", &data, "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let kept = std::fs::read_to_string(files.data().join("genesis.json")).unwrap();
    let kept: Value = serde_json::from_str(&kept).unwrap();
    let given: Value = serde_json::from_str(&std::fs::read_to_string(&files.genesis).unwrap()).unwrap();
    assert_eq!(kept["validators"], given["validators"], "the data directory keeps its genesis");
}

#[test]
fn a_key_outside_the_genesis_is_refused() {
    let files = Files::new(1);
    std::fs::write(&files.key, new_key(&[]).to_string()).unwrap();
    let stderr = refused_start(&files.data(), &files.args(&[]));
    assert!(stderr.contains("not one of the genesis validators' keys"), "{stderr}");
}

#[test]
fn a_peer_outside_the_genesis_is_refused() {
    let files = Files::new(1);
    let stderr = refused_start(&files.data(), &files.args(&["--peers", "stranger@127.0.0.1:1"]));
    assert!(stderr.contains("\"stranger\" is not a genesis validator"), "{stderr}");
    let stderr = refused_start(&files.data(), &files.args(&["--peers", "127.0.0.1:1"]));
    assert!(stderr.contains("expected NAME@HOST:PORT"), "{stderr}");
}

#[test]
fn a_data_directory_of_another_chain_is_refused() {
    let files = Files::new(0);
    let args = files.args(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut node = NodeProcess::start(&files.data(), &args);
    node.kill();
    // Another genesis (another time) for the same validator.
    let mut genesis: Value = serde_json::from_str(&std::fs::read_to_string(&files.genesis).unwrap()).unwrap();
    genesis["time_ns"] = json!(genesis["time_ns"].as_u64().unwrap() + 1);
    std::fs::write(&files.genesis, genesis.to_string()).unwrap();
    let stderr = refused_start(&files.data(), &files.args(&[]));
    assert!(stderr.contains("belongs to another chain"), "{stderr}");
}

#[test]
fn a_development_chain_is_not_continued_as_a_validator() {
    let files = Files::new(0);
    let mut dev = NodeProcess::start(&files.data(), &[]);
    dev.kill();
    let stderr = refused_start(&files.data(), &files.args(&[]));
    assert!(stderr.contains("not started from a genesis file"), "{stderr}");
}

#[test]
fn validator_options_need_a_genesis_and_exclude_the_development_chains() {
    let files = Files::new(0);
    let key = files.key.display().to_string();
    let out = node_exits(&files.data(), &["--validator-key".into(), key.clone()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--genesis"), "{}", String::from_utf8_lossy(&out.stderr));
    let mut args = files.args(&[]);
    args.extend(["--chain-id".to_string(), "7".to_string()]);
    let out = node_exits(&files.data(), &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot be used with"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_validator_without_a_quorum_answers_but_takes_no_transaction_before_the_first_block() {
    // Two validators, one of them never started: no quorum, so no block is ever final.
    let files = Files::new(1);
    let args = files.args(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let node = NodeProcess::start(&files.data(), &args);
    let info = get(&format!("{}/getChainInfo", node.url));
    assert_eq!(info["head_block"], "0", "{info}");
    assert_eq!(info["witness_list"], json!(["solo", "other0"]));
    let js = format!("{EXAMPLES}/hello/hello.js");
    let admin = files.admin.display().to_string();
    let out = common::jsvm(&["deploy", &js, "--node", &node.url, "--account", "admin", "--key", &admin]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("HTTP 503") && stderr.contains("no block yet"), "{stderr}");
}
