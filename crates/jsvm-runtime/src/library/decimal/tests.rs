//! The numeric core against IOST's test vectors and bignumber.js 7.2.1's rules
//! (DECIMAL_PLACES 50, POW_PRECISION 50, ROUND_DOWN).

use super::*;

fn d(s: &str) -> Dec {
    Dec::parse(s).unwrap()
}
fn v(x: Result<Dec, String>) -> String {
    x.unwrap().value_of()
}
fn s(x: Result<Dec, String>) -> String {
    x.unwrap().to_js_string()
}

#[test]
fn iost_int64_vectors() {
    // test/v8vm/test_data/int64Test.js and TestEngine_Int64.
    assert_eq!(s(d("1234500000").plus(&d("1234"))), "1234501234");
    assert_eq!(s(d("123400789").minus(&d("680"))), "123400109");
    assert_eq!(s(d("12345667").times(&d("12"))), "148148004");
    assert_eq!(s(d("12345667").idiv(&d("12"))), "1028805");
    assert_eq!(s(d("12345667").modulo(&d("12"))), "7");
    assert_eq!(s(d("1234").pow(&d("3"), None)), "1879080904");
}

#[test]
fn iost_float64_vectors() {
    // test/v8vm/test_data/float64Test.js and TestEngine_Float64.
    assert_eq!(d("11.11").to_js_string(), "11.11");
    assert_eq!(s(d("12345.6789").minus(&d("680"))), "11665.6789");
    assert_eq!(s(d("12345.6789").times(&d("12"))), "148148.1468");
    assert_eq!(s(d("12345.6789").div(&d("12"))), "1028.806575");
    assert_eq!(s(d("12345.6789").pow(&d("3"), None)), "1881676371789.154860897069");
}

#[test]
fn iost_bignumber_vector() {
    // test/v8vm/test_data/bignumber1.js: 0.00000000008 + 0.0000000000000029, JSON'd.
    assert_eq!(v(d("8e-11").plus(&d("2.9e-15"))), "8.00029e-11");
}

#[test]
fn parsing() {
    assert_eq!(d("  +12.50 ").value_of(), "12.5");
    assert_eq!(d("-0").value_of(), "-0");
    assert_eq!(d("-0").to_js_string(), "0");
    assert_eq!(d("-0.000").value_of(), "-0");
    assert_eq!(d(".5").value_of(), "0.5");
    assert_eq!(d("5.").value_of(), "5");
    assert_eq!(d("1e21").value_of(), "1e+21");
    assert_eq!(d("123456789012345678901").value_of(), "123456789012345678901");
    assert_eq!(d("1E-7").value_of(), "1e-7");
    assert_eq!(d("0.000001").value_of(), "0.000001");
    assert_eq!(d("0xff").value_of(), "255");
    assert_eq!(d("-0b101").value_of(), "-5");
    assert_eq!(d("0o17").value_of(), "15");
    assert_eq!(d("abc").value_of(), "NaN");
    assert_eq!(d("").value_of(), "NaN");
    assert_eq!(d("1e").value_of(), "NaN");
    assert_eq!(d("--1").value_of(), "NaN");
    assert_eq!(d("Infinity").value_of(), "Infinity");
    assert_eq!(d(" -Infinity").value_of(), "-Infinity");
    assert_eq!(d("1e1000000001").value_of(), "Infinity");
    assert_eq!(d("-1e-1000000001").value_of(), "-0");
    assert_eq!(Dec::parse_base("ff.8", 16).unwrap().value_of(), "255.5");
    assert_eq!(Dec::parse_base("FF", 16).unwrap().value_of(), "255");
    assert_eq!(Dec::parse_base("Ff", 16).unwrap().value_of(), "NaN");
    assert_eq!(Dec::parse_base("0xff", 16).unwrap().value_of(), "255");
    assert_eq!(Dec::parse_base("0.1", 3).unwrap().value_of(), "0.33333333333333333333333333333333333333333333333333");
    assert_eq!(Dec::parse_base("1.23456789", 10).unwrap().value_of(), "1.23456789");
    assert_eq!(Dec::parse_base("12", 2).unwrap().value_of(), "NaN");
    assert!(Dec::parse(&"1".repeat(MAX_DIGITS + 1)).is_err());
}

