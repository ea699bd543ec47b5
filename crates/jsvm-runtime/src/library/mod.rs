//! The library calls: the host functions behind the class libraries (the number classes
//! `BigNumber`, `Int64` and `Float64`, `IOSTCrypto`, the `Math` functions and case mapping
//! the host computes; see `classlib.js`, `math.js`, `text.js` and docs/contract-api.md).
//! ("Native" names the VM's native contracts, `token.iost` and the others, not these.)
//!
//! Every operation is priced from the size of its operands and charged before
//! it runs; sizes are bounded (decimal.rs), so nothing outruns the meter.

pub mod crypto;
pub mod decimal;
pub mod math;
pub mod text;

use jsvm_engine::{HostError, HostValue};
use serde::{Deserialize, Serialize};

use decimal::{Dec, Notation, RoundingMode};

/// Prices of the class libraries' host functions (docs/gas.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LibraryCosts {
    /// Every number operation (parse, arithmetic, comparison, formatting).
    pub num_base: u64,
    /// Per character of the operands handed over (and of digits asked for).
    pub num_char: u64,
    /// Multiplication, division, remainder and square root: one gas per this many
    /// digit pairs (the schoolbook product of the operand lengths).
    pub num_pair_div: u64,
    /// `pow`: per bit of the exponent (one squaring and at most one product each).
    pub num_pow_bit: u64,
    /// Hashes: flat part.
    pub crypto_base: u64,
    /// Hashes and signature checks: per byte of input.
    pub crypto_byte: u64,
    /// A signature check: flat part.
    pub crypto_verify: u64,
    /// A `Math` function computed by the host (math.rs), or a number's radix form.
    pub math_call: u64,
}

impl Default for LibraryCosts {
    fn default() -> Self {
        LibraryCosts {
            num_base: 350,
            num_char: 2,
            num_pair_div: 64,
            num_pow_bit: 40,
            crypto_base: 500,
            crypto_byte: 1,
            crypto_verify: 25_000,
            math_call: 10,
        }
    }
}

/// A library call, parsed once from the name the class libraries pass
/// (`num.plus`, `crypto.sha3`, `math.sin`, `text.upper`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LibraryOp<'a> {
    /// A number class's operation.
    Num(NumOp),
    /// An `IOSTCrypto` function, by the name after `crypto.` (crypto.rs).
    Crypto(&'a str),
    /// A `Math` function or radix form, by the name after `math.` (math.rs).
    Math(&'a str),
    /// Case mapping, by the name after `text.` (text.rs).
    Text(&'a str),
}

impl<'a> LibraryOp<'a> {
    /// The library call `name` names, if it names one.
    pub fn parse(name: &'a str) -> Option<LibraryOp<'a>> {
        let (family, op) = name.split_once('.')?;
        match family {
            "num" => NumOp::parse(op).map(LibraryOp::Num),
            "crypto" => Some(LibraryOp::Crypto(op)),
            "math" => Some(LibraryOp::Math(op)),
            "text" => Some(LibraryOp::Text(op)),
            _ => None,
        }
    }
}

/// The number classes' operations (`num.*`), all on canonical decimal strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumOp {
    /// `(text, base?)`: reads a number literal, in `base` 2..=36 when given.
    Parse,
    /// `(x, y)`: x + y.
    Plus,
    /// `(x, y)`: x − y.
    Minus,
    /// `(x, y)`: x × y, exact.
    Times,
    /// `(x, y)`: x ÷ y, cut toward zero at 50 decimal places.
    Div,
    /// `(x, y)`: the integer part of x ÷ y.
    Idiv,
    /// `(x, y)`: the remainder of truncated division, with the dividend's sign.
    Mod,
    /// `(x)`: the square root, cut at 50 decimal places.
    Sqrt,
    /// `(x, n, m?)`: x to the power n, modulo m when given (bignumber.js rules).
    Pow,
    /// `(x, y)`: −1, 0 or 1; null when either is NaN.
    Cmp,
    /// `(x)`: whether x is a finite integer.
    IsInteger,
    /// `(x, dp, rm)`: x rounded to `dp` decimal places in rounding mode `rm`.
    Round,
    /// `(x, sd, rm)` rounds to `sd` significant digits; `(x, includeZeros)` counts them.
    Precision,
    /// `(x)`: digits after the point; null for NaN and ±Infinity.
    Dp,
    /// `(x, kind, digits, rm)`: x as text: fixed, exponential, precision, string or a base.
    Format,
    /// `(x, k)`: x × 10^k.
    Shift,
    /// `(x, kind)`: throws unless x fits IOST's `Int64` or `Float64` range (and is an integer for Int64).
    Check,
}

impl NumOp {
    fn parse(name: &str) -> Option<NumOp> {
        Some(match name {
            "parse" => NumOp::Parse,
            "plus" => NumOp::Plus,
            "minus" => NumOp::Minus,
            "times" => NumOp::Times,
            "div" => NumOp::Div,
            "idiv" => NumOp::Idiv,
            "mod" => NumOp::Mod,
            "sqrt" => NumOp::Sqrt,
            "pow" => NumOp::Pow,
            "cmp" => NumOp::Cmp,
            "isInteger" => NumOp::IsInteger,
            "round" => NumOp::Round,
            "precision" => NumOp::Precision,
            "dp" => NumOp::Dp,
            "format" => NumOp::Format,
            "shift" => NumOp::Shift,
            "check" => NumOp::Check,
            _ => return None,
        })
    }
}

fn thrown(msg: String) -> HostError {
    HostError::Throw(msg)
}

fn s_arg<'v>(a: &'v [HostValue], i: usize, what: &str) -> Result<&'v str, HostError> {
    a.get(i).and_then(HostValue::as_str).ok_or_else(|| thrown(format!("{what} must be a string")))
}

