//! How a [`Transaction`] is written and read (block records, the CLI's transaction files).
//!
//! Unsigned: its fields as compact JSON in declaration order, byte for byte what it always was
//! (its hash is of these bytes). Signed: `{"signed": <jsvm-tx's storage form>}` and nothing else,
//! so no field is stored twice; reading it back makes the same projection again.

use jsvm_compiler::AmountLimit;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Action, Transaction, DEFAULT_GAS_LIMIT};

/// An unsigned transaction's stored fields, in their stored order.
#[derive(Serialize)]
struct Unsigned<'a> {
    actions: &'a [Action],
    publisher: &'a str,
    signers: &'a [String],
    gas_limit: u64,
    time: u64,
    #[serde(skip_serializing_if = "<[AmountLimit]>::is_empty")]
    amount_limit: &'a [AmountLimit],
}

#[derive(Serialize)]
struct Signed<'a> {
    signed: &'a jsvm_tx::Tx,
}

/// Either form, as read: which fields are present says which it is.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    actions: Option<Vec<Action>>,
    publisher: Option<String>,
    signers: Option<Vec<String>>,
    gas_limit: Option<u64>,
    time: Option<u64>,
    amount_limit: Option<Vec<AmountLimit>>,
    signed: Option<jsvm_tx::Tx>,
}

impl Serialize for Transaction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.signed {
            Some(signed) => Signed { signed }.serialize(serializer),
            None => Unsigned {
                actions: &self.actions,
                publisher: &self.publisher,
                signers: &self.signers,
                gas_limit: self.gas_limit,
                time: self.time,
                amount_limit: &self.amount_limit,
            }
            .serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Transaction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Transaction, D::Error> {
        let s = Stored::deserialize(deserializer)?;
        if let Some(signed) = s.signed {
            let alone = s.actions.is_none()
                && s.publisher.is_none()
                && s.signers.is_none()
                && s.gas_limit.is_none()
                && s.time.is_none()
                && s.amount_limit.is_none();
            if !alone {
                return Err(D::Error::custom("a signed transaction is `{\"signed\": …}` with no other field"));
            }
            return Transaction::from_iost(signed).map_err(D::Error::custom);
        }
        Ok(Transaction {
            actions: s.actions.ok_or_else(|| D::Error::missing_field("actions"))?,
            publisher: s.publisher.ok_or_else(|| D::Error::missing_field("publisher"))?,
            signers: s.signers.unwrap_or_default(),
            gas_limit: s.gas_limit.unwrap_or(DEFAULT_GAS_LIMIT),
            time: s.time.unwrap_or_default(),
            amount_limit: s.amount_limit.unwrap_or_default(),
            signed: None,
        })
    }
}
