//! Writes the seed corpora under `fuzz/corpus/<target>/` from the project's own signer, examples and packer:
//! `cargo run --example write_seeds` (the output is committed; rerun it only to refresh the seeds). Keys are
//! made from fixed seeds and times are fixed, so the files are the same on every run.

use std::path::{Path, PathBuf};

use jsvm_tx::{Action, Algorithm, AmountLimit, KeyPair, Tx};
use serde_json::json;

const SEP: u8 = 0xFF;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = root.join("fuzz/corpus");
    tx_seeds(&corpus);
    abi_seeds(&root, &corpus);
    compile_seeds(&root, &corpus);
    bundle_seeds(&root, &corpus);
    pack_seeds(&root, &corpus);
    records_seeds(&corpus);
    code_cache_seeds(&corpus);
    http_seeds(&corpus);
}

fn write(corpus: &Path, target: &str, name: &str, data: &[u8]) {
    let dir = corpus.join(target);
    std::fs::create_dir_all(&dir).expect("corpus directory");
    std::fs::write(dir.join(name), data).expect("corpus file");
}

fn joined(parts: &[&[u8]]) -> Vec<u8> {
    parts.join(&[SEP][..])
}

/// A token transfer by admin at a fixed time, signed by `key` unless it is `None`.
fn transfer(key: Option<&KeyPair>) -> Tx {
    let data = json!(["iost", "admin", "user0", "10", ""]).to_string();
    let mut tx = Tx::new(1_700_000_000_000_000_000, 1024, 1_000_000, vec![Action::new("token.iost", "transfer", data)]);
    tx.amount_limit = vec![AmountLimit { token: "*".into(), value: "unlimited".into() }];
    tx.signers = vec!["admin@active".into()];
    tx.publisher = "admin".into();
    if let Some(key) = key {
        tx.add_sign(key);
        tx.add_publish_sign("admin", key);
    }
    tx
}

/// What the SDK posts: the storage form with the gas figures as the user gives them.
fn sdk_body(tx: &Tx) -> String {
    let mut body = serde_json::to_value(tx).expect("a transaction serializes");
    body["gas_ratio"] = json!(tx.gas_ratio as f64 / 100.0);
    body["gas_limit"] = json!(tx.gas_limit as f64 / 100.0);
    body.to_string()
}

