//! The seed of a run's `Math.random` (math.js draws from it with xoshiro128**).
//!
//! Every run of contract code in a transaction (each action's method, each nested call, a
//! deploy's `init`) gets its own sequence: the seed is the SHA3-256 of a fixed label, the
//! transaction's hash and the run's number within the transaction (0 for the first run,
//! counting on through nested calls and later actions, in the order they start). Every node
//! computes the same seed, so the numbers are predictable to anyone who knows the
//! transaction: never a source of secrets.

use sha3::{Digest, Sha3_256};

/// Distinguishes this use of the transaction hash from any other.
const LABEL: &[u8] = b"jsvm Math.random v1";

/// The four 32-bit words of run `run`'s generator state in the transaction `tx_hash`
/// (never all zero: xoshiro's one state that stays zero).
pub fn random_seed(tx_hash: &[u8; 32], run: u32) -> [u32; 4] {
    let digest = Sha3_256::new().chain_update(LABEL).chain_update(tx_hash).chain_update(run.to_be_bytes()).finalize();
    let word = |i: usize| u32::from_le_bytes([digest[4 * i], digest[4 * i + 1], digest[4 * i + 2], digest[4 * i + 3]]);
    let seed = [word(0), word(1), word(2), word(3)];
    if seed == [0; 4] {
        [1, 0, 0, 0]
    } else {
        seed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_run_of_each_transaction_gets_its_own_seed() {
        let a = random_seed(&[7; 32], 0);
        assert_eq!(a, random_seed(&[7; 32], 0));
        assert_ne!(a, random_seed(&[7; 32], 1));
        assert_ne!(a, random_seed(&[8; 32], 0));
    }
}
