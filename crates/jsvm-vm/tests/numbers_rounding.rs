//! Decimal text → double is correctly rounded on every path a contract can reach (`Number`, unary
//! `+`, implicit conversion, `parseFloat`, `parseInt`, `JSON.parse`, source literals), for any
//! number of significant digits: engines that differ in the last bit would compute different
//! receipts. The oracle is Rust's `str::parse::<f64>`, which is correctly rounded (ties to even).

use jsvm_test_util::rng::Rng;
use jsvm_test_util::{abi, Chain};
use jsvm_vm::Status;
use num_bigint::BigUint;
use serde_json::json;

/// Each path's result for every text of `texts` (one per line), shown with `String`, which is
/// the shortest text that parses back to the same double.
const CONVERT: &str = r#"
class Convert {
    init() {}
    paths(texts) {
        return JSON.stringify(texts.split("\n").map((t) => [
            String(Number(t)), String(+t), String(t * 1), String(parseFloat(t)), String(JSON.parse(t)),
        ]));
    }
    integers(texts) {
        return JSON.stringify(texts.split("\n").map((t) => String(parseInt(t, 10))));
    }
    literals() { return JSON.stringify([LITERALS].map(String)); }
    edges() {
        const shown = (x) => (Object.is(x, -0) ? "-0" : String(x));
        return JSON.stringify([
            Number("-0"), JSON.parse("-0"), Number("0"), Number("007"), Number("12px"), Number("1_000"),
            Number("10n"), Number("0x1f"), Number("0b11"), Number("0o17"), Number(" 42 "), Number("5."),
            Number("5e2"), Number("-999999999999999"), parseInt("12px", 10), parseFloat("12px"),
            parseInt("0x1f"), parseInt("1_000", 10), JSON.parse("[1,22,333]").length,
        ].map(shown));
    }
}
module.exports = Convert;
"#;

const ISSUE_EXAMPLE: &str = "0.3000000000000000166533453693773481063544750213623046875";

/// The exact decimal digits and the decimal exponent of the midpoint between the positive finite
/// double with `bits` and the next one up: value = 0.digits × 10^exponent.
fn midpoint(bits: u64) -> (String, i64) {
    let (biased, fraction) = ((bits >> 52) as i64, bits & ((1 << 52) - 1));
    let (mantissa, exp2) = if biased == 0 { (fraction, -1074) } else { (fraction | 1 << 52, biased - 1075) };
    // midpoint = (2·mantissa + 1) · 2^(exp2 − 1)
    let odd = BigUint::from(2 * mantissa + 1);
    let shift = exp2 - 1;
    let (integer, decimals) =
        if shift >= 0 { (odd << shift as usize, 0) } else { (odd * BigUint::from(5u32).pow(-shift as u32), -shift) };
    let digits = integer.to_string();
    let exponent = digits.len() as i64 - decimals;
    (digits.trim_end_matches('0').to_string(), exponent)
}

/// `0.digits × 10^exponent` as plain text.
fn plain(digits: &str, exponent: i64) -> String {
    if exponent <= 0 {
        format!("0.{}{digits}", "0".repeat(-exponent as usize))
    } else if exponent as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(exponent as usize - digits.len()))
    } else {
        format!("{}.{}", &digits[..exponent as usize], &digits[exponent as usize..])
    }
}

/// `0.digits × 10^exponent` as text, plain or with an exponent, as `rng` picks.
fn decimal_text(digits: &str, exponent: i64, rng: &mut Rng) -> String {
    if rng.below(2) == 0 && (-30..=30).contains(&exponent) {
        plain(digits, exponent)
    } else {
        format!("{}.{}e{}", &digits[..1], &digits[1..], exponent - 1)
    }
}

/// Texts with 20–800 significant digits on, just below and just above midpoints between doubles.
fn near_midpoints(count: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng::new(seed);
    let mut texts = Vec::new();
    while texts.len() < count {
        // Any positive finite double but the largest (whose midpoint rounds to infinity).
        let bits = 1 + rng.below(0x7fef_ffff_ffff_ffff);
        let (exact, exponent) = midpoint(bits);
        let digits = match rng.below(4) {
            // The midpoint itself: ties to even.
            0 if exact.len() <= 800 => exact.clone(),
            // Just above: the midpoint followed by zeros and a 1.
            1 => format!("{exact}{}1", "0".repeat(rng.below(800 - exact.len().min(799) as u64) as usize)),
            // Just below or above: cut to 20–800 digits, the last one nudged up or left.
            _ => {
                let keep = (20 + rng.below(781) as usize).min(exact.len() - 1);
                let mut cut: Vec<u8> = exact.as_bytes()[..keep].to_vec();
                if rng.below(2) == 0 && cut[keep - 1] < b'9' {
                    cut[keep - 1] += 1;
                }
                String::from_utf8(cut).unwrap()
            }
        };
        if digits.len() >= 20 {
            texts.push(decimal_text(&digits, exponent, &mut rng));
        }
    }
    texts
}

fn bits_of(text: &str) -> u64 {
    text.parse::<f64>().unwrap_or_else(|_| panic!("not a number: {text}")).to_bits()
}

fn deploy(c: &Chain, literals: &[String]) -> String {
    let source = CONVERT.replace("LITERALS", &literals.join(", "));
    c.deploy(&source, &abi(&[("paths", &["string"]), ("integers", &["string"]), ("literals", &[]), ("edges", &[])]))
}

