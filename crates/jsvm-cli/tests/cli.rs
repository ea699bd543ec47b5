//! The `jsvm` binary as a user runs it: receipts on stdout, exit codes,
//! persistence across processes, and refusal of bad input with nothing written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        Cli { dir: tempfile::tempdir().unwrap() }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn raw(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_jsvm")).arg("--data").arg(self.data()).args(args).output().unwrap()
    }

    /// Runs and expects one JSON receipt on stdout, with exit 0 if it is a success, else 1.
    fn receipt(&self, args: &[&str]) -> Value {
        let out = self.raw(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let r: Value = serde_json::from_str(stdout.trim().lines().last().unwrap()).unwrap();
        let want = if r["status"] == "SUCCESS" { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(want), "{args:?}: {r} {stderr}");
        r
    }

    /// Runs and expects exit 2 with a message; returns the message.
    fn refused(&self, args: &[&str]) -> String {
        let out = self.raw(args);
        assert_eq!(out.status.code(), Some(2), "{args:?} should be refused");
        let msg = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(msg.starts_with("jsvm: "), "{msg}");
        assert!(out.stdout.is_empty());
        msg
    }

    fn deploy_hello(&self) -> String {
        let js = format!("{EXAMPLES}/hello/hello.js");
        let r = self.receipt(&["deploy", &js]);
        assert_eq!(r["status"], "SUCCESS", "{r}");
        r["returns"][0].as_str().unwrap().to_string()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }
}

fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().to_string_lossy().into_owned(), e.metadata().unwrap().len())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn deploy_call_and_query_across_processes() {
    let cli = Cli::new();
    let id = cli.deploy_hello();
    let r = cli.receipt(&["call", &id, "greet", r#"["world"]"#]);
    for field in [
        "tx_hash",
        "block",
        "status",
        "status_code",
        "message",
        "gas_used",
        "ram_usage",
        "returns",
        "receipts",
        "events",
    ] {
        assert!(r.get(field).is_some(), "receipt lacks {field}: {r}");
    }
    assert_eq!(r["returns"], json!(["hello, world"]));
    assert_eq!(r["status_code"], 0);
    cli.receipt(&["call", &id, "set", r#"["hi"]"#]);
    let q = cli.receipt(&["query", &id, "greet", r#"["you"]"#]);
    assert_eq!(q["returns"], json!(["hi, you"]));
    assert!(q.get("tx_hash").is_none() && q.get("block").is_none(), "a query commits nothing: {q}");
    let out = cli.raw(&["state", "get", &id, "greeting"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), r#""hi""#);
    let out = cli.raw(&["state", "get", &id, "missing"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "null");
    let tx_hash = r["tx_hash"].as_str().unwrap();
    let again = cli.receipt(&["receipt", tx_hash]);
    assert_eq!(again, r);
}

#[test]
fn failures_are_receipts_with_exit_one() {
    let cli = Cli::new();
    let id = cli.deploy_hello();
    let out = cli.raw(&["call", &id, "greet", "[5]"]);
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["status"], "RUNTIME_ERROR");
    assert_eq!(r["status_code"], 4);
    assert!(r["message"].as_str().unwrap().contains("argument 1"), "{r}");
    let r = cli.receipt(&["call", &id, "greet", r#"["x"]"#, "--gas-limit", "50"]);
    assert_eq!(r["status"], "GAS_RUN_OUT");
}

#[test]
fn a_multi_action_transaction_file_is_all_or_nothing() {
    let cli = Cli::new();
    let id = cli.deploy_hello();
    let tx = json!({
        "actions": [
            {"contract": id, "actionName": "set", "data": r#"["first"]"#},
            {"contract": id, "actionName": "greet", "data": "[1]"}
        ],
        "publisher": "admin", "signers": [], "gas_limit": 1_000_000
    });
    let f = cli.write("tx.json", &tx.to_string());
    let r = cli.receipt(&["tx", &f]);
    assert_eq!(r["status"], "RUNTIME_ERROR");
    assert!(r["message"].as_str().unwrap().contains("action #1"), "{r}");
    assert_eq!(cli.receipt(&["query", &id, "greet", r#"["x"]"#])["returns"], json!(["hello, x"]));
    let ok = json!({"actions": [
        {"contract": id, "actionName": "set", "data": r#"["hey"]"#},
        {"contract": id, "actionName": "greet", "data": r#"["y"]"#}
    ], "publisher": "admin"});
    let f = cli.write("ok.json", &ok.to_string());
    assert_eq!(cli.receipt(&["tx", &f])["returns"], json!(["", "hey, y"]));
}

#[test]
fn bad_command_lines_exit_2_and_write_nothing() {
    let cli = Cli::new();
    let id = cli.deploy_hello();
    let before = listing(&cli.data());
    cli.refused(&["call", &id, "greet", r#"["unterminated"#]);
    cli.refused(&["deploy", "/no/such/file.js"]);
    let js = cli.write("x.js", "class X { init() {} }\nmodule.exports = X;");
    cli.write("x.abi", "{ not json");
    cli.refused(&["deploy", &js]);
    let bad_tx = cli.write("bad.json", r#"{"actions": "nope"}"#);
    cli.refused(&["tx", &bad_tx]);
    let unknown = cli.write("unknown.json", r#"{"actions": [], "publisher": "admin"}"#);
    cli.refused(&["tx", &unknown]);
    cli.refused(&["call", &id, "greet", r#"["a"]"#, "--signer", "nobody"]);
    let out = cli.raw(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    // RocksDB may rotate its own LOG files on open; our data files stay as they were.
    let data_files = |l: Vec<(String, u64)>| {
        l.into_iter().filter(|(n, _)| n.ends_with(".sst") || n.starts_with("CURRENT")).collect::<Vec<_>>()
    };
    assert_eq!(data_files(listing(&cli.data())), data_files(before));
    // No block was committed: the next transaction's is the one after the deploy's.
    assert_eq!(cli.receipt(&["call", &id, "greet", r#"["a"]"#])["block"], 2);
}

#[test]
fn foreign_and_corrupt_data_directories_are_refused() {
    let cli = Cli::new();
    std::fs::create_dir_all(cli.data()).unwrap();
    std::fs::write(cli.data().join("thesis.txt"), "precious").unwrap();
    let js = format!("{EXAMPLES}/hello/hello.js");
    let msg = cli.refused(&["deploy", &js]);
    assert!(msg.contains("not a jsvm data directory"), "{msg}");
    assert_eq!(listing(&cli.data()), vec![("thesis.txt".to_string(), 8)]);

    let cli = Cli::new();
    cli.deploy_hello();
    std::fs::write(cli.data().join("CURRENT"), "garbage\n").unwrap();
    let msg = cli.refused(&["deploy", &js]);
    assert!(msg.contains("corrupt"), "{msg}");
    let msg = cli.refused(&["query", "Contract1", "greet", "[]"]);
    assert!(msg.contains("corrupt"), "{msg}");
}

#[test]
fn query_on_an_empty_data_directory_is_a_clear_error() {
    let cli = Cli::new();
    let msg = cli.refused(&["query", "Contract1", "greet", "[]"]);
    assert!(msg.contains("deploy"), "{msg}");
    assert!(!cli.data().exists(), "a query creates nothing");
}

#[test]
fn data_dir_defaults_to_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let js = format!("{EXAMPLES}/hello/hello.js");
    let out = Command::new(env!("CARGO_BIN_EXE_jsvm"))
        .env("JSVM_DATA", dir.path().join("env-data"))
        .args(["deploy", &js])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("env-data").join("CURRENT").exists());
}

#[test]
fn update_through_the_cli() {
    let cli = Cli::new();
    let src = "class U { init() {} v() { return 1; } can_update(d) { return d === 'ok'; } }\nmodule.exports = U;";
    let abi = r#"{"lang":"javascript","version":"1.0.0","abi":[{"name":"v","args":[]},{"name":"can_update","args":["string"]}]}"#;
    let js = cli.write("u.js", src);
    cli.write("u.abi", abi);
    let id = cli.receipt(&["deploy", &js])["returns"][0].as_str().unwrap().to_string();
    let js2 = cli.write("u2.js", &src.replace("return 1;", "return 2;"));
    cli.write("u2.abi", abi);
    let r = cli.receipt(&["update", &id, &js2, "--update-data", "no"]);
    assert_eq!(r["status"], "RUNTIME_ERROR");
    let r = cli.receipt(&["update", &id, &js2, "--update-data", "ok"]);
    assert_eq!(r["status"], "SUCCESS", "{r}");
    assert_eq!(cli.receipt(&["call", &id, "v"])["returns"], json!(["2"]));
}

#[test]
fn the_demo_runs() {
    let out = Command::new(env!("CARGO_BIN_EXE_jsvm")).arg("demo").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("balanceOf(alice) = 750"), "{text}");
    assert!(text.contains("balanceOf(bob) = 250"), "{text}");
    assert!(text.contains("balanceOf(carol) = 0"), "{text}");
}

/// Runs `jsvm pack` and returns its JSON summary.
fn pack(cli: &Cli, dir: &str, out: &str) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_jsvm")).args(["pack", dir, "-o", out]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "pack {dir}: {}", String::from_utf8_lossy(&o.stderr));
    let _ = cli;
    serde_json::from_str(String::from_utf8(o.stdout).unwrap().trim()).unwrap()
}

#[test]
fn pack_and_deploy_the_multi_file_example_as_the_docs_show() {
    let cli = Cli::new();
    let project = format!("{EXAMPLES}/multi-file");
    let first = cli.dir.path().join("a.bundle.json").to_string_lossy().into_owned();
    let second = cli.dir.path().join("b.bundle.json").to_string_lossy().into_owned();
    let summary = pack(&cli, &project, &first);
    assert_eq!(summary["entry"], "src/index.js");
    assert_eq!(summary["abi_generated"], true);
    assert_eq!(summary["modules"].as_array().unwrap().len(), 9, "{summary}");
    assert!(!summary["modules"].to_string().contains("scripts/seed.js"), "unreachable files stay out");
    // Deterministic: the same project gives the same bytes and code hash.
    let again = pack(&cli, &project, &second);
    assert_eq!(std::fs::read(&first).unwrap(), std::fs::read(&second).unwrap());
    assert_eq!(summary["code_hash"], again["code_hash"]);

    // Deploy the bundle file, and the directory itself.
    let r = cli.receipt(&["deploy", &first]);
    assert_eq!(r["status"], "SUCCESS", "{r}");
    let id = r["returns"][0].as_str().unwrap().to_string();
    let r = cli.receipt(&["deploy", &project]);
    assert_eq!(r["status"], "SUCCESS", "{r}");

    let r = cli.receipt(&["call", &id, "earn", r#"["alice", "120.00"]"#]);
    assert_eq!(r["returns"], json!(["120.00"]), "{r}");
    let r = cli.receipt(&["call", &id, "earn", r#"["alice", "10"]"#]);
    assert_eq!(r["returns"], json!(["11.00"]), "silver tier bonus: {r}");
    assert_eq!(cli.receipt(&["query", &id, "tierOf", r#"["alice"]"#])["returns"], json!(["silver"]));
    assert_eq!(cli.receipt(&["query", &id, "balanceOf", r#"["alice"]"#])["returns"], json!(["131.00"]));
    let out = cli.raw(&["call", &id, "redeem", r#"["alice", "500"]"#, "--signer", "alice@active"]);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["status"], "RUNTIME_ERROR");
    let message = r["message"].as_str().unwrap();
    assert!(message.ends_with("Uncaught exception: Error: cannot redeem 500: alice has 131.00"), "{message}");
    // The receipt says what every engine says alike; the node's log (stderr) names the
    // author's files and lines.
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("src/ledger.js:27"), "errors name the author's file and line: {log}");
    assert!(log.contains("src/index.js:38"), "{log}");
}

#[test]
fn pack_errors_exit_2_with_file_and_line() {
    let cli = Cli::new();
    let dir = cli.dir.path().join("proj");
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(dir.join("index.js"), "const h = require('./lib/h');\nclass C { init() {} }\nmodule.exports = C;\n")
        .unwrap();
    std::fs::write(dir.join("lib/h.js"), "// helper\nconst os = require('os');\n").unwrap();
    let d = dir.to_string_lossy().into_owned();
    let msg = cli.refused(&["pack", &d]);
    assert!(msg.contains("lib/h.js:2:20: Node built-in module 'os'"), "{msg}");
    let msg = cli.refused(&["deploy", &d]);
    assert!(msg.contains("lib/h.js:2:20"), "{msg}");
    cli.refused(&["pack", "/no/such/project"]);
    // A bundle without an ABI needs --abi.
    let bundle = cli.write("b.json", r#"{"jsvm_bundle": 1, "entry": "a.js", "modules": {"a.js": {"source": "class A { init() {} }\nmodule.exports = A;"}}}"#);
    let msg = cli.refused(&["deploy", &bundle]);
    assert!(msg.contains("--abi"), "{msg}");
    assert!(!cli.data().exists(), "nothing was written");
}

#[test]
fn a_missing_npm_is_a_clear_error() {
    let cli = Cli::new();
    let dir = cli.dir.path().join("needs-npm");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("package.json"), r#"{"main": "index.js", "dependencies": {"left-pad": "1.3.0"}}"#).unwrap();
    std::fs::write(
        dir.join("index.js"),
        "const pad = require('left-pad');\nclass C { init() {} }\nmodule.exports = C;\n",
    )
    .unwrap();
    let empty = cli.dir.path().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jsvm"))
        .env("PATH", &empty)
        .args(["pack", &dir.to_string_lossy()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("npm cannot be run"), "{msg}");
    assert!(msg.contains("node_modules"), "{msg}");
}

#[test]
fn update_takes_a_project_directory() {
    let cli = Cli::new();
    let make = |name: &str, value: &str| {
        let dir = cli.dir.path().join(name);
        std::fs::create_dir_all(dir.join("lib")).unwrap();
        std::fs::write(dir.join("lib/value.ts"), format!("export const value: string = \"{value}\";\n")).unwrap();
        std::fs::write(
            dir.join("index.ts"),
            "import { value } from './lib/value';\nexport default class U {\n    init(): void {}\n    \
             v(): string { return value; }\n    can_update(data: string): boolean { return data === 'ok'; }\n}\n",
        )
        .unwrap();
        dir.to_string_lossy().into_owned()
    };
    let one = make("one", "first");
    let two = make("two", "second");
    let id = cli.receipt(&["deploy", &one])["returns"][0].as_str().unwrap().to_string();
    assert_eq!(cli.receipt(&["query", &id, "v"])["returns"], json!(["first"]));
    let r = cli.receipt(&["update", &id, &two, "--update-data", "ok"]);
    assert_eq!(r["status"], "SUCCESS", "{r}");
    assert_eq!(cli.receipt(&["query", &id, "v"])["returns"], json!(["second"]));
}

#[test]
fn a_failing_npm_is_a_clear_error() {
    let cli = Cli::new();
    let dir = cli.dir.path().join("offline");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("package.json"), r#"{"dependencies": {"left-pad": "1.3.0"}}"#).unwrap();
    std::fs::write(dir.join("index.js"), "class C { init() {} }\nmodule.exports = C;\n").unwrap();
    // A stand-in npm that fails the way an offline one does.
    let bin = cli.dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let npm = bin.join("npm");
    std::fs::write(
        &npm,
        "#!/bin/sh\necho 'npm error code ENOTFOUND' >&2\necho 'npm error network request failed' >&2\nexit 1\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&npm, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_jsvm"))
        .env("PATH", &bin)
        .args(["pack", &dir.to_string_lossy()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("installing the dependencies with npm"), "{msg}");
    assert!(msg.contains("npm install --omit=dev --ignore-scripts --no-audit --no-fund failed"), "{msg}");
    assert!(msg.contains("ENOTFOUND"), "{msg}");
    assert!(!dir.join("contract.bundle.json").exists());
}
