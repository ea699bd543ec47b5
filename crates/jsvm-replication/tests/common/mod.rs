//! What the replication tests share: keys, a genesis, and transactions signed as IOST's SDK
//! signs them.
#![allow(dead_code)]

use std::sync::Mutex;

use jsvm_replication::engine::TxSource;
use jsvm_replication::{Genesis, GenesisValidator};
use jsvm_tx::{Algorithm, KeyPair, Tx};
use jsvm_vm::{BlockOutcome, Transaction};
use serde_json::json;

pub(crate) const SECOND: u64 = 1_000_000_000;

/// `admin`'s key.
pub(crate) fn admin() -> KeyPair {
    KeyPair::from_seed(Algorithm::Ed25519, &[1; 32])
}

/// Validator `i`'s ed25519 seed.
pub(crate) fn seed(i: usize) -> [u8; 32] {
    [10 + i as u8; 32]
}

/// `n` validators `v0`, `v1`, … with the seeds above; the chain starts at `time_ns`.
pub(crate) fn genesis(n: usize, time_ns: u64) -> Genesis {
    Genesis {
        chain_id: 1024,
        time_ns,
        admin_key: admin().public_key_b58(),
        charge_resources: false,
        validators: (0..n)
            .map(|i| GenesisValidator {
                name: format!("v{i}"),
                public_key: KeyPair::from_seed(Algorithm::Ed25519, &seed(i)).public_key_b58(),
            })
            .collect(),
        accounts: Vec::new(),
    }
}

/// `contract.method(args)` published by admin at `time`, signed with `key`.
pub(crate) fn signed_by(
    key: &KeyPair,
    contract: &str,
    method: &str,
    args: serde_json::Value,
    time: u64,
) -> Transaction {
    let action = jsvm_tx::Action::new(contract, method, args.to_string());
    let mut tx = Tx::new(time as i64, 1024, 4_000_000, vec![action]);
    tx.amount_limit = vec![jsvm_tx::AmountLimit { token: "*".into(), value: "unlimited".into() }];
    tx.add_publish_sign("admin", key);
    Transaction::from_iost(tx).unwrap()
}

/// `contract.method(args)` by admin at `time`.
pub(crate) fn call(contract: &str, method: &str, args: serde_json::Value, time: u64) -> Transaction {
    signed_by(&admin(), contract, method, args, time)
}

/// `amount` iost from admin to `to` at `time`.
pub(crate) fn transfer(to: &str, amount: u64, time: u64) -> Transaction {
    call("token.iost", "transfer", json!(["iost", "admin", to, amount.to_string(), ""]), time)
}

/// A new account `name` holding admin's key, made by admin at `time`.
pub(crate) fn sign_up(name: &str, time: u64) -> Transaction {
    let k = admin().public_key_b58();
    call("auth.iost", "signUp", json!([name, k, k]), time)
}

/// A committed block as a validator reported it: height, block hash, state root.
pub(crate) type Committed = (u64, [u8; 32], [u8; 32]);

/// A validator's mempool (the tests give every validator every transaction, as gossip would)
/// and what it committed.
#[derive(Default)]
pub(crate) struct Pool {
    pub(crate) waiting: Mutex<Vec<Transaction>>,
    pub(crate) committed: Mutex<Vec<Committed>>,
    /// Transactions peers forwarded.
    pub(crate) received: Mutex<Vec<Transaction>>,
}

impl TxSource for Pool {
    fn pending(&self, max: usize) -> Vec<Transaction> {
        self.waiting.lock().unwrap().iter().take(max).cloned().collect()
    }

    fn committed(&self, outcome: &BlockOutcome) {
        let done: Vec<String> = outcome.receipts.iter().map(|r| r.tx_hash.clone()).collect();
        self.waiting.lock().unwrap().retain(|tx| !done.contains(&bs58::encode(tx.hash()).into_string()));
        self.committed.lock().unwrap().push((outcome.height, outcome.block_hash, outcome.state_root));
    }

    fn received(&self, tx: Transaction) {
        self.received.lock().unwrap().push(tx.clone());
        let mut waiting = self.waiting.lock().unwrap();
        if !waiting.iter().any(|w| w.hash() == tx.hash()) {
            waiting.push(tx);
        }
    }
}

impl Pool {
    /// The height of the last block committed.
    pub(crate) fn height(&self) -> u64 {
        self.committed.lock().unwrap().last().map_or(0, |c| c.0)
    }
}
