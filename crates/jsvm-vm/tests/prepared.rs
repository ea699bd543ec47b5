//! Blocks executed before they are committed, as a consensus engine needs them: a proposer
//! prepares a block, validators prepare the proposal (re-executing it), and each commits only
//! once the block is final, and only on the head it was executed on.

use jsvm_test_util::{abi, action, Chain};
use jsvm_vm::{ProposedBlock, Status, VmConfig, VmError};
use serde_json::json;

const COUNTER: &str = r#"
class Counter {
    init() { storage.put("n", "0"); }
    bump() {
        const n = Number(storage.get("n")) + 1;
        storage.put("n", String(n));
        return n + "@" + block.witness;
    }
}
module.exports = Counter;
"#;

/// Two chains from the same genesis with the counter deployed on both (by one block produced
/// on the first and validated on the second), and the counter's id.
fn twins() -> (Chain, Chain, String) {
    let producer = Chain::new();
    let validator = Chain::new();
    let deploy = producer.tx("admin", &[], vec![jsvm_test_util::set_code(COUNTER, &abi(&[("bump", &[])]))]);
    let prepared = producer.vm.prepare_block(None, vec![deploy], 5_000, "jsvm").unwrap();
    let proposal = prepared.proposal();
    producer.vm.commit_prepared(prepared).unwrap();
    let out = validator.vm.validate_block(&proposal).unwrap();
    assert_eq!(validator.vm.head(), producer.vm.head());
    let id = out.receipts[0].returns[0].clone();
    (producer, validator, id)
}

fn bump(chain: &Chain, id: &str) -> jsvm_vm::Transaction {
    chain.tx("admin", &[], vec![action(id, "bump", json!([]))])
}

#[test]
fn a_prepared_block_changes_nothing_until_it_is_committed() {
    let (producer, _, id) = twins();
    let before = producer.vm.head();
    let prepared = producer.vm.prepare_block(None, vec![bump(&producer, &id)], 6_000, "jsvm").unwrap();
    assert_eq!(producer.vm.head(), before, "preparing committed nothing");
    assert_eq!(prepared.parent(), before);
    assert_eq!(prepared.outcome().height, before.height + 1);
    assert_eq!(prepared.outcome().receipts[0].returns[0], "1@jsvm");
    let outcome = producer.vm.commit_prepared(prepared).unwrap();
    let head = producer.vm.head();
    assert_eq!((head.height, head.state_root), (outcome.height, outcome.state_root));
    assert_eq!(producer.call(&id, "bump", json!([])).returns[0], "2@jsvm");
}

#[test]
fn a_prepared_block_is_the_block_execute_block_makes() {
    let (a, b, id) = twins();
    let tx = bump(&a, &id);
    let prepared = a.vm.prepare_block(None, vec![tx.clone()], 6_000, "jsvm").unwrap();
    let prepared = a.vm.commit_prepared(prepared).unwrap();
    let executed = b.vm.execute_block(vec![tx], 6_000).unwrap();
    assert_eq!(prepared.block_hash, executed.block_hash);
    assert_eq!(prepared.state_root, executed.state_root);
    assert_eq!(prepared.receipts, executed.receipts);
}

#[test]
fn a_proposal_validates_on_another_node_under_its_producers_name() {
    let (producer, validator, id) = twins();
    let prepared = producer.vm.prepare_block(None, vec![bump(&producer, &id)], 6_000, "validator-2").unwrap();
    let proposal = prepared.proposal();
    assert_eq!(proposal.witness, "validator-2");
    let produced = producer.vm.commit_prepared(prepared).unwrap();
    // The validator's own name is "jsvm": it re-executes under the producer's.
    let checked = validator.vm.prepare_proposed(None, &proposal).unwrap();
    assert_eq!(checked.outcome().receipts[0].returns[0], "1@validator-2");
    let committed = validator.vm.commit_prepared(checked).unwrap();
    assert_eq!(committed.block_hash, produced.block_hash);
    assert_eq!(validator.vm.head(), producer.vm.head());
    assert_eq!(validator.vm.block(committed.height).unwrap().unwrap().witness, "validator-2");
}

#[test]
fn a_proposal_under_another_name_is_refused() {
    let (producer, validator, id) = twins();
    let prepared = producer.vm.prepare_block(None, vec![bump(&producer, &id)], 6_000, "validator-2").unwrap();
    let mut proposal = prepared.proposal();
    proposal.witness = "validator-3".into();
    let before = validator.vm.head();
    match validator.vm.prepare_proposed(None, &proposal) {
        Err(VmError::BlockMismatch(m)) => assert!(m.contains("returns differs"), "{m}"),
        other => panic!("expected a mismatch, got {other:?}"),
    }
    assert_eq!(validator.vm.head(), before);
}

#[test]
fn a_block_prepared_on_an_earlier_head_is_stale() {
    let (producer, _, id) = twins();
    let first = producer.vm.prepare_block(None, vec![bump(&producer, &id)], 6_000, "jsvm").unwrap();
    let rival = producer.vm.prepare_block(None, vec![bump(&producer, &id)], 6_001, "jsvm").unwrap();
    assert_eq!(first.parent(), rival.parent());
    producer.vm.commit_prepared(first).unwrap();
    let head = producer.vm.head();
    match producer.vm.commit_prepared(rival) {
        Err(VmError::StaleBlock(m)) => assert!(m.contains("but the head is now block"), "{m}"),
        other => panic!("expected a stale block, got {other:?}"),
    }
    assert_eq!(producer.vm.head(), head, "the stale block committed nothing");
    assert_eq!(producer.call(&id, "bump", json!([])).returns[0], "2@jsvm");
}