#[test]
fn division_cuts_at_50_places() {
    assert_eq!(v(d("1").div(&d("3"))), "0.33333333333333333333333333333333333333333333333333");
    assert_eq!(v(d("2").div(&d("3"))), "0.66666666666666666666666666666666666666666666666666");
    assert_eq!(v(d("-2").div(&d("3"))), "-0.66666666666666666666666666666666666666666666666666");
    assert_eq!(v(d("1").div(&d("1e51"))), "0");
    assert_eq!(v(d("1").div(&d("1e50"))), "1e-50");
    assert_eq!(v(d("-1").idiv(&d("3"))), "-0");
    assert_eq!(v(d("7").idiv(&d("-2"))), "-3");
    assert_eq!(v(d("1").div(&d("0"))), "Infinity");
    assert_eq!(v(d("-1").div(&d("0"))), "-Infinity");
    assert_eq!(v(d("1").div(&d("-0"))), "-Infinity");
    assert_eq!(v(d("0").div(&d("0"))), "NaN");
    assert_eq!(v(d("0").div(&d("-5"))), "-0");
    assert_eq!(v(d("Infinity").div(&d("Infinity"))), "NaN");
    assert_eq!(v(d("5").div(&d("-Infinity"))), "-0");
}

#[test]
fn remainder_takes_the_dividend_sign() {
    assert_eq!(v(d("-7").modulo(&d("3"))), "-1");
    assert_eq!(v(d("7").modulo(&d("-3"))), "1");
    assert_eq!(v(d("-6").modulo(&d("3"))), "-0");
    assert_eq!(v(d("5.5").modulo(&d("2"))), "1.5");
    assert_eq!(v(d("1e30").modulo(&d("7"))), "1");
    assert_eq!(v(d("1").modulo(&d("0"))), "NaN");
    assert_eq!(v(d("Infinity").modulo(&d("2"))), "NaN");
    assert_eq!(v(d("3").modulo(&d("Infinity"))), "3");
    // A huge gap in exponents costs a modular power, not a huge number.
    assert_eq!(v(d("1e900000000").modulo(&d("7"))), "1");
    assert_eq!(v(d("1.5").modulo(&d("1e900000000"))), "1.5");
    assert_eq!(v(d("-1.5").modulo(&d("-2"))), "-1.5");
}

#[test]
fn huge_exponents_never_get_written_out() {
    // Each of these would need a number of 10^8+ digits if written out.
    assert!(d("1e900000000").to_base_string(2).is_err());
    assert_eq!(d("-1e-900000000").to_base_string(2).unwrap(), "-0");
    assert!(d("1e900000000").pow(&d("2"), Some(&d("7"))).is_err());
    assert!(d("0.99999999").pow(&d("1e900000000"), None).is_err());
    assert!(d("1e900000000").to_fixed(None, RoundingMode::Down).is_err());
    assert!(d("1e-900000000").to_fixed(None, RoundingMode::Down).is_err());
    assert!(d("1e900000000").sqrt().is_err());
    assert_eq!(v(d("1e-900000000").sqrt()), "0");
    assert!(d("1e900000000").div(&d("1e-900000000")).is_err());
    assert_eq!(v(d("1e-900000000").div(&d("1e900000000"))), "0");
    assert!(d("1e900000000").minus(&d("1e-900000000")).is_err());
    assert_eq!(d("1e900000000").compare(&d("1e-900000000")), Some(std::cmp::Ordering::Greater));
    assert_eq!(v(d("1e900000000").times(&d("1e-900000000"))), "1");
    assert_eq!(d("1e900000000").round_dp(5, RoundingMode::Up).value_of(), "1e+900000000");
    assert_eq!(d("1e-900000000").round_dp(5, RoundingMode::Up).value_of(), "0.00001");
    assert_eq!(v(d("1e-900000000").shifted_by(900_000_000)), "1");
}

