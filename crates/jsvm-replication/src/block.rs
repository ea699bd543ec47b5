//! A block as it travels between validators, and the digest consensus orders it by.
//!
//! The digest of a block is its hash in the VM (SHA3-256 of its stored record: height, parent
//! hash, time, witness, parent and new state roots, transactions), so what consensus finalises
//! is exactly what the store keeps and the HTTP API shows. A validator learns that digest only by
//! executing the block, which is also how it checks the block.

use jsvm_vm::{PreparedBlock, ProposedBlock, Receipt, Transaction};
use serde::{Deserialize, Serialize};

/// Largest encoded block a validator accepts from a peer.
pub const MAX_WIRE_BLOCK_BYTES: usize = 16 << 20;

/// A consensus digest: a block's hash in the VM, or the genesis digest.
pub type BlockDigest = [u8; 32];

/// A block proposal: the chain position it claims, and what its producer executed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireBlock {
    /// Its height (the first block is 1).
    pub height: u64,
    /// Hex of the digest of the block it builds on (the genesis digest for block 1).
    pub parent: String,
    /// Hex of its own digest, as the producer computed it; a validator checks it by re-execution.
    pub digest: String,
    /// Block time, nanoseconds since the epoch.
    pub time: u64,
    /// The producer's name.
    pub witness: String,
    /// The transactions, in block order.
    pub txs: Vec<Transaction>,
    /// The producer's receipts, one per transaction.
    pub receipts: Vec<Receipt>,
    /// Hex of the state root after the block.
    pub state_root: String,
}

impl WireBlock {
    /// The wire form of a block this node prepared on `parent`.
    pub fn of(prepared: &PreparedBlock, parent: &BlockDigest) -> WireBlock {
        let p = prepared.proposal();
        WireBlock {
            height: prepared.outcome().height,
            parent: hex::encode(parent),
            digest: hex::encode(prepared.outcome().block_hash),
            time: p.time,
            witness: p.witness,
            txs: p.txs,
            receipts: p.receipts,
            state_root: hex::encode(p.state_root),
        }
    }

    /// The bytes sent to peers.
    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// A peer's bytes, refused when too big or malformed.
    pub fn decode(bytes: &[u8]) -> Result<WireBlock, String> {
        if bytes.len() > MAX_WIRE_BLOCK_BYTES {
            return Err(format!("a block of {} bytes is over the {MAX_WIRE_BLOCK_BYTES}-byte bound", bytes.len()));
        }
        let block: WireBlock = serde_json::from_slice(bytes).map_err(|e| format!("a block is malformed: {e}"))?;
        block.parent_digest()?;
        block.claimed_digest()?;
        hex32(&block.state_root, "state_root")?;
        Ok(block)
    }

    /// The digest of the block it builds on.
    pub fn parent_digest(&self) -> Result<BlockDigest, String> {
        hex32(&self.parent, "parent")
    }

    /// The digest its producer claims.
    pub fn claimed_digest(&self) -> Result<BlockDigest, String> {
        hex32(&self.digest, "digest")
    }

    /// What the VM re-executes.
    pub fn proposal(&self) -> Result<ProposedBlock, String> {
        Ok(ProposedBlock {
            txs: self.txs.clone(),
            time: self.time,
            witness: self.witness.clone(),
            receipts: self.receipts.clone(),
            state_root: hex32(&self.state_root, "state_root")?,
        })
    }
}

fn hex32(text: &str, field: &str) -> Result<[u8; 32], String> {
    let bytes = hex::decode(text).map_err(|_| format!("a block's {field} is not hex"))?;
    bytes.try_into().map_err(|_| format!("a block's {field} is not 32 bytes"))
}
