//! The multi-version store: for every key a transaction of the block wrote, the value each
//! writer's latest run left, by transaction index. A read by transaction `j` sees the write of
//! the highest index below `j`, else the block's base state, and is recorded with the version it
//! saw so that validation can tell whether a re-run below changed it.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use hashbrown::{DefaultHashBuilder, HashTable};
use jsvm_state::{Entries, Lookup, StateError, StateRead, Writes};

use crate::cells::{Cell, Cells};

/// A transaction's index in its block.
pub type TxIndex = usize;
/// How many times a transaction has been started again (0: its first run).
pub type Incarnation = u32;

/// Where a read's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// The block's base state: no lower transaction had written the key.
    Base,
    /// The write of this transaction's run.
    Tx(TxIndex, Incarnation),
}

/// One read a run made, as validation checks it again.
#[derive(Debug, Clone)]
pub(crate) enum Read {
    /// A single key, checked by the version it saw.
    Get { key: Vec<u8>, origin: Origin },
    /// A prefix scan, checked by the entries it returned (any write below under the prefix
    /// may change them, including one to a key the scan never saw).
    Scan { prefix: Vec<u8>, entries: Entries },
}

/// What a lookup below a transaction found.
enum Found<'a> {
    Value(Origin, &'a Option<Vec<u8>>),
    /// The write of this lower transaction is an estimate.
    Blocked(TxIndex),
    /// No lower transaction wrote the key.
    Base,
}

/// A read as the store answers it: the value and where it came from, or (`Err`) the lower
/// transaction whose estimate the reader must wait for.
type Seen<T> = Result<T, TxIndex>;

/// What the block knows of one key: its value in the base once some run read it (the base does not
/// change during the block, and runs read many of the same keys: a contract's record, a token's
/// bookkeeping, each a store lookup), and the writes of the block's transactions by writer.
#[derive(Default)]
struct Slot {
    base: Option<Option<Vec<u8>>>,
    cells: Cells,
}

/// Shards of the block's slots: every read of a run looks its key up here. Under one lock each
/// lookup would take the lock word from the other workers' cores (and a record would stop every
/// reader); in shards, workers reading different keys touch different locks. The key is hashed
/// once per lookup (a randomly seeded hash, so that no one can choose keys that all land in one
/// shard), and that hash both picks the shard and finds the slot in it.
const SHARDS: usize = 64;

type Table = HashTable<(Vec<u8>, Slot)>;

struct Slots {
    shards: Vec<RwLock<Table>>,
    hasher: DefaultHashBuilder,
}

impl Slots {
    fn new() -> Slots {
        Slots { shards: (0..SHARDS).map(|_| RwLock::default()).collect(), hasher: DefaultHashBuilder::default() }
    }

    /// Where `key`'s slot lives: its hash and shard. The shard is chosen by bits the table itself
    /// uses for neither the bucket (the low bits) nor the tag (the top seven), so each shard's table
    /// still sees hashes spread over all its buckets. A caller that looks a key up more than once
    /// (a read, then the base value cached) hashes it once.
    fn locate(&self, key: &[u8]) -> Located<'_> {
        let hash = self.hasher.hash_one(key);
        Located { hash, shard: &self.shards[(hash >> 32) as usize % SHARDS] }
    }

    /// `f` of `key`'s slot (None: no run has read or written it), under its shard's read lock.
    fn read<R>(&self, key: &[u8], f: impl FnOnce(Option<&Slot>) -> R) -> R {
        self.read_at(self.locate(key), key, f)
    }

    /// [`Slots::read`] at a located key.
    fn read_at<R>(&self, at: Located<'_>, key: &[u8], f: impl FnOnce(Option<&Slot>) -> R) -> R {
        let table = at.shard.read().unwrap_or_else(|e| e.into_inner());
        f(table.find(at.hash, |(k, _)| k.as_slice() == key).map(|(_, slot)| slot))
    }

    /// `f` of `key`'s slot, made empty if there was none, under its shard's write lock.
    fn write<R>(&self, key: &[u8], f: impl FnOnce(&mut Slot) -> R) -> R {
        self.write_at(self.locate(key), key, f)
    }

    /// [`Slots::write`] at a located key.
    fn write_at<R>(&self, at: Located<'_>, key: &[u8], f: impl FnOnce(&mut Slot) -> R) -> R {
        let mut table = at.shard.write().unwrap_or_else(|e| e.into_inner());
        let entry = table.entry(at.hash, |(k, _)| k.as_slice() == key, |(k, _)| self.hasher.hash_one(k));
        f(&mut entry.or_insert_with(|| (key.to_vec(), Slot::default())).into_mut().1)
    }
}

