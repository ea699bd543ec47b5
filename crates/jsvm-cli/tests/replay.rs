//! `jsvm replay --from DIR` as a user runs it: chains made by the one-shot commands and by a real
//! `jsvm node` (signed transactions, its own admin key, chain id and witness) replay block for block,
//! sequentially and in parallel alike, without the source changing; a tampered copy stops at the
//! block, transaction and field that differ.

mod common;

use common::{files, jsvm, new_key, refused, Chain, NodeProcess};

use std::path::Path;
use std::process::Output;

use serde_json::{json, Value};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

fn hello() -> String {
    format!("{EXAMPLES}/hello/hello.js")
}

/// `jsvm replay --from FROM ARGS...`.
fn replay(from: &Path, args: &[&str]) -> Output {
    let mut all = vec!["replay", "--from", from.to_str().unwrap()];
    all.extend(args);
    jsvm(&all)
}

/// `jsvm replay --from FROM ARGS... --json`, expecting exit 0; its JSON.
fn replayed(from: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = replay(from, &all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(r["ok"], true, "{r}");
    r
}

/// `jsvm replay --from FROM --json`, expecting exit 1; its JSON and stderr.
fn differs(from: &Path, args: &[&str]) -> (Value, String) {
    let mut all = args.to_vec();
    all.push("--json");
    let out = replay(from, &all);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["ok"], false, "{r}");
    (r, stderr)
}

/// Runs a one-shot command on `chain`, expecting a receipt with `status`; returns it.
fn receipt(chain: &Chain, args: &[&str], status: &str) -> Value {
    let out = chain.run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stderr}"));
    assert_eq!(r["status"], status, "{args:?}: {r} {stderr}");
    r
}