fn tx_seeds(corpus: &Path) {
    for (alg, name) in [(Algorithm::Ed25519, "ed25519"), (Algorithm::Secp256k1, "secp256k1")] {
        let key = KeyPair::from_seed(alg, &[7; 32]);
        let tx = transfer(Some(&key));
        write(corpus, "tx_json", &format!("sdk_{name}.json"), sdk_body(&tx).as_bytes());
        write(corpus, "tx_json", &format!("storage_{name}.json"), serde_json::to_string(&tx).unwrap().as_bytes());
        write(corpus, "tx_json", &format!("gateway_{name}.json"), tx.to_gateway_json().to_string().as_bytes());

        let hash = tx.publish_hash();
        let signature = key.sign(&hash);
        let alg_byte = [u8::from(alg == Algorithm::Secp256k1)];
        let secret = key.secret_key_b58();
        let public = key.public_key_b58();
        for (kind, text) in [("secret", &secret), ("public", &public)] {
            let seed = joined(&[&alg_byte, &signature.public_key, &signature.signature, &hash, text.as_bytes()]);
            write(corpus, "tx_bytes", &format!("{name}_{kind}.bin"), &seed);
        }
    }
    write(corpus, "tx_json", "empty_object.json", b"{}");
    write(corpus, "tx_json", "wrong_types.json", br#"{"time":"x","actions":[{"contract":1}],"gas_limit":-1e308}"#);
}

/// A seed of `abi_args`: file name, ABI JSON, method, arguments.
type AbiCase<'a> = (&'a str, &'a [u8], &'a [u8], &'a [u8]);

fn abi_seeds(root: &Path, corpus: &Path) {
    let token_abi = std::fs::read(root.join("examples/token/token.abi")).expect("token ABI");
    let every_type = br#"{"lang":"javascript","version":"1.0.0","abi":[{"name":"f","args":["string","number","bool","json"],"amountLimit":[{"token":"iost","val":"10"}]}]}"#;
    let cases: &[AbiCase] = &[
        ("token_transfer", &token_abi, b"transfer", br#"["iost","admin","user0","10"]"#),
        ("token_issue_short", &token_abi, b"issue", br#"["a"]"#),
        ("token_holders_empty", &token_abi, b"holders", b""),
        ("every_type", every_type, b"f", br#"["s",1.5e3,true,{"b":[1,{"a":null}],"a":"\ud83d\ude00"}]"#),
        ("inexact_number", every_type, b"f", br#"["s",12345678901234567890,false,[]]"#),
        ("lone_surrogate", every_type, b"f", br#"["\ud800",1,true,{}]"#),
        ("not_array", every_type, b"f", br#"{"a":1}"#),
    ];
    for (name, abi, method, args) in cases {
        write(corpus, "abi_args", &format!("{name}.bin"), &joined(&[abi, method, args]));
    }
}

fn compile_seeds(root: &Path, corpus: &Path) {
    for name in ["hello", "token"] {
        let source = std::fs::read(root.join(format!("examples/{name}/{name}.js"))).expect("example source");
        let abi = std::fs::read(root.join(format!("examples/{name}/{name}.abi"))).expect("example ABI");
        write(corpus, "compile", &format!("{name}.bin"), &joined(&[&source, &abi]));
    }
    let small: &[(&str, &str)] = &[
        ("minimal", "class C { init() {} f(a, b = 1, ...c) { return a + b; } }\nmodule.exports = C;"),
        ("loops", "class C { init() {} f(n) { let s = 0; outer: for (let i = 0; i < n; i++) { while (s < i) { s += 2; if (s > 9) continue outer; } do { s--; } while (s > 100); for (const k in {a: 1}) s += k.length; for (const v of [1, 2]) s += v; } return s; } }\nmodule.exports = C;"),
        ("closures_classes", "class A { get x() { return 1; } static y() { return [3, 1, 2].sort((a, b) => a - b); } }\nclass C { init() {} f() { try { throw new Error('e'); } catch (e) { return `${e.message}${new A().x}` + A.y().join(); } finally { } } }\nmodule.exports = C;"),
        ("regex_template", "class C { init() {} f(s) { return /a+(b|c)*/g.test(s) ? s.replace(/x/g, 'y') : `t${s}`; } }\nmodule.exports = C;"),
        ("no_export", "class C { init() {} }"),
        ("hashbang", "#!/usr/bin/env node\nclass C { init() {} }\nmodule.exports = C;"),
        ("deep_nesting", &format!("class C {{ init() {{}} f() {{ return {}1{}; }} }}\nmodule.exports = C;", "[".repeat(300), "]".repeat(300))),
    ];
    for (name, source) in small {
        write(corpus, "compile", &format!("{name}.js"), source.as_bytes());
    }
}

fn bundle_seeds(root: &Path, corpus: &Path) {
    let packed = jsvm_pack::pack_project(&root.join("examples/multi-file")).expect("the multi-file example packs");
    write(corpus, "bundle", "multi_file.json", packed.bundle.file_text().as_bytes());
    write(corpus, "bundle", "multi_file_deployed.json", packed.bundle.code().as_bytes());
    let tiny = json!({"jsvm_bundle": 1, "entry": "index.js", "modules": {
        "index.js": {"source": "const a = require('./a');\nclass C { init() {} f() { return a.x; } }\nmodule.exports = C;", "deps": {"./a": "a.js"}},
        "a.js": {"source": "exports.x = require('./index.js') ? 1 : 2;", "deps": {"./index.js": "index.js"}}
    }});
    write(corpus, "bundle", "cycle.json", tiny.to_string().as_bytes());
    write(corpus, "bundle", "bad_version.json", br#"{"jsvm_bundle":2,"entry":"x","modules":{}}"#);
    write(
        corpus,
        "bundle",
        "missing_dep.json",
        br#"{"jsvm_bundle":1,"entry":"i.js","modules":{"i.js":{"source":"require('./b')","deps":{"./b":"b.js"}}}}"#,
    );
}

fn pack_seeds(root: &Path, corpus: &Path) {
    let files: Vec<PathBuf> = [
        "examples/multi-file/src/index.js",
        "examples/multi-file/src/ledger.js",
        "examples/multi-file/src/rules/tiers.js",
        "examples/multi-file/test/loyalty.test.ts",
        "examples/hello/test/hello.test.js",
        "examples/token/token.js",
    ]
    .iter()
    .map(|f| root.join(f))
    .collect();
    for path in files {
        let source = std::fs::read(&path).expect("example source");
        let typescript = path.extension().is_some_and(|e| e == "ts");
        let name = path.file_name().unwrap().to_string_lossy().replace('.', "_");
        write(corpus, "pack_scanner", &format!("{name}.bin"), &[&[u8::from(typescript)][..], &source].concat());
    }
    let ts = "import { a, type B } from './x';\nexport interface I { f(): number }\nenum E { A = 1, B }\nexport default class C<T> implements I { private x: T[] = []; f(): number { return E.B as number; } }\nexport const y = <T,>(v: T): T => v;\n";
    write(corpus, "pack_scanner", "typescript.bin", &[b"\x01", ts.as_bytes()].concat());
    let esm = "import def, * as ns from 'storage';\nexport * from './a';\nexport { b as c } from './b';\nexport default function () { return import.meta; }\nconst r = require(`./t`);\n";
    write(corpus, "pack_scanner", "esm.bin", &[b"\x00", esm.as_bytes()].concat());
}

/// Stored records as a chain writes them: a receipt and a block record of a real call, a contract record, an
/// account with a group, the gas schedule, a value record and a map's meta (first byte: the decoder).
fn records_seeds(corpus: &Path) {
    use jsvm_runtime::layout::{MapMeta, Record};
    let chain = jsvm_test_util::Chain::open(jsvm_test_util::StoreKind::Memory, jsvm_vm::VmConfig::default())
        .expect("a chain in memory");
    let source = "class C { init() {} put(k, v) { storage.put(k, v); storage.mapPut('m', k, v); blockchain.event(k); return v; } }\nmodule.exports = C;";
    let id = chain.deploy(source, &jsvm_test_util::abi(&[("put", &["string", "string"])]));
    let receipt = chain.call(&id, "put", json!(["a", "b"]));
    let block = chain.vm.block(chain.vm.head().height).expect("the store answers").expect("the head block");
    let abi = serde_json::from_value(json!({"lang": "javascript", "version": "1.0.0", "abi": [
        {"name": "put", "args": ["string", "number"], "amountLimit": [{"token": "iost", "val": "10"}]}]}))
    .expect("an ABI");
    let contract = jsvm_runtime::ContractRecord::new(id, "admin".into(), abi, source.into(), "code".into(), 1);
    let account: jsvm_runtime::Account = serde_json::from_value(json!({"id": "alice", "permissions": {
        "owner": {"threshold": 1, "items": [{"id": "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto", "is_key_pair": true, "weight": 1}]},
        "active": {"threshold": 1, "items": [{"id": "bob", "permission": "active", "is_key_pair": false, "weight": 1}], "groups": ["g"]}},
        "groups": {"g": {"items": [{"id": "carol", "permission": "owner", "is_key_pair": false, "weight": 2}]}}}))
    .expect("an account");
    let seeds: [(&str, u8, Vec<u8>); 7] = [
        ("value_record", 0, Record { payer: "alice".into(), seq: 7, value: r#"{"a":1}"#.into() }.encode()),
        ("map_meta", 1, MapMeta { len: 3, next_seq: 9 }.encode()),
        ("contract_record", 2, json(&contract)),
        ("account", 3, json(&account)),
        ("gas_schedule", 4, json(&jsvm_vm::GasSchedule::default())),
        ("receipt", 5, json(&receipt)),
        ("block_record", 6, json(&block)),
    ];
    for (name, kind, bytes) in seeds {
        write(corpus, "records", name, &[&[kind][..], &bytes].concat());
    }
}

/// A record's JSON, as the store keeps it.
fn json(record: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(record).expect("a record serializes")
}

fn code_cache_seeds(corpus: &Path) {
    let cases: &[(&str, &[u8])] = &[
        ("intact", b"function f(){return 1}\xff"),
        ("flipped", b"\x00asm bytes\x01\x02\xff\x03\x01"),
        ("xor_zero_then_cut", b"code\xff\x00\x00\x05"),
        ("cut_only", b"abc\xff\x01"),
        ("empty", b""),
    ];
    for (name, data) in cases {
        write(corpus, "code_cache", name, data);
    }
    // A whole entry as it is stored: accepted as it is.
    write(corpus, "code_cache", "stored_entry", &jsvm_vm::code_cache::cache_entry(b"precompiled code"));
}

/// One request per route of the node (and the explorer, a WebSocket upgrade, a CORS preflight), then raw ones:
/// chunked, pipelined, an announced oversized body. `METHOD PATH 0xFF HEADERS 0xFF BODY`, METHOD as
/// jsvm_fuzz::http reads it (0 GET, 1 POST, 2 OPTIONS); a first byte of 224 sends the rest as it is.
fn http_seeds(corpus: &Path) {
    let admin = KeyPair::from_secret_b58(jsvm_node::DEV_ADMIN_SECRET_B58).expect("the development key");
    let signed_tx = transfer(Some(&admin));
    let (signed, hash) = (sdk_body(&signed_tx), signed_tx.hash_b58());
    let unsigned = sdk_body(&transfer(None));
    let request = |method: u8, path: &str, headers: &str, body: &str| {
        [&[method][..], path.as_bytes(), &[SEP], headers.as_bytes(), &[SEP], body.as_bytes()].concat()
    };
    let get = |path: &str| request(0, path, "", "");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("node_info", get("/getNodeInfo")),
        ("chain_info", get("/getChainInfo")),
        ("gas_ratio", get("/getGasRatio")),
        ("ram_info", get("/getRAMInfo")),
        ("account", get("/getAccount/admin/true")),
        ("token_balance", get("/getTokenBalance/admin/iost/true")),
        ("token_info", get("/getTokenInfo/iost/false")),
        ("contract", get("/getContract/token.iost/true")),
        ("block_by_number", get("/getBlockByNumber/0/true")),
        ("block_by_hash", get("/getBlockByHash/8xmnHkTYxTyoApkE8W4buyWGtMVyHAfXWTskyuxFxLDb/false")),
        ("receipt", get(&format!("/getTxReceiptByTxHash/{hash}"))),
        ("tx", get(&format!("/getTxByHash/{hash}"))),
        ("history", get("/jsvm/history/account/admin?limit=5")),
        ("deployment", get("/jsvm/deployment/token.iost")),
        ("tx_logs", get(&format!("/jsvm/txLogs/{hash}"))),
        ("explorer", get("/")),
        ("explorer_asset", get("/explorer/app.js")),
        ("not_found", get("/no/such/path")),
        (
            "storage",
            request(1, "/getContractStorage", "Content-Type: text/plain", r#"{"id":"token.iost","key":"TIiost","field":"","by_longest_chain":true}"#),
        ),
        ("storage_fields", request(1, "/getContractStorageFields", "", r#"{"id":"token.iost","key":"TIiost","by_longest_chain":true}"#)),
        ("storage_keys", request(1, "/jsvm/storageKeys", "", r#"{"id":"token.iost","prefix":"","limit":10}"#)),
        ("send_tx", request(1, "/sendTx", "Content-Type: application/json", &signed)),
        ("exec_tx", request(1, "/execTx", "", &unsigned)),
        ("subscribe", request(1, "/subscribe", "", r#"{"topics":["CONTRACT_RECEIPT"],"filter":{"contract_id":"token.iost"}}"#)),
        (
            "ws",
            request(
                0,
                "/ws",
                "Connection: Upgrade\nUpgrade: websocket\nSec-WebSocket-Version: 13\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                "",
            ),
        ),
        ("cors_preflight", request(2, "/sendTx", "Origin: http://example.com\nAccess-Control-Request-Method: POST", "")),
        (
            "raw_chunked",
            [&[224u8][..], b"POST /sendTx HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n0\r\n\r\n"].concat(),
        ),
        (
            "raw_pipelined",
            [&[224u8][..], b"GET /getChainInfo HTTP/1.1\r\nHost: x\r\n\r\nGET /getGasRatio HTTP/1.1\r\nHost: x\r\n\r\n"].concat(),
        ),
        (
            "raw_oversized",
            [&[224u8][..], b"POST /sendTx HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{}"].concat(),
        ),
    ];
    for (name, data) in cases {
        write(corpus, "http", name, &data);
    }
}
