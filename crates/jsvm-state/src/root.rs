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
    // Laid out in one buffer and hashed at once: a big block has tens of thousands of writes, and
    // six small updates of the hasher for each cost twice what hashing their bytes does.
    let size: usize = writes.iter().map(|(k, v)| 4 + k.len() + 1 + v.as_ref().map_or(0, |v| 4 + v.len())).sum();
    let mut bytes = Vec::with_capacity(ROOT_TAG.len() + 32 + 8 + size);
    bytes.extend_from_slice(ROOT_TAG);
    bytes.extend_from_slice(prev);
    bytes.extend_from_slice(&height.to_be_bytes());
    for (k, v) in writes {
        bytes.extend_from_slice(&(k.len() as u32).to_be_bytes());
        bytes.extend_from_slice(k);
        match v {
            None => bytes.push(0),
            Some(v) => {
                bytes.push(1);
                bytes.extend_from_slice(&(v.len() as u32).to_be_bytes());
                bytes.extend_from_slice(v);
            }
        }
    }
    Sha3_256::digest(&bytes).into()
}

const ROOT_TAG: &[u8] = b"jsvm-root/1";

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

    /// The root is the hash of the bytes the module's comment lays out, fed in any pieces.
    #[test]
    fn root_is_the_documented_layout_hashed() {
        let writes: Writes = (0..300u32)
            .map(|i| {
                let key = format!("s/contract_{i:05}/balance");
                let value = (i % 7 != 0).then(|| "v".repeat((i % 40) as usize).into_bytes());
                (key.into_bytes(), value)
            })
            .collect();
        let mut h = Sha3_256::new();
        h.update(b"jsvm-root/1");
        h.update([9u8; 32]);
        h.update(77u64.to_be_bytes());
        for (k, v) in &writes {
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
        let expected: [u8; 32] = h.finalize().into();
        assert_eq!(next_state_root(&[9; 32], 77, &writes), expected);
        let empty: [u8; 32] =
            Sha3_256::digest([b"jsvm-root/1".as_slice(), &[9; 32], &77u64.to_be_bytes()].concat()).into();
        assert_eq!(next_state_root(&[9; 32], 77, &Writes::new()), empty);
    }

    #[test]
    fn length_prefixes_keep_entries_apart() {
        let a = next_state_root(&[0; 32], 1, &w(&[("ab", Some("c"))]));
        let b = next_state_root(&[0; 32], 1, &w(&[("a", Some("bc"))]));
        assert_ne!(a, b);
    }
}
