use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use crate::store::{
    check_order, root_after, scan_back_bound, BlockCommit, ChainHead, Entries, KnownRoot, StateRead, Store,
};
use crate::StateError;

/// An in-memory [`Store`], for unit tests, micro-benchmarks and `jsvm test`'s throwaway
/// chains only: it forgets everything when dropped. Production paths use [`crate::RocksStore`].
/// [`MemStore::saved`] and [`MemStore::restore`] take the whole store back to an earlier
/// moment, as a development chain's snapshot and revert do.
#[derive(Default)]
pub struct MemStore {
    inner: RwLock<MemInner>,
}

#[derive(Default, Clone)]
struct MemInner {
    state: Arc<BTreeMap<Vec<u8>, Vec<u8>>>,
    head: ChainHead,
    /// What [`Store::last_block_hash`] answers: restored with the rest.
    last_hash: Option<(u64, [u8; 32])>,
    blocks: BTreeMap<u64, Vec<u8>>,
    block_heights: BTreeMap<[u8; 32], u64>,
    receipts: BTreeMap<Vec<u8>, Vec<u8>>,
    cache: BTreeMap<Vec<u8>, Vec<u8>>,
    index: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// Everything a [`MemStore`] held at one moment: state, head, blocks, receipts and cache.
#[derive(Clone)]
pub struct MemSaved(MemInner);

impl MemStore {
    /// An empty store at height 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the whole store as it is now (the state map is shared, not copied, until
    /// the next commit writes to it).
    pub fn saved(&self) -> MemSaved {
        MemSaved(self.read().clone())
    }

    /// Puts the store back as it was when `saved` was taken: later blocks, their receipts
    /// and their state are forgotten. `saved` stays usable for another restore.
    pub fn restore(&self, saved: &MemSaved) {
        *self.inner.write().unwrap_or_else(|e| e.into_inner()) = saved.0.clone();
    }
}

/// A frozen copy of the state map: what [`MemStore::snapshot`] hands out.
struct MemView(Arc<BTreeMap<Vec<u8>, Vec<u8>>>);

fn scan(map: &BTreeMap<Vec<u8>, Vec<u8>>, prefix: &[u8]) -> Entries {
    map.range(prefix.to_vec()..)
        .take_while(|(k, _)| k.starts_with(prefix))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn scan_after(map: &BTreeMap<Vec<u8>, Vec<u8>>, prefix: &[u8], after: &[u8], limit: usize) -> Entries {
    use std::ops::Bound;
    map.range((Bound::Excluded([prefix, after].concat()), Bound::Unbounded))
        .take_while(|(k, _)| k.starts_with(prefix))
        .take(limit)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

impl StateRead for MemView {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.0.get(key).cloned())
    }
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StateError> {
        Ok(scan(&self.0, prefix))
    }
    fn scan_prefix_after(&self, prefix: &[u8], after: &[u8], limit: usize) -> Result<Entries, StateError> {
        Ok(scan_after(&self.0, prefix, after, limit))
    }
}

impl MemStore {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, MemInner> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }
}

impl StateRead for MemStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.read().state.get(key).cloned())
    }
    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StateError> {
        Ok(scan(&self.read().state, prefix))
    }
    fn scan_prefix_after(&self, prefix: &[u8], after: &[u8], limit: usize) -> Result<Entries, StateError> {
        Ok(scan_after(&self.read().state, prefix, after, limit))
    }
}

impl Store for MemStore {
    fn head(&self) -> ChainHead {
        self.read().head
    }

    fn snapshot(&self) -> (ChainHead, Arc<dyn StateRead>) {
        let inner = self.read();
        (inner.head, Arc::new(MemView(inner.state.clone())))
    }

    fn commit_block_rooted(&self, block: BlockCommit, known: Option<KnownRoot>) -> Result<ChainHead, StateError> {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        check_order(&inner.head, block.height)?;
        let root = root_after(&inner.head, &block, known);
        let state = Arc::make_mut(&mut inner.state);
        for (k, v) in block.state {
            match v {
                Some(v) => state.insert(k, v),
                None => state.remove(&k),
            };
        }
        inner.blocks.insert(block.height, block.block_record);
        inner.block_heights.insert(block.block_hash, block.height);
        inner.receipts.extend(block.receipts);
        inner.head = ChainHead { height: block.height, state_root: root, time: block.time };
        inner.last_hash = Some((block.height, block.block_hash));
        Ok(inner.head)
    }

