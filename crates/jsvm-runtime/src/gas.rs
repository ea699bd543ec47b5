use jsvm_compiler::MeterCosts;
use serde::{Deserialize, Serialize};

use crate::library::LibraryCosts;

/// What each priced operation costs, in gas. Data with a version: the version
/// is part of the code-cache key and of every receipt's meaning.
/// docs/gas.md explains each price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GasSchedule {
    /// Bumped with every price change; code compiled under one version is recompiled under another.
    pub version: u32,
    /// Per byte of the transaction's canonical encoding.
    pub tx_byte: u64,
    /// Per action (contract call), whatever it does.
    pub call_base: u64,
    /// Deploy or update: flat part.
    pub deploy_base: u64,
    /// Deploy or update: per byte of contract source. 0 from version 3: the source arrives in the
    /// transaction's bytes (`system.iost` is only ever a transaction's action), which pay `tx_byte`
    /// for it already; version 2 charged those bytes twice.
    pub deploy_byte: u64,
    /// Any storage read (get/has/map*/global*).
    pub storage_read: u64,
    /// Any storage write or delete: flat part.
    pub storage_write: u64,
    /// Storage: per 10 bytes read or written (key, field and value).
    pub storage_per_10_bytes: u64,
    /// Storage writes and deletes: per byte of key, field and value written, on top of
    /// `storage_per_10_bytes`. What a transaction's writes hold in memory until its block
    /// commits is bounded by this price (docs/gas.md, "What a transaction and a block may hold").
    #[serde(default = "default_storage_write_byte")]
    pub storage_write_byte: u64,
    /// mapKeys: per field listed.
    pub map_key: u64,
    /// contextInfo/blockInfo/txInfo/contractName/publisher/requireAuth.
    pub context: u64,
    /// receipt/event: flat part, plus one gas per byte of content.
    pub receipt_base: u64,
    /// console.*: flat part, plus one gas per 10 bytes (logs are not consensus
    /// data, but writing them is work).
    pub log_base: u64,
    /// Per byte of a method's result.
    pub result_byte: u64,
    /// Static costs of JavaScript, injected at compile time (docs/gas.md).
    pub js: MeterCosts,
    /// The class libraries' host functions: BigNumber/Int64/Float64, IOSTCrypto, Math and
    /// case mapping (absent from schedules stored before them; stored as `natives`).
    #[serde(default, rename = "natives")]
    pub library: LibraryCosts,
}

impl Default for GasSchedule {
    fn default() -> Self {
        GasSchedule {
            version: 3,
            tx_byte: 10,
            call_base: 6_000,
            deploy_base: 100_000,
            deploy_byte: 0,
            storage_read: 300,
            storage_write: 300,
            storage_per_10_bytes: 1,
            storage_write_byte: default_storage_write_byte(),
            map_key: 40,
            context: 300,
            receipt_base: 10,
            log_base: 600,
            result_byte: 1,
            js: MeterCosts::default(),
            library: LibraryCosts::default(),
        }
    }
}

impl GasSchedule {
    /// A storage read that moved `bytes` bytes (key, field and value).
    pub fn storage_read_gas(&self, bytes: usize) -> u64 {
        self.storage_read.saturating_add(self.storage_per_10_bytes.saturating_mul(bytes as u64 / 10))
    }

    /// A storage write or delete that carries `bytes` bytes (key, field and value).
    pub fn storage_write_gas(&self, bytes: usize) -> u64 {
        let per_byte = self.storage_write_byte.saturating_mul(bytes as u64);
        self.storage_write
            .saturating_add(self.storage_per_10_bytes.saturating_mul(bytes as u64 / 10))
            .saturating_add(per_byte)
    }
}

/// The per-byte write price, also for schedules stored before it existed.
fn default_storage_write_byte() -> u64 {
    1
}

/// Gas was exhausted; the run must end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfGas;

/// Counts one transaction's gas against its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GasMeter {
    limit: u64,
    used: u64,
}

impl GasMeter {
    /// A meter with nothing used.
    pub fn new(limit: u64) -> Self {
        GasMeter { limit, used: 0 }
    }

    /// Adds `amount`; past the limit the meter stays full and says so.
    pub fn charge(&mut self, amount: u64) -> Result<(), OutOfGas> {
        match self.used.checked_add(amount) {
            Some(total) if total <= self.limit => {
                self.used = total;
                Ok(())
            }
            _ => {
                self.used = self.limit;
                Err(OutOfGas)
            }
        }
    }

    /// Gas used so far.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// The limit.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Charges everything that is left (out of gas, timeout).
    pub fn exhaust(&mut self) {
        self.used = self.limit;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charging_past_the_limit_fills_the_meter() {
        let mut m = GasMeter::new(100);
        assert_eq!(m.charge(60), Ok(()));
        assert_eq!(m.charge(41), Err(OutOfGas));
        assert_eq!(m.used(), 100);
        let mut m = GasMeter::new(100);
        assert_eq!(m.charge(u64::MAX), Err(OutOfGas));
        assert_eq!(m.charge(0), Ok(()));
    }

    #[test]
    fn a_write_costs_a_unit_a_byte_on_top_of_the_read_price() {
        let s = GasSchedule::default();
        assert_eq!(s.storage_read_gas(65_538), 300 + 6_553);
        assert_eq!(s.storage_write_gas(65_538), 300 + 6_553 + 65_538);
        assert_eq!(s.storage_write_gas(0), 300);
        // 4,000,000 gas cannot write the transaction's bound.
        assert!(4_000_000 / (s.storage_write_byte as usize) < crate::MAX_TX_WRITE_BYTES);
        let mut stored = serde_json::to_value(&s).unwrap();
        stored.as_object_mut().unwrap().remove("storage_write_byte");
        let old: GasSchedule = serde_json::from_value(stored).unwrap();
        assert_eq!(old.storage_write_byte, 1, "a schedule stored before the price gets it");
    }
}
