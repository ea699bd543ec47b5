//! IOST compatibility: token.iost, blockchain.transfer/withdraw, amount limits,
//! nested calls with their own checkpoints, call depth and re-entry, accounts
//! and permissions — in IOST's style, with the results IOST's own tests assert.

use jsvm_test_util::{abi, action, Chain};
use jsvm_vm::{AmountLimit, Receipt, Status, Transaction};
use serde_json::json;

const TOKEN: &str = "token.iost";
const AUTH: &str = "auth.iost";

fn unlimited() -> Vec<AmountLimit> {
    vec![AmountLimit { token: "*".into(), val: "unlimited".into() }]
}

fn send(
    c: &Chain,
    publisher: &str,
    signers: &[&str],
    limits: Vec<AmountLimit>,
    actions: Vec<jsvm_vm::Action>,
) -> Receipt {
    let mut tx: Transaction = c.tx(publisher, signers, actions);
    tx.amount_limit = limits;
    c.send(tx)
}

fn ok(r: &Receipt) {
    assert_eq!(r.status, Status::Success, "{}", r.message);
}

fn failed_with(r: &Receipt, text: &str) {
    assert_eq!(r.status, Status::RuntimeError, "expected a failure with {text:?}");
    assert!(r.message.contains(text), "message {:?} lacks {text:?}", r.message);
}

fn balance(c: &Chain, who: &str) -> String {
    let r = c.query(TOKEN, "balanceOf", json!(["iost", who]));
    ok(&r);
    r.returns[0].clone()
}

fn sign_up(c: &Chain, id: &str) {
    ok(&c.call(AUTH, "signUp", json!([id, format!("{id}-owner-key"), format!("{id}-active-key")])));
}

/// Gives `who` exactly `amount` iost from admin.
fn fund(c: &Chain, who: &str, amount: &str) {
    let r =
        send(c, "admin", &[], unlimited(), vec![action(TOKEN, "transfer", json!(["iost", "admin", who, amount, ""]))]);
    ok(&r);
}

const TRANSFER_JS: &str = r#"
class Transfer {
    init() {}
    transfer(from, to, amount) { blockchain.transfer(from, to, amount, ""); }
    transfer1(from, to, amount) { blockchain.transfer(from, to, amount, ""); }
    transfer2(from, to, amount) { blockchain.transfer(from, to, amount, ""); }
    transfer3(from, to, amount) { blockchain.transfer(from, to, amount, ""); }
    transfer4(from, to, amount) { blockchain.transfer(from, to, amount, ""); }
    transferFreeze(from, to, amount) {
        blockchain.call("token.iost", "transferFreeze", '["iost", "' + from + '","' + to + '","' + amount + '", 2000000000000, ""]');
    }
    destroy(from, amount) {
        blockchain.call("token.iost", "destroy", '["iost", "' + from + '","' + amount + '"]');
    }
    withdraw(to, amount) { blockchain.withdraw(to, amount, ""); }
    withdrawWithoutAuth(to, amount) {
        blockchain.call("token.iost", "transfer", '["iost", "' + blockchain.contractName() + '","' + to + '","' + amount + '", ""]');
    }
    withdrawWithoutAuthAfterWithAuth(to, amount) {
        blockchain.withdraw(to, amount, "");
        blockchain.call("token.iost", "transfer", '["iost", "' + blockchain.contractName() + '","' + to + '","' + amount + '", ""]');
    }
}
module.exports = Transfer;
"#;

fn transfer_abi() -> serde_json::Value {
    let m = |name: &str, args: &[&str], limits: serde_json::Value| json!({"name": name, "args": args, "amountLimit": limits});
    let s3 = ["string", "string", "string"];
    json!({"lang": "javascript", "version": "1.0.0", "abi": [
        m("transfer", &s3, json!([{"token": "iost", "val": "100"}])),
        m("transfer1", &s3, json!([{"token": "iost", "val": "unlimited"}, {"token": "*", "val": "1"}])),
        m("transfer2", &s3, json!([{"token": "*", "val": "9.9"}])),
        m("transfer3", &s3, json!([{"token": "*", "val": "unlimited"}])),
        m("transfer4", &s3, json!([{"token": "iost", "val": "9.9"}, {"token": "*", "val": "10"}])),
        m("transferFreeze", &s3, json!([{"token": "iost", "val": "100"}])),
        m("destroy", &["string", "string"], json!([{"token": "iost", "val": "100"}])),
        m("withdraw", &["string", "string"], json!([{"token": "iost", "val": "100"}])),
        m("withdrawWithoutAuth", &["string", "string"], json!([{"token": "iost", "val": "100"}])),
        m("withdrawWithoutAuthAfterWithAuth", &["string", "string"], json!([{"token": "iost", "val": "100"}])),
    ]})
}

