//! Decimal text to [`Dec`]: `new BigNumber(text)` and `new BigNumber(text, base)`.

use num_bigint::BigUint;
use num_traits::Zero;

use super::{pow10, too_long, Dec, RoundingMode, DECIMAL_PLACES, MAX_DIGITS, MAX_EXP, MIN_EXP};

impl Dec {
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
            return Ok(x.round_dp(DECIMAL_PLACES, RoundingMode::Down));
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
