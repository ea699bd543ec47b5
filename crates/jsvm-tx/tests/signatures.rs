//! Signing, verification and keys: every field a signature covers breaks it when changed; IOST's rules on
//! secp256k1 signatures (64 bytes, low S); secret and public key formats.

use jsvm_tx::{decode_public_key, Action, Algorithm, AmountLimit, KeyPair, Signature, Tx, TxError};

fn signer() -> KeyPair {
    KeyPair::from_seed(Algorithm::Secp256k1, &[7; 32])
}

fn publisher() -> KeyPair {
    KeyPair::from_seed(Algorithm::Ed25519, &[9; 32])
}

fn unsigned() -> Tx {
    Tx {
        time: 1_718_000_000_000_000_000,
        expiration: 1_718_000_090_000_000_000,
        gas_ratio: 100,
        gas_limit: 100_000_000,
        chain_id: 1024,
        signers: vec!["bob@active".into()],
        actions: vec![Action {
            contract: "token.iost".into(),
            action_name: "transfer".into(),
            data: r#"["iost","admin","bob","1",""]"#.into(),
        }],
        amount_limit: vec![AmountLimit { token: "iost".into(), value: "1".into() }],
        ..Tx::default()
    }
}

#[test]
fn tx_new_makes_what_the_sdk_makes_90_s_to_live_and_gas_fixed_point() {
    let action = Action::new("token.iost", "transfer", r#"["iost","admin","bob","1",""]"#);
    let mut tx = Tx::new(1_718_000_000_000_000_000, 1024, 1_000_000, vec![action]);
    tx.signers = vec!["bob@active".into()];
    tx.amount_limit = vec![AmountLimit { token: "iost".into(), value: "1".into() }];
    assert_eq!(tx, unsigned());
    assert_eq!(tx.base_hash(), unsigned().base_hash());
}

fn signed() -> Tx {
    let mut tx = unsigned();
    tx.add_sign(&signer());
    tx.add_publish_sign("admin", &publisher());
    tx
}

#[test]
fn a_signed_transaction_verifies_and_names_its_keys() {
    let signed_by = signed().verify_signatures().unwrap();
    assert_eq!(signed_by.signer_keys.into_iter().collect::<Vec<_>>(), vec![signer().public_key_b58()]);
    assert_eq!(signed_by.publisher_keys.into_iter().collect::<Vec<_>>(), vec![publisher().public_key_b58()]);
}

/// A field's name and a change to it.
type FieldChange = (&'static str, fn(&mut Tx));

#[test]
fn changing_any_signed_field_breaks_the_signers_signature() {
    let changes: Vec<FieldChange> = vec![
        ("time", |tx| tx.time += 1),
        ("expiration", |tx| tx.expiration += 1),
        ("gas_ratio", |tx| tx.gas_ratio += 1),
        ("gas_limit", |tx| tx.gas_limit += 1),
        ("delay", |tx| tx.delay = 1),
        ("chain_id", |tx| tx.chain_id = 1023),
        ("reserved", |tx| tx.reserved = vec![0]),
        ("signers", |tx| tx.signers.push("carol@active".into())),
        ("contract", |tx| tx.actions[0].contract = "token.iosx".into()),
        ("action_name", |tx| tx.actions[0].action_name = "transferFreeze".into()),
        ("data", |tx| tx.actions[0].data = r#"["iost","admin","bob","2",""]"#.into()),
        ("actions", |tx| tx.actions.push(tx.actions[0].clone())),
        ("amount token", |tx| tx.amount_limit[0].token = "*".into()),
        ("amount value", |tx| tx.amount_limit[0].value = "unlimited".into()),
        ("amount_limit", |tx| tx.amount_limit.clear()),
    ];
    for (field, change) in changes {
        let mut tx = signed();
        change(&mut tx);
        let public_key = signer().public_key_b58();
        assert_eq!(tx.verify_signatures(), Err(TxError::SignerSignature { index: 0, public_key }), "{field}");
    }
}

#[test]
fn changing_a_signers_signature_breaks_the_publishers() {
    let mut tx = signed();
    let other = KeyPair::from_seed(Algorithm::Ed25519, &[1; 32]);
    tx.signatures.push(other.sign(&tx.base_hash()));
    let public_key = publisher().public_key_b58();
    assert_eq!(tx.verify_signatures(), Err(TxError::PublisherSignature { index: 0, public_key }));
}

#[test]
fn publisher_and_referred_tx_change_the_hash_but_no_signature() {
    // As in IOST: the publish hash stops at the signers' signatures; who publishes is checked against the
    // publisher's keys by the chain, and the full hash covers the rest.
    let tx = signed();
    for change in [|tx: &mut Tx| tx.publisher = "mallory".into(), |tx: &mut Tx| tx.referred_tx = vec![1]] {
        let mut changed = tx.clone();
        change(&mut changed);
        assert_ne!(changed.hash(), tx.hash());
        assert!(changed.verify_signatures().is_ok());
    }
}

#[test]
fn a_transaction_without_publisher_signature_is_refused() {
    let mut tx = unsigned();
    tx.add_sign(&signer());
    assert_eq!(tx.verify_signatures(), Err(TxError::NoPublisherSignature));
    assert_eq!(
        TxError::NoPublisherSignature.to_string(),
        "transaction has no publisher signature (publisher_sigs is empty)"
    );
}

#[test]
fn a_signature_under_another_key_is_refused() {
    let mut tx = signed();
    tx.publisher_sigs[0].public_key = KeyPair::from_seed(Algorithm::Ed25519, &[2; 32]).public_key();
    assert!(matches!(tx.verify_signatures(), Err(TxError::PublisherSignature { index: 0, .. })));
}

const SECP256K1_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc,
    0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

/// n − s, big-endian.
fn negate_mod_order(s: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut digit = SECP256K1_ORDER[i] as i16 - s[i] as i16 - borrow;
        borrow = i16::from(digit < 0);
        if digit < 0 {
            digit += 256;
        }
        out[i] = digit as u8;
    }
    out
}

#[test]
fn secp256k1_high_s_is_refused() {
    let hash = [42u8; 32];
    let low = signer().sign(&hash);
    assert!(low.verify(&hash));
    let mut high = low.clone();
    high.signature[32..].copy_from_slice(&negate_mod_order(&low.signature[32..]));
    assert_ne!(high.signature, low.signature);
    assert!(!high.verify(&hash));
}

#[test]
fn secp256k1_signatures_are_64_bytes_and_verify_only_their_hash() {
    let hash = [1u8; 32];
    let signature = signer().sign(&hash);
    assert_eq!(
        (signature.algorithm, signature.signature.len(), signature.public_key.len()),
        (Algorithm::Secp256k1, 64, 33)
    );
    assert!(!signature.verify(&[2u8; 32]));
    let mut short = signature.clone();
    short.signature.remove(0);
    assert!(!short.verify(&hash));
    let wrong_algorithm = Signature { algorithm: Algorithm::Ed25519, ..signature };
    assert!(!wrong_algorithm.verify(&hash));
}

#[test]
fn ed25519_signatures_are_deterministic() {
    let hash = [3u8; 32];
    let signature = publisher().sign(&hash);
    assert_eq!(signature, publisher().sign(&hash));
    assert_eq!((signature.signature.len(), signature.public_key.len()), (64, 32));
    assert!(signature.verify(&hash));
    let mut garbage_key = signature.clone();
    garbage_key.public_key = vec![1, 2, 3];
    assert!(!garbage_key.verify(&hash));
}

#[test]
fn generated_keys_differ_and_sign() {
    for alg in [Algorithm::Ed25519, Algorithm::Secp256k1] {
        let (a, b) = (KeyPair::generate(alg), KeyPair::generate(alg));
        assert_eq!(a.algorithm(), alg);
        assert_ne!(a.public_key_b58(), b.public_key_b58());
        assert!(a.sign(&[5; 32]).verify(&[5; 32]));
        let reread = KeyPair::from_secret_b58(&a.secret_key_b58()).unwrap();
        assert_eq!(reread.public_key_b58(), a.public_key_b58());
    }
}

#[test]
fn secp256k1_seeds_outside_the_scalar_range_still_give_a_key() {
    let zero = KeyPair::from_seed(Algorithm::Secp256k1, &[0; 32]);
    let one = {
        let mut seed = [0u8; 32];
        seed[31] = 1;
        KeyPair::from_seed(Algorithm::Secp256k1, &seed)
    };
    // seed mod (n − 1) + 1: zero maps to the scalar 1, and all-ones bytes to a valid scalar.
    assert_eq!(zero.public_key_b58(), one.public_key_b58());
    let high = KeyPair::from_seed(Algorithm::Secp256k1, &[0xff; 32]);
    assert!(high.sign(&[1; 32]).verify(&[1; 32]));
}

#[test]
fn secret_keys_in_other_shapes_are_refused_with_the_reason() {
    let error = |text: &str| KeyPair::from_secret_b58(text).unwrap_err().to_string();
    assert!(error("0OIl").starts_with("invalid key: secret key is not base58"), "{}", error("0OIl"));
    let forty = bs58::encode([1u8; 40]).into_string();
    assert_eq!(
        error(&forty),
        "invalid key: secret key is 40 bytes; expected 64 (ed25519, seed and public key) or 32 (secp256k1)"
    );
    let mut mismatched = [0u8; 64];
    mismatched[..32].copy_from_slice(&[4; 32]);
    mismatched[32..].copy_from_slice(&publisher().public_key());
    assert_eq!(
        error(&bs58::encode(mismatched).into_string()),
        "invalid key: 64-byte ed25519 secret key: its public half does not belong to its seed"
    );
    assert_eq!(
        error(&bs58::encode([0xffu8; 32]).into_string()),
        "invalid key: secp256k1 secret key is zero or not below the group order"
    );
}

#[test]
fn a_secp256k1_secret_without_its_leading_zero_byte_is_read() {
    let mut seed = [0x11u8; 32];
    seed[0] = 0;
    let full = KeyPair::from_seed(Algorithm::Secp256k1, &seed);
    let short = KeyPair::from_secret_b58(&bs58::encode(&seed[1..]).into_string()).unwrap();
    assert_eq!(short.public_key_b58(), full.public_key_b58());
}

#[test]
fn public_keys_decode_by_length() {
    assert_eq!(decode_public_key(&publisher().public_key_b58()).unwrap().0, Algorithm::Ed25519);
    assert_eq!(decode_public_key(&signer().public_key_b58()).unwrap().0, Algorithm::Secp256k1);
    let not_a_point = bs58::encode([9u8; 33]).into_string();
    assert_eq!(
        decode_public_key(&not_a_point).unwrap_err().to_string(),
        format!("invalid key: public key `{not_a_point}` is not a compressed secp256k1 point")
    );
    let short = bs58::encode([9u8; 20]).into_string();
    assert_eq!(
        decode_public_key(&short).unwrap_err().to_string(),
        format!("invalid key: public key `{short}` is 20 bytes; expected 32 (ed25519) or 33 (secp256k1, compressed)")
    );
    assert!(decode_public_key("not base58!").unwrap_err().to_string().contains("is not base58"));
}

#[test]
fn debug_output_hides_the_secret() {
    let kp = publisher();
    let shown = format!("{kp:?}");
    assert!(shown.contains(&kp.public_key_b58()));
    assert!(!shown.contains(&kp.secret_key_b58()));
}