#[test]
fn sums_and_signed_zeros() {
    assert_eq!(v(d("0.1").plus(&d("0.2"))), "0.3");
    assert_eq!(v(d("-0").plus(&d("-0"))), "-0");
    assert_eq!(v(d("-0").plus(&d("0"))), "0");
    assert_eq!(v(d("-0").minus(&d("-0"))), "0");
    assert_eq!(v(d("5").minus(&d("5"))), "0");
    assert_eq!(v(d("Infinity").minus(&d("Infinity"))), "NaN");
    assert_eq!(v(d("Infinity").plus(&d("-5"))), "Infinity");
    assert_eq!(v(d("1").minus(&d("Infinity"))), "-Infinity");
    assert_eq!(v(d("NaN").plus(&d("1"))), "NaN");
    assert_eq!(v(d("1e20").plus(&d("1e-20"))), "100000000000000000000.00000000000000000001");
    assert!(d("1e5000").plus(&d("1")).is_err());
    assert_eq!(v(d("0").times(&d("-3"))), "-0");
    assert_eq!(v(d("0").times(&d("Infinity"))), "NaN");
    assert_eq!(v(d("-2").times(&d("Infinity"))), "-Infinity");
    assert_eq!(v(d("1.5").times(&d("-1.5"))), "-2.25");
    assert_eq!(v(d("1e600000000").times(&d("1e600000000"))), "Infinity");
    assert_eq!(v(d("1e-600000000").times(&d("-1e-600000000"))), "-0");
}

#[test]
fn comparisons() {
    use std::cmp::Ordering::*;
    assert_eq!(d("0").compare(&d("-0")), Some(Equal));
    assert_eq!(d("1.10").compare(&d("1.1")), Some(Equal));
    assert_eq!(d("-1").compare(&d("-2")), Some(Greater));
    assert_eq!(d("-Infinity").compare(&d("-1e999")), Some(Less));
    assert_eq!(d("Infinity").compare(&d("Infinity")), Some(Equal));
    assert_eq!(d("NaN").compare(&d("1")), None);
    assert_eq!(d("0.001").compare(&d("0.01")), Some(Less));
    assert_eq!(d("-0.001").compare(&d("0")), Some(Less));
}

#[test]
fn powers() {
    assert_eq!(s(d("2").pow(&d("10"), None)), "1024");
    assert_eq!(s(d("2").pow(&d("-2"), None)), "0.25");
    assert_eq!(s(d("3").pow(&d("-1"), None)), "0.33333333333333333333333333333333333333333333333333");
    assert_eq!(v(d("2").pow(&d("200"), None)), "1.6069380442589902755419620923411626025222029937827e+60");
    assert_eq!(s(d("-2").pow(&d("3"), None)), "-8");
    assert_eq!(s(d("0").pow(&d("-1"), None)), "Infinity");
    assert_eq!(v(d("-0").pow(&d("3"), None)), "-0");
    assert_eq!(s(d("1").pow(&d("Infinity"), None)), "NaN");
    assert_eq!(s(d("5").pow(&d("0"), None)), "1");
    assert_eq!(s(d("NaN").pow(&d("0"), None)), "1");
    assert_eq!(s(d("0.5").pow(&d("Infinity"), None)), "0");
    assert_eq!(s(d("-1").pow(&d("1e20"), None)), "1");
    // Huge exponents: bignumber.js's shortcut to ±Infinity / ±0.
    assert_eq!(s(d("2").pow(&d("1e10"), None)), "Infinity");
    assert_eq!(s(d("-2").pow(&d("10000000001"), None)), "-Infinity");
    assert_eq!(v(d("2").pow(&d("-1e10"), None)), "0");
    assert_eq!(s(d("0.5").pow(&d("1e10"), None)), "0");
    assert!(d("2").pow(&d("1.5"), None).unwrap_err().contains("Exponent not an integer: 1.5"));
    // With a modulus: exact modular power for integers.
    assert_eq!(s(d("4").pow(&d("13"), Some(&d("497")))), "445");
    assert_eq!(s(d("-4").pow(&d("3"), Some(&d("5")))), "-4");
    assert_eq!(s(d("1.5").pow(&d("2"), Some(&d("2")))), "0.25");
}

