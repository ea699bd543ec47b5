//! Arithmetic on [`Dec`]: `plus`, `minus`, `times`, `div`, `idiv`, `mod`, `sqrt` and
//! `pow`, exact or cut at 50 decimal places as IOST's bignumber.js configuration has it.

use std::cmp::Ordering;

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};

use super::{digit_count, pow10, too_long, Dec, RoundingMode, BN_ERROR, DECIMAL_PLACES, MAX_DIGITS, POW_PRECISION};

impl Dec {
    /// `plus`, with bignumber.js's rules for NaN, ±Infinity and signed zeros.
    pub fn plus(&self, y: &Dec) -> Result<Dec, String> {
        if self.is_nan() || y.is_nan() {
            return Ok(Dec::NaN);
        }
        let (a, b) = (self.is_neg(), y.is_neg());
        if a != b {
            return self.minus(&y.negated());
        }
        if !self.is_finite() || !y.is_finite() {
            return Ok(Dec::Inf { neg: a });
        }
        if self.is_zero() || y.is_zero() {
            return Ok(if !y.is_zero() {
                y.clone()
            } else if !self.is_zero() {
                self.clone()
            } else {
                Dec::zero(a)
            });
        }
        self.add_same(y, a)
    }

    /// `minus`.
    pub fn minus(&self, y: &Dec) -> Result<Dec, String> {
        if self.is_nan() || y.is_nan() {
            return Ok(Dec::NaN);
        }
        let (a, b) = (self.is_neg(), y.is_neg());
        if a != b {
            return self.plus(&y.negated());
        }
        match (self.is_finite(), y.is_finite()) {
            (true, false) => return Ok(y.negated()),
            (false, true) => return Ok(self.clone()),
            (false, false) => return Ok(Dec::NaN),
            _ => {}
        }
        if self.is_zero() || y.is_zero() {
            return Ok(if !y.is_zero() {
                y.negated()
            } else if !self.is_zero() {
                self.clone()
            } else {
                Dec::zero(false)
            });
        }
        let (Dec::Fin { c: cx, exp: ex, .. }, Dec::Fin { c: cy, exp: ey, .. }) = (self, y) else { unreachable!() };
        let m = (*ex).min(*ey);
        span_check(self.lead().max(y.lead()) - m + 1)?;
        let (x, z) = (cx * pow10((ex - m) as u64), cy * pow10((ey - m) as u64));
        Ok(match x.cmp(&z) {
            Ordering::Equal => Dec::zero(false),
            Ordering::Greater => Dec::fin(a, x - z, m),
            Ordering::Less => Dec::fin(!a, z - x, m),
        })
    }

    fn add_same(&self, y: &Dec, neg: bool) -> Result<Dec, String> {
        let (Dec::Fin { c: cx, exp: ex, .. }, Dec::Fin { c: cy, exp: ey, .. }) = (self, y) else { unreachable!() };
        let m = (*ex).min(*ey);
        span_check(self.lead().max(y.lead()) - m + 2)?;
        Ok(Dec::fin(neg, cx * pow10((ex - m) as u64) + cy * pow10((ey - m) as u64), m))
    }

    /// `times`.
    pub fn times(&self, y: &Dec) -> Result<Dec, String> {
        self.times_unbounded(y)?.check_size("product")
    }

    fn times_unbounded(&self, y: &Dec) -> Result<Dec, String> {
        let neg = self.is_neg() != y.is_neg();
        Ok(match (self, y) {
            (Dec::NaN, _) | (_, Dec::NaN) => Dec::NaN,
            (Dec::Inf { .. }, Dec::Fin { c, .. }) | (Dec::Fin { c, .. }, Dec::Inf { .. }) if c.is_zero() => Dec::NaN,
            (Dec::Inf { .. }, _) | (_, Dec::Inf { .. }) => Dec::Inf { neg },
            (Dec::Fin { c: cx, exp: ex, .. }, Dec::Fin { c: cy, exp: ey, .. }) => {
                if cx.is_zero() || cy.is_zero() {
                    Dec::zero(neg)
                } else {
                    Dec::fin(neg, cx * cy, ex + ey)
                }
            }
        })
    }

