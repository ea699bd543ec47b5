//! Code and the code cache: contracts of the same code share compiled code and nothing else,
//! an update changes only the contract updated, a bundle cannot write code through its module
//! ids or requests, and a corrupt cache entry is rebuilt, never run.

use std::sync::Arc;

use jsvm_engine::{new_engine, EngineKind};
use jsvm_runtime::{layout::contract_key, ContractRecord};
use jsvm_state::{MemStore, Store};
use jsvm_test_util::{abi, action, set_code, Chain};
use jsvm_vm::code_cache::verified_entry;
use jsvm_vm::{contract_json, Action, Receipt, Status, Transaction, VmConfig, VmManager};
use serde_json::json;

use crate::{chain, deploy, returned, source_with};

const KEEPER: &str = r#"
    set(v) { storage.put("v", v); return blockchain.contractName(); }
    get() { return storage.get("v"); }
"#;

#[test]
fn contracts_of_the_same_code_share_nothing_but_the_code() {
    let c = chain();
    let methods: &[(&str, &[&str])] = &[("set", &["string"]), ("get", &[])];
    let one = deploy(&c, KEEPER, methods);
    let two = deploy(&c, KEEPER, methods);
    assert_ne!(one, two);
    assert_eq!(returned(&c.call(&one, "set", json!(["first"]))), one);
    assert_eq!(returned(&c.query(&two, "get", json!([]))), "null");
    assert_eq!(returned(&c.call(&two, "set", json!(["second"]))), two);
    assert_eq!(returned(&c.query(&one, "get", json!([]))), "first");
    assert_eq!(returned(&c.query(&two, "get", json!([]))), "second");
}

fn versioned(version: &str) -> String {
    source_with(
        "",
        &format!(
            "    can_update(data) {{ return blockchain.requireAuth(blockchain.contractOwner(), \"active\"); }}\n    \
             version() {{ return \"{version}\"; }}"
        ),
    )
}

fn versioned_abi() -> serde_json::Value {
    abi(&[("can_update", &["string"]), ("version", &[])])
}

fn update(c: &Chain, publisher: &str, id: &str, source: &str) -> Receipt {
    c.run(publisher, vec![Action::update_code(contract_json(source, &versioned_abi(), Some(id)), "")])
}

#[test]
fn an_update_runs_the_new_code_in_the_updated_contract_only() {
    let c = chain();
    let [one, two] = [0, 1].map(|_| c.deploy(&versioned("v1"), &versioned_abi()));
    let r = update(&c, "admin", &one, &versioned("v2"));
    assert_eq!(r.status, Status::Success, "{}", r.message);
    assert_eq!(returned(&c.call(&one, "version", json!([]))), "v2");
    assert_eq!(returned(&c.call(&two, "version", json!([]))), "v1");
    // The old code deployed again, and the new code as a contract of its own, run their own.
    let three = c.deploy(&versioned("v1"), &versioned_abi());
    assert_eq!(returned(&c.call(&three, "version", json!([]))), "v1");
    let four = c.deploy(&versioned("v2"), &versioned_abi());
    assert_eq!(returned(&c.call(&four, "version", json!([]))), "v2");
    // Someone else's update is refused by the contract's can_update, and changes nothing.
    let r = update(&c, "bob", &two, &versioned("stolen"));
    assert_eq!(r.status, Status::RuntimeError);
    assert_eq!(r.message, "running action #0 system.iost.updateCode: update refused: can_update returned \"false\"");
    assert_eq!(returned(&c.call(&two, "version", json!([]))), "v1");
    // A contract without can_update cannot be updated at all.
    let fixed = deploy(&c, "    version() { return \"fixed\"; }", &[("version", &[])]);
    let r = update(&c, "admin", &fixed, &versioned("v2"));
    assert_eq!(
        r.message,
        "running action #0 system.iost.updateCode: update refused: the contract has no can_update in its ABI"
    );
    assert_eq!(returned(&c.call(&fixed, "version", json!([]))), "fixed");
}

/// The record of `id` as stored.
fn record(store: &dyn Store, id: &str) -> ContractRecord {
    serde_json::from_slice(&store.get(&contract_key(id)).unwrap().expect("deployed")).unwrap()
}

const SPIN: &str =
    "class S {\n    init() {}\n    spin() { for (;;) {} }\n    answer() { return \"42\"; }\n}\nmodule.exports = S;\n";

