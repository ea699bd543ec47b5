//! Re-entrancy through nested calls: a method already on the stack of nested calls cannot be
//! entered again (the action's own method once, as documented), a callee sees the writes of
//! its callers in the same transaction, a failed callee rolls back its own frame and what it
//! called and nothing of its caller, five frames at most, and an authority grant ends with
//! the call that made it.

use jsvm_test_util::abi;
use jsvm_vm::Status;
use serde_json::json;

use crate::{chain, deploy, returned};

/// A bank that pays before it books (on purpose: the order re-entrancy attacks exploit).
const BANK: &str = r#"
class Bank {
    init() { storage.put("balance", "10"); storage.put("paid", "0"); }
    withdraw(to, amount) {
        const balance = Number(storage.get("balance"));
        if (balance < amount) throw new Error("insufficient " + balance);
        blockchain.call(to, "onPay", [blockchain.contractName(), amount]);
        storage.put("balance", String(Number(storage.get("balance")) - amount));
        storage.put("paid", String(Number(storage.get("paid")) + amount));
        return storage.get("balance");
    }
    books() { return storage.get("balance") + "/" + storage.get("paid"); }
}
module.exports = Bank;
"#;

/// Tries to be paid twice: from its callback it calls the bank's withdraw again.
const THIEF: &str = r#"
    onPay(bank, amount) {
        storage.put("got", String(Number(storage.get("got") || "0") + amount));
        try {
            blockchain.call(bank, "withdraw", [blockchain.contractName(), amount]);
            return "paid twice";
        } catch (e) {
            storage.put("refused", e.message);
            return "refused";
        }
    }
    attack(bank, amount) { return blockchain.call(bank, "withdraw", [blockchain.contractName(), amount])[0]; }
    read(key) { return storage.get(key); }
"#;

const THIEF_METHODS: &[(&str, &[&str])] =
    &[("onPay", &["string", "number"]), ("attack", &["string", "number"]), ("read", &["string"])];

#[test]
fn a_callback_cannot_re_enter_the_method_that_is_paying_it() {
    let c = chain();
    let bank = c.deploy(BANK, &abi(&[("withdraw", &["string", "number"]), ("books", &[])]));
    let thief = deploy(&c, THIEF, THIEF_METHODS);
    let r = c.call(&thief, "attack", json!([bank, 10]));
    assert_eq!(returned(&r), "0");
    assert_eq!(returned(&c.query(&bank, "books", json!([]))), "0/10", "paid once");
    assert_eq!(returned(&c.query(&thief, "read", json!(["got"]))), "10");
    assert_eq!(returned(&c.query(&thief, "read", json!(["refused"]))), format!("re-entering {bank}/withdraw"));
    // Called as the action, the bank's method is not on the list of nested calls, so the
    // thief's call reaches it once; its own callback is then on the stack and refused, which
    // fails the inner withdraw (rolled back): still paid once.
    let bank2 = c.deploy(BANK, &abi(&[("withdraw", &["string", "number"]), ("books", &[])]));
    let r = c.call(&bank2, "withdraw", json!([thief, 10]));
    assert_eq!(returned(&r), "0");
    assert_eq!(returned(&c.query(&bank2, "books", json!([]))), "0/10");
    assert_eq!(
        returned(&c.query(&thief, "read", json!(["refused"]))),
        format!("Uncaught exception: Error: re-entering {thief}/onPay")
    );
}

const SELF: &str = r#"
    bump(depth) {
        storage.put("n", String(Number(storage.get("n") || "0") + 1));
        if (depth > 0) {
            try { blockchain.call(blockchain.contractName(), "bump", [depth - 1]); } catch (e) { storage.put("why", e.message); }
        }
        return storage.get("n") + " " + storage.get("why");
    }
"#;

#[test]
fn the_actions_own_method_may_be_entered_once_more_and_sees_the_writes_so_far() {
    let c = chain();
    let id = deploy(&c, SELF, &[("bump", &["number"])]);
    let r = c.call(&id, "bump", json!([3]));
    // The action bumps to 1, its nested call to 2 (seeing the 1), the third entry is refused.
    assert_eq!(returned(&r), format!("2 re-entering {id}/bump"));
}

