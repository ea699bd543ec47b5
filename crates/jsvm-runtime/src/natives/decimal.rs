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

use std::cmp::Ordering;

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};

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

/// Rounding modes, numbered as bignumber.js numbers them.
pub const ROUND_UP: u8 = 0;
pub const ROUND_DOWN: u8 = 1;
pub const ROUND_CEIL: u8 = 2;
pub const ROUND_FLOOR: u8 = 3;
pub const ROUND_HALF_UP: u8 = 4;
pub const ROUND_HALF_DOWN: u8 = 5;
pub const ROUND_HALF_EVEN: u8 = 6;
pub const ROUND_HALF_CEIL: u8 = 7;
pub const ROUND_HALF_FLOOR: u8 = 8;

/// The error prefix bignumber.js uses for the errors it throws.
pub const BN_ERROR: &str = "[BigNumber Error] ";

/// A decimal number: NaN, ±Infinity or a finite value (signed zero included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dec {
    NaN,
    Inf { neg: bool },
    Fin { neg: bool, c: BigUint, exp: i64 },
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
    pub fn zero(neg: bool) -> Dec {
        Dec::Fin { neg, c: BigUint::zero(), exp: 0 }
    }

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

    pub fn is_nan(&self) -> bool {
        matches!(self, Dec::NaN)
    }
    pub fn is_finite(&self) -> bool {
        matches!(self, Dec::Fin { .. })
    }
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
    pub fn is_pos(&self) -> bool {
        !self.is_nan() && !self.is_neg()
    }
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

    pub fn negated(&self) -> Dec {
        let s = !self.is_neg();
        self.clone().with_sign(s)
    }

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

    // ----- parsing -------------------------------------------------------------------

    /// `new BigNumber(text)` for a string (a JS number arrives as `String(n)`, with
    /// "-0" for negative zero). Anything that is not a number is NaN, as in
    /// bignumber.js with DEBUG off.
    pub fn parse(text: &str) -> Result<Dec, String> {
        if let Some(d) = parse_plain(text)? {
            return Ok(d);
        }
        let s = strip_space_plus(text);
        if let Some(d) = infinity_or_nan(s) {
            return Ok(d);
        }
        if let Some((neg, base, rest)) = base_prefix(s) {
            let body = if neg { format!("-{rest}") } else { rest.to_string() };
            return Dec::parse_base(&body, base);
        }
        if s != text {
            return Dec::parse(s);
        }
        Ok(Dec::NaN)
    }

    /// `new BigNumber(text, base)` for a base from 2 to 36 (checked by the caller).
    pub fn parse_base(text: &str, base: u32) -> Result<Dec, String> {
        if base == 10 {
            let x = Dec::parse(text)?;
            return Ok(x.round_dp(DECIMAL_PLACES, ROUND_DOWN));
        }
        if let Some(d) = parse_in_base(text, base)? {
            return Ok(d);
        }
        // As bignumber.js: trim, allow ±Infinity/NaN, a matching 0x/0b/0o prefix,
        // and "1." / ".1", then try once more.
        let s0 = strip_space_plus(text);
        if let Some(d) = infinity_or_nan(s0) {
            return Ok(d);
        }
        let mut s = s0.to_string();
        if let Some((neg, b, rest)) = base_prefix(&s) {
            if b == base {
                s = if neg { format!("-{rest}") } else { rest.to_string() };
            }
        }
        if s.len() > 1 && s.ends_with('.') && s.matches('.').count() == 1 {
            s.pop();
        }
        if s.len() > 1 && s.starts_with('.') && s.matches('.').count() == 1 {
            s = format!("0{s}");
        }
        if s != text {
            return Dec::parse_base(&s, base);
        }
        Ok(Dec::NaN)
    }

    // ----- formatting ----------------------------------------------------------------

    fn coeff_string(&self) -> String {
        match self {
            Dec::Fin { c, .. } => c.to_str_radix(10),
            _ => String::new(),
        }
    }

    /// `toString()`: exponential notation when the exponent is ≤ -7 or ≥ 21.
    pub fn to_js_string(&self) -> String {
        self.render(false)
    }

    /// `valueOf()` / `toJSON()`: as `toString()`, but keeps the sign of -0.
    pub fn value_of(&self) -> String {
        self.render(true)
    }

    fn render(&self, keep_zero_sign: bool) -> String {
        match self {
            Dec::NaN => "NaN".into(),
            Dec::Inf { neg } => {
                if *neg {
                    "-Infinity".into()
                } else {
                    "Infinity".into()
                }
            }
            Dec::Fin { neg, c, .. } => {
                let e = self.lead();
                let s = self.coeff_string();
                let body = if e <= -7 || e >= 21 { to_exponential(&s, e) } else { to_fixed_point(&s, e) };
                if *neg && (keep_zero_sign || !c.is_zero()) {
                    format!("-{body}")
                } else {
                    body
                }
            }
        }
    }

    /// Output length of fixed-point notation (to bound it before building it).
    fn fixed_len(&self, dp: i64) -> i64 {
        self.lead().max(0) + 3 + dp.max(-self.exp_or_zero())
    }

    fn exp_or_zero(&self) -> i64 {
        match self {
            Dec::Fin { exp, .. } => *exp,
            _ => 0,
        }
    }

    /// `toFixed(dp, rm)`, `toExponential(dp, rm)` and `toPrecision(sd, rm)`
    /// (bignumber.js `format` with id 0, 1, 2); `dp` here is already the number of
    /// significant digits to keep where given.
    pub fn format(&self, sig: Option<i64>, rm: u8, id: u8) -> Result<String, String> {
        let Dec::Fin { neg, c, .. } = self else { return Ok(self.to_js_string()) };
        let nonzero = !c.is_zero();
        let ne = self.lead();
        let body = match sig {
            None => {
                if id == 0 && self.fixed_len(0) as usize > MAX_OUTPUT {
                    return Err(format!("BigNumber: output longer than {MAX_OUTPUT} characters"));
                }
                let s = self.coeff_string();
                if id == 1 || (id == 2 && ne <= -7) {
                    to_exponential(&s, ne)
                } else {
                    to_fixed_point(&s, ne)
                }
            }
            Some(i) => {
                let n = self.round_sd(i, rm);
                let e = n.lead();
                let mut s = n.coeff_string();
                let len = s.len() as i64;
                if id == 1 || (id == 2 && (i <= e || e <= -7)) {
                    if i as usize > MAX_OUTPUT {
                        return Err(format!("BigNumber: output longer than {MAX_OUTPUT} characters"));
                    }
                    for _ in len..i {
                        s.push('0');
                    }
                    to_exponential(&s, e)
                } else {
                    if (e.max(0) + (i - ne).max(0) + 2) as usize > MAX_OUTPUT {
                        return Err(format!("BigNumber: output longer than {MAX_OUTPUT} characters"));
                    }
                    let mut k = i - ne;
                    let mut out = to_fixed_point(&s, e);
                    if e + 1 > len {
                        k -= 1;
                        if k > 0 {
                            out.push('.');
                            for _ in 0..k {
                                out.push('0');
                            }
                        }
                    } else {
                        k += e - len;
                        if k > 0 {
                            if e + 1 == len {
                                out.push('.');
                            }
                            for _ in 0..k {
                                out.push('0');
                            }
                        }
                    }
                    out
                }
            }
        };
        Ok(if *neg && nonzero { format!("-{body}") } else { body })
    }

    /// `toFixed(dp, rm)`.
    pub fn to_fixed(&self, dp: Option<i64>, rm: u8) -> Result<String, String> {
        if let Some(dp) = dp {
            if self.is_finite() && self.fixed_len(dp) as usize > MAX_OUTPUT {
                return Err(format!("BigNumber: output longer than {MAX_OUTPUT} characters"));
            }
        }
        self.format(dp.map(|d| d + self.lead() + 1), rm, 0)
    }

    /// `toString(base)` for a base other than 10: the integer part exactly, the
    /// fraction cut to 50 digits of that base.
    pub fn to_base_string(&self, base: u32) -> Result<String, String> {
        let Dec::Fin { neg, c, exp } = self else { return Ok(self.to_js_string()) };
        if !(2..=36).contains(&base) {
            return Err(format!("{BN_ERROR}Base out of range: {base}"));
        }
        // Bound the text before building it: the integer part has lead·log_b(10) digits.
        let int_chars = (self.lead().max(0) as f64) * std::f64::consts::LN_10 / (base as f64).ln();
        if int_chars > MAX_OUTPUT as f64 {
            return Err(format!("BigNumber: output longer than {MAX_OUTPUT} characters"));
        }
        // Below base^-50 (≤ 10^-78) a fraction leaves no digit.
        if self.lead() < -80 {
            return Ok(if *neg && !c.is_zero() { "-0".into() } else { "0".into() });
        }
        let (int, frac_num, frac_den) = if *exp >= 0 {
            (c * pow10(*exp as u64), BigUint::zero(), BigUint::one())
        } else {
            let den = pow10(exp.unsigned_abs());
            let (q, r) = c.div_rem(&den);
            (q, r, den)
        };
        let mut out = int.to_str_radix(base);
        if !frac_num.is_zero() {
            let scaled = frac_num * BigUint::from(base).pow(DECIMAL_PLACES as u32) / frac_den;
            let mut digits = scaled.to_str_radix(base);
            while digits.len() < DECIMAL_PLACES as usize {
                digits.insert(0, '0');
            }
            let trimmed = digits.trim_end_matches('0');
            if !trimmed.is_empty() {
                out.push('.');
                out.push_str(trimmed);
            }
        }
        if out.len() > MAX_OUTPUT {
            return Err(format!("BigNumber: output longer than {MAX_OUTPUT} characters"));
        }
        Ok(if *neg && !c.is_zero() { format!("-{out}") } else { out })
    }

    // ----- rounding ------------------------------------------------------------------

    /// Rounds to a multiple of 10^pos with mode `rm`; the sign (of zero too) is kept.
    pub fn round_at(&self, pos: i64, rm: u8) -> Dec {
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
                ROUND_UP => true,
                ROUND_DOWN => false,
                ROUND_CEIL => !neg,
                ROUND_FLOOR => neg,
                ROUND_HALF_UP => half != Ordering::Less,
                ROUND_HALF_DOWN => half == Ordering::Greater,
                ROUND_HALF_EVEN => half == Ordering::Greater || (half == Ordering::Equal && q.is_odd()),
                ROUND_HALF_CEIL => half == Ordering::Greater || (half == Ordering::Equal && !neg),
                _ => half == Ordering::Greater || (half == Ordering::Equal && neg),
            };
        let q = if up { q + 1u32 } else { q };
        Dec::fin(neg, q, pos)
    }

    /// Rounds to `sd` significant digits (bignumber.js `round`).
    pub fn round_sd(&self, sd: i64, rm: u8) -> Dec {
        if !self.is_finite() {
            return self.clone();
        }
        self.round_at(self.lead() - sd + 1, rm)
    }

    /// Rounds to `dp` decimal places.
    pub fn round_dp(&self, dp: i64, rm: u8) -> Dec {
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

    // ----- comparison ----------------------------------------------------------------

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

    // ----- arithmetic ----------------------------------------------------------------

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
        self.round_at(14 * (top - limbs + 1), ROUND_DOWN)
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
            (None, Some(_)) => Ok(y.round_sd(POW_PRECISION, ROUND_DOWN)),
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

fn to_exponential(s: &str, e: i64) -> String {
    let head = if s.len() > 1 { format!("{}.{}", &s[..1], &s[1..]) } else { s.to_string() };
    if e < 0 {
        format!("{head}e{e}")
    } else {
        format!("{head}e+{e}")
    }
}

fn to_fixed_point(s: &str, e: i64) -> String {
    let len = s.len() as i64;
    if e < 0 {
        format!("0.{}{s}", "0".repeat((-e - 1) as usize))
    } else if e + 1 > len {
        format!("{s}{}", "0".repeat((e + 1 - len) as usize))
    } else if e + 1 < len {
        format!("{}.{}", &s[..(e + 1) as usize], &s[(e + 1) as usize..])
    } else {
        s.to_string()
    }
}

/// JS `\s` (WhiteSpace and LineTerminator).
fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// bignumber.js's `whitespaceOrPlus` clean-up: a leading `+` (before a word
/// character or a point) with any spaces before it, or leading spaces; and
/// trailing spaces.
fn strip_space_plus(s: &str) -> &str {
    let t = s.trim_start_matches(js_space);
    let t = match t.strip_prefix('+') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.') => rest,
        _ => t,
    };
    t.trim_end_matches(js_space)
}

