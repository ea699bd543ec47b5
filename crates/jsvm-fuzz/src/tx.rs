//! Transactions: the JSON a node receives on `POST /sendTx`, jsvm's storage form, keys and signatures.

use jsvm_tx::{decode_public_key, Algorithm, KeyPair, Signature, Tx};

use crate::split::{fields, text};

/// Keys and signatures from bytes: a signature over a hash, each taken from the input, verifies or not but never
/// panics; a base58 public key decodes to 32 or 33 bytes that encode back to the same text; a base58 secret key
/// that is accepted signs a hash that its own public key verifies, and a flipped hash does not.
///
/// Input: `ALG PUBKEY 0xFF SIGNATURE 0xFF HASH 0xFF TEXT` (ALG: one byte, odd = secp256k1).
pub fn tx_bytes(data: &[u8]) {
    let Some((&alg, rest)) = data.split_first() else { return };
    let parts = fields(rest, 4);
    let algorithm = if alg % 2 == 1 { Algorithm::Secp256k1 } else { Algorithm::Ed25519 };
    let hash = hash_of(parts[2]);
    let signature = Signature { algorithm, public_key: parts[0].to_vec(), signature: parts[1].to_vec() };
    let _ = signature.verify(&hash);
    let _ = signature.public_key_b58();

    let key_text = text(parts[3]);
    if let Ok((_, bytes)) = decode_public_key(&key_text) {
        assert!(bytes.len() == 32 || bytes.len() == 33, "a decoded public key is 32 or 33 bytes");
        assert_eq!(
            decode_public_key(
                &Signature { algorithm, public_key: bytes.clone(), signature: Vec::new() }.public_key_b58()
            )
            .map(|(_, b)| b)
            .ok(),
            Some(bytes),
            "a public key's base58 decodes to the same bytes"
        );
    }
    if let Ok(pair) = KeyPair::from_secret_b58(&key_text) {
        let signed = pair.sign(&hash);
        assert!(signed.verify(&hash), "a key pair's own signature verifies");
        let mut other = hash;
        other[0] ^= 1;
        assert!(!signed.verify(&other), "a signature verifies for another hash");
        let again = KeyPair::from_secret_b58(&pair.secret_key_b58()).expect("a key pair's own secret key reads back");
        assert_eq!(again.public_key(), pair.public_key(), "a secret key read back has another public key");
    }
}

/// `POST /sendTx` bodies and jsvm's storage form: decoding refuses or succeeds without a panic; a decoded
/// transaction encodes, hashes and checks its signatures without a panic; its storage form round-trips to an
/// equal transaction with the same hash; the gateway JSON it shows names its hash.
pub fn tx_json(data: &[u8]) {
    if let Ok(tx) = Tx::from_gateway_json(data) {
        check_decoded(&tx);
        // The gateway's output form (IOST's `Transaction`) carries no signatures: it is shown, never read back.
        let shown = tx.to_gateway_json();
        assert_eq!(shown["hash"].as_str(), Some(tx.hash_b58().as_str()), "the gateway JSON shows another hash");
    }
    if let Ok(tx) = serde_json::from_slice::<Tx>(data) {
        check_decoded(&tx);
    }
}

fn check_decoded(tx: &Tx) {
    assert!(tx.base_bytes().len() <= tx.publish_bytes().len());
    assert!(tx.publish_bytes().len() <= tx.to_bytes().len());
    let _ = tx.verify_signatures();
    let stored = serde_json::to_string(tx).expect("a transaction serializes");
    let back: Tx = serde_json::from_str(&stored).expect("a transaction's storage form reads back");
    assert_eq!(&back, tx, "the storage form does not round-trip");
    assert_eq!(back.hash_b58(), tx.hash_b58());
}

/// The first 32 bytes of `bytes`, zero-padded.
fn hash_of(bytes: &[u8]) -> [u8; 32] {
    let mut hash = [0u8; 32];
    let n = bytes.len().min(32);
    hash[..n].copy_from_slice(&bytes[..n]);
    hash
}