/// A copy of the (closed) store in `from`, at `to`.
fn copy_store(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

/// A chain of seven blocks made by the one-shot commands: a deploy, an account, a transfer, calls
/// (one that fails) and a transaction of two actions. Returns the chain and the contract id.
fn cli_chain() -> (Chain, String) {
    let chain = Chain::new();
    let id = receipt(&chain, &["deploy", &hello()], "SUCCESS")["returns"][0].as_str().unwrap().to_string();
    receipt(&chain, &["call", "auth.iost", "signUp", r#"["alice","",""]"#], "SUCCESS");
    receipt(&chain, &["call", "token.iost", "transfer", r#"["iost","admin","alice","10",""]"#], "SUCCESS");
    receipt(&chain, &["call", &id, "set", r#"["hi"]"#], "SUCCESS");
    receipt(&chain, &["call", &id, "greet", r#"["bob"]"#, "--publisher", "alice"], "SUCCESS");
    receipt(&chain, &["call", &id, "greet", "[5]"], "RUNTIME_ERROR");
    let tx = chain.dir.path().join("tx.json");
    let actions = json!({"publisher": "admin", "actions": [
        {"contract": id, "actionName": "set", "data": r#"["hey"]"#},
        {"contract": "token.iost", "actionName": "transfer", "data": r#"["iost","admin","alice","5",""]"#},
    ]});
    std::fs::write(&tx, actions.to_string()).unwrap();
    receipt(&chain, &["tx", tx.to_str().unwrap()], "SUCCESS");
    (chain, id)
}

#[test]
fn a_chain_of_the_one_shot_commands_replays_sequentially_and_in_parallel_alike() {
    let (chain, id) = cli_chain();
    let before = files(&chain.data());

    let sequential = replayed(&chain.data(), &["--exec", "sequential"]);
    let parallel = replayed(&chain.data(), &["--exec", "parallel", "--workers", "4"]);
    for r in [&sequential, &parallel] {
        assert_eq!(r["blocks"], 7, "{r}");
        assert_eq!(r["txs"], 7, "{r}");
        assert!(r["seconds"].as_f64().unwrap() > 0.0, "{r}");
        assert!(r["blocks_per_s"].as_f64().unwrap() > 0.0, "{r}");
        assert!(r["tx_per_s"].as_f64().unwrap() > 0.0, "{r}");
        // The one-shot commands' genesis: admin without a key, no resource charging.
        assert_eq!(r["chain"]["admin_key"], Value::Null, "{r}");
        assert_eq!(r["chain"]["charge_resources"], false, "{r}");
        assert_eq!(r["chain"]["witnesses"], json!(["jsvm"]), "{r}");
    }
    assert_eq!(sequential["exec"], "sequential");
    assert_eq!((parallel["exec"].as_str(), parallel["workers"].as_u64()), (Some("parallel"), Some(4)));

    // Text: the figures; --data keeps the new chain, which answers as the source does.
    let kept = chain.dir.path().join("replayed");
    let out = replay(&chain.data(), &["--data", kept.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text} {}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("7 blocks, 7 txs in "), "{text}");
    assert!(text.contains(" blocks/s, ") && text.contains(" tx/s"), "{text}");
    assert!(text.contains("executions ("), "{text}");
    let query = |data: &Path| {
        let out = jsvm(&["--data", data.to_str().unwrap(), "query", &id, "greet", r#"["you"]"#]);
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(query(&kept).contains("hey, you"), "{}", query(&kept));
    assert_eq!(query(&kept), query(&chain.data()));
    // A directory that holds a chain is not written over.
    let msg = refused(replay(&chain.data(), &["--data", kept.to_str().unwrap()]));
    assert!(msg.contains("not empty"), "{msg}");

    assert!(before == files(&chain.data()), "replay changed the source directory");
}

#[test]
fn a_tampered_receipt_or_state_root_is_named_by_block_transaction_and_field() {
    let chain = Chain::new();
    let id = receipt(&chain, &["deploy", &hello()], "SUCCESS")["returns"][0].as_str().unwrap().to_string();
    let set = receipt(&chain, &["call", &id, "set", r#"["hi"]"#], "SUCCESS");
    receipt(&chain, &["call", &id, "greet", r#"["bob"]"#], "SUCCESS");
    let set_hash = set["tx_hash"].as_str().unwrap();

    // Block 2's receipt claims one gas more than its transaction uses.
    let receipt_copy = chain.dir.path().join("receipt-copy");
    copy_store(&chain.data(), &receipt_copy);
    {
        let db = rocksdb::DB::open_default(&receipt_copy).unwrap();
        let key = jsvm_state::KeySpace::Receipt.key(&bs58::decode(set_hash).into_vec().unwrap());
        let mut stored: Value = serde_json::from_slice(&db.get(&key).unwrap().unwrap()).unwrap();
        stored["gas_used"] = json!(stored["gas_used"].as_u64().unwrap() + 1);
        db.put(&key, serde_json::to_vec(&stored).unwrap()).unwrap();
    }
    let (r, stderr) = differs(&receipt_copy, &[]);
    assert_eq!((r["height"].as_u64(), r["tx_index"].as_u64()), (Some(2), Some(0)), "{r}");
    assert_eq!(r["tx_hash"], set_hash, "{r}");
    assert_eq!(r["field"], "gas_used", "{r}");
    assert_eq!(r["blocks"], 1, "{r}");
    assert!(stderr.starts_with("jsvm: block 2 differs from the recorded chain: "), "{stderr}");
    assert!(stderr.contains(set_hash) && stderr.contains("gas_used differs"), "{stderr}");

    // Block 3's record claims another state root.
    let root_copy = chain.dir.path().join("root-copy");
    copy_store(&chain.data(), &root_copy);
    {
        let db = rocksdb::DB::open_default(&root_copy).unwrap();
        let key = jsvm_state::KeySpace::Block.key(&3u64.to_be_bytes());
        let mut record: Value = serde_json::from_slice(&db.get(&key).unwrap().unwrap()).unwrap();
        record["state_root"] = json!("00".repeat(32));
        db.put(&key, serde_json::to_vec(&record).unwrap()).unwrap();
    }
    let (r, stderr) = differs(&root_copy, &["--exec", "sequential"]);
    assert_eq!(r["height"], 3, "{r}");
    assert_eq!(r["field"], "state_root", "{r}");
    assert!(stderr.starts_with("jsvm: block 3 differs"), "{stderr}");
    assert!(stderr.contains("state root differs: given 0000"), "{stderr}");
    // Without --json: nothing on stdout but the first line, the reason on stderr, exit 1.
    let out = replay(&root_copy, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("blocks/s"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("block 3 differs"));
}

/// A `jsvm node` process on a free port, killed when dropped.
struct Node {
    _process: NodeProcess,
    url: String,
}

impl Node {
    fn start(data: &Path, extra: &[&str]) -> Node {
        let process = NodeProcess::start(data, extra);
        Node { url: process.url.clone(), _process: process }
    }

    /// Sends `args` signed by `account` with `key`; expects a receipt with `status`.
    fn send(&self, account: &str, key: &Path, args: &[&str], status: &str) -> Value {
        let mut all = args.to_vec();
        all.extend(["--node", &self.url, "--account", account, "--key", key.to_str().unwrap()]);
        let out = jsvm(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let r: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stderr}"));
        assert_eq!(r["status"], status, "{args:?}: {r} {stderr}");
        r
    }
}

#[test]
fn a_node_chain_of_signed_transactions_replays_with_the_settings_it_was_made_with() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let admin = new_key(&[]);
    let admin_public = admin["public_key"].as_str().unwrap().to_string();
    let admin_file = dir.path().join("admin.json");
    std::fs::write(&admin_file, admin.to_string()).unwrap();
    let alice = new_key(&["--secp256k1"]);
    let alice_file = dir.path().join("alice.json");
    std::fs::write(&alice_file, alice.to_string()).unwrap();
    let alice_public = alice["public_key"].as_str().unwrap();

    let node = Node::start(
        &data,
        &["--admin-key", &admin_public, "--chain-id", "7", "--witness", "w7", "--exec", "parallel", "--workers", "4"],
    );
    let id =
        node.send("admin", &admin_file, &["deploy", &hello()], "SUCCESS")["returns"][0].as_str().unwrap().to_string();
    node.send("admin", &admin_file, &["call", &id, "set", r#"["hi"]"#], "SUCCESS");
    let sign_up = json!(["alice", alice_public, alice_public]).to_string();
    node.send("admin", &admin_file, &["call", "auth.iost", "signUp", &sign_up], "SUCCESS");
    let transfer = r#"["iost","admin","alice","10",""]"#;
    node.send("admin", &admin_file, &["call", "token.iost", "transfer", transfer], "SUCCESS");
    node.send("alice", &alice_file, &["call", &id, "greet", r#"["bob"]"#], "SUCCESS");
    node.send("alice", &alice_file, &["call", &id, "greet", "[5]"], "RUNTIME_ERROR");

    // While the node runs: replay reads the chain as it was when replay opened it.
    let live = replayed(&data, &["--exec", "sequential"]);
    // The genesis block and one block per transaction.
    assert_eq!((live["blocks"].as_u64(), live["txs"].as_u64()), (Some(7), Some(6)), "{live}");
    assert_eq!(live["chain"]["admin_key"], admin_public.as_str(), "{live}");
    assert_eq!(live["chain"]["chain_ids"], json!([7]), "{live}");
    assert_eq!(live["chain"]["witnesses"], json!(["w7"]), "{live}");
    let parallel = replayed(&data, &["--workers", "4"]);
    assert_eq!((parallel["blocks"].as_u64(), parallel["txs"].as_u64()), (Some(7), Some(6)), "{parallel}");
    drop(node);

    // Another genesis key or chain id than the chain's does not reproduce it.
    let (r, stderr) = differs(&data, &["--admin-key", jsvm_node::DEV_ADMIN_PUBLIC_B58]);
    assert_eq!(r["height"], 1, "{r}");
    assert_eq!(r["field"], "state_root", "{r}");
    assert!(stderr.contains("block 1 differs") && stderr.contains("--admin-key"), "{stderr}");
    let (r, stderr) = differs(&data, &["--chain-id", "1024"]);
    assert_eq!((r["height"].as_u64(), r["tx_index"].as_u64()), (Some(2), Some(0)), "{r}");
    assert_eq!(r["field"], "chain_id", "{r}");
    assert!(stderr.contains("chain id differs: signed for 7, --chain-id 1024"), "{stderr}");

    // The one-shot commands extend the node's chain once no node holds it: unsigned, witness jsvm.
    let out = jsvm(&["--data", data.to_str().unwrap(), "call", &id, "set", r#"["hey"]"#]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mixed = replayed(&data, &["--exec", "parallel", "--workers", "2"]);
    assert_eq!((mixed["blocks"].as_u64(), mixed["txs"].as_u64()), (Some(8), Some(7)), "{mixed}");
    assert_eq!(mixed["chain"]["witnesses"], json!(["w7", "jsvm"]), "{mixed}");
}

#[test]
fn blocks_of_many_transactions_replay_in_parallel_as_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = dir.path().join("admin.key");
    std::fs::write(&key, jsvm_node::DEV_ADMIN_SECRET_B58).unwrap();
    // Blocks a second apart, so that the transactions sent at once share blocks.
    let node = Node::start(&data, &["--block-time", "1000"]);
    let id = node.send("admin", &key, &["deploy", &hello()], "SUCCESS")["returns"][0].as_str().unwrap().to_string();
    // Accounts of their own (independent writes) and one contract value (every call writes it).
    let calls: Vec<Vec<String>> = (0..8)
        .map(|i| {
            vec!["call".into(), "auth.iost".into(), "signUp".into(), json!([format!("user{i}"), "", ""]).to_string()]
        })
        .chain((0..8).map(|i| vec!["call".into(), id.clone(), "set".into(), json!([format!("w{i}")]).to_string()]))
        .collect();
    std::thread::scope(|scope| {
        for args in &calls {
            let (node, key) = (&node, &key);
            scope.spawn(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                node.send("admin", key, &args, "SUCCESS");
            });
        }
    });
    drop(node);
    let sequential = replayed(&data, &["--exec", "sequential"]);
    let parallel = replayed(&data, &["--exec", "parallel", "--workers", "4"]);
    assert_eq!(sequential["txs"], 17, "{sequential}");
    assert_eq!((&parallel["blocks"], &parallel["txs"]), (&sequential["blocks"], &sequential["txs"]), "{parallel}");
    // Some block holds several transactions (the genesis block holds none).
    assert!(sequential["blocks"].as_u64().unwrap() < 18, "{sequential}");
    assert!(parallel["executions"].as_u64().unwrap() >= 17, "{parallel}");
}

#[test]
fn replay_refuses_what_it_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let msg = refused(replay(&dir.path().join("absent"), &[]));
    assert!(msg.starts_with("jsvm: --from ") && msg.contains("no such directory"), "{msg}");
    let msg = refused(replay(dir.path(), &[]));
    assert!(msg.contains("holds no jsvm store"), "{msg}");

    let chain = Chain::new();
    receipt(&chain, &["deploy", &hello()], "SUCCESS");
    let full = chain.dir.path().join("full");
    std::fs::create_dir_all(&full).unwrap();
    std::fs::write(full.join("something"), "x").unwrap();
    let msg = refused(replay(&chain.data(), &["--data", full.to_str().unwrap()]));
    assert!(msg.contains("not empty"), "{msg}");
    let msg = refused(replay(&chain.data(), &["--admin-key", "not-a-key"]));
    assert!(msg.contains("--admin-key"), "{msg}");
    for bad in [["--workers", "0"], ["--exec", "sideways"]] {
        let out = replay(&chain.data(), &bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(bad[1]), "{bad:?}");
    }
    // The node's --exec is checked the same way, before anything starts.
    let out = jsvm(&["--data", chain.data().to_str().unwrap(), "node", "--exec", "sideways"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("parallel or sequential"));
}