    /// Division truncated at `dp` decimal places (ROUND_DOWN, the only mode IOST's
    /// configuration uses for `div`, `idiv` and `mod`).
    fn div_dp(&self, y: &Dec, dp: i64) -> Result<Dec, String> {
        let neg = self.is_neg() != y.is_neg();
        let (cx, ex, cy, ey) = match (self, y) {
            (Dec::NaN, _) | (_, Dec::NaN) | (Dec::Inf { .. }, Dec::Inf { .. }) => return Ok(Dec::NaN),
            (Dec::Fin { c: cx, .. }, Dec::Fin { c: cy, .. }) if cx.is_zero() && cy.is_zero() => return Ok(Dec::NaN),
            (Dec::Fin { c, .. }, _) if c.is_zero() => return Ok(Dec::zero(neg)),
            (_, Dec::Inf { .. }) => return Ok(Dec::zero(neg)),
            (Dec::Inf { .. }, _) => return Ok(Dec::Inf { neg }),
            (_, Dec::Fin { c, .. }) if c.is_zero() => return Ok(Dec::Inf { neg }),
            (Dec::Fin { c: cx, exp: ex, .. }, Dec::Fin { c: cy, exp: ey, .. }) => (cx, *ex, cy, *ey),
        };
        let est = self.lead() - y.lead() + 1 + dp;
        if est < 0 {
            return Ok(Dec::zero(neg));
        }
        span_check(est)?;
        let k = ex - ey + dp;
        let q = if k >= 0 { (cx * pow10(k as u64)) / cy } else { cx / (cy * pow10(k.unsigned_abs())) };
        Ok(Dec::fin(neg, q, -dp))
    }

    /// `div`: 50 decimal places, cut toward zero.
    pub fn div(&self, y: &Dec) -> Result<Dec, String> {
        self.div_dp(y, DECIMAL_PLACES)
    }

    /// `idiv`: the integer part of the quotient.
    pub fn idiv(&self, y: &Dec) -> Result<Dec, String> {
        self.div_dp(y, 0)
    }

    /// `mod`: the remainder of truncated division; it takes the dividend's sign.
    pub fn modulo(&self, y: &Dec) -> Result<Dec, String> {
        match (self, y) {
            (Dec::NaN, _) | (Dec::Inf { .. }, _) | (_, Dec::NaN) => return Ok(Dec::NaN),
            (_, Dec::Fin { c, .. }) if c.is_zero() => return Ok(Dec::NaN),
            (_, Dec::Inf { .. }) => return Ok(self.clone()),
            (Dec::Fin { c, .. }, _) if c.is_zero() => return Ok(self.clone()),
            _ => {}
        }
        // |x| < |y|: x itself (and no scaling of y's exponent, however large).
        if self.abs().compare(&y.abs()) == Some(Ordering::Less) {
            return Ok(self.clone());
        }
        let (Dec::Fin { neg, c: cx, exp: ex }, Dec::Fin { c: cy, exp: ey, .. }) = (self, y) else { unreachable!() };
        // Both scaled to 10^m: x mod y = (cx·10^(ex-m) mod cy·10^(ey-m)) · 10^m. A large
        // gap in exponents is handled with a modular power, never by writing it out.
        let m = (*ex).min(*ey);
        let r = if ex >= ey {
            let f = BigUint::from(10u32).modpow(&BigUint::from((ex - m) as u64), cy);
            (cx % cy) * f % cy
        } else {
            cx % (cy * pow10((ey - m) as u64))
        };
        Ok(Dec::fin(*neg, r, m))
    }

