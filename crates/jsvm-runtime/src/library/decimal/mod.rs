//! Exact decimal numbers with the semantics IOST contracts see through
//! `BigNumber` (bignumber.js 7.2.1 configured with DECIMAL_PLACES 50,
//! POW_PRECISION 50 and ROUND_DOWN).
//!
//! A finite value is `coefficient × 10^exp` with an arbitrary-size integer
//! coefficient kept without trailing zeros, so every result is exact: no
//! binary floating point is involved anywhere. Division, square roots and
//! negative powers are cut (not rounded) at 50 decimal places, as IOST does.
//!
//! Sizes are bounded ([`MAX_DIGITS`], [`MAX_OUTPUT`]) so that no operation can
//! outrun the gas charged for it; past the bound an operation fails with a
//! catchable error where bignumber.js would have kept going.
//!
//! The work is split by kind: parse.rs, format.rs, rounding.rs and arith.rs; this module
//! holds the value, its bounds and its comparison.

use std::cmp::Ordering;

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};

mod arith;
mod format;
mod parse;
mod rounding;

pub use format::Notation;
pub use rounding::RoundingMode;

/// Digits after the point kept by division, square root and negative powers.
pub const DECIMAL_PLACES: i64 = 50;
/// Significant digits kept by `pow`.
pub const POW_PRECISION: i64 = 50;
/// Largest decimal exponent; beyond it a value becomes ±Infinity (bignumber.js MAX_EXP).
pub const MAX_EXP: i64 = 1_000_000_000;
/// Smallest decimal exponent; below it a value becomes ±0 (bignumber.js MIN_EXP).
pub const MIN_EXP: i64 = -1_000_000_000;
/// Most significant digits a value may have (jsvm's bound; bignumber.js has none).
pub const MAX_DIGITS: usize = 2_000;
/// Longest string a formatting method may produce.
pub const MAX_OUTPUT: usize = 8_192;

/// The error prefix bignumber.js uses for the errors it throws.
pub const BN_ERROR: &str = "[BigNumber Error] ";

/// A decimal number: NaN, ±Infinity or a finite value (signed zero included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dec {
    /// Not a number.
    NaN,
    /// An infinity.
    Inf {
        /// Whether it is −Infinity.
        neg: bool,
    },
    /// The finite value (−1)^neg × c × 10^exp; made through [`Dec::fin`], so `c` has no trailing zeros
    /// and zero is `c = 0, exp = 0`.
    Fin {
        /// The sign bit (true for −0 too).
        neg: bool,
        /// The coefficient: the significant digits as an integer.
        c: BigUint,
        /// Power of ten the coefficient is scaled by.
        exp: i64,
    },
}

fn pow10(n: u64) -> BigUint {
    BigUint::from(10u32).pow(n as u32)
}

fn digit_count(c: &BigUint) -> i64 {
    if c.is_zero() {
        return 1;
    }
    // bits·log10(2) is within one of the digit count; settle it with one comparison.
    let est = ((c.bits() as f64 - 1.0) * std::f64::consts::LOG10_2).floor() as u64;
    let mut d = est + 1;
    if *c >= pow10(d) {
        d += 1;
    }
    d as i64
}

fn too_long(what: &str) -> String {
    format!("BigNumber: {what} has more than {MAX_DIGITS} digits")
}

impl Dec {
    /// Zero, signed: `neg` gives −0.
    pub fn zero(neg: bool) -> Dec {
        Dec::Fin { neg, c: BigUint::zero(), exp: 0 }
    }

    /// The value 1.
    pub fn one() -> Dec {
        Dec::Fin { neg: false, c: BigUint::one(), exp: 0 }
    }

    /// A finite value, normalised: trailing zeros stripped, exponent checked
    /// against MAX_EXP (±Infinity) and MIN_EXP (±0).
    pub fn fin(neg: bool, mut c: BigUint, mut exp: i64) -> Dec {
        if c.is_zero() {
            return Dec::zero(neg);
        }
        let ten = BigUint::from(10u32);
        loop {
            let (q, r) = c.div_rem(&ten);
            if !r.is_zero() {
                break;
            }
            c = q;
            exp += 1;
        }
        let lead = exp + digit_count(&c) - 1;
        if lead > MAX_EXP {
            Dec::Inf { neg }
        } else if lead < MIN_EXP {
            Dec::zero(neg)
        } else {
            Dec::Fin { neg, c, exp }
        }
    }

