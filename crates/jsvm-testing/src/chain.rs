//! The chain one test file runs against: a [`VmManager`] over a fresh in-memory store (a
//! throwaway chain, as a development chain's is), named accounts whose keys come from their
//! names, every transaction signed, one block per transaction at a clock the test controls,
//! and snapshots of the whole store to revert to.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use jsvm_engine::EngineKind;
use jsvm_state::{MemSaved, MemStore, Store, TxState};
use jsvm_tx::{Algorithm, KeyPair};
use jsvm_vm::{Action, Receipt, Status, Transaction, VmConfig, VmManager};
use sha3::{Digest, Sha3_256};

use crate::gas::GasReport;

/// The genesis account, holder of every iost at the start.
pub(crate) const ADMIN: &str = "admin";
/// When a test chain's first block is: 2025-01-01T00:00:00Z, in ns.
pub(crate) const GENESIS_TIME_NS: u64 = 1_735_689_600_000_000_000;
/// How far the clock moves after each block (IOST's blocks are half a second apart; a
/// round second reads better in tests).
pub(crate) const BLOCK_INTERVAL_NS: u64 = 1_000_000_000;
/// A test's contract call may take this long on the wall clock before the block leaves it out:
/// far above a node's 1 s, since test builds are unoptimised and the machine may be busy.
const TX_TIMEOUT: Duration = Duration::from_secs(10);

/// Who sends a transaction and what it may spend.
#[derive(Debug, Clone)]
pub(crate) struct TxOptions {
    /// The publisher, who signs and pays.
    pub from: String,
    /// Further authorisations, `name@permission`; each account's key signs.
    pub signers: Vec<String>,
    /// Gas limit.
    pub gas_limit: u64,
    /// `(token, amount)` pairs; `*` and `unlimited` as in IOST.
    pub amount_limit: Vec<(String, String)>,
}

impl Default for TxOptions {
    fn default() -> Self {
        TxOptions {
            from: ADMIN.into(),
            signers: Vec::new(),
            gas_limit: jsvm_vm::DEFAULT_GAS_LIMIT,
            amount_limit: vec![("*".into(), "unlimited".into())],
        }
    }
}

/// What [`TestChain::snapshot`] keeps: the store, and what the chain knows beside it.
struct Saved {
    store: MemSaved,
    accounts: BTreeSet<String>,
    labels: BTreeMap<String, String>,
    next_time: u64,
}

/// A test file's chain.
pub(crate) struct TestChain {
    vm: VmManager,
    store: Arc<MemStore>,
    /// Accounts made by the test (and admin): their keys derive from their names.
    accounts: BTreeSet<String>,
    /// Contract id → the name the gas report shows.
    labels: BTreeMap<String, String>,
    /// The time of the next block, ns.
    next_time: u64,
    saved: Vec<Saved>,
    /// Gas of successful calls, kept across reverts.
    pub(crate) gas: GasReport,
}

/// The key of a test account: an ed25519 key from the SHA3-256 of its name (the same on every
/// run, so a test may print or pin it; never use such a key on a real chain).
pub(crate) fn key_of(name: &str) -> KeyPair {
    let seed: [u8; 32] = Sha3_256::digest(format!("jsvm test account {name}")).into();
    KeyPair::from_seed(Algorithm::Ed25519, &seed)
}

impl TestChain {
    /// A new chain with `admin` holding the native supply; contracts run on `engine`.
    pub(crate) fn new(engine: EngineKind) -> Result<TestChain, String> {
        let store = Arc::new(MemStore::new());
        let config = VmConfig {
            workers: 1,
            engine,
            require_signatures: true,
            admin_key: Some(key_of(ADMIN).public_key_b58()),
            tx_timeout: TX_TIMEOUT,
            ..VmConfig::default()
        };
        let vm = VmManager::new(store.clone() as Arc<dyn Store>, config).map_err(|e| e.to_string())?;
        Ok(TestChain {
            vm,
            store,
            accounts: BTreeSet::from([ADMIN.to_string()]),
            labels: BTreeMap::new(),
            next_time: GENESIS_TIME_NS,
            saved: Vec::new(),
            gas: GasReport::default(),
        })
    }

    /// The time of the next block, ns.
    pub(crate) fn time(&self) -> u64 {
        self.next_time
    }

    /// Sets the next block's time; it must be after the last block's.
    pub(crate) fn set_time(&mut self, ns: u64) -> Result<(), String> {
        let last = self.vm.head().time;
        if ns <= last {
            return Err(format!(
                "time can only move forward: the last block is at {} s, asked {} s",
                secs(last),
                secs(ns)
            ));
        }
        self.next_time = ns;
        Ok(())
    }

    /// Height of the last block.
    pub(crate) fn height(&self) -> u64 {
        self.vm.head().height
    }

    /// Whether `name` is an account this chain made.
    pub(crate) fn has_account(&self, name: &str) -> bool {
        self.accounts.contains(name)
    }

