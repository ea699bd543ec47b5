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
    /// Deploy or update: per byte of contract source.
    pub deploy_byte: u64,
    /// Any storage read (get/has/map*/global*).
    pub storage_read: u64,
    /// Any storage write or delete: flat part.
    pub storage_write: u64,
    /// Storage: per 10 bytes read or written (key, field and value).
    pub storage_per_10_bytes: u64,
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
            version: 2,
            tx_byte: 10,
            call_base: 6_000,
            deploy_base: 100_000,
            deploy_byte: 10,
            storage_read: 300,
            storage_write: 300,
            storage_per_10_bytes: 1,
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
}
