//! Contract ids: derived from the deploying transaction's hash, never chosen; two deploys of
//! one transaction, a replayed deploy and a deploy naming another contract's id all leave
//! the other contract as it was; no contract reaches into another's storage space.

use jsvm_runtime::contract_id_for;
use jsvm_test_util::{abi, set_code};
use jsvm_vm::{contract_json, Action, Status, VmError};
use serde_json::json;

use crate::{chain, deploy, returned, source_with};

const KEEPER: &str = r#"
    set(v) { storage.put("v", v); return blockchain.contractName(); }
    get() { return storage.get("v"); }
"#;

fn keeper_abi() -> serde_json::Value {
    abi(&[("set", &["string"]), ("get", &[])])
}

#[test]
fn two_deploys_in_one_transaction_cannot_share_the_id() {
    let c = chain();
    let code = source_with("", KEEPER);
    let tx = c.tx("admin", &[], vec![set_code(&code, &keeper_abi()), set_code(&code, &keeper_abi())]);
    let id = contract_id_for(&tx.hash());
    let r = c.send(tx);
    assert_eq!(r.status, Status::DuplicateSetCode);
    assert_eq!(r.message, "running action #1 system.iost.setCode: contract exists");
    // The whole transaction is undone: the first deploy too.
    let r = c.call(&id, "get", json!([]));
    assert_eq!(r.message, format!("running action #0 {id}.get: contract {id} not found"));
}

#[test]
fn a_deploy_naming_another_contracts_id_gets_an_id_of_its_own() {
    let c = chain();
    let victim = c.deploy(&source_with("", KEEPER), &keeper_abi());
    assert_eq!(returned(&c.call(&victim, "set", json!(["mine"]))), victim);
    let forged = source_with("", "    set(v) { return \"forged\"; }\n    get() { return \"forged\"; }");
    let tx = c.tx("bob", &[], vec![Action::set_code(contract_json(&forged, &keeper_abi(), Some(&victim)))]);
    let own = contract_id_for(&tx.hash());
    let r = c.send(tx);
    assert_eq!((r.status, r.returns.clone()), (Status::Success, vec![own.clone()]), "{}", r.message);
    assert_ne!(own, victim);
    assert_eq!(returned(&c.query(&victim, "get", json!([]))), "mine");
    assert_eq!(returned(&c.query(&own, "get", json!([]))), "forged");
}

#[test]
fn a_replayed_deploy_is_refused_and_changes_nothing() {
    let c = chain();
    let tx = c.tx("admin", &[], vec![set_code(&source_with("", KEEPER), &keeper_abi())]);
    let r = c.send(tx.clone());
    let id = returned(&r);
    assert_eq!(returned(&c.call(&id, "set", json!(["kept"]))), id);
    let err = c.vm.execute_tx(tx.clone(), tx.time).unwrap_err();
    assert!(matches!(err, VmError::InvalidTx(_)), "{err}");
    assert_eq!(returned(&c.query(&id, "get", json!([]))), "kept", "init did not run again");
}

const INTRUDER: &str = r#"
    deployFrom(code) {
        const out = [];
        for (const m of ["setCode", "updateCode"]) {
            try { blockchain.call("system.iost", m, [code, ""]); out.push("allowed"); } catch (e) { out.push(e.message); }
        }
        return out.join("\n");
    }
    keys(victim) {
        const out = [typeof storage.globalPut, typeof storage.globalMapPut, typeof storage.globalDel];
        for (const k of [victim + "@v", "a-b", "v\n", "v\u0000", "\u00e9", "a b"]) {
            try { storage.put(k, "x"); out.push("written"); } catch (e) { out.push(e.message); }
        }
        try { storage.mapPut("m", "f@g", "x"); out.push("written"); } catch (e) { out.push(e.message); }
        out.push(storage.globalGet(victim, "v"));
        return out.join("\n");
    }
"#;

#[test]
fn a_nested_call_can_neither_deploy_nor_update() {
    let c = chain();
    let id = deploy(&c, INTRUDER, &[("deployFrom", &["string"]), ("keys", &["string"])]);
    let code = contract_json(&source_with("", KEEPER), &keeper_abi(), Some(&id));
    let r = c.call(&id, "deployFrom", json!([code]));
    assert_eq!(
        returned(&r),
        "system.iost/setCode can only be a transaction's action\nsystem.iost/updateCode can only be a transaction's action"
    );
}

#[test]
fn no_key_reaches_into_another_contracts_space() {
    let c = chain();
    let victim = c.deploy(&source_with("", KEEPER), &keeper_abi());
    assert_eq!(returned(&c.call(&victim, "set", json!(["secret"]))), victim);
    let id = deploy(&c, INTRUDER, &[("deployFrom", &["string"]), ("keys", &["string"])]);
    let r = c.call(&id, "keys", json!([victim]));
    let expected = [
        "undefined",
        "undefined",
        "undefined",
        "key or field has invalid char, 64",
        "key or field has invalid char, 45",
        "key or field has invalid char, 10",
        "key or field has invalid char, 0",
        "key or field has invalid char, 195",
        // A space is printable ASCII, allowed as in IOST: the key is still in the contract's own space.
        "written",
        "key or field has invalid char, 64",
        "secret",
    ];
    assert_eq!(returned(&r), expected.join("\n"));
    assert_eq!(returned(&c.query(&victim, "get", json!([]))), "secret");
}
