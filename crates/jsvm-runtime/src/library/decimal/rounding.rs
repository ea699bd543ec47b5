//! Rounding [`Dec`] values: bignumber.js's nine rounding modes, and the digit counts
//! they work on.

use std::cmp::Ordering;

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::Zero;

use super::{digit_count, pow10, Dec};

/// How a value is rounded to a digit, numbered as bignumber.js numbers its modes
/// (`BigNumber.ROUND_UP` is 0, … `ROUND_HALF_FLOOR` is 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundingMode {
    /// Away from zero.
    Up = 0,
    /// Towards zero: IOST's configured mode.
    Down = 1,
    /// Towards +Infinity.
    Ceil = 2,
    /// Towards -Infinity.
    Floor = 3,
    /// To the nearest; a tie away from zero.
    HalfUp = 4,
    /// To the nearest; a tie towards zero.
    HalfDown = 5,
    /// To the nearest; a tie to the even neighbour.
    HalfEven = 6,
    /// To the nearest; a tie towards +Infinity.
    HalfCeil = 7,
    /// To the nearest; a tie towards -Infinity.
    HalfFloor = 8,
}

impl RoundingMode {
    /// The mode bignumber.js numbers `n`, if any.
    pub fn from_number(n: i64) -> Option<RoundingMode> {
        Some(match n {
            0 => RoundingMode::Up,
            1 => RoundingMode::Down,
            2 => RoundingMode::Ceil,
            3 => RoundingMode::Floor,
            4 => RoundingMode::HalfUp,
            5 => RoundingMode::HalfDown,
            6 => RoundingMode::HalfEven,
            7 => RoundingMode::HalfCeil,
            8 => RoundingMode::HalfFloor,
            _ => return None,
        })
    }
}

impl Dec {
    /// Rounds to a multiple of 10^pos with mode `rm`; the sign (of zero too) is kept.
    pub fn round_at(&self, pos: i64, rm: RoundingMode) -> Dec {
        let Dec::Fin { neg, c, exp } = self else { return self.clone() };
        if *exp >= pos || c.is_zero() {
            return self.clone();
        }
        let neg = *neg;
        let shift = (pos - exp) as u64;
        // A cut far below the leading digit leaves a remainder of the whole value.
        let (q, r, d) = if shift as i64 > digit_count(c) + 1 {
            (BigUint::zero(), c.clone(), None)
        } else {
            let d = pow10(shift);
            let (q, r) = c.div_rem(&d);
            (q, r, Some(d))
        };
        let more = !r.is_zero();
        // Compare the remainder with half a unit.
        let half = match &d {
            Some(d) => (&r * 2u32).cmp(d),
            None => Ordering::Less,
        };
        let up = more
            && match rm {
                RoundingMode::Up => true,
                RoundingMode::Down => false,
                RoundingMode::Ceil => !neg,
                RoundingMode::Floor => neg,
                RoundingMode::HalfUp => half != Ordering::Less,
                RoundingMode::HalfDown => half == Ordering::Greater,
                RoundingMode::HalfEven => half == Ordering::Greater || (half == Ordering::Equal && q.is_odd()),
                RoundingMode::HalfCeil => half == Ordering::Greater || (half == Ordering::Equal && !neg),
                RoundingMode::HalfFloor => half == Ordering::Greater || (half == Ordering::Equal && neg),
            };
        let q = if up { q + 1u32 } else { q };
        Dec::fin(neg, q, pos)
    }

    /// Rounds to `sd` significant digits (bignumber.js `round`).
    pub fn round_sd(&self, sd: i64, rm: RoundingMode) -> Dec {
        if !self.is_finite() {
            return self.clone();
        }
        self.round_at(self.lead() - sd + 1, rm)
    }

    /// Rounds to `dp` decimal places.
    pub fn round_dp(&self, dp: i64, rm: RoundingMode) -> Dec {
        self.round_at(-dp, rm)
    }

    /// `decimalPlaces()` without arguments: digits after the point (None for NaN/±Infinity).
    pub fn decimal_places(&self) -> Option<i64> {
        match self {
            Dec::Fin { exp, .. } => Some((-exp).max(0)),
            _ => None,
        }
    }

    /// `precision(includeZeros)` without a digit count.
    pub fn precision(&self, include_zeros: bool) -> Option<i64> {
        if !self.is_finite() {
            return None;
        }
        let n = self.digits();
        let e = self.lead();
        Some(if include_zeros && e + 1 > n { e + 1 } else { n })
    }
}
