//! The gateway's JSON: what `POST /sendTx` accepts (proto3 JSON in both spellings), how bad input is refused,
//! and the `Transaction` the gateway shows; jsvm's storage form round-trips exactly.

use jsvm_tx::{Algorithm, KeyPair, Tx, TxError};
use serde_json::{json, Value};

fn signed() -> Tx {
    let mut tx = Tx {
        time: 1_718_000_000_000_000_001,
        expiration: 1_718_000_090_000_000_001,
        gas_ratio: 150,
        gas_limit: 100_000_050,
        chain_id: 1024,
        signers: vec!["bob@active".into()],
        actions: vec![jsvm_tx::Action {
            contract: "token.iost".into(),
            action_name: "transfer".into(),
            data: r#"["iost","admin","bob","1","é"]"#.into(),
        }],
        amount_limit: vec![jsvm_tx::AmountLimit { token: "iost".into(), value: "1".into() }],
        ..Tx::default()
    };
    tx.add_sign(&KeyPair::from_seed(Algorithm::Secp256k1, &[3; 32]));
    tx.add_publish_sign("admin", &KeyPair::from_seed(Algorithm::Ed25519, &[4; 32]));
    tx
}

fn parse(body: Value) -> Result<Tx, TxError> {
    Tx::from_gateway_json(&serde_json::to_vec(&body).unwrap())
}

