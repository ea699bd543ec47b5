//! IOST's transaction (go-iost `core/tx.Tx`): fields, hashes, signing and verification.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::bytes::{sha3, tx_bytes, Level};
use crate::error::TxError;
use crate::keys::{KeyPair, Signature};
use crate::storage::base64_bytes;

/// One contract call of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// The contract id, e.g. `token.iost` or `Contract…`.
    pub contract: String,
    /// The ABI function called.
    pub action_name: String,
    /// The arguments: a JSON array as text.
    pub data: String,
}

impl Action {
    /// `contract.action_name(data)`, `data` being the arguments as a JSON array in text.
    pub fn new(contract: impl Into<String>, action_name: impl Into<String>, data: impl Into<String>) -> Action {
        Action { contract: contract.into(), action_name: action_name.into(), data: data.into() }
    }
}

/// How long a transaction lives after its `time` unless its maker says otherwise: the default of IOST's SDK
/// and iwallet, and the longest IOST accepts.
pub const DEFAULT_EXPIRATION_NS: i64 = 90_000_000_000;
/// Gas ratio and gas limit are fixed point ×100 in a transaction (the SDK's `gasRatio * 100`).
pub const GAS_FIXED_POINT: i64 = 100;

/// The most of a token the transaction may spend (`*` for any token, `unlimited` for no bound).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmountLimit {
    /// The token symbol, or `*`.
    pub token: String,
    /// The amount as decimal text, or `unlimited`.
    pub value: String,
}

/// A transaction with every field IOST hashes. The serde form is jsvm's storage form: the fields under their
/// snake_case names, gas figures as the raw ×100 integers, byte strings in base64; it round-trips exactly, so a
/// stored transaction keeps its hash.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tx {
    /// Creation time, nanoseconds since the Unix epoch.
    pub time: i64,
    /// The time after which the transaction may no longer be included, nanoseconds.
    pub expiration: i64,
    /// Gas price ratio, fixed point ×100 as hashed (the SDK's `gasRatio * 100`; 100 means 1).
    pub gas_ratio: i64,
    /// Gas limit, fixed point ×100 as hashed (the SDK's `gasLimit * 100`).
    pub gas_limit: i64,
    /// Deferral in nanoseconds (IOST accepts only 0).
    pub delay: i64,
    /// The chain the transaction is meant for (IOST mainnet and jsvm: 1024).
    pub chain_id: u32,
    /// Reserved bytes (empty in everything IOST and its SDK make).
    #[serde(with = "base64_bytes")]
    pub reserved: Vec<u8>,
    /// The authorities that sign, `account@permission`.
    pub signers: Vec<String>,
    /// The calls, run in order.
    pub actions: Vec<Action>,
    /// Spending limits per token.
    pub amount_limit: Vec<AmountLimit>,
    /// The hash of the transaction this one was deferred from (empty otherwise).
    #[serde(with = "base64_bytes")]
    pub referred_tx: Vec<u8>,
    /// The account that publishes (and pays for) the transaction.
    pub publisher: String,
    /// The signers' signatures over [`Tx::base_hash`].
    pub signatures: Vec<Signature>,
    /// The publisher's signatures over [`Tx::publish_hash`].
    pub publisher_sigs: Vec<Signature>,
}

/// The public keys whose signatures a transaction carries, all verified.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignedBy {
    /// Base58 public keys of the signers' signatures.
    pub signer_keys: BTreeSet<String>,
    /// Base58 public keys of the publisher's signatures.
    pub publisher_keys: BTreeSet<String>,
}

impl Tx {
    /// An unsigned transaction as IOST's clients make one at `time` (ns since the epoch): to live
    /// [`DEFAULT_EXPIRATION_NS`], gas ratio 1, at most `gas_limit` gas, no delay, for chain `chain_id`.
    /// Signers, amount limits and signatures are added to it after.
    pub fn new(time: i64, chain_id: u32, gas_limit: i64, actions: Vec<Action>) -> Tx {
        Tx {
            time,
            expiration: time.saturating_add(DEFAULT_EXPIRATION_NS),
            gas_ratio: GAS_FIXED_POINT,
            gas_limit: gas_limit.saturating_mul(GAS_FIXED_POINT),
            chain_id,
            actions,
            ..Tx::default()
        }
    }

    /// SHA3-256 of the base bytes: what signers sign.
    pub fn base_hash(&self) -> [u8; 32] {
        sha3(&tx_bytes(self, Level::Base))
    }

    /// SHA3-256 of the base bytes and the signers' signatures: what the publisher signs.
    pub fn publish_hash(&self) -> [u8; 32] {
        sha3(&tx_bytes(self, Level::Publish))
    }

    /// The transaction's hash: SHA3-256 of its full bytes. Its base58 is the transaction hash IOST shows.
    pub fn hash(&self) -> [u8; 32] {
        sha3(&self.to_bytes())
    }

    /// The transaction's hash in base58, as IOST shows it.
    pub fn hash_b58(&self) -> String {
        bs58::encode(self.hash()).into_string()
    }

    /// The full bytes (IOST bounds a transaction's size by their length).
    pub fn to_bytes(&self) -> Vec<u8> {
        tx_bytes(self, Level::Full)
    }

    /// The base bytes (what [`Tx::base_hash`] hashes).
    pub fn base_bytes(&self) -> Vec<u8> {
        tx_bytes(self, Level::Base)
    }

    /// The publish bytes (what [`Tx::publish_hash`] hashes).
    pub fn publish_bytes(&self) -> Vec<u8> {
        tx_bytes(self, Level::Publish)
    }

    /// Adds a signer's signature over the base hash (as the SDK's `addSign`).
    pub fn add_sign(&mut self, kp: &KeyPair) {
        let signature = kp.sign(&self.base_hash());
        self.signatures.push(signature);
    }

    /// Sets the publisher and adds its signature over the publish hash (as the SDK's `addPublishSign`). Sign as
    /// signers first: the publish hash covers the signers' signatures.
    pub fn add_publish_sign(&mut self, publisher: &str, kp: &KeyPair) {
        self.publisher = publisher.to_owned();
        let signature = kp.sign(&self.publish_hash());
        self.publisher_sigs.push(signature);
    }

    /// Checks every signature over its hash (signers' over the base hash, the publisher's over the publish hash)
    /// and answers whose keys signed. At least one publisher signature is required, as IOST requires. Whether
    /// those keys satisfy the claimed signers' and publisher's permissions is the chain state's question.
    pub fn verify_signatures(&self) -> Result<SignedBy, TxError> {
        if self.publisher_sigs.is_empty() {
            return Err(TxError::NoPublisherSignature);
        }
        let mut signed_by = SignedBy::default();
        if !self.signatures.is_empty() {
            let base_hash = self.base_hash();
            for (index, signature) in self.signatures.iter().enumerate() {
                if !signature.verify(&base_hash) {
                    return Err(TxError::SignerSignature { index, public_key: signature.public_key_b58() });
                }
                signed_by.signer_keys.insert(signature.public_key_b58());
            }
        }
        let publish_hash = self.publish_hash();
        for (index, signature) in self.publisher_sigs.iter().enumerate() {
            if !signature.verify(&publish_hash) {
                return Err(TxError::PublisherSignature { index, public_key: signature.public_key_b58() });
            }
            signed_by.publisher_keys.insert(signature.public_key_b58());
        }
        Ok(signed_by)
    }
}