/// A key's hash and the shard its slot lives in ([`Slots::locate`]).
#[derive(Clone, Copy)]
struct Located<'a> {
    hash: u64,
    shard: &'a RwLock<Table>,
}

/// Keys and their final values (`None`: deleted), in key order.
type KeyWrites = Vec<(Vec<u8>, Option<Vec<u8>>)>;

/// Fewest written keys worth a thread of their own when a block's writes are taken: below it the
/// thread costs more than the lookups it takes over.
const MIN_KEYS_PER_THREAD: usize = 4_096;

/// The block's multi-version store over its base state.
pub(crate) struct MvMemory {
    base: Arc<dyn StateRead>,
    /// Each key's cached base value and writes. A key's writes are changed under its shard's lock,
    /// one key at a time: Block-STM needs each key's versions consistent, not a transaction's
    /// writes published at once (a reader that sees some of them is validated again after the
    /// writer's run is recorded, and one that meets an estimate waits).
    slots: Slots,
    /// Every key a run of the block has written, in order: what a prefix scan walks. A key stays
    /// after its writes are withdrawn (it then has no cells: the base's value shows).
    written_keys: RwLock<BTreeSet<Vec<u8>>>,
    /// The keys each transaction's last recorded run wrote (sorted).
    written: Vec<Mutex<Vec<Vec<u8>>>>,
    /// The reads of each transaction's last recorded run.
    reads: Vec<Mutex<Arc<Vec<Read>>>>,
}

impl MvMemory {
    pub(crate) fn new(base: Arc<dyn StateRead>, txs: usize) -> MvMemory {
        MvMemory {
            base,
            slots: Slots::new(),
            written_keys: RwLock::default(),
            written: (0..txs).map(|_| Mutex::default()).collect(),
            reads: (0..txs).map(|_| Mutex::default()).collect(),
        }
    }

    /// The newest write below `below` that is not an estimate, or None (the base): what a run
    /// that must be discarded reads so that it can still finish quickly.
    fn find_settled(cells: &Cells, below: TxIndex) -> Option<&Option<Vec<u8>>> {
        cells.below(below).find_map(|(_, cell)| match cell {
            Cell::Written { value, .. } => Some(value),
            Cell::Estimate => None,
        })
    }

