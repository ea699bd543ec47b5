//! Checks a transaction's argument text against the ABI before the contract sees it.

use serde_json::Value;
use thiserror::Error;

use crate::abi::{AbiMethod, ArgType};

/// Largest accepted argument text, in bytes.
pub const MAX_ARGS_BYTES: usize = 64 * 1024;

/// How much of an offending value an error message quotes, in characters.
const QUOTE_CHARS: usize = 40;

/// Why a call's arguments were rejected. Argument positions are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ArgError {
    /// The text is longer than [`MAX_ARGS_BYTES`].
    #[error("arguments are {size} bytes, more than the limit of {max} bytes")]
    TooLarge {
        /// The text's size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The text is not JSON.
    #[error("arguments are not valid JSON: {0}")]
    Json(String),
    /// The text is JSON but not an array.
    #[error("arguments must be a JSON array, got {0}")]
    NotArray(String),
    /// The array length differs from the ABI.
    #[error("wrong number of arguments for {method}: expected {expected}, got {got}")]
    Count {
        /// The method called.
        method: String,
        /// How many arguments its ABI declares.
        expected: usize,
        /// How many the call passed.
        got: usize,
    },
    /// An argument does not have its ABI type.
    #[error("argument {index} of {method} must be {}, got {found}", describe(*.expected))]
    Type {
        /// The argument's position, 1-based.
        index: usize,
        /// The method called.
        method: String,
        /// The type the ABI declares.
        expected: ArgType,
        /// What the call passed, quoted (shortened).
        found: String,
    },
}

/// Checks `data` (a JSON array; empty text means `[]`) against `method` and returns the
/// arguments as canonical JSON: compact, with object keys sorted, so every node passes the
/// contract byte-identical text.
pub fn decode_args(method: &AbiMethod, data: &str) -> Result<String, ArgError> {
    if data.len() > MAX_ARGS_BYTES {
        return Err(ArgError::TooLarge { size: data.len(), max: MAX_ARGS_BYTES });
    }
    let value = if data.trim().is_empty() {
        Value::Array(Vec::new())
    } else {
        serde_json::from_str(data).map_err(|e| ArgError::Json(e.to_string()))?
    };
    let Value::Array(args) = value else {
        return Err(ArgError::NotArray(quote(&value)));
    };
    if args.len() != method.args.len() {
        return Err(ArgError::Count { method: method.name.clone(), expected: method.args.len(), got: args.len() });
    }
    for (index, (arg, &expected)) in args.iter().zip(&method.args).enumerate() {
        if !has_type(arg, expected) {
            return Err(ArgError::Type { index: index + 1, method: method.name.clone(), expected, found: quote(arg) });
        }
    }
    serde_json::to_string(&args).map_err(|e| ArgError::Json(e.to_string()))
}

fn has_type(value: &Value, ty: ArgType) -> bool {
    match ty {
        ArgType::String => value.is_string(),
        ArgType::Bool => value.is_boolean(),
        ArgType::Number => value.is_i64(),
        ArgType::Json => true,
    }
}

fn describe(ty: ArgType) -> &'static str {
    match ty {
        ArgType::String => "a string",
        ArgType::Bool => "a bool",
        ArgType::Number => "a number (int64)",
        ArgType::Json => "JSON",
    }
}

/// `value` as compact JSON, shortened so an error message stays one readable line.
fn quote(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}
