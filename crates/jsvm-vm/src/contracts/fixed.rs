//! Token amounts: fixed-point integers with a token's number of decimals,
//! parsed and printed by IOST's rules (extra fraction digits are cut, not
//! rounded; printing drops trailing zeros).

/// `value / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fixed {
    pub value: i64,
    pub scale: u32,
}

impl Fixed {
    /// Parses `text` at `scale` decimals.
    pub(crate) fn parse(text: &str, scale: u32) -> Result<Fixed, String> {
        if let Some(rest) = text.strip_prefix('-') {
            let f = Fixed::parse(rest, scale)?;
            return Ok(Fixed { value: -f.value, scale });
        }
        if text.is_empty() || text.starts_with('.') {
            return Err("amount format error".into());
        }
        let overflow = || "overflow error".to_string();
        let (mut value, mut digits_after_point, mut point) = (0i64, 0u32, false);
        for b in text.bytes() {
            match b {
                b'0'..=b'9' => {
                    if point && digits_after_point >= scale {
                        break; // digits past the token's decimals are cut
                    }
                    value =
                        value.checked_mul(10).and_then(|v| v.checked_add(i64::from(b - b'0'))).ok_or_else(overflow)?;
                    if point {
                        digits_after_point += 1;
                    }
                }
                b'.' if point => return Err("multi decimal point error".into()),
                b'.' => point = true,
                _ => return Err("abnormal char in amount".into()),
            }
        }
        for _ in digits_after_point..scale {
            value = value.checked_mul(10).ok_or_else(overflow)?;
        }
        Ok(Fixed { value, scale })
    }

    /// Prints without trailing zeros (`960.9`, `10`).
    pub(crate) fn to_text(self) -> String {
        let digits = self.value.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let padded =
            if digits.len() <= scale { format!("{}{digits}", "0".repeat(scale + 1 - digits.len())) } else { digits };
        let (int, frac) = padded.split_at(padded.len() - scale);
        let frac = frac.trim_end_matches('0');
        let sign = if self.value < 0 { "-" } else { "" };
        if frac.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_iost() {
        assert_eq!(Fixed::parse("10", 8).unwrap().value, 1_000_000_000);
        assert_eq!(Fixed::parse("9.9", 0).unwrap().value, 9, "a '*' limit is read with 0 decimals");
        assert_eq!(Fixed::parse("0.123456789", 8).unwrap().value, 12_345_678, "cut, not rounded");
        assert_eq!(Fixed::parse("-1.5", 2).unwrap().value, -150);
        assert_eq!(Fixed::parse("120x", 8).unwrap_err(), "abnormal char in amount");
        assert_eq!(Fixed::parse("1.2.3", 8).unwrap_err(), "multi decimal point error");
        assert_eq!(Fixed::parse(".5", 8).unwrap_err(), "amount format error");
        assert_eq!(Fixed::parse("", 8).unwrap_err(), "amount format error");
        assert_eq!(Fixed::parse("100000000000", 8).unwrap_err(), "overflow error");
    }

    #[test]
    fn prints_without_trailing_zeros() {
        assert_eq!(Fixed { value: 96_090_000_000, scale: 8 }.to_text(), "960.9");
        assert_eq!(Fixed { value: 1_000_000_000, scale: 8 }.to_text(), "10");
        assert_eq!(Fixed { value: 5, scale: 8 }.to_text(), "0.00000005");
        assert_eq!(Fixed { value: -150, scale: 2 }.to_text(), "-1.5");
        assert_eq!(Fixed { value: 7, scale: 0 }.to_text(), "7");
    }
}