    fn last_block_hash(&self) -> Option<(u64, [u8; 32])> {
        self.read().last_hash
    }

    fn block_record(&self, height: u64) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.read().blocks.get(&height).cloned())
    }

    fn block_height(&self, hash: &[u8]) -> Result<Option<u64>, StateError> {
        let Ok(hash) = <[u8; 32]>::try_from(hash) else { return Ok(None) };
        Ok(self.read().block_heights.get(&hash).copied())
    }

    fn receipt(&self, tx_hash: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.read().receipts.get(tx_hash).cloned())
    }

    fn cache_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.read().cache.get(key).cloned())
    }

    fn cache_put(&self, key: &[u8], value: &[u8]) -> Result<(), StateError> {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        inner.cache.insert(key.to_vec(), value.to_vec());
        Ok(())
    }

    fn index_put(&self, entries: &[(Vec<u8>, Vec<u8>)]) -> Result<(), StateError> {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        inner.index.extend(entries.iter().cloned());
        Ok(())
    }

    fn index_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.read().index.get(key).cloned())
    }

    fn index_scan_back(&self, prefix: &[u8], before: Option<&[u8]>, limit: usize) -> Result<Entries, StateError> {
        use std::ops::Bound;
        let upper = match scan_back_bound(prefix, before) {
            Some(bound) => Bound::Excluded(bound),
            None => Bound::Unbounded,
        };
        let inner = self.read();
        Ok(inner
            .index
            .range((Bound::Included(prefix.to_vec()), upper))
            .rev()
            .take(limit)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::root::next_state_root;

    fn block(height: u64, key: &[u8], value: &[u8]) -> BlockCommit {
        BlockCommit {
            height,
            time: height * 10,
            state: [(key.to_vec(), Some(value.to_vec()))].into(),
            block_record: vec![height as u8],
            block_hash: [height as u8; 32],
            receipts: vec![(vec![height as u8], b"receipt".to_vec())],
        }
    }

    #[test]
    fn restore_forgets_later_blocks_and_can_be_repeated() {
        let store = MemStore::new();
        store.commit_block(block(1, b"k", b"one")).unwrap();
        let saved = store.saved();
        let head = store.head();
        for _ in 0..2 {
            store.commit_block(block(2, b"k", b"two")).unwrap();
            assert_eq!(store.get(b"k").unwrap(), Some(b"two".to_vec()));
            store.restore(&saved);
            assert_eq!(store.head(), head);
            assert_eq!(store.get(b"k").unwrap(), Some(b"one".to_vec()));
            assert_eq!(store.block_record(2).unwrap(), None);
            assert_eq!(store.receipt(&[2]).unwrap(), None);
            assert_eq!(store.block_height(&[2; 32]).unwrap(), None);
        }
        assert_eq!(store.receipt(&[1]).unwrap(), Some(b"receipt".to_vec()));
    }

    #[test]
    fn the_last_block_hash_is_the_last_committed_one_restored_with_the_rest() {
        let store = MemStore::new();
        assert_eq!(store.last_block_hash(), None);
        store.commit_block(block(1, b"k", b"one")).unwrap();
        let saved = store.saved();
        store.commit_block(block(2, b"k", b"two")).unwrap();
        assert_eq!(store.last_block_hash(), Some((2, [2; 32])));
        store.restore(&saved);
        assert_eq!(store.last_block_hash(), Some((1, [1; 32])));
    }

    #[test]
    fn a_known_root_is_taken_only_when_it_follows_the_head() {
        let store = MemStore::new();
        let known = KnownRoot { parent: [0; 32], root: [9; 32] };
        assert_eq!(store.commit_block_rooted(block(1, b"k", b"one"), Some(known)).unwrap().state_root, [9; 32]);
        let stale = KnownRoot { parent: [0; 32], root: [8; 32] };
        let second = block(2, b"k", b"two");
        let want = next_state_root(&[9; 32], 2, &second.state);
        assert_eq!(store.commit_block_rooted(second, Some(stale)).unwrap().state_root, want);
    }
}
