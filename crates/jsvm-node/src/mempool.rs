//! Transactions accepted by `sendTx` and not yet in a committed block.
//!
//! A transaction stays here, marked as in a block, while its block executes, so that a copy
//! sent meanwhile is still refused as pending; the producer removes it only after the block is
//! committed, when the store refuses the copy as on chain. The check against the chain is made
//! under the pool's lock, so no copy slips between the two.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use jsvm_vm::Transaction;

/// Why the pool refused a transaction.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Refusal {
    /// The same hash waits already.
    #[error("tx exists in pending")]
    Pending,
    /// The same hash is in a committed block.
    #[error("tx exists in chain")]
    OnChain,
    /// The pool holds its most transactions.
    #[error("txpool is full ({0} transactions wait); try again after the next block")]
    Full(usize),
    /// The publisher has its most transactions waiting.
    #[error(
        "account {account} has {max} transactions waiting, the most one account may; try again after the next block"
    )]
    AccountFull { account: String, max: usize },
    /// The chain could not be read to check for a replay.
    #[error("the chain could not be read: {0}")]
    Store(String),
}

struct Entry {
    tx: Transaction,
    publisher: String,
    /// Expiration of the signed transaction, ns since the epoch.
    expiration: i64,
    /// Arrival order, the order blocks take transactions in.
    seq: u64,
    /// Handed to a block that is not committed yet.
    in_block: bool,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<[u8; 32], Entry>,
    by_arrival: BTreeMap<u64, [u8; 32]>,
    per_account: HashMap<String, usize>,
    next_seq: u64,
}

impl Inner {
    fn remove(&mut self, hash: &[u8; 32]) -> Option<Entry> {
        let entry = self.entries.remove(hash)?;
        self.by_arrival.remove(&entry.seq);
        if let Some(n) = self.per_account.get_mut(&entry.publisher) {
            *n -= 1;
            if *n == 0 {
                self.per_account.remove(&entry.publisher);
            }
        }
        Some(entry)
    }
}

/// The bounded pool of waiting transactions.
pub(crate) struct Mempool {
    inner: Mutex<Inner>,
    max_total: usize,
    max_per_account: usize,
}

/// What a block takes from the pool: the transactions to run, and those that expired waiting.
pub(crate) struct Batch {
    pub(crate) txs: Vec<([u8; 32], Transaction)>,
    pub(crate) expired: Vec<[u8; 32]>,
}

impl Mempool {
    pub(crate) fn new(max_total: usize, max_per_account: usize) -> Mempool {
        Mempool { inner: Mutex::new(Inner::default()), max_total, max_per_account }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds `tx` (hash `hash`, published by `publisher`, expiring at `expiration` ns) unless the
    /// same hash waits, `on_chain` says it is committed, or a bound is reached.
    pub(crate) fn add(
        &self,
        hash: [u8; 32],
        tx: Transaction,
        publisher: String,
        expiration: i64,
        on_chain: impl FnOnce() -> Result<bool, String>,
    ) -> Result<(), Refusal> {
        let mut inner = self.lock();
        if inner.entries.contains_key(&hash) {
            return Err(Refusal::Pending);
        }
        if on_chain().map_err(Refusal::Store)? {
            return Err(Refusal::OnChain);
        }
        if inner.entries.len() >= self.max_total {
            return Err(Refusal::Full(inner.entries.len()));
        }
        let waiting = inner.per_account.get(&publisher).copied().unwrap_or(0);
        if waiting >= self.max_per_account {
            return Err(Refusal::AccountFull { account: publisher, max: self.max_per_account });
        }
        let seq = inner.next_seq;
        inner.next_seq += 1;
        *inner.per_account.entry(publisher.clone()).or_default() += 1;
        inner.by_arrival.insert(seq, hash);
        inner.entries.insert(hash, Entry { tx, publisher, expiration, seq, in_block: false });
        Ok(())
    }

    /// Up to `max` waiting transactions in arrival order, marked as in a block; those that expired
    /// before `now_ns` leave the pool instead (a block would leave them out).
    pub(crate) fn take(&self, max: usize, now_ns: i64) -> Batch {
        let mut inner = self.lock();
        let mut batch = Batch { txs: Vec::new(), expired: Vec::new() };
        let waiting: Vec<[u8; 32]> = inner.by_arrival.values().copied().collect();
        for hash in waiting {
            if batch.txs.len() >= max {
                break;
            }
            let Some(entry) = inner.entries.get_mut(&hash) else { continue };
            if entry.in_block {
                continue;
            }
            if entry.expiration < now_ns {
                inner.remove(&hash);
                batch.expired.push(hash);
                continue;
            }
            entry.in_block = true;
            batch.txs.push((hash, entry.tx.clone()));
        }
        batch
    }

    /// Up to `max` waiting transactions in arrival order, left in the pool (a validator's
    /// proposal may never become final; they leave when a committed block holds them); those
    /// that expired before `now_ns` leave the pool instead.
    pub(crate) fn peek(&self, max: usize, now_ns: i64) -> Vec<Transaction> {
        let mut inner = self.lock();
        let mut txs = Vec::new();
        let mut expired = Vec::new();
        for hash in inner.by_arrival.values() {
            if txs.len() >= max {
                break;
            }
            let Some(entry) = inner.entries.get(hash) else { continue };
            if entry.expiration < now_ns {
                expired.push(*hash);
            } else {
                txs.push(entry.tx.clone());
            }
        }
        for hash in &expired {
            inner.remove(hash);
        }
        txs
    }

    /// Drops transactions: committed, left out of their block, or refused by it.
    pub(crate) fn remove(&self, hashes: &[[u8; 32]]) {
        let mut inner = self.lock();
        for hash in hashes {
            inner.remove(hash);
        }
    }

    /// A waiting transaction.
    pub(crate) fn get(&self, hash: &[u8; 32]) -> Option<Transaction> {
        self.lock().entries.get(hash).map(|e| e.tx.clone())
    }

    /// Transactions waiting (those in a block being made included).
    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether any transaction waits for a block (those already in one left out).
    pub(crate) fn has_waiting(&self) -> bool {
        self.lock().entries.values().any(|e| !e.in_block)
    }
}

#[cfg(test)]
mod tests {
    use jsvm_vm::Action;

