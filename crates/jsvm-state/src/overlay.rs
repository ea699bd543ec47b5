use std::sync::{Arc, RwLock};

use crate::store::{Entries, StateRead, Writes};
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
        w.extend(tx_writes);
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

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StateError> {
        let base = self.base.scan_prefix(prefix)?;
        let w = self.writes.read().unwrap_or_else(|e| e.into_inner());
        Ok(merge_scan(base, &w, prefix))
    }
}
