//! The state root: a hash chain over each block's sorted state writes.
//!
//! `root(n) = SHA3-256("jsvm-root/1" ‖ root(n-1) ‖ height ‖ Σ entry)` where each
//! entry is `len(key) ‖ key ‖ 0x00` for a delete or `len(key) ‖ key ‖ 0x01 ‖
//! len(value) ‖ value` for a put, lengths as u32 big-endian, entries in key order.
//! Two nodes that executed the same blocks hold the same root; comparing roots
//! compares whole states cheaply.

use sha3::{Digest, Sha3_256};

use crate::Writes;

/// The root after applying `writes` at `height` on top of `prev`.
pub fn next_state_root(prev: &[u8; 32], height: u64, writes: &Writes) -> [u8; 32] {
    let mut h = Sha3_256::new();
    h.update(b"jsvm-root/1");
    h.update(prev);
    h.update(height.to_be_bytes());
    for (k, v) in writes {
        h.update((k.len() as u32).to_be_bytes());
        h.update(k);
        match v {
            None => h.update([0u8]),
            Some(v) => {
                h.update([1u8]);
                h.update((v.len() as u32).to_be_bytes());
                h.update(v);
            }
        }
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(pairs: &[(&str, Option<&str>)]) -> Writes {
        pairs.iter().map(|(k, v)| (k.as_bytes().to_vec(), v.map(|v| v.as_bytes().to_vec()))).collect()
    }

    #[test]
    fn root_depends_on_every_input() {
        let base = next_state_root(&[0; 32], 1, &w(&[("a", Some("1"))]));
        assert_ne!(base, next_state_root(&[1; 32], 1, &w(&[("a", Some("1"))])));
        assert_ne!(base, next_state_root(&[0; 32], 2, &w(&[("a", Some("1"))])));
        assert_ne!(base, next_state_root(&[0; 32], 1, &w(&[("a", Some("2"))])));
        assert_ne!(base, next_state_root(&[0; 32], 1, &w(&[("a", None)])));
        assert_ne!(base, next_state_root(&[0; 32], 1, &w(&[("a", Some(""))])));
        assert_eq!(base, next_state_root(&[0; 32], 1, &w(&[("a", Some("1"))])));
    }

    #[test]
    fn length_prefixes_keep_entries_apart() {
        let a = next_state_root(&[0; 32], 1, &w(&[("ab", Some("c"))]));
        let b = next_state_root(&[0; 32], 1, &w(&[("a", Some("bc"))]));
        assert_ne!(a, b);
    }
}
