//! The RocksDB store: persistence across reopen, atomic blocks, snapshots, and
//! refusal of foreign or corrupt data directories.

use std::sync::Arc;

use jsvm_state::{BlockCommit, Lookup, MemStore, RocksStore, StateError, StateRead, Store};

fn commit(height: u64, pairs: &[(&str, Option<&str>)]) -> BlockCommit {
    let mut c = BlockCommit {
        height,
        time: height * 10,
        block_record: format!("block {height}").into_bytes(),
        ..Default::default()
    };
    for (k, v) in pairs {
        c.state.insert(k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec()));
    }
    c.receipts.push((format!("tx{height}").into_bytes(), b"receipt".to_vec()));
    c
}

#[test]
fn state_and_head_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data");
    let head = {
        let s = RocksStore::open(&path).unwrap();
        s.commit_block(commit(1, &[("a", Some("1")), ("b", Some("2"))])).unwrap();
        s.commit_block(commit(2, &[("a", None), ("c", Some("3"))])).unwrap()
    };
    let s = RocksStore::open(&path).unwrap();
    assert_eq!(s.head(), head);
    assert_eq!(s.head().height, 2);
    assert_eq!(s.get(b"a").unwrap(), None);
    assert_eq!(s.get(b"b").unwrap(), Some(b"2".to_vec()));
    assert_eq!(s.block_record(2).unwrap(), Some(b"block 2".to_vec()));
    assert_eq!(s.receipt(b"tx1").unwrap(), Some(b"receipt".to_vec()));
}

#[test]
fn rocks_and_memory_stores_agree_on_the_state_root() {
    let dir = tempfile::tempdir().unwrap();
    let rocks = RocksStore::open(dir.path()).unwrap();
    let mem = MemStore::new();
    for (h, pairs) in [(1, vec![("x", Some("1"))]), (2, vec![("x", None), ("y", Some("2"))])] {
        let a = rocks.commit_block(commit(h, &pairs)).unwrap();
        let b = mem.commit_block(commit(h, &pairs)).unwrap();
        assert_eq!(a, b);
    }
    assert_eq!(rocks.scan_prefix(b"").unwrap(), mem.scan_prefix(b"").unwrap());
}

#[test]
fn out_of_order_blocks_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = RocksStore::open(dir.path()).unwrap();
    assert!(matches!(s.commit_block(commit(2, &[])), Err(StateError::OutOfOrder { head: 0, got: 2 })));
}

#[test]
fn a_snapshot_does_not_see_later_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let s = RocksStore::open(dir.path()).unwrap();
    s.commit_block(commit(1, &[("k", Some("old")), ("p1", Some("x"))])).unwrap();
    let (head, snap): (_, Arc<dyn StateRead>) = s.snapshot();
    assert_eq!(head.height, 1);
    s.commit_block(commit(2, &[("k", Some("new")), ("p2", Some("y"))])).unwrap();
    assert_eq!(snap.get(b"k").unwrap(), Some(b"old".to_vec()));
    assert_eq!(snap.scan_prefix(b"p").unwrap().len(), 1);
    assert_eq!(s.get(b"k").unwrap(), Some(b"new".to_vec()));
    drop(s); // the snapshot keeps its database alive on its own
    assert_eq!(snap.get(b"k").unwrap(), Some(b"old".to_vec()));
}

