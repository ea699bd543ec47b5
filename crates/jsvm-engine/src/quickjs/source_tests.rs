//! Function texts in bytecode (vendor/rquickjs-sys JSVM-PATCHES.md, "Function sources written
//! once"): a nested function's text is written as a place in the enclosing text, and read back as a
//! pointer into one shared copy. What `toString` returns must not change: every function prints
//! exactly its own text, at any depth of nesting, beside multi-byte characters, and for functions
//! outside the first one written.

use super::QuickJs;
use crate::tests::{TestHost, PRELUDE};
use crate::{Engine, Invocation};

/// Functions of every kind, nested inside a wrapper as contract code is: (name, text).
const PIECES: &[(&str, &str)] = &[
    ("declaration", "function declared(a, b) { return a + b; /* é */ }"),
    ("arrow, expression body", "(x) => x * 2"),
    ("arrow, block body", "(x) => { const t = `日本 ${x}`; return t; }"),
    ("generator", "function* counter(n) { for (let i = 0; i < n; i++) yield i; }"),
    ("object method", "{ m(v) { return v ?? 'ü'; } }.m"),
];

/// A class whose methods are themselves nested three deep.
const CLASS: &str = "class Token {\n  constructor(s) { this.s = s; }\n  get supply() { return this.s; }\n  static of(s) { return new Token(s); }\n  transfer(to, amount) {\n    const check = (n) => { const inner = function inner(k) { return k > 0; }; return inner(n); };\n    return check(amount) ? `${to}:${amount}` : '✗';\n  }\n}";

fn program() -> String {
    let mut body = format!("  const Token = ({CLASS});\n  const texts = [];\n");
    for (i, (_, text)) in PIECES.iter().enumerate() {
        body.push_str(&format!("  const f{i} = ({text});\n  texts.push(String(f{i}));\n"));
    }
    body.push_str("  texts.push(String(Token), String(Token.of), String(Object.getOwnPropertyDescriptor(Token.prototype, 'supply').get), String(Token.prototype.transfer));\n");
    body.push_str("  texts.push(String(outside));\n");
    body.push_str("  return texts.join('\\u0001');\n");
    // `outside` comes first in the script: the first text written in full (the one others may
    // point into), with the wrapper and everything in it outside it.
    format!("const outside = function outside() {{ return 'ß'; }};\n(function () {{\n{body}}})")
}

fn expected() -> Vec<String> {
    let mut texts: Vec<String> = PIECES.iter().map(|(_, t)| t.to_string()).collect();
    // An object method prints as its definition; the others as written.
    texts[4] = "m(v) { return v ?? 'ü'; }".to_string();
    let method = |start: &str| {
        let at = CLASS.find(start).unwrap();
        let end = CLASS[at..].find("\n  }").map(|e| at + e + 4).unwrap_or_else(|| at + CLASS[at..].find('\n').unwrap());
        CLASS[at..end].to_string()
    };
    texts.push(CLASS.to_string());
    // A static method prints without `static`, as the specification (and V8) has it.
    texts.push("of(s) { return new Token(s); }".to_string());
    texts.push("get supply() { return this.s; }".to_string());
    texts.push(method("transfer(").trim_end().to_string());
    texts.push("function outside() { return 'ß'; }".to_string());
    texts
}

fn run_texts(engine: &mut QuickJs, code: &[u8]) -> Vec<String> {
    let prelude = engine.compile("prelude.js", PRELUDE).unwrap();
    let pre = [prelude.as_slice()];
    let inv = Invocation {
        prelude: &pre,
        program: code,
        entry: "__jsvm_entry",
        args: &[],
        limits: crate::tests::limits_ms(2000),
    };
    let out = engine.run(&inv, &mut TestHost::default()).expect("the program runs");
    out.split('\u{1}').map(str::to_string).collect()
}

#[test]
fn every_function_prints_its_own_text_after_the_bytecode_round_trip() {
    let mut engine = QuickJs::new().unwrap();
    let code = engine.compile("contract.js", &program()).unwrap();
    let texts = run_texts(&mut engine, &code);
    let want = expected();
    assert_eq!(texts.len(), want.len());
    for (i, (got, want)) in texts.iter().zip(&want).enumerate() {
        assert_eq!(got, want, "text {i}");
    }
    // A second engine reading the same bytes (a warm load from the code cache) prints the same.
    assert_eq!(run_texts(&mut QuickJs::new().unwrap(), &code), texts);
}

fn occurrences(haystack: &[u8], needle: &str) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle.as_bytes()).count()
}

#[test]
fn a_text_nested_in_another_is_written_once() {
    // Four levels: the wrapper, the module function, the class and the method each had their own
    // copy of the innermost text.
    // In a comment: only the texts hold it (a string literal would also be a constant).
    let marker = "a marker only the innermost method holds";
    let source = format!(
        "(function (lim) {{ return function (module) {{ class K {{ run() {{ /* {marker} */ return 1; }} }} module.exports = K; }}; }})"
    );
    let code = QuickJs::new().unwrap().compile("contract.js", &source).unwrap();
    assert_eq!(occurrences(&code, marker), 1, "the innermost text is written once");
    assert!(code.len() < source.len() * 3, "{} bytes of bytecode for {} of source", code.len(), source.len());

    // A sibling outside the first text keeps its own copy, and so do the functions inside it.
    let sibling = format!("const first = function () {{ return 1; }};\n{source}");
    let code = QuickJs::new().unwrap().compile("contract.js", &sibling).unwrap();
    assert_eq!(occurrences(&code, marker), 4, "outside the shared text, each function writes its own");
}
