//! Key pairs, signatures and IOST's text forms of keys.

use ed25519_dalek::{Signer as _, Verifier as _};
use k256::ecdsa::signature::hazmat::{PrehashSigner as _, PrehashVerifier as _};
use k256::elliptic_curve::ops::ReduceNonZero;
use serde::{Deserialize, Serialize};

use crate::error::TxError;

/// A signature algorithm, as IOST numbers and names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Algorithm {
    /// ECDSA over secp256k1: 33-byte compressed public keys, 64-byte `r || s` signatures with low S.
    #[serde(rename = "SECP256K1")]
    Secp256k1,
    /// Ed25519: 32-byte public keys, 64-byte signatures.
    #[serde(rename = "ED25519")]
    Ed25519,
}

impl Algorithm {
    /// The byte that stands for the algorithm in a signature's encoding (IOST's `crypto.Algorithm`).
    pub fn wire_byte(self) -> u8 {
        match self {
            Algorithm::Secp256k1 => 1,
            Algorithm::Ed25519 => 2,
        }
    }

    /// The algorithm of a wire byte or proto enum number; `None` for IOST's `UNKNOWN` (0) and anything else.
    pub fn from_wire(number: i64) -> Option<Algorithm> {
        match number {
            1 => Some(Algorithm::Secp256k1),
            2 => Some(Algorithm::Ed25519),
            _ => None,
        }
    }

    /// The name in IOST's JSON: `SECP256K1` or `ED25519`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Secp256k1 => "SECP256K1",
            Algorithm::Ed25519 => "ED25519",
        }
    }

    /// The algorithm of a JSON name (`SECP256K1`, `ED25519`).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        match name {
            "SECP256K1" => Some(Algorithm::Secp256k1),
            "ED25519" => Some(Algorithm::Ed25519),
            _ => None,
        }
    }
}

/// One signature with the public key that made it, as a transaction carries it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature {
    /// How it was made.
    pub algorithm: Algorithm,
    /// The signer's public key bytes (ed25519: 32; secp256k1: 33, compressed).
    pub public_key: Vec<u8>,
    /// The signature bytes (64 for both algorithms).
    pub signature: Vec<u8>,
}

impl Signature {
    /// Whether the signature is valid for `hash` under its public key. Secp256k1 signatures must be 64 bytes
    /// `r || s` with S in the lower half of the group order (IOST refuses high S); malformed keys or signatures
    /// are simply invalid.
    pub fn verify(&self, hash: &[u8; 32]) -> bool {
        match self.algorithm {
            Algorithm::Ed25519 => verify_ed25519(&self.public_key, &self.signature, hash),
            Algorithm::Secp256k1 => verify_secp256k1(&self.public_key, &self.signature, hash),
        }
    }

    /// The public key in base58, as IOST shows account keys.
    pub fn public_key_b58(&self) -> String {
        bs58::encode(&self.public_key).into_string()
    }
}

fn verify_ed25519(public_key: &[u8], signature: &[u8], message: &[u8]) -> bool {
    let Ok(key_bytes) = <[u8; 32]>::try_from(public_key) else { return false };
    let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else { return false };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&key_bytes) else { return false };
    key.verify(message, &signature).is_ok()
}

fn verify_secp256k1(public_key: &[u8], signature: &[u8], hash: &[u8; 32]) -> bool {
    if signature.len() != 64 {
        return false;
    }
    let Ok(signature) = k256::ecdsa::Signature::from_slice(signature) else { return false };
    // `normalize_s` answers `Some` exactly when S is in the upper half: IOST refuses those (malleability).
    if signature.normalize_s().is_some() {
        return false;
    }
    let Ok(key) = k256::ecdsa::VerifyingKey::from_sec1_bytes(public_key) else { return false };
    key.verify_prehash(hash, &signature).is_ok()
}

/// A secret key with its public key, able to sign transaction hashes.
#[derive(Clone)]
pub struct KeyPair {
    secret: Secret,
}

#[derive(Clone)]
enum Secret {
    Ed25519(ed25519_dalek::SigningKey),
    Secp256k1(k256::ecdsa::SigningKey),
}

impl std::fmt::Debug for KeyPair {
    // The secret stays out of logs and panics: only the algorithm and public key are shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("algorithm", &self.algorithm())
            .field("public_key", &self.public_key_b58())
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A fresh key pair from the operating system's random source.
    pub fn generate(alg: Algorithm) -> KeyPair {
        let mut seed = [0u8; 32];
        // The OS random source failing is not something a caller could recover from.
        getrandom::getrandom(&mut seed).expect("the operating system's random source is unavailable");
        KeyPair::from_seed(alg, &seed)
    }

