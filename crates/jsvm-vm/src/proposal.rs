//! Blocks between execution and commit: what a consensus engine orders.
//!
//! A replicated chain executes a block before it is final: the proposer to say what the block
//! is (its receipts and state root), every other validator to check that claim before it votes.
//! Only once the engine has finalised the block may it be committed. [`PreparedBlock`] is a block
//! in that state: executed on the head it names, held in memory, committed by
//! [`VmManager::commit_prepared`] only if that head is still the chain's head. The engine may
//! build on a block before it is final, so a block can also be prepared on a prepared one (its
//! writes laid over the state it ran on), and the two committed in order once both are final.

use std::collections::HashSet;
use std::sync::Arc;

use jsvm_state::{BlockCommit, ChainHead, KnownRoot, LayeredState, StateRead, Writes};

use crate::manager::BlockOutcome;
use crate::parallel::Leftovers;
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
pub struct PreparedBlock {
    /// The head the block was executed on: it can be committed only on that head.
    pub(crate) parent: ChainHead,
    pub(crate) witness: String,
    /// The transactions the block holds (those left out are not here).
    pub(crate) txs: Vec<Arc<Transaction>>,
    /// The state the block ran on, and its writes: together, the state after it.
    pub(crate) base: Arc<dyn StateRead>,
    pub(crate) writes: Arc<Writes>,
    /// Hashes of the transactions of the uncommitted blocks below this one.
    pub(crate) pending: Arc<HashSet<[u8; 32]>>,
    /// The store's batch, less the writes (in `writes`, shared with blocks prepared on this one).
    pub(crate) commit: BlockCommit,
    pub(crate) root: KnownRoot,
    pub(crate) outcome: BlockOutcome,
    /// What a parallel run left to free, freed while the block is written.
    pub(crate) leftovers: Option<Leftovers>,
}

impl std::fmt::Debug for PreparedBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedBlock")
            .field("parent", &self.parent)
            .field("height", &self.outcome.height)
            .field("block_hash", &hex::encode(self.outcome.block_hash))
            .field("txs", &self.txs.len())
            .finish_non_exhaustive()
    }
}

/// What a block is executed on: the committed head, or a block prepared and not committed.
pub(crate) struct BlockBase {
    /// The parent, as the store's head will be once it is committed.
    pub head: ChainHead,
    pub state: Arc<dyn StateRead>,
    /// The parent block's hash; None: the store's block at `head.height`.
    pub parent_hash: Option<[u8; 32]>,
    /// Transactions of the uncommitted blocks below: a block may not hold them again.
    pub pending: Arc<HashSet<[u8; 32]>>,
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

    /// The head the store will have once this block is committed.
    pub fn head_after(&self) -> ChainHead {
        ChainHead { height: self.outcome.height, state_root: self.outcome.state_root, time: self.commit.time }
    }

    /// This block as the base of the next one: its writes over the state it ran on.
    fn as_base(&self) -> BlockBase {
        let mut pending = HashSet::clone(&self.pending);
        pending.extend(self.commit.receipts.iter().filter_map(|(hash, _)| <[u8; 32]>::try_from(hash.as_slice()).ok()));
        BlockBase {
            head: self.head_after(),
            state: Arc::new(LayeredState::new(self.base.clone(), self.writes.clone())),
            parent_hash: Some(self.outcome.block_hash),
            pending: Arc::new(pending),
        }
    }

    /// The block as its producer sends it to validators: the transactions it holds, its time
    /// (as raised above the parent's), the producer, the receipts and the state root.
    pub fn proposal(&self) -> ProposedBlock {
        ProposedBlock {
            txs: self.txs.iter().map(|tx| Transaction::clone(tx)).collect(),
            time: self.commit.time,
            witness: self.witness.clone(),
            receipts: self.outcome.receipts.clone(),
            state_root: self.outcome.state_root,
        }
    }
}

impl VmManager {
    /// The committed head as the base of the next block.
    pub(crate) fn committed_base(&self) -> BlockBase {
        let (head, state) = self.store.snapshot();
        BlockBase { head, state, parent_hash: None, pending: Arc::default() }
    }

    fn base_on(&self, parent: Option<&PreparedBlock>) -> BlockBase {
        parent.map_or_else(|| self.committed_base(), PreparedBlock::as_base)
    }

    /// Executes `txs` as the next block, produced by `witness`, and keeps it uncommitted: on the
    /// committed head, or on `parent`, a block prepared and not yet committed. As
    /// [`VmManager::execute_block`] does, it refuses a block with a malformed, replayed or badly
    /// signed transaction, and leaves out (see [`BlockOutcome::left_out`]) a transaction past
    /// [`crate::VmConfig::tx_timeout`] or the block's write bound.
    pub fn prepare_block(
        &self,
        parent: Option<&PreparedBlock>,
        txs: Vec<Transaction>,
        time: u64,
        witness: &str,
    ) -> Result<PreparedBlock, VmError> {
        let _one_at_a_time = self.block_lock.lock().unwrap_or_else(|e| e.into_inner());
        self.run_block(self.base_on(parent), txs, time, self.config.tx_timeout, witness)
    }

    /// Re-executes a block another node produced, on the committed head or on `parent` (a block
    /// prepared and not yet committed), keeping it uncommitted, and refuses it
    /// ([`VmError::BlockMismatch`], naming the first transaction and field that differ) unless
    /// every receipt and the state root match the ones given. Each transaction
    /// runs under [`crate::VmConfig::validator_tx_timeout`]; one this node would have left out
    /// of the block (past even that deadline, or past the block's write bound) is a mismatch.
    pub fn prepare_proposed(
        &self,
        parent: Option<&PreparedBlock>,
        block: &ProposedBlock,
    ) -> Result<PreparedBlock, VmError> {
        let _one_at_a_time = self.block_lock.lock().unwrap_or_else(|e| e.into_inner());
        self.prepare_proposed_locked(self.base_on(parent), block)
    }

    /// Commits a prepared block if the chain's head is the one it was executed on (for a block
    /// prepared on another, once that one is committed); otherwise it is [`VmError::StaleBlock`]
    /// and commits nothing.
    pub fn commit_prepared(&self, block: PreparedBlock) -> Result<BlockOutcome, VmError> {
        let _one_at_a_time = self.block_lock.lock().unwrap_or_else(|e| e.into_inner());
        self.commit_prepared_locked(block)
    }

    pub(crate) fn prepare_proposed_locked(
        &self,
        on: BlockBase,
        block: &ProposedBlock,
    ) -> Result<PreparedBlock, VmError> {
        let timeout = self.config.validator_tx_timeout;
        let prepared = self.run_block(on, block.txs.clone(), block.time, timeout, &block.witness)?;
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
    pub(crate) fn commit_prepared_locked(&self, mut block: PreparedBlock) -> Result<BlockOutcome, VmError> {
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
        // The writes are copied only if a block prepared on this one still shares them.
        block.commit.state = Arc::try_unwrap(block.writes).unwrap_or_else(|shared| Writes::clone(&shared));
        // Meanwhile a worker frees what the parallel run left: the write keeps one core busy.
        if let Some(leftovers) = block.leftovers.take() {
            self.pool.free_later(leftovers);
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
