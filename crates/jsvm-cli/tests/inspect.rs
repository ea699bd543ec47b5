//! The inspect commands on a chain made through the CLI: `contracts`, `accounts`, `account NAME`,
//! `abi ID [--source]` and `events`, each printing JSON (one object, or one a line).

mod common;

use serde_json::{json, Value};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

use common::Chain;

impl Chain {
    /// Runs, expects exit 0, and parses each line of stdout as JSON.
    fn lines(&self, args: &[&str]) -> Vec<Value> {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    /// Runs a transaction that must succeed; returns its receipt.
    fn ok(&self, args: &[&str]) -> Value {
        let r = self.lines(args).pop().unwrap();
        assert_eq!(r["status"], "SUCCESS", "{args:?}: {r}");
        r
    }
}

/// A chain with the token example (two `issue` events, to alice and later to bob, in blocks apart)
/// and alice made with a key.
fn token_chain() -> (Chain, String, Value, Value, String) {
    let chain = Chain::new();
    let token =
        chain.ok(&["deploy", &format!("{EXAMPLES}/token/token.js")])["returns"][0].as_str().unwrap().to_string();
    let issue = chain.ok(&["call", &token, "issue", r#"["alice", "1000"]"#]);
    let key = common::new_key(&[])["public_key"].as_str().unwrap().to_string();
    chain.ok(&["call", "auth.iost", "signUp", &json!(["alice", key, key]).to_string()]);
    chain.ok(&["call", "token.iost", "transfer", r#"["iost","admin","alice","10.5",""]"#]);
    let later = chain.ok(&["call", &token, "issue", r#"["bob", "250"]"#]);
    (chain, token, issue, later, key)
}

#[test]
fn contracts_accounts_and_an_account() {
    let (chain, token, _, _, key) = token_chain();
    let multi = chain.ok(&["deploy", &format!("{EXAMPLES}/multi-file")])["returns"][0].as_str().unwrap().to_string();
    let mut contracts = chain.lines(&["contracts"]);
    assert_eq!(contracts.len(), 2, "{contracts:?}");
    contracts.retain(|c| c["id"] == token);
    let c = &contracts[0];
    assert_eq!(c["owner"], "admin");
    assert_eq!(c["language"], "javascript");
    assert_eq!(c["methods"], json!(["can_update", "issue", "transfer", "balanceOf", "holders"]));
    let source = std::fs::read_to_string(format!("{EXAMPLES}/token/token.js")).unwrap();
    assert_eq!(c["source_bytes"], source.len());
    assert!(c["code_bytes"].as_u64().unwrap() > source.len() as u64, "metered code is longer: {c}");
    assert!(chain.lines(&["contracts"]).iter().any(|c| c["id"] == multi));

    assert_eq!(chain.lines(&["accounts"]), vec![json!({"name": "admin"}), json!({"name": "alice"})]);
    let alice = chain.lines(&["account", "alice"]).pop().unwrap();
    assert_eq!(alice["name"], "alice");
    assert_eq!(alice["balances"]["iost"]["balance_string"], "10.5");
    for perm in ["owner", "active"] {
        let p = &alice["permissions"][perm];
        assert_eq!(p["threshold"], "100", "{alice}");
        assert_eq!(p["items"], json!([{"id": key, "is_key_pair": true, "permission": "", "weight": "100"}]));
    }
    let msg = common::refused(chain.run(&["account", "nobody"]));
    assert!(msg.contains("no account nobody"), "{msg}");
}

#[test]
fn abi_and_source_of_a_file_a_project_and_a_native_contract() {
    let (chain, token, _, _, _) = token_chain();
    let shown = chain.lines(&["abi", &token]).pop().unwrap();
    let abi: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{EXAMPLES}/token/token.abi")).unwrap()).unwrap();
    let names = |methods: &Value| methods.as_array().unwrap().iter().map(|m| m["name"].clone()).collect::<Vec<_>>();
    assert_eq!(names(&shown["abi"]), names(&abi["abi"]));
    assert_eq!(shown["abi"][1], json!({"name": "issue", "args": ["string", "string"], "amount_limit": []}));
    assert!(shown.get("source").is_none(), "{shown}");
    let with_source = chain.lines(&["abi", &token, "--source"]).pop().unwrap();
    let source = std::fs::read_to_string(format!("{EXAMPLES}/token/token.js")).unwrap();
    assert_eq!(with_source["source"], source);

    let multi = chain.ok(&["deploy", &format!("{EXAMPLES}/multi-file")])["returns"][0].as_str().unwrap().to_string();
    let shown = chain.lines(&["abi", &multi]).pop().unwrap();
    assert_eq!(shown["entry"], "src/index.js");
    let modules = shown["modules"].as_array().unwrap();
    assert_eq!(modules.len(), 9, "{shown}");
    assert!(modules.iter().any(|m| m["id"] == "src/ledger.js" && m["bytes"].as_u64().unwrap() > 0), "{shown}");
    assert!(modules.iter().all(|m| m.get("source").is_none()));
    let with_source = chain.lines(&["abi", &multi, "--source"]).pop().unwrap();
    let ledger = with_source["modules"].as_array().unwrap().iter().find(|m| m["id"] == "src/ledger.js").unwrap();
    assert!(ledger["source"].as_str().unwrap().contains("cannot redeem"), "{ledger}");
    assert_eq!(ledger["bytes"], ledger["source"].as_str().unwrap().len());

    let native = chain.lines(&["abi", "token.iost"]).pop().unwrap();
    assert_eq!(native["language"], "native");
    assert!(names(&native["abi"]).contains(&json!("transfer")), "{native}");
    let msg = common::refused(chain.run(&["abi", "ContractNope"]));
    assert!(msg.contains("no contract ContractNope"), "{msg}");
}

#[test]
fn events_across_blocks_in_chain_order_and_filtered() {
    let (chain, token, issue, later, _) = token_chain();
    let (first_in, later_in) = (issue["block"].as_u64().unwrap(), later["block"].as_u64().unwrap());
    assert!(later_in > first_in + 1, "blocks without events lie between");
    let all = chain.lines(&["events"]);
    let want = |r: &Value| {
        let e = &r["events"][0];
        json!({"block": r["block"], "tx_hash": r["tx_hash"], "contract": e["contract"], "content": e["content"]})
    };
    assert_eq!(all, vec![want(&issue), want(&later)]);
    assert_eq!(all[0]["contract"], token);
    assert_eq!(all[1]["content"], r#"{"issue":{"to":"bob","amount":"250"}}"#);
    assert_eq!(chain.lines(&["events", "--contract", &token]), all);
    assert!(chain.lines(&["events", "--contract", "token.iost"]).is_empty());
    let from = later_in.to_string();
    assert_eq!(chain.lines(&["events", "--from", &from]), vec![want(&later)]);
    let to = first_in.to_string();
    assert_eq!(chain.lines(&["events", "--to", &to]), vec![want(&issue)]);
    assert!(chain.lines(&["events", "--from", "1000"]).is_empty());
}

#[test]
fn inspecting_an_empty_data_directory_is_a_clear_error() {
    let chain = Chain::new();
    for args in [&["contracts"][..], &["accounts"], &["account", "admin"], &["abi", "token.iost"], &["events"]] {
        let msg = common::refused(chain.run(args));
        assert!(msg.contains("deploy"), "{args:?}: {msg}");
    }
    assert!(!chain.data().exists(), "inspecting creates nothing");
}
