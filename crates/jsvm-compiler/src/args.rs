//! Checks a transaction's argument text against the ABI before the contract sees it.

use serde_json::Value;
use thiserror::Error;

use crate::abi::{AbiMethod, ArgType};

/// Largest accepted argument text, in bytes.
pub const MAX_ARGS_BYTES: usize = 64 * 1024;

/// How much of an offending value an error message quotes, in characters.
const QUOTE_CHARS: usize = 40;

/// Largest integer a `number` argument may be (and its negation the smallest): the largest up
/// to which a double holds every integer (JavaScript's `Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

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
    /// The array length is outside what the ABI allows.
    #[error("wrong number of arguments for {method}: expected {}, got {got}", count_range(*fewest, *expected))]
    Count {
        /// The method called.
        method: String,
        /// How many arguments a call must pass at least (fewer than `expected` when the ABI
        /// makes its last ones optional).
        fewest: usize,
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
    /// A number whose text a double cannot hold: the contract would compute on another.
    #[error(
        "argument {index} of {method} has a number a double cannot hold exactly: {text} would arrive as {arrives}"
    )]
    Inexact {
        /// The argument's position, 1-based.
        index: usize,
        /// The method called.
        method: String,
        /// The number as the call wrote it (shortened).
        text: String,
        /// The double it would have become.
        arrives: String,
    },
    /// A string escape that is half a UTF-16 surrogate pair.
    #[error("argument {index} of {method} has a string with a lone surrogate (\\uD800 to \\uDFFF unpaired)")]
    LoneSurrogate {
        /// The argument's position, 1-based.
        index: usize,
        /// The method called.
        method: String,
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
        serde_json::from_str(data).map_err(|e| match first_unheld(data, false) {
            Some((index, _)) => ArgError::LoneSurrogate { index, method: method.name.clone() },
            None => ArgError::Json(e.to_string()),
        })?
    };
    let Value::Array(args) = value else {
        return Err(ArgError::NotArray(quote(&value)));
    };
    if args.len() < method.required_args() || args.len() > method.args.len() {
        return Err(ArgError::Count {
            method: method.name.clone(),
            fewest: method.required_args(),
            expected: method.args.len(),
            got: args.len(),
        });
    }
    for (index, (arg, &expected)) in args.iter().zip(&method.args).enumerate() {
        if !has_type(arg, expected) {
            return Err(ArgError::Type { index: index + 1, method: method.name.clone(), expected, found: quote(arg) });
        }
    }
    let method = method.name.clone();
    match first_unheld(data, true) {
        Some((index, Unheld::Number(text, arrives))) => {
            return Err(ArgError::Inexact { index, method, text: shorten(text.to_string()), arrives })
        }
        Some((index, Unheld::LoneSurrogate)) => return Err(ArgError::LoneSurrogate { index, method }),
        None => {}
    }
    serde_json::to_string(&args).map_err(|e| ArgError::Json(e.to_string()))
}

fn has_type(value: &Value, ty: ArgType) -> bool {
    match ty {
        ArgType::String => value.is_string(),
        ArgType::Bool => value.is_boolean(),
        ArgType::Number => value.as_i64().is_some_and(|n| n.abs() <= MAX_SAFE_INTEGER),
        ArgType::Json => true,
    }
}

/// `3`, or `1 to 3` when the last two are optional.
fn count_range(fewest: usize, most: usize) -> String {
    if fewest == most {
        most.to_string()
    } else {
        format!("{fewest} to {most}")
    }
}

fn describe(ty: ArgType) -> &'static str {
    match ty {
        ArgType::String => "a string",
        ArgType::Bool => "a bool",
        ArgType::Number => "a number (an integer from -9007199254740991 to 9007199254740991)",
        ArgType::Json => "JSON",
    }
}

/// `value` as compact JSON, shortened so an error message stays one readable line.
fn quote(value: &Value) -> String {
    shorten(value.to_string())
}

fn shorten(text: String) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// What an argument holds that its JavaScript value could not.
enum Unheld<'a> {
    /// A number and the double it would become.
    Number(&'a str, String),
    /// A `\uD800`-`\uDFFF` escape without its pair: the host's strings are UTF-8.
    LoneSurrogate,
}

/// The first thing in `data` (valid JSON text, an array) that the contract could not receive
/// as written, with its argument (1-based). A number is held when its text and the shortest
/// decimal of the nearest double denote the same value (`0.1`, `1e3` and `1.50` are;
/// `9007199254740993`, `0.30000000000000000001` and `1e400` are not): the contract, which parses
/// the arguments as JavaScript does, then computes on the number that was signed.
/// Looks at numbers only when `numbers`; makes no assumption on `data` otherwise.
fn first_unheld(data: &str, numbers: bool) -> Option<(usize, Unheld<'_>)> {
    let bytes = data.as_bytes();
    let (mut i, mut depth, mut index, mut in_string) = (0, 0, 1, false);
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (true, b'\\') if bytes.get(i + 1) == Some(&b'u') => {
                let unit = |at: usize| data.get(at..at + 4).and_then(|h| u16::from_str_radix(h, 16).ok());
                let high = unit(i + 2).unwrap_or_default();
                if (0xD800..0xE000).contains(&high) {
                    let low = data.get(i + 6..).and_then(|rest| rest.strip_prefix("\\u")).and_then(|_| unit(i + 8));
                    if !(high < 0xDC00 && low.is_some_and(|l| (0xDC00..0xE000).contains(&l))) {
                        return Some((index, Unheld::LoneSurrogate));
                    }
                    i += 6;
                }
                i += 5;
            }
            (true, b'\\') => i += 1,
            (true, b'"') => in_string = false,
            (true, _) => {}
            (false, b'"') => in_string = true,
            (false, b'[' | b'{') => depth += 1,
            (false, b']' | b'}') => depth -= 1,
            (false, b',') if depth == 1 => index += 1,
            (false, b'-' | b'0'..=b'9') if numbers => {
                let len = bytes[i..].iter().position(|c| !b"+-.eE0123456789".contains(c)).unwrap_or(bytes.len() - i);
                let text = &data[i..i + len];
                if let Some(arrives) = inexact(text) {
                    return Some((index, Unheld::Number(text, arrives)));
                }
                i += len - 1;
            }
            (false, _) => {}
        }
        i += 1;
    }
    None
}

/// What the number `text` becomes when a double cannot hold it; `None` when it can.
fn inexact(text: &str) -> Option<String> {
    let x: f64 = text.parse().ok()?;
    if !x.is_finite() {
        return Some(if x > 0.0 { "Infinity" } else { "-Infinity" }.into());
    }
    (decimal(text) != decimal(&format!("{x:e}"))).then(|| x.to_string())
}

/// A decimal's value as (negative, significant digits, exponent of the last digit); zero has
/// no digits and no sign. `None` for an exponent out of range.
fn decimal(text: &str) -> Option<(bool, String, i64)> {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let significant = digits.trim_end_matches('0');
    if significant.is_empty() {
        return Some((false, String::new(), 0));
    }
    let trailing = (digits.len() - significant.len()) as i64;
    let exponent = exponent.checked_sub(fraction.len() as i64)?.checked_add(trailing)?;
    Some((negative, significant.to_string(), exponent))
}
