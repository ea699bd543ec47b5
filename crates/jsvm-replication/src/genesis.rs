//! The genesis file: what every validator of a chain starts from.

use jsvm_tx::Algorithm;
use jsvm_vm::{GenesisAccount, VmConfig, NATIVE_DECIMALS, NATIVE_SUPPLY};
use serde::{Deserialize, Serialize};
use sha3::{Digest, Sha3_256};

/// IOST's chain id, the default.
pub const DEFAULT_CHAIN_ID: u32 = 1024;

/// A chain's genesis: its id, start time, `admin`'s key and the validator set. Every validator
/// starts from the same file and so reaches the same first block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// The chain id signed transactions must carry.
    #[serde(default = "default_chain_id")]
    pub chain_id: u32,
    /// When the chain starts, nanoseconds since the epoch: every block's time is after it.
    pub time_ns: u64,
    /// Base58 public key (ed25519 or secp256k1) made the one key of `admin`, which holds all
    /// 90,000,000,000 `iost` at genesis.
    pub admin_key: String,
    /// Whether transactions pay gas and RAM (see `VmConfig::charge_resources`); fixed for the
    /// chain's life.
    #[serde(default)]
    pub charge_resources: bool,
    /// The validators, each with its name (what blocks it produces carry as their witness) and
    /// its ed25519 public key, which signs its consensus messages.
    pub validators: Vec<GenesisValidator>,
    /// Accounts the first block makes besides `admin`, each with its key and the `iost` it
    /// holds (transferred from `admin`'s supply).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<GenesisAccount>,
}

/// One validator of the genesis set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisValidator {
    /// Its name: an account-style name, unique in the set.
    pub name: String,
    /// Base58 ed25519 public key (as `jsvm key new` prints it).
    pub public_key: String,
}

fn default_chain_id() -> u32 {
    DEFAULT_CHAIN_ID
}

/// The `iost` `admin` holds at genesis, all of the supply.
const MAX_GENESIS_IOST: u128 = NATIVE_SUPPLY as u128;
/// Indivisible units in one `iost`.
const IOST_UNIT: u128 = 10u128.pow(NATIVE_DECIMALS);
/// Most fraction digits an `iost` amount may have.
const IOST_DECIMALS: usize = NATIVE_DECIMALS as usize;

/// A decimal `iost` amount in indivisible units, if it is one above zero.
fn iost_units(text: &str) -> Option<u128> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 20 || fraction.len() > IOST_DECIMALS || !digits(whole) || !digits(fraction) {
        return None;
    }
    if text.contains('.') && fraction.is_empty() {
        return None;
    }
    let units =
        whole.parse::<u128>().ok()? * IOST_UNIT + format!("{fraction:0<IOST_DECIMALS$}").parse::<u128>().ok()?;
    (units > 0).then_some(units)
}

/// Most validators a genesis may name.
pub const MAX_VALIDATORS: usize = 128;

impl Genesis {
    /// Reads and checks a genesis file's text.
    pub fn parse(text: &str) -> Result<Genesis, String> {
        let genesis: Genesis = serde_json::from_str(text).map_err(|e| format!("the genesis file is not valid: {e}"))?;
        genesis.check()?;
        Ok(genesis)
    }

    /// Reads and checks the genesis file at `path`; None when there is no file there.
    pub fn read(path: &std::path::Path) -> Result<Option<Genesis>, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read the genesis file {}: {e}", path.display())),
        };
        Genesis::parse(&text).map(Some).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Every rule a genesis must keep: a readable admin key; 1 to [`MAX_VALIDATORS`] validators
    /// with distinct valid names and distinct ed25519 keys; accounts with distinct names that
    /// `auth.iost` accepts, readable keys and amounts that `admin`'s supply covers.
    pub fn check(&self) -> Result<(), String> {
        self.check_accounts()?;
        jsvm_tx::decode_public_key(&self.admin_key)
            .map_err(|e| format!("admin_key {:?} is not a public key: {e}", self.admin_key))?;
        if self.validators.is_empty() || self.validators.len() > MAX_VALIDATORS {
            return Err(format!("a genesis names 1 to {MAX_VALIDATORS} validators, not {}", self.validators.len()));
        }
        for (i, v) in self.validators.iter().enumerate() {
            if !jsvm_vm::valid_name(&v.name) {
                return Err(format!("validator #{i}: {:?} is not a valid name (letters, digits, _ and .)", v.name));
            }
            validator_key(&v.public_key).map_err(|e| format!("validator {:?}: {e}", v.name))?;
            if let Some(other) = self.validators[..i].iter().find(|o| o.name == v.name || o.public_key == v.public_key)
            {
                let what = if other.name == v.name { "name" } else { "key" };
                return Err(format!("validators {:?} and {:?} have the same {what}", other.name, v.name));
            }
        }
        Ok(())
    }

    fn check_accounts(&self) -> Result<(), String> {
        let mut total: u128 = 0;
        for (i, a) in self.accounts.iter().enumerate() {
            let what = format!("account #{i} ({:?})", a.name);
            let name_ok = (5..=11).contains(&a.name.len())
                && a.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !name_ok || a.name == "admin" {
                return Err(format!("{what}: a name is 5 to 11 of a-z, 0-9 and _, and not admin"));
            }
            if self.accounts[..i].iter().any(|o| o.name == a.name) {
                return Err(format!("{what}: the name is given twice"));
            }
            jsvm_tx::decode_public_key(&a.public_key)
                .map_err(|e| format!("{what}: public_key is not a public key: {e}"))?;
            total += iost_units(&a.iost).ok_or_else(|| {
                format!("{what}: iost {:?} is not an amount (digits, at most 8 decimals, above 0)", a.iost)
            })?;
        }
        if total > MAX_GENESIS_IOST * IOST_UNIT {
            return Err(format!("the accounts hold more iost than the {MAX_GENESIS_IOST} admin starts with"));
        }
        Ok(())
    }

    /// What consensus calls the block before the first: SHA3-256 of the file's canonical form
    /// (its fields re-serialized), so two validators whose files differ do not agree on a chain.
    pub fn digest(&self) -> [u8; 32] {
        let canonical = serde_json::to_vec(self).unwrap_or_default();
        Sha3_256::new_with_prefix(b"jsvm genesis\0").chain_update(&canonical).finalize().into()
    }

    /// `base` with the chain's fixed settings from this file: chain id, admin key, whether
    /// resources are charged, and signatures required.
    pub fn vm_config(&self, base: VmConfig) -> VmConfig {
        VmConfig {
            chain_id: self.chain_id,
            admin_key: Some(self.admin_key.clone()),
            charge_resources: self.charge_resources,
            require_signatures: true,
            genesis_accounts: self.accounts.clone(),
            ..base
        }
    }

    /// The validator whose public key is `public_key` (32 bytes), if it is in the set.
    pub fn validator_by_key(&self, public_key: &[u8]) -> Option<&GenesisValidator> {
        self.validators.iter().find(|v| validator_key(&v.public_key).is_ok_and(|k| k == public_key))
    }
}

/// The 32 bytes of a validator's base58 ed25519 public key.
pub fn validator_key(b58: &str) -> Result<[u8; 32], String> {
    match jsvm_tx::decode_public_key(b58) {
        Ok((Algorithm::Ed25519, bytes)) => bytes.try_into().map_err(|_| format!("public key {b58:?} is not 32 bytes")),
        Ok(_) => Err(format!("public key {b58:?} is not an ed25519 key (validators sign with ed25519)")),
        Err(e) => Err(format!("public key {b58:?} is not readable: {e}")),
    }
}
