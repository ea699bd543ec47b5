//! A validator's chain without a consensus engine: blocks proposed on one validator, received,
//! verified and finalised on the others, as consensus would drive them, with the refusals a
//! faulty or lying proposer meets.

mod common;

use std::sync::Arc;

use common::{sign_up, transfer, SECOND};
use jsvm_replication::{CommitError, Genesis, ReplicaChain, Verdict, WireBlock};
use jsvm_state::MemStore;
use jsvm_tx::{Algorithm, KeyPair};
use jsvm_vm::{Status, Transaction, VmConfig, VmManager};
use serde_json::json;

const T0: u64 = 1_900_000_000_000_000_000;

fn genesis() -> Genesis {
    common::genesis(4, T0)
}

fn replica(genesis: &Genesis) -> ReplicaChain {
    let vm = VmManager::new(Arc::new(MemStore::new()), genesis.vm_config(VmConfig::default())).unwrap();
    ReplicaChain::new(Arc::new(vm), genesis)
}

struct Net {
    nodes: Vec<ReplicaChain>,
}

impl Net {
    fn new() -> Net {
        let g = genesis();
        Net { nodes: (0..4).map(|_| replica(&g)).collect() }
    }

    /// Validator `leader` proposes `txs` on `parent`; every other validator receives the block.
    fn propose(&mut self, leader: usize, parent: [u8; 32], txs: Vec<Transaction>, time: u64) -> WireBlock {
        let block = self.nodes[leader].propose(parent, txs, time, &format!("v{leader}")).unwrap();
        for (i, n) in self.nodes.iter_mut().enumerate() {
            if i != leader {
                assert_eq!(n.receive(&block.encode()).unwrap(), block.claimed_digest().unwrap());
            }
        }
        block
    }

    fn verify_all(&mut self, block: &WireBlock, leader: usize) {
        let (parent, digest) = (block.parent_digest().unwrap(), block.claimed_digest().unwrap());
        for n in &mut self.nodes {
            assert_eq!(n.verify(parent, digest, &format!("v{leader}"), block.time), Verdict::Valid);
        }
    }

    fn finalize_all(&mut self, block: &WireBlock) {
        for n in &mut self.nodes {
            n.finalize(block.claimed_digest().unwrap()).unwrap();
        }
        let heads: Vec<_> = self.nodes.iter().map(|n| n.committed().unwrap()).collect();
        assert!(heads.windows(2).all(|w| w[0] == w[1]), "every validator has the same head: {heads:?}");
        assert_eq!(heads[0], (block.height, block.claimed_digest().unwrap()));
    }
}

