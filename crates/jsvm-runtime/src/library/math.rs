//! `Math`'s functions whose results the language leaves to the implementation (sin, exp,
//! pow, …), and `Number.prototype.toString(radix)`, computed here for every engine.
//!
//! Engines take these from different places (QuickJS from the C library, whose results
//! change with its version and the CPU's instructions; V8 from its port of fdlibm), so
//! one input could give different last digits on different nodes. Here they come from
//! the `libm` crate (a port of musl's libm to Rust, in plain floating-point arithmetic
//! with no platform code), and the radix form from one algorithm (V8's, so that IOST's
//! contracts see what they saw): the same bits on every node. The exact functions (`abs`,
//! `floor`, `sqrt`, `max`, …) stay the engine's own.

use jsvm_engine::{HostError, HostValue};

/// The functions of one number argument, by name.
fn unary(name: &str) -> Option<fn(f64) -> f64> {
    Some(match name {
        "acos" => libm::acos,
        "acosh" => libm::acosh,
        "asin" => libm::asin,
        "asinh" => libm::asinh,
        "atan" => libm::atan,
        "atanh" => libm::atanh,
        "cbrt" => libm::cbrt,
        "cos" => libm::cos,
        "cosh" => libm::cosh,
        "exp" => libm::exp,
        "expm1" => libm::expm1,
        "log" => libm::log,
        "log1p" => libm::log1p,
        "log10" => libm::log10,
        "log2" => libm::log2,
        "sin" => libm::sin,
        "sinh" => libm::sinh,
        "tan" => libm::tan,
        "tanh" => libm::tanh,
        _ => return None,
    })
}

/// `Number::exponentiate` of the specification: C's `pow` but for the cases where
/// JavaScript differs (a NaN exponent, and ±1 to an infinite power, are NaN).
pub fn pow(base: f64, exponent: f64) -> f64 {
    if exponent.is_nan() || (base.abs() == 1.0 && exponent.is_infinite()) {
        return f64::NAN;
    }
    libm::pow(base, exponent)
}

/// `Math.hypot` of numbers already converted: an infinity wins over NaN; otherwise the
/// root of the sum of squares, scaled by the largest so that nothing overflows early.
pub fn hypot(values: &[f64]) -> f64 {
    if values.iter().any(|v| v.is_infinite()) {
        return f64::INFINITY;
    }
    if values.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    let largest = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    if largest == 0.0 {
        return 0.0;
    }
    let sum: f64 = values.iter().map(|v| (v / largest) * (v / largest)).sum();
    largest * libm::sqrt(sum)
}

/// `Number.prototype.toString(radix)` for a radix other than 10, of a finite number: the
/// integer part exact up to the double's precision (then zeros), the fraction digit by
/// digit until the digits written pin the number down (half the gap to the next double),
/// rounded half to even.
pub fn to_radix_string(value: f64, radix: u32) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let r = f64::from(radix);
    let negative = value < 0.0;
    let value = value.abs();
    let mut integer = value.floor();
    let mut fraction = value - integer;
    // The digits worth writing: half the distance to the next double, at least the
    // smallest double.
    let mut delta = (0.5 * (f64::from_bits(value.to_bits() + 1) - value)).max(f64::from_bits(1));
    let mut fraction_digits: Vec<u8> = Vec::new();
    if fraction >= delta {
        loop {
            fraction *= r;
            delta *= r;
            let digit = fraction as usize;
            fraction_digits.push(DIGITS[digit]);
            fraction -= digit as f64;
            let past_half = fraction > 0.5 || (fraction == 0.5 && digit & 1 == 1);
            if past_half && fraction + delta > 1.0 {
                // Round up: carry through the digits written, into the integer part if
                // they were all the last digit.
                loop {
                    match fraction_digits.pop() {
                        None => {
                            integer += 1.0;
                            break;
                        }
                        Some(c) => {
                            let d = digit_value(c);
                            if d + 1 < radix as usize {
                                fraction_digits.push(DIGITS[d + 1]);
                                break;
                            }
                        }
                    }
                }
                break;
            }
            if fraction < delta {
                break;
            }
        }
    }
    // Integer digits; past the double's precision they are zeros.
    let mut integer_digits: Vec<u8> = Vec::new();
    while exponent_of(integer / r) > 0 {
        integer /= r;
        integer_digits.push(b'0');
    }
    loop {
        let remainder = integer % r;
        integer_digits.push(DIGITS[remainder as usize]);
        integer = (integer - remainder) / r;
        if integer <= 0.0 {
            break;
        }
    }
    let mut out = String::with_capacity(integer_digits.len() + fraction_digits.len() + 2);
    if negative {
        out.push('-');
    }
    out.extend(integer_digits.iter().rev().map(|&c| c as char));
    if !fraction_digits.is_empty() {
        out.push('.');
        out.extend(fraction_digits.iter().map(|&c| c as char));
    }
    out
}

