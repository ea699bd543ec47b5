//! The CLI in scripts: exit codes (0 success, 1 a transaction that did not succeed, 2 could not
//! run), a closed stdout, the one amount-limit default, publishers that must be accounts, how much
//! gas a transaction that ran out needed, `demo --data`, and help that describes every argument.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use serde_json::{json, Value};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

use common::Chain;

impl Chain {
    /// Runs and expects exit `code` with a receipt on stdout's last line.
    fn receipt(&self, code: i32, args: &[&str]) -> (Value, String) {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        (serde_json::from_str(stdout.trim().lines().last().unwrap()).unwrap(), stderr)
    }

    fn deploy_hello(&self) -> String {
        let (r, _) = self.receipt(0, &["deploy", &format!("{EXAMPLES}/hello/hello.js")]);
        r["returns"][0].as_str().unwrap().to_string()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }
}

#[test]
fn exit_codes_say_whether_the_transaction_succeeded() {
    let chain = Chain::new();
    let id = chain.deploy_hello();
    let (ok, _) = chain.receipt(0, &["call", &id, "greet", r#"["a"]"#]);
    assert_eq!(ok["status"], "SUCCESS");
    let (failed, _) = chain.receipt(1, &["call", &id, "greet", "[5]"]);
    assert_eq!(failed["status"], "RUNTIME_ERROR");
    // A stored receipt and a query say the same.
    chain.receipt(1, &["receipt", failed["tx_hash"].as_str().unwrap()]);
    chain.receipt(0, &["receipt", ok["tx_hash"].as_str().unwrap()]);
    let (q, _) = chain.receipt(1, &["query", &id, "greet", "[5]"]);
    assert_eq!(q["status"], "RUNTIME_ERROR");
    let f = chain.write(
        "tx.json",
        &json!({"actions": [{"contract": id, "actionName": "greet", "data": "[5]"}], "publisher": "admin"}).to_string(),
    );
    chain.receipt(1, &["tx", &f]);
    // Could not run: nothing on stdout, the reason on stderr.
    let msg = common::refused(chain.run(&["receipt", "NoSuchTransaction"]));
    assert!(msg.contains("no committed transaction NoSuchTransaction"), "{msg}");
    common::refused(chain.run(&["call", &id, "greet", "not json"]));
}

/// Runs `jsvm ARGS` with its stdout closed before it writes anything.
fn with_stdout_closed(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jsvm"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (child.wait().unwrap().code(), stderr)
}

#[test]
fn a_closed_stdout_ends_quietly_with_the_commands_exit_code() {
    let (code, stderr) = with_stdout_closed(&["demo"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let chain = Chain::new();
    let data = chain.data();
    let js = format!("{EXAMPLES}/hello/hello.js");
    let (code, stderr) = with_stdout_closed(&["--data", data.to_str().unwrap(), "deploy", &js]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    // The transaction was committed all the same.
    let contracts = chain.run(&["contracts"]);
    assert_eq!(String::from_utf8_lossy(&contracts.stdout).lines().count(), 1);
    let (code, _) = with_stdout_closed(&["--data", data.to_str().unwrap(), "call", "nothing", "x"]);
    assert_eq!(code, Some(1));
}

#[test]
fn call_and_tx_files_share_the_amount_limit_default() {
    let chain = Chain::new();
    chain.deploy_hello();
    chain.receipt(0, &["call", "auth.iost", "signUp", r#"["alice","",""]"#]);
    let pay = |limit: Option<Value>| {
        let mut tx = json!({"actions": [{"contract": "token.iost", "actionName": "transfer",
            "data": r#"["iost","admin","alice","10",""]"#}], "publisher": "admin"});
        if let Some(limit) = limit {
            tx["amount_limit"] = limit;
        }
        chain.write("pay.json", &tx.to_string())
    };
    // Without amount_limit, anything may leave, as with `call`.
    let (r, _) = chain.receipt(0, &["tx", &pay(None)]);
    assert_eq!(r["status"], "SUCCESS", "{r}");
    let (r, _) = chain.receipt(0, &["call", "token.iost", "transfer", r#"["iost","admin","alice","10",""]"#]);
    assert_eq!(r["status"], "SUCCESS", "{r}");
    // An explicit limit still binds.
    let (r, _) = chain.receipt(1, &["tx", &pay(Some(json!([])))]);
    assert!(r["message"].as_str().unwrap().contains("exceed amountLimit"), "{r}");
    let (r, _) = chain.receipt(
        1,
        &["call", "token.iost", "transfer", r#"["iost","admin","alice","10",""]"#, "--amount-limit", "iost:5"],
    );
    assert!(r["message"].as_str().unwrap().contains("exceed amountLimit"), "{r}");
    let (r, _) = chain.receipt(0, &["query", "token.iost", "balanceOf", r#"["iost","alice"]"#]);
    assert_eq!(r["returns"], json!(["20"]), "{r}");
}

#[test]
fn a_publisher_that_is_not_an_account_is_refused() {
    let chain = Chain::new();
    let js = format!("{EXAMPLES}/hello/hello.js");
    let msg = common::refused(chain.run(&["deploy", &js, "--publisher", "bob"]));
    assert!(msg.contains("the publisher bob is not an account on this chain"), "{msg}");
    assert!(!chain.data().exists(), "nothing was written");
    let id = chain.deploy_hello();
    let msg = common::refused(chain.run(&["call", &id, "greet", r#"["a"]"#, "--publisher", "nobody"]));
    assert!(msg.contains("the publisher nobody is not an account") && msg.contains("signUp"), "{msg}");
    common::refused(chain.run(&["query", &id, "greet", r#"["a"]"#, "--publisher", "nobody"]));
    let f = chain.write(
        "tx.json",
        &json!({"actions": [{"contract": id, "actionName": "greet", "data": "[\"a\"]"}], "publisher": "carol"})
            .to_string(),
    );
    let msg = common::refused(chain.run(&["tx", &f]));
    assert!(msg.contains("the publisher carol is not an account"), "{msg}");
    chain.receipt(0, &["call", "auth.iost", "signUp", r#"["bob","",""]"#]);
    chain.receipt(0, &["call", &id, "greet", r#"["a"]"#, "--publisher", "bob"]);
}

/// The gas figure in `jsvm: out of gas: the transaction needs N gas; …`.
fn needed(stderr: &str) -> u64 {
    let rest = stderr.split("the transaction needs ").nth(1).unwrap_or_else(|| panic!("{stderr}"));
    rest.split(' ').next().unwrap().replace(',', "").parse().unwrap()
}

#[test]
fn running_out_of_gas_says_how_much_was_needed() {
    let chain = Chain::new();
    let js = format!("{EXAMPLES}/hello/hello.js");
    let (r, stderr) = chain.receipt(1, &["deploy", &js, "--gas-limit", "20000"]);
    assert_eq!(r["status"], "GAS_RUN_OUT");
    assert!(stderr.contains("; the limit was 20,000 (--gas-limit sets it)"), "{stderr}");
    let need = needed(&stderr);
    assert!(need > 20_000, "{stderr}");
    // What the dry run measured is enough.
    let (r, _) = chain.receipt(0, &["deploy", &js, "--gas-limit", &need.to_string()]);
    let id = r["returns"][0].as_str().unwrap().to_string();
    let (_, stderr) = chain.receipt(1, &["call", &id, "greet", r#"["x"]"#, "--gas-limit", "50"]);
    let need = needed(&stderr);
    chain.receipt(0, &["call", &id, "greet", r#"["x"]"#, "--gas-limit", &need.to_string()]);
    // More than any transaction may have.
    let src = "class Spin { init() {} spin() { let i = 0; while (true) { i++; } } }\nmodule.exports = Spin;";
    let spin = chain.write("spin.js", src);
    chain.write("spin.abi", r#"{"lang":"javascript","version":"1.0.0","abi":[{"name":"spin","args":[]}]}"#);
    let (r, _) = chain.receipt(0, &["deploy", &spin]);
    let id = r["returns"][0].as_str().unwrap().to_string();
    let (_, stderr) = chain.receipt(1, &["call", &id, "spin"]);
    assert!(
        stderr.contains("needs more than 40,000,000 gas; the limit was 4,000,000")
            || stderr.contains("with more gas the transaction fails after"),
        "{stderr}"
    );
}

#[test]
fn demo_keeps_its_chain_in_the_data_directory_given() {
    let chain = Chain::new();
    let out = chain.run(&["demo"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let contracts = chain.run(&["contracts"]);
    let listed: Value = serde_json::from_slice(&contracts.stdout).unwrap();
    assert_eq!(listed["methods"], json!(["can_update", "issue", "transfer", "balanceOf", "holders"]));
    let msg = common::refused(chain.run(&["demo"]));
    assert!(msg.contains("the demo makes a new chain, and this directory is not empty"), "{msg}");
}

#[test]
fn help_describes_every_argument() {
    let help = |args: &[&str]| {
        let out = common::jsvm(args);
        assert_eq!(out.status.code(), Some(0));
        // Columns vary with the longest name: compare words.
        String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let text = help(&["call", "--help"]);
    for want in ["<CONTRACT> The contract's id", "<METHOD> The method to run", "[ARGS_JSON] Arguments"] {
        assert!(text.contains(want), "{want}: {text}");
    }
    let text = help(&["tx", "--help"]);
    assert!(text.contains("\"actionName\"") && text.contains("amount_limit"), "{text}");
    let text = help(&["state", "get", "--help"]);
    assert!(text.contains("<KEY> The storage key") && text.contains("[FIELD] The map field"), "{text}");
    let text = help(&["update", "--help"]);
    assert!(text.contains("<CONTRACT> The id of the contract"), "{text}");
    let text = help(&["--help"]);
    assert!(text.contains("Exit codes: 0"), "{text}");
}

#[test]
fn deploy_errors_on_stderr_name_the_authors_file() {
    let chain = Chain::new();
    let abi = r#"{"lang":"javascript","version":"1.0.0","abi":[{"name":"f","args":[]}]}"#;
    chain.write("broken.abi", abi);
    let broken =
        chain.write("broken.js", "class A {\n  init() {}\n  f() { return 1; }\n}\nfoo(;\nmodule.exports = A;\n");
    let (r, stderr) = chain.receipt(1, &["deploy", &broken]);
    // The receipt is the chain's: the code is named after the contract.
    let chain_name = format!("Contract{}.js:5:5", r["tx_hash"].as_str().unwrap());
    assert!(r["message"].as_str().unwrap().contains(&chain_name), "{r}");
    // stderr says it again in the author's terms.
    assert!(stderr.contains(&format!("validate code error: {broken}:5:5: syntax error")), "{stderr}");
    assert!(!stderr.contains(&chain_name), "{stderr}");

    chain.write("throws.abi", abi);
    let throws = chain.write(
        "throws.js",
        "class A {\n  init() { const o = undefined; return o.owner; }\n  f() { return 1; }\n}\nmodule.exports = A;\n",
    );
    let (r, stderr) = chain.receipt(1, &["deploy", &throws]);
    assert_eq!(r["message"], "running action #0 system.iost.setCode: Uncaught exception: TypeError: cannot read a property of undefined or null");
    // The log keeps the engine's own words (which differ: QuickJS's here, V8's "Cannot read
    // properties of undefined (reading 'owner')") and the author's position.
    assert!(stderr.contains("'owner'"), "{stderr}");
    assert!(stderr.contains(&format!("at init ({throws}:2:")), "{stderr}");
}
