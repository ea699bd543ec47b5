//! The host side of the number classes (`BigNumber`, `Int64`, `Float64`) and of
//! `IOSTCrypto` (see `classlib.js` and docs/contract-api.md).
//!
//! Every operation is priced from the size of its operands and charged before
//! it runs; sizes are bounded (decimal.rs), so nothing outruns the meter.

pub mod crypto;
pub mod decimal;
pub mod math;
pub mod text;

use jsvm_engine::{HostError, HostValue};
use serde::{Deserialize, Serialize};

use decimal::Dec;

/// Prices of the native number and crypto operations (docs/gas.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NativeCosts {
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

impl Default for NativeCosts {
    fn default() -> Self {
        NativeCosts {
            num_base: 20,
            num_char: 2,
            num_pair_div: 64,
            num_pow_bit: 40,
            crypto_base: 100,
            crypto_byte: 1,
            crypto_verify: 2_000,
            math_call: 10,
        }
    }
}

/// Whether `op` is one of ours.
pub fn handles(op: &str) -> bool {
    op.starts_with("num.") || op.starts_with("crypto.") || op.starts_with("math.") || op.starts_with("text.")
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
    costs: &NativeCosts,
    op: &str,
    a: &[HostValue],
    charge: &mut dyn FnMut(u64) -> Result<(), HostError>,
) -> Result<HostValue, HostError> {
    if let Some(name) = op.strip_prefix("crypto.") {
        return crypto::call(costs, name, a, charge);
    }
    if let Some(name) = op.strip_prefix("math.") {
        // A radix form's length is bounded (about 1100 digits): one price, and one gas
        // more per argument (`Math.hypot` takes any number).
        charge(costs.math_call.saturating_add(a.len() as u64))?;
        return math::call(name, a);
    }
    if let Some(name) = op.strip_prefix("text.") {
        // The text's length is priced by the method's own meter (prelude.js).
        charge(costs.math_call)?;
        return text::call(name, a);
    }
    let len = |i: usize| a.get(i).and_then(HostValue::as_str).map_or(0, str::len) as u64;
    let flat = costs.num_base.saturating_add(costs.num_char.saturating_mul(chars(a)));
    let pairs = |x: u64, y: u64| x.saturating_mul(y) / costs.num_pair_div.max(1);
    match op {
        "num.parse" => {
            charge(flat)?;
            let text = s_arg(a, 0, "value")?;
            let d = match opt_int(a, 1) {
                Some(b) if !(2..=36).contains(&b) => Err(format!("{}Base out of range: {b}", decimal::BN_ERROR)),
                Some(b) => Dec::parse_base(text, b as u32),
                None => Dec::parse(text),
            };
            d.map(out).map_err(thrown)
        }
        "num.plus" | "num.minus" => {
            charge(flat)?;
            let (x, y) = (num(a, 0)?, num(a, 1)?);
            let r = if op == "num.plus" { x.plus(&y) } else { x.minus(&y) };
            r.map(out).map_err(thrown)
        }
        "num.times" | "num.div" | "num.idiv" | "num.mod" => {
            // Division works on the dividend widened by the 50 kept decimals.
            let extra = if op == "num.div" { decimal::DECIMAL_PLACES as u64 } else { 0 };
            charge(flat.saturating_add(pairs(len(0) + extra, len(1))))?;
            let (x, y) = (num(a, 0)?, num(a, 1)?);
            let r = match op {
                "num.times" => x.times(&y),
                "num.div" => x.div(&y),
                "num.idiv" => x.idiv(&y),
                _ => x.modulo(&y),
            };
            r.map(out).map_err(thrown)
        }
        "num.sqrt" => {
            let n = len(0) + 2 * decimal::DECIMAL_PLACES as u64;
            charge(flat.saturating_add(pairs(n, n)))?;
            num(a, 0)?.sqrt().map(out).map_err(thrown)
        }
        "num.pow" => {
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
        "num.cmp" => {
            charge(flat)?;
            let (x, y) = (num(a, 0)?, num(a, 1)?);
            Ok(match x.compare(&y) {
                None => HostValue::Null,
                Some(o) => HostValue::Number(o as i8 as f64),
            })
        }
        "num.isInteger" => {
            charge(flat)?;
            Ok(HostValue::Bool(num(a, 0)?.is_integer()))
        }
        "num.round" => {
            // (x, decimal places, rounding mode): decimalPlaces(dp, rm) and integerValue(rm).
            let dp = opt_int(a, 1).unwrap_or(0);
            charge(flat)?;
            let rm = opt_int(a, 2).unwrap_or(decimal::ROUND_DOWN as i64) as u8;
            Ok(out(num(a, 0)?.round_dp(dp, rm)))
        }
        "num.precision" => {
            // (x, significant digits, rounding mode) rounds; (x, bool) counts.
            charge(flat)?;
            let x = num(a, 0)?;
            match (a.get(1), opt_int(a, 2)) {
                (Some(HostValue::Number(sd)), rm) => {
                    let rm = rm.unwrap_or(decimal::ROUND_DOWN as i64) as u8;
                    Ok(out(x.round_sd(*sd as i64, rm)))
                }
                (zeros, _) => {
                    let z = matches!(zeros, Some(HostValue::Bool(true)));
                    Ok(x.precision(z).map_or(HostValue::Null, |n| HostValue::Number(n as f64)))
                }
            }
        }
        "num.dp" => {
            charge(flat)?;
            Ok(num(a, 0)?.decimal_places().map_or(HostValue::Null, |n| HostValue::Number(n as f64)))
        }
        "num.format" => {
            // (x, kind, digits, rounding mode): kind is fixed, exponential, precision,
            // string (toString()) or a base (toString(base)).
            // The digits asked for are paid with the output (bounded, and charged below).
            let digits = opt_int(a, 2);
            charge(flat)?;
            let x = num(a, 0)?;
            let rm = opt_int(a, 3).unwrap_or(decimal::ROUND_DOWN as i64) as u8;
            let kind = s_arg(a, 1, "format")?;
            let r = match kind {
                "fixed" => x.to_fixed(digits, rm),
                "exponential" => x.format(digits.map(|d| d + 1), rm, 1),
                "precision" => x.format(digits, rm, 2),
                "string" => Ok(x.to_js_string()),
                "base" => x.to_base_string(digits.unwrap_or(10) as u32),
                _ => Err(format!("unknown format {kind}")),
            };
            let s = r.map_err(thrown)?;
            // Long outputs (toFixed of a large exponent) pay for their length too.
            charge(costs.num_char.saturating_mul(s.len() as u64 / 8))?;
            Ok(HostValue::String(s))
        }
        "num.shift" => {
            charge(flat)?;
            let k = opt_int(a, 1).unwrap_or(0);
            num(a, 0)?.shifted_by(k).map(out).map_err(thrown)
        }
        "num.check" => {
            // (x, "Int64" | "Float64"): IOST's range (and integer) rules and messages.
            charge(flat)?;
            let x = num(a, 0)?;
            let kind = s_arg(a, 1, "kind")?;
            check_range(&x, kind).map_err(thrown)?;
            Ok(HostValue::Undefined)
        }
        _ => Err(thrown(format!("unknown host operation {op}"))),
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
    fn a_schedule_stored_before_natives_loads_with_their_defaults() {
        let mut stored = serde_json::to_value(GasSchedule::default()).unwrap();
        stored.as_object_mut().unwrap().remove("natives");
        let loaded: GasSchedule = serde_json::from_value(stored).unwrap();
        assert_eq!(loaded, GasSchedule::default());
        assert_eq!(loaded.natives, NativeCosts::default());
    }

    #[test]
    fn prices_grow_with_operand_size() {
        let costs = NativeCosts::default();
        let price = |op: &str, a: &str, b: &str| {
            let mut paid = 0;
            let args = [HostValue::String(a.into()), HostValue::String(b.into())];
            call(&costs, op, &args, &mut |g| {
                paid += g;
                Ok(())
            })
            .unwrap();
            paid
        };
        let (small, big) = ("7".repeat(10), "7".repeat(1000));
        for op in ["num.plus", "num.times", "num.div", "num.mod", "num.cmp"] {
            assert!(price(op, &big, &big) > 20 * price(op, &small, &small), "{op}");
        }
        assert_eq!(price("num.plus", "1", "2"), 20 + 2 * 2);
        assert!(price("num.times", &big, &big) > price("num.plus", &big, &big) + 15_000);
    }

    #[test]
    fn out_of_gas_stops_the_work() {
        let args = [HostValue::String("2".into()), HostValue::String("3".into())];
        let r = call(&NativeCosts::default(), "num.plus", &args, &mut |_| Err(HostError::Halt(Halt::OutOfGas)));
        assert_eq!(r, Err(HostError::Halt(Halt::OutOfGas)));
    }
}
