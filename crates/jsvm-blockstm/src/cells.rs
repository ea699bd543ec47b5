//! The writes of one key by the block's transactions, by writer index.
//!
//! Most keys of a block have one writer (each transfer's two balances), some have a few, a hot
//! key has many. A sorted vector serves all three in one allocation sized to its writers: a
//! `BTreeMap` would give each key a node of about 450 bytes, megabytes a block that every worker's
//! cache then shares with the engines, and as many frees when the block is dropped.

use crate::mv::{Incarnation, TxIndex};

/// What one transaction left at one key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// The write of run `incarnation` (`None`: it deleted the key).
    Written { incarnation: Incarnation, value: Option<Vec<u8>> },
    /// The writer's last run failed validation and will run again: a reader must wait for it.
    Estimate,
}

/// One key's writes, ascending by writer; at most one a writer.
#[derive(Debug, Default)]
pub(crate) struct Cells(Vec<(TxIndex, Cell)>);

impl Cells {
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The writes of the transactions below `tx`, the highest first.
    pub(crate) fn below(&self, tx: TxIndex) -> impl Iterator<Item = (TxIndex, &Cell)> {
        let end = self.0.partition_point(|(writer, _)| *writer < tx);
        self.0[..end].iter().rev().map(|(writer, cell)| (*writer, cell))
    }

    /// Sets `tx`'s write.
    pub(crate) fn insert(&mut self, tx: TxIndex, cell: Cell) {
        match self.0.binary_search_by_key(&tx, |(writer, _)| *writer) {
            Ok(at) => self.0[at].1 = cell,
            Err(at) => {
                if self.0.capacity() == 0 {
                    // A key's first writer is most often its only one.
                    self.0.reserve_exact(1);
                }
                self.0.insert(at, (tx, cell));
            }
        }
    }

    /// Withdraws `tx`'s write, if it has one.
    pub(crate) fn remove(&mut self, tx: TxIndex) {
        if let Ok(at) = self.0.binary_search_by_key(&tx, |(writer, _)| *writer) {
            self.0.remove(at);
        }
    }

    pub(crate) fn get_mut(&mut self, tx: TxIndex) -> Option<&mut Cell> {
        let at = self.0.binary_search_by_key(&tx, |(writer, _)| *writer).ok()?;
        Some(&mut self.0[at].1)
    }

    /// Takes the highest writer's write.
    pub(crate) fn pop_last(&mut self) -> Option<(TxIndex, Cell)> {
        self.0.pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(incarnation: Incarnation, value: &str) -> Cell {
        Cell::Written { incarnation, value: Some(value.as_bytes().to_vec()) }
    }

    fn writers_below(cells: &Cells, tx: TxIndex) -> Vec<TxIndex> {
        cells.below(tx).map(|(writer, _)| writer).collect()
    }

    #[test]
    fn writes_stay_in_writer_order_whatever_order_they_come_in() {
        let mut cells = Cells::default();
        for tx in [5, 1, 9, 3, 7] {
            cells.insert(tx, written(0, &tx.to_string()));
        }
        assert_eq!(writers_below(&cells, 100), vec![9, 7, 5, 3, 1]);
        assert_eq!(writers_below(&cells, 7), vec![5, 3, 1], "a writer does not see its own write");
        assert_eq!(writers_below(&cells, 6), vec![5, 3, 1]);
        assert_eq!(writers_below(&cells, 1), Vec::<TxIndex>::new());
        assert_eq!(writers_below(&cells, 0), Vec::<TxIndex>::new());
    }

    #[test]
    fn a_writer_has_one_write_which_a_new_run_replaces() {
        let mut cells = Cells::default();
        cells.insert(4, written(0, "a"));
        cells.insert(4, written(1, "b"));
        assert_eq!(cells.below(5).collect::<Vec<_>>(), vec![(4, &written(1, "b"))]);
        *cells.get_mut(4).unwrap() = Cell::Estimate;
        assert_eq!(cells.below(5).collect::<Vec<_>>(), vec![(4, &Cell::Estimate)]);
        assert!(cells.get_mut(3).is_none());
    }

    #[test]
    fn withdrawn_writes_leave_the_others() {
        let mut cells = Cells::default();
        for tx in [2, 4, 6] {
            cells.insert(tx, written(0, "v"));
        }
        cells.remove(4);
        cells.remove(5); // never wrote: nothing changes
        assert_eq!(writers_below(&cells, 10), vec![6, 2]);
        assert_eq!(cells.pop_last().map(|(writer, _)| writer), Some(6));
        cells.remove(2);
        assert!(cells.is_empty());
        assert_eq!(cells.pop_last(), None);
    }
}