fn call(c: &Chain, id: &str, method: &str, args: serde_json::Value) -> Vec<serde_json::Value> {
    let r = c.call(id, method, args);
    assert_eq!(r.status, Status::Success, "{}", r.message);
    serde_json::from_str(&r.returns[0]).unwrap()
}

fn assert_paths(c: &Chain, id: &str, texts: &[String]) {
    let results = call(c, id, "paths", json!([texts.join("\n")]));
    let names = ["Number", "unary +", "t * 1", "parseFloat", "JSON.parse"];
    for (text, shown) in texts.iter().zip(results) {
        for (name, shown) in names.iter().zip(shown.as_array().unwrap()) {
            let shown = shown.as_str().unwrap();
            assert_eq!(bits_of(shown), bits_of(text), "{name}({text}) = {shown}");
        }
    }
}

#[test]
fn the_issue_example_rounds_to_even_on_every_path() {
    let c = Chain::new();
    let id = deploy(
        &c,
        &[
            ISSUE_EXAMPLE.to_string(),
            "0.300_000_000_000_000_016_653_345_369_377_348_106_354_475_021_362_304_687_5".into(),
        ],
    );
    assert_paths(&c, &id, &[ISSUE_EXAMPLE.to_string()]);
    let literals = call(&c, &id, "literals", json!([]));
    assert_eq!(literals, vec![json!("0.30000000000000004"), json!("0.30000000000000004")]);
}

#[test]
fn decimals_near_midpoints_are_correctly_rounded_on_every_path() {
    let c = Chain::new();
    let id = deploy(&c, &[]);
    for seed in [0x5eed_0001, 0x5eed_0002, 0x5eed_0003] {
        assert_paths(&c, &id, &near_midpoints(40, seed));
    }
}

#[test]
fn source_literals_near_midpoints_are_correctly_rounded() {
    let c = Chain::new();
    let mut texts = near_midpoints(30, 0x5eed_0004);
    // Underscore separators in the integer part of a few (plain) literals.
    texts.push("9_007_199_254_740_993".into());
    texts.push("123_456_789_012_345_678_901_234_567_890.5".into());
    let id = deploy(&c, &texts);
    let shown = call(&c, &id, "literals", json!([]));
    for (text, shown) in texts.iter().zip(shown) {
        let shown = shown.as_str().unwrap();
        assert_eq!(bits_of(shown), bits_of(&text.replace('_', "")), "literal {text} = {shown}");
    }
}

#[test]
fn long_decimal_integers_are_correctly_rounded_by_parse_int() {
    let c = Chain::new();
    let id = deploy(&c, &[]);
    // Integer midpoints (doubles of 2^54 and more have integer midpoints), and a huge digit count.
    let mut rng = Rng::new(0x5eed_0005);
    let mut texts: Vec<String> = (0..30)
        .map(|_| {
            let (digits, exponent) = midpoint(((1075 + 54 + rng.below(900)) << 52) | rng.below(1 << 52));
            plain(&digits, exponent)
        })
        .collect();
    texts.push(format!("9007199254740993{}", "0".repeat(5000)));
    let shown = call(&c, &id, "integers", json!([texts.join("\n")]));
    for (text, shown) in texts.iter().zip(shown) {
        let shown = shown.as_str().unwrap();
        assert_eq!(bits_of(shown), bits_of(text), "parseInt({text}) = {shown}");
    }
}

#[test]
fn huge_digit_counts_round_by_their_last_digit() {
    let c = Chain::new();
    let id = deploy(&c, &[]);
    // 1 + 2^-53 is the midpoint between 1 and the next double: a far nonzero digit rounds up.
    let (digits, exponent) = midpoint(1f64.to_bits());
    let tie = plain(&digits, exponent);
    let above = format!("{tie}{}1", "0".repeat(20_000));
    assert_paths(&c, &id, &[tie, above.clone(), format!("{above}e0"), format!("{}e-5", above.replace('.', ""))]);
}

/// Whole numbers of up to 15 digits take QuickJS's short path (vendor/rquickjs-sys/JSVM-PATCHES.md,
/// `js_atod`); longer ones, and texts with anything number-like after the digits, the exact one.
#[test]
fn whole_numbers_near_the_short_path_bound_read_exactly_on_every_path() {
    let c = Chain::new();
    let id = deploy(&c, &[]);
    let mut rng = Rng::new(0x5eed_0006);
    let mut texts: Vec<String> = (1..=18)
        .flat_map(|digits| {
            let first = (1 + rng.below(9)).to_string();
            let rest: String = (1..digits).map(|_| char::from(b'0' + rng.below(10) as u8)).collect();
            let n = format!("{first}{rest}");
            [n.clone(), format!("-{n}")]
        })
        .collect();
    texts.extend(["0", "999999999999999", "1000000000000000", "9007199254740993"].map(String::from));
    assert_paths(&c, &id, &texts);
    let edges = call(&c, &id, "edges", json!([]));
    let expected = "-0 -0 0 7 NaN NaN NaN 31 3 15 42 5 500 -999999999999999 12 12 31 1 3";
    assert_eq!(edges, expected.split(' ').map(|e| json!(e)).collect::<Vec<_>>());
}
