use std::sync::{Arc, RwLock};

use crate::store::{Entries, Lookup, StateRead, Writes};
use crate::StateError;

/// The block being executed: the writes of its committed transactions, over a
/// snapshot of the store taken when the block started.
///
/// Shared (`Arc`) between the block executor, which applies each finished
/// transaction's writes, and the worker running the next transaction, which reads.
pub struct BlockOverlay {
    base: Arc<dyn StateRead>,
    writes: RwLock<Writes>,
}

impl BlockOverlay {
    /// An empty overlay over `base`.
    pub fn new(base: Arc<dyn StateRead>) -> Self {
        BlockOverlay { base, writes: RwLock::new(Writes::new()) }
    }

    /// Folds a committed transaction's writes into the block.
    pub fn apply(&self, tx_writes: Writes) {
        let mut w = self.writes.write().unwrap_or_else(|e| e.into_inner());
        if w.is_empty() {
            // Nothing to lay them over: the map as it is (a parallel block's writes come at once).
            *w = tx_writes;
        } else {
            w.extend(tx_writes);
        }
    }

    /// Takes the block's accumulated writes out, for the store's batch, without copying them: the
    /// overlay is empty afterwards (the block is done with it).
    pub fn take_writes(&self) -> Writes {
        std::mem::take(&mut *self.writes.write().unwrap_or_else(|e| e.into_inner()))
    }
}

/// `base` entries under `prefix`, with `upper` (sorted writes) laid over them.
pub(crate) fn merge_scan(base: Entries, upper: &Writes, prefix: &[u8]) -> Entries {
    let mut merged: std::collections::BTreeMap<Vec<u8>, Vec<u8>> = base.into_iter().collect();
    for (k, v) in upper.range(prefix.to_vec()..).take_while(|(k, _)| k.starts_with(prefix)) {
        match v {
            Some(v) => merged.insert(k.clone(), v.clone()),
            None => merged.remove(k),
        };
    }
    merged.into_iter().collect()
}

impl StateRead for BlockOverlay {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        if let Some(v) = self.writes.read().unwrap_or_else(|e| e.into_inner()).get(key) {
            return Ok(v.clone());
        }
        self.base.get(key)
    }

    fn get_if_changed(&self, key: &[u8], known: &[u8]) -> Result<Lookup, StateError> {
        if let Some(v) = self.writes.read().unwrap_or_else(|e| e.into_inner()).get(key) {
            return Ok(Lookup::of_slice(v.as_deref(), known));
        }
        self.base.get_if_changed(key, known)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StateError> {
        let base = self.base.scan_prefix(prefix)?;
        let w = self.writes.read().unwrap_or_else(|e| e.into_inner());
        Ok(merge_scan(base, &w, prefix))
    }
}

/// A block's writes laid over the state it ran on, read-only: the state after a block that is
/// executed and not yet committed, on which a consensus engine may execute the next block.
pub struct LayeredState {
    base: Arc<dyn StateRead>,
    writes: Arc<Writes>,
}

impl LayeredState {
    /// `writes` over `base`.
    pub fn new(base: Arc<dyn StateRead>, writes: Arc<Writes>) -> Self {
        LayeredState { base, writes }
    }
}

impl StateRead for LayeredState {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        match self.writes.get(key) {
            Some(v) => Ok(v.clone()),
            None => self.base.get(key),
        }
    }

    fn get_if_changed(&self, key: &[u8], known: &[u8]) -> Result<Lookup, StateError> {
        match self.writes.get(key) {
            Some(v) => Ok(Lookup::of_slice(v.as_deref(), known)),
            None => self.base.get_if_changed(key, known),
        }
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StateError> {
        Ok(merge_scan(self.base.scan_prefix(prefix)?, &self.writes, prefix))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BlockCommit, MemStore, Store};

    #[test]
    fn layers_read_through_to_the_base_and_shadow_it() {
        let store = MemStore::new();
        let state = [(b"a1".to_vec(), Some(b"base".to_vec())), (b"a2".to_vec(), Some(b"base".to_vec()))];
        let commit = BlockCommit { height: 1, time: 1, state: state.into(), ..BlockCommit::default() };
        store.commit_block(commit).unwrap();
        let (_, base) = store.snapshot();
        let first: Writes = [(b"a2".to_vec(), None), (b"a3".to_vec(), Some(b"one".to_vec()))].into();
        let one: Arc<dyn StateRead> = Arc::new(LayeredState::new(base, Arc::new(first)));
        let second: Writes = [(b"a1".to_vec(), Some(b"two".to_vec())), (b"b".to_vec(), Some(b"two".to_vec()))].into();
        let two = LayeredState::new(one.clone(), Arc::new(second));
        assert_eq!(two.get(b"a1").unwrap(), Some(b"two".to_vec()));
        assert_eq!(two.get(b"a2").unwrap(), None, "deleted below");
        assert_eq!(two.get(b"a3").unwrap(), Some(b"one".to_vec()));
        assert_eq!(one.get(b"a1").unwrap(), Some(b"base".to_vec()), "a layer does not see the ones above it");
        let scan: Vec<(Vec<u8>, Vec<u8>)> = two.scan_prefix(b"a").unwrap();
        assert_eq!(scan, vec![(b"a1".to_vec(), b"two".to_vec()), (b"a3".to_vec(), b"one".to_vec())]);
        assert_eq!(two.scan_prefix_after(b"a", b"1", 5).unwrap(), vec![(b"a3".to_vec(), b"one".to_vec())]);
    }
}
