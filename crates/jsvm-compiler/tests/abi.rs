//! ABI parsing, serialization and the ABI rules.

use jsvm_compiler::{
    parse_abi, validate_abi, Abi, AbiMethod, AmountLimit, ArgType, CompileError, MAX_ABI_ARGS, MAX_ABI_METHODS,
    MAX_METHOD_NAME_LEN,
};

fn method(name: &str, args: Vec<ArgType>) -> AbiMethod {
    AbiMethod { name: name.to_string(), args, amount_limit: Vec::new(), optional: 0 }
}

fn abi(methods: Vec<AbiMethod>) -> Abi {
    Abi { lang: "javascript".into(), version: "1.0.0".into(), abi: methods }
}

fn rule_error(abi: &Abi) -> String {
    match validate_abi(abi) {
        Err(CompileError::Abi(message)) => message,
        other => panic!("expected an ABI error, got {other:?}"),
    }
}

#[test]
fn parses_a_full_abi() {
    let parsed = parse_abi(
        r#"{"lang":"javascript","version":"1.0.0","abi":[
            {"name":"hello","args":["string","number"],"amountLimit":[{"token":"iost","val":"100"}]},
            {"name":"flags","args":["bool","json"]}]}"#,
    )
    .expect("parses");
    assert_eq!(
        parsed,
        Abi {
            lang: "javascript".into(),
            version: "1.0.0".into(),
            abi: vec![
                AbiMethod {
                    name: "hello".into(),
                    args: vec![ArgType::String, ArgType::Number],
                    amount_limit: vec![AmountLimit { token: "iost".into(), val: "100".into() }],
                    optional: 0,
                },
                method("flags", vec![ArgType::Bool, ArgType::Json]),
            ],
        }
    );
    validate_abi(&parsed).expect("valid");
}

#[test]
fn lang_version_and_amount_limit_have_defaults_and_unknown_fields_are_ignored() {
    let parsed = parse_abi(r#"{"abi":[{"name":"a","args":[],"extra":1}],"comment":"x"}"#).expect("parses");
    assert_eq!(parsed, abi(vec![method("a", vec![])]));
}

#[test]
fn method_looks_up_by_name() {
    let parsed = abi(vec![method("a", vec![]), method("b", vec![ArgType::Bool])]);
    assert_eq!(parsed.method("b"), Some(&method("b", vec![ArgType::Bool])));
    assert_eq!(parsed.method("c"), None);
}

#[test]
fn serializes_with_lowercase_types_and_amount_limit_key() {
    let mut value = abi(vec![method("a", vec![ArgType::String, ArgType::Json])]);
    value.abi[0].amount_limit.push(AmountLimit { token: "iost".into(), val: "1".into() });
    let text = serde_json::to_string(&value).expect("serializes");
    assert_eq!(
        text,
        r#"{"lang":"javascript","version":"1.0.0","abi":[{"name":"a","args":["string","json"],"amountLimit":[{"token":"iost","val":"1"}]}]}"#
    );
    assert_eq!(parse_abi(&text), Ok(value));
}

#[test]
fn unknown_argument_type_names_it_and_the_method() {
    let error = parse_abi(r#"{"abi":[{"name":"pay","args":["string","int"]}]}"#).unwrap_err();
    let CompileError::Abi(message) = &error else { panic!("expected an ABI error, got {error:?}") };
    for part in ["\"int\"", "pay", "string, bool, number, json"] {
        assert!(message.contains(part), "{message}");
    }
}

#[test]
fn malformed_json_is_a_json_error() {
    for text in ["", "{", "{\"abi\": [}", "not json"] {
        assert!(matches!(parse_abi(text), Err(CompileError::Json(_))), "{text:?}");
    }
    assert!(parse_abi("{").unwrap_err().to_string().starts_with("ABI is not valid JSON"));
}

#[test]
fn well_formed_json_of_the_wrong_shape_is_an_abi_error() {
    for text in [
        "[]",
        r#"{"lang":"javascript"}"#,
        r#"{"abi":[{"args":[]}]}"#,
        r#"{"abi":[{"name":"a"}]}"#,
        r#"{"abi":[{"name":"a","args":"string"}]}"#,
        r#"{"abi":[{"name":1,"args":[]}]}"#,
    ] {
        assert!(matches!(parse_abi(text), Err(CompileError::Abi(_))), "{text}");
    }
}

#[test]
fn lang_must_be_javascript() {
    let mut value = abi(vec![]);
    value.lang = "wasm".into();
    assert_eq!(rule_error(&value), "lang must be \"javascript\", got \"wasm\"");
}

#[test]
fn method_names_must_be_short_plain_and_public() {
    let longest = "a".repeat(MAX_METHOD_NAME_LEN);
    validate_abi(&abi(vec![method(&longest, vec![]), method("A_9", vec![])])).expect("valid");

    let too_long = "a".repeat(MAX_METHOD_NAME_LEN + 1);
    let cases = [
        ("", "1 to 32 characters"),
        (too_long.as_str(), "1 to 32 characters"),
        ("with-dash", "may only contain"),
        ("with space", "may only contain"),
        ("caf\u{e9}", "may only contain"),
        ("_private", "starts with '_'"),
        ("init", "init runs once at deploy"),
    ];
    for (name, expected) in cases {
        let message = rule_error(&abi(vec![method(name, vec![])]));
        assert!(message.contains(expected), "{name:?}: {message}");
    }
}

#[test]
fn duplicate_method_names_are_rejected() {
    let message = rule_error(&abi(vec![method("a", vec![]), method("a", vec![ArgType::Bool])]));
    assert_eq!(message, "method a is listed twice");
}

#[test]
fn method_count_is_bounded() {
    let names: Vec<String> = (0..=MAX_ABI_METHODS).map(|i| format!("m{i}")).collect();
    let methods = |n: usize| names[..n].iter().map(|n| method(n, vec![])).collect();
    validate_abi(&abi(methods(MAX_ABI_METHODS))).expect("the maximum is allowed");
    let message = rule_error(&abi(methods(MAX_ABI_METHODS + 1)));
    assert!(message.contains("too many methods: 257"), "{message}");
}

#[test]
fn argument_count_is_bounded() {
    validate_abi(&abi(vec![method("a", vec![ArgType::Json; MAX_ABI_ARGS])])).expect("the maximum is allowed");
    let message = rule_error(&abi(vec![method("a", vec![ArgType::Json; MAX_ABI_ARGS + 1])]));
    assert_eq!(message, "method a has 17 args, at most 16 are allowed");
}

#[test]
fn abi_error_display_is_one_line() {
    let error = validate_abi(&abi(vec![method("init", vec![])])).unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("invalid ABI: "), "{text}");
    assert!(!text.contains('\n'));
}

#[test]
fn optional_trailing_args_are_a_count_serialized_only_when_set() {
    let text = r#"{"lang":"javascript","version":"1.0.0","abi":[{"name":"a","args":["string","number"],"amountLimit":[],"optional":1}]}"#;
    let parsed = parse_abi(text).expect("parses");
    assert_eq!((parsed.abi[0].optional, parsed.abi[0].required_args()), (1, 1));
    validate_abi(&parsed).expect("valid");
    assert_eq!(serde_json::to_string(&parsed).expect("serializes"), text);
    let none = abi(vec![method("a", vec![ArgType::String])]);
    assert!(!serde_json::to_string(&none).expect("serializes").contains("optional"), "IOST's form when unset");
    let mut too_many = abi(vec![method("a", vec![ArgType::String])]);
    too_many.abi[0].optional = 2;
    assert_eq!(rule_error(&too_many), "method a makes its last 2 args optional but has 1");
}