    fn from_i64(v: i64) -> Dec {
        Dec::fin(v < 0, BigUint::from(v.unsigned_abs()), 0)
    }

    /// Whether this is NaN.
    pub fn is_nan(&self) -> bool {
        matches!(self, Dec::NaN)
    }
    /// Whether this is neither NaN nor an infinity.
    pub fn is_finite(&self) -> bool {
        matches!(self, Dec::Fin { .. })
    }
    /// Whether this is +0 or −0.
    pub fn is_zero(&self) -> bool {
        matches!(self, Dec::Fin { c, .. } if c.is_zero())
    }
    /// The sign bit (true for -0 and -Infinity; false for NaN).
    pub fn is_neg(&self) -> bool {
        match self {
            Dec::NaN => false,
            Dec::Inf { neg } | Dec::Fin { neg, .. } => *neg,
        }
    }
    /// Whether this is a finite whole number (±0 included).
    pub fn is_integer(&self) -> bool {
        matches!(self, Dec::Fin { exp, .. } if *exp >= 0)
    }
    /// Significant digits of a finite value (1 for zero).
    pub fn digits(&self) -> i64 {
        match self {
            Dec::Fin { c, .. } => digit_count(c),
            _ => 0,
        }
    }
    /// Decimal exponent of the leading digit (bignumber.js `e`); 0 for zero.
    pub fn lead(&self) -> i64 {
        match self {
            Dec::Fin { c, exp, .. } if !c.is_zero() => exp + digit_count(c) - 1,
            _ => 0,
        }
    }

    fn with_sign(mut self, sign: bool) -> Dec {
        match &mut self {
            Dec::NaN => {}
            Dec::Inf { neg } | Dec::Fin { neg, .. } => *neg = sign,
        }
        self
    }

    /// The value with its sign bit flipped (`negated`); NaN stays NaN.
    pub fn negated(&self) -> Dec {
        let s = !self.is_neg();
        self.clone().with_sign(s)
    }

    /// The value with its sign bit cleared (`absoluteValue`); NaN stays NaN.
    pub fn abs(&self) -> Dec {
        self.clone().with_sign(false)
    }

    fn is_odd_integer(&self) -> bool {
        match self {
            Dec::Fin { c, exp, .. } => *exp == 0 && c.is_odd(),
            _ => false,
        }
    }

    fn check_size(self, what: &str) -> Result<Dec, String> {
        if self.digits() as usize > MAX_DIGITS {
            Err(too_long(what))
        } else {
            Ok(self)
        }
    }

    /// `comparedTo`: None when either is NaN. ±0 are equal.
    pub fn compare(&self, y: &Dec) -> Option<Ordering> {
        let key = |d: &Dec| -> Option<(i8, i64)> {
            match d {
                Dec::NaN => None,
                Dec::Inf { neg } => Some((if *neg { -2 } else { 2 }, 0)),
                Dec::Fin { c, .. } if c.is_zero() => Some((0, 0)),
                Dec::Fin { neg, .. } => Some((if *neg { -1 } else { 1 }, d.lead())),
            }
        };
        let (a, b) = (key(self)?, key(y)?);
        if a.0 != b.0 {
            return Some(a.0.cmp(&b.0));
        }
        let (Dec::Fin { c: cx, exp: ex, neg, .. }, Dec::Fin { c: cy, exp: ey, .. }) = (self, y) else {
            return Some(Ordering::Equal);
        };
        if cx.is_zero() {
            return Some(Ordering::Equal);
        }
        let mag = if a.1 != b.1 {
            a.1.cmp(&b.1)
        } else {
            let m = (*ex).min(*ey);
            (cx * pow10((ex - m) as u64)).cmp(&(cy * pow10((ey - m) as u64)))
        };
        Some(if *neg { mag.reverse() } else { mag })
    }

    /// `shiftedBy(k)`: times 10^k (k already checked to be a safe integer).
    pub fn shifted_by(&self, k: i64) -> Result<Dec, String> {
        self.times(&Dec::parse(&format!("1e{k}"))?)
    }

    /// The value as the JS number `+valueOf()` would give (correctly rounded).
    pub fn from_f64(v: f64) -> Dec {
        if v.is_nan() {
            Dec::NaN
        } else if v.is_infinite() {
            Dec::Inf { neg: v < 0.0 }
        } else if v == 0.0 {
            Dec::zero(v.is_sign_negative())
        } else {
            // Only ±1 reach here (results of js_pow on special operands).
            Dec::from_i64(v as i64)
        }
    }
}

#[cfg(test)]
mod tests;
