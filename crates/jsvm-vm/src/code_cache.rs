//! Compiled contract code in the engine's precompiled form (QuickJS bytecode, or
//! V8's code cache with the source: whatever `Engine::compile` returns), kept in each worker's memory
//! (bounded, least-recently-used out first) and persisted in the store's
//! node-local cache space so that a restarted node does not recompile.
//!
//! The key is code hash + engine version + gas-schedule version. A persisted
//! entry carries the SHA3-256 of its bytes and is checked before use: the
//! engine trusts its precompiled form, so a corrupt entry is rebuilt, never executed.

use std::collections::HashMap;
use std::sync::Arc;

use jsvm_engine::Engine;
use jsvm_runtime::ContractRecord;
use jsvm_state::Store;
use sha3::{Digest, Sha3_256};

pub(crate) struct CodeCache {
    entries: HashMap<String, (Arc<Vec<u8>>, u64)>,
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
        let key = format!("code/{}/{}/gas{}", record.code_hash, engine.version(), schedule_version);
        self.tick += 1;
        if let Some((code, used)) = self.entries.get_mut(&key) {
            *used = self.tick;
            return Ok(code.clone());
        }
        let code = match self.load(&key) {
            Some(code) => code,
            None => {
                let code = engine.compile(jsvm_runtime::CODE_FILENAME, &record.code)?;
                self.persist(&key, &code);
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
        let raw = self.store.cache_get(key.as_bytes()).ok()??;
        if raw.len() < 32 {
            return None;
        }
        let (sum, code) = raw.split_at(32);
        (Sha3_256::digest(code).as_slice() == sum).then(|| code.to_vec())
    }

    fn persist(&self, key: &str, code: &[u8]) {
        let mut v = Sha3_256::digest(code).to_vec();
        v.extend_from_slice(code);
        // A cache that cannot be written only costs a recompile next time.
        let _ = self.store.cache_put(key.as_bytes(), &v);
    }
}