/// An optional small integer argument (already range-checked by classlib.js).
fn opt_int(a: &[HostValue], i: usize) -> Option<i64> {
    match a.get(i) {
        Some(HostValue::Number(n)) if n.is_finite() => Some(*n as i64),
        _ => None,
    }
}

/// An optional rounding mode argument (range-checked by classlib.js); absent, IOST's
/// ROUND_DOWN.
fn rounding(a: &[HostValue], i: usize) -> Result<RoundingMode, HostError> {
    match opt_int(a, i) {
        None => Ok(RoundingMode::Down),
        Some(n) => RoundingMode::from_number(n)
            .ok_or_else(|| thrown(format!("{}Argument out of range: {n}", decimal::BN_ERROR))),
    }
}

fn num(a: &[HostValue], i: usize) -> Result<Dec, HostError> {
    // Operands cross as canonical strings (valueOf form), so this parse is exact.
    Dec::parse(s_arg(a, i, "operand")?).map_err(thrown)
}

fn out(d: Dec) -> HostValue {
    HostValue::String(d.value_of())
}

fn chars(a: &[HostValue]) -> u64 {
    a.iter().map(|v| v.as_str().map_or(0, str::len) as u64).sum()
}

/// Performs `op`, charging through `charge` first.
pub fn call(
    costs: &LibraryCosts,
    op: LibraryOp<'_>,
    a: &[HostValue],
    charge: &mut dyn FnMut(u64) -> Result<(), HostError>,
) -> Result<HostValue, HostError> {
    match op {
        LibraryOp::Num(op) => num_call(costs, op, a, charge),
        LibraryOp::Crypto(name) => crypto::call(costs, name, a, charge),
        LibraryOp::Math(name) => {
            // A radix form's length is bounded (about 1100 digits): one price, and one gas
            // more per argument (`Math.hypot` takes any number).
            charge(costs.math_call.saturating_add(a.len() as u64))?;
            math::call(name, a)
        }
        LibraryOp::Text(name) => {
            // The text's length is priced by the method's own meter (prelude.js).
            charge(costs.math_call)?;
            text::call(name, a)
        }
    }
}

