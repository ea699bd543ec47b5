//! Splitting one fuzz input into several fields, so that one byte string drives a decoder with two inputs.

/// The separator between fields: a byte that never occurs in UTF-8 text, so a seed is written as
/// `FIELD 0xFF FIELD` and the fuzzer can still move the boundary.
pub(crate) const SEPARATOR: u8 = 0xFF;

/// The first `n - 1` fields of `data` separated by [`SEPARATOR`], and the rest as the last; missing fields are
/// empty.
pub(crate) fn fields(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(n);
    let mut rest = data;
    while out.len() + 1 < n {
        match rest.iter().position(|&b| b == SEPARATOR) {
            Some(at) => {
                out.push(&rest[..at]);
                rest = &rest[at + 1..];
            }
            None => {
                out.push(rest);
                rest = &[];
            }
        }
    }
    out.push(rest);
    out
}

/// `bytes` as text, invalid UTF-8 replaced, as the node reads any text a stranger sends.
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_split_at_the_separator_and_pad_with_empty_fields() {
        assert_eq!(fields(b"ab\xffcd\xffef", 2), vec![&b"ab"[..], &b"cd\xffef"[..]]);
        assert_eq!(fields(b"ab", 3), vec![&b"ab"[..], &b""[..], &b""[..]]);
        assert_eq!(fields(b"", 1), vec![&b""[..]]);
    }
}
