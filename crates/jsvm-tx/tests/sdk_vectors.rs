//! jsvm-tx against vectors computed with IOST's JavaScript SDK (tests/vectors/make-vectors.js wrote
//! tests/vectors/sdk-vectors.json): keys, bytes, hashes and signatures must agree exactly.

use jsvm_tx::{Algorithm, KeyPair, Tx, TxError};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/sdk-vectors.json")).expect("the vectors are JSON")
}

fn algorithm(name: &str) -> Algorithm {
    Algorithm::from_name(name).expect("a known algorithm")
}

fn seed(hex_text: &str) -> [u8; 32] {
    hex::decode(hex_text).expect("hex").try_into().expect("32 bytes")
}

/// The SDK's key pairs of the vectors, by base58 public key.
fn key_pairs() -> Vec<KeyPair> {
    let vectors = vectors();
    vectors["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|key| {
            KeyPair::from_seed(algorithm(key["algorithm"].as_str().unwrap()), &seed(key["seed_hex"].as_str().unwrap()))
        })
        .collect()
}

fn key_of(public_b58: &str) -> KeyPair {
    key_pairs().into_iter().find(|kp| kp.public_key_b58() == public_b58).expect("a vector key signed it")
}

fn tx_vectors() -> Vec<Value> {
    vectors()["txs"].as_array().expect("txs").clone()
}

fn parse(vector: &Value) -> Tx {
    let body = serde_json::to_vec(&vector["sdk_json"]).unwrap();
    Tx::from_gateway_json(&body).unwrap_or_else(|err| panic!("{}: {err}", vector["name"]))
}

#[test]
fn keys_derive_as_in_the_sdk() {
    let vectors = vectors();
    for key in vectors["keys"].as_array().unwrap() {
        let alg = algorithm(key["algorithm"].as_str().unwrap());
        let kp = KeyPair::from_seed(alg, &seed(key["seed_hex"].as_str().unwrap()));
        assert_eq!(kp.algorithm(), alg);
        assert_eq!(kp.public_key_b58(), key["public_b58"].as_str().unwrap());
        assert_eq!(kp.secret_key_b58(), key["secret_b58"].as_str().unwrap());

        let reread = KeyPair::from_secret_b58(key["secret_b58"].as_str().unwrap()).unwrap();
        assert_eq!(reread.algorithm(), alg);
        assert_eq!(reread.public_key_b58(), kp.public_key_b58());
        assert_eq!(jsvm_tx::decode_public_key(&kp.public_key_b58()).unwrap(), (alg, kp.public_key()));
    }
}

#[test]
fn bytes_and_hashes_match_the_sdk() {
    for vector in tx_vectors() {
        let tx = parse(&vector);
        let name = vector["name"].as_str().unwrap();
        assert_eq!(hex::encode(tx.base_bytes()), vector["base_bytes_hex"].as_str().unwrap(), "{name}");
        assert_eq!(hex::encode(tx.base_hash()), vector["base_hash_hex"].as_str().unwrap(), "{name}");
        assert_eq!(hex::encode(tx.publish_bytes()), vector["publish_bytes_hex"].as_str().unwrap(), "{name}");
        assert_eq!(hex::encode(tx.publish_hash()), vector["publish_hash_hex"].as_str().unwrap(), "{name}");
        assert_eq!(hex::encode(tx.to_bytes()), vector["full_bytes_hex"].as_str().unwrap(), "{name}");
        assert_eq!(hex::encode(tx.hash()), vector["hash_hex"].as_str().unwrap(), "{name}");
        assert_eq!(tx.hash_b58(), vector["hash_b58"].as_str().unwrap(), "{name}");
    }
}

#[test]
fn gas_figures_are_the_sdks_hundredths() {
    let txs = tx_vectors();
    let gas = |index: usize| {
        let tx = parse(&txs[index]);
        (tx.gas_ratio, tx.gas_limit)
    };
    assert_eq!(gas(0), (100, 10_000_000));
    // 2.3 × 100 is 229.99999999999997 in doubles: the SDK's parseInt and Go's int64() both truncate to 229.
    assert_eq!(gas(1), (229, 30_000_000));
    assert_eq!(gas(2), (150, 400_000_000));
}

#[test]
fn the_sdks_signatures_verify() {
    for vector in tx_vectors().iter().filter(|vector| vector["publisher_sigs_verify_in_sdk"] == true) {
        let tx = parse(vector);
        let signed_by = tx.verify_signatures().unwrap_or_else(|err| panic!("{}: {err}", vector["name"]));
        let keys = |field: &str| -> Vec<String> {
            vector["sdk_json"][field]
                .as_array()
                .unwrap()
                .iter()
                .map(|sig| {
                    let bytes = base64_decode(sig["public_key"].as_str().unwrap());
                    bs58_encode(&bytes)
                })
                .collect()
        };
        assert_eq!(signed_by.signer_keys.iter().cloned().collect::<Vec<_>>(), sorted(keys("signatures")));
        assert_eq!(signed_by.publisher_keys.iter().cloned().collect::<Vec<_>>(), sorted(keys("publisher_sigs")));
    }
}

#[test]
fn a_63_byte_sdk_signature_is_refused_as_iost_refuses_it() {
    let vector = tx_vectors().into_iter().find(|vector| vector["signature_lengths"][0] == 63).expect("the vector");
    let tx = parse(&vector);
    assert_eq!(tx.publisher_sigs[0].signature.len(), 63);
    let public_key = tx.publisher_sigs[0].public_key_b58();
    assert_eq!(tx.verify_signatures(), Err(TxError::PublisherSignature { index: 0, public_key }));
}

/// Signing the SDK's transactions again with the same keys: ed25519 signatures are deterministic and must be
/// byte-identical; secp256k1 ones (RFC 6979 in both k256 and the SDK's elliptic) are too, and verify.
#[test]
fn signing_again_gives_the_sdks_signatures() {
    for vector in tx_vectors().iter().filter(|vector| vector["publisher_sigs_verify_in_sdk"] == true) {
        let original = parse(vector);
        let mut tx = Tx { signatures: Vec::new(), publisher_sigs: Vec::new(), ..original.clone() };
        for signature in &original.signatures {
            tx.add_sign(&key_of(&signature.public_key_b58()));
        }
        for signature in &original.publisher_sigs {
            tx.add_publish_sign(&original.publisher, &key_of(&signature.public_key_b58()));
        }
        assert_eq!(tx.signatures, original.signatures, "{}", vector["name"]);
        assert_eq!(tx.publisher_sigs, original.publisher_sigs, "{}", vector["name"]);
        assert_eq!(tx.hash(), original.hash());
        assert!(tx.verify_signatures().is_ok());
    }
}

fn sorted(mut keys: Vec<String>) -> Vec<String> {
    keys.sort();
    keys.dedup();
    keys
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}

fn bs58_encode(bytes: &[u8]) -> String {
    bs58::encode(bytes).into_string()
}