/// acc0 holds 1000 iost, acc1 nothing, and the transfer contract is deployed.
fn transfer_chain() -> (Chain, String) {
    let c = Chain::new();
    sign_up(&c, "acc0");
    sign_up(&c, "acc1");
    fund(&c, "acc0", "1000");
    let id = c.deploy(TRANSFER_JS, &transfer_abi());
    (c, id)
}

fn call_as_acc0(c: &Chain, id: &str, method: &str, args: serde_json::Value) -> Receipt {
    send(c, "acc0", &[], unlimited(), vec![action(id, method, args)])
}

#[test]
fn genesis_gives_admin_the_native_supply() {
    let c = Chain::new();
    // The genesis is written with the chain's first block.
    sign_up(&c, "acc0");
    assert_eq!(balance(&c, "admin"), "90000000000");
    let r = c.query(TOKEN, "supply", json!(["iost"]));
    assert_eq!(r.returns, vec!["90000000000"]);
    let r = c.query(TOKEN, "totalSupply", json!(["iost"]));
    assert_eq!(r.returns, vec!["90000000000"]);
}

#[test]
fn amount_limits_of_the_abi_as_iost_asserts_them() {
    let (c, id) = transfer_chain();
    ok(&call_as_acc0(&c, &id, "transfer", json!(["acc0", "acc1", "10"])));
    assert_eq!((balance(&c, "acc0"), balance(&c, "acc1")), ("990".into(), "10".into()));
    ok(&call_as_acc0(&c, &id, "transfer1", json!(["acc0", "acc1", "10"])));
    assert_eq!((balance(&c, "acc0"), balance(&c, "acc1")), ("980".into(), "20".into()));
    ok(&call_as_acc0(&c, &id, "transfer2", json!(["acc0", "acc1", "9"])));
    assert_eq!((balance(&c, "acc0"), balance(&c, "acc1")), ("971".into(), "29".into()));
    // A "*" limit is read with 0 decimals: "9.9" allows 9.
    failed_with(
        &call_as_acc0(&c, &id, "transfer2", json!(["acc0", "acc1", "9.9"])),
        "token iost exceed amountLimit in abi. need 9.9",
    );
    ok(&call_as_acc0(&c, &id, "transfer3", json!(["acc0", "acc1", "10.1"])));
    assert_eq!((balance(&c, "acc0"), balance(&c, "acc1")), ("960.9".into(), "39.1".into()));
    // The token's own entry comes before "*".
    failed_with(&call_as_acc0(&c, &id, "transfer4", json!(["acc0", "acc1", "10"])), "exceed amountLimit in abi");
    let r = call_as_acc0(&c, &id, "transfer", json!(["acc0", "acc1", "110"]));
    failed_with(&r, "token iost exceed amountLimit in abi. need 110");
    assert!(r.receipts.is_empty() && r.gas_used > 0);
    assert_eq!((balance(&c, "acc0"), balance(&c, "acc1")), ("960.9".into(), "39.1".into()), "failures move nothing");
}

#[test]
fn a_transfer_to_oneself_moves_nothing_and_counts_nothing() {
    let (c, id) = transfer_chain();
    ok(&call_as_acc0(&c, &id, "transfer", json!(["acc0", "acc0", "1000"])));
    assert_eq!(balance(&c, "acc0"), "1000");
}

#[test]
fn freeze_and_destroy_are_held_to_the_limits_too() {
    let (c, id) = transfer_chain();
    failed_with(&call_as_acc0(&c, &id, "transferFreeze", json!(["acc0", "acc1", "110"])), "exceed amountLimit in abi");
    ok(&call_as_acc0(&c, &id, "transferFreeze", json!(["acc0", "acc1", "100"])));
    assert_eq!(balance(&c, "acc0"), "900");
    assert_eq!(balance(&c, "acc1"), "0", "frozen until its time");
    failed_with(&call_as_acc0(&c, &id, "destroy", json!(["acc0", "110"])), "exceed amountLimit in abi");
    ok(&call_as_acc0(&c, &id, "destroy", json!(["acc0", "100"])));
    assert_eq!(balance(&c, "acc0"), "800");
    assert_eq!(c.query(TOKEN, "supply", json!(["iost"])).returns, vec!["89999999900"]);
}