/// A number class's operation.
fn num_call(
    costs: &LibraryCosts,
    op: NumOp,
    a: &[HostValue],
    charge: &mut dyn FnMut(u64) -> Result<(), HostError>,
) -> Result<HostValue, HostError> {
    let len = |i: usize| a.get(i).and_then(HostValue::as_str).map_or(0, str::len) as u64;
    let flat = costs.num_base.saturating_add(costs.num_char.saturating_mul(chars(a)));
    let pairs = |x: u64, y: u64| x.saturating_mul(y) / costs.num_pair_div.max(1);
    match op {
        NumOp::Parse => {
            charge(flat)?;
            let text = s_arg(a, 0, "value")?;
            let d = match opt_int(a, 1) {
                Some(b) if !(2..=36).contains(&b) => Err(format!("{}Base out of range: {b}", decimal::BN_ERROR)),
                Some(b) => Dec::parse_base(text, b as u32),
                None => Dec::parse(text),
            };
            d.map(out).map_err(thrown)
        }
        NumOp::Plus | NumOp::Minus => {
            charge(flat)?;
            let (x, y) = (num(a, 0)?, num(a, 1)?);
            let r = if op == NumOp::Plus { x.plus(&y) } else { x.minus(&y) };
            r.map(out).map_err(thrown)
        }
        NumOp::Times | NumOp::Div | NumOp::Idiv | NumOp::Mod => {
            // Division works on the dividend widened by the 50 kept decimals.
            let extra = if op == NumOp::Div { decimal::DECIMAL_PLACES as u64 } else { 0 };
            charge(flat.saturating_add(pairs(len(0) + extra, len(1))))?;
            let (x, y) = (num(a, 0)?, num(a, 1)?);
            let r = match op {
                NumOp::Times => x.times(&y),
                NumOp::Div => x.div(&y),
                NumOp::Idiv => x.idiv(&y),
                _ => x.modulo(&y),
            };
            r.map(out).map_err(thrown)
        }
        NumOp::Sqrt => {
            let n = len(0) + 2 * decimal::DECIMAL_PLACES as u64;
            charge(flat.saturating_add(pairs(n, n)))?;
            num(a, 0)?.sqrt().map(out).map_err(thrown)
        }
        NumOp::Pow => {
            let (x, n) = (num(a, 0)?, num(a, 1)?);
            // Bits of the exponent: ~3.33 per decimal digit of its integer part.
            let bits = if n.is_finite() { (n.lead().max(0) as u64 + 1) * 10 / 3 + 1 } else { 1 };
            let width = len(0).max(84) + len(2);
            charge(flat.saturating_add(bits.saturating_mul(costs.num_pow_bit + pairs(width, width))))?;
            let m = match a.get(2) {
                Some(HostValue::String(_)) => Some(num(a, 2)?),
                _ => None,
            };
            x.pow(&n, m.as_ref()).map(out).map_err(thrown)
        }
        NumOp::Cmp => {
            charge(flat)?;
            let (x, y) = (num(a, 0)?, num(a, 1)?);
            Ok(match x.compare(&y) {
                None => HostValue::Null,
                Some(o) => HostValue::Number(o as i8 as f64),
            })
        }
        NumOp::IsInteger => {
            charge(flat)?;
            Ok(HostValue::Bool(num(a, 0)?.is_integer()))
        }
        NumOp::Round => {
            // (x, decimal places, rounding mode): decimalPlaces(dp, rm) and integerValue(rm).
            let dp = opt_int(a, 1).unwrap_or(0);
            charge(flat)?;
            let rm = rounding(a, 2)?;
            Ok(out(num(a, 0)?.round_dp(dp, rm)))
        }
        NumOp::Precision => {
            // (x, significant digits, rounding mode) rounds; (x, bool) counts.
            charge(flat)?;
            let x = num(a, 0)?;
            match a.get(1) {
                Some(HostValue::Number(sd)) => Ok(out(x.round_sd(*sd as i64, rounding(a, 2)?))),
                zeros => {
                    let z = matches!(zeros, Some(HostValue::Bool(true)));
                    Ok(x.precision(z).map_or(HostValue::Null, |n| HostValue::Number(n as f64)))
                }
            }
        }
        NumOp::Dp => {
            charge(flat)?;
            Ok(num(a, 0)?.decimal_places().map_or(HostValue::Null, |n| HostValue::Number(n as f64)))
        }
        NumOp::Format => {
            // (x, kind, digits, rounding mode): kind is fixed, exponential, precision,
            // string (toString()) or a base (toString(base)).
            // The digits asked for are paid with the output (bounded, and charged below).
            let digits = opt_int(a, 2);
            charge(flat)?;
            let x = num(a, 0)?;
            let rm = rounding(a, 3)?;
            let kind = s_arg(a, 1, "format")?;
            let r = match kind {
                "fixed" => x.to_fixed(digits, rm),
                "exponential" => x.format(digits.map(|d| d + 1), rm, Notation::Exponential),
                "precision" => x.format(digits, rm, Notation::Precision),
                "string" => Ok(x.to_js_string()),
                "base" => x.to_base_string(digits.unwrap_or(10) as u32),
                _ => Err(format!("unknown format {kind}")),
            };
            let s = r.map_err(thrown)?;
            // Long outputs (toFixed of a large exponent) pay for their length too.
            charge(costs.num_char.saturating_mul(s.len() as u64 / 8))?;
            Ok(HostValue::String(s))
        }
        NumOp::Shift => {
            charge(flat)?;
            let k = opt_int(a, 1).unwrap_or(0);
            num(a, 0)?.shifted_by(k).map(out).map_err(thrown)
        }
        NumOp::Check => {
            // (x, "Int64" | "Float64"): IOST's range (and integer) rules and messages.
            charge(flat)?;
            let x = num(a, 0)?;
            let kind = s_arg(a, 1, "kind")?;
            check_range(&x, kind).map_err(thrown)?;
            Ok(HostValue::Undefined)
        }
    }
}