fn infinity_or_nan(s: &str) -> Option<Dec> {
    match s {
        "Infinity" => Some(Dec::Inf { neg: false }),
        "-Infinity" => Some(Dec::Inf { neg: true }),
        "NaN" | "-NaN" => Some(Dec::NaN),
        _ => None,
    }
}

/// `0x`/`0b`/`0o` (any case) followed by word characters and points: (negative, base, rest).
fn base_prefix(s: &str) -> Option<(bool, u32, &str)> {
    let (neg, t) = match s.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, s),
    };
    let b = t.as_bytes();
    if b.len() < 3 || b[0] != b'0' {
        return None;
    }
    let base = match b[1].to_ascii_lowercase() {
        b'x' => 16,
        b'b' => 2,
        b'o' => 8,
        _ => return None,
    };
    let rest = &t[2..];
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    if rest.starts_with(word) && rest.chars().all(|c| word(c) || c == '.') {
        Some((neg, base, rest))
    } else {
        None
    }
}

/// bignumber.js's `isNumeric` form: `-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?`.
fn parse_plain(s: &str) -> Result<Option<Dec>, String> {
    let (neg, t) = match s.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, s),
    };
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_end = i;
    let mut frac_end = i;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_end = i;
        if int_end == 0 && frac_end == int_end + 1 {
            return Ok(None);
        }
    } else if int_end == 0 {
        return Ok(None);
    }
    let mut exp: i64 = 0;
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        let eneg = i < b.len() && b[i] == b'-';
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            exp = exp.saturating_mul(10).saturating_add((b[i] - b'0') as i64);
            i += 1;
        }
        if i == start {
            return Ok(None);
        }
        if eneg {
            exp = -exp;
        }
    }
    if i != b.len() {
        return Ok(None);
    }
    let int = &t[..int_end];
    let frac = if frac_end > int_end { &t[int_end + 1..frac_end] } else { "" };
    let digits = format!("{int}{frac}");
    let sig = digits.trim_start_matches('0');
    let sig_t = sig.trim_end_matches('0');
    if sig_t.is_empty() {
        return Ok(Some(Dec::zero(neg)));
    }
    if sig_t.len() > MAX_DIGITS {
        return Err(too_long("number"));
    }
    let trailing = (sig.len() - sig_t.len()) as i64;
    let scale = exp.saturating_sub(frac.len() as i64).saturating_add(trailing);
    let c = BigUint::parse_bytes(sig_t.as_bytes(), 10).unwrap_or_default();
    let lead = scale.saturating_add(sig_t.len() as i64 - 1);
    if lead > MAX_EXP {
        return Ok(Some(Dec::Inf { neg }));
    }
    if lead < MIN_EXP {
        return Ok(Some(Dec::zero(neg)));
    }
    Ok(Some(Dec::fin(neg, c, scale)))
}

