//! Blocks between execution and commit: what a consensus engine orders.
//!
//! A replicated chain executes a block before it is final: the proposer to say what the block
//! is (its receipts and state root), every other validator to check that claim before it votes.
//! Only once the engine has finalised the block may it be committed. [`PreparedBlock`] is a block
//! in that state: executed on the head it names, held in memory, committed by
//! [`VmManager::commit_prepared`] only if that head is still the chain's head.

use std::sync::Arc;

use jsvm_state::{BlockCommit, ChainHead, KnownRoot};

use crate::manager::BlockOutcome;
use crate::{Receipt, Transaction, VmError, VmManager};

/// A block to validate: its transactions, time and producer, and the receipts and state
/// root its producer claims.
#[derive(Debug, Clone)]
pub struct ProposedBlock {
    /// The block's transactions, in the order they must run.
    pub txs: Vec<Transaction>,
    /// Block time claimed by the producer, nanoseconds since the epoch.
    pub time: u64,
    /// The producing node's name (contracts read it as `block.witness`, and the block's record
    /// holds it, so re-execution must use the producer's, not the validator's own).
    pub witness: String,
    /// The producer's receipts, one per transaction; re-execution must match them field by field.
    pub receipts: Vec<Receipt>,
    /// The producer's state root after the block; re-execution must reach the same one.
    pub state_root: [u8; 32],
}

/// A block executed on a head and not committed: its writes, record and receipts in memory.
#[derive(Debug)]
pub struct PreparedBlock {
    /// The head the block was executed on: it can be committed only on that head.
    pub(crate) parent: ChainHead,
    pub(crate) time: u64,
    pub(crate) witness: String,
    /// The transactions the block holds (those left out are not here).
    pub(crate) txs: Vec<Arc<Transaction>>,
    pub(crate) commit: BlockCommit,
    pub(crate) root: KnownRoot,
    pub(crate) outcome: BlockOutcome,
}

impl PreparedBlock {
    /// The head the block was executed on.
    pub fn parent(&self) -> ChainHead {
        self.parent
    }

    /// What committing the block will give: its height, hash, state root and receipts.
    pub fn outcome(&self) -> &BlockOutcome {
        &self.outcome
    }

    /// The block as its producer sends it to validators: the transactions it holds, its time
    /// (as raised above the parent's), the producer, the receipts and the state root.
    pub fn proposal(&self) -> ProposedBlock {
        ProposedBlock {
            txs: self.txs.iter().map(|tx| Transaction::clone(tx)).collect(),
            time: self.time,
            witness: self.witness.clone(),
            receipts: self.outcome.receipts.clone(),
            state_root: self.outcome.state_root,
        }
    }
}

impl VmManager {
    /// Executes `txs` as the next block on the current head, produced by `witness`, and keeps it
    /// uncommitted. As [`VmManager::execute_block`] does, it refuses a block with a malformed,
    /// replayed or badly signed transaction, and leaves out (see [`BlockOutcome::left_out`]) a
    /// transaction past [`crate::VmConfig::tx_timeout`] or the block's write bound.
    pub fn prepare_block(&self, txs: Vec<Transaction>, time: u64, witness: &str) -> Result<PreparedBlock, VmError> {
        let _one_at_a_time = self.block_lock.lock().unwrap_or_else(|e| e.into_inner());
        self.run_block(txs, time, self.config.tx_timeout, witness)
    }

    /// Re-executes a block another node produced on the current head, keeping it uncommitted,
    /// and refuses it ([`VmError::BlockMismatch`], naming the first transaction and field that
    /// differ) unless every receipt and the state root match the ones given. Each transaction
    /// runs under [`crate::VmConfig::validator_tx_timeout`]; one this node would have left out
    /// of the block (past even that deadline, or past the block's write bound) is a mismatch.
    pub fn prepare_proposed(&self, block: &ProposedBlock) -> Result<PreparedBlock, VmError> {
        let _one_at_a_time = self.block_lock.lock().unwrap_or_else(|e| e.into_inner());
        self.prepare_proposed_locked(block)
    }

    /// Commits a prepared block if the chain's head is still the one it was executed on; a
    /// block prepared on an earlier head is [`VmError::StaleBlock`] and commits nothing.
    pub fn commit_prepared(&self, block: PreparedBlock) -> Result<BlockOutcome, VmError> {
        let _one_at_a_time = self.block_lock.lock().unwrap_or_else(|e| e.into_inner());
        self.commit_prepared_locked(block)
    }

    pub(crate) fn prepare_proposed_locked(&self, block: &ProposedBlock) -> Result<PreparedBlock, VmError> {
        let prepared =
            self.run_block(block.txs.clone(), block.time, self.config.validator_tx_timeout, &block.witness)?;
        let outcome = &prepared.outcome;
        if let Some(l) = outcome.left_out.first() {
            return Err(VmError::BlockMismatch(format!(
                "transaction {} cannot be in the block: {}",
                l.tx_hash, l.reason
            )));
        }
        if block.receipts.len() != outcome.receipts.len() {
            return Err(VmError::BlockMismatch(format!(
                "{} receipts given for {} transactions",
                block.receipts.len(),
                outcome.receipts.len()
            )));
        }
        for (i, (given, got)) in block.receipts.iter().zip(&outcome.receipts).enumerate() {
            if let Some(field) = first_difference(given, got) {
                return Err(VmError::BlockMismatch(format!(
                    "transaction #{i} {}: {field} differs: given {}, re-executed {}",
                    got.tx_hash,
                    field_text(given, field),
                    field_text(got, field)
                )));
            }
        }
        if block.state_root != outcome.state_root {
            return Err(VmError::BlockMismatch(format!(
                "state root differs: given {}, re-executed {}",
                hex::encode(block.state_root),
                hex::encode(outcome.state_root)
            )));
        }
        Ok(prepared)
    }

    /// Commits `block` (the caller holds the block lock); its state root was computed when it
    /// was prepared, so the store need not compute it again.
    pub(crate) fn commit_prepared_locked(&self, block: PreparedBlock) -> Result<BlockOutcome, VmError> {
        let head = self.store.head();
        if head != block.parent {
            return Err(VmError::StaleBlock(format!(
                "block {} was executed on block {} (state root {}), but the head is now block {} (state root {})",
                block.outcome.height,
                block.parent.height,
                hex::encode(block.parent.state_root),
                head.height,
                hex::encode(head.state_root)
            )));
        }
        let new_head = self.store.commit_block_rooted(block.commit, Some(block.root))?;
        debug_assert_eq!(new_head.state_root, block.outcome.state_root);
        Ok(block.outcome)
    }
}

/// The first receipt field in which `a` and `b` differ.
fn first_difference(a: &Receipt, b: &Receipt) -> Option<&'static str> {
    let fields: [(&str, bool); 10] = [
        ("tx_hash", a.tx_hash == b.tx_hash),
        ("status", a.status == b.status),
        ("status_code", a.status_code == b.status_code),
        ("message", a.message == b.message),
        ("gas_used", a.gas_used == b.gas_used),
        ("ram_usage", a.ram_usage == b.ram_usage),
        ("returns", a.returns == b.returns),
        ("receipts", a.receipts == b.receipts),
        ("events", a.events == b.events),
        ("block", a.block == b.block),
    ];
    fields.into_iter().find(|(_, same)| !same).map(|(name, _)| name)
}

/// One field of a receipt, as JSON, for a mismatch message.
fn field_text(r: &Receipt, field: &str) -> String {
    serde_json::to_value(r).ok().and_then(|v| v.get(field).map(|f| f.to_string())).unwrap_or_default()
}
