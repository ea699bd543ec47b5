//! The hostile-contract suite: contracts that try to escape or abuse the sandbox.
//! Each gets a defined status, leaves state untouched, and the next transaction runs
//! normally, in a realm that shows no trace of the attack.

mod corpus;

use corpus::{attack_abi, attack_source, run_attack, ATTACKS, REFUSED, VICTIM};
use jsvm_test_util::{abi, set_code, Chain};
use jsvm_vm::Status;
use serde_json::json;

#[test]
fn every_hostile_contract_gets_a_defined_status_and_leaves_no_trace() {
    assert!(ATTACKS.len() + REFUSED.len() >= 50);
    let c = Chain::new();
    let victim = c.deploy(VICTIM, &abi(&[("bump", &[]), ("probe", &[])]));
    let probe = c.query(&victim, "probe", json!([]));
    assert_eq!(probe.status, Status::Success, "{}", probe.message);
    let clean = probe.returns[0].clone();
    let mut bumps = 0;
    for (name, body, allowed) in ATTACKS {
        let id = c.deploy(&attack_source(body), &attack_abi());
        let first = run_attack(&c, &id);
        assert!(allowed.contains(&first.status), "{name}: got {:?}: {}", first.status, first.message);
        if first.status != Status::Success {
            assert!(first.returns.is_empty() && first.events.is_empty(), "{name}");
            // The attack's own write was rolled back with it.
            assert_eq!(c.query(&id, "sentinel", json!([])).returns, vec!["untouched"], "{name}");
        }
        if matches!(first.status, Status::GasRunOut | Status::Timeout) {
            assert_eq!(first.gas_used, 1_000_000, "{name}: out of gas and timeouts charge the whole limit");
        }
        // Same attack again: same status, same gas (timeouts aside, whose gas is the limit anyway).
        let second = run_attack(&c, &id);
        assert_eq!(
            (second.status, second.gas_used),
            (first.status, first.gas_used),
            "{name}: not deterministic: {} / {}",
            first.message,
            second.message
        );
        // The next transaction runs normally and sees a pristine realm.
        bumps += 1;
        let r = c.call(&victim, "bump", json!([]));
        assert_eq!(r.status, Status::Success, "{name}: the next transaction failed: {}", r.message);
        assert_eq!(r.returns, vec![bumps.to_string()], "{name}");
        assert_eq!(c.query(&victim, "probe", json!([])).returns[0], clean, "{name} left a trace in the next realm");
    }
}

#[test]
fn the_compile_stage_refuses_what_cannot_be_metered_or_kept_deterministic() {
    let c = Chain::new();
    for (name, body, word) in REFUSED {
        let r = c.run("admin", vec![set_code(&attack_source(body), &attack_abi())]);
        assert_eq!(r.status, Status::RuntimeError, "{name}");
        assert!(r.message.contains("validate code error") && r.message.contains(word), "{name}: {}", r.message);
    }
}

/// The call depth is counted by the meter, the same on every engine: 1000 nested calls
/// run, one more ends the run as a stack overflow (charging the whole limit), and the
/// count stays right through everything that leaves a function early.
#[test]
fn the_call_depth_is_counted_exactly_and_restored_on_every_way_out() {
    const DEPTH: &str = r#"
class D {
    init() {}
    // `n` calls nested below the method itself (which is call 1).
    nest(n) { function f(k) { return k === 0 ? 0 : 1 + f(k - 1); } return f(n); }
    // Each round throws from 50 calls down and catches at the top; then nests 990.
    throws() {
        function down(k) { if (k === 0) throw new Error("bottom"); return down(k - 1); }
        for (let i = 0; i < 100; i++) { try { down(50); } catch (e) {} }
        return this.nest(990);
    }
    // Returns from inside try/finally, and through a finally that calls again.
    finallies() {
        function r(k) { try { return k; } finally { g(); } }
        function g() { return 1; }
        let s = 0;
        for (let i = 0; i < 2000; i++) s += r(i) - i;
        return s + this.nest(990);
    }
    // Generators leave at each yield and come back deeper on resume.
    generators() {
        function* g() { for (let i = 0; i < 2000; i++) yield i; }
        let s = 0;
        for (const v of g()) s += v;
        return s + this.nest(990);
    }
    // A caught error inside an inline comparator.
    comparators() {
        function boom() { throw new Error("x"); }
        const a = [];
        for (let i = 0; i < 300; i++) a.push(i % 17);
        a.sort((x, y) => { try { return boom(); } catch (e) { return x - y; } });
        return a[0] + this.nest(990);
    }
}
module.exports = D;
"#;
    let c = Chain::new();
    let id = c.deploy(
        DEPTH,
        &abi(&[("nest", &["number"]), ("throws", &[]), ("finallies", &[]), ("generators", &[]), ("comparators", &[])]),
    );
    // The method is call 1, f(n) adds n + 1: 998 nests 1000 calls.
    let r = c.call(&id, "nest", json!([998]));
    assert_eq!((r.status, r.returns.clone()), (Status::Success, vec!["998".to_string()]), "{}", r.message);
    let r = c.call(&id, "nest", json!([999]));
    assert_eq!(r.status, Status::RuntimeError, "{}", r.message);
    assert!(r.message.ends_with("stack overflow: calls nested deeper than allowed (at most 1000)"), "{}", r.message);
    assert_eq!(r.gas_used, jsvm_vm::DEFAULT_GAS_LIMIT, "a stack overflow charges the whole limit");
    for (method, expected) in
        [("throws", "990"), ("finallies", "990"), ("generators", "1999990"), ("comparators", "990")]
    {
        let r = c.call(&id, method, json!([]));
        assert_eq!(
            (r.status, r.returns.clone()),
            (Status::Success, vec![expected.to_string()]),
            "{method}: {}",
            r.message
        );
    }
}
