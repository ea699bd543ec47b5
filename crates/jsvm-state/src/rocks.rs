use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use rocksdb::{Direction, IteratorMode, Options, SnapshotWithThreadMode, WriteBatch, WriteOptions, DB};

use crate::batch::block_batch;
use crate::keys::{block_key, KeySpace, FORMAT_MARKER, META_FORMAT, META_HEAD};
use crate::store::{
    check_order, decode_height, root_after, scan_back_bound, BlockCommit, ChainHead, Entries, KnownRoot, Lookup,
    StateRead, Store,
};
use crate::StateError;

/// The persistent [`Store`]: one RocksDB database per data directory.
///
/// Every block is one `WriteBatch` (state writes, block record, receipts and the
/// new chain head together), written with `sync`, so after a crash the store
/// holds the last whole block, never part of one.
pub struct RocksStore {
    db: Arc<DB>,
    path: PathBuf,
    head: Mutex<ChainHead>,
    /// What [`Store::last_block_hash`] answers: set with the head, under its lock.
    last_hash: Mutex<Option<(u64, [u8; 32])>>,
    read_only: bool,
    /// The buffer each block's write batch is laid out in, kept from block to block: a big
    /// block's is megabytes, and memory fresh from the system costs a page fault a page.
    batch_buffer: Mutex<Vec<u8>>,
}

/// Fewest entries (writes and receipts) of a committed block worth freeing on a thread of their
/// own: below it, starting the thread costs more than the frees.
const FREE_APART_FROM: usize = 4_096;

fn db_options(create: bool) -> Options {
    let mut o = Options::default();
    o.create_if_missing(create);
    o.set_paranoid_checks(true);
    o.set_compression_type(rocksdb::DBCompressionType::Lz4);
    o.set_keep_log_file_num(2);
    // A Bloom filter in each table (10 bits a key, about 1% false positives): most reads that miss
    // (a transaction's hash looked up among the receipts before its block runs, an account's
    // first balance) then pass a table by without reading its index and data blocks. Tables
    // written before have none and are read as before.
    let mut tables = rocksdb::BlockBasedOptions::default();
    tables.set_bloom_filter(10.0, false);
    o.set_block_based_table_factory(&tables);
    // The same for the memtables (a filter over whole keys, a tenth of the write buffer's size): a
    // lookup of a key no memtable holds, as is each of a block's transaction hashes among the
    // receipts, then skips the search of each memtable's skip list, which grows as the memtable
    // fills (a 10,000-transaction block's checks took 20 -> 53 ms over four blocks without it).
    o.set_memtable_prefix_bloom_ratio(0.1);
    o.set_memtable_whole_key_filtering(true);
    o
}

/// What is at `path` before we open anything there.
enum Found {
    Nothing,
    RocksDb,
}

fn inspect(path: &Path) -> Result<Found, StateError> {
    let foreign = |reason: &str| StateError::Foreign { path: path.to_path_buf(), reason: reason.into() };
    if !path.exists() {
        return Ok(Found::Nothing);
    }
    if !path.is_dir() {
        return Err(foreign("it is not a directory"));
    }
    let mut entries = std::fs::read_dir(path).map_err(|e| foreign(&e.to_string()))?;
    if entries.next().is_none() {
        return Ok(Found::Nothing);
    }
    if !path.join("CURRENT").is_file() {
        return Err(foreign("it is not empty and holds no database"));
    }
    Ok(Found::RocksDb)
}

impl RocksStore {
    /// Opens (or creates) the store at `path` for reading and writing.
    ///
    /// Refuses, without writing anything, a directory that holds something other
    /// than a jsvm store, and reports a corrupt one.
    pub fn open(path: &Path) -> Result<RocksStore, StateError> {
        match inspect(path)? {
            Found::Nothing => {
                std::fs::create_dir_all(path).map_err(|e| StateError::Db(e.to_string()))?;
                let db = DB::open(&db_options(true), path).map_err(|e| open_failed(path, e))?;
                let mut batch = WriteBatch::default();
                batch.put(META_FORMAT, FORMAT_MARKER);
                batch.put(META_HEAD, ChainHead::default().encode());
                db.write_opt(batch, &sync_write())?;
                Ok(Self::wrap(db, path, ChainHead::default(), false))
            }
            Found::RocksDb => {
                // Check the marker through a read-only handle first, so that a
                // foreign database is never modified.
                drop(Self::open_read_only(path)?);
                let db = DB::open(&db_options(false), path).map_err(|e| open_failed(path, e))?;
                let head = read_head(&db, path)?;
                Ok(Self::wrap(db, path, head, false))
            }
        }
    }

