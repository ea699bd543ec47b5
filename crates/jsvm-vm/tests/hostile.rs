//! The hostile-contract suite: contracts that try to escape or abuse the sandbox.
//! Each gets a defined status, leaves state untouched, and the next transaction runs
//! normally, in a realm that shows no trace of the attack.

mod corpus;

use corpus::{attack_abi, attack_source, run_attack, ATTACKS, REFUSED, VICTIM};
use jsvm_test_util::{abi, set_code, Chain};
use jsvm_vm::{Status, VmConfig};
use serde_json::json;

/// What one case got wrong, one line each; the tables' tests report every failing case
/// at the end instead of stopping at the first.
#[derive(Default)]
struct Wrong(Vec<String>);

impl Wrong {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.0.push(what());
        }
    }
}

/// Every case's failures as one report; empty when all passed.
fn report(failed: &[(&str, Wrong)]) -> String {
    failed.iter().map(|(name, w)| format!("{name}:\n    {}", w.0.join("\n    "))).collect::<Vec<_>>().join("\n")
}

/// The victim's realm as a fresh transaction sees it (`probe`'s text), or why it could not be read.
fn probe(c: &Chain, victim: &str) -> Result<String, String> {
    let r = c.query(victim, "probe", json!([]));
    match (r.status, r.returns.first()) {
        (Status::Success, Some(text)) => Ok(text.clone()),
        _ => Err(format!("probe: {:?}: {}", r.status, r.message)),
    }
}

/// Deploys the attack and runs it twice, checking its status, its rollback, its gas and
/// that the second run repeats the first.
fn attack(c: &Chain, body: &str, allowed: &[Status], wrong: &mut Wrong) {
    let deploy = c.run("admin", vec![set_code(&attack_source(body), &attack_abi())]);
    let Some(id) = deploy.returns.first().filter(|_| deploy.status == Status::Success) else {
        return wrong.0.push(format!("deploy: {:?}: {}", deploy.status, deploy.message));
    };
    let first = run_attack(c, id);
    wrong.check(allowed.contains(&first.status), || format!("got {:?}: {}", first.status, first.message));
    if first.status != Status::Success {
        wrong.check(first.returns.is_empty() && first.events.is_empty(), || {
            format!("a failed run kept returns {:?} and events {:?}", first.returns, first.events)
        });
        // The attack's own write was rolled back with it.
        let sentinel = c.query(id, "sentinel", json!([])).returns;
        wrong.check(sentinel == ["untouched"], || format!("its own write was kept: sentinel {sentinel:?}"));
    }
    if matches!(first.status, Status::GasRunOut | Status::Timeout) {
        wrong.check(first.gas_used == 1_000_000, || {
            format!("out of gas and timeouts charge the whole limit, not {}", first.gas_used)
        });
    }
    // Same attack again: same status, same gas (timeouts aside, whose gas is the limit anyway).
    let second = run_attack(c, id);
    wrong.check((second.status, second.gas_used) == (first.status, first.gas_used), || {
        format!(
            "not deterministic: {:?} {} gas ({}) then {:?} {} gas ({})",
            first.status, first.gas_used, first.message, second.status, second.gas_used, second.message
        )
    });
}

#[test]
fn every_hostile_contract_gets_a_defined_status_and_leaves_no_trace() {
    assert!(ATTACKS.len() + REFUSED.len() >= 50);
    // Gas must end every attack, not the deadline: with half the default deadline, an attack
    // that needs longer would end in TIMEOUT, which no case allows.
    let default = VmConfig::default();
    let c = Chain::with_config(VmConfig { tx_timeout: default.tx_timeout / 2, ..default });
    let victim = c.deploy(VICTIM, &abi(&[("bump", &[]), ("probe", &[])]));
    let clean = probe(&c, &victim).unwrap();
    let mut bumps: u64 = 0;
    let mut failed = Vec::new();
    for (name, body, allowed) in ATTACKS {
        let mut wrong = Wrong::default();
        attack(&c, body, allowed, &mut wrong);
        // The next transaction runs normally and sees a pristine realm.
        let r = c.call(&victim, "bump", json!([]));
        wrong.check(r.status == Status::Success, || format!("the next transaction failed: {}", r.message));
        if let Some(n) = r.returns.first().and_then(|n| n.parse().ok()) {
            wrong.check(n == bumps + 1, || format!("the next transaction counted {n}, not {}", bumps + 1));
            // Counting on from what the victim says keeps one bad case from failing all that follow.
            bumps = n;
        }
        match probe(&c, &victim) {
            Ok(seen) => wrong.check(seen == clean, || format!("left a trace in the next realm: {seen}")),
            Err(e) => wrong.0.push(e),
        }
        if !wrong.0.is_empty() {
            failed.push((*name, wrong));
        }
    }
    assert!(failed.is_empty(), "{} of {} attacks failed:\n{}", failed.len(), ATTACKS.len(), report(&failed));
}

#[test]
fn the_compile_stage_refuses_what_cannot_be_metered_or_kept_deterministic() {
    let c = Chain::new();
    let mut failed = Vec::new();
    for (name, body, word) in REFUSED {
        let r = c.run("admin", vec![set_code(&attack_source(body), &attack_abi())]);
        let mut wrong = Wrong::default();
        wrong.check(r.status == Status::RuntimeError, || format!("got {:?}", r.status));
        wrong.check(r.message.contains("validate code error") && r.message.contains(word), || {
            format!("the message does not say `validate code error` and `{word}`: {}", r.message)
        });
        if !wrong.0.is_empty() {
            failed.push((*name, wrong));
        }
    }
    assert!(failed.is_empty(), "{} of {} refusals failed:\n{}", failed.len(), REFUSED.len(), report(&failed));
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
