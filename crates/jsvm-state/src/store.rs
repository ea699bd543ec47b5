use std::collections::BTreeMap;
use std::sync::Arc;

use crate::root::next_state_root;
use crate::StateError;

/// A block's or a transaction's writes: `None` deletes the key. Sorted, so that
/// every walk over it (state root, batch) is in one defined order.
pub type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Key-value pairs in key order, as a prefix scan returns them.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// Read access to state as of one point in time.
pub trait StateRead: Send + Sync {
    /// The value at `key` (a full state key, without the key-space tag).
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;
    /// [`StateRead::get`] for a reader that holds a value it read before (`known`): whether the value
    /// at `key` is still that, without copying it out when it is. A read as any other for whoever
    /// records reads (this default reads through `get`); the stores and layers compare in place.
    fn get_if_changed(&self, key: &[u8], known: &[u8]) -> Result<Lookup, StateError> {
        Ok(Lookup::of(self.get(key)?, known))
    }
    /// Every entry whose key starts with `prefix`, ascending by key.
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StateError>;
    /// A page of [`StateRead::scan_prefix`]: up to `limit` entries whose keys start with `prefix` and sort
    /// above `prefix ++ after` (exclusive), ascending. The stores read only the page; this default (for
    /// views that layer writes over a store) reads the whole prefix.
    fn scan_prefix_after(&self, prefix: &[u8], after: &[u8], limit: usize) -> Result<Entries, StateError> {
        let from = [prefix, after].concat();
        Ok(self.scan_prefix(prefix)?.into_iter().filter(|(k, _)| *k > from).take(limit).collect())
    }
}

/// What [`StateRead::get_if_changed`] found at a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Nothing is stored there.
    Missing,
    /// The value the reader knew.
    Unchanged,
    /// Another value.
    Changed(Vec<u8>),
}

impl Lookup {
    /// The lookup of `found` against `known`.
    pub fn of(found: Option<Vec<u8>>, known: &[u8]) -> Lookup {
        match found {
            None => Lookup::Missing,
            Some(v) if v == known => Lookup::Unchanged,
            Some(v) => Lookup::Changed(v),
        }
    }

    /// The lookup of a value borrowed in place (`found`) against `known`: copied only when it differs.
    pub fn of_slice(found: Option<&[u8]>, known: &[u8]) -> Lookup {
        match found {
            None => Lookup::Missing,
            Some(v) if v == known => Lookup::Unchanged,
            Some(v) => Lookup::Changed(v.to_vec()),
        }
    }
}

/// The last committed block, as the store knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChainHead {
    /// Height of the last committed block; 0 for an empty chain.
    pub height: u64,
    /// State root after that block.
    pub state_root: [u8; 32],
    /// Block time (ns) of that block.
    pub time: u64,
}

impl ChainHead {
    /// 8 bytes height, 8 bytes time, 32 bytes root.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(48);
        v.extend_from_slice(&self.height.to_be_bytes());
        v.extend_from_slice(&self.time.to_be_bytes());
        v.extend_from_slice(&self.state_root);
        v
    }

    pub(crate) fn decode(bytes: &[u8]) -> Option<ChainHead> {
        if bytes.len() != 48 {
            return None;
        }
        let height = u64::from_be_bytes(bytes[0..8].try_into().ok()?);
        let time = u64::from_be_bytes(bytes[8..16].try_into().ok()?);
        let state_root = bytes[16..48].try_into().ok()?;
        Some(ChainHead { height, state_root, time })
    }
}

/// Everything one block writes, handed to [`Store::commit_block`] at once.
#[derive(Debug, Default)]
pub struct BlockCommit {
    /// Must be `head.height + 1`.
    pub height: u64,
    /// Block time in ns.
    pub time: u64,
    /// State writes (keys without the key-space tag).
    pub state: Writes,
    /// The block record (opaque to the store).
    pub block_record: Vec<u8>,
    /// The block's hash, indexed to its height in the same batch ([`Store::block_height`]).
    pub block_hash: [u8; 32],
    /// Receipts by transaction hash (opaque to the store).
    pub receipts: Vec<(Vec<u8>, Vec<u8>)>,
}

