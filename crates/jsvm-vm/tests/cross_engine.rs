//! Cross-engine determinism: the same transactions give byte-identical receipts and
//! state roots on QuickJS and on V8 (docs/engines.md). Runs where V8 is built in
//! (`make test-v8`); elsewhere each test says it was skipped.

mod corpus;

use corpus::{attack_abi, attack_source, run_attack, scripted_blocks, ATTACKS, REFUSED, VICTIM};
use jsvm_test_util::{abi, Chain};
use jsvm_vm::{EngineKind, VmConfig};
use serde_json::json;

/// One chain per engine, or None (and a note) where V8 is not built.
fn chains() -> Option<[Chain; 2]> {
    if !EngineKind::V8.is_built() {
        eprintln!("skipped: this build has no V8 (make test-v8 runs it)");
        return None;
    }
    let on = |engine| Chain::with_config(VmConfig { engine, ..VmConfig::default() });
    Some([on(EngineKind::QuickJs), on(EngineKind::V8)])
}

/// Runs `steps` on both chains and compares what each returns, entry by entry.
fn agree(what: &str, steps: impl Fn(&Chain) -> Vec<(String, String)>) {
    let Some([quickjs, v8]) = chains() else { return };
    let a = steps(&quickjs);
    let b = steps(&v8);
    assert_eq!(a.len(), b.len(), "{what}: not the same number of steps");
    let differ: Vec<String> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x != y)
        .map(|((name, x), (_, y))| format!("{name}:\n  quickjs {x}\n  v8      {y}"))
        .collect();
    assert!(differ.is_empty(), "{what}: {} of {} differ\n{}", differ.len(), a.len(), differ.join("\n"));
}

#[test]
fn the_scripted_blocks_give_the_same_receipts_and_roots() {
    agree("scripted blocks", |c| {
        let blocks = scripted_blocks(c);
        let mut out = Vec::new();
        for (i, b) in blocks.iter().enumerate() {
            let done = c.vm.execute_block(b.clone(), 1_000 + i as u64).unwrap();
            for r in &done.receipts {
                out.push((format!("block {i} tx {}", r.tx_hash), serde_json::to_string(r).unwrap()));
            }
            out.push((format!("block {i} root"), hex::encode(done.state_root)));
        }
        out
    });
}

#[test]
fn the_hostile_suite_gives_the_same_receipts() {
    agree("hostile suite", |c| {
        let victim = c.deploy(VICTIM, &abi(&[("bump", &[]), ("probe", &[])]));
        let mut out = Vec::new();
        for (name, body, _) in ATTACKS {
            let id = c.deploy(&attack_source(body), &attack_abi());
            let r = run_attack(c, &id);
            out.push((name.to_string(), serde_json::to_string(&r).unwrap()));
            let probe = c.query(&victim, "probe", json!([]));
            out.push((format!("{name}: probe after"), serde_json::to_string(&probe.returns).unwrap()));
        }
        for (name, body, _) in REFUSED {
            let r = c.run("admin", vec![jsvm_test_util::set_code(&attack_source(body), &attack_abi())]);
            out.push((name.to_string(), format!("{:?} {} {}", r.status, r.message, r.gas_used)));
        }
        out
    });
}
