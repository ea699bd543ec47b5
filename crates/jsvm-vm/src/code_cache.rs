//! Compiled contract code in the engine's precompiled form (QuickJS bytecode, or
//! V8's code cache with the source: whatever `Engine::compile` returns), kept in each worker's memory
//! (bounded, least-recently-used out first) and persisted in the store's
//! node-local cache space so that a restarted node does not recompile.
//!
//! The key is code hash + engine version + gas-schedule version. A persisted
//! entry carries a checksum of its bytes (XXH3-128, after them) and is checked
//! before use: the engine trusts its precompiled form, so a corrupt entry is
//! rebuilt, never executed. A checksum rather than a cryptographic hash: it
//! guards against corruption, and whoever could forge an entry could forge a
//! SHA3 beside it just as well. An entry is ~17 times its contract's source
//! (QuickJS keeps each function's source text), and SHA3-256 of a 50 KB
//! contract's 870 KB took 2.5 ms, longer than loading and running it; XXH3
//! takes 0.05 ms. An entry of an older layout fails the check and is rebuilt.

use std::collections::HashMap;
use std::sync::Arc;

use jsvm_engine::Engine;
use jsvm_runtime::ContractRecord;
use jsvm_state::Store;
use xxhash_rust::xxh3::xxh3_128;

/// An in-memory entry's key: code hash, engine version, gas-schedule version (formatted into the
/// store's key only on a miss: formatting it on every run cost more than the lookup).
type EntryKey = (String, &'static str, u32);

pub(crate) struct CodeCache {
    entries: HashMap<EntryKey, (Arc<Vec<u8>>, u64)>,
    tick: u64,
    capacity: usize,
    store: Arc<dyn Store>,
}

impl CodeCache {
    pub(crate) fn new(store: Arc<dyn Store>, capacity: usize) -> Self {
        CodeCache { entries: HashMap::new(), tick: 0, capacity: capacity.max(1), store }
    }

    /// The precompiled code of `record`, from memory, the store, or a fresh compile.
    pub(crate) fn get(
        &mut self,
        engine: &mut dyn Engine,
        schedule_version: u32,
        record: &ContractRecord,
    ) -> Result<Arc<Vec<u8>>, String> {
        let key = (record.code_hash.clone(), engine.version(), schedule_version);
        self.tick += 1;
        if let Some((code, used)) = self.entries.get_mut(&key) {
            *used = self.tick;
            return Ok(code.clone());
        }
        let stored_key = format!("code/{}/{}/gas{}", record.code_hash, engine.version(), schedule_version);
        let code = match self.load(&stored_key) {
            Some(code) => code,
            None => {
                let code = engine.compile(jsvm_runtime::CODE_FILENAME, &record.code)?;
                self.persist(&stored_key, &code);
                code
            }
        };
        let code = Arc::new(code);
        if self.entries.len() >= self.capacity {
            if let Some(oldest) = self.entries.iter().min_by_key(|(_, (_, used))| *used).map(|(k, _)| k.clone()) {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(key, (code.clone(), self.tick));
        Ok(code)
    }

    fn load(&self, key: &str) -> Option<Vec<u8>> {
        verified_entry(self.store.cache_get(key.as_bytes()).ok()??)
    }

    fn persist(&self, key: &str, code: &[u8]) {
        // A cache that cannot be written only costs a recompile next time.
        let _ = self.store.cache_put(key.as_bytes(), &cache_entry(code));
    }
}

/// Bytes of the checksum after the code.
const CHECKSUM_BYTES: usize = 16;

/// What the store keeps for `code`: the code, then its checksum.
pub fn cache_entry(code: &[u8]) -> Vec<u8> {
    let mut entry = Vec::with_capacity(code.len() + CHECKSUM_BYTES);
    entry.extend_from_slice(code);
    entry.extend_from_slice(&xxh3_128(code).to_le_bytes());
    entry
}

/// The code in a stored `entry`, if its checksum holds; the checksum is cut off
/// in place, without copying the code.
pub fn verified_entry(mut entry: Vec<u8>) -> Option<Vec<u8>> {
    let code_len = entry.len().checked_sub(CHECKSUM_BYTES)?;
    let (code, sum) = entry.split_at(code_len);
    if xxh3_128(code).to_le_bytes() != sum {
        return None;
    }
    entry.truncate(code_len);
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_gives_back_its_code() {
        let code = b"precompiled".to_vec();
        let entry = cache_entry(&code);
        assert_eq!(entry.len(), code.len() + CHECKSUM_BYTES);
        assert_eq!(verified_entry(entry), Some(code));
        assert_eq!(verified_entry(cache_entry(b"")), Some(Vec::new()));
    }

    #[test]
    fn a_corrupt_or_short_entry_is_refused() {
        let entry = cache_entry(b"precompiled");
        for i in 0..entry.len() {
            let mut bad = entry.clone();
            bad[i] ^= 1;
            assert_eq!(verified_entry(bad), None, "a flipped bit at byte {i}");
        }
        assert_eq!(verified_entry(entry[1..].to_vec()), None);
        assert_eq!(verified_entry(entry[..CHECKSUM_BYTES - 1].to_vec()), None);
    }

    #[test]
    fn an_entry_of_the_sha3_layout_is_refused() {
        use sha3::{Digest, Sha3_256};
        let code = b"precompiled";
        let mut old = Sha3_256::digest(code).to_vec();
        old.extend_from_slice(code);
        assert_eq!(verified_entry(old), None);
    }
}