    fn find(cells: Option<&Cells>, below: TxIndex) -> Found<'_> {
        let Some(cells) = cells else { return Found::Base };
        match cells.below(below).next() {
            None => Found::Base,
            Some((writer, Cell::Estimate)) => Found::Blocked(writer),
            Some((writer, Cell::Written { incarnation, value })) => {
                Found::Value(Origin::Tx(writer, *incarnation), value)
            }
        }
    }

    /// `f` of `key`'s writes (None: no transaction of the block wrote it), under its shard's lock.
    fn with_cells<R>(&self, key: &[u8], f: impl FnOnce(Option<&Cells>) -> R) -> R {
        self.slots.read(key, |slot| f(slot.map(|s| &s.cells).filter(|cells| !cells.is_empty())))
    }

    /// `answer` of `key`'s value as transaction `reader` sees it, borrowed in place (`None`: absent
    /// or deleted), and where the value came from; `Err(writer)` when the lower write it must see
    /// is an estimate.
    fn get_with<R>(
        &self,
        key: &[u8],
        reader: TxIndex,
        answer: impl Fn(Option<&[u8]>) -> R,
    ) -> Result<Seen<(Origin, R)>, StateError> {
        // One lookup answers both a lower write and a base value read before.
        let at = self.slots.locate(key);
        let found = self.slots.read_at(at, key, |slot| {
            let slot = slot?;
            match Self::find(Some(&slot.cells), reader) {
                Found::Value(origin, value) => Some(Ok((origin, answer(value.as_deref())))),
                Found::Blocked(writer) => Some(Err(writer)),
                Found::Base => slot.base.as_ref().map(|value| Ok((Origin::Base, answer(value.as_deref())))),
            }
        });
        match found {
            Some(seen) => Ok(seen),
            // Not cached: that lookup has just said so, the base itself answers.
            None => Ok(Ok((Origin::Base, answer(self.fetch_base(at, key)?.as_deref())))),
        }
    }

    /// `key` in the base state, from the block's cache of base reads when read before.
    fn base_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        let at = self.slots.locate(key);
        match self.slots.read_at(at, key, |slot| slot.and_then(|s| s.base.clone())) {
            Some(value) => Ok(value),
            None => self.fetch_base(at, key),
        }
    }

    /// `key` read from the base state and cached in its slot (at `at`).
    fn fetch_base(&self, at: Located<'_>, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        // Read outside the shard's lock: a store read may take a while.
        let value = self.base.get(key)?;
        self.slots.write_at(at, key, |slot| slot.base = Some(value.clone()));
        Ok(value)
    }

    /// `answer` of `key`'s value for a run that will be discarded: the newest settled write below
    /// `reader`, else the base.
    fn get_settled_with<R>(
        &self,
        key: &[u8],
        reader: TxIndex,
        answer: impl Fn(Option<&[u8]>) -> R,
    ) -> Result<R, StateError> {
        let settled = self
            .with_cells(key, |cells| cells.and_then(|c| Self::find_settled(c, reader)).map(|v| answer(v.as_deref())));
        match settled {
            Some(given) => Ok(given),
            None => Ok(answer(self.base_get(key)?.as_deref())),
        }
    }

    /// Every entry under `prefix` for a run that will be discarded, estimates passed over.
    fn scan_settled(&self, prefix: &[u8], reader: TxIndex) -> Result<Entries, StateError> {
        let settled =
            self.merge_scan(prefix, |cells| Ok(cells.and_then(|c| Self::find_settled(c, reader)).cloned()))?;
        Ok(settled.unwrap_or_default())
    }

    /// Every entry under `prefix` as transaction `reader` sees it, or the lower writer it must wait for.
    fn scan(&self, prefix: &[u8], reader: TxIndex) -> Result<Seen<Entries>, StateError> {
        self.merge_scan(prefix, |cells| match Self::find(cells, reader) {
            Found::Base => Ok(None),
            Found::Blocked(writer) => Err(writer),
            Found::Value(_, value) => Ok(Some(value.clone())),
        })
    }

    /// The base's entries under `prefix` with the block's writes laid over them: `visible` says
    /// which write of a key the reader sees (None: the base's), or which writer it must wait for.
    fn merge_scan(
        &self,
        prefix: &[u8],
        visible: impl Fn(Option<&Cells>) -> Seen<Option<Option<Vec<u8>>>>,
    ) -> Result<Seen<Entries>, StateError> {
        let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = self.base.scan_prefix(prefix)?.into_iter().collect();
        let keys = self.written_keys.read().unwrap_or_else(|e| e.into_inner());
        for key in keys.range(prefix.to_vec()..).take_while(|k| k.starts_with(prefix)) {
            match self.with_cells(key, &visible) {
                Err(writer) => return Ok(Err(writer)),
                Ok(None) => {}
                Ok(Some(Some(v))) => {
                    merged.insert(key.clone(), v);
                }
                Ok(Some(None)) => {
                    merged.remove(key);
                }
            }
        }
        Ok(Ok(merged.into_iter().collect()))
    }

    /// Records run `incarnation` of `tx`: its writes replace its previous run's (keys that run
    /// wrote and this one did not are withdrawn), and its reads are kept for validation. True when
    /// it wrote a key its previous run did not: higher transactions must all be validated again.
    pub(crate) fn record(&self, tx: TxIndex, incarnation: Incarnation, reads: Vec<Read>, writes: &Writes) -> bool {
        let mut written = self.written[tx].lock().unwrap_or_else(|e| e.into_inner());
        let keys: Vec<Vec<u8>> = writes.keys().cloned().collect();
        let new_keys: Vec<&Vec<u8>> = keys.iter().filter(|k| written.binary_search(k).is_err()).collect();
        if !new_keys.is_empty() {
            // Before the writes themselves: a scan that finds a key here and no write yet reads
            // the base's value, as it would have a moment earlier.
            let mut all = self.written_keys.write().unwrap_or_else(|e| e.into_inner());
            for key in &new_keys {
                all.insert((*key).clone());
            }
        }
        for old in written.iter().filter(|k| !writes.contains_key(*k)) {
            self.slots.write(old, |slot| slot.cells.remove(tx));
        }
        for (key, value) in writes {
            let cell = Cell::Written { incarnation, value: value.clone() };
            self.slots.write(key, |slot| slot.cells.insert(tx, cell));
        }
        let wrote_new = !new_keys.is_empty();
        *written = keys;
        *self.reads[tx].lock().unwrap_or_else(|e| e.into_inner()) = Arc::new(reads);
        wrote_new
    }

    /// The block's writes once every transaction's last run is recorded and none is left to run
    /// again: each written key's value from its highest writer (None: deleted), in key order; a key
    /// whose writes were all withdrawn is not among them. The keys and values are moved out, so the
    /// store is spent afterwards. `Err` names a key still holding an estimate (the block is not done).
    ///
    /// Each key is a lookup in the shards (a hash and, in a big block, a cache miss or two), all on
    /// the thread that waits for the block while its participants' cores sit idle: a block of tens
    /// of thousands of keys is split over up to `threads` threads.
    pub(crate) fn take_block_writes(&self, threads: usize) -> Result<Writes, Vec<u8>> {
        let keys = std::mem::take(&mut *self.written_keys.write().unwrap_or_else(|e| e.into_inner()));
        let mut rest: Vec<Vec<u8>> = keys.into_iter().collect();
        let per_thread = rest.len().div_ceil(threads.max(1)).max(MIN_KEYS_PER_THREAD);
        // In key order: each part a run of the sorted keys.
        let mut parts = Vec::new();
        while rest.len() > per_thread {
            let tail = rest.split_off(per_thread);
            parts.push(std::mem::replace(&mut rest, tail));
        }
        parts.push(rest);
        let first = parts.remove(0);
        let taken: Vec<Result<KeyWrites, Vec<u8>>> = std::thread::scope(|s| {
            let others: Vec<_> = parts.into_iter().map(|part| s.spawn(|| self.last_writes(part))).collect();
            std::iter::once(self.last_writes(first))
                .chain(others.into_iter().map(|t| t.join().unwrap_or_else(|e| std::panic::resume_unwind(e))))
                .collect()
        });
        let mut writes = Vec::new();
        for part in taken {
            writes.extend(part?);
        }
        // In key order already: the map is built without comparing keys again.
        Ok(writes.into_iter().collect())
    }

    /// The last write of each of `keys` (ascending), moved out of its slot: part of
    /// [`MvMemory::take_block_writes`].
    fn last_writes(&self, keys: Vec<Vec<u8>>) -> Result<KeyWrites, Vec<u8>> {
        let mut writes = Vec::with_capacity(keys.len());
        for key in keys {
            let last = self.slots.write(&key, |slot| match slot.cells.pop_last() {
                None => Ok(None),
                Some((_, Cell::Written { value, .. })) => Ok(Some(value)),
                Some((_, Cell::Estimate)) => Err(()),
            });
            match last {
                Ok(Some(value)) => writes.push((key, value)),
                Ok(None) => {}
                Err(()) => return Err(key),
            }
        }
        Ok(writes)
    }

    /// Marks `tx`'s writes as estimates: its run failed validation and will run again.
    pub(crate) fn mark_estimates(&self, tx: TxIndex) {
        let written = self.written[tx].lock().unwrap_or_else(|e| e.into_inner());
        for key in written.iter() {
            self.slots.write(key, |slot| {
                if let Some(cell) = slot.cells.get_mut(tx) {
                    *cell = Cell::Estimate;
                }
            });
        }
    }

    /// Whether every read of `tx`'s last recorded run would see the same thing now.
    pub(crate) fn validate(&self, tx: TxIndex) -> Result<bool, StateError> {
        let reads = self.reads[tx].lock().unwrap_or_else(|e| e.into_inner()).clone();
        for read in reads.iter() {
            let same = match read {
                Read::Get { key, origin } => self.with_cells(key, |cells| match Self::find(cells, tx) {
                    Found::Base => *origin == Origin::Base,
                    Found::Value(now, _) => *origin == now,
                    Found::Blocked(_) => false,
                }),
                Read::Scan { prefix, entries } => match self.scan(prefix, tx)? {
                    Ok(now) => now == *entries,
                    Err(_) => false,
                },
            };
            if !same {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// No transaction is blocked: the sentinel of [`TxView::blocked_on`].
const NOT_BLOCKED: usize = usize::MAX;

/// The state as one run of one transaction sees it: the multi-version store below its index,
/// then the base. It records every read. A read of an estimate marks the run as one to discard
/// (the transaction waits for the writer's next run); it and every later read then answer the
/// newest settled value instead, so that the run ends the way any run ends: an error here would
/// reach the contract and the engine, and cost more than letting it finish.
pub(crate) struct TxView {
    mv: Arc<MvMemory>,
    tx: TxIndex,
    reads: Mutex<Vec<Read>>,
    blocked_on: AtomicUsize,
}

impl TxView {
    pub(crate) fn new(mv: Arc<MvMemory>, tx: TxIndex) -> TxView {
        TxView { mv, tx, reads: Mutex::default(), blocked_on: AtomicUsize::new(NOT_BLOCKED) }
    }

    /// The lower transaction whose estimate this run read, if it read one.
    pub(crate) fn blocked_on(&self) -> Option<TxIndex> {
        Some(self.blocked_on.load(Ordering::Acquire)).filter(|&t| t != NOT_BLOCKED)
    }

    /// The run's reads, in the order made.
    pub(crate) fn take_reads(&self) -> Vec<Read> {
        std::mem::take(&mut *self.reads.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn block(&self, writer: TxIndex) {
        let _ = self.blocked_on.compare_exchange(NOT_BLOCKED, writer, Ordering::AcqRel, Ordering::Acquire);
    }

    fn note(&self, read: Read) {
        self.reads.lock().unwrap_or_else(|e| e.into_inner()).push(read);
    }

    /// `answer` of `key`'s value as this run sees it, borrowed in place, and the read recorded.
    fn read_with<R>(&self, key: &[u8], answer: impl Fn(Option<&[u8]>) -> R) -> Result<R, StateError> {
        if self.blocked_on().is_some() {
            return self.mv.get_settled_with(key, self.tx, answer);
        }
        match self.mv.get_with(key, self.tx, &answer)? {
            Err(writer) => {
                self.block(writer);
                self.mv.get_settled_with(key, self.tx, answer)
            }
            Ok((origin, given)) => {
                self.note(Read::Get { key: key.to_vec(), origin });
                Ok(given)
            }
        }
    }
}

impl StateRead for TxView {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.read_with(key, |value| value.map(<[u8]>::to_vec))
    }

    /// Compared in place: a contract's record (its code among it) is read by every call of it,
    /// and copying it out for each run would cost more than the rest of the read.
    fn get_if_changed(&self, key: &[u8], known: &[u8]) -> Result<Lookup, StateError> {
        self.read_with(key, |value| Lookup::of_slice(value, known))
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StateError> {
        if self.blocked_on().is_some() {
            return self.mv.scan_settled(prefix, self.tx);
        }
        match self.mv.scan(prefix, self.tx)? {
            Err(writer) => {
                self.block(writer);
                self.mv.scan_settled(prefix, self.tx)
            }
            Ok(entries) => {
                self.note(Read::Scan { prefix: prefix.to_vec(), entries: entries.clone() });
                Ok(entries)
            }
        }
    }
}
