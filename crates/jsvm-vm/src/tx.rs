use std::sync::Arc;

use jsvm_compiler::AmountLimit;
use jsvm_runtime::{parse_signer, Signer};
use serde::{Deserialize, Serialize};
use sha3::{Digest, Sha3_256};

use crate::{VmError, SYSTEM_CONTRACT};

mod wire;

/// Gas limit when a transaction names none.
pub const DEFAULT_GAS_LIMIT: u64 = 4_000_000;
/// Largest gas limit a transaction may ask for: IOST's. IOST's `GasLimit` field is fixed-point ×100 and
/// capped at 400,000,000, i.e. 4,000,000 gas (the 400,000,000 once used here was that raw field, not
/// gas). At the calibrated prices 4,000,000 gas of the slowest construct ends far inside the
/// transaction deadline (docs/gas.md, `make calibrate`).
pub const MAX_GAS_LIMIT: u64 = 4_000_000;
/// Largest canonical transaction, in bytes.
pub const MAX_TX_BYTES: usize = 512 * 1024;
/// Most actions in one transaction.
pub(crate) const MAX_ACTIONS: usize = 64;

/// One call `contract.actionName(data)`; `data` is a JSON array as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Id of the contract to call, e.g. `system.iost` or a deployed `Contract…` id.
    pub contract: String,
    /// The ABI method to run (`actionName` on the wire).
    #[serde(rename = "actionName")]
    pub action_name: String,
    /// The arguments as a JSON array in text, e.g. `["alice", "10"]`.
    #[serde(default)]
    pub data: String,
}

impl Action {
    /// `contract.action_name(data)`; `data` is the arguments as a JSON array in text.
    pub fn new(contract: impl Into<String>, action_name: impl Into<String>, data: impl Into<String>) -> Action {
        Action { contract: contract.into(), action_name: action_name.into(), data: data.into() }
    }

    /// `system.iost.setCode(contract_json)`: deploys a contract ([`contract_json`]).
    pub fn set_code(contract_json: impl Into<String>) -> Action {
        Self::system("setCode", &[contract_json.into()])
    }

    /// `system.iost.updateCode(contract_json, update_data)`: replaces a contract's code
    /// ([`contract_json`] with the contract's id); `update_data` goes to its `can_update`.
    pub fn update_code(contract_json: impl Into<String>, update_data: impl Into<String>) -> Action {
        Self::system("updateCode", &[contract_json.into(), update_data.into()])
    }

    fn system(method: &str, args: &[String]) -> Action {
        Action::new(SYSTEM_CONTRACT, method, serde_json::to_string(args).unwrap_or_default())
    }
}

/// IOST's contract JSON, the argument of `setCode` and `updateCode`: `{"info": abi, "code": source}`,
/// and the contract's `"ID"` for an update.
pub fn contract_json(source: &str, abi: &serde_json::Value, id: Option<&str>) -> String {
    let mut c = serde_json::json!({"info": abi, "code": source});
    if let Some(id) = id {
        c["ID"] = serde_json::Value::String(id.to_string());
    }
    c.to_string()
}

/// A transaction: actions run in order, all or nothing.
///
/// An unsigned transaction is its fields (trusted as given where
/// [`VmConfig::require_signatures`](crate::VmConfig::require_signatures) is off). A signed one
/// ([`Transaction::from_iost`]) also carries the IOST transaction it came from: its fields are that
/// transaction's projection, its hash is IOST's, and it is stored as the IOST transaction alone
/// (`{"signed": …}`, jsvm-tx's storage form), so the projection is not the place to change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// The calls to make, 1 to 64 of them.
    pub actions: Vec<Action>,
    /// The account that sends the transaction and pays its gas.
    pub publisher: String,
    /// Further signers besides the publisher, as `name@permission`.
    pub signers: Vec<String>,
    /// Most gas the transaction may use, 1 to [`MAX_GAS_LIMIT`]; [`DEFAULT_GAS_LIMIT`] when absent.
    pub gas_limit: u64,
    /// Nanoseconds since the epoch, set by the client; part of the hash, so two
    /// otherwise identical transactions differ.
    pub time: u64,
    /// The most of each token the whole transaction may move out of accounts
    /// (`{"token": "iost", "val": "100"}`, `"*"` for any token, `"unlimited"`).
    /// None given: nothing may leave an account.
    pub amount_limit: Vec<AmountLimit>,
    /// The signed IOST transaction this one projects, if it is signed.
    pub(crate) signed: Option<Arc<jsvm_tx::Tx>>,
}

