//! Signed transactions in the VM: the envelope and how it is stored, admission
//! (`VmManager::check_tx`, each refusal with its message), blocks that refuse unsigned or
//! forged transactions, and block hashes with their index.

mod signing;

use jsvm_test_util::Chain;
use jsvm_vm::{Action, Transaction, VmConfig, VmError};
use serde_json::json;
use signing::{iost_tx, key, sign, SignedChain, SECOND};

fn balance_of(who: &str) -> (&'static str, &'static str, serde_json::Value) {
    ("token.iost", "balanceOf", json!(["iost", who]))
}

fn good(c: &SignedChain) -> Transaction {
    sign(iost_tx(c.now(), &[], &[balance_of("admin")]), &[], "admin", &[&c.admin])
}

fn refusal(c: &SignedChain, tx: &Transaction) -> String {
    match c.chain.vm.check_tx(tx, c.now()) {
        Err(VmError::InvalidTx(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn the_projection_and_the_hash_are_iosts() {
    let c = SignedChain::new();
    let mut iost = iost_tx(c.now(), &["bob@active"], &[balance_of("bob")]);
    iost.add_publish_sign("admin", &c.admin);
    let tx = Transaction::from_iost(iost.clone()).unwrap();
    assert_eq!(tx.hash(), iost.hash());
    assert_eq!(tx.signed(), Some(&iost));
    assert_eq!(tx.publisher, "admin");
    assert_eq!(tx.signers, vec!["bob@active".to_string()]);
    assert_eq!(tx.gas_limit, 1_000_000);
    assert_eq!(tx.time, c.now() as u64);
    assert_eq!(tx.actions, vec![Action::new("token.iost", "balanceOf", r#"["iost","bob"]"#)]);
    assert_eq!(tx.amount_limit, vec![jsvm_vm::AmountLimit { token: "*".into(), val: "unlimited".into() }]);
}

#[test]
fn a_signed_transaction_is_stored_as_the_iost_transaction_alone() {
    let c = SignedChain::new();
    let tx = good(&c);
    let stored = serde_json::to_value(&tx).unwrap();
    assert_eq!(stored.as_object().unwrap().keys().collect::<Vec<_>>(), vec!["signed"]);
    let back: Transaction = serde_json::from_value(stored.clone()).unwrap();
    assert_eq!(back, tx);
    assert_eq!(back.hash(), tx.hash());
    let mut both = stored;
    both["publisher"] = json!("admin");
    let err = serde_json::from_value::<Transaction>(both).unwrap_err().to_string();
    assert!(err.contains("with no other field"), "{err}");
}

#[test]
fn an_unsigned_transaction_is_stored_as_before() {
    let tx = Transaction::new("admin", vec![Action::new("c", "m", "[]")]).with_time(1);
    assert_eq!(
        String::from_utf8(tx.canonical_bytes()).unwrap(),
        r#"{"actions":[{"contract":"c","actionName":"m","data":"[]"}],"publisher":"admin","signers":[],"gas_limit":4000000,"time":1}"#
    );
    assert_eq!(hex::encode(tx.hash()), hex::encode(sha3_of(&tx.canonical_bytes())));
    let back: Transaction = serde_json::from_slice(&tx.canonical_bytes()).unwrap();
    assert_eq!(back.signed(), None);
    assert_eq!(back, tx);
    let err = serde_json::from_str::<Transaction>(r#"{"publisher":"a"}"#).unwrap_err().to_string();
    assert!(err.contains("missing field `actions`"), "{err}");
}

fn sha3_of(bytes: &[u8]) -> [u8; 32] {
    use sha3::Digest;
    sha3::Sha3_256::digest(bytes).into()
}

#[test]
fn check_tx_takes_a_good_transaction() {
    let c = SignedChain::new();
    c.chain.vm.check_tx(&good(&c), c.now()).unwrap();
}

/// A change that spoils a transaction.
type Change = Box<dyn Fn(&mut jsvm_tx::Tx)>;

#[test]
fn check_tx_refuses_each_bad_field_with_its_reason() {
    let c = SignedChain::new();
    let now = c.now();
    let cases: Vec<(&str, Change)> = vec![
        ("invalid chain_id, should be 1024, yours: 1023", Box::new(|t| t.chain_id = 1023)),
        ("invalid delay time 5", Box::new(|t| t.delay = 5)),
        ("invalid time and expiration", Box::new(|t| t.expiration = t.time)),
        ("gas ratio illegal, should in [1, 100], got 0.5", Box::new(|t| t.gas_ratio = 50)),
        ("gas limit illegal, should in [6000, 4000000], got 5999", Box::new(|t| t.gas_limit = 599_900)),
        ("tx size illegal, should <= 65536", Box::new(|t| t.actions[0].data = format!("[\"{}\"]", "x".repeat(70_000)))),
        (
            "tx.time is too far ahead",
            Box::new(move |t| {
                t.time = now + 31 * SECOND;
                t.expiration = t.time + SECOND;
            }),
        ),
        (
            "tx is expired",
            Box::new(move |t| {
                t.time = now - 10 * SECOND;
                t.expiration = now;
            }),
        ),
        ("tx is expired", Box::new(move |t| t.time = now - 91 * SECOND)),
    ];
    for (want, change) in cases {
        let mut t = iost_tx(now, &[], &[balance_of("admin")]);
        change(&mut t);
        let m = refusal(&c, &sign(t, &[], "admin", &[&c.admin]));
        assert!(m.contains(want), "{m:?} lacks {want:?}");
    }
}

#[test]
fn check_tx_refuses_bad_signatures_and_unsatisfied_claims() {
    let c = SignedChain::new();
    let mut unsigned = iost_tx(c.now(), &[], &[balance_of("admin")]);
    unsigned.publisher = "admin".into();
    let unsigned = Transaction::from_iost(unsigned).unwrap();
    let m = refusal(&c, &unsigned);
    assert!(m.contains("no publisher signature"), "{m}");
    let mut tampered = iost_tx(c.now(), &[], &[balance_of("admin")]);
    tampered.add_publish_sign("admin", &c.admin);
    tampered.actions[0].data = r#"["iost","bob"]"#.into();
    let m = refusal(&c, &Transaction::from_iost(tampered).unwrap());
    assert!(m.contains("does not verify"), "{m}");
    let m = refusal(&c, &sign(iost_tx(c.now(), &[], &[balance_of("admin")]), &[], "admin", &[&key(9)]));
    assert_eq!(m, "unauthorized publisher: admin");
    let claim = iost_tx(c.now(), &["admin@owner", "bob@active"], &[balance_of("admin")]);
    let m = refusal(&c, &sign(claim, &[], "admin", &[&c.admin]));
    assert_eq!(m, "unauthorized signer: bob@active");
    let m = refusal(&c, &Transaction::new("admin", vec![Action::new("token.iost", "balanceOf", "[]")]));
    assert!(m.contains("is not signed, and this chain takes signed transactions only"), "{m}");
    let mut limited = iost_tx(c.now(), &[], &[balance_of("admin")]);
    limited.amount_limit = vec![jsvm_tx::AmountLimit { token: "nosuch".into(), value: "1".into() }];
    assert!(refusal(&c, &sign(limited, &[], "admin", &[&c.admin])).contains("nosuch"));
}

#[test]
fn check_tx_refuses_a_transaction_already_on_chain() {
    let c = SignedChain::new();
    let tx = good(&c);
    c.ok(tx.clone());
    assert!(refusal(&c, &tx).contains("is already on chain"));
}

#[test]
fn a_block_refuses_an_unsigned_or_forged_transaction_where_signatures_are_required() {
    let c = SignedChain::new();
    let unsigned = Transaction::new("admin", vec![Action::new("token.iost", "balanceOf", r#"["iost","admin"]"#)]);
    let err = c.chain.vm.execute_block(vec![unsigned], 5).unwrap_err().to_string();
    assert!(err.contains("is not signed"), "{err}");
    let mut tampered = iost_tx(c.now(), &[], &[balance_of("admin")]);
    tampered.add_publish_sign("admin", &c.admin);
    tampered.gas_limit += 100;
    let err = c.chain.vm.execute_block(vec![Transaction::from_iost(tampered).unwrap()], 5).unwrap_err().to_string();
    assert!(err.contains("does not verify"), "{err}");
    assert_eq!(c.chain.vm.head().height, 1, "nothing was committed after the genesis block");
}

#[test]
fn a_query_of_a_signed_transaction_checks_its_claims() {
    let c = SignedChain::new();
    c.ok(good(&c));
    let (r, _) = c.chain.vm.query(good(&c)).unwrap();
    assert_eq!(r.returns, vec!["90000000000".to_string()]);
    let forged = sign(iost_tx(c.now(), &[], &[balance_of("admin")]), &[], "admin", &[&key(9)]);
    match c.chain.vm.query(forged) {
        Err(VmError::LeftOut(m)) => assert_eq!(m, "unauthorized publisher: admin"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn signed_transactions_run_where_signatures_are_not_required() {
    let c = Chain::new();
    let admin = key(1);
    let tx = sign(iost_tx(signing::T0, &[], &[balance_of("admin")]), &[], "admin", &[&admin]);
    let out = c.vm.execute_block(vec![tx], signing::T0 as u64 + 1).unwrap();
    assert_eq!(out.left_out[0].reason, "unauthorized publisher: admin", "genesis admin has no key here");
}

#[test]
fn blocks_chain_by_hash_and_the_index_survives_a_reopen() {
    let config = || VmConfig { admin_key: Some(key(1).public_key_b58()), ..VmConfig::default() };
    let c = Chain::with_config(config());
    let first = c.vm.execute_block(vec![], 10).unwrap();
    let second =
        c.vm.execute_block(vec![c.tx("admin", &[], vec![Action::new("token.iost", "supply", r#"["iost"]"#)])], 20)
            .unwrap();
    let c = c.restart_with(config());
    let b1 = c.vm.block_by_hash(&first.block_hash).unwrap().unwrap();
    let b2 = c.vm.block_by_hash(&second.block_hash).unwrap().unwrap();
    assert_eq!((b1.height, b1.parent_hash.as_str()), (1, ""));
    assert_eq!((b2.height, b2.parent_hash.clone()), (2, bs58::encode(first.block_hash).into_string()));
    assert_eq!(c.vm.block(2).unwrap(), Some(b2));
    assert_eq!(c.vm.block(3).unwrap(), None);
    assert_eq!(c.vm.block_by_hash(&[7; 32]).unwrap(), None);
    assert_eq!(c.vm.block_by_hash(b"short").unwrap(), None);
}

#[test]
fn a_block_record_keeps_signed_transactions_as_signed() {
    let c = SignedChain::new();
    let tx = good(&c);
    let out = c.block(vec![tx.clone()]);
    let record = c.chain.vm.block(out.height).unwrap().unwrap();
    assert_eq!(record.txs, vec![tx.clone()]);
    assert_eq!(record.txs[0].signed().map(|s| s.hash()), Some(tx.hash()));
}

#[test]
fn an_admin_key_that_is_not_a_public_key_is_refused() {
    let config = VmConfig { admin_key: Some("not base58 0OIl".into()), ..VmConfig::default() };
    let err = Chain::open(jsvm_test_util::StoreKind::Memory, config).err().unwrap();
    assert!(err.contains("admin key \"not base58 0OIl\" is not a public key"), "{err}");
}