/// Digits of `base` (case-insensitive when the text is all one case), at most one
/// point and not first; the fraction is cut at 50 decimal places.
fn parse_in_base(text: &str, base: u32) -> Result<Option<Dec>, String> {
    let (neg, t) = match text.strip_prefix('-') {
        Some(t) => (true, t),
        None => (false, text),
    };
    let mixed = t.chars().any(|c| c.is_ascii_uppercase()) && t.chars().any(|c| c.is_ascii_lowercase());
    let mut int = BigUint::zero();
    let mut frac = BigUint::zero();
    let mut frac_len = 0u32;
    let mut seen_point = false;
    let mut count = 0usize;
    for (i, ch) in t.chars().enumerate() {
        if ch == '.' {
            if seen_point || i == 0 {
                return Ok(None);
            }
            seen_point = true;
            continue;
        }
        if mixed && ch.is_ascii_alphabetic() && ch.is_ascii_uppercase() {
            return Ok(None);
        }
        let Some(d) = ch.to_digit(36).filter(|d| *d < base) else { return Ok(None) };
        count += 1;
        if count > 4 * MAX_DIGITS {
            return Err(too_long("number"));
        }
        if seen_point {
            frac = frac * base + d;
            frac_len += 1;
        } else {
            int = int * base + d;
        }
    }
    let mut value = Dec::fin(neg, int, 0);
    if frac_len > 0 {
        let scaled = frac * pow10(DECIMAL_PLACES as u64) / BigUint::from(base).pow(frac_len);
        value = value.plus(&Dec::fin(neg, scaled, -DECIMAL_PLACES))?;
    }
    Ok(Some(value.check_size("number")?))
}

#[cfg(test)]
mod tests;