/// `Int64`/`Float64` validation: IOST's messages, with the value as `valueOf` shows it.
pub fn check_range(x: &Dec, kind: &str) -> Result<(), String> {
    let (max, min) = (Dec::parse("9223372036854775807")?, Dec::parse("-9223372036854775808")?);
    let name = if kind == "Int64" { "int64" } else { "float64" };
    if kind == "Int64" && !x.is_integer() {
        return Err(format!("Int64: {} is not an integer", x.value_of()));
    }
    if x.compare(&max) == Some(std::cmp::Ordering::Greater) {
        return Err(format!("{kind}: {} overflow {name}", x.value_of()));
    }
    if x.compare(&min) == Some(std::cmp::Ordering::Less) {
        return Err(format!("{kind}: {} underflow {name}", x.value_of()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GasSchedule;
    use jsvm_engine::Halt;

    #[test]
    fn a_schedule_stored_before_the_library_prices_loads_with_their_defaults() {
        let mut stored = serde_json::to_value(GasSchedule::default()).unwrap();
        stored.as_object_mut().unwrap().remove("natives");
        let loaded: GasSchedule = serde_json::from_value(stored).unwrap();
        assert_eq!(loaded, GasSchedule::default());
        assert_eq!(loaded.library, LibraryCosts::default());
    }

    #[test]
    fn prices_grow_with_operand_size() {
        let costs = LibraryCosts::default();
        let price = |op: &str, a: &str, b: &str| {
            let mut paid = 0;
            let args = [HostValue::String(a.into()), HostValue::String(b.into())];
            call(&costs, LibraryOp::parse(op).unwrap(), &args, &mut |g| {
                paid += g;
                Ok(())
            })
            .unwrap();
            paid
        };
        let (small, big) = ("7".repeat(10), "7".repeat(1000));
        // Each pays `num_char` (2) per digit of both operands over the same fixed part.
        for op in ["num.plus", "num.times", "num.div", "num.mod", "num.cmp"] {
            assert!(price(op, &big, &big) >= price(op, &small, &small) + 2 * 2 * 990, "{op}");
        }
        assert_eq!(price("num.plus", "1", "2"), 350 + 2 * 2);
        assert!(price("num.times", &big, &big) > price("num.plus", &big, &big) + 15_000);
    }

    #[test]
    fn library_calls_are_parsed_by_family_and_name() {
        assert_eq!(LibraryOp::parse("num.isInteger"), Some(LibraryOp::Num(NumOp::IsInteger)));
        assert_eq!(LibraryOp::parse("crypto.sha3"), Some(LibraryOp::Crypto("sha3")));
        assert_eq!(LibraryOp::parse("math.sin"), Some(LibraryOp::Math("sin")));
        assert_eq!(LibraryOp::parse("text.upper"), Some(LibraryOp::Text("upper")));
        for unknown in ["num.nope", "num", "put", "nums.plus", ""] {
            assert_eq!(LibraryOp::parse(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn out_of_gas_stops_the_work() {
        let args = [HostValue::String("2".into()), HostValue::String("3".into())];
        let r = call(&LibraryCosts::default(), LibraryOp::Num(NumOp::Plus), &args, &mut |_| {
            Err(HostError::Halt(Halt::OutOfGas))
        });
        assert_eq!(r, Err(HostError::Halt(Halt::OutOfGas)));
    }
}
