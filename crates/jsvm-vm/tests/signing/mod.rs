//! A chain that takes signed transactions only, with `admin`'s key, and signed transactions
//! built the way IOST's SDK builds them (jsvm-tx). Each test file uses a part of it.
#![allow(dead_code)]

use jsvm_test_util::Chain;
use jsvm_tx::{Algorithm, KeyPair, Tx};
use jsvm_vm::{BlockOutcome, Transaction, VmConfig};
use serde_json::{json, Value};

/// Block and transaction times: ns since the epoch, near today.
pub(crate) const T0: i64 = 1_700_000_000_000_000_000;
pub(crate) const SECOND: i64 = 1_000_000_000;

/// A deterministic key pair, different per `n`.
pub(crate) fn key(n: u8) -> KeyPair {
    KeyPair::from_seed(Algorithm::Ed25519, &[n; 32])
}

/// A secp256k1 key pair, different per `n`.
pub(crate) fn secp_key(n: u8) -> KeyPair {
    KeyPair::from_seed(Algorithm::Secp256k1, &[n; 32])
}

pub(crate) struct SignedChain {
    pub chain: Chain,
    pub admin: KeyPair,
    /// The next block's time.
    next: std::cell::Cell<i64>,
}

/// A transaction as the SDK makes it at `time`: 90 s to live, gas ratio 1, gas limit 1,000,000.
pub(crate) fn iost_tx(time: i64, signers: &[&str], actions: &[(&str, &str, Value)]) -> Tx {
    let actions = actions.iter().map(|(c, m, d)| jsvm_tx::Action::new(*c, *m, d.to_string())).collect();
    let mut tx = Tx::new(time, 1024, 1_000_000, actions);
    tx.signers = signers.iter().map(|s| s.to_string()).collect();
    tx.amount_limit = vec![jsvm_tx::AmountLimit { token: "*".into(), value: "unlimited".into() }];
    tx
}

/// `tx` signed by `signers` (as signers) and published by `publisher` with `publisher_keys`.
pub(crate) fn sign(mut tx: Tx, signers: &[&KeyPair], publisher: &str, publisher_keys: &[&KeyPair]) -> Transaction {
    for k in signers {
        tx.add_sign(k);
    }
    for k in publisher_keys {
        tx.add_publish_sign(publisher, k);
    }
    Transaction::from_iost(tx).unwrap()
}

impl SignedChain {
    pub(crate) fn new() -> SignedChain {
        let admin = key(1);
        let config =
            VmConfig { require_signatures: true, admin_key: Some(admin.public_key_b58()), ..VmConfig::default() };
        let c = SignedChain { chain: Chain::with_config(config), admin, next: std::cell::Cell::new(T0) };
        // The first block writes genesis (admin's account), as a node does when it starts.
        c.block(Vec::new());
        c
    }

    /// A time for a new transaction: the next block's.
    pub(crate) fn now(&self) -> i64 {
        self.next.get()
    }

    /// Commits `txs` as the next block, a second after the last.
    pub(crate) fn block(&self, txs: Vec<Transaction>) -> BlockOutcome {
        let time = self.next.get() + SECOND;
        self.next.set(time + SECOND);
        self.chain.vm.execute_block(txs, time as u64).unwrap()
    }

    /// Commits one transaction as a block and asserts that it ran successfully.
    pub(crate) fn ok(&self, tx: Transaction) {
        let out = self.block(vec![tx]);
        assert!(out.left_out.is_empty(), "left out: {:?}", out.left_out);
        let r = &out.receipts[0];
        assert_eq!(r.status, jsvm_vm::Status::Success, "{}", r.message);
    }

    /// The reason the block of `tx` alone leaves it out (asserting that it does).
    pub(crate) fn left_out(&self, tx: Transaction) -> String {
        let out = self.block(vec![tx]);
        assert!(out.receipts.is_empty(), "it ran: {:?}", out.receipts);
        out.left_out[0].reason.clone()
    }

    /// `admin` publishes `auth.iost method(args)` (no other signer).
    pub(crate) fn admin_auth(&self, method: &str, args: Value) {
        let tx = iost_tx(self.now(), &[], &[("auth.iost", method, args)]);
        self.ok(sign(tx, &[], "admin", &[&self.admin]));
    }

    /// Makes account `id` with `owner` and `active` keys (admin signs).
    pub(crate) fn sign_up(&self, id: &str, owner: &KeyPair, active: &KeyPair) {
        self.admin_auth("signUp", json!([id, owner.public_key_b58(), active.public_key_b58()]));
    }

    /// `id` changes its own account (`auth.iost method(args)`), claiming `id@owner` with `owner`.
    pub(crate) fn as_owner(&self, id: &str, owner: &KeyPair, method: &str, args: Value) -> Transaction {
        let tx = iost_tx(self.now(), &[&format!("{id}@owner")], &[("auth.iost", method, args)]);
        sign(tx, &[owner], id, &[owner])
    }
}
