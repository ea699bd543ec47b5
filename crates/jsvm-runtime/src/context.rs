use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Signer;

/// The block a transaction runs in, as contracts see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockEnv {
    /// Block height: one more than the head it builds on.
    pub number: u64,
    /// base58 of the previous block's state root.
    pub parent_hash: String,
    /// Name of the node that produces the block.
    pub witness: String,
    /// Block time, ns since the Unix epoch: an input of the block, never a clock read.
    pub time: u64,
}

/// The transaction, as contracts see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxEnv {
    /// base58 of the transaction hash.
    pub hash: String,
    /// The account that sent the transaction and pays its gas.
    pub publisher: String,
    /// The signers besides the publisher, as the transaction lists them.
    pub signers: Vec<Signer>,
    /// The client's timestamp, ns since the Unix epoch (part of the transaction hash).
    pub time: u64,
    /// Most gas the transaction may use, as the transaction states it.
    pub gas_limit: u64,
    /// `(contract, actionName, data)` of every action.
    pub actions: Vec<(String, String, String)>,
}

/// One contract call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFrame {
    /// Id of the contract being called.
    pub contract: String,
    /// The ABI method being called.
    pub method: String,
    /// The called contract's owner, who pays for its storage unless a payer is named; empty until the
    /// VM has loaded the contract's record.
    pub owner: String,
    /// Who called: the publisher for a top-level action.
    pub caller: String,
    /// Whether `caller` is an account (a top-level action) rather than a contract (a nested call).
    pub caller_is_account: bool,
    /// Stack height: 1 for a transaction's action, one more for each nested call.
    pub height: usize,
    /// Contracts that granted their authority down the stack with `callWithAuth`.
    pub auth_contracts: Vec<String>,
    /// `contract/method` of every nested frame down to this one (the action's own
    /// frame is not listed, as in IOST: one self-call is allowed).
    pub nested: Vec<String>,
}

/// A `blockchain.receipt` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptEntry {
    /// `contract/method` of the frame that wrote it.
    pub func_name: String,
    /// The text the contract passed to `blockchain.receipt`.
    pub content: String,
}

/// A `blockchain.event` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Id of the contract that emitted it.
    pub contract: String,
    /// The text the contract passed to `blockchain.event`.
    pub content: String,
}

/// Most bytes one transaction's storage writes may carry (key, field and value of every
/// put and delete, reverted ones included, as their gas is): its journal holds them until
/// the block commits. The per-byte write price keeps the default 4,000,000 gas under it.
pub const MAX_TX_WRITE_BYTES: usize = 4 << 20;
/// Most bytes of `blockchain.receipt` and `blockchain.event` entries one transaction may
/// keep (content plus the entry's contract or function name).
pub const MAX_TX_RECEIPT_BYTES: usize = 1 << 20;

/// What a transaction produced besides state writes; rolled back with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effects {
    /// `blockchain.receipt` entries, in the order written.
    pub receipts: Vec<ReceiptEntry>,
    /// `blockchain.event` entries, in the order emitted.
    pub events: Vec<Event>,
    /// RAM bytes charged (+) or refunded (−) per payer.
    pub ram: BTreeMap<String, i64>,
    /// console output: for the node's log only, never part of a receipt.
    pub logs: Vec<String>,
    /// Bytes the transaction's storage writes carried so far; never rolled back, as gas is not.
    written: usize,
    /// Bytes held by `receipts` and `events`.
    stored: usize,
}

/// Where [`Effects`] stood when a nested call began.
#[derive(Debug, Clone)]
pub struct EffectsMark {
    receipts: usize,
    events: usize,
    ram: BTreeMap<String, i64>,
    stored: usize,
}

impl Effects {
    /// Remembers the current effects, so a failed nested call can drop its own.
    pub fn mark(&self) -> EffectsMark {
        EffectsMark {
            receipts: self.receipts.len(),
            events: self.events.len(),
            ram: self.ram.clone(),
            stored: self.stored,
        }
    }

    /// Drops everything produced since `mark` (console lines stay: they are the node's log).
    pub fn rollback(&mut self, mark: EffectsMark) {
        self.receipts.truncate(mark.receipts);
        self.events.truncate(mark.events);
        self.ram = mark.ram;
        self.stored = mark.stored;
    }

    /// Adds `bytes` (may be negative) to `payer`'s RAM usage.
    pub fn charge_ram(&mut self, payer: &str, bytes: i64) {
        if bytes != 0 {
            *self.ram.entry(payer.to_string()).or_insert(0) += bytes;
        }
    }

