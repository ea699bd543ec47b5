//! A validator's chain between the VM and consensus: blocks proposed, received, executed and
//! not yet final, and the commit of each once consensus finalises it.
//!
//! Consensus may build on a block before it is final, so a block is executed on its parent
//! whether or not that parent is committed yet (the VM's prepared blocks), and a finalised block
//! commits together with every uncommitted block below it, lowest first. Nothing here knows which
//! consensus engine runs; `engine` calls it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use jsvm_vm::{BlockOutcome, PreparedBlock, Transaction, VmError, VmManager};

use crate::block::{BlockDigest, WireBlock};
use crate::genesis::Genesis;

/// How far ahead of a validator's clock a block's time may be and still get its vote.
pub const MAX_CLOCK_DRIFT_NS: u64 = 10_000_000_000;

/// Most blocks kept uncommitted; past this, blocks received are refused until some commit.
pub const MAX_PENDING_BLOCKS: usize = 1024;

/// Most bytes of uncommitted blocks kept (their encoded size): a peer pushing blocks cannot
/// make a validator hold more.
pub const MAX_PENDING_BYTES: usize = 512 << 20;

/// How far above the committed head a block received may be: consensus builds at most a few
/// blocks ahead of finality, and a validator catching up holds the blocks between its head and
/// the finalised one until it can commit them, lowest first (about 8 minutes of an idle chain's
/// empty blocks; a validator further behind cannot catch up by itself).
pub const MAX_HEIGHT_AHEAD: u64 = MAX_PENDING_BLOCKS as u64;

/// What a validator says of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It re-executes to the digest it claims, on the parent it claims: vote for it.
    Valid,
    /// It does not: the reason.
    Invalid(String),
    /// The block (or a block below it) has not reached this validator yet.
    Missing(BlockDigest),
}

/// Why a finalised block could not be committed.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// A block between the committed head and the finalised one has not reached this validator.
    #[error("block {} is missing", hex::encode(.0))]
    Missing(BlockDigest),
    /// A finalised block does not re-execute to its digest here: this validator's VM disagrees
    /// with the quorum, and must stop rather than commit something else.
    #[error("finalised block {digest} does not re-execute here: {reason}", digest = hex::encode(.0), reason = .1)]
    Diverged(BlockDigest, String),
    /// The store failed.
    #[error(transparent)]
    Vm(#[from] VmError),
}

struct Pending {
    wire: WireBlock,
    /// Its bytes as they travel (counted against [`MAX_PENDING_BYTES`]).
    encoded: Vec<u8>,
    prepared: Option<PreparedBlock>,
}

/// One validator's chain.
pub struct ReplicaChain {
    vm: Arc<VmManager>,
    genesis_digest: BlockDigest,
    genesis_time: u64,
    pending: HashMap<BlockDigest, Pending>,
}

impl ReplicaChain {
    /// The chain in `vm`'s store, which `genesis` started.
    pub fn new(vm: Arc<VmManager>, genesis: &Genesis) -> ReplicaChain {
        ReplicaChain { vm, genesis_digest: genesis.digest(), genesis_time: genesis.time_ns, pending: HashMap::new() }
    }

    /// The VM below.
    pub fn vm(&self) -> &Arc<VmManager> {
        &self.vm
    }

    /// What consensus calls the block before the first.
    pub fn genesis_digest(&self) -> BlockDigest {
        self.genesis_digest
    }

    /// The height and digest of the last committed block (the genesis digest at height 0).
    pub fn committed(&self) -> Result<(u64, BlockDigest), VmError> {
        let head = self.vm.head();
        if head.height == 0 {
            return Ok((0, self.genesis_digest));
        }
        match self.vm.block_hash_at(head.height)? {
            Some(hash) => Ok((head.height, hash)),
            None => Err(VmError::Internal(format!("the store has no record of its head block {}", head.height))),
        }
    }

    /// The height of `digest` if it is the committed head (`committed`) or a block held here.
    fn height_of(&self, digest: &BlockDigest, committed: (u64, BlockDigest)) -> Option<u64> {
        if *digest == committed.1 {
            return Some(committed.0);
        }
        self.pending.get(digest).map(|p| p.wire.height)
    }

