//! The hostile-contract suite: contracts that try to escape or abuse the sandbox.
//! Each gets a defined status, leaves state untouched, and the next transaction runs
//! normally, in a realm that shows no trace of the attack.

mod common;
mod corpus;

use common::{abi, set_code, Chain};
use corpus::{attack_abi, attack_source, run_attack, ATTACKS, REFUSED, VICTIM};
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
        assert_eq!((second.status, second.gas_used), (first.status, first.gas_used), "{name}: not deterministic");
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