    /// Makes account `name` (signed up by admin, with its key as owner and active) and gives it
    /// `iost` from admin's.
    pub(crate) fn create_account(&mut self, name: &str, iost: &str) -> Result<(), String> {
        if !jsvm_vm::valid_name(name) {
            return Err(format!("{name:?} is not an account name: 1 to 64 of A-Z a-z 0-9 _ ."));
        }
        let key = key_of(name).public_key_b58();
        let mut actions = vec![Action::new("auth.iost", "signUp", serde_json::json!([name, key, key]).to_string())];
        if iost != "0" {
            let transfer = serde_json::json!(["iost", ADMIN, name, iost, "funding"]);
            actions.push(Action::new("token.iost", "transfer", transfer.to_string()));
        }
        self.accounts.insert(name.to_string());
        let (receipt, _) = self.execute(&TxOptions::default(), actions)?;
        if receipt.status != Status::Success {
            self.accounts.remove(name);
            return Err(format!("cannot make account {name}: {}", receipt.message));
        }
        Ok(())
    }

    /// Executes `actions` as a block of their own; returns the receipt and the contracts' log lines.
    pub(crate) fn execute(&mut self, opts: &TxOptions, actions: Vec<Action>) -> Result<(Receipt, Vec<String>), String> {
        let tx = self.signed(opts, actions)?;
        let time = self.next_time;
        let out = self.vm.execute_tx(tx, time).map_err(|e| e.to_string())?;
        self.next_time = self.vm.head().time.saturating_add(BLOCK_INTERVAL_NS);
        Ok(out)
    }

    /// Runs `actions` read-only on the last block's state: nothing is kept, no block is made.
    pub(crate) fn query(&self, opts: &TxOptions, actions: Vec<Action>) -> Result<(Receipt, Vec<String>), String> {
        self.vm.query(self.signed(opts, actions)?).map_err(|e| e.to_string())
    }

    /// Remembers `label` as the name of contract `id` in the gas report.
    pub(crate) fn label(&mut self, id: &str, label: &str) {
        self.labels.insert(id.to_string(), label.to_string());
    }

    /// Adds a successful single-call transaction's gas to the report.
    pub(crate) fn record_gas(&mut self, contract: &str, method: &str, gas: u64) {
        let label = self.labels.get(contract).map_or(contract, String::as_str);
        self.gas.record(label, method, gas);
    }

    /// A contract's stored value (or map field), None when absent.
    pub(crate) fn storage(&self, contract: &str, key: &str, field: Option<&str>) -> Result<Option<String>, String> {
        let (_, snapshot) = self.vm.store().snapshot();
        let state = TxState::new(snapshot);
        match field {
            Some(field) => jsvm_runtime::storage::map_get(&state, contract, key, field),
            None => jsvm_runtime::storage::get(&state, contract, key),
        }
    }

    /// The fields of a contract's stored map.
    pub(crate) fn map_keys(&self, contract: &str, key: &str) -> Result<Vec<String>, String> {
        let (_, snapshot) = self.vm.store().snapshot();
        jsvm_runtime::storage::map_keys(&TxState::new(snapshot), contract, key)
    }

    /// Saves the chain as it is; the id is for [`TestChain::revert`].
    pub(crate) fn snapshot(&mut self) -> usize {
        self.saved.push(Saved {
            store: self.store.saved(),
            accounts: self.accounts.clone(),
            labels: self.labels.clone(),
            next_time: self.next_time,
        });
        self.saved.len() - 1
    }

    /// Puts the chain back as it was at snapshot `id` (blocks, state, accounts, clock); the
    /// snapshot stays, to revert to again.
    pub(crate) fn revert(&mut self, id: usize) -> Result<(), String> {
        let saved = self.saved.get(id).ok_or_else(|| format!("no snapshot {id}: ids come from chain.snapshot()"))?;
        self.store.restore(&saved.store);
        self.accounts = saved.accounts.clone();
        self.labels = saved.labels.clone();
        self.next_time = saved.next_time;
        Ok(())
    }

    /// `actions` as a transaction signed by the publisher's and each signer's key.
    fn signed(&self, opts: &TxOptions, actions: Vec<Action>) -> Result<Transaction, String> {
        let key = |name: &str| {
            if self.accounts.contains(name) {
                Ok(key_of(name))
            } else {
                Err(format!("no account {name}: make it with chain.account(\"{name}\") first"))
            }
        };
        let time = i64::try_from(self.next_time).map_err(|_| "the clock is past the year 2262".to_string())?;
        let gas_limit =
            i64::try_from(opts.gas_limit).map_err(|_| format!("gas limit {} is too large", opts.gas_limit))?;
        let actions =
            actions.into_iter().map(|a| jsvm_tx::Action::new(a.contract, a.action_name, a.data)).collect::<Vec<_>>();
        let mut tx = jsvm_tx::Tx::new(time, VmConfig::default().chain_id, gas_limit, actions);
        tx.signers = opts.signers.clone();
        tx.amount_limit = opts
            .amount_limit
            .iter()
            .map(|(token, value)| jsvm_tx::AmountLimit { token: token.clone(), value: value.clone() })
            .collect();
        let mut signed_by = BTreeSet::from([opts.from.as_str()]);
        for signer in &opts.signers {
            let name = signer.split_once('@').map_or(signer.as_str(), |(name, _)| name);
            if signed_by.insert(name) {
                tx.add_sign(&key(name)?);
            }
        }
        tx.add_publish_sign(&opts.from, &key(&opts.from)?);
        Transaction::from_iost(tx).map_err(|e| e.to_string())
    }
}

/// Nanoseconds as seconds, for messages.
fn secs(ns: u64) -> f64 {
    ns as f64 / 1e9
}
