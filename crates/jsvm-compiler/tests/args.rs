//! `decode_args`: argument text checked against an ABI method.

use jsvm_compiler::{decode_args, AbiMethod, ArgError, ArgType, MAX_ARGS_BYTES};

fn method(args: Vec<ArgType>) -> AbiMethod {
    AbiMethod { name: "transfer".into(), args, amount_limit: Vec::new(), optional: 0 }
}

fn type_error(ty: ArgType, data: &str) -> String {
    match decode_args(&method(vec![ty]), data) {
        Err(error @ ArgError::Type { .. }) => error.to_string(),
        other => panic!("expected a type error for {data}, got {other:?}"),
    }
}

#[test]
fn valid_arguments_come_back_as_canonical_json() {
    let m = method(vec![ArgType::String, ArgType::Bool, ArgType::Number, ArgType::Json]);
    let data = r#" [ "a\u0062" , true, -42, {"z": 1, "a": [1, {"y": null, "b": 2.5}]} ] "#;
    assert_eq!(decode_args(&m, data), Ok(r#"["ab",true,-42,{"a":[1,{"b":2.5,"y":null}],"z":1}]"#.to_string()));
}

#[test]
fn empty_text_means_no_arguments() {
    assert_eq!(decode_args(&method(vec![]), ""), Ok("[]".to_string()));
    assert_eq!(decode_args(&method(vec![]), " \n"), Ok("[]".to_string()));
    assert_eq!(decode_args(&method(vec![]), "[]"), Ok("[]".to_string()));
    assert_eq!(
        decode_args(&method(vec![ArgType::Bool]), ""),
        Err(ArgError::Count { method: "transfer".into(), fewest: 1, expected: 1, got: 0 })
    );
}

#[test]
fn argument_count_must_match() {
    let error = decode_args(&method(vec![ArgType::Bool]), "[true, false]").unwrap_err();
    assert_eq!(error, ArgError::Count { method: "transfer".into(), fewest: 1, expected: 1, got: 2 });
    assert_eq!(error.to_string(), "wrong number of arguments for transfer: expected 1, got 2");
}

#[test]
fn text_must_be_a_json_array() {
    assert!(matches!(decode_args(&method(vec![]), "[1,"), Err(ArgError::Json(_))));
    assert!(matches!(decode_args(&method(vec![]), "nope"), Err(ArgError::Json(_))));
    for data in [r#"{"a":1}"#, r#""text""#, "1", "null"] {
        assert!(matches!(decode_args(&method(vec![]), data), Err(ArgError::NotArray(_))), "{data}");
    }
    assert_eq!(decode_args(&method(vec![]), "7").unwrap_err().to_string(), "arguments must be a JSON array, got 7");
}

#[test]
fn string_arguments_must_be_strings() {
    assert_eq!(type_error(ArgType::String, "[12]"), "argument 1 of transfer must be a string, got 12");
    type_error(ArgType::String, "[null]");
    type_error(ArgType::String, r#"[["a"]]"#);
}

#[test]
fn bool_arguments_must_be_bools() {
    assert_eq!(type_error(ArgType::Bool, r#"["true"]"#), r#"argument 1 of transfer must be a bool, got "true""#);
    type_error(ArgType::Bool, "[1]");
    type_error(ArgType::Bool, "[null]");
}

#[test]
fn number_arguments_must_be_integers_a_double_holds() {
    let m = method(vec![ArgType::String, ArgType::Number]);
    let error = decode_args(&m, r#"["a", "12"]"#).unwrap_err();
    assert_eq!(
        error,
        ArgError::Type { index: 2, method: "transfer".into(), expected: ArgType::Number, found: r#""12""#.into() }
    );
    assert_eq!(
        error.to_string(),
        r#"argument 2 of transfer must be a number (an integer from -9007199254740991 to 9007199254740991), got "12""#
    );
    // int64 beyond 2^53 - 1 would reach the contract rounded (…993 as …992): refused.
    for data in [
        "[1.5]",
        "[1e3]",
        "[1.0]",
        "[9007199254740992]",
        "[9007199254740993]",
        "[-9007199254740992]",
        "[9223372036854775807]",
        "[9223372036854775808]",
        "[true]",
    ] {
        type_error(ArgType::Number, data);
    }
    let n = method(vec![ArgType::Number, ArgType::Number, ArgType::Number]);
    assert_eq!(
        decode_args(&n, "[9007199254740991, -9007199254740991, 0]"),
        Ok("[9007199254740991,-9007199254740991,0]".to_string())
    );
}

#[test]
fn numbers_in_json_arguments_must_be_what_a_double_holds() {
    let m = method(vec![ArgType::String, ArgType::Json]);
    let inexact = |data: &str| decode_args(&m, data).unwrap_err().to_string();
    assert_eq!(
        inexact(r#"["1,2", {"a": [0, 9007199254740993]}]"#),
        "argument 2 of transfer has a number a double cannot hold exactly: 9007199254740993 would arrive as \
         9007199254740992"
    );
    assert_eq!(
        inexact(r#"["\"", 0.30000000000000000001]"#),
        "argument 2 of transfer has a number a double cannot hold exactly: 0.30000000000000000001 would arrive as 0.3"
    );
    assert!(inexact(r#"["", 1e-400]"#).ends_with("1e-400 would arrive as 0"));
    assert!(
        inexact(r#"["", 123456789012345678901234567890]"#).contains("would arrive as 123456789012345680000000000000")
    );
    // The shortest decimal of a double, in any notation, arrives as written.
    let ok = |data: &str| decode_args(&m, data).unwrap();
    assert_eq!(
        ok(r#"["9007199254740993", [0.1, 1e21, 1E-7, -2.50, 100, 0.0, -0, 5e-324]]"#),
        r#"["9007199254740993",[0.1,1e+21,1e-7,-2.5,100,0.0,-0.0,5e-324]]"#
    );
}

#[test]
fn json_arguments_accept_any_value() {
    let m = method(vec![ArgType::Json; 6]);
    assert_eq!(
        decode_args(&m, r#"[null, 1.5, "s", false, [], {"b": {}, "a": 1}]"#),
        Ok(r#"[null,1.5,"s",false,[],{"a":1,"b":{}}]"#.to_string())
    );
}

#[test]
fn long_offending_values_are_shortened_in_messages() {
    let long = format!("[\"{}\"]", "x".repeat(1000));
    let message = type_error(ArgType::Number, &long);
    assert!(message.len() < 150, "{message}");
    assert!(message.ends_with("..."), "{message}");
}

#[test]
fn argument_text_size_is_bounded() {
    let at_limit = format!("[\"{}\"]", "x".repeat(MAX_ARGS_BYTES - 4));
    assert_eq!(at_limit.len(), MAX_ARGS_BYTES);
    assert!(decode_args(&method(vec![ArgType::String]), &at_limit).is_ok());
    let over = format!("[\"{}\"]", "x".repeat(MAX_ARGS_BYTES - 3));
    assert_eq!(
        decode_args(&method(vec![ArgType::String]), &over),
        Err(ArgError::TooLarge { size: MAX_ARGS_BYTES + 1, max: MAX_ARGS_BYTES })
    );
}

#[test]
fn deeply_nested_json_is_an_error_not_a_crash() {
    let deep = format!("[{}{}]", "[".repeat(20_000), "]".repeat(20_000));
    assert!(matches!(decode_args(&method(vec![ArgType::Json]), &deep), Err(ArgError::Json(_))));
}

#[test]
fn strings_with_a_lone_surrogate_are_refused_and_pairs_pass() {
    let m = method(vec![ArgType::Json, ArgType::String]);
    for data in [r#"[1, "\ud800"]"#, r#"[1, "a\uDC00b"]"#, r#"[1, "\ud800\u0041"]"#, r#"[1, "\udc00\ud800"]"#] {
        assert_eq!(
            decode_args(&m, data).unwrap_err().to_string(),
            r"argument 2 of transfer has a string with a lone surrogate (\uD800 to \uDFFF unpaired)",
            "{data}"
        );
    }
    assert_eq!(
        decode_args(&m, r#"[{"k": "\ud83d"}, ""]"#).unwrap_err().to_string(),
        r"argument 1 of transfer has a string with a lone surrogate (\uD800 to \uDFFF unpaired)"
    );
    assert_eq!(decode_args(&m, r#"["\\ud800", "\ud83d\ude00"]"#), Ok("[\"\\\\ud800\",\"😀\"]".to_string()));
}

#[test]
fn optional_trailing_arguments_may_be_left_out() {
    let mut m = method(vec![ArgType::String, ArgType::Number, ArgType::Bool]);
    m.optional = 2;
    assert_eq!(decode_args(&m, r#"["a"]"#), Ok(r#"["a"]"#.to_string()));
    assert_eq!(decode_args(&m, r#"["a", 2]"#), Ok(r#"["a",2]"#.to_string()));
    assert_eq!(decode_args(&m, r#"["a", 2, true]"#), Ok(r#"["a",2,true]"#.to_string()));
    let short = decode_args(&m, "[]").unwrap_err();
    assert_eq!(short.to_string(), "wrong number of arguments for transfer: expected 1 to 3, got 0");
    let long = decode_args(&m, r#"["a", 2, true, 4]"#).unwrap_err();
    assert_eq!(long.to_string(), "wrong number of arguments for transfer: expected 1 to 3, got 4");
    // A passed optional argument still has its type.
    assert!(matches!(decode_args(&m, r#"["a", "2"]"#), Err(ArgError::Type { index: 2, .. })));
}