impl Transaction {
    /// `actions` published by `publisher`: no other signer, the default gas limit, time 0 and
    /// no amount limit, each changed with the `with_` methods.
    pub fn new(publisher: impl Into<String>, actions: Vec<Action>) -> Transaction {
        Transaction {
            actions,
            publisher: publisher.into(),
            signers: Vec::new(),
            gas_limit: DEFAULT_GAS_LIMIT,
            time: 0,
            amount_limit: Vec::new(),
            signed: None,
        }
    }

    /// The transaction a signed IOST transaction asks for: its actions, publisher, signers, gas
    /// limit (IOST's ×100 field / 100), time and amount limits, with `tx` kept as its envelope.
    /// Its signatures are checked where it is admitted ([`crate::VmManager::check_tx`]) or run.
    pub fn from_iost(tx: jsvm_tx::Tx) -> Result<Transaction, VmError> {
        let time = u64::try_from(tx.time).map_err(|_| VmError::InvalidTx(format!("time {} is negative", tx.time)))?;
        let gas_limit = u64::try_from(tx.gas_limit / 100)
            .map_err(|_| VmError::InvalidTx(format!("gas limit {} is negative", tx.gas_limit)))?;
        Ok(Transaction {
            actions: tx.actions.iter().map(|a| Action::new(&a.contract, &a.action_name, &a.data)).collect(),
            publisher: tx.publisher.clone(),
            signers: tx.signers.clone(),
            gas_limit,
            time,
            amount_limit: tx
                .amount_limit
                .iter()
                .map(|l| AmountLimit { token: l.token.clone(), val: l.value.clone() })
                .collect(),
            signed: Some(Arc::new(tx)),
        })
    }

    /// The signed IOST transaction, if this one is signed.
    pub fn signed(&self) -> Option<&jsvm_tx::Tx> {
        self.signed.as_deref()
    }

    /// Signers besides the publisher (`name@permission`).
    pub fn with_signers(mut self, signers: Vec<String>) -> Transaction {
        self.signers = signers;
        self
    }

    /// The most gas the transaction may use, 1 to [`MAX_GAS_LIMIT`].
    pub fn with_gas_limit(mut self, gas_limit: u64) -> Transaction {
        self.gas_limit = gas_limit;
        self
    }

    /// The client's timestamp, nanoseconds since the epoch.
    pub fn with_time(mut self, time: u64) -> Transaction {
        self.time = time;
        self
    }

    /// The most of each token the transaction may move out of accounts (see `amount_limit`).
    pub fn with_amount_limit(mut self, amount_limit: Vec<AmountLimit>) -> Transaction {
        self.amount_limit = amount_limit;
        self
    }