fn digit_value(c: u8) -> usize {
    if c.is_ascii_digit() {
        usize::from(c - b'0')
    } else {
        usize::from(c - b'a') + 10
    }
}

/// The power of two of a finite double's last significand bit (`value = m × 2^e` with
/// a 53-bit integer `m`): above 0 the double is an integer with lost low digits.
fn exponent_of(value: f64) -> i64 {
    let biased = ((value.to_bits() >> 52) & 0x7ff) as i64;
    if biased == 0 {
        1 - 1075
    } else {
        biased - 1075
    }
}

fn number(a: &[HostValue], i: usize) -> Result<f64, HostError> {
    match a.get(i) {
        Some(HostValue::Number(n)) => Ok(*n),
        _ => Err(HostError::Throw("a Math function's arguments cross as numbers".into())),
    }
}

/// Performs `math.NAME` (the class libraries convert the arguments to numbers first).
pub fn call(name: &str, a: &[HostValue]) -> Result<HostValue, HostError> {
    let n = match name {
        "pow" => pow(number(a, 0)?, number(a, 1)?),
        "atan2" => libm::atan2(number(a, 0)?, number(a, 1)?),
        "hypot" => hypot(&a.iter().enumerate().map(|(i, _)| number(a, i)).collect::<Result<Vec<_>, _>>()?),
        "radix" => {
            let (x, radix) = (number(a, 0)?, number(a, 1)?);
            if !x.is_finite() || !(2.0..=36.0).contains(&radix) || radix.fract() != 0.0 {
                return Err(HostError::Throw("radix form of a finite number, radix 2 to 36".into()));
            }
            return Ok(HostValue::String(to_radix_string(x, radix as u32)));
        }
        other => match unary(other) {
            Some(f) => f(number(a, 0)?),
            None => return Err(HostError::Throw(format!("unknown Math function {other}"))),
        },
    };
    Ok(HostValue::Number(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_forms_are_v8_s() {
        // The forms V8 10.2 prints (IOST's engine).
        for (x, radix, expected) in [
            (255.0, 16, "ff"),
            (-255.5, 16, "-ff.8"),
            (0.1, 3, "0.0022002200220022002200220022002201"),
            (1.0 / 3.0, 2, "0.010101010101010101010101010101010101010101010101010101"),
            (123.456, 36, "3f.gez4w97ry"),
            (1e21, 7, "5135235413265003022600000"),
            (0.000001234, 5, "0.000000002201113321203102404001"),
            (0.0, 2, "0"),
            (0.5, 2, "0.1"),
        ] {
            assert_eq!(to_radix_string(x, radix), expected, "{x} in base {radix}");
        }
    }

    #[test]
    fn pow_and_hypot_follow_the_specification_s_special_cases() {
        assert!(pow(1.0, f64::NAN).is_nan());
        assert!(pow(-1.0, f64::INFINITY).is_nan());
        assert_eq!(pow(f64::NAN, 0.0), 1.0);
        assert_eq!(pow(2.0, 10.0), 1024.0);
        assert_eq!(hypot(&[f64::NAN, f64::NEG_INFINITY]), f64::INFINITY);
        assert!(hypot(&[f64::NAN, 1.0]).is_nan());
        assert_eq!(hypot(&[]), 0.0);
        assert_eq!(hypot(&[3.0, 4.0]), 5.0);
        assert_eq!(hypot(&[1e300, 1e300]), 1.4142135623730952e300);
    }
}