    /// Opens an existing store for reading only. Another process may hold it
    /// open for writing at the same time; this view is the state as of opening.
    pub fn open_read_only(path: &Path) -> Result<RocksStore, StateError> {
        match inspect(path)? {
            Found::Nothing => Err(StateError::Foreign {
                path: path.to_path_buf(),
                reason: "it holds no jsvm store yet (deploy a contract first)".into(),
            }),
            Found::RocksDb => {
                let db = DB::open_for_read_only(&db_options(false), path, false).map_err(|e| corrupt(path, e))?;
                match db.get(META_FORMAT).map_err(|e| corrupt(path, e))? {
                    None => {
                        return Err(StateError::Foreign {
                            path: path.to_path_buf(),
                            reason: "the database has no jsvm format marker".into(),
                        })
                    }
                    Some(m) if m != FORMAT_MARKER.as_bytes() => {
                        return Err(StateError::Version {
                            path: path.to_path_buf(),
                            found: String::from_utf8_lossy(&m).into_owned(),
                            expected: FORMAT_MARKER.into(),
                        })
                    }
                    Some(_) => {}
                }
                let head = read_head(&db, path)?;
                Ok(Self::wrap(db, path, head, true))
            }
        }
    }

    fn wrap(db: DB, path: &Path, head: ChainHead, read_only: bool) -> RocksStore {
        let last_hash = Mutex::new(None);
        let batch_buffer = Mutex::new(Vec::new());
        RocksStore {
            db: Arc::new(db),
            path: path.to_path_buf(),
            head: Mutex::new(head),
            last_hash,
            read_only,
            batch_buffer,
        }
    }

    /// The data directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn sync_write() -> WriteOptions {
    let mut w = WriteOptions::default();
    w.set_sync(true);
    w
}

fn corrupt(path: &Path, e: rocksdb::Error) -> StateError {
    StateError::Corrupt { path: path.to_path_buf(), reason: e.into_string() }
}

/// Why opening the store for writing failed: the file system refusing writes is not corruption.
fn open_failed(path: &Path, e: rocksdb::Error) -> StateError {
    // RocksDB reports the OS's reason only in its message (its kind is IOError for a missing file too).
    const UNWRITABLE: [&str; 3] = ["Read-only file system", "No space left on device", "Permission denied"];
    let reason = e.into_string();
    if UNWRITABLE.iter().any(|why| reason.contains(why)) {
        StateError::Unwritable { path: path.to_path_buf(), reason }
    } else {
        StateError::Corrupt { path: path.to_path_buf(), reason }
    }
}

fn read_head(db: &DB, path: &Path) -> Result<ChainHead, StateError> {
    let raw = db.get(META_HEAD).map_err(|e| corrupt(path, e))?;
    raw.as_deref().and_then(ChainHead::decode).ok_or_else(|| StateError::Corrupt {
        path: path.to_path_buf(),
        reason: "the chain head record is missing or malformed".into(),
    })
}

fn get_state(db: &DB, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
    Ok(db.get(KeySpace::State.key(key))?)
}

fn scan_state<'a>(
    iter: impl Iterator<Item = Result<(Box<[u8]>, Box<[u8]>), rocksdb::Error>> + 'a,
    start: &[u8],
) -> Result<Entries, StateError> {
    let mut out = Vec::new();
    for item in iter {
        let (k, v) = item?;
        if !k.starts_with(start) {
            break;
        }
        out.push((k[1..].to_vec(), v.into_vec()));
    }
    Ok(out)
}

