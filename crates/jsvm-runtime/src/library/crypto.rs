//! `IOSTCrypto`: SHA3-256, RIPEMD-160 and signature checks, with IOST's encodings
//! (base58 for `sha3` and `verify`, hex for `sha3Hex` and `ripemd160Hex`).

use jsvm_engine::{HostError, HostValue};
use ripemd::Ripemd160;
use sha3::{Digest, Sha3_256};

use super::LibraryCosts;

fn s_arg<'v>(a: &'v [HostValue], i: usize, what: &str) -> Result<&'v str, HostError> {
    a.get(i).and_then(HostValue::as_str).ok_or_else(|| HostError::Throw(format!("{what} must be a string")))
}

/// base58 (Bitcoin alphabet) of SHA3-256 of the UTF-8 bytes.
pub fn sha3_base58(text: &str) -> String {
    bs58::encode(Sha3_256::digest(text.as_bytes())).into_string()
}

/// hex of SHA3-256 of the bytes `hex_in` encodes; "" when it is not hex.
pub fn sha3_hex(hex_in: &str) -> String {
    hex::decode(hex_in).map(|b| hex::encode(Sha3_256::digest(b))).unwrap_or_default()
}

/// hex of RIPEMD-160 of the bytes `hex_in` encodes; "" when it is not hex.
pub fn ripemd160_hex(hex_in: &str) -> String {
    hex::decode(hex_in).map(|b| hex::encode(Ripemd160::digest(b))).unwrap_or_default()
}

fn b58(s: &str) -> Vec<u8> {
    bs58::decode(s).into_vec().unwrap_or_default()
}

/// IOST's `verify(algo, message, signature, pubkey)` on decoded bytes.
///
/// secp256k1: the message is the 32-byte hash that was signed (shorter ones are
/// read as a big-endian number, longer ones cut to 32 bytes, as the ECDSA
/// standard reads a hash); the signature is r‖s (64 bytes) with s in the lower
/// half of the order; the key is SEC1, compressed or not. ed25519: RFC 8032 over
/// the message, 64-byte signature, 32-byte key.
pub fn verify(algo: &str, msg: &[u8], sig: &[u8], pubkey: &[u8]) -> bool {
    match algo {
        "secp256k1" => {
            use k256::ecdsa::signature::hazmat::PrehashVerifier;
            use k256::ecdsa::{Signature, VerifyingKey};
            if sig.len() != 64 {
                return false;
            }
            let Ok(signature) = Signature::from_slice(sig) else { return false };
            if signature.normalize_s().is_some() {
                return false; // s above half the order: IOST refuses it
            }
            let Ok(key) = VerifyingKey::from_sec1_bytes(pubkey) else { return false };
            let mut hash = [0u8; 32];
            if msg.len() >= 32 {
                hash.copy_from_slice(&msg[..32]);
            } else {
                hash[32 - msg.len()..].copy_from_slice(msg);
            }
            key.verify_prehash(&hash, &signature).is_ok()
        }
        "ed25519" => {
            use ed25519_dalek::{Signature, Verifier, VerifyingKey};
            let (Ok(key), Ok(sig)) = (<[u8; 32]>::try_from(pubkey), <[u8; 64]>::try_from(sig)) else { return false };
            let Ok(key) = VerifyingKey::from_bytes(&key) else { return false };
            key.verify(msg, &Signature::from_bytes(&sig)).is_ok()
        }
        _ => false,
    }
}