/// A snapshot keeps the values it compared (contract records), so each answer is asked twice: the
/// second comes from that copy and must be the first again, before and after later blocks.
#[test]
fn a_snapshot_compares_with_its_own_values_however_often_it_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    let s = RocksStore::open(dir.path()).unwrap();
    s.commit_block(commit(1, &[("k", Some("old")), ("gone", Some("x"))])).unwrap();
    let (_, before): (_, Arc<dyn StateRead>) = s.snapshot();
    let ask = |snap: &Arc<dyn StateRead>, key: &str, known: &str| {
        let first = snap.get_if_changed(key.as_bytes(), known.as_bytes()).unwrap();
        assert_eq!(snap.get_if_changed(key.as_bytes(), known.as_bytes()).unwrap(), first, "{key} against {known}");
        first
    };
    assert_eq!(ask(&before, "k", "old"), Lookup::Unchanged);
    assert_eq!(ask(&before, "k", "older"), Lookup::Changed(b"old".to_vec()));
    assert_eq!(ask(&before, "none", "x"), Lookup::Missing);
    s.commit_block(commit(2, &[("k", Some("new")), ("gone", None), ("none", Some("now"))])).unwrap();
    let (_, after): (_, Arc<dyn StateRead>) = s.snapshot();
    assert_eq!(ask(&before, "k", "old"), Lookup::Unchanged);
    assert_eq!(ask(&before, "k", "new"), Lookup::Changed(b"old".to_vec()));
    assert_eq!(ask(&before, "gone", "x"), Lookup::Unchanged);
    assert_eq!(ask(&before, "none", "now"), Lookup::Missing);
    assert_eq!(ask(&after, "k", "old"), Lookup::Changed(b"new".to_vec()));
    assert_eq!(ask(&after, "k", "new"), Lookup::Unchanged);
    assert_eq!(ask(&after, "gone", "x"), Lookup::Missing);
    assert_eq!(ask(&after, "none", "now"), Lookup::Unchanged);
}

#[test]
fn a_foreign_directory_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let err = RocksStore::open(dir.path()).err().expect("must refuse");
    assert!(matches!(err, StateError::Foreign { .. }), "{err}");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("notes.txt")]);
}

#[test]
fn a_plain_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("file");
    std::fs::write(&f, "x").unwrap();
    assert!(matches!(RocksStore::open(&f), Err(StateError::Foreign { .. })));
}

#[test]
fn a_foreign_rocksdb_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut o = rocksdb::Options::default();
        o.create_if_missing(true);
        let db = rocksdb::DB::open(&o, dir.path()).unwrap();
        db.put(b"hello", b"world").unwrap();
    }
    let err = RocksStore::open(dir.path()).err().expect("must refuse");
    assert!(matches!(err, StateError::Foreign { .. }), "{err}");
    let db = rocksdb::DB::open_default(dir.path()).unwrap();
    assert_eq!(db.get(b"Mformat").unwrap(), None, "no marker may be written into a foreign DB");
}

#[test]
fn a_corrupt_directory_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    RocksStore::open(dir.path()).unwrap().commit_block(commit(1, &[("a", Some("1"))])).unwrap();
    std::fs::write(dir.path().join("CURRENT"), "MANIFEST-999999\n").unwrap();
    let err = RocksStore::open(dir.path()).err().expect("must fail");
    assert!(matches!(err, StateError::Corrupt { .. }), "{err}");
}

#[test]
fn read_only_open_works_beside_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let w = RocksStore::open(dir.path()).unwrap();
    w.commit_block(commit(1, &[("a", Some("1"))])).unwrap();
    let r = RocksStore::open_read_only(dir.path()).unwrap();
    assert_eq!(r.head().height, 1);
    assert_eq!(r.get(b"a").unwrap(), Some(b"1".to_vec()));
    assert!(r.commit_block(commit(2, &[])).is_err());
    w.commit_block(commit(2, &[("a", Some("2"))])).unwrap();
}

#[test]
fn read_only_open_of_a_missing_store_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = RocksStore::open_read_only(&dir.path().join("none")).err().unwrap();
    assert!(err.to_string().contains("deploy"), "{err}");
}

/// Child mode of `a_killed_writer_leaves_whole_blocks`: commits blocks until killed.
fn writer_loop(path: &std::path::Path) -> ! {
    let s = RocksStore::open(path).unwrap();
    let mut h = s.head().height;
    loop {
        h += 1;
        let mut c = BlockCommit { height: h, time: h, ..Default::default() };
        c.state.insert(b"height".to_vec(), Some(h.to_string().into_bytes()));
        for i in 0..50 {
            c.state.insert(format!("b{h}/{i}").into_bytes(), Some(vec![b'x'; 100]));
        }
        s.commit_block(c).unwrap();
    }
}