/// A block's state root as its committer computed it: `root` follows `parent` with the
/// block's writes at its height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownRoot {
    /// The state root the block was executed on.
    pub parent: [u8; 32],
    /// The state root after the block.
    pub root: [u8; 32],
}

/// The state root after `block` on `head`: `known`'s when it follows `head`, else computed.
pub(crate) fn root_after(head: &ChainHead, block: &BlockCommit, known: Option<KnownRoot>) -> [u8; 32] {
    match known {
        Some(k) if k.parent == head.state_root => k.root,
        _ => next_state_root(&head.state_root, block.height, &block.state),
    }
}

/// A persistent store: committed state plus chain records.
pub trait Store: StateRead {
    /// The last committed block.
    fn head(&self) -> ChainHead;
    /// The current head and a consistent read view of the state at it; later
    /// commits do not show through the view.
    fn snapshot(&self) -> (ChainHead, Arc<dyn StateRead>);
    /// Writes the whole block in one atomic batch, with its height and state root,
    /// and returns the new head.
    fn commit_block(&self, block: BlockCommit) -> Result<ChainHead, StateError> {
        self.commit_block_rooted(block, None)
    }
    /// [`Store::commit_block`] with the state root its caller computed already from the block's
    /// writes and height ([`root::next_state_root`](crate::root::next_state_root)): used when
    /// its parent is the head's root, computed again otherwise.
    fn commit_block_rooted(&self, block: BlockCommit, known: Option<KnownRoot>) -> Result<ChainHead, StateError>;
    /// The height and [`BlockCommit::block_hash`] of the last block this store committed since
    /// it was opened (or restored): the next block names it as its parent, without reading
    /// and hashing its record again. None when it has committed none.
    fn last_block_hash(&self) -> Option<(u64, [u8; 32])>;
    /// The block record at `height`, if committed.
    fn block_record(&self, height: u64) -> Result<Option<Vec<u8>>, StateError>;
    /// The height of the committed block whose hash is `hash`.
    fn block_height(&self, hash: &[u8]) -> Result<Option<u64>, StateError>;
    /// A committed receipt.
    fn receipt(&self, tx_hash: &[u8]) -> Result<Option<Vec<u8>>, StateError>;
    /// Node-local cache (not consensus): read.
    fn cache_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;
    /// Node-local cache (not consensus): write.
    fn cache_put(&self, key: &[u8], value: &[u8]) -> Result<(), StateError>;
    /// Node-local index (not consensus): writes `entries` in one batch (a read-only store writes nothing).
    fn index_put(&self, entries: &[(Vec<u8>, Vec<u8>)]) -> Result<(), StateError>;
    /// Node-local index (not consensus): one entry.
    fn index_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;
    /// Node-local index (not consensus): up to `limit` entries whose keys start with `prefix` and sort
    /// below `before` (every one under `prefix` when `None`), highest key first.
    fn index_scan_back(&self, prefix: &[u8], before: Option<&[u8]>, limit: usize) -> Result<Entries, StateError>;
}

/// The smallest key above every key that starts with `prefix` (`None` when there is none: a prefix of
/// only 0xFF bytes), the exclusive upper bound of a reverse scan.
pub(crate) fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// Where a reverse scan under `prefix` starts, exclusive: `prefix ++ before`, or the end of the prefix.
pub(crate) fn scan_back_bound(prefix: &[u8], before: Option<&[u8]>) -> Option<Vec<u8>> {
    match before {
        Some(before) => Some([prefix, before].concat()),
        None => prefix_end(prefix),
    }
}

/// A height as the block-hash index stores it: 8 bytes, big-endian.
pub(crate) fn decode_height(bytes: &[u8]) -> Result<u64, StateError> {
    let bytes: [u8; 8] = bytes
        .try_into()
        .map_err(|_| StateError::Db(format!("a block hash index entry has {} bytes, not 8", bytes.len())))?;
    Ok(u64::from_be_bytes(bytes))
}

pub(crate) fn check_order(head: &ChainHead, height: u64) -> Result<(), StateError> {
    if height != head.height + 1 {
        return Err(StateError::OutOfOrder { head: head.height, got: height });
    }
    Ok(())
}
