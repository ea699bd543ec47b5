//! The message for a call to a method the contract's ABI does not have: IOST's words
//! (`abi NAME not found`), then the methods there are and the nearest one, so that a typo
//! is found without reading the ABI. Built from the ABI alone: the same on every node.

/// At most this many method names are listed; the rest are counted.
const LISTED: usize = 20;

/// `abi {method} not found{place}; methods: a, b, c; did you mean 'b'?` — `place` is
/// empty or names the contract (` in token.iost`); the suggestion is left out when no
/// method is near enough to be a likely typo.
pub(crate) fn unknown_method<'a>(method: &str, place: &str, methods: impl IntoIterator<Item = &'a str>) -> String {
    let methods: Vec<&str> = methods.into_iter().collect();
    let mut text = format!("abi {method} not found{place}");
    if methods.is_empty() {
        text.push_str("; the ABI has no methods");
        return text;
    }
    text.push_str("; methods: ");
    text.push_str(&methods[..methods.len().min(LISTED)].join(", "));
    if methods.len() > LISTED {
        text.push_str(&format!(" and {} more", methods.len() - LISTED));
    }
    if let Some(near) = nearest(method, &methods) {
        text.push_str(&format!("; did you mean '{near}'?"));
    }
    text
}

/// The method whose name is fewest edits from `method` (the first in ABI order on a tie),
/// if it is within a third of the name's length (at least one edit; a different letter
/// case alone always is).
fn nearest<'a>(method: &str, methods: &[&'a str]) -> Option<&'a str> {
    let lower = method.to_lowercase();
    if let Some(same) = methods.iter().find(|m| m.to_lowercase() == lower) {
        return Some(same);
    }
    let allowed = (method.chars().count() / 3).max(1);
    methods
        .iter()
        .map(|m| (distance(method, m), *m))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, _)| *d)
        .map(|(_, m)| m)
}

/// Levenshtein distance between `a` and `b`, in characters (one row at a time). Method
/// names are at most a few dozen characters (the ABI bounds them; a call's name is
/// compared only after the ABI lookup failed), so the quadratic cost stays small.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let replaced = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = replaced.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{distance, unknown_method};

    #[test]
    fn distances_count_single_character_edits() {
        assert_eq!(distance("transfer", "transfer"), 0);
        assert_eq!(distance("tranfser", "transfer"), 2);
        assert_eq!(distance("get", "gets"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("é", "e"), 1);
    }

    #[test]
    fn the_message_lists_the_methods_and_the_nearest() {
        let methods = ["get", "inc", "transfer"];
        assert_eq!(
            unknown_method("trasfer", "", methods),
            "abi trasfer not found; methods: get, inc, transfer; did you mean 'transfer'?"
        );
        assert_eq!(
            unknown_method("Get", "", methods),
            "abi Get not found; methods: get, inc, transfer; did you mean 'get'?"
        );
        assert_eq!(unknown_method("withdraw", "", methods), "abi withdraw not found; methods: get, inc, transfer");
        assert_eq!(unknown_method("x", " in a.iost", []), "abi x not found in a.iost; the ABI has no methods");
    }

    #[test]
    fn long_lists_are_cut() {
        let names: Vec<String> = (0..25).map(|i| format!("m{i}")).collect();
        let text = unknown_method("zzzzzz", "", names.iter().map(String::as_str));
        assert!(text.ends_with("m18, m19 and 5 more"), "{text}");
    }
}