/// `run` writes, calls `middle` on B (which writes, emits, calls `leaf` on C, then throws),
/// catches, then calls B's `ok`; `read` reports every contract's keys.
const LAYERS: &str = r#"
    run(b, c2) {
        storage.put("a", "1");
        let caught = "";
        try { blockchain.call(b, "middle", [c2]); } catch (e) { caught = e.message; }
        blockchain.call(b, "ok", []);
        return caught;
    }
    middle(c2) {
        storage.put("b", "1");
        blockchain.event("from middle");
        blockchain.receipt("receipt from middle");
        blockchain.call(c2, "leaf", []);
        throw new Error("middle failed");
    }
    leaf() { storage.put("c", "1"); blockchain.event("from leaf"); return "leaf"; }
    ok() { storage.put("b2", "1"); blockchain.event("from ok"); return "ok"; }
    read(ids) {
        return ids.map((id) => ["a", "b", "b2", "c"].map((k) => k + "=" + storage.globalGet(id, k)).join(",")).join(" ");
    }
"#;

#[test]
fn a_failed_callee_rolls_back_its_frame_and_its_callees_and_nothing_of_its_caller() {
    let c = chain();
    let methods: &[(&str, &[&str])] =
        &[("run", &["string", "string"]), ("middle", &["string"]), ("leaf", &[]), ("ok", &[]), ("read", &["json"])];
    let [a, b, leaf] = [0, 1, 2].map(|_| deploy(&c, LAYERS, methods));
    let r = c.call(&a, "run", json!([b, leaf]));
    assert_eq!(returned(&r), "Uncaught exception: Error: middle failed");
    let events: Vec<(&str, &str)> = r.events.iter().map(|e| (e.contract.as_str(), e.content.as_str())).collect();
    assert_eq!(events, [(b.as_str(), "from ok")]);
    assert!(r.receipts.is_empty(), "{:?}", r.receipts);
    let state = returned(&c.query(&a, "read", json!([[a, b, leaf]])));
    assert_eq!(state, "a=1,b=null,b2=null,c=null a=null,b=null,b2=1,c=null a=null,b=null,b2=null,c=null");
}

const HOP: &str = r#"
    hop(ids) {
        if (ids.length === 0) return "1";
        return String(1 + Number(blockchain.call(ids[0], "hop", [ids.slice(1)])[0]));
    }
"#;

#[test]
fn the_stack_of_nested_calls_holds_five_frames() {
    let c = chain();
    let hops: Vec<String> = (0..6).map(|_| deploy(&c, HOP, &[("hop", &["json"])])).collect();
    assert_eq!(returned(&c.call(&hops[0], "hop", json!([hops[1..5]]))), "5");
    let r = c.call(&hops[0], "hop", json!([hops[1..6]]));
    assert_eq!(r.status, Status::RuntimeError);
    assert!(r.message.ends_with("Error: stack height exceed. actual 6, at most 5"), "{}", r.message);
}

const GRANT: &str = r#"
    grant(target) {
        const me = blockchain.contractName();
        const during = blockchain.callWithAuth(target, "check", [me])[0];
        const after = blockchain.call(target, "check", [me])[0];
        return during + "," + after;
    }
    check(who) { return String(blockchain.requireAuth(who, "active")); }
"#;

#[test]
fn an_authority_grant_ends_with_the_call_that_made_it() {
    let c = chain();
    let methods: &[(&str, &[&str])] = &[("grant", &["string"]), ("check", &["string"])];
    let granter = deploy(&c, GRANT, methods);
    let grantee = deploy(&c, GRANT, methods);
    assert_eq!(returned(&c.call(&granter, "grant", json!([grantee]))), "true,false");
    assert_eq!(returned(&c.call(&grantee, "check", json!([granter]))), "false", "not in a later transaction");
    assert_eq!(returned(&c.call(&granter, "check", json!([granter]))), "false", "not for itself directly");
}