#[test]
fn the_genesis_file_is_checked_and_its_digest_covers_it() {
    let g = genesis();
    assert_eq!(Genesis::parse(&serde_json::to_string(&g).unwrap()).unwrap(), g);
    let mut same_name = g.clone();
    same_name.validators[2].name = "v1".into();
    let mut same_key = g.clone();
    same_key.validators[3].public_key = g.validators[0].public_key.clone();
    let mut secp = g.clone();
    secp.validators[0].public_key = KeyPair::from_seed(Algorithm::Secp256k1, &[5; 32]).public_key_b58();
    let mut none = g.clone();
    none.validators.clear();
    let mut bad_admin = g.clone();
    bad_admin.admin_key = "nope".into();
    for (bad, says) in [
        (same_name, "have the same name"),
        (same_key, "have the same key"),
        (secp, "not an ed25519 key"),
        (none, "1 to 128 validators, not 0"),
        (bad_admin, "admin_key \"nope\" is not a public key"),
    ] {
        let err = Genesis::parse(&serde_json::to_string(&bad).unwrap()).unwrap_err();
        assert!(err.contains(says), "{err}");
    }
    let err = Genesis::parse(r#"{"time_ns": 1, "admin_key": "x", "validators": [], "extra": 1}"#).unwrap_err();
    assert!(err.contains("unknown field `extra`"), "{err}");
    let mut later = g.clone();
    later.time_ns += 1;
    assert_ne!(later.digest(), g.digest());
    assert_eq!(genesis().digest(), g.digest());
}

fn balance(chain: &ReplicaChain, name: &str) -> String {
    let args = json!(["iost", name]).to_string();
    let query = Transaction::new("admin", vec![jsvm_vm::Action::new("token.iost", "balanceOf", &args)]);
    let r = chain.vm().query(query).unwrap().0;
    assert_eq!(r.status, Status::Success, "{}", r.message);
    r.returns[0].trim_matches('"').to_string()
}

#[test]
fn genesis_accounts_hold_their_keys_and_iost_from_the_first_block() {
    let alice = KeyPair::from_seed(Algorithm::Ed25519, &[21; 32]);
    let bob = KeyPair::from_seed(Algorithm::Secp256k1, &[22; 32]);
    let mut g = genesis();
    g.accounts = vec![
        jsvm_vm::GenesisAccount { name: "alice01".into(), public_key: alice.public_key_b58(), iost: "1000.5".into() },
        jsvm_vm::GenesisAccount { name: "bobby01".into(), public_key: bob.public_key_b58(), iost: "7".into() },
    ];
    let text = serde_json::to_string(&g).unwrap();
    assert_eq!(Genesis::parse(&text).unwrap(), g);
    assert_ne!(g.digest(), genesis().digest(), "the accounts are part of the genesis digest");
    let mut chain = replica(&g);
    // Block 1 already holds alice's transfer, signed with her genesis key.
    let action =
        jsvm_tx::Action::new("token.iost", "transfer", json!(["iost", "alice01", "bobby01", "0.5", ""]).to_string());
    let mut tx = jsvm_tx::Tx::new((T0 + SECOND) as i64, 1024, 4_000_000, vec![action]);
    tx.amount_limit = vec![jsvm_tx::AmountLimit { token: "iost".into(), value: "0.5".into() }];
    tx.add_publish_sign("alice01", &alice);
    let tx = Transaction::from_iost(tx).unwrap();
    let block = chain.propose(chain.genesis_digest(), vec![tx], T0 + 2 * SECOND, "v0").unwrap();
    assert_eq!(block.txs.len(), 1, "alice's transfer is in block 1");
    chain.finalize(block.claimed_digest().unwrap()).unwrap();
    let receipt = chain.vm().block(1).unwrap().unwrap();
    assert_eq!(receipt.txs.len(), 1);
    assert_eq!(balance(&chain, "alice01"), "1000");
    assert_eq!(balance(&chain, "bobby01"), "7.5");
    assert_eq!(balance(&chain, "admin"), "89999998992.5");
    // A genesis without accounts is what it was before accounts existed: no field, same digest.
    assert!(!serde_json::to_string(&genesis()).unwrap().contains("accounts"));
}

#[test]
fn genesis_accounts_are_checked() {
    let key = KeyPair::from_seed(Algorithm::Ed25519, &[21; 32]).public_key_b58();
    let account = |name: &str, key: &str, iost: &str| jsvm_vm::GenesisAccount {
        name: name.into(),
        public_key: key.into(),
        iost: iost.into(),
    };
    for (accounts, says) in [
        (vec![account("ab", &key, "1")], "5 to 11 of a-z"),
        (vec![account("Alice01", &key, "1")], "5 to 11 of a-z"),
        (vec![account("admin", &key, "1")], "not admin"),
        (vec![account("alice01", &key, "1"), account("alice01", &key, "2")], "given twice"),
        (vec![account("alice01", "nope", "1")], "not a public key"),
        (vec![account("alice01", &key, "0")], "not an amount"),
        (vec![account("alice01", &key, "1.123456789")], "not an amount"),
        (vec![account("alice01", &key, "-1")], "not an amount"),
        (vec![account("alice01", &key, "1.")], "not an amount"),
        (vec![account("alice01", &key, "90000000000"), account("bobby01", &key, "0.00000001")], "more iost than"),
    ] {
        let mut g = genesis();
        g.accounts = accounts;
        let err = Genesis::parse(&serde_json::to_string(&g).unwrap()).unwrap_err();
        assert!(err.contains(says), "{says}: {err}");
    }
}

#[test]
fn validators_agree_on_blocks_proposed_in_turn() {
    let mut net = Net::new();
    let mut parent = net.nodes[0].genesis_digest();
    let mut time = T0 + SECOND;
    for height in 1..=6u64 {
        let leader = (height % 4) as usize;
        let txs = match height {
            1 => vec![],
            2 => vec![sign_up("alice", time)],
            _ => vec![transfer("alice", 10, time), transfer("alice", 1, time + 1)],
        };
        let block = net.propose(leader, parent, txs, time);
        assert_eq!(block.height, height);
        assert_eq!(block.witness, format!("v{leader}"));
        net.verify_all(&block, leader);
        net.finalize_all(&block);
        parent = block.claimed_digest().unwrap();
        time += SECOND;
    }
    for n in &net.nodes {
        let r = n
            .vm()
            .query(Transaction::new(
                "admin",
                vec![jsvm_vm::Action::new("token.iost", "balanceOf", r#"["iost","alice"]"#)],
            ))
            .unwrap()
            .0;
        assert_eq!((r.status, r.returns[0].as_str()), (Status::Success, "44"));
        let record = n.vm().block(4).unwrap().unwrap();
        assert_eq!(record.witness, "v0");
    }
}

#[test]
fn a_block_built_on_one_not_yet_final_commits_after_it() {
    let mut net = Net::new();
    let g = net.nodes[0].genesis_digest();
    let first = net.propose(1, g, vec![sign_up("alice", T0)], T0 + SECOND);
    net.verify_all(&first, 1);
    let second = net.propose(2, first.claimed_digest().unwrap(), vec![transfer("alice", 5, T0 + 1)], T0 + 2 * SECOND);
    net.verify_all(&second, 2);
    for n in &net.nodes {
        assert_eq!(n.committed().unwrap().0, 0, "nothing is committed before it is final");
    }
    // Finalising the second commits both, in order.
    net.finalize_all(&second);
    assert_eq!(net.nodes[3].vm().block(1).unwrap().unwrap().witness, "v1");
}

#[test]
fn a_validator_that_never_verified_a_final_block_executes_it_when_it_commits() {
    let mut net = Net::new();
    let g = net.nodes[0].genesis_digest();
    let first = net.propose(0, g, vec![sign_up("alice", T0)], T0 + SECOND);
    let second = net.propose(1, first.claimed_digest().unwrap(), vec![transfer("alice", 7, T0 + 1)], T0 + 2 * SECOND);
    // Nobody verified anything (a validator that was behind); finalising runs both blocks.
    net.finalize_all(&second);
}

#[test]
fn a_proposal_is_refused_when_its_claims_are_false() {
    let mut net = Net::new();
    let g = net.nodes[0].genesis_digest();
    let good = net.nodes[0].propose(g, vec![sign_up("alice", T0)], T0 + SECOND, "v0").unwrap();
    let v = &mut net.nodes[1];
    let digest = v.receive(&good.encode()).unwrap();
    // The wrong leader, a parent other than the one consensus proposed, a time far ahead.
    assert!(
        matches!(v.verify(g, digest, "v3", T0 + SECOND), Verdict::Invalid(m) if m.contains("not the leader \"v3\""))
    );
    assert!(
        matches!(v.verify([7; 32], digest, "v0", T0 + SECOND), Verdict::Invalid(m) if m.contains("not on the parent proposed"))
    );
    assert!(
        matches!(v.verify(g, digest, "v0", T0 - 11 * SECOND), Verdict::Invalid(m) if m.contains("ahead of this validator's clock"))
    );
    // Receipts, state root or digest that re-execution does not reproduce.
    let mut lies = Vec::new();
    let mut wrong_gas = good.clone();
    wrong_gas.receipts[0].gas_used += 1;
    wrong_gas.digest = hex::encode([1; 32]);
    lies.push((wrong_gas, "gas_used differs"));
    let mut wrong_digest = good.clone();
    wrong_digest.digest = hex::encode([2; 32]);
    lies.push((wrong_digest, "not to the"));
    let mut wrong_root = good.clone();
    wrong_root.state_root = hex::encode([3; 32]);
    wrong_root.digest = hex::encode([3; 32]);
    lies.push((wrong_root, "state root differs"));
    for (lie, says) in lies {
        let d = v.receive(&lie.encode()).unwrap();
        match v.verify(g, d, "v0", T0 + SECOND) {
            Verdict::Invalid(m) => assert!(m.contains(says), "{m}"),
            other => panic!("{says}: got {other:?}"),
        }
    }
    assert_eq!(v.verify(g, digest, "v0", T0 + SECOND), Verdict::Valid);
    assert_eq!(v.verify(g, [9; 32], "v0", T0 + SECOND), Verdict::Missing([9; 32]));
    for bytes in [&b"{}"[..], b"not json", &vec![b' '; jsvm_replication::block::MAX_WIRE_BLOCK_BYTES + 1]] {
        assert!(v.receive(bytes).is_err());
    }
}

#[test]
fn finalising_past_a_block_never_received_says_which_is_missing() {
    let mut net = Net::new();
    let g = net.nodes[0].genesis_digest();
    let first = net.nodes[0].propose(g, vec![], T0 + SECOND, "v0").unwrap();
    let second = net.nodes[0].propose(first.claimed_digest().unwrap(), vec![], T0 + 2 * SECOND, "v0").unwrap();
    let v = &mut net.nodes[1];
    v.receive(&second.encode()).unwrap();
    match v.finalize(second.claimed_digest().unwrap()) {
        Err(CommitError::Missing(d)) => assert_eq!(d, first.claimed_digest().unwrap()),
        other => panic!("expected the first block missing, got {other:?}"),
    }
    v.receive(&first.encode()).unwrap();
    assert_eq!(v.finalize(second.claimed_digest().unwrap()).unwrap().len(), 2);
}

#[test]
fn the_losing_side_of_a_fork_is_forgotten_when_the_other_is_final() {
    let mut net = Net::new();
    let g = net.nodes[0].genesis_digest();
    let left = net.propose(0, g, vec![sign_up("alice", T0)], T0 + SECOND);
    let right = net.propose(1, g, vec![sign_up("bob", T0)], T0 + SECOND);
    net.verify_all(&left, 0);
    net.verify_all(&right, 1);
    net.finalize_all(&right);
    for n in &net.nodes {
        assert!(n.block(&left.claimed_digest().unwrap()).is_none(), "the losing block is forgotten");
    }
    let next = net.propose(2, right.claimed_digest().unwrap(), vec![transfer("bob", 1, T0 + 1)], T0 + 2 * SECOND);
    net.verify_all(&next, 2);
    net.finalize_all(&next);
}

#[test]
fn a_validator_whose_vm_computes_otherwise_refuses_and_cannot_commit() {
    let mut net = Net::new();
    let mut faulty_genesis = genesis();
    // A VM that charges gas where the chain does not: its receipts differ.
    faulty_genesis.charge_resources = true;
    let vm = VmManager::new(Arc::new(MemStore::new()), faulty_genesis.vm_config(VmConfig::default())).unwrap();
    let mut faulty = ReplicaChain::new(Arc::new(vm), &genesis());
    let g = net.nodes[0].genesis_digest();
    let block = net.propose(0, g, vec![sign_up("alice", T0)], T0 + SECOND);
    let d = faulty.receive(&block.encode()).unwrap();
    assert!(matches!(faulty.verify(g, d, "v0", T0 + SECOND), Verdict::Invalid(_)));
    assert!(matches!(faulty.finalize(d), Err(CommitError::Diverged(..))));
    assert_eq!(faulty.committed().unwrap().0, 0, "it committed nothing");
    net.verify_all(&block, 0);
    net.finalize_all(&block);
}

#[test]
fn a_proposer_drops_what_a_block_cannot_hold_and_keeps_the_rest() {
    let mut net = Net::new();
    let g = net.nodes[0].genesis_digest();
    let first = net.propose(0, g, vec![], T0 + SECOND);
    net.verify_all(&first, 0);
    net.finalize_all(&first);
    let committed = transfer("admin", 1, T0 + 10);
    let second = net.propose(1, first.claimed_digest().unwrap(), vec![committed.clone()], T0 + 2 * SECOND);
    net.verify_all(&second, 1);
    let pending = transfer("admin", 2, T0 + 11);
    let third = net.propose(2, second.claimed_digest().unwrap(), vec![pending.clone()], T0 + 3 * SECOND);
    net.finalize_all(&second);
    // Already committed, already in the block below (not final), signed by a stranger, and one good.
    let stranger = KeyPair::from_seed(Algorithm::Ed25519, &[66; 32]);
    let forged =
        common::signed_by(&stranger, "token.iost", "transfer", json!(["iost", "admin", "admin", "3", ""]), T0 + 12);
    let good = transfer("admin", 4, T0 + 13);
    let txs = vec![committed, pending, forged, good.clone()];
    let fourth = net.nodes[3].propose(third.claimed_digest().unwrap(), txs, T0 + 4 * SECOND, "v3").unwrap();
    assert_eq!(fourth.txs, vec![good]);
    // A committed block's wire form is served as it was proposed, for a validator catching up.
    let served = net.nodes[0].wire_block(&second.claimed_digest().unwrap()).unwrap().unwrap();
    assert_eq!(served, second);
    assert_eq!(net.nodes[0].wire_block(&[5; 32]).unwrap(), None);
}

#[test]
fn a_block_received_far_from_the_head_is_refused() {
    let mut net = Net::new();
    let g = net.nodes[0].genesis_digest();
    let first = net.propose(0, g, vec![], T0 + SECOND);
    net.verify_all(&first, 0);
    net.finalize_all(&first);
    // The committed block again (pushed late, asked for twice): taken, nothing to do.
    assert_eq!(net.nodes[1].receive(&first.encode()).unwrap(), first.claimed_digest().unwrap());
    // Another block at or below the committed head: a side that lost, refused.
    let mut lost = first.clone();
    lost.digest = hex::encode([7; 32]);
    let err = net.nodes[1].receive(&lost.encode()).map(|_| ()).unwrap_err();
    assert!(err.contains("not between the committed head 1"), "{err}");
    assert!(!net.nodes[1].has_block(&[7; 32]));
    let mut far = first.clone();
    far.height = 1 + jsvm_replication::chain::MAX_HEIGHT_AHEAD + 1;
    far.digest = hex::encode([8; 32]);
    let err = net.nodes[1].receive(&far.encode()).map(|_| ()).unwrap_err();
    assert!(err.contains("blocks above it"), "{err}");
    far.height -= 1;
    net.nodes[1].receive(&far.encode()).unwrap();
    assert_eq!(net.nodes[1].block_bytes(&[8; 32]).unwrap(), Some(far.encode()));
}

#[test]
fn a_committed_block_is_valid_and_had_and_is_not_missing() {
    let mut net = Net::new();
    let g = net.nodes[0].genesis_digest();
    let first = net.propose(0, g, vec![], T0 + SECOND);
    net.verify_all(&first, 0);
    net.finalize_all(&first);
    let digest = first.claimed_digest().unwrap();
    let v = &mut net.nodes[2];
    assert!(v.has_block(&digest), "a committed block need not be fetched");
    assert!(!v.has_block(&[4; 32]));
    // Consensus may ask again, after a restart, about a proposal that is committed by now.
    assert_eq!(v.verify(g, digest, "v0", T0 + SECOND), Verdict::Valid);
    assert!(v.finalize(digest).unwrap().is_empty());
}
