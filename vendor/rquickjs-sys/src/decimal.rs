//! jsvm: correctly rounded decimal text→double conversion for QuickJS's `js_atod` (quickjs/dtoa.c).
//!
//! QuickJS keeps the first 38 significant digits of a decimal and drops the rest, so text close to
//! the midpoint between two doubles (`0.3000000000000000166533453693773481063544750213623046875`)
//! rounds the wrong way. Rust's `f64` parser is correctly rounded for any number of digits and
//! depends neither on the C library nor on the locale: the result is the same on every machine.

use alloc::vec::Vec;

/// The IEEE-754 bits of the double nearest to the unsigned decimal text `str[0..len)` (ties to
/// even). The text is what `js_atod` accepted: digits, at most one `.`, an optional exponent, and
/// `_` separators, which are dropped.
///
/// # Safety
/// `str` points to `len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn jsvm_decimal_to_f64_bits(str: *const u8, len: usize) -> u64 {
    let text = unsafe { core::slice::from_raw_parts(str, len) };
    let parsed = if text.contains(&b'_') {
        let digits: Vec<u8> = text.iter().copied().filter(|&byte| byte != b'_').collect();
        parse(&digits)
    } else {
        parse(text)
    };
    parsed.to_bits()
}

fn parse(text: &[u8]) -> f64 {
    // `js_atod` hands over ASCII only; anything else would be a bug in the caller: NaN, as for
    // text that is not a number.
    core::str::from_utf8(text).ok().and_then(|text| text.parse::<f64>().ok()).unwrap_or(f64::NAN)
}