    /// Counts a storage write of `bytes` (key, field and value) against [`MAX_TX_WRITE_BYTES`];
    /// past it the write is refused.
    pub fn count_write(&mut self, bytes: usize) -> Result<(), String> {
        let total = self.written.saturating_add(bytes);
        if total > MAX_TX_WRITE_BYTES {
            return Err(format!(
                "transaction writes too much: {total} bytes of keys and values, at most {MAX_TX_WRITE_BYTES}"
            ));
        }
        self.written = total;
        Ok(())
    }

    /// Keeps a `blockchain.receipt` entry, within [`MAX_TX_RECEIPT_BYTES`].
    pub fn push_receipt(&mut self, entry: ReceiptEntry) -> Result<(), String> {
        self.store(entry.func_name.len() + entry.content.len())?;
        self.receipts.push(entry);
        Ok(())
    }

    /// Keeps a `blockchain.event` entry, within [`MAX_TX_RECEIPT_BYTES`].
    pub fn push_event(&mut self, event: Event) -> Result<(), String> {
        self.store(event.contract.len() + event.content.len())?;
        self.events.push(event);
        Ok(())
    }

    fn store(&mut self, bytes: usize) -> Result<(), String> {
        let total = self.stored.saturating_add(bytes);
        if total > MAX_TX_RECEIPT_BYTES {
            return Err(format!(
                "transaction's receipts and events too large: {total} bytes, at most {MAX_TX_RECEIPT_BYTES}"
            ));
        }
        self.stored = total;
        Ok(())
    }
}

impl BlockEnv {
    /// `blockchain.blockInfo()` (keys sorted, as IOST's).
    pub fn info_json(&self) -> String {
        json!({"number": self.number, "parent_hash": self.parent_hash, "time": self.time, "witness": self.witness})
            .to_string()
    }
}

impl TxEnv {
    /// The authorizations a contract sees (`tx.authList`, `txInfo().auth_list`), in key order:
    /// the publisher's `active` with weight 2, each signer's permission with weight 1 (a signature
    /// for the publisher's own `active` counts once, as a signer).
    pub(crate) fn auth_entries(&self) -> BTreeMap<String, u8> {
        let mut auth = BTreeMap::new();
        auth.insert(format!("{}@active", self.publisher), 2);
        for s in &self.signers {
            auth.insert(format!("{}@{}", s.name, s.permission), 1);
        }
        auth
    }

    fn auth_list(&self) -> serde_json::Value {
        json!(self.auth_entries())
    }

    /// `blockchain.txInfo()`; `gas_left` is the gas remaining when the action started.
    pub fn info_json(&self, gas_left: u64) -> String {
        let actions: Vec<_> =
            self.actions.iter().map(|(c, a, d)| json!({"contract": c, "actionName": a, "data": d})).collect();
        json!({
            "actions": actions, "amount_limit": [], "auth_list": self.auth_list(), "expiration": 0,
            "gas_limit": gas_left, "gas_ratio": 1, "hash": self.hash, "publisher": self.publisher, "time": self.time,
        })
        .to_string()
    }
}

impl CallFrame {
    /// `blockchain.contextInfo()`.
    pub fn info_json(&self, publisher: &str) -> String {
        json!({
            "abi_name": self.method,
            "caller": {"name": self.caller, "is_account": self.caller_is_account},
            "contract_name": self.contract,
            "publisher": publisher,
        })
        .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transaction_writes_at_most_its_bound_even_across_rollbacks() {
        let mut fx = Effects::default();
        let mark = fx.mark();
        fx.count_write(MAX_TX_WRITE_BYTES - 10).unwrap();
        fx.rollback(mark);
        fx.count_write(10).unwrap();
        assert_eq!(
            fx.count_write(1).unwrap_err(),
            format!(
                "transaction writes too much: {} bytes of keys and values, at most 4194304",
                MAX_TX_WRITE_BYTES + 1
            )
        );
        fx.count_write(0).unwrap();
    }

    #[test]
    fn receipts_and_events_share_one_bound_that_a_rollback_gives_back() {
        let mut fx = Effects::default();
        let entry = |n: usize| ReceiptEntry { func_name: "C/m".into(), content: "r".repeat(n) };
        fx.push_receipt(entry(MAX_TX_RECEIPT_BYTES / 2)).unwrap();
        let mark = fx.mark();
        fx.push_event(Event { contract: "C".into(), content: "e".repeat(MAX_TX_RECEIPT_BYTES / 2 - 10) }).unwrap();
        assert!(fx.push_receipt(entry(10)).unwrap_err().starts_with("transaction's receipts and events too large"));
        fx.rollback(mark);
        fx.push_receipt(entry(10)).unwrap();
        assert_eq!(fx.receipts.len(), 2);
        assert!(fx.events.is_empty());
    }
}
