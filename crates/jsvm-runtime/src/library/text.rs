//! Case mapping of text beyond ASCII, for every engine the same (text.js): engines map
//! case by the Unicode version of their own tables (V8 10.2's ICU knows Unicode 15.0,
//! QuickJS-ng a later one), so a letter added since could change case on one engine and
//! not on another. Here Rust's tables decide, on every node. (Both JavaScript and Rust
//! use the full mappings without locale, `ß` → `SS`, and a final sigma lowers to `ς`.)

use jsvm_engine::{HostError, HostValue};

/// Performs `text.NAME` on a string.
pub fn call(name: &str, a: &[HostValue]) -> Result<HostValue, HostError> {
    let Some(s) = a.first().and_then(HostValue::as_str) else {
        return Err(HostError::Throw("case mapping takes a string".into()));
    };
    match name {
        "upper" => Ok(HostValue::String(s.to_uppercase())),
        "lower" => Ok(HostValue::String(s.to_lowercase())),
        other => Err(HostError::Throw(format!("unknown text operation {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(name: &str, s: &str) -> String {
        match call(name, &[HostValue::String(s.into())]) {
            Ok(HostValue::String(out)) => out,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn case_maps_as_javascript_specifies() {
        assert_eq!(map("upper", "straße ǆ ﬁ"), "STRASSE Ǆ FI");
        assert_eq!(map("lower", "ΟΔΟΣ Σ İ"), "οδος σ i̇");
        assert_eq!(map("upper", "é\u{10428}"), "É\u{10400}");
    }
}