/// A page of state entries from an iterator started at `KeySpace::State.key(prefix ++ after)`: the
/// keys under `prefix` above that start (which is skipped when it exists), at most `limit`.
fn scan_state_page<'a>(
    iter: impl Iterator<Item = Result<(Box<[u8]>, Box<[u8]>), rocksdb::Error>> + 'a,
    prefix: &[u8],
    after: &[u8],
    limit: usize,
) -> Result<Entries, StateError> {
    let under = KeySpace::State.key(prefix);
    let start = KeySpace::State.key(&[prefix, after].concat());
    let mut out = Vec::new();
    for item in iter {
        let (k, v) = item?;
        if !k.starts_with(&under) || out.len() == limit {
            break;
        }
        if *k != *start {
            out.push((k[1..].to_vec(), v.into_vec()));
        }
    }
    Ok(out)
}

impl StateRead for RocksStore {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        get_state(&self.db, key)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StateError> {
        let start = KeySpace::State.key(prefix);
        scan_state(self.db.iterator(IteratorMode::From(&start, Direction::Forward)), &start)
    }

    fn scan_prefix_after(&self, prefix: &[u8], after: &[u8], limit: usize) -> Result<Entries, StateError> {
        let start = KeySpace::State.key(&[prefix, after].concat());
        scan_state_page(self.db.iterator(IteratorMode::From(&start, Direction::Forward)), prefix, after, limit)
    }
}

/// A RocksDB snapshot that owns a handle to its database.
///
/// `snap` borrows from `*_db`; the borrow is extended to `'static` because the
/// `Arc` kept beside it lives at least as long (fields drop in declaration
/// order: the snapshot is released before the database handle).
struct RocksSnapshot {
    snap: SnapshotWithThreadMode<'static, DB>,
    /// The values `get_if_changed` has read, by key (`None`: absent). A snapshot never changes, so
    /// a block's transactions that call the same contract compare its record with this copy instead
    /// of reading it out of RocksDB again: a record still in the memtable is copied on every read,
    /// and reading it was 15,000 instructions of a 415,000-instruction token transfer. Only
    /// `get_if_changed` fills it (contract records): its size is bounded by what one block calls.
    compared: Mutex<HashMap<Vec<u8>, Option<Vec<u8>>>>,
    _db: Arc<DB>,
}

impl RocksSnapshot {
    fn new(db: Arc<DB>) -> Self {
        let snap = db.snapshot();
        // SAFETY: the snapshot refers to the DB behind `db`, whose heap address is
        // stable and which this struct keeps alive for the snapshot's lifetime.
        let snap: SnapshotWithThreadMode<'static, DB> = unsafe { std::mem::transmute(snap) };
        RocksSnapshot { snap, compared: Mutex::new(HashMap::new()), _db: db }
    }
}

impl StateRead for RocksSnapshot {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        // Pinned: the value is copied once, out of RocksDB's block or memtable, not first into a
        // C++ string.
        Ok(self.snap.get_pinned(KeySpace::State.key(key))?.map(|v| v.to_vec()))
    }

    fn get_if_changed(&self, key: &[u8], known: &[u8]) -> Result<Lookup, StateError> {
        if let Some(value) = self.compared.lock().unwrap_or_else(PoisonError::into_inner).get(key) {
            return Ok(Lookup::of_slice(value.as_deref(), known));
        }
        // Not under the lock: a parallel block's workers read through one snapshot, and must not
        // wait for each other's RocksDB reads. Two that miss the same key both read it and store
        // the same value (a snapshot never changes), so the race costs a read, never an answer.
        let found = self.snap.get_pinned(KeySpace::State.key(key))?;
        let lookup = Lookup::of_slice(found.as_deref(), known);
        let value = found.map(|v| v.to_vec());
        self.compared.lock().unwrap_or_else(PoisonError::into_inner).insert(key.to_vec(), value);
        Ok(lookup)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StateError> {
        let start = KeySpace::State.key(prefix);
        scan_state(self.snap.iterator(IteratorMode::From(&start, Direction::Forward)), &start)
    }

    fn scan_prefix_after(&self, prefix: &[u8], after: &[u8], limit: usize) -> Result<Entries, StateError> {
        let start = KeySpace::State.key(&[prefix, after].concat());
        scan_state_page(self.snap.iterator(IteratorMode::From(&start, Direction::Forward)), prefix, after, limit)
    }
}