#[test]
fn a_killed_writer_leaves_whole_blocks() {
    if let Ok(path) = std::env::var("JSVM_STATE_WRITER") {
        writer_loop(std::path::Path::new(&path));
    }
    let dir = tempfile::tempdir().unwrap();
    for round in 0..3 {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "a_killed_writer_leaves_whole_blocks", "--nocapture"])
            .env("JSVM_STATE_WRITER", dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(600 + 200 * round));
        child.kill().unwrap(); // SIGKILL: no destructor, no flush
        child.wait().unwrap();
        let s = RocksStore::open(dir.path()).unwrap();
        let head = s.head().height;
        assert!(head > 0, "the writer committed nothing in round {round}");
        let recorded: u64 = String::from_utf8(s.get(b"height").unwrap().unwrap()).unwrap().parse().unwrap();
        assert_eq!(recorded, head, "the head and the state disagree");
        assert_eq!(s.scan_prefix(format!("b{head}/").as_bytes()).unwrap().len(), 50, "the last block is whole");
        assert!(s.scan_prefix(format!("b{}/", head + 1).as_bytes()).unwrap().is_empty(), "no part of a later block");
    }
}

#[test]
fn block_hashes_find_their_heights_after_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data");
    let hashed = |height: u64| BlockCommit { block_hash: [height as u8; 32], ..commit(height, &[]) };
    {
        let s = RocksStore::open(&path).unwrap();
        s.commit_block(hashed(1)).unwrap();
        s.commit_block(hashed(2)).unwrap();
    }
    let s = RocksStore::open(&path).unwrap();
    assert_eq!(s.block_height(&[1; 32]).unwrap(), Some(1));
    assert_eq!(s.block_height(&[2; 32]).unwrap(), Some(2));
    assert_eq!(s.block_height(&[3; 32]).unwrap(), None);
    let m = MemStore::new();
    m.commit_block(hashed(1)).unwrap();
    assert_eq!((m.block_height(&[1; 32]).unwrap(), m.block_height(b"short").unwrap()), (Some(1), None));
}

/// The index's reverse scans answer the same on both stores: newest first, bounded, exclusive of the
/// cursor, never past the prefix, and every entry under a prefix of 0xFF bytes.
#[test]
fn index_scans_back_alike_on_both_stores() {
    let dir = tempfile::tempdir().unwrap();
    let rocks = RocksStore::open(dir.path()).unwrap();
    let mem = MemStore::new();
    let entries: Vec<(Vec<u8>, Vec<u8>)> = [
        &b"aalice\x00\x01"[..],
        b"aalice\x00\x02",
        b"aalice\x00\x03",
        b"aalicf",
        b"aalic",
        b"\xff\xff",
        b"\xff\xff\x01",
    ]
    .iter()
    .enumerate()
    .map(|(i, k)| (k.to_vec(), vec![i as u8]))
    .collect();
    for store in [&rocks as &dyn Store, &mem] {
        store.index_put(&entries).unwrap();
        let keys = |prefix: &[u8], before: Option<&[u8]>, limit| -> Vec<Vec<u8>> {
            store.index_scan_back(prefix, before, limit).unwrap().into_iter().map(|(k, _)| k).collect()
        };
        assert_eq!(
            keys(b"aalice\x00", None, 10),
            vec![b"aalice\x00\x03".to_vec(), b"aalice\x00\x02".to_vec(), b"aalice\x00\x01".to_vec()]
        );
        assert_eq!(keys(b"aalice\x00", None, 2).len(), 2);
        assert_eq!(
            keys(b"aalice\x00", Some(b"\x03"), 10),
            vec![b"aalice\x00\x02".to_vec(), b"aalice\x00\x01".to_vec()]
        );
        assert_eq!(keys(b"aalice\x00", Some(b"\x01"), 10), Vec::<Vec<u8>>::new());
        assert_eq!(keys(b"\xff", None, 10), vec![b"\xff\xff\x01".to_vec(), b"\xff\xff".to_vec()]);
        assert_eq!(store.index_get(b"aalicf").unwrap(), Some(vec![3]));
        assert_eq!(store.index_get(b"nothing").unwrap(), None);
        // Index entries are not state: they change no state read.
        assert_eq!(store.get(b"aalicf").unwrap(), None);
    }
}