#[test]
fn square_roots() {
    assert_eq!(s(d("16").sqrt()), "4");
    assert_eq!(s(d("2").sqrt()), "1.41421356237309504880168872420969807856967187537694");
    assert_eq!(s(d("0.0001").sqrt()), "0.01");
    assert_eq!(v(d("-0").sqrt()), "-0");
    assert_eq!(s(d("-4").sqrt()), "NaN");
    assert_eq!(s(d("Infinity").sqrt()), "Infinity");
    assert_eq!(s(d("1e-200").sqrt()), "0");
}

#[test]
fn rounding_and_formatting() {
    let x = d("1.999");
    // toFixed rounds with the configured mode: RoundingMode::Down.
    assert_eq!(x.to_fixed(Some(2), RoundingMode::Down).unwrap(), "1.99");
    assert_eq!(x.to_fixed(Some(2), RoundingMode::HalfUp).unwrap(), "2.00");
    assert_eq!(x.to_fixed(Some(5), RoundingMode::Down).unwrap(), "1.99900");
    assert_eq!(x.to_fixed(None, RoundingMode::Down).unwrap(), "1.999");
    assert_eq!(d("-0.001").to_fixed(Some(2), RoundingMode::Down).unwrap(), "-0.00");
    assert_eq!(d("0.001").to_fixed(Some(1), RoundingMode::Up).unwrap(), "0.1");
    assert_eq!(d("1e-10").to_fixed(None, RoundingMode::Down).unwrap(), "0.0000000001");
    assert_eq!(d("1.5e25").to_fixed(Some(0), RoundingMode::Down).unwrap(), "15000000000000000000000000");
    assert_eq!(d("NaN").to_fixed(Some(2), RoundingMode::Down).unwrap(), "NaN");
    assert_eq!(d("2.5").round_dp(0, RoundingMode::HalfEven).value_of(), "2");
    assert_eq!(d("3.5").round_dp(0, RoundingMode::HalfEven).value_of(), "4");
    assert_eq!(d("-2.5").round_dp(0, RoundingMode::HalfCeil).value_of(), "-2");
    assert_eq!(d("-2.5").round_dp(0, RoundingMode::HalfFloor).value_of(), "-3");
    assert_eq!(d("-2.1").round_dp(0, RoundingMode::Floor).value_of(), "-3");
    assert_eq!(d("-2.1").round_dp(0, RoundingMode::Ceil).value_of(), "-2");
    assert_eq!(d("2.5").round_dp(0, RoundingMode::HalfDown).value_of(), "2");
    assert_eq!(d("9.99").round_dp(1, RoundingMode::Up).value_of(), "10");
    assert_eq!(d("-0.4").round_dp(0, RoundingMode::Down).value_of(), "-0");
    assert_eq!(d("123.456").format(Some(3), RoundingMode::Down, Notation::Exponential).unwrap(), "1.23e+2");
    assert_eq!(d("123.456").format(Some(4), RoundingMode::Down, Notation::Precision).unwrap(), "123.4");
    assert_eq!(d("123.456").format(Some(2), RoundingMode::Down, Notation::Precision).unwrap(), "1.2e+2");
    assert_eq!(d("0.5").format(Some(3), RoundingMode::Down, Notation::Precision).unwrap(), "0.500");
    assert_eq!(d("255.5").to_base_string(16).unwrap(), "ff.8");
    assert_eq!(d("-10").to_base_string(2).unwrap(), "-1010");
    assert_eq!(d("1.25").decimal_places(), Some(2));
    assert_eq!(d("1e5").decimal_places(), Some(0));
    assert_eq!(d("1e5").precision(true), Some(6));
    assert_eq!(d("1e5").precision(false), Some(1));
    assert!(d("1e9000").to_fixed(None, RoundingMode::Down).is_err());
    assert!(d("1").to_fixed(Some(1_000_000), RoundingMode::Down).is_err());
}