    /// Whether block `digest` is committed here.
    fn is_committed(&self, digest: &BlockDigest) -> Result<bool, VmError> {
        Ok(self.vm.store().block_height(digest)?.is_some())
    }

    /// Whether this validator has block `digest`, held or committed: a block it need not ask
    /// its peers for.
    pub fn has_block(&self, digest: &BlockDigest) -> bool {
        self.pending.contains_key(digest) || self.is_committed(digest).unwrap_or(false)
    }

    /// The wire form of a block held here (proposed or received, not yet committed).
    pub fn block(&self, digest: &BlockDigest) -> Option<&WireBlock> {
        self.pending.get(digest).map(|p| &p.wire)
    }

    /// Makes `parent` ready to build on: the committed head, or a held block, executed here with
    /// every held block below it. Missing says which block has not arrived.
    pub fn ready(&mut self, parent: BlockDigest) -> Verdict {
        match self.committed() {
            Ok(committed) if committed.1 == parent => Verdict::Valid,
            Ok(committed) => self.execute(&parent, committed),
            Err(e) => Verdict::Invalid(format!("this validator's store failed: {e}")),
        }
    }

    /// Executes `txs` as a new block on `parent` (see [`ReplicaChain::ready`]), produced by
    /// `witness` at `now_ns`, and keeps it. Transactions already in a held block below are
    /// dropped, and so, if one refuses the whole block, are those the node would not admit now;
    /// transactions that pass the node's deadline are left out, as a single node leaves them out.
    pub fn propose(
        &mut self,
        parent: BlockDigest,
        txs: Vec<Transaction>,
        now_ns: u64,
        witness: &str,
    ) -> Result<WireBlock, String> {
        self.make_room()?;
        match self.ready(parent) {
            Verdict::Valid => {}
            Verdict::Missing(d) => return Err(format!("block {} is missing", hex::encode(d))),
            Verdict::Invalid(reason) => return Err(format!("cannot build on block {}: {reason}", hex::encode(parent))),
        }
        let below = self.uncommitted_txs(parent);
        let txs: Vec<Transaction> = txs.into_iter().filter(|tx| !below.contains(&tx.hash())).collect();
        let time = now_ns.max(self.genesis_time.saturating_add(1));
        let parent_block = self.pending.get(&parent).and_then(|p| p.prepared.as_ref());
        let prepared = match self.vm.prepare_block(parent_block, txs.clone(), time, witness) {
            Ok(prepared) => prepared,
            // One transaction refuses the whole block (a bad signature, one already on chain):
            // the ones the node would not admit now are dropped, and if that is not enough the
            // block is made empty rather than not at all. (Admission reads the committed state,
            // so on a parent not yet committed it may drop a good transaction; it stays in the
            // mempool for a later block.)
            Err(VmError::InvalidTx(_)) => {
                let now = i64::try_from(now_ns).unwrap_or(i64::MAX);
                let admitted = txs.into_iter().filter(|tx| self.vm.check_tx(tx, now).is_ok()).collect();
                self.vm
                    .prepare_block(parent_block, admitted, time, witness)
                    .or_else(|_| self.vm.prepare_block(parent_block, Vec::new(), time, witness))
                    .map_err(|e| e.to_string())?
            }
            Err(e) => return Err(e.to_string()),
        };
        let wire = WireBlock::of(&prepared, &parent);
        let encoded = wire.encode();
        self.pending
            .insert(prepared.outcome().block_hash, Pending { wire: wire.clone(), encoded, prepared: Some(prepared) });
        Ok(wire)
    }

    /// Hashes of the transactions in the held blocks from `digest` down to the committed head.
    fn uncommitted_txs(&self, mut digest: BlockDigest) -> HashSet<[u8; 32]> {
        let mut hashes = HashSet::new();
        while let Some(p) = self.pending.get(&digest) {
            hashes.extend(p.wire.txs.iter().map(Transaction::hash));
            match p.wire.parent_digest() {
                Ok(parent) => digest = parent,
                Err(_) => break,
            }
        }
        hashes
    }