#[test]
fn a_page_of_a_prefix_scan_is_the_same_on_both_stores_their_snapshots_and_an_overlay() {
    let dir = tempfile::tempdir().unwrap();
    let rocks = RocksStore::open(dir.path()).unwrap();
    let mem = MemStore::new();
    let pairs = [("kC\x00a", Some("1")), ("kC\x00b", Some("2")), ("kC\x00c", Some("3")), ("kD\x00a", Some("4"))];
    for store in [&rocks as &dyn Store, &mem] {
        store.commit_block(commit(1, &pairs)).unwrap();
        let (_, snapshot) = store.snapshot();
        let overlay = jsvm_state::BlockOverlay::new(snapshot.clone());
        for view in [store as &dyn StateRead, &*snapshot, &overlay] {
            let keys = |after: &[u8], limit| -> Vec<Vec<u8>> {
                view.scan_prefix_after(b"kC\x00", after, limit).unwrap().into_iter().map(|(k, _)| k).collect()
            };
            assert_eq!(keys(b"", 10), [b"kC\x00a".to_vec(), b"kC\x00b".to_vec(), b"kC\x00c".to_vec()]);
            assert_eq!(keys(b"a", 10), [b"kC\x00b".to_vec(), b"kC\x00c".to_vec()], "after is exclusive");
            assert_eq!(keys(b"a", 1), [b"kC\x00b".to_vec()]);
            assert_eq!(keys(b"aa", 10), [b"kC\x00b".to_vec(), b"kC\x00c".to_vec()], "after need not exist");
            assert_eq!(keys(b"c", 10), Vec::<Vec<u8>>::new(), "nothing runs into the next prefix");
            let values = view.scan_prefix_after(b"kC\x00", b"b", 1).unwrap();
            assert_eq!(values, [(b"kC\x00c".to_vec(), b"3".to_vec())]);
        }
    }
}

#[test]
fn a_lookup_of_a_key_no_memtable_holds_is_answered_by_the_memtable_s_filter() {
    use rocksdb::perf::{set_perf_stats, PerfContext, PerfMetric, PerfStatsLevel};
    let dir = tempfile::tempdir().unwrap();
    let store = RocksStore::open(&dir.path().join("data")).unwrap();
    let mut block = commit(1, &[("a", Some("1"))]);
    block.receipts = (0..100u8).map(|i| (vec![i; 32], b"receipt".to_vec())).collect();
    store.commit_block(block).unwrap();
    // Counted for this thread only, where the lookups run.
    set_perf_stats(PerfStatsLevel::EnableCount);
    let mut perf = PerfContext::default();
    perf.reset();
    for i in 100..150u8 {
        assert_eq!(store.receipt(&[i; 32]).unwrap(), None, "receipt {i}");
    }
    assert_eq!(store.receipt(&[7; 32]).unwrap(), Some(b"receipt".to_vec()));
    let (misses, hits) =
        (perf.metric(PerfMetric::BloomMemtableMissCount), perf.metric(PerfMetric::BloomMemtableHitCount));
    set_perf_stats(PerfStatsLevel::Disable);
    // A filter passes about 1% of absent keys; the present one always passes.
    assert!(misses >= 45, "{misses} of 50 absent receipts were turned away by the memtable's filter");
    assert!(hits >= 1, "the present receipt passed the filter {hits} times");
}