    /// The canonical encoding: IOST's full bytes of a signed transaction; of an unsigned one,
    /// compact JSON with the fields in declaration order.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        match &self.signed {
            Some(signed) => signed.to_bytes(),
            None => serde_json::to_vec(self).unwrap_or_default(),
        }
    }

    /// SHA3-256 of the canonical encoding (for a signed transaction, IOST's transaction hash).
    pub fn hash(&self) -> [u8; 32] {
        self.hash_and_size().0
    }

    /// [`Transaction::hash`] and the length of the canonical encoding (what the byte fee
    /// and the size bound count), from one encoding.
    pub(crate) fn hash_and_size(&self) -> ([u8; 32], usize) {
        let bytes = self.canonical_bytes();
        (Sha3_256::digest(&bytes).into(), bytes.len())
    }

    /// [`Transaction::hash_and_size`] and the stored form (what a block's record holds of it,
    /// `serde_json` of the transaction). An unsigned transaction's stored form is its canonical
    /// encoding, so it is written once for both.
    pub(crate) fn hash_size_and_stored(&self) -> ([u8; 32], usize, Vec<u8>) {
        let stored = serde_json::to_vec(self).unwrap_or_default();
        match &self.signed {
            Some(signed) => {
                let bytes = signed.to_bytes();
                (Sha3_256::digest(&bytes).into(), bytes.len(), stored)
            }
            None => (Sha3_256::digest(&stored).into(), stored.len(), stored),
        }
    }

    /// Checks the shape before anything runs; returns the parsed signers.
    pub fn validate(&self) -> Result<Vec<Signer>, VmError> {
        self.validate_sized(self.canonical_bytes().len())
    }

    /// [`Transaction::validate`] for a caller that has the canonical encoding's length (`size`).
    pub(crate) fn validate_sized(&self, size: usize) -> Result<Vec<Signer>, VmError> {
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
        Transaction::new("admin", vec![Action::new("c", "m", "[]")]).with_time(1)
    }

    #[test]
    fn constructors_fill_every_field() {
        let a = Action::new("token", "transfer", r#"["a","b","1",""]"#);
        assert_eq!(
            (a.contract.as_str(), a.action_name.as_str(), a.data.as_str()),
            ("token", "transfer", r#"["a","b","1",""]"#)
        );
        let t = Transaction::new("alice", vec![a.clone()]);
        let want = Transaction {
            actions: vec![a.clone()],
            publisher: "alice".into(),
            signers: vec![],
            gas_limit: DEFAULT_GAS_LIMIT,
            time: 0,
            amount_limit: vec![],
            signed: None,
        };
        assert_eq!(t, want);
        let limit = vec![AmountLimit { token: "*".into(), val: "unlimited".into() }];
        let t =
            t.with_signers(vec!["bob@active".into()]).with_gas_limit(7).with_time(9).with_amount_limit(limit.clone());
        let want =
            Transaction { signers: vec!["bob@active".into()], gas_limit: 7, time: 9, amount_limit: limit, ..want };
        assert_eq!(t, want);
    }

    #[test]
    fn set_code_and_update_code_call_the_system_contract_with_the_contract_json() {
        let abi = serde_json::json!({"lang": "javascript", "version": "1.0.0", "abi": []});
        let source = "class A {}\nmodule.exports = A;";
        let c = contract_json(source, &abi, None);
        let parsed: serde_json::Value = serde_json::from_str(&c).unwrap();
        assert_eq!(parsed, serde_json::json!({"info": abi, "code": source}));
        let a = Action::set_code(c.clone());
        assert_eq!((a.contract.as_str(), a.action_name.as_str()), (SYSTEM_CONTRACT, "setCode"));
        assert_eq!(a.data, serde_json::json!([c]).to_string());
        let c = contract_json("x", &abi, Some("Contract1"));
        let parsed: serde_json::Value = serde_json::from_str(&c).unwrap();
        assert_eq!(parsed, serde_json::json!({"info": abi, "code": "x", "ID": "Contract1"}));
        let a = Action::update_code(c.clone(), "why");
        assert_eq!((a.contract.as_str(), a.action_name.as_str()), (SYSTEM_CONTRACT, "updateCode"));
        assert_eq!(a.data, serde_json::json!([c, "why"]).to_string());
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

    #[test]
    fn the_largest_gas_limit_is_iosts_4_000_000_gas() {
        let mut t = tx();
        t.gas_limit = 4_000_000;
        assert!(t.validate().is_ok());
        t.gas_limit = 4_000_001;
        let err = t.validate().unwrap_err().to_string();
        assert!(err.contains("gas limit 4000001 is outside 1..=4000000"), "{err}");
    }
}
