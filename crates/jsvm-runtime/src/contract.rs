use std::sync::Arc;

use jsvm_compiler::{compile_contract_metered, Abi};
use jsvm_state::{Lookup, StateError, TxState};
use serde::{Deserialize, Serialize};
use sha3::{Digest, Sha3_256};

use crate::layout::contract_key;

/// The system contract that deploys and updates code.
pub const SYSTEM_CONTRACT: &str = "system.iost";

/// A deployed contract, as stored in state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractRecord {
    /// The contract's id (`Contract…` from the deploying transaction, or a native `name.iost`).
    pub id: String,
    /// The account that deployed it; pays for the contract's storage unless a write names a payer.
    pub owner: String,
    /// The methods callers may invoke, with their argument types.
    pub abi: Abi,
    /// The source as the author wrote it.
    pub source: String,
    /// The prepared code the engine compiles (CommonJS wrapper around the source).
    pub code: String,
    /// hex SHA3-256 of `code`: the code-cache key's first part.
    pub code_hash: String,
    /// The gas-schedule version whose charges `code` carries.
    #[serde(default = "first_schedule")]
    pub schedule_version: u32,
}

fn first_schedule() -> u32 {
    1
}

impl ContractRecord {
    /// A record for freshly compiled code.
    pub fn new(id: String, owner: String, abi: Abi, source: String, code: String, schedule_version: u32) -> Self {
        let code_hash = hex_sha3(code.as_bytes());
        ContractRecord { id, owner, abi, source, code, code_hash, schedule_version }
    }

    /// This contract with its code prepared again under `schedule` (after a schedule
    /// change); the stored record is left as it is.
    pub fn reprepared(&self, schedule: &crate::GasSchedule) -> Result<ContractRecord, String> {
        let compiled = compile_contract_metered(&self.source, &self.abi, &format!("{}.js", self.id), &schedule.js)
            .map_err(|e| format!("contract {} no longer compiles: {e}", self.id))?;
        Ok(ContractRecord::new(
            self.id.clone(),
            self.owner.clone(),
            self.abi.clone(),
            self.source.clone(),
            compiled.prepared,
            schedule.version,
        ))
    }

    /// Bytes billed as RAM to whoever deploys or updates: the prepared code
    /// and the ABI (the original source is kept for readers but not billed twice).
    pub fn ram_bytes(&self) -> i64 {
        let abi = serde_json::to_vec(&self.abi).map(|v| v.len()).unwrap_or(0);
        (self.id.len() + self.code.len() + abi) as i64
    }

    /// Loads the record of `id`, if deployed.
    pub fn load(state: &TxState, id: &str) -> Result<Option<ContractRecord>, String> {
        let raw = state.get(&contract_key(id)).map_err(|e: StateError| e.to_string())?;
        match raw {
            None => Ok(None),
            Some(bytes) => {
                serde_json::from_slice(&bytes).map(Some).map_err(|e| format!("contract record {id} is unreadable: {e}"))
            }
        }
    }

    /// Loads the record of `id` through `cache`: the stored bytes are read every
    /// time (so an update is seen at once), but parsed only when they changed, and
    /// compared in place with the bytes the cached record was parsed from.
    pub fn load_cached(
        state: &TxState,
        id: &str,
        cache: &mut RecordCache,
    ) -> Result<Option<Arc<ContractRecord>>, String> {
        let key = contract_key(id);
        let bytes = match cache.entries.get(id) {
            Some((raw, record)) => match state.get_if_changed(&key, raw).map_err(|e| e.to_string())? {
                Lookup::Missing => return Ok(None),
                Lookup::Unchanged => return Ok(Some(record.clone())),
                Lookup::Changed(bytes) => bytes,
            },
            None => match state.get(&key).map_err(|e: StateError| e.to_string())? {
                None => return Ok(None),
                Some(bytes) => bytes,
            },
        };
        let record: ContractRecord =
            serde_json::from_slice(&bytes).map_err(|e| format!("contract record {id} is unreadable: {e}"))?;
        let record = Arc::new(record);
        if cache.entries.len() >= RecordCache::CAPACITY {
            cache.entries.clear();
        }
        cache.entries.insert(id.to_string(), (bytes, record.clone()));
        Ok(Some(record))
    }

    /// Stores the record.
    pub fn store(&self, state: &mut TxState) {
        // Serializing plain strings and the ABI cannot fail.
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        state.put(contract_key(&self.id), bytes);
    }
}

/// Parsed contract records of one worker, keyed by contract id with the bytes
/// they were parsed from.
#[derive(Default)]
pub struct RecordCache {
    entries: std::collections::HashMap<String, (Vec<u8>, Arc<ContractRecord>)>,
}

impl RecordCache {
    /// Records kept; the cache starts over when full.
    const CAPACITY: usize = 512;
}

/// `Contract` + base58 of the deploying transaction's hash (IOST's rule).
pub fn contract_id_for(tx_hash: &[u8]) -> String {
    format!("Contract{}", bs58::encode(tx_hash).into_string())
}

/// Hex SHA3-256.
pub(crate) fn hex_sha3(bytes: &[u8]) -> String {
    hex::encode(Sha3_256::digest(bytes))
}