#[test]
fn frozen_amounts_are_released_at_their_time() {
    let c = Chain::new();
    sign_up(&c, "acc1");
    // The test chain's block times are small numbers; 1500 ns is soon after.
    let r = send(
        &c,
        "admin",
        &[],
        unlimited(),
        vec![action(TOKEN, "transferFreeze", json!(["iost", "admin", "acc1", "5", 1500, "vesting"]))],
    );
    ok(&r);
    assert_eq!(r.receipts[0].func_name, "token.iost/transferFreeze");
    let mut seen = Vec::new();
    for _ in 0..600 {
        seen.push(balance(&c, "acc1"));
        if seen.last().unwrap() == "5" {
            break;
        }
        ok(&c.call(TOKEN, "balanceOf", json!(["iost", "admin"])));
    }
    assert_eq!(seen.first().unwrap(), "0");
    assert_eq!(seen.last().unwrap(), "5");
}

#[test]
fn the_transaction_limit_covers_all_actions() {
    let (c, id) = transfer_chain();
    let limit = vec![AmountLimit { token: "iost".into(), val: "15".into() }];
    let two = vec![
        action(&id, "transfer", json!(["acc0", "acc1", "10"])),
        action(&id, "transfer", json!(["acc0", "acc1", "10"])),
    ];
    failed_with(&send(&c, "acc0", &[], limit.clone(), two), "token iost exceed amountLimit in tx. need 10");
    ok(&send(&c, "acc0", &[], limit, vec![action(&id, "transfer", json!(["acc0", "acc1", "10"]))]));
    // No amount_limit at all: nothing may leave an account (IOST's rule).
    failed_with(
        &send(&c, "acc0", &[], vec![], vec![action(&id, "transfer", json!(["acc0", "acc1", "1"]))]),
        "exceed amountLimit in tx",
    );
    assert_eq!(balance(&c, "acc0"), "990");
}

#[test]
fn call_with_auth_lends_the_contract_its_authority_and_call_does_not() {
    let (c, id) = transfer_chain();
    fund(&c, &id, "1000");
    ok(&call_as_acc0(&c, &id, "withdraw", json!(["acc0", "10"])));
    assert_eq!(balance(&c, &id), "990");
    assert_eq!(balance(&c, "acc0"), "1010");
    failed_with(&call_as_acc0(&c, &id, "withdrawWithoutAuth", json!(["acc0", "10"])), "transaction has no permission");
    let r = call_as_acc0(&c, &id, "withdrawWithoutAuthAfterWithAuth", json!(["acc0", "10"]));
    failed_with(&r, "transaction has no permission");
    assert_eq!(balance(&c, &id), "990", "the first withdraw was rolled back with the transaction");
}

