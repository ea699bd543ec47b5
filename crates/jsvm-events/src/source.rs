//! Where committed blocks come from: the producer hands each one to [`crate::EventHub::publish`]; a
//! [`BlockSource`] reads older ones back for `from_block` replay.

use jsvm_vm::{Receipt, VmError, VmManager};

/// A block as the events need it: committed to the store, so its receipts are final.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedBlock {
    /// The block's height.
    pub height: u64,
    /// Base58 of the block's hash (SHA3-256 of its stored record).
    pub hash: String,
    /// The block's time, nanoseconds since the epoch (what the store's block record says).
    pub time: u64,
    /// One receipt per transaction the block holds, in block order.
    pub receipts: Vec<Receipt>,
}

/// Committed blocks, read back by height.
pub trait BlockSource: Send + Sync {
    /// Height of the last committed block (0 for an empty chain).
    fn head(&self) -> u64;
    /// The committed block at `height`; `Ok(None)` above the head. The error says what could not be read.
    fn block(&self, height: u64) -> Result<Option<CommittedBlock>, String>;
}

/// The VM's store: its block records ([`VmManager::block_with_hash`]) and their receipts
/// ([`VmManager::block_receipts`]).
impl BlockSource for VmManager {
    fn head(&self) -> u64 {
        VmManager::head(self).height
    }

    fn block(&self, height: u64) -> Result<Option<CommittedBlock>, String> {
        let Some((record, hash)) = self.block_with_hash(height).map_err(|e| format!("block {height}: {e}"))? else {
            return Ok(None);
        };
        let receipts = self.block_receipts(&record).map_err(|e| match e {
            VmError::Internal(why) => why,
            other => other.to_string(),
        })?;
        Ok(Some(CommittedBlock { height, hash: bs58::encode(hash).into_string(), time: record.time, receipts }))
    }
}