    use super::*;

    fn tx(n: u64) -> ([u8; 32], Transaction) {
        let t = Transaction::new("alice", vec![Action::new("c", "m", "[]")]).with_time(n);
        (t.hash(), t)
    }

    fn add(pool: &Mempool, n: u64, publisher: &str, expiration: i64) -> Result<(), Refusal> {
        let (hash, t) = tx(n);
        pool.add(hash, t, publisher.into(), expiration, || Ok(false))
    }

    #[test]
    fn a_hash_waits_once_and_stays_refused_while_its_block_runs() {
        let pool = Mempool::new(10, 10);
        add(&pool, 1, "alice", 100).unwrap();
        assert_eq!(add(&pool, 1, "alice", 100), Err(Refusal::Pending));
        let batch = pool.take(10, 0);
        assert_eq!(batch.txs.len(), 1);
        assert_eq!(add(&pool, 1, "alice", 100), Err(Refusal::Pending), "in a block, not yet committed");
        assert!(!pool.has_waiting());
        assert_eq!(pool.len(), 1);
        pool.remove(&[batch.txs[0].0]);
        assert_eq!(pool.len(), 0);
    }

    #[test]
    fn a_committed_hash_is_refused() {
        let pool = Mempool::new(10, 10);
        let (hash, t) = tx(1);
        assert_eq!(pool.add(hash, t.clone(), "alice".into(), 100, || Ok(true)), Err(Refusal::OnChain));
        let refused = pool.add(hash, t, "alice".into(), 100, || Err("disk gone".into()));
        assert_eq!(refused, Err(Refusal::Store("disk gone".into())));
        assert_eq!(pool.len(), 0);
    }

    #[test]
    fn bounds_hold_in_total_and_per_account() {
        let pool = Mempool::new(3, 2);
        add(&pool, 1, "alice", 100).unwrap();
        add(&pool, 2, "alice", 100).unwrap();
        let refused = add(&pool, 3, "alice", 100).unwrap_err();
        assert_eq!(refused, Refusal::AccountFull { account: "alice".into(), max: 2 });
        assert_eq!(
            refused.to_string(),
            "account alice has 2 transactions waiting, the most one account may; try again after the next block"
        );
        add(&pool, 4, "bob", 100).unwrap();
        assert_eq!(add(&pool, 5, "carol", 100), Err(Refusal::Full(3)));
        let (hash, _) = tx(1);
        pool.remove(&[hash]);
        add(&pool, 6, "alice", 100).unwrap();
    }

    #[test]
    fn peek_leaves_transactions_waiting_and_evicts_the_expired() {
        let pool = Mempool::new(10, 10);
        for n in 1..=4 {
            add(&pool, n, "alice", if n == 2 { 5 } else { 100 }).unwrap();
        }
        let times = |txs: Vec<Transaction>| txs.iter().map(|t| t.time).collect::<Vec<_>>();
        assert_eq!(times(pool.peek(2, 10)), vec![1, 3]);
        assert_eq!(times(pool.peek(10, 10)), vec![1, 3, 4], "still there, in arrival order");
        assert!(pool.get(&tx(2).0).is_none(), "the expired one left");
        assert_eq!(pool.len(), 3);
    }

    #[test]
    fn take_keeps_arrival_order_and_bound_and_evicts_the_expired() {
        let pool = Mempool::new(10, 10);
        for n in 1..=4 {
            add(&pool, n, "alice", if n == 2 { 5 } else { 100 }).unwrap();
        }
        let batch = pool.take(2, 10);
        let order: Vec<u64> = batch.txs.iter().map(|(_, t)| t.time).collect();
        assert_eq!(order, vec![1, 3]);
        assert_eq!(batch.expired, vec![tx(2).0]);
        assert!(pool.get(&tx(2).0).is_none());
        let next = pool.take(10, 10);
        assert_eq!(next.txs.iter().map(|(_, t)| t.time).collect::<Vec<_>>(), vec![4]);
    }
}