    /// The bytes of block `digest` as they travel, held here or committed (for a peer catching up).
    pub fn block_bytes(&self, digest: &BlockDigest) -> Result<Option<Vec<u8>>, VmError> {
        if let Some(p) = self.pending.get(digest) {
            return Ok(Some(p.encoded.clone()));
        }
        Ok(self.wire_block(digest)?.map(|w| w.encode()))
    }

    /// The wire form of block `digest`, held here or committed (for a peer catching up).
    pub fn wire_block(&self, digest: &BlockDigest) -> Result<Option<WireBlock>, VmError> {
        if let Some(p) = self.pending.get(digest) {
            return Ok(Some(p.wire.clone()));
        }
        let Some(record) = self.vm.block_by_hash(digest)? else { return Ok(None) };
        let parent = match record.height {
            0 | 1 => self.genesis_digest,
            h => match self.vm.block_hash_at(h - 1)? {
                Some(hash) => hash,
                None => return Ok(None),
            },
        };
        let receipts = self.vm.block_receipts(&record)?;
        Ok(Some(WireBlock {
            height: record.height,
            parent: hex::encode(parent),
            digest: hex::encode(digest),
            time: record.time,
            witness: record.witness,
            txs: record.txs,
            receipts,
            state_root: record.state_root,
        }))
    }

    /// Keeps a block a peer sent (not executed yet: that happens when it is verified or
    /// finalised). Returns the digest it claims.
    /// A block committed here already is taken as received. Another at or below the committed
    /// head, or one more than [`MAX_HEIGHT_AHEAD`] above it, is refused, as is one past the
    /// bounds on what is held.
    pub fn receive(&mut self, bytes: &[u8]) -> Result<BlockDigest, String> {
        let wire = WireBlock::decode(bytes)?;
        let digest = wire.claimed_digest()?;
        if self.pending.contains_key(&digest) {
            return Ok(digest);
        }
        let (committed, _) = self.committed().map_err(|e| e.to_string())?;
        // A block committed meanwhile (pushed by its proposer, or asked for twice) needs nothing.
        if wire.height <= committed && self.is_committed(&digest).map_err(|e| e.to_string())? {
            return Ok(digest);
        }
        if wire.height <= committed || wire.height > committed + MAX_HEIGHT_AHEAD {
            return Err(format!(
                "a block at height {} is not between the committed head {committed} and {} blocks above it",
                wire.height, MAX_HEIGHT_AHEAD
            ));
        }
        self.make_room()?;
        let held: usize = self.pending.values().map(|p| p.encoded.len()).sum();
        if held + bytes.len() > MAX_PENDING_BYTES {
            return Err(format!("{held} bytes of blocks wait to be finalised here already"));
        }
        self.pending.insert(digest, Pending { wire, encoded: bytes.to_vec(), prepared: None });
        Ok(digest)
    }

    /// Checks the block `digest` as a proposal on `parent` by `leader` (its witness must be the
    /// leader's name) at this validator's time `now_ns`: it must claim that parent and the next
    /// height, not lie in the future past [`MAX_CLOCK_DRIFT_NS`], and re-execute on the parent
    /// to exactly its digest. A block committed here already is final, so valid (consensus may
    /// ask again about a proposal it voted on before a restart).
    pub fn verify(&mut self, parent: BlockDigest, digest: BlockDigest, leader: &str, now_ns: u64) -> Verdict {
        let committed = match self.committed() {
            Ok(committed) => committed,
            Err(e) => return Verdict::Invalid(format!("this validator's store failed: {e}")),
        };
        let Some(p) = self.pending.get(&digest) else {
            return match self.is_committed(&digest) {
                Ok(true) => Verdict::Valid,
                Ok(false) => Verdict::Missing(digest),
                Err(e) => Verdict::Invalid(format!("this validator's store failed: {e}")),
            };
        };
        let wire = &p.wire;
        if wire.parent_digest().ok() != Some(parent) {
            return Verdict::Invalid(format!("the block builds on {}, not on the parent proposed", wire.parent));
        }
        if wire.witness != leader {
            return Verdict::Invalid(format!(
                "the block names {:?} as its producer, not the leader {leader:?}",
                wire.witness
            ));
        }
        if wire.time > now_ns.saturating_add(MAX_CLOCK_DRIFT_NS) {
            return Verdict::Invalid(format!(
                "the block's time {} is ahead of this validator's clock {now_ns}",
                wire.time
            ));
        }
        match self.height_of(&parent, committed) {
            Some(h) if h + 1 == wire.height => {}
            Some(h) => return Verdict::Invalid(format!("the block claims height {} on a parent at {h}", wire.height)),
            None => return Verdict::Missing(parent),
        }
        self.execute(&digest, committed)
    }

