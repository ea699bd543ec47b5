//! `jsvm node` and the CLI's `--node URL --account NAME --key FILE` as a user runs them: a real node
//! process on a free port over a temporary data directory, driven by the `jsvm` binary.

mod common;

use common::{jsvm, new_key, refused, NodeProcess};

use std::path::PathBuf;
use std::process::Output;

use serde_json::{json, Value};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

/// A `jsvm node` process over a temporary data directory, killed when dropped.
struct Node {
    process: NodeProcess,
    url: String,
    /// What the node printed on stdout up to its listening line.
    banner: String,
    dir: tempfile::TempDir,
}

impl Node {
    fn start(extra: &[&str]) -> Node {
        let dir = tempfile::tempdir().unwrap();
        let process = NodeProcess::start(&dir.path().join("data"), extra);
        let (url, banner) = (process.url.clone(), process.banner.clone());
        Node { process, url, banner, dir }
    }

    /// Writes `text` to a file in the node's temporary directory; returns its path.
    fn file(&self, name: &str, text: &str) -> String {
        let path: PathBuf = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    /// Runs `jsvm ARGS --node URL --account ACCOUNT --key KEY_FILE`.
    fn send(&self, account: &str, key_file: &str, args: &[&str]) -> Output {
        let mut all = args.to_vec();
        all.extend(["--node", &self.url, "--account", account, "--key", key_file]);
        jsvm(&all)
    }

    /// As `send`, expecting one receipt on stdout, with exit 0 if it is a success, else 1.
    fn receipt(&self, account: &str, key_file: &str, args: &[&str]) -> Value {
        let out = self.send(account, key_file, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let r: Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{args:?}: {e}: {stderr}"));
        let want = if r["status"] == "SUCCESS" { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(want), "{args:?}: {r} {stderr}");
        r
    }

    fn admin_key_file(&self) -> String {
        self.file("admin.key", jsvm_node::DEV_ADMIN_SECRET_B58)
    }
}

/// The node turns transparent huge pages off for its process (crates/jsvm-alloc says why), where
/// the kernel says (`THP_enabled` in /proc/PID/status, Linux 5.0 and later).
#[test]
fn the_node_runs_without_transparent_huge_pages() {
    let node = Node::start(&[]);
    let status = std::fs::read_to_string(format!("/proc/{}/status", node.process.pid()));
    let Some(line) = status.ok().and_then(|s| s.lines().find(|l| l.starts_with("THP_enabled:")).map(str::to_string))
    else {
        eprintln!("skipped: this kernel does not report THP_enabled");
        return;
    };
    assert_eq!(line.split_whitespace().nth(1), Some("0"), "{line}");
}

#[test]
fn deploy_and_call_through_a_node_signed_with_the_development_key() {
    let node = Node::start(&[]);
    let key = node.admin_key_file();
    let js = format!("{EXAMPLES}/hello/hello.js");
    let r = node.receipt("admin", &key, &["deploy", &js]);
    assert_eq!(r["status"], "SUCCESS", "{r}");
    assert_eq!(r["status_code"], 0);
    assert!(r["block"].as_u64().unwrap() >= 2, "{r}");
    assert!(r["gas_used"].as_u64().unwrap() > 0, "{r}");
    let id = r["returns"][0].as_str().unwrap().to_string();
    assert!(id.starts_with("Contract"), "{r}");

    let r = node.receipt("admin", &key, &["call", &id, "greet", r#"["world"]"#]);
    assert_eq!(r["status"], "SUCCESS", "{r}");
    assert_eq!(r["returns"], json!(["hello, world"]));
    // The inspect commands read the data directory while the node holds it.
    let data = node.dir.path().join("data");
    let out = jsvm(&["--data", data.to_str().unwrap(), "contracts"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["id"], id.as_str());
    assert_eq!(bs58::decode(r["tx_hash"].as_str().unwrap()).into_vec().unwrap().len(), 32, "{r}");

    // A failing transaction is still a receipt, exit 1, as on a data directory.
    let r = node.receipt("admin", &key, &["call", &id, "greet", "[5]"]);
    assert_eq!(r["status"], "RUNTIME_ERROR", "{r}");
    assert_eq!(r["status_code"], 4);
    assert!(r["message"].as_str().unwrap().contains("argument 1"), "{r}");
}

#[test]
fn a_new_secp256k1_account_signs_with_its_json_key_file() {
    let node = Node::start(&[]);
    let admin = node.admin_key_file();
    let key = new_key(&["--secp256k1"]);
    let public = key["public_key"].as_str().unwrap();
    let r =
        node.receipt("admin", &admin, &["call", "auth.iost", "signUp", &json!(["alice", public, public]).to_string()]);
    assert_eq!(r["status"], "SUCCESS", "{r}");
    let alice = node.file("alice.json", &key.to_string());
    let js = format!("{EXAMPLES}/hello/hello.js");
    let r = node.receipt("alice", &alice, &["deploy", &js]);
    assert_eq!(r["status"], "SUCCESS", "{r}");
    let id = r["returns"][0].as_str().unwrap().to_string();
    let tx = node.file(
        "tx.json",
        &json!({"publisher": "alice", "actions": [
            {"contract": id, "actionName": "set", "data": r#"["hi"]"#},
            {"contract": id, "actionName": "greet", "data": r#"["bob"]"#},
        ]})
        .to_string(),
    );
    let r = node.receipt("alice", &alice, &["tx", &tx]);
    assert_eq!(r["status"], "SUCCESS", "{r}");
    assert_eq!(r["returns"], json!(["", "hi, bob"]), "{r}");
}

#[test]
fn the_node_refuses_a_key_that_is_not_the_accounts() {
    let node = Node::start(&[]);
    let stranger = node.file("stranger.json", &new_key(&[]).to_string());
    let js = format!("{EXAMPLES}/hello/hello.js");
    let msg = refused(node.send("admin", &stranger, &["deploy", &js]));
    assert!(msg.starts_with("jsvm: the node refused the transaction: HTTP 4"), "{msg}");
}

#[test]
fn the_node_announces_the_development_key_and_not_a_given_one() {
    let node = Node::start(&[]);
    for text in ["admin", jsvm_node::DEV_ADMIN_PUBLIC_B58, jsvm_node::DEV_ADMIN_SECRET_B58] {
        assert!(node.banner.contains(text), "{text} missing from:\n{}", node.banner);
    }
    let own = new_key(&[]);
    let node = Node::start(&["--admin-key", own["public_key"].as_str().unwrap()]);
    assert!(!node.banner.contains(jsvm_node::DEV_ADMIN_SECRET_B58), "{}", node.banner);
    // The development key no longer signs for admin; the given one does.
    let js = format!("{EXAMPLES}/hello/hello.js");
    refused(node.send("admin", &node.admin_key_file(), &["deploy", &js]));
    let admin = node.file("own.json", &own.to_string());
    assert_eq!(node.receipt("admin", &admin, &["deploy", &js])["status"], "SUCCESS");
}