#[test]
fn a_proposal_with_a_wrong_claim_is_refused_before_anything_commits() {
    let (producer, validator, id) = twins();
    let prepared = producer.vm.prepare_block(None, vec![bump(&producer, &id)], 6_000, "jsvm").unwrap();
    let good = prepared.proposal();
    let mut wrong_root = good.clone();
    wrong_root.state_root[0] ^= 1;
    let mut wrong_gas = good.clone();
    wrong_gas.receipts[0].gas_used += 1;
    let before = validator.vm.head();
    for (bad, field) in [(&wrong_root, "state root differs"), (&wrong_gas, "gas_used differs")] {
        match validator.vm.prepare_proposed(None, bad) {
            Err(VmError::BlockMismatch(m)) => assert!(m.contains(field), "{m}"),
            other => panic!("expected {field}, got {other:?}"),
        }
        assert_eq!(validator.vm.head(), before);
    }
    let ok = validator.vm.prepare_proposed(None, &good).unwrap();
    assert_eq!(ok.outcome().receipts[0].status, Status::Success);
}

#[test]
fn a_transaction_left_out_stays_out_of_the_proposal() {
    // A node whose deadline no contract run meets leaves the deploy out of its block.
    let config = VmConfig { tx_timeout: std::time::Duration::from_nanos(1), ..VmConfig::default() };
    let impatient = Chain::with_config(config);
    let deploy = impatient.tx("admin", &[], vec![jsvm_test_util::set_code(COUNTER, &abi(&[("bump", &[])]))]);
    let prepared = impatient.vm.prepare_block(None, vec![deploy], 5_000, "jsvm").unwrap();
    assert_eq!(prepared.outcome().left_out.len(), 1);
    let proposal: ProposedBlock = prepared.proposal();
    assert!(proposal.txs.is_empty() && proposal.receipts.is_empty());
    // And the block without it validates elsewhere.
    let validator = Chain::new();
    validator.vm.validate_block(&proposal).unwrap();
}

#[test]
fn a_block_prepared_on_a_prepared_block_sees_its_writes_and_commits_after_it() {
    let (producer, validator, id) = twins();
    let sequential = Chain::new();
    let a = producer.vm.prepare_block(None, vec![bump(&producer, &id)], 6_000, "jsvm").unwrap();
    let b = producer.vm.prepare_block(Some(&a), vec![bump(&producer, &id)], 7_000, "jsvm").unwrap();
    assert_eq!(b.outcome().receipts[0].returns[0], "2@jsvm", "b ran on a's writes");
    assert_eq!(b.parent(), a.head_after());
    let (proposal_a, proposal_b) = (a.proposal(), b.proposal());
    // The validator checks both before either is final, the second on the first.
    let checked_a = validator.vm.prepare_proposed(None, &proposal_a).unwrap();
    let checked_b = validator.vm.prepare_proposed(Some(&checked_a), &proposal_b).unwrap();
    assert_eq!(checked_b.outcome().block_hash, b.outcome().block_hash);
    // Out of order is refused (and commits nothing); in order commits.
    assert!(matches!(producer.vm.commit_prepared(b), Err(VmError::StaleBlock(_))), "b before a");
    let out_a = producer.vm.commit_prepared(a).unwrap();
    validator.vm.commit_prepared(checked_a).unwrap();
    let out_b = validator.vm.commit_prepared(checked_b).unwrap();
    assert_eq!(validator.vm.head().height, out_a.height + 1);
    assert_eq!(out_b.receipts[0].returns[0], "2@jsvm");
    // The same two blocks executed one after the other on a third node give the same chain.
    let deploy_block = validator.vm.block(1).unwrap().unwrap();
    sequential.vm.execute_block(deploy_block.txs, deploy_block.time).unwrap();
    sequential.vm.execute_block(proposal_a.txs, proposal_a.time).unwrap();
    let last = sequential.vm.execute_block(proposal_b.txs, proposal_b.time).unwrap();
    assert_eq!(last.block_hash, out_b.block_hash);
    assert_eq!(sequential.vm.head(), validator.vm.head());
}

#[test]
fn a_block_may_not_repeat_a_transaction_of_a_block_below_it_not_yet_committed() {
    let (producer, _, id) = twins();
    let tx = bump(&producer, &id);
    let a = producer.vm.prepare_block(None, vec![tx.clone()], 6_000, "jsvm").unwrap();
    match producer.vm.prepare_block(Some(&a), vec![tx.clone()], 7_000, "jsvm") {
        Err(VmError::InvalidTx(m)) => assert!(m.contains("already executed"), "{m}"),
        other => panic!("expected a replay refusal, got {other:?}"),
    }
    // On the committed head (a forgotten) the same transaction is new.
    producer.vm.prepare_block(None, vec![tx], 7_000, "jsvm").unwrap();
}

#[test]
fn the_losing_side_of_a_fork_is_stale_with_everything_prepared_on_it() {
    let (producer, _, id) = twins();
    let left = producer.vm.prepare_block(None, vec![bump(&producer, &id)], 6_000, "left").unwrap();
    let left_child = producer.vm.prepare_block(Some(&left), vec![bump(&producer, &id)], 7_000, "left").unwrap();
    let right = producer.vm.prepare_block(None, vec![bump(&producer, &id)], 6_500, "right").unwrap();
    producer.vm.commit_prepared(right).unwrap();
    let head = producer.vm.head();
    assert!(matches!(producer.vm.commit_prepared(left), Err(VmError::StaleBlock(_))));
    assert!(matches!(producer.vm.commit_prepared(left_child), Err(VmError::StaleBlock(_))));
    assert_eq!(producer.vm.head(), head);
    assert_eq!(producer.call(&id, "bump", json!([])).returns[0], "2@jsvm");
}