    /// Executes the held block `digest` (and any held block below it not executed yet) on its
    /// parent, and checks that it re-executes to its digest. `committed`: the committed head's
    /// height and digest.
    fn execute(&mut self, digest: &BlockDigest, committed: (u64, BlockDigest)) -> Verdict {
        // The uncommitted blocks from `digest` down to the committed head, lowest last.
        let mut chain = Vec::new();
        let mut at = *digest;
        loop {
            let Some(p) = self.pending.get(&at) else { return Verdict::Missing(at) };
            if p.prepared.is_some() {
                break;
            }
            chain.push(at);
            if p.wire.height <= committed.0 + 1 {
                break;
            }
            match p.wire.parent_digest() {
                Ok(parent) => at = parent,
                Err(e) => return Verdict::Invalid(e),
            }
        }
        for d in chain.into_iter().rev() {
            if let Err(reason) = self.execute_one(&d, &committed.1) {
                return Verdict::Invalid(reason);
            }
        }
        Verdict::Valid
    }

    fn execute_one(&mut self, digest: &BlockDigest, committed: &BlockDigest) -> Result<(), String> {
        let p = self.pending.get(digest).ok_or("the block went away")?;
        let parent = p.wire.parent_digest()?;
        let proposal = p.wire.proposal()?;
        let parent_block = if parent == *committed {
            None
        } else {
            match self.pending.get(&parent).and_then(|p| p.prepared.as_ref()) {
                Some(prepared) => Some(prepared),
                None => return Err(format!("its parent {} is not executed here", hex::encode(parent))),
            }
        };
        let prepared = self.vm.prepare_proposed(parent_block, &proposal).map_err(|e| e.to_string())?;
        if prepared.outcome().block_hash != *digest {
            return Err(format!(
                "the block re-executes to digest {}, not to the {} it claims",
                hex::encode(prepared.outcome().block_hash),
                hex::encode(digest)
            ));
        }
        if let Some(p) = self.pending.get_mut(digest) {
            p.prepared = Some(prepared);
        }
        Ok(())
    }

    /// Commits the finalised block `digest` and every uncommitted block below it, lowest first,
    /// executing any not executed yet, and forgets the blocks that can no longer be committed
    /// (at or below the new head). Returns the committed blocks' outcomes in order; a block
    /// committed already gives none.
    pub fn finalize(&mut self, digest: BlockDigest) -> Result<Vec<BlockOutcome>, CommitError> {
        let (committed_height, committed) = self.committed()?;
        if digest == committed || self.is_committed(&digest)? {
            return Ok(Vec::new());
        }
        match self.execute(&digest, (committed_height, committed)) {
            Verdict::Valid => {}
            Verdict::Missing(d) => return Err(CommitError::Missing(d)),
            Verdict::Invalid(reason) => return Err(CommitError::Diverged(digest, reason)),
        }
        let mut chain = Vec::new();
        let mut at = digest;
        while at != committed {
            let Some(p) = self.pending.get(&at) else { return Err(CommitError::Missing(at)) };
            chain.push(at);
            at = p.wire.parent_digest().map_err(|e| CommitError::Diverged(at, e))?;
        }
        let mut outcomes = Vec::with_capacity(chain.len());
        for d in chain.into_iter().rev() {
            let prepared = self.pending.remove(&d).and_then(|p| p.prepared).ok_or(CommitError::Missing(d))?;
            outcomes.push(self.vm.commit_prepared(prepared)?);
        }
        let height = self.vm.head().height;
        self.pending.retain(|_, p| p.wire.height > height);
        Ok(outcomes)
    }

    fn make_room(&mut self) -> Result<(), String> {
        if self.pending.len() >= MAX_PENDING_BLOCKS {
            return Err(format!("{MAX_PENDING_BLOCKS} blocks wait to be finalised here already"));
        }
        Ok(())
    }
}
