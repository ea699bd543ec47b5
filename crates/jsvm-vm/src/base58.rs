//! Base58 (Bitcoin's alphabet) of hashes, as `bs58::encode(..).into_string()` writes it, in a
//! tenth of the work: the bs58 crate divides the whole number by 58 once per output digit,
//! this divides by 58⁹ (one u64 limb holds nine digits). Every transaction's hash is written
//! this way for its receipt and its contracts' `tx.hash`.

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/// 58⁹: the largest power of 58 whose product with 256 plus a carry fits in a u64.
const LIMB: u64 = 58u64.pow(9);
const DIGITS_PER_LIMB: usize = 9;

/// `bytes` in base58: one `1` per leading zero byte, then the rest as a big-endian number.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    // Little-endian limbs of the number, each below LIMB. 256ⁿ < 58^(1.37n): n/6 + 1 limbs hold it.
    let mut limbs: Vec<u64> = Vec::with_capacity(bytes.len() / 6 + 1);
    for &byte in &bytes[zeros..] {
        let mut carry = u64::from(byte);
        for limb in &mut limbs {
            let x = (*limb << 8) | carry;
            *limb = x % LIMB;
            carry = x / LIMB;
        }
        while carry > 0 {
            limbs.push(carry % LIMB);
            carry /= LIMB;
        }
    }
    let mut digits: Vec<u8> = Vec::with_capacity(zeros + limbs.len() * DIGITS_PER_LIMB);
    for mut limb in limbs {
        for _ in 0..DIGITS_PER_LIMB {
            digits.push(ALPHABET[(limb % 58) as usize]);
            limb /= 58;
        }
    }
    // The top limb's high digits are zeros, which the number does not have.
    while digits.last() == Some(&ALPHABET[0]) {
        digits.pop();
    }
    digits.extend(std::iter::repeat_n(ALPHABET[0], zeros));
    digits.reverse();
    // Every byte is from the alphabet, all ASCII.
    String::from_utf8(digits).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use sha3::{Digest, Sha3_256};

    use super::*;

    #[test]
    fn writes_what_the_bs58_crate_writes() {
        let mut inputs: Vec<Vec<u8>> = vec![
            vec![],
            vec![0],
            vec![0, 0, 0],
            vec![0, 0, 1],
            vec![57],
            vec![58],
            vec![255; 32],
            vec![0; 32],
            [vec![0, 0], vec![255; 30]].concat(),
            vec![1; 64],
        ];
        let mut seed = [7u8; 32];
        for len in 0..300 {
            seed = Sha3_256::digest(seed).into();
            let mut input = seed.to_vec();
            input.truncate(len % 33);
            if len % 5 == 0 && !input.is_empty() {
                input[0] = 0;
            }
            inputs.push(input);
        }
        for input in inputs {
            assert_eq!(encode(&input), bs58::encode(&input).into_string(), "{input:?}");
        }
    }
}