#[test]
fn int64_and_float64_bounds() {
    use super::super::check_range;
    assert!(check_range(&d("9223372036854775807"), "Int64").is_ok());
    assert_eq!(
        check_range(&d("9223372036854775808"), "Int64").unwrap_err(),
        "Int64: 9223372036854775808 overflow int64"
    );
    assert_eq!(
        check_range(&d("-9223372036854775809"), "Int64").unwrap_err(),
        "Int64: -9223372036854775809 underflow int64"
    );
    assert_eq!(check_range(&d("1.5"), "Int64").unwrap_err(), "Int64: 1.5 is not an integer");
    assert_eq!(check_range(&d("NaN"), "Int64").unwrap_err(), "Int64: NaN is not an integer");
    assert!(check_range(&d("1.5"), "Float64").is_ok());
    assert!(check_range(&d("NaN"), "Float64").is_ok());
    assert_eq!(check_range(&d("Infinity"), "Float64").unwrap_err(), "Float64: Infinity overflow float64");
    assert_eq!(check_range(&d("-1e19"), "Float64").unwrap_err(), "Float64: -10000000000000000000 underflow float64");
    assert_eq!(check_range(&d("1e30"), "Int64").unwrap_err(), "Int64: 1e+30 overflow int64");
}

#[test]
fn shifted() {
    assert_eq!(v(d("1.5").shifted_by(3)), "1500");
    assert_eq!(v(d("1.5").shifted_by(-3)), "0.0015");
    assert_eq!(v(d("1").shifted_by(2_000_000_000)), "Infinity");
}

/// `[op, [args], result, error]`, as recorded.
type Vector = (String, Vec<String>, Option<String>, Option<String>);

/// Results of bignumber.js 7.2.1 itself, configured as IOST configures it, on
/// random and edge-case operands: `[op, [args], result or null, error or null]`.
/// Results are `valueOf()` strings (so -0 keeps its sign) or the method's own value.
#[test]
fn agrees_with_bignumber_js() {
    let vectors: Vec<Vector> = serde_json::from_str(include_str!("bignumber-vectors.json")).unwrap();
    let mut failures = Vec::new();
    for (op, args, want, want_err) in &vectors {
        let a = |i: usize| args[i].as_str();
        let n = |i: usize| args[i].parse::<i64>().unwrap();
        let mode = |m: i64| RoundingMode::from_number(m).expect("a rounding mode");
        let got: Result<String, String> = (|| {
            Ok(match op.as_str() {
                "parse" => Dec::parse(a(0))?.value_of(),
                "parseBase" => Dec::parse_base(a(0), n(1) as u32)?.value_of(),
                "toBase" => d(a(0)).to_base_string(n(1) as u32)?,
                _ => {
                    let x = d(a(0));
                    let y = || d(a(1));
                    match op.as_str() {
                        "plus" => x.plus(&y())?.value_of(),
                        "minus" => x.minus(&y())?.value_of(),
                        "times" => x.times(&y())?.value_of(),
                        "div" => x.div(&y())?.value_of(),
                        "idiv" => x.idiv(&y())?.value_of(),
                        "mod" => x.modulo(&y())?.value_of(),
                        "comparedTo" => match x.compare(&y()) {
                            None => return Err("null".into()),
                            Some(o) => (o as i8).to_string(),
                        },
                        "sqrt" => x.sqrt()?.value_of(),
                        "toString" => x.to_js_string(),
                        "pow" => x.pow(&y(), None)?.value_of(),
                        "powMod" => x.pow(&y(), Some(&d(a(2))))?.value_of(),
                        "toFixed" => x.to_fixed(Some(n(1)), mode(n(2)))?,
                        "toFixedPlain" => x.to_fixed(None, RoundingMode::Down)?,
                        "toExponential" => x.format(Some(n(1) + 1), mode(n(2)), Notation::Exponential)?,
                        "toPrecision" => x.format(Some(n(1)), mode(n(2)), Notation::Precision)?,
                        "dp" => x.round_dp(n(1), mode(n(2))).value_of(),
                        "integerValue" => x.round_dp(0, mode(n(1))).value_of(),
                        "shiftedBy" => x.shifted_by(n(1))?.value_of(),
                        other => panic!("unknown op {other}"),
                    }
                }
            })
        })();
        let ok = match (&got, want, want_err) {
            (Ok(g), Some(w), _) => g == w,
            (Err(e), None, None) => e == "null",
            (Err(e), _, Some(w)) => e.contains(w.trim_start_matches("[BigNumber Error] ")),
            _ => false,
        };
        if !ok {
            failures.push(format!("{op}{args:?}: got {got:?}, bignumber.js {want:?} {want_err:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} differ:\n{}", failures.len(), vectors.len(), failures.join("\n"));
}