#[test]
fn token_errors_are_iost_s() {
    let c = Chain::new();
    sign_up(&c, "acc0");
    sign_up(&c, "acc1");
    let t = |publisher: &str, method: &str, args: serde_json::Value| {
        send(&c, publisher, &[], unlimited(), vec![action(TOKEN, method, args)])
    };
    failed_with(&t("admin", "transfer", json!(["iost", "admin", "acc1", "1", "m".repeat(513)])), "memo too large");
    failed_with(&t("acc0", "transfer", json!(["iost", "acc0", "acc1", "1", ""])), "balance not enough 0 < 1");
    failed_with(&t("acc0", "transfer", json!(["iost", "admin", "acc1", "1", ""])), "transaction has no permission");
    failed_with(&t("admin", "transfer", json!(["iost", "admin", "nobody", "1", ""])), "invalid account nobody");
    failed_with(&t("admin", "transfer", json!(["nope", "admin", "acc1", "1", ""])), "token not exists");
    failed_with(&t("admin", "transfer", json!(["iost", "admin", "acc1", "-1", ""])), "invalid amount");
    failed_with(&t("admin", "transfer", json!(["iost", "admin", "acc1", "1x", ""])), "invalid amount 1x");
    failed_with(&t("admin", "transfer", json!(["iost", "admin", "acc1", "0", ""])), "invalid amount");
    // A new token: created by its issuer, issued up to its total supply.
    failed_with(&t("acc1", "create", json!(["gold", "acc0", 1000, {"decimal": 2}])), "transaction has no permission");
    let r = t("acc0", "create", json!(["gold", "acc0", 1000, {"decimal": 2}]));
    ok(&r);
    assert_eq!(r.receipts[0].content, r#"["gold","acc0",1000,{"decimal":2}]"#);
    failed_with(&t("acc0", "create", json!(["gold", "acc0", 1000, {}])), "token exists");
    failed_with(&t("acc0", "create", json!(["G", "acc0", 1000, {}])), "token symbol invalid");
    failed_with(&t("acc0", "issue", json!(["gold", "acc1", "1000.01"])), "supply too much");
    ok(&t("acc0", "issue", json!(["gold", "acc1", "12.345"])));
    assert_eq!(c.query(TOKEN, "balanceOf", json!(["gold", "acc1"])).returns, vec!["12.34"], "cut to 2 decimals");
    let r = t("acc0", "create", json!(["silver", "acc0", 10, {"canTransfer": false}]));
    ok(&r);
    ok(&t("acc0", "issue", json!(["silver", "acc0", "5"])));
    failed_with(&t("acc0", "transfer", json!(["silver", "acc0", "acc1", "1", ""])), "token can't transfer");
}

const NEST_A: &str = r#"
class A {
    init() {}
    keep(b) {
        storage.put("mine", "kept");
        let caught = "";
        try {
            blockchain.call(b, "fail", []);
        } catch (e) {
            caught = String(e.message || e);
        }
        const got = blockchain.call(b, "echo", ["hi"]);
        return JSON.stringify({ caught, got, bSees: storage.globalGet(b, "note") });
    }
    self(n) {
        if (n <= 0) return "bottom";
        return blockchain.call(blockchain.contractName(), "self", [String(n - 1)])[0];
    }
    selfOnce() { return blockchain.call(blockchain.contractName(), "leaf", []); }
    leaf() { return "leaf"; }
    whoCalls(b) { return blockchain.call(b, "whoami", [])[0]; }
    authDirect() { return blockchain.requireAuth(blockchain.contractName(), "active"); }
    authViaCall() { return blockchain.callWithAuth(blockchain.contractName(), "authDirect", []); }
    burn(b) { return blockchain.call(b, "spin", []); }
}
module.exports = A;
"#;

const NEST_B: &str = r#"
class B {
    init() {}
    fail() {
        storage.put("note", "written by a failed call");
        blockchain.receipt("never");
        throw new Error("b failed");
    }
    echo(s) { storage.put("note", "echoed " + s); blockchain.receipt("echo"); return s + "!"; }
    whoami() { return blockchain.contextInfo(); }
    spin() { for (;;) {} }
}
module.exports = B;
"#;

fn nest_chain() -> (Chain, String, String) {
    let c = Chain::new();
    let a = c.deploy(
        NEST_A,
        &abi(&[
            ("keep", &["string"]),
            ("self", &["string"]),
            ("selfOnce", &[]),
            ("leaf", &[]),
            ("whoCalls", &["string"]),
            ("authDirect", &[]),
            ("authViaCall", &[]),
            ("burn", &["string"]),
        ]),
    );
    let b = c.deploy(NEST_B, &abi(&[("fail", &[]), ("echo", &["string"]), ("whoami", &[]), ("spin", &[])]));
    (c, a, b)
}

#[test]
fn a_failed_nested_call_caught_by_its_caller_rolls_back_only_its_own_writes() {
    let (c, a, b) = nest_chain();
    let r = c.call(&a, "keep", json!([b]));
    ok(&r);
    let out: serde_json::Value = serde_json::from_str(&r.returns[0]).unwrap();
    let caught = out["caught"].as_str().unwrap();
    assert_eq!(caught, "Uncaught exception: Error: b failed");
    assert_eq!(out["got"], json!(["hi!"]), "a JS callee's result comes back as a one-element array");
    assert_eq!(out["bSees"], "echoed hi");
    let contents: Vec<_> = r.receipts.iter().map(|x| x.content.as_str()).collect();
    assert_eq!(contents, vec!["echo"], "the failed call's receipt is gone");
    assert_eq!(c.query(&a, "leaf", json!([])).status, Status::Success);
}

#[test]
fn call_depth_and_re_entry_follow_iost() {
    let (c, a, b) = nest_chain();
    // One self-call is allowed: the action's own frame is not on the nested list.
    let r = c.call(&a, "selfOnce", json!([]));
    ok(&r);
    assert_eq!(r.returns[0], r#"["leaf"]"#);
    failed_with(&c.call(&a, "self", json!(["2"])), &format!("re-entering {a}/self"));
    let info: serde_json::Value = serde_json::from_str(&c.call(&a, "whoCalls", json!([b])).returns[0]).unwrap();
    assert_eq!(info["caller"], json!({"name": a, "is_account": false}));
    assert_eq!(info["contract_name"], json!(b));
}

#[test]
fn the_stack_is_at_most_five_frames() {
    let c = Chain::new();
    let src = r#"
class Hop {
    init() {}
    hop(next, rest) {
        if (next === "") return "end";
        const ids = JSON.parse(rest);
        return blockchain.call(next, "hop", [ids[0] || "", JSON.stringify(ids.slice(1))])[0];
    }
}
module.exports = Hop;
"#;
    let ids: Vec<String> = (0..6).map(|_| c.deploy(src, &abi(&[("hop", &["string", "string"])]))).collect();
    let chain = |n: usize| json!([ids[1], serde_json::to_string(&ids[2..n].to_vec()).unwrap()]);
    ok(&c.call(&ids[0], "hop", chain(5)));
    failed_with(&c.call(&ids[0], "hop", chain(6)), "stack height exceed. actual 6");
}

#[test]
fn require_auth_of_a_contract_needs_call_with_auth() {
    let (c, a, _) = nest_chain();
    assert_eq!(c.call(&a, "authDirect", json!([])).returns[0], "false");
    assert_eq!(c.call(&a, "authViaCall", json!([])).returns[0], r#"["true"]"#);
}

#[test]
fn a_nested_call_out_of_gas_ends_the_whole_transaction() {
    let (c, a, b) = nest_chain();
    let r = c.call(&a, "burn", json!([b]));
    assert_eq!(r.status, Status::GasRunOut, "{}", r.message);
    assert_eq!(r.gas_used, jsvm_vm::DEFAULT_GAS_LIMIT);
}

const AUTH_JS: &str = r#"
class Auth {
    init() {}
    check(id, perm) { return blockchain.requireAuth(id, perm); }
}
module.exports = Auth;
"#;

#[test]
fn permissions_with_thresholds_and_weights() {
    let c = Chain::new();
    for id in ["bob", "carol", "dave", "erin"] {
        sign_up(&c, id);
    }
    let id = c.deploy(AUTH_JS, &abi(&[("check", &["string", "string"])]));
    let as_dave = |method: &str, args: serde_json::Value| {
        send(&c, "dave", &["dave@owner"], vec![], vec![action(AUTH, method, args)])
    };
    ok(&as_dave("addPermission", json!(["dave", "vault", 2])));
    ok(&as_dave("assignPermission", json!(["dave", "vault", "bob@active", 1])));
    ok(&as_dave("assignPermission", json!(["dave", "vault", "carol@active", 1])));
    failed_with(&as_dave("addPermission", json!(["dave", "vault", 1])), "permission already exist");
    // Changing an account needs its owner.
    failed_with(
        &send(&c, "dave", &[], vec![], vec![action(AUTH, "addPermission", json!(["dave", "x", 1]))]),
        "require auth failed",
    );
    let check = |signers: &[&str], perm: &str| {
        let r = send(&c, "erin", signers, vec![], vec![action(&id, "check", json!(["dave", perm]))]);
        ok(&r);
        r.returns[0].clone()
    };
    assert_eq!(check(&["bob@active"], "vault"), "false", "one of two weights");
    assert_eq!(check(&["bob@active", "carol@active"], "vault"), "true");
    assert_eq!(check(&["bob@owner", "carol@active"], "vault"), "true", "owner covers active");
    assert_eq!(check(&[], "active"), "false");
    assert_eq!(check(&["dave@owner"], "active"), "true", "active falls back to owner");
    assert_eq!(check(&["dave@active"], "transfer"), "true", "an unknown permission falls back to active");
    ok(&as_dave("revokePermission", json!(["dave", "vault", "carol@active"])));
    assert_eq!(check(&["bob@active", "carol@active"], "vault"), "false");
    failed_with(&as_dave("dropPermission", json!(["dave", "owner"])), "drop active or owner is forbidden");
    ok(&as_dave("dropPermission", json!(["dave", "vault"])));
    failed_with(&c.call(AUTH, "signUp", json!(["bob", "k", "k"])), "id existed > bob");
    failed_with(&c.call(AUTH, "signUp", json!(["Contractx", "k", "k"])), "id invalid");
}

#[test]
fn system_contracts_refuse_to_be_called_from_contracts_for_code() {
    let c = Chain::new();
    let src = r#"
class S {
    init() {}
    deploy() { return blockchain.call("system.iost", "setCode", ["{}"]); }
}
module.exports = S;
"#;
    let id = c.deploy(src, &abi(&[("deploy", &[])]));
    failed_with(&c.call(&id, "deploy", json!([])), "system.iost/setCode can only be a transaction's action");
}

#[test]
fn deploys_check_amount_limits() {
    let c = Chain::new();
    let bad = json!({"lang": "javascript", "version": "1.0.0", "abi": [{"name": "f", "args": [], "amountLimit": [{"token": "iost", "val": "120x"}]}]});
    let r = c.run("admin", vec![jsvm_test_util::set_code("class A { init() {} f() {} }\nmodule.exports = A;", &bad)]);
    failed_with(&r, "abnormal char in amount");
    let unknown = json!({"lang": "javascript", "version": "1.0.0", "abi": [{"name": "f", "args": [], "amountLimit": [{"token": "zzz", "val": "1"}]}]});
    let r =
        c.run("admin", vec![jsvm_test_util::set_code("class A { init() {} f() {} }\nmodule.exports = A;", &unknown)]);
    failed_with(&r, "token not exists: zzz");
}

#[test]
fn an_unknown_token_in_the_transaction_limit_is_refused_before_it_runs() {
    let c = Chain::new();
    sign_up(&c, "acc1");
    let mut tx = c.tx("admin", &[], vec![action(TOKEN, "transfer", json!(["iost", "admin", "acc1", "1", ""]))]);
    tx.amount_limit = vec![AmountLimit { token: "iost1".into(), val: "100".into() }];
    let t = tx.time;
    let err = c.vm.execute_tx(tx, t).unwrap_err().to_string();
    assert!(err.contains("token not exists in amountLimit: iost1"), "{err}");
    let mut tx = c.tx("admin", &[], vec![action(TOKEN, "transfer", json!(["iost", "admin", "acc1", "1", ""]))]);
    tx.amount_limit = vec![
        AmountLimit { token: "iost".into(), val: "1".into() },
        AmountLimit { token: "iost".into(), val: "2".into() },
    ];
    let t = tx.time;
    let err = c.vm.execute_tx(tx, t).unwrap_err().to_string();
    assert!(err.contains("duplicated token in amountLimit: iost"), "{err}");
    assert_eq!(balance(&c, "acc1"), "0");
}

const THROWER: &str = "class T {\n    init() {}\n    boom() { throw new Error(\"x\"); }\n    shapes() {\n        return [[].concat.length, JSON.stringify.length, \"\".padStart.length, Function.prototype.toString.call([].concat)].join(\"|\");\n    }\n}\nmodule.exports = T;\n";

#[test]
fn logs_name_the_contract_that_ran_and_only_its_own_frames() {
    let c = Chain::new();
    let t_abi = abi(&[("boom", &[]), ("shapes", &[])]);
    let a = c.deploy(THROWER, &t_abi);
    let b = c.deploy(THROWER, &t_abi);
    for id in [&a, &b] {
        let (r, logs) = c.call_logged(id, "boom", json!([]));
        assert_eq!(r.status, Status::RuntimeError);
        assert_eq!(r.message, format!("running action #0 {id}.boom: Uncaught exception: Error: x"));
        let log = logs.join("\n");
        assert!(log.starts_with(&format!("[error] {id}: Error: x\n    at boom ({id}.js:3:")), "{log}");
        assert!(!log.contains("(native)") && !log.contains("prelude"), "{log}");
    }
}

#[test]
fn priced_built_ins_look_like_the_built_ins() {
    let c = Chain::new();
    let id = c.deploy(THROWER, &abi(&[("boom", &[]), ("shapes", &[])]));
    let r = c.call(&id, "shapes", json!([]));
    assert_eq!(r.status, Status::Success, "{}", r.message);
    let text = &r.returns[0];
    assert!(text.starts_with("1|3|1|function concat() {"), "{text}");
    assert!(!text.contains("charge"), "the wrapper's source stays hidden: {text}");
}