#[test]
fn a_bundle_cannot_write_code_through_its_module_ids_or_requests() {
    let c = chain();
    // Ids and requests that would end the program's arrays and reset the meter, were they
    // pasted into the program as they are.
    let id_breaker = "x.js\"]; __jsvm_left = 1e9; [\"";
    let bundle = json!({
        "jsvm_bundle": 1,
        "entry": id_breaker,
        "modules": {
            id_breaker: {"source": format!("require(\"}}; __jsvm_left = 1e9; ({{\");\n{SPIN}"), "deps": {"}; __jsvm_left = 1e9; ({": "lib.js"}},
            "lib.js": {"source": "module.exports = 1;\n"},
        }
    });
    let r = c.run("admin", vec![set_code(&bundle.to_string(), &abi(&[("spin", &[]), ("answer", &[])]))]);
    assert_eq!(r.status, Status::Success, "{}", r.message);
    let id = &r.returns[0];
    assert_eq!(returned(&c.call(id, "answer", json!([]))), "42");
    let spin = c.send(c.tx("admin", &[], vec![action(id, "spin", json!([]))]).with_gas_limit(200_000));
    assert_eq!((spin.status, spin.gas_used), (Status::GasRunOut, 200_000), "{}", spin.message);
    // The same source as a single file is other prepared code: another cache key.
    let single = c.deploy(SPIN, &abi(&[("spin", &[]), ("answer", &[])]));
    let store = c.vm.store();
    assert_ne!(record(&**store, id).code_hash, record(&**store, &single).code_hash);
}

#[test]
fn an_escaped_reserved_name_cannot_reach_the_meter() {
    let c = chain();
    for code in ["\\u005f_jsvm_left = 1e9;", "var \\u005f\\u005fjsvm_x = 1;", "this.\\u005f_jsvm_left = 1;"] {
        let src = format!("{code}\n{SPIN}");
        let r = c.run("admin", vec![set_code(&src, &abi(&[("spin", &[])]))]);
        if r.status == Status::Success {
            let spin =
                c.send(c.tx("admin", &[], vec![action(&r.returns[0], "spin", json!([]))]).with_gas_limit(200_000));
            assert_eq!((spin.status, spin.gas_used), (Status::GasRunOut, 200_000), "{code}: {}", spin.message);
        } else {
            assert_eq!(r.status, Status::RuntimeError, "{code}");
            assert!(r.message.contains("validate code error"), "{code}: {}", r.message);
        }
    }
}

fn send(vm: &VmManager, time: &mut u64, action: Action) -> Receipt {
    *time += 1;
    vm.execute_tx(Transaction::new("admin", vec![action]).with_time(*time), *time).unwrap().0
}

#[test]
fn a_corrupt_code_cache_entry_is_rebuilt_and_never_run() {
    let store: Arc<dyn Store> = Arc::new(MemStore::new());
    let config = || VmConfig { workers: 1, min_workers: 1, ..VmConfig::default() };
    let mut time = 1_000;
    let vm = VmManager::new(store.clone(), config()).unwrap();
    let r = send(&vm, &mut time, set_code(SPIN, &abi(&[("spin", &[]), ("answer", &[])])));
    assert_eq!(r.status, Status::Success, "{}", r.message);
    let id = r.returns[0].clone();
    drop(vm);
    let rec = record(&*store, &id);
    let version = new_engine(EngineKind::from_env()).unwrap().version();
    let key = format!("code/{}/{}/gas{}", rec.code_hash, version, rec.schedule_version);
    let good = store.cache_get(key.as_bytes()).unwrap().expect("the deploy persisted its compiled code");
    assert!(verified_entry(good.clone()).is_some());
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x40;
    let other = store.cache_get(key.as_bytes()).unwrap().unwrap()[..good.len() - 1].to_vec();
    for (what, bad) in [("a flipped bit", flipped), ("a cut entry", other), ("an empty entry", Vec::new())] {
        store.cache_put(key.as_bytes(), &bad).unwrap();
        // A new VM has nothing in memory: it reads the store's entry.
        let vm = VmManager::new(store.clone(), config()).unwrap();
        let r = send(&vm, &mut time, Action::new(&id, "answer", "[]"));
        assert_eq!((r.status, r.returns.clone()), (Status::Success, vec!["42".to_string()]), "{what}: {}", r.message);
        let rebuilt = store.cache_get(key.as_bytes()).unwrap().unwrap();
        assert!(verified_entry(rebuilt).is_some(), "{what}: the entry was rebuilt");
    }
}
