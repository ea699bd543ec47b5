use std::collections::BTreeMap;

use jsvm_runtime::{Event, ReceiptEntry};
use serde::{Deserialize, Serialize};

/// Longest receipt `message` kept, in bytes (an uncaught error's text can be any length).
pub const MAX_MESSAGE_BYTES: usize = 1_024;

/// `text` cut to [`MAX_MESSAGE_BYTES`] (at a character's boundary), saying so when it was.
pub(crate) fn bounded_message(text: String) -> String {
    if text.len() <= MAX_MESSAGE_BYTES {
        return text;
    }
    let cut = text.floor_char_boundary(MAX_MESSAGE_BYTES);
    format!("{} ... (message truncated: {} bytes in all)", &text[..cut], text.len())
}

/// A transaction's outcome. Codes are IOST's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Code 0: every action ran; its writes are committed.
    Success,
    /// Code 1: the gas limit ran out (or the run outgrew its memory); the whole limit is charged.
    GasRunOut,
    /// Code 2: a payer was short of RAM (or gas) after the actions ran; only with
    /// [`crate::VmConfig::charge_resources`]. The writes are undone; the gas is paid.
    BalanceNotEnough,
    /// Code 3: IOST's code for malformed action arguments; kept for the wire format, jsvm does not produce it.
    WrongParameter,
    /// Code 4: a contract threw or aborted (including too deep a call stack); its writes are rolled back.
    RuntimeError,
    /// Code 5: the transaction ran past its wall-clock budget, [`crate::VmConfig::tx_timeout`]. Only a
    /// query's receipt says so: a block leaves such a transaction out.
    Timeout,
    /// Code 6: IOST's code for an undecodable transaction; kept for the wire format, jsvm does not produce it.
    WrongTxFormat,
    /// Code 7: `setCode` for a contract id that already exists.
    DuplicateSetCode,
    /// Code 8: the engine failed or the worker running the transaction died.
    UnknownError,
}

impl Status {
    /// The numeric status code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The name receipts carry, e.g. `RUNTIME_ERROR`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Success => "SUCCESS",
            Status::GasRunOut => "GAS_RUN_OUT",
            Status::BalanceNotEnough => "BALANCE_NOT_ENOUGH",
            Status::WrongParameter => "WRONG_PARAMETER",
            Status::RuntimeError => "RUNTIME_ERROR",
            Status::Timeout => "TIMEOUT",
            Status::WrongTxFormat => "WRONG_TX_FORMAT",
            Status::DuplicateSetCode => "DUPLICATE_SET_CODE",
            Status::UnknownError => "UNKNOWN_ERROR",
        }
    }
}

/// What a transaction produced. Field order is the CLI's JSON order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Base58 of the transaction's hash ([`Transaction::hash`](crate::Transaction::hash)).
    pub tx_hash: String,
    /// Height of the block the transaction ran in.
    pub block: u64,
    /// How the transaction ended.
    pub status: Status,
    /// `status`'s numeric code ([`Status::code`]), kept beside it for IOST's JSON.
    pub status_code: u8,
    /// Empty on success, else why the transaction failed (e.g. the uncaught exception).
    pub message: String,
    /// Gas charged, at most the transaction's gas limit.
    pub gas_used: u64,
    /// RAM bytes charged (+) or refunded (−) per paying account, system contracts left out; empty unless successful.
    pub ram_usage: BTreeMap<String, i64>,
    /// One string per action.
    pub returns: Vec<String>,
    /// Receipts contracts wrote with `blockchain.receipt`, in order; empty unless successful.
    pub receipts: Vec<ReceiptEntry>,
    /// Events contracts emitted, in order; empty unless successful.
    pub events: Vec<Event>,
}

impl Receipt {
    /// A receipt of `status` for `tx_hash` in block `block`, with nothing else in it yet.
    pub(crate) fn bare(tx_hash: String, block: u64, status: Status) -> Receipt {
        Receipt {
            tx_hash,
            block,
            status,
            status_code: status.code(),
            message: String::new(),
            gas_used: 0,
            ram_usage: BTreeMap::new(),
            returns: Vec::new(),
            receipts: Vec::new(),
            events: Vec::new(),
        }
    }
}

/// A gas figure with a comma between thousands (`4,315,190`), as the docs and the CLI's messages
/// write it.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated_by_commas() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(4_315_190), "4,315,190");
        assert_eq!(thousands(40_000_000), "40,000,000");
    }

    #[test]
    fn names_and_codes_match_the_wire_format() {
        for (s, code) in [
            (Status::Success, 0),
            (Status::GasRunOut, 1),
            (Status::RuntimeError, 4),
            (Status::Timeout, 5),
            (Status::UnknownError, 8),
        ] {
            assert_eq!(s.code(), code);
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{}\"", s.name()));
        }
    }
}
