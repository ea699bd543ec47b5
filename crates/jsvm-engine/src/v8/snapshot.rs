//! Startup snapshots of hot realms, one per prelude, shared by every V8 engine of the
//! process: the first engine that needs a realm for a prelude builds it in a
//! `v8::SnapshotCreator` (lockdown, class libraries, entry taken, hardened) and every engine
//! then makes its isolate from the blob and its realms from the snapshot's context.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use super::code::Precompiled;
use super::ffi;

/// A snapshot blob. Isolates made from it read it for as long as they live: each holds an
/// `Arc` to it.
pub(crate) struct Blob {
    pub bytes: Box<[u8]>,
}

/// Why there is no snapshot for a prelude.
#[derive(Clone, Debug)]
pub(crate) enum SnapshotError {
    /// The lockdown or the class libraries failed to load (their exception's text).
    Prelude(String),
    /// V8 could not write the snapshot; the realm is built by evaluating the prelude.
    Unsupported(String),
}

/// Name and source of each script: a prelude is its sources (two engines may compile the
/// same source to different code caches).
type Sources = Vec<(Vec<u8>, Vec<u8>)>;

struct Entry {
    hash: u64,
    entry: String,
    sources: Sources,
    result: Result<Arc<Blob>, SnapshotError>,
}

/// Snapshots kept (the VM has one prelude, its benchmark two).
const KEPT: usize = 8;

static SNAPSHOTS: Mutex<Vec<Entry>> = Mutex::new(Vec::new());

fn key(lockdown: &Precompiled<'_>, prelude: &[Precompiled<'_>], entry: &str) -> (u64, Sources) {
    let mut sources = vec![(lockdown.name.to_vec(), lockdown.source.to_vec())];
    sources.extend(prelude.iter().map(|p| (p.name.to_vec(), p.source.to_vec())));
    let mut h = DefaultHasher::new();
    entry.hash(&mut h);
    sources.hash(&mut h);
    (h.finish(), sources)
}

/// The snapshot for this lockdown, prelude and entry: from the process-wide cache, or built
/// now (on the calling thread, holding the cache's lock, so that it is built once).
pub(crate) fn get(
    lockdown: &Precompiled<'_>,
    prelude: &[Precompiled<'_>],
    entry: &str,
) -> Result<Arc<Blob>, SnapshotError> {
    let (hash, sources) = key(lockdown, prelude, entry);
    let mut cache = SNAPSHOTS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(e) = cache.iter().find(|e| e.hash == hash && e.entry == entry && e.sources == sources) {
        return e.result.clone();
    }
    let result = build(lockdown, prelude, entry);
    if cache.len() >= KEPT {
        cache.remove(0);
    }
    cache.push(Entry { hash, entry: entry.to_string(), sources, result: result.clone() });
    result
}

fn build(lockdown: &Precompiled<'_>, prelude: &[Precompiled<'_>], entry: &str) -> Result<Arc<Blob>, SnapshotError> {
    super::init();
    let lockdown = lockdown.script();
    let scripts: Vec<ffi::Script> = prelude.iter().map(Precompiled::script).collect();
    let (mut blob, mut blob_len) = (std::ptr::null_mut(), 0usize);
    let (mut out, mut out_len) = (std::ptr::null_mut(), 0usize);
    // SAFETY: every pointer refers to memory that outlives the call; the shim allocates
    // `blob` and `out`, taken (and freed) below.
    let status = unsafe {
        ffi::jsvm_v8_snapshot(
            &lockdown,
            scripts.as_ptr(),
            scripts.len(),
            ffi::Bytes::of(entry.as_bytes()),
            &mut blob,
            &mut blob_len,
            &mut out,
            &mut out_len,
        )
    };
    let text = ffi::take_string(out, out_len);
    let bytes = ffi::take_bytes(blob, blob_len);
    match status {
        ffi::OK => Ok(Arc::new(Blob { bytes: bytes.into_boxed_slice() })),
        ffi::SNAPSHOT => Err(SnapshotError::Unsupported(text)),
        ffi::TERMINATED => Err(SnapshotError::Prelude("execution terminated".into())),
        _ => Err(SnapshotError::Prelude(text)),
    }
}