    /// `sqrt`: cut at 50 decimal places.
    pub fn sqrt(&self) -> Result<Dec, String> {
        match self {
            Dec::NaN => Ok(Dec::NaN),
            Dec::Inf { neg: true } => Ok(Dec::NaN),
            Dec::Inf { neg: false } => Ok(self.clone()),
            Dec::Fin { c, .. } if c.is_zero() => Ok(self.clone()),
            Dec::Fin { neg: true, .. } => Ok(Dec::NaN),
            Dec::Fin { c, exp, .. } => {
                let k = exp + 2 * DECIMAL_PLACES;
                if self.lead() + 2 * DECIMAL_PLACES + 1 > 2 * MAX_DIGITS as i64 {
                    return Err(too_long("square root"));
                }
                let n = if k >= 0 {
                    c * pow10(k as u64)
                } else if -k > digit_count(c) {
                    BigUint::zero()
                } else {
                    c / pow10(k.unsigned_abs())
                };
                Ok(Dec::fin(false, n.sqrt(), -DECIMAL_PLACES))
            }
        }
    }

    /// Keeps the leading `limbs` base-10^14 limbs of a value, as bignumber.js's
    /// `pow` does to its intermediate results (`c.length = k`): the limbs are
    /// aligned to the decimal point, so the cut falls at a multiple of 14.
    fn truncate_limbs(&self, limbs: i64) -> Dec {
        if !self.is_finite() || self.is_zero() {
            return self.clone();
        }
        let top = self.lead().div_euclid(14);
        self.round_at(14 * (top - limbs + 1), RoundingMode::Down)
    }

    /// `pow(n)` and `pow(n, m)`, with bignumber.js 7.2.1's rules (POW_PRECISION 50).
    pub fn pow(&self, n: &Dec, m: Option<&Dec>) -> Result<Dec, String> {
        if n.is_finite() && !n.is_integer() {
            return Err(format!("{BN_ERROR}Exponent not an integer: {}", n.to_js_string()));
        }
        let n_is_big = n.lead() > 14;
        let x_special = match self {
            Dec::Fin { c, exp, .. } => c.is_zero() || (c.is_one() && *exp == 0),
            _ => true,
        };
        if x_special || !n.is_finite() || n.is_zero() {
            let e = if n_is_big {
                if n.is_odd_integer() {
                    1.0
                } else {
                    2.0
                }
            } else {
                to_f64(n)
            };
            let y = Dec::from_f64(js_pow(to_f64(self), e));
            return match m {
                Some(m) => y.modulo(m),
                None => Ok(y),
            };
        }
        let n_neg = n.is_neg();
        let odd = n.is_odd_integer();
        let mut k = None;
        let mut modexp = false;
        if let Some(m) = m {
            if m.is_nan() || m.is_zero() {
                return Ok(Dec::NaN);
            }
            modexp = !n_neg && self.is_integer() && m.is_integer();
        } else if n.lead() > 9 && self.pow_overflows(n_is_big) {
            let neg = self.is_neg() && odd;
            let big = self.lead() > -1;
            // |x| ≥ 1: ±Infinity (±0 for a negative n); |x| < 1: the reverse.
            return Ok(if big != n_neg { Dec::Inf { neg } } else { Dec::zero(neg) });
        } else {
            k = Some((POW_PRECISION + 13) / 14 + 2);
        }
        let Dec::Fin { c: nc, exp: nexp, .. } = n else { unreachable!() };
        // Write the exponent (and, for a modular power, x and m) out only when it is small.
        let m_lead = m.map_or(0, Dec::lead);
        if n.lead() > MAX_DIGITS as i64 || (modexp && (self.lead().max(m_lead) > MAX_DIGITS as i64)) {
            return Err(too_long("power"));
        }
        let mut e = nc * pow10(*nexp as u64);
        if modexp {
            // Integers only here: |x|^n mod |m|, with the sign x^n has (JS % keeps it).
            let (Some(xi), Some(mi)) = (self.integer_coefficient(), m.and_then(Dec::integer_coefficient)) else {
                unreachable!()
            };
            return Ok(Dec::fin(self.is_neg() && odd, xi.modpow(&e, &mi), 0));
        }
        if k.is_none() {
            // Exact power (only with a modulus): bounded before it is computed.
            let est = (self.digits() as u128 + 1) * e.to_u128().unwrap_or(u128::MAX);
            if est > MAX_DIGITS as u128 {
                return Err(too_long("power"));
            }
        }
        let mut x = self.clone();
        let mut y = Dec::one();
        let two = BigUint::from(2u32);
        loop {
            if e.is_odd() {
                y = y.times_unbounded(&x)?;
                if !y.is_finite() {
                    break;
                }
                if let Some(k) = k {
                    y = y.truncate_limbs(k);
                }
            }
            e /= &two;
            if e.is_zero() {
                break;
            }
            x = x.times_unbounded(&x)?;
            if let Some(k) = k {
                x = x.truncate_limbs(k);
            }
        }
        if n_neg {
            y = Dec::one().div(&y)?;
        }
        match (m, k) {
            (Some(m), _) => y.modulo(m),
            (None, Some(_)) => Ok(y.round_sd(POW_PRECISION, RoundingMode::Down)),
            (None, None) => Ok(y),
        }
    }

