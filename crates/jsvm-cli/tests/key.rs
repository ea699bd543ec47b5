//! `jsvm key new` and the `--node URL --account NAME --key FILE` options refused before anything
//! is sent: the key pair's shape and that it signs, bad key files, missing or conflicting flags.

mod common;

use common::{jsvm, new_key, refused};

#[test]
fn key_new_prints_a_key_pair_that_signs() {
    for (flag, algorithm, secret_bytes, public_bytes) in
        [(None, "ed25519", 64, 32), (Some("--secp256k1"), "secp256k1", 32, 33)]
    {
        let key = new_key(flag.as_slice());
        let fields: Vec<&String> = key.as_object().unwrap().keys().collect();
        assert_eq!(fields, ["algorithm", "public_key", "secret_key"]);
        assert_eq!(key["algorithm"], algorithm);
        let secret = key["secret_key"].as_str().unwrap();
        let public = key["public_key"].as_str().unwrap();
        assert_eq!(bs58::decode(secret).into_vec().unwrap().len(), secret_bytes);
        assert_eq!(bs58::decode(public).into_vec().unwrap().len(), public_bytes);
        let pair = jsvm_tx::KeyPair::from_secret_b58(secret).unwrap();
        assert_eq!(pair.public_key_b58(), public);
        let signature = pair.sign(&[7; 32]);
        assert!(signature.verify(&[7; 32]));
        assert!(!signature.verify(&[8; 32]));
    }
    assert_ne!(new_key(&[])["secret_key"], new_key(&[])["secret_key"]);
}

#[test]
fn bad_key_files_exit_2_before_anything_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let other = new_key(&[]);
    let mut mismatched = new_key(&[]);
    mismatched["public_key"] = other["public_key"].clone();
    let cases = [
        (write("garbage", "not a key"), "not a base58 secret key"),
        (write("40-bytes", &bs58::encode([7u8; 40]).into_string()), "secret key is 40 bytes"),
        (write("no-secret.json", r#"{"public_key": "x"}"#), "no \"secret_key\" string"),
        (write("broken.json", "{\"secret_key\": "), "not valid JSON"),
        (write("mismatched.json", &mismatched.to_string()), "\"public_key\" is not the public key of \"secret_key\""),
        (dir.path().join("absent").to_string_lossy().into_owned(), "cannot read key file"),
    ];
    for (file, want) in cases {
        // Port 1: nothing listens there; a key file is judged before any request.
        let out = jsvm(&[
            "call",
            "Contract1",
            "greet",
            "[]",
            "--node",
            "http://127.0.0.1:1",
            "--account",
            "admin",
            "--key",
            &file,
        ]);
        let msg = refused(out);
        assert!(msg.contains(want) && msg.contains(&file), "{file}: {msg}");
    }
}

#[test]
fn node_flags_need_each_other_and_an_unreachable_node_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k");
    std::fs::write(&key, new_key(&[])["secret_key"].as_str().unwrap()).unwrap();
    let key = key.to_string_lossy().into_owned();
    let msg = refused(jsvm(&["call", "C", "m", "--node", "http://127.0.0.1:1", "--key", &key]));
    assert!(msg.contains("--account"), "{msg}");
    let msg = refused(jsvm(&["call", "C", "m", "--account", "admin", "--key", &key]));
    assert!(msg.contains("--node"), "{msg}");
    let msg = refused(jsvm(&[
        "call",
        "C",
        "m",
        "--node",
        "http://127.0.0.1:1",
        "--account",
        "a",
        "--key",
        &key,
        "--publisher",
        "b",
    ]));
    assert!(msg.contains("--publisher is for the data directory"), "{msg}");
    let msg = refused(jsvm(&["call", "C", "m", "--node", "http://127.0.0.1:1", "--account", "admin", "--key", &key]));
    assert!(msg.starts_with("jsvm: cannot reach the node: http://127.0.0.1:1/getChainInfo"), "{msg}");
    let msg = refused(jsvm(&["call", "C", "m", "--node", "https://example.org", "--account", "admin", "--key", &key]));
    assert!(msg.contains("http://HOST:PORT"), "{msg}");
}