pub(super) fn call(
    costs: &LibraryCosts,
    name: &str,
    a: &[HostValue],
    charge: &mut dyn FnMut(u64) -> Result<(), HostError>,
) -> Result<HostValue, HostError> {
    let hash_cost = |bytes: usize| costs.crypto_base.saturating_add(costs.crypto_byte.saturating_mul(bytes as u64));
    match name {
        "sha3" => {
            let text = s_arg(a, 0, "message")?;
            charge(hash_cost(text.len()))?;
            Ok(HostValue::String(sha3_base58(text)))
        }
        "sha3Hex" | "ripemd160Hex" => {
            let text = s_arg(a, 0, "message")?;
            charge(hash_cost(text.len() / 2))?;
            Ok(HostValue::String(if name == "sha3Hex" { sha3_hex(text) } else { ripemd160_hex(text) }))
        }
        "verify" => {
            let algo = s_arg(a, 0, "algo")?;
            let (msg, sig, key) = (s_arg(a, 1, "message")?, s_arg(a, 2, "signature")?, s_arg(a, 3, "pubkey")?);
            let bytes = msg.len() + sig.len() + key.len();
            charge(costs.crypto_verify.saturating_add(costs.crypto_byte.saturating_mul(bytes as u64)))?;
            let ok = verify(algo, &b58(msg), &b58(sig), &b58(key));
            Ok(HostValue::Number(if ok { 1.0 } else { 0.0 }))
        }
        _ => Err(HostError::Throw(format!("unknown host operation crypto.{name}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iost_hash_vectors() {
        // TestEngine_Crypto2: ripemd160Hex of these 32 bytes.
        let input = "823b54d3aabaf8e3122800ca5238afb2ccef071ce83b8d5654a597a5dd06347e";
        assert_eq!(ripemd160_hex(input), "3dbb2167cbfc2186343356125fff4163e6ebcce7");
        // Not hex: "" (as IOST).
        assert_eq!(ripemd160_hex("hello world"), "");
        assert_eq!(sha3_hex("hello world"), "");
        assert_eq!(sha3_hex("abc"), "");
        // SHA3-256("hello world"), FIPS 202.
        let h = "644bcc7e564373040999aac89e7622f3ca71fba1d972fd94a31c3bfbf24e3938";
        assert_eq!(sha3_hex(&hex::encode("hello world")), h);
        assert_eq!(sha3_hex(&hex::encode("hello world").to_uppercase()), h);
        assert_eq!(sha3_base58("hello world"), bs58::encode(hex::decode(h).unwrap()).into_string());
        assert_eq!(sha3_base58(""), bs58::encode(Sha3_256::digest(b"")).into_string());
    }

    // IOST's own fixed vectors (go-iost crypto/algorithm_test.go, common/crypto_test.go).
    const IOST_SECP_SECKEY: &str = "3W7YGWd2XjuMVSP2wEhTnGaPs6S5A9UpHpDSyLMc2xYb";
    const IOST_SECP_PUBKEY: &str = "mN6t6fLnSW2iYx7QkCVFZMDseCU2BjednbfCF7NeXcPj";
    const IOST_SECP_SIG: &str =
        "41cAgE8u93ha5zDp5aqPyxvVSHN7G5mocZMgkyedpg1WdaNqN72KAndw8Bv7SpGGmxYy28XXiF28WyCHDn8AFDzv";
    const IOST_ED25519_SECKEY: &str =
        "2yquS3ySrGWPEKywCPzX4RTJugqRh7kJSo5aehsLYPEWkUxBWA39oMrZ7ZxuM4fgyXYs2cPwh5n8aNNpH5x2VyK1";

    #[test]
    fn iost_fixed_vectors() {
        assert_eq!(
            hex::encode(Sha3_256::digest(b"abc")),
            "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"
        );
        assert_eq!(b58("abc"), vec![0x01, 0xB9, 0x7B]);
        // secp256k1: IOST's key, its public key and its (deterministic) signature of sha3("hello world").
        let hash = Sha3_256::digest(b"hello world");
        let (sig, key) = (b58(IOST_SECP_SIG), b58(IOST_SECP_PUBKEY));
        assert!(verify("secp256k1", &hash, &sig, &key));
        assert!(!verify("secp256k1", &Sha3_256::digest(b"hello world!"), &sig, &key));
        {
            use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
            let sk = SigningKey::from_slice(&b58(IOST_SECP_SECKEY)).unwrap();
            assert_eq!(sk.verifying_key().to_encoded_point(true).as_bytes(), key.as_slice());
            let ours: Signature = sk.sign_prehash(&hash).unwrap();
            assert_eq!(ours.normalize_s().unwrap_or(ours).to_bytes().as_slice(), sig.as_slice());
        }
        // ed25519: IOST's 64-byte secret key is seed ‖ public key.
        {
            use ed25519_dalek::{Signer, SigningKey};
            let sk = b58(IOST_ED25519_SECKEY);
            let key = SigningKey::from_bytes(&sk[..32].try_into().unwrap());
            assert_eq!(key.verifying_key().to_bytes().as_slice(), &sk[32..]);
            let sig = key.sign(b"hello world").to_bytes();
            assert!(verify("ed25519", b"hello world", &sig, &sk[32..]));
        }
    }

    #[test]
    fn ed25519_signatures() {
        use ed25519_dalek::{Signer, SigningKey};
        let key = SigningKey::from_bytes(&[7u8; 32]);
        let msg = b"hello world";
        let sig = key.sign(msg).to_bytes();
        let pubkey = key.verifying_key().to_bytes();
        assert!(verify("ed25519", msg, &sig, &pubkey));
        assert!(!verify("ed25519", &msg[1..], &sig, &pubkey));
        assert!(!verify("ed25519", msg, &sig[..63], &pubkey));
        assert!(!verify("ed25519", msg, &sig, &pubkey[..31]));
        assert!(!verify("wrong_algo", msg, &sig, &pubkey));
        // RFC 8032 test 1 (empty message).
        let sk: [u8; 32] = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            .unwrap()
            .try_into()
            .unwrap();
        let pk = hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a").unwrap();
        let rfc_sig = hex::decode(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        )
        .unwrap();
        assert_eq!(SigningKey::from_bytes(&sk).verifying_key().to_bytes().to_vec(), pk);
        assert!(verify("ed25519", b"", &rfc_sig, &pk));
    }

    #[test]
    fn secp256k1_signatures() {
        use k256::ecdsa::{signature::hazmat::PrehashSigner, Signature, SigningKey};
        let key = SigningKey::from_bytes(&[9u8; 32].into()).unwrap();
        let hash: [u8; 32] = Sha3_256::digest(b"hello world").into();
        let sig: Signature = key.sign_prehash(&hash).unwrap();
        let sig = sig.normalize_s().unwrap_or(sig);
        let bytes = sig.to_bytes();
        let compressed = key.verifying_key().to_encoded_point(true);
        let uncompressed = key.verifying_key().to_encoded_point(false);
        assert!(verify("secp256k1", &hash, &bytes, compressed.as_bytes()));
        assert!(verify("secp256k1", &hash, &bytes, uncompressed.as_bytes()));
        let mut other = hash;
        other[0] ^= 1;
        assert!(!verify("secp256k1", &other, &bytes, compressed.as_bytes()));
        // The high-s twin of a valid signature is refused, as IOST refuses it.
        let (r, s) = sig.split_scalars();
        let high = Signature::from_scalars(r, -*s).unwrap();
        assert!(!verify("secp256k1", &hash, &high.to_bytes(), compressed.as_bytes()));
        assert!(!verify("secp256k1", &hash, &bytes[..63], compressed.as_bytes()));
        assert!(!verify("secp256k1", &hash, &bytes, &compressed.as_bytes()[1..]));
    }
}