    fn integer_coefficient(&self) -> Option<BigUint> {
        match self {
            Dec::Fin { c, exp, .. } if *exp >= 0 => Some(c * pow10(*exp as u64)),
            _ => None,
        }
    }

    /// bignumber.js's shortcut to ±Infinity/±0 for exponents ≥ 10^10.
    fn pow_overflows(&self, n_is_big: bool) -> bool {
        let e = self.lead();
        if !(-1..=0).contains(&e) {
            return true;
        }
        let a = self.abs();
        let scaled = |d: &Dec, p: u64| -> BigUint {
            let Dec::Fin { c, exp, .. } = d else { return BigUint::zero() };
            let k = *exp + p as i64;
            if k >= 0 {
                c * pow10(k as u64)
            } else {
                c / pow10(k.unsigned_abs())
            }
        };
        if e == 0 {
            // First limb: the integer digit; second limb: the next 14 digits.
            let int = scaled(&a, 0);
            if int > BigUint::one() {
                return true;
            }
            let frac = scaled(&a, 14) - int * pow10(14);
            n_is_big && frac >= BigUint::from(240_000_000u64)
        } else {
            let first = scaled(&a, 14);
            first < BigUint::from(80_000_000_000_000u64) || (n_is_big && first <= BigUint::from(99_999_750_000_000u64))
        }
    }
}

fn to_f64(d: &Dec) -> f64 {
    match d {
        Dec::NaN => f64::NAN,
        Dec::Inf { neg } => {
            if *neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }
        }
        // Rust's float parsing rounds correctly, as JS's Number(string) does.
        _ => d.value_of().parse::<f64>().unwrap_or(f64::NAN),
    }
}

/// ECMAScript `Math.pow` for the operands `pow` hands it: a base that is NaN, ±Infinity,
/// ±0 or ±1, or an exponent that is NaN, ±Infinity or ±0. Written out (not libm) so
/// that every platform gives the same answer.
fn js_pow(b: f64, e: f64) -> f64 {
    let odd = e.is_finite() && e.fract() == 0.0 && (e % 2.0).abs() == 1.0;
    if e.is_nan() {
        return f64::NAN;
    }
    if e == 0.0 {
        return 1.0;
    }
    if b.is_nan() {
        return f64::NAN;
    }
    if e.is_infinite() {
        let a = b.abs();
        return if a == 1.0 {
            f64::NAN
        } else if (a > 1.0) == (e > 0.0) {
            f64::INFINITY
        } else {
            0.0
        };
    }
    if b.is_infinite() || b == 0.0 {
        let big = b.is_infinite();
        let neg = b.is_sign_negative() && odd;
        let inf = big == (e > 0.0);
        return match (inf, neg) {
            (true, true) => f64::NEG_INFINITY,
            (true, false) => f64::INFINITY,
            (false, true) => -0.0,
            (false, false) => 0.0,
        };
    }
    // b is ±1 and e a finite integer.
    if b < 0.0 && odd {
        -1.0
    } else {
        1.0
    }
}

fn span_check(digits: i64) -> Result<(), String> {
    if digits > MAX_DIGITS as i64 {
        Err(too_long("result"))
    } else {
        Ok(())
    }
}
