//! [`Dec`] to text: `toString`, `valueOf`, `toFixed`, `toExponential`, `toPrecision`
//! and `toString(base)`.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, Zero};

use super::{pow10, Dec, RoundingMode, BN_ERROR, DECIMAL_PLACES, MAX_OUTPUT};

/// The notation [`Dec::format`] writes (bignumber.js's `format` ids 0, 1 and 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notation {
    /// `toFixed`: fixed-point.
    Fixed,
    /// `toExponential`: one digit before the point, then the exponent.
    Exponential,
    /// `toPrecision`: exponential when the digits kept end before the point or the
    /// value is below 10^-6, fixed-point otherwise.
    Precision,
}

impl Dec {
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
    /// (bignumber.js `format`); `sig` is already the number of significant digits to
    /// keep where given.
    pub fn format(&self, sig: Option<i64>, rm: RoundingMode, notation: Notation) -> Result<String, String> {
        let Dec::Fin { neg, c, .. } = self else { return Ok(self.to_js_string()) };
        let nonzero = !c.is_zero();
        let ne = self.lead();
        let body = match sig {
            None => {
                if notation == Notation::Fixed && self.fixed_len(0) as usize > MAX_OUTPUT {
                    return Err(format!("BigNumber: output longer than {MAX_OUTPUT} characters"));
                }
                let s = self.coeff_string();
                if notation == Notation::Exponential || (notation == Notation::Precision && ne <= -7) {
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
                if notation == Notation::Exponential || (notation == Notation::Precision && (i <= e || e <= -7)) {
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
    pub fn to_fixed(&self, dp: Option<i64>, rm: RoundingMode) -> Result<String, String> {
        if let Some(dp) = dp {
            if self.is_finite() && self.fixed_len(dp) as usize > MAX_OUTPUT {
                return Err(format!("BigNumber: output longer than {MAX_OUTPUT} characters"));
            }
        }
        self.format(dp.map(|d| d + self.lead() + 1), rm, Notation::Fixed)
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
