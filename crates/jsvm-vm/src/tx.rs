use jsvm_compiler::AmountLimit;
use jsvm_runtime::{parse_signer, Signer};
use serde::{Deserialize, Serialize};
use sha3::{Digest, Sha3_256};

use crate::VmError;

/// Gas limit when a transaction names none.
pub const DEFAULT_GAS_LIMIT: u64 = 4_000_000;
/// Largest gas limit a transaction may ask for.
pub const MAX_GAS_LIMIT: u64 = 400_000_000;
/// Largest canonical transaction, in bytes.
pub const MAX_TX_BYTES: usize = 512 * 1024;
/// Most actions in one transaction.
pub const MAX_ACTIONS: usize = 64;

/// One call `contract.actionName(data)`; `data` is a JSON array as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub contract: String,
    #[serde(rename = "actionName")]
    pub action_name: String,
    #[serde(default)]
    pub data: String,
}

/// A transaction: actions run in order, all or nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transaction {
    pub actions: Vec<Action>,
    pub publisher: String,
    #[serde(default)]
    pub signers: Vec<String>,
    #[serde(default = "default_gas_limit")]
    pub gas_limit: u64,
    /// Nanoseconds since the epoch, set by the client; part of the hash, so two
    /// otherwise identical transactions differ.
    #[serde(default)]
    pub time: u64,
    /// The most of each token the whole transaction may move out of accounts
    /// (`{"token": "iost", "val": "100"}`, `"*"` for any token, `"unlimited"`).
    /// None given: nothing may leave an account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amount_limit: Vec<AmountLimit>,
}

fn default_gas_limit() -> u64 {
    DEFAULT_GAS_LIMIT
}

impl Transaction {
    /// The canonical encoding: compact JSON with the fields in declaration order.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// SHA3-256 of the canonical encoding.
    pub fn hash(&self) -> [u8; 32] {
        Sha3_256::digest(self.canonical_bytes()).into()
    }

    /// Checks the shape before anything runs; returns the parsed signers.
    pub fn validate(&self) -> Result<Vec<Signer>, VmError> {
        let bad = |m: String| Err(VmError::InvalidTx(m));
        if self.actions.is_empty() {
            return bad("a transaction needs at least one action".into());
        }
        if self.actions.len() > MAX_ACTIONS {
            return bad(format!("{} actions, at most {MAX_ACTIONS}", self.actions.len()));
        }
        if self.gas_limit == 0 || self.gas_limit > MAX_GAS_LIMIT {
            return bad(format!("gas limit {} is outside 1..={MAX_GAS_LIMIT}", self.gas_limit));
        }
        let size = self.canonical_bytes().len();
        if size > MAX_TX_BYTES {
            return bad(format!("transaction is {size} bytes, at most {MAX_TX_BYTES}"));
        }
        parse_signer(&format!("{}@active", self.publisher))
            .map_err(|_| VmError::InvalidTx(format!("publisher '{}' is not a valid account name", self.publisher)))?;
        let mut tokens: Vec<&str> = self.amount_limit.iter().map(|l| l.token.as_str()).collect();
        tokens.sort_unstable();
        if let Some(w) = tokens.windows(2).find(|w| w[0] == w[1]) {
            return bad(format!("duplicated token in amountLimit: {}", w[0]));
        }
        for a in &self.actions {
            if a.contract.is_empty() || a.action_name.is_empty() {
                return bad("every action needs a contract and an actionName".into());
            }
        }
        self.signers.iter().map(|s| parse_signer(s).map_err(VmError::InvalidTx)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tx() -> Transaction {
        Transaction {
            actions: vec![Action { contract: "c".into(), action_name: "m".into(), data: "[]".into() }],
            publisher: "admin".into(),
            signers: vec![],
            gas_limit: DEFAULT_GAS_LIMIT,
            time: 1,
            amount_limit: Vec::new(),
        }
    }

    #[test]
    fn hash_covers_every_field() {
        let base = tx().hash();
        let mut t = tx();
        t.time = 2;
        assert_ne!(t.hash(), base);
        let mut t = tx();
        t.actions[0].data = "[1]".into();
        assert_ne!(t.hash(), base);
        assert_eq!(tx().hash(), base);
    }

    #[test]
    fn validation_rejects_malformed_transactions() {
        assert!(tx().validate().is_ok());
        let mut t = tx();
        t.actions.clear();
        assert!(t.validate().is_err());
        let mut t = tx();
        t.gas_limit = MAX_GAS_LIMIT + 1;
        assert!(t.validate().is_err());
        let mut t = tx();
        t.signers = vec!["nobody".into()];
        assert!(t.validate().is_err());
        let mut t = tx();
        t.publisher = "bad name".into();
        assert!(t.validate().is_err());
        let parsed: Result<Transaction, _> = serde_json::from_str(r#"{"actions":[],"publisher":"a","bogus":1}"#);
        assert!(parsed.is_err(), "unknown fields are refused");
    }
}