fn field_error(body: Value) -> (String, String) {
    match parse(body) {
        Err(TxError::Field { field, reason }) => (field, reason),
        other => panic!("expected a field error, got {other:?}"),
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The request in snake_case, int64 as strings, as a gRPC-gateway client writes it.
fn snake_case_request(tx: &Tx) -> Value {
    let signature = |sig: &jsvm_tx::Signature| json!({"algorithm": sig.algorithm.name(), "public_key": b64(&sig.public_key), "signature": b64(&sig.signature)});
    json!({
        "time": tx.time.to_string(),
        "expiration": tx.expiration.to_string(),
        "gas_ratio": 1.5,
        "gas_limit": 1000000.5,
        "delay": "0",
        "chain_id": 1024,
        "signers": tx.signers,
        "actions": [{"contract": "token.iost", "action_name": "transfer", "data": tx.actions[0].data}],
        "amount_limit": [{"token": "iost", "value": "1"}],
        "publisher": "admin",
        "signatures": tx.signatures.iter().map(signature).collect::<Vec<_>>(),
        "publisher_sigs": tx.publisher_sigs.iter().map(signature).collect::<Vec<_>>(),
        "referred_tx": "ignored: not a TransactionRequest field",
    })
}

#[test]
fn snake_case_with_int64_strings_gives_the_same_transaction() {
    let tx = signed();
    let parsed = parse(snake_case_request(&tx)).unwrap();
    assert_eq!(parsed, tx);
    assert!(parsed.verify_signatures().is_ok());
}

#[test]
fn lower_camel_case_numbers_enum_numbers_and_url_safe_base64_are_read() {
    let tx = signed();
    let sig = &tx.publisher_sigs[0];
    let url_safe_unpadded =
        |bytes: &[u8]| b64(bytes).replace('+', "-").replace('/', "_").trim_end_matches('=').to_owned();
    let mut body = snake_case_request(&tx);
    let object = body.as_object_mut().unwrap();
    for (snake, camel) in [("gas_ratio", "gasRatio"), ("gas_limit", "gasLimit"), ("chain_id", "chainId")] {
        let value = object.remove(snake).unwrap();
        object.insert(camel.into(), value);
    }
    object.insert("time".into(), json!(tx.time));
    object.remove("publisher_sigs");
    object.insert(
        "publisherSigs".into(),
        json!([{"algorithm": 2, "publicKey": url_safe_unpadded(&sig.public_key), "signature": url_safe_unpadded(&sig.signature)}]),
    );
    object.insert(
        "actions".into(),
        json!([{"contract": "token.iost", "actionName": "transfer", "data": tx.actions[0].data}]),
    );
    assert_eq!(parse(body).unwrap(), tx);
}

#[test]
fn nulls_and_absent_fields_are_defaults() {
    let tx = parse(json!({"time": null, "signers": null, "publisher": null, "reserved": null})).unwrap();
    assert_eq!(tx, Tx::default());
}

#[test]
fn gas_is_converted_as_go_converts_it() {
    let gas = |ratio: Value| parse(json!({"gas_ratio": ratio})).unwrap().gas_ratio;
    assert_eq!(gas(json!(1)), 100);
    assert_eq!(gas(json!(2.3)), 229);
    assert_eq!(gas(json!("2.5")), 250);
    assert_eq!(gas(json!(-1.239)), -123);
    // 1234567.89 × 100 is 123456788.99999999 in doubles: Go's int64() truncates, so the hashed limit is …88.
    assert_eq!(parse(json!({"gasLimit": 1234567.89})).unwrap().gas_limit, 123_456_788);
    let (field, reason) = field_error(json!({"gasLimit": "NaN"}));
    assert_eq!((field.as_str(), reason.as_str()), ("gas_limit", "must be a finite number, got \"NaN\""));
    let (_, reason) = field_error(json!({"gas_ratio": 1e300}));
    assert_eq!(reason, "is out of range: 1e+300");
    let (_, reason) = field_error(json!({"gas_ratio": true}));
    assert_eq!(reason, "must be a number, got a boolean");
}

#[test]
fn malformed_bodies_are_refused_with_the_reason() {
    let error = |body: &[u8]| Tx::from_gateway_json(body).unwrap_err().to_string();
    assert!(error(b"not json").starts_with("transaction JSON is malformed: expected ident"), "{}", error(b"not json"));
    assert_eq!(error(b"[1,2]"), "transaction JSON is malformed: expected a JSON object, got an array");
    assert!(error(b"{\"time\": 1} trailing").starts_with("transaction JSON is malformed: trailing characters"));
    assert!(error(b"").starts_with("transaction JSON is malformed: EOF while parsing"));
    assert!(error(&[b'{', 0xff, b'}']).starts_with("transaction JSON is malformed:"));
}

#[test]
fn wrong_field_types_name_the_field() {
    let cases = [
        (json!({"time": "soon"}), "time", "must be an integer within int64, got \"soon\""),
        (json!({"time": 1.5}), "time", "must be an integer within int64, got 1.5"),
        (json!({"expiration": 1e19}), "expiration", "must be an integer within int64, got 1e+19"),
        (
            json!({"delay": "9223372036854775808"}),
            "delay",
            "must be an integer within int64, got \"9223372036854775808\"",
        ),
        (json!({"time": []}), "time", "must be an integer (number or string), got an array"),
        (json!({"chain_id": -1}), "chain_id", "must be between 0 and 4294967295, got -1"),
        (json!({"chainId": 4294967296u64}), "chain_id", "must be between 0 and 4294967295, got 4294967296"),
        (json!({"signers": "bob@active"}), "signers", "must be an array, got a string"),
        (json!({"signers": [1]}), "signers[0]", "must be a string, got a number"),
        (json!({"signers": [null]}), "signers[0]", "must be a string, got null"),
        (json!({"actions": [7]}), "actions[0]", "must be an object, got a number"),
        (json!({"actions": [{"data": 7}]}), "actions[0].data", "must be a string, got a number"),
        (
            json!({"amount_limit": [{"token": "iost", "value": 1}]}),
            "amount_limit[0].value",
            "must be a string, got a number",
        ),
        (json!({"publisher": {}}), "publisher", "must be a string, got an object"),
        (json!({"gas_ratio": 1, "gasRatio": 1}), "gas_ratio", "is given twice (as `gas_ratio` and `gasRatio`)"),
        (
            json!({"signatures": [{"public_key": "", "signature": ""}]}),
            "signatures[0].algorithm",
            "is missing (ED25519 or SECP256K1)",
        ),
        (
            json!({"signatures": [{"algorithm": "RSA"}]}),
            "signatures[0].algorithm",
            "must be ED25519 or SECP256K1, got \"RSA\"",
        ),
        (
            json!({"publisher_sigs": [{"algorithm": 0}]}),
            "publisher_sigs[0].algorithm",
            "must be ED25519 (2) or SECP256K1 (1), got 0",
        ),
        (
            json!({"publisher_sigs": [{"algorithm": "ED25519", "signature": "%%%"}]}),
            "publisher_sigs[0].signature",
            "is not valid base64",
        ),
        (
            json!({"publisher_sigs": [{"algorithm": "ED25519", "publicKey": 5}]}),
            "publisher_sigs[0].public_key",
            "must be a base64 string, got a number",
        ),
    ];
    for (body, field, reason) in cases {
        assert_eq!(parse(body.clone()), Err(TxError::Field { field: field.into(), reason: reason.into() }), "{body}");
    }
    assert_eq!(
        TxError::Field { field: "time".into(), reason: "must be x".into() }.to_string(),
        "transaction field `time` must be x"
    );
}

#[test]
fn the_gateway_shows_iosts_transaction() {
    let mut tx = signed();
    tx.referred_tx = vec![1, 2, 3];
    let shown = tx.to_gateway_json();
    assert_eq!(
        shown,
        json!({
            "hash": tx.hash_b58(),
            "time": "1718000000000000001",
            "expiration": "1718000090000000001",
            "gas_ratio": 1.5,
            "gas_limit": 1000000.5,
            "delay": "0",
            "chain_id": 1024,
            "actions": [{"contract": "token.iost", "action_name": "transfer", "data": r#"["iost","admin","bob","1","é"]"#}],
            "signers": ["bob@active"],
            "publisher": "admin",
            "referred_tx": "Ldp",
            "amount_limit": [{"token": "iost", "value": "1"}],
            "tx_receipt": null,
        })
    );
    let whole = Tx { gas_ratio: 100, gas_limit: 200_000_000, ..Tx::default() }.to_gateway_json();
    assert_eq!((whole["gas_ratio"].to_string(), whole["gas_limit"].to_string()), ("1".into(), "2000000".into()));
    assert_eq!(whole["referred_tx"], "");
}

#[test]
fn the_storage_form_round_trips_exactly() {
    let mut tx = signed();
    tx.reserved = vec![0, 255];
    tx.referred_tx = vec![9; 32];
    let stored = serde_json::to_string(&tx).unwrap();
    let back: Tx = serde_json::from_str(&stored).unwrap();
    assert_eq!(back, tx);
    assert_eq!(back.hash(), tx.hash());

    let value: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!((value["gas_ratio"].clone(), value["gas_limit"].clone()), (json!(150), json!(100_000_050)));
    assert_eq!(value["reserved"], "AP8=");
    assert_eq!(value["publisher_sigs"][0]["algorithm"], "ED25519");
    assert_eq!(value["signatures"][0]["algorithm"], "SECP256K1");
    assert_eq!(value["signatures"][0]["signature"], b64(&tx.signatures[0].signature));
}

#[test]
fn a_corrupt_storage_form_is_an_error() {
    let mut value = serde_json::to_value(signed()).unwrap();
    value["signatures"][0]["public_key"] = json!("%%");
    assert!(serde_json::from_value::<Tx>(value.clone()).unwrap_err().to_string().starts_with("invalid base64"));
    value["signatures"][0]["public_key"] = json!("AA==");
    value["extra"] = json!(1);
    assert!(serde_json::from_value::<Tx>(value).unwrap_err().to_string().starts_with("unknown field `extra`"));
}
