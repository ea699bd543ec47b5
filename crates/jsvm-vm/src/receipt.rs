use std::collections::BTreeMap;

use jsvm_runtime::{Event, ReceiptEntry};
use serde::{Deserialize, Serialize};

/// A transaction's outcome. Codes are IOST's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Success,
    GasRunOut,
    BalanceNotEnough,
    WrongParameter,
    RuntimeError,
    Timeout,
    WrongTxFormat,
    DuplicateSetCode,
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
    pub tx_hash: String,
    pub block: u64,
    pub status: Status,
    pub status_code: u8,
    pub message: String,
    pub gas_used: u64,
    pub ram_usage: BTreeMap<String, i64>,
    /// One string per action.
    pub returns: Vec<String>,
    pub receipts: Vec<ReceiptEntry>,
    pub events: Vec<Event>,
}

#[cfg(test)]
mod tests {
    use super::*;

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