impl Store for RocksStore {
    fn head(&self) -> ChainHead {
        *self.head.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn snapshot(&self) -> (ChainHead, Arc<dyn StateRead>) {
        // Commits hold the head lock while they write, so the snapshot and the
        // head always describe the same block.
        let head = self.head.lock().unwrap_or_else(|e| e.into_inner());
        (*head, Arc::new(RocksSnapshot::new(self.db.clone())))
    }

    fn commit_block_rooted(&self, block: BlockCommit, known: Option<KnownRoot>) -> Result<ChainHead, StateError> {
        if self.read_only {
            return Err(StateError::Db("the store is open read-only".into()));
        }
        let mut head = self.head.lock().unwrap_or_else(|e| e.into_inner());
        check_order(&head, block.height)?;
        let root = root_after(&head, &block, known);
        let new_head = ChainHead { height: block.height, state_root: root, time: block.time };
        let mut buffer = self.batch_buffer.lock().unwrap_or_else(PoisonError::into_inner);
        let batch = block_batch(&block, &new_head, &mut buffer)?;
        drop(buffer);
        let (height, block_hash) = (block.height, block.block_hash);
        // The batch holds its own copy of everything now. A big block's writes and receipts (tens
        // of thousands of allocations, milliseconds to free) are freed on a thread of their own
        // while this one waits for the write (here, if no thread can be started).
        let entries = block.state.len() + block.receipts.len();
        std::thread::scope(|s| {
            if entries >= FREE_APART_FROM {
                let _ = std::thread::Builder::new().spawn_scoped(s, move || drop(block));
            } else {
                drop(block);
            }
            self.db.write_opt(batch, &sync_write())
        })?;
        // Test hook (JSVM_FAULT_CRASH_IN_COMMIT, fault.rs): the crash tests abort here.
        crate::fault::block_written(height);
        *head = new_head;
        *self.last_hash.lock().unwrap_or_else(|e| e.into_inner()) = Some((height, block_hash));
        Ok(new_head)
    }

    fn last_block_hash(&self) -> Option<(u64, [u8; 32])> {
        *self.last_hash.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn block_record(&self, height: u64) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.db.get(block_key(height))?)
    }

    fn block_height(&self, hash: &[u8]) -> Result<Option<u64>, StateError> {
        self.db.get(KeySpace::BlockHash.key(hash))?.map(|h| decode_height(&h)).transpose()
    }

    fn receipt(&self, tx_hash: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.db.get(KeySpace::Receipt.key(tx_hash))?)
    }

    fn cache_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.db.get(KeySpace::Cache.key(key))?)
    }

    fn cache_put(&self, key: &[u8], value: &[u8]) -> Result<(), StateError> {
        if self.read_only {
            return Ok(()); // a read-only node simply does not cache
        }
        Ok(self.db.put(KeySpace::Cache.key(key), value)?)
    }

    fn index_put(&self, entries: &[(Vec<u8>, Vec<u8>)]) -> Result<(), StateError> {
        if self.read_only {
            return Ok(()); // a read-only node serves the index it has
        }
        let mut batch = WriteBatch::default();
        for (k, v) in entries {
            batch.put(KeySpace::Index.key(k), v);
        }
        // Not synced: the index is rebuilt from the blocks after a crash (the node records how far it got).
        Ok(self.db.write(batch)?)
    }

    fn index_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.db.get(KeySpace::Index.key(key))?)
    }

    fn index_scan_back(&self, prefix: &[u8], before: Option<&[u8]>, limit: usize) -> Result<Entries, StateError> {
        let start = KeySpace::Index.key(prefix);
        // Past the whole Index space when the prefix has no end of its own (all 0xFF bytes).
        let bound = scan_back_bound(prefix, before)
            .map_or_else(|| vec![KeySpace::Index as u8 + 1], |b| KeySpace::Index.key(&b));
        let mut out = Vec::new();
        for item in self.db.iterator(IteratorMode::From(&bound, Direction::Reverse)) {
            let (k, v) = item?;
            if k.as_ref() >= bound.as_slice() {
                continue; // the seek lands on the bound itself when it exists: exclusive
            }
            if !k.starts_with(&start) || out.len() == limit {
                break;
            }
            out.push((k[1..].to_vec(), v.into_vec()));
        }
        Ok(out)
    }
}
