use std::sync::Arc;

use crate::overlay::merge_scan;
use crate::store::{Entries, Lookup, StateRead, Writes};
use crate::StateError;

/// A key and what the journal held for it before a change (`None`: the journal had
/// not touched it).
type Undo = (Vec<u8>, Option<Option<Vec<u8>>>);

/// A position in a [`Journal`] to revert to: taken when a call frame starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint(usize);

/// One transaction's writes, with an undo log so that a failed call frame can
/// roll back only its own writes (as revm's journal does).
#[derive(Debug, Default)]
pub struct Journal {
    writes: Writes,
    undo: Vec<Undo>,
}

impl Journal {
    /// The journal's own view of `key`: `None` when this transaction has not touched it.
    pub fn get(&self, key: &[u8]) -> Option<&Option<Vec<u8>>> {
        self.writes.get(key)
    }

    /// Records a write (`None` deletes).
    pub fn set(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        let before = self.writes.insert(key.clone(), value);
        self.undo.push((key, before));
    }

    /// Marks the current position.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.undo.len())
    }

    /// Undoes every write made after `cp`.
    pub fn revert(&mut self, cp: Checkpoint) {
        while self.undo.len() > cp.0 {
            let Some((key, before)) = self.undo.pop() else { break };
            match before {
                Some(v) => self.writes.insert(key, v),
                None => self.writes.remove(&key),
            };
        }
    }

    /// The writes, sorted by key.
    pub fn writes(&self) -> &Writes {
        &self.writes
    }

    /// Consumes the journal into its writes.
    pub fn into_writes(self) -> Writes {
        self.writes
    }
}

/// The state as one transaction sees it: its journal over the block.
pub struct TxState {
    base: Arc<dyn StateRead>,
    journal: Journal,
}

impl TxState {
    /// A fresh transaction view over `base` (normally the block overlay).
    pub fn new(base: Arc<dyn StateRead>) -> Self {
        TxState { base, journal: Journal::default() }
    }

    /// Reads through the journal, then the block, then the store.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        match self.journal.get(key) {
            Some(v) => Ok(v.clone()),
            None => self.base.get(key),
        }
    }

    /// [`TxState::get`] for a caller that holds a value it read before: see
    /// [`StateRead::get_if_changed`].
    pub fn get_if_changed(&self, key: &[u8], known: &[u8]) -> Result<Lookup, StateError> {
        match self.journal.get(key) {
            Some(v) => Ok(Lookup::of_slice(v.as_deref(), known)),
            None => self.base.get_if_changed(key, known),
        }
    }

    /// Writes `value` at `key`.
    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.journal.set(key, Some(value));
    }

    /// Deletes `key`.
    pub fn del(&mut self, key: Vec<u8>) {
        self.journal.set(key, None);
    }

    /// Every visible entry under `prefix`, ascending by key.
    pub fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StateError> {
        let base = self.base.scan_prefix(prefix)?;
        Ok(merge_scan(base, self.journal.writes(), prefix))
    }

    /// Marks the start of a call frame.
    pub fn checkpoint(&self) -> Checkpoint {
        self.journal.checkpoint()
    }

    /// Rolls back a failed call frame.
    pub fn revert(&mut self, cp: Checkpoint) {
        self.journal.revert(cp)
    }

    /// The transaction's writes, to fold into the block when it succeeds.
    pub fn into_writes(self) -> Writes {
        self.journal.into_writes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BlockOverlay, MemStore};

    fn b(s: &str) -> Vec<u8> {
        s.as_bytes().to_vec()
    }

    #[test]
    fn nested_checkpoints_revert_only_their_own_writes() {
        let mut tx = TxState::new(Arc::new(MemStore::new()));
        tx.put(b("a"), b("1"));
        let outer = tx.checkpoint();
        tx.put(b("b"), b("2"));
        let inner = tx.checkpoint();
        tx.put(b("a"), b("3"));
        tx.del(b("b"));
        tx.revert(inner);
        assert_eq!(tx.get(b"a").unwrap(), Some(b("1")));
        assert_eq!(tx.get(b"b").unwrap(), Some(b("2")));
        tx.revert(outer);
        assert_eq!(tx.get(b"b").unwrap(), None);
        let writes = tx.into_writes();
        assert_eq!(writes.len(), 1);
        assert_eq!(writes.get(&b("a")), Some(&Some(b("1"))));
    }

    #[test]
    fn reads_fall_through_journal_overlay_store_and_deletes_hide() {
        let store = MemStore::new();
        use crate::Store;
        let mut commit = crate::BlockCommit { height: 1, ..Default::default() };
        commit.state.insert(b("p/1"), Some(b("store")));
        commit.state.insert(b("p/2"), Some(b("store")));
        commit.state.insert(b("q/1"), Some(b("other")));
        store.commit_block(commit).unwrap();
        let overlay = Arc::new(BlockOverlay::new(store.snapshot().1));
        let mut w = Writes::new();
        w.insert(b("p/2"), None);
        w.insert(b("p/3"), Some(b("block")));
        overlay.apply(w);
        let mut tx = TxState::new(overlay.clone());
        tx.put(b("p/0"), b("tx"));
        tx.del(b("p/1"));
        let got = tx.scan_prefix(b"p/").unwrap();
        assert_eq!(got, vec![(b("p/0"), b("tx")), (b("p/3"), b("block"))]);
        assert_eq!(tx.get(b"p/2").unwrap(), None);
        assert_eq!(tx.get(b"q/1").unwrap(), Some(b("other")));
        // The overlay itself is untouched by the transaction until applied.
        assert_eq!(overlay.get(b"p/1").unwrap(), Some(b("store")));
    }
}
