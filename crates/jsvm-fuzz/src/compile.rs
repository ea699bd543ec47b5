//! The compiler's inputs from strangers: call arguments against an ABI, contract source, bundles.

use jsvm_compiler::{
    bundle_lines, compile_contract, decode_args, parse_abi, parse_bundle, prepared_columns, unmetered_program,
    validate_abi, Abi, MeterCosts,
};

use crate::split::{fields, text};

/// Call arguments: `ABI_JSON 0xFF METHOD 0xFF ARGS`. The ABI parses or is refused; for a method it declares, the
/// arguments decode or are refused without a panic, and what they decode to is canonical: decoding it again
/// gives the same text.
pub fn abi_args(data: &[u8]) {
    let parts = fields(data, 3);
    let Ok(abi) = parse_abi(&text(parts[0])) else { return };
    let _ = validate_abi(&abi);
    let name = text(parts[1]);
    let Some(method) = abi.method(&name).or(abi.abi.first()) else { return };
    if let Ok(canonical) = decode_args(method, &text(parts[2])) {
        let again = decode_args(method, &canonical).expect("canonical arguments decode again");
        assert_eq!(again, canonical, "canonical arguments are not a fixed point");
    }
}

/// The compile stage: `SOURCE 0xFF ABI_JSON` (no ABI field: an ABI naming no method). Source is checked,
/// metered and prepared, or refused with an error, never a panic; what compiles keeps its source, names its
/// exported class, and its prepared code contains the source's methods under their names.
pub fn compile(data: &[u8]) {
    let parts = fields(data, 2);
    let source = text(parts[0]);
    let abi = if parts[1].is_empty() {
        Abi { lang: "javascript".into(), version: "1.0.0".into(), abi: Vec::new() }
    } else {
        match parse_abi(&text(parts[1])) {
            Ok(abi) => abi,
            Err(_) => return,
        }
    };
    let _ = unmetered_program(&source);
    let _ = prepared_columns(&source, &MeterCosts::default());
    if let Ok(compiled) = compile_contract(&source, &abi, "fuzz.js") {
        assert_eq!(compiled.source, source);
        assert!(!compiled.class_name.is_empty(), "a compiled contract exports a named class");
        for method in &abi.abi {
            assert!(
                compiled.methods.iter().any(|m| m.name == method.name),
                "ABI method {} not in the class",
                method.name
            );
        }
    }
}

/// Bundles: a document that is a bundle parses to one or is refused; a parsed bundle writes deployed code that
/// parses back to the same bundle (less its ABI), compiles or is refused without a panic, and maps its lines.
pub fn bundle(data: &[u8]) {
    let code = text(data);
    let Some(Ok(parsed)) = parse_bundle(&code) else { return };
    let deployed = parsed.code();
    let back = parse_bundle(&deployed).expect("deployed code is a bundle").expect("deployed code parses back");
    let mut without_abi = parsed.clone();
    without_abi.abi = None;
    assert_eq!(back, without_abi, "a bundle's deployed code reads back as another bundle");
    let _ = parsed.file_text();
    let _ = bundle_lines(&deployed, &MeterCosts::default());
    let abi = Abi { lang: "javascript".into(), version: "1.0.0".into(), abi: Vec::new() };
    let _ = compile_contract(&deployed, &abi, "bundle.json");
}