    /// The key pair of a 32-byte seed, deterministically. Ed25519: the seed is the RFC 8032 secret key (the
    /// SDK's `new KeyPair(seed, 2)` gives the same pair). Secp256k1: the seed is the secret scalar when it is one
    /// (1 ≤ seed < n, the SDK's `new KeyPair(seed, 1)` then agrees); a seed outside that range (odds 2⁻¹²⁸ for a
    /// random one) is mapped to `seed mod (n − 1) + 1` so that every seed gives a key.
    pub fn from_seed(alg: Algorithm, seed: &[u8; 32]) -> KeyPair {
        let secret = match alg {
            Algorithm::Ed25519 => Secret::Ed25519(ed25519_dalek::SigningKey::from_bytes(seed)),
            Algorithm::Secp256k1 => {
                let field_bytes = k256::FieldBytes::from(*seed);
                let key = match k256::ecdsa::SigningKey::from_bytes(&field_bytes) {
                    Ok(key) => key,
                    Err(_) => {
                        let scalar =
                            <k256::NonZeroScalar as ReduceNonZero<k256::U256>>::reduce_nonzero_bytes(&field_bytes);
                        k256::ecdsa::SigningKey::from(scalar)
                    }
                };
                Secret::Secp256k1(key)
            }
        };
        KeyPair { secret }
    }

    /// The key pair of a secret key in base58 as the SDK's `B58SecKey()` and iwallet write it: 64 bytes are an
    /// ed25519 secret key (seed then public key; the public half must match the seed), 32 bytes are a
    /// secp256k1 secret scalar. Shorter secp256k1 scalars (the SDK drops a leading zero byte of a key it
    /// generated) are accepted, read big-endian. Anything else is refused with the reason.
    pub fn from_secret_b58(text: &str) -> Result<KeyPair, TxError> {
        let bytes = bs58::decode(text.trim())
            .into_vec()
            .map_err(|err| TxError::Key(format!("secret key is not base58: {err}")))?;
        match bytes.len() {
            64 => {
                let pair: [u8; 64] = bytes.try_into().expect("length checked");
                let key = ed25519_dalek::SigningKey::from_keypair_bytes(&pair).map_err(|_| {
                    TxError::Key("64-byte ed25519 secret key: its public half does not belong to its seed".into())
                })?;
                Ok(KeyPair { secret: Secret::Ed25519(key) })
            }
            1..=32 => {
                let mut scalar = [0u8; 32];
                scalar[32 - bytes.len()..].copy_from_slice(&bytes);
                let key = k256::ecdsa::SigningKey::from_bytes(&k256::FieldBytes::from(scalar))
                    .map_err(|_| TxError::Key("secp256k1 secret key is zero or not below the group order".into()))?;
                Ok(KeyPair { secret: Secret::Secp256k1(key) })
            }
            other => Err(TxError::Key(format!(
                "secret key is {other} bytes; expected 64 (ed25519, seed and public key) or 32 (secp256k1)"
            ))),
        }
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self.secret {
            Secret::Ed25519(_) => Algorithm::Ed25519,
            Secret::Secp256k1(_) => Algorithm::Secp256k1,
        }
    }

    /// The public key bytes: 32 (ed25519) or 33 (secp256k1, compressed).
    pub fn public_key(&self) -> Vec<u8> {
        match &self.secret {
            Secret::Ed25519(key) => key.verifying_key().to_bytes().to_vec(),
            Secret::Secp256k1(key) => key.verifying_key().to_encoded_point(true).as_bytes().to_vec(),
        }
    }

    /// The public key in base58, as IOST shows account keys.
    pub fn public_key_b58(&self) -> String {
        bs58::encode(self.public_key()).into_string()
    }

    /// The secret key in base58, exactly as the SDK's `B58SecKey()` writes it: ed25519 as 64 bytes (seed then
    /// public key), secp256k1 as the 32-byte scalar.
    pub fn secret_key_b58(&self) -> String {
        match &self.secret {
            Secret::Ed25519(key) => bs58::encode(key.to_keypair_bytes()).into_string(),
            Secret::Secp256k1(key) => bs58::encode(key.to_bytes()).into_string(),
        }
    }

    /// Signs a 32-byte transaction hash. Ed25519 signs the hash as the message; secp256k1 signs it as the
    /// prehashed digest (RFC 6979 nonce) and always yields low S.
    pub fn sign(&self, hash: &[u8; 32]) -> Signature {
        let signature = match &self.secret {
            Secret::Ed25519(key) => key.sign(hash).to_bytes().to_vec(),
            Secret::Secp256k1(key) => {
                let signature: k256::ecdsa::Signature =
                    key.sign_prehash(hash).expect("a 32-byte digest is always signable by secp256k1");
                signature.normalize_s().unwrap_or(signature).to_bytes().to_vec()
            }
        };
        Signature { algorithm: self.algorithm(), public_key: self.public_key(), signature }
    }
}

/// The algorithm and bytes of a base58 public key as IOST shows it: 32 bytes are ed25519, 33 bytes a compressed
/// secp256k1 point (which must be on the curve).
pub fn decode_public_key(b58: &str) -> Result<(Algorithm, Vec<u8>), TxError> {
    let bytes =
        bs58::decode(b58).into_vec().map_err(|err| TxError::Key(format!("public key `{b58}` is not base58: {err}")))?;
    match bytes.len() {
        32 => Ok((Algorithm::Ed25519, bytes)),
        33 => match k256::ecdsa::VerifyingKey::from_sec1_bytes(&bytes) {
            Ok(_) => Ok((Algorithm::Secp256k1, bytes)),
            Err(_) => Err(TxError::Key(format!("public key `{b58}` is not a compressed secp256k1 point"))),
        },
        other => Err(TxError::Key(format!(
            "public key `{b58}` is {other} bytes; expected 32 (ed25519) or 33 (secp256k1, compressed)"
        ))),
    }
}
