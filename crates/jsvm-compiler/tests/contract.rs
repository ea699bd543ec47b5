//! `compile_contract`: contract shape, ABI agreement, reserved names and the prepared code.

use jsvm_compiler::{
    compile_contract, line_col, parse_abi, Abi, CompileError, CompiledContract, MethodInfo, MAX_CODE_BYTES,
    MAX_NESTING, WRAPPER_PREFIX,
};

const VALID: &str = r#"'use strict';
const FEE = 100;

class Token {
    init() {
        storage.put("supply", "0");
    }

    transfer(from, to, amount) {
        this._check(amount);
        return `${from}->${to}`;
    }

    _check(amount) {
        if (amount <= 0) throw new Error("bad amount");
    }

    can_update(data) {
        return true;
    }
}

module.exports = Token;
"#;

const VALID_ABI: &str = r#"{
    "lang": "javascript",
    "version": "1.0.0",
    "abi": [
        {"name": "transfer", "args": ["string", "string", "number"],
         "amountLimit": [{"token": "iost", "val": "100"}]},
        {"name": "can_update", "args": ["string"]}
    ]
}"#;

fn empty_abi() -> Abi {
    parse_abi(r#"{"abi": []}"#).expect("empty ABI parses")
}

fn compile(source: &str) -> Result<CompiledContract, CompileError> {
    compile_contract(source, &empty_abi(), "contract.js")
}

/// A minimal contract with `body` inside the class and `before` ahead of it.
fn contract(before: &str, body: &str) -> String {
    format!("{before}\nclass C {{\n    init() {{}}\n{body}\n}}\nmodule.exports = C;\n")
}

fn shape_error(source: &str) -> String {
    match compile(source) {
        Err(CompileError::Shape(message)) => message,
        other => panic!("expected a shape error, got {other:?}"),
    }
}

fn abi_error(source: &str, abi: &str) -> String {
    let abi = parse_abi(abi).expect("ABI parses");
    match compile_contract(source, &abi, "contract.js") {
        Err(CompileError::Abi(message)) => message,
        other => panic!("expected an ABI error, got {other:?}"),
    }
}

fn method(name: &str, params: usize) -> MethodInfo {
    MethodInfo { name: name.to_string(), params }
}

// ---- accepted contracts ----

#[test]
fn valid_contract_compiles_with_methods_in_source_order() {
    let abi = parse_abi(VALID_ABI).expect("ABI parses");
    let compiled = compile_contract(VALID, &abi, "token.js").expect("valid contract compiles");
    assert_eq!(compiled.class_name, "Token");
    assert_eq!(
        compiled.methods,
        vec![method("init", 0), method("transfer", 3), method("_check", 1), method("can_update", 1)]
    );
    assert_eq!(compiled.source, VALID);
    assert_eq!(compiled.abi, abi);
}

#[test]
fn prepared_code_is_the_commonjs_wrapper_on_the_first_line() {
    let compiled = compile(VALID).expect("valid contract compiles");
    assert!(compiled.prepared.starts_with(WRAPPER_PREFIX));
    assert!(WRAPPER_PREFIX.ends_with("function (module, exports, require) {"));
    assert!(!WRAPPER_PREFIX.contains('\n'));
    // Taking the injected charges out gives back the source exactly.
    let body = &compiled.prepared[WRAPPER_PREFIX.len()..];
    let body = &body[..body.rfind("\n}, function () {").expect("the wrapper's end")];
    // (Lone statements that became blocks gained braces; compare without any.)
    let unbraced = |s: &str| s.replace(['{', '}'], "");
    assert_eq!(unbraced(&strip_charges(body)), unbraced(VALID));
}

/// The source with every injected gas charge and call-depth count removed.
fn strip_charges(metered: &str) -> String {
    let mut out = metered.to_string();
    // A return of a plain value leaves the depth first: ` (LEAVE, value)`.
    while let Some(start) = out.find(" (__jsvm_depth=__jsvm_d,") {
        let close = start + out[start..].find(')').expect("the return's close");
        out.replace_range(close..close + 1, "");
        out.replace_range(start..start + " (__jsvm_depth=__jsvm_d,".len(), "");
    }
    for depth in [
        // (its `;` goes with the charge after it)
        ";var __jsvm_d,__jsvm_r;__jsvm_d=__jsvm_depth-1",
        "var __jsvm_d,__jsvm_r;",
        "if((__jsvm_d=__jsvm_depth++)>=1000)__jsvm_vm.deep();",
        " (__jsvm_r=(",
        "),__jsvm_depth=__jsvm_d,__jsvm_r)",
        "__jsvm_depth=__jsvm_d;",
    ] {
        out = out.replace(depth, "");
    }
    for (open, close) in [(";if((__jsvm_left-=", "__jsvm_oog();"), ("if((__jsvm_left-=", "__jsvm_oog();")] {
        while let Some(start) = out.find(open) {
            let end = start + out[start..].find(close).expect("a whole charge") + close.len();
            out.replace_range(start..end, "");
        }
    }
    out
}

#[test]
fn prepared_code_keeps_line_numbers() {
    let compiled = compile(VALID).expect("valid contract compiles");
    for marker in ["const FEE", "storage.put", "this._check", "throw new Error", "module.exports"] {
        let in_source = compiled.source.find(marker).expect("marker in source");
        let in_prepared = compiled.prepared.find(marker).expect("marker in prepared");
        let (source_line, _) = line_col(&compiled.source, in_source as u32);
        let (prepared_line, _) = line_col(&compiled.prepared, in_prepared as u32);
        assert_eq!(source_line, prepared_line, "line of {marker}");
    }
    // Only line 1 shifts, and only by the prefix.
    let (_, column) = line_col(&compiled.prepared, WRAPPER_PREFIX.len() as u32);
    assert_eq!(column as usize, WRAPPER_PREFIX.len() + 1);
}

#[test]
fn trailing_line_comment_does_not_swallow_the_wrapper_end() {
    let source = contract("", "") + "// the end";
    let compiled = compile(&source).expect("compiles");
    assert!(compiled.prepared.contains("// the end\n}, function () {"));
}

#[test]
fn parameter_counts_include_rest_defaults_and_patterns() {
    let source = contract(
        "",
        "    rest(a, ...more) {}\n    defaults(a, b = 1, c = a + b) {}\n    \
         pattern({ x }, [y, z]) {}\n    none() {}",
    );
    let compiled = compile(&source).expect("compiles");
    assert_eq!(
        compiled.methods,
        vec![method("init", 0), method("rest", 2), method("defaults", 3), method("pattern", 2), method("none", 0)]
    );
}

#[test]
fn abi_may_call_methods_with_rest_and_default_parameters() {
    let source = contract("", "    rest(a, ...more) {}\n    defaults(a, b = 1) {}");
    let abi = parse_abi(
        r#"{"abi": [{"name": "rest", "args": ["string", "json"]},
                    {"name": "defaults", "args": ["number", "bool"]}]}"#,
    )
    .expect("ABI parses");
    compile_contract(&source, &abi, "c.js").expect("compiles");
}

#[test]
fn only_plain_instance_methods_are_collected() {
    let source = contract(
        "",
        "    static make() {}\n    get value() { return 1; }\n    set value(v) {}\n    \
         ['computed']() {}\n    'quoted'() {}\n    #secret() {}\n    field = () => 1;\n    \
         *gen() {}",
    );
    let compiled = compile(&source).expect("compiles");
    let names: Vec<_> = compiled.methods.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["init", "gen"]);
}

#[test]
fn modern_syntax_is_accepted() {
    let source = r#"
const big = 1234567890123456789;
const re = /^[a-z]+\d*$/giu;
let counter = 0;
label: for (const x of [1, 2, 3]) { if (x > 1) break label; }

function* numbers() { yield 1; yield* [2, 3]; }

class Base { hello() { return "base"; } }

class Modern extends Base {
    #count = 0;
    static #instances = 0;
    field = { a: 1, b: [2, 3] };
    static { Modern.#instances = 0; }

    init() {}

    #bump(by = 1) { this.#count += by; return this.#count; }

    run(input, options) {
        const { a, b: [first, ...others] = [], ...rest } = input ?? {};
        const [x, , y = 2] = others;
        const deep = options?.nested?.value ?? "default";
        const fn = (p, q) => p + q;
        const sum = [...numbers()].reduce((acc, n) => acc + n, 0);
        let text = `a=${a} first=${first} ${`nested ${x}`}`;
        try {
            JSON.parse(text);
        } catch {
            text = String(big * 2);
        } finally {
            counter++;
        }
        if (re.test(text)) /x/.exec(text);
        const half = sum / 2 / fn(1, 2);
        return { rest, y, deep, half, bumped: this.#bump(), sup: super.hello(), has: #count in this };
    }
}

module.exports = Modern;
"#;
    let compiled = compile(source).expect("modern syntax compiles");
    assert_eq!(compiled.class_name, "Modern");
    let names: Vec<_> = compiled.methods.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["init", "run"]);
}

#[test]
fn directives_do_not_count_as_statements() {
    compile("'use strict';\nclass C { init() {} }\nmodule.exports = C;")
        .expect("a directive plus two statements compiles");
}

#[test]
fn source_of_exactly_the_maximum_size_is_accepted() {
    let base = contract("", "");
    let padded = format!("{base}//{}", "x".repeat(MAX_CODE_BYTES - base.len() - 2));
    assert_eq!(padded.len(), MAX_CODE_BYTES);
    compile(&padded).expect("maximum size compiles");
}

// ---- size ----

#[test]
fn oversized_source_is_rejected() {
    let base = contract("", "");
    let source = format!("{base}//{}", "x".repeat(MAX_CODE_BYTES - base.len() - 1));
    assert_eq!(compile(&source), Err(CompileError::TooLarge { size: MAX_CODE_BYTES + 1, max: MAX_CODE_BYTES }));
}

#[test]
fn empty_source_is_rejected() {
    assert_eq!(compile(""), Err(CompileError::Empty));
    assert_eq!(compile(" \n\t "), Err(CompileError::Empty));
}

// ---- syntax ----

#[test]
fn syntax_errors_give_line_and_column() {
    let source = "class C {\n    init() {\n        let x = ;\n    }\n}\nmodule.exports = C;\n";
    match compile(source) {
        Err(CompileError::Parse { file, line, column, message }) => {
            assert_eq!((file.as_str(), line, column), ("contract.js", 3, 17));
            assert!(!message.is_empty());
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn parse_error_display_names_file_and_position() {
    let error = compile("class C {\n  init() { @ }\n}\nmodule.exports = C;").unwrap_err();
    let text = error.to_string();
    assert!(text.starts_with("contract.js:2:"), "{text}");
    assert!(text.contains("syntax error"), "{text}");
}

#[test]
fn a_pure_annotation_before_a_syntax_error_is_a_syntax_error_in_every_build() {
    // oxc 0.146 marks the wrong comment when a `@__PURE__` annotation precedes a statement it cannot parse, and
    // a debug assertion of its own panics there: a debug build refused the contract as "the parser failed
    // unexpectedly", a release build as a syntax error. Receipts must not depend on how the node was built, so
    // oxc's debug assertions are off in every profile (the root Cargo.toml). Found by the `compile` fuzz target.
    for source in
        ["//@__PURE__\n:", "/* #__PURE__ */ :", "class C { init() {} }\n// @__PURE__\n: x\nmodule.exports = C;"]
    {
        match compile(source) {
            Err(CompileError::Parse { .. }) => {}
            other => panic!("{source:?}: expected a parse error, got {other:?}"),
        }
    }
}

#[test]
fn module_syntax_is_rejected_because_contracts_are_scripts() {
    for before in ["import x from 'y';", "export const y = 1;", "const m = import.meta;"] {
        let source = contract(before, "");
        assert!(matches!(compile(&source), Err(CompileError::Parse { .. })), "{before} should not parse as a script");
    }
}

#[test]
fn invalid_regular_expressions_are_syntax_errors() {
    let source = contract("const re = /(unclosed/;", "");
    assert!(matches!(compile(&source), Err(CompileError::Parse { line: 1, .. })));
}

// ---- shape ----

#[test]
fn a_single_statement_is_rejected() {
    let message = shape_error("module.exports = C;");
    assert!(message.contains("at least 2 top-level statements"), "{message}");
}

#[test]
fn last_statement_must_be_module_exports_of_an_identifier() {
    let class = "class C { init() {} }\n";
    for last in [
        "module.exports = C;\nconst after = 1;",
        "exports = C;",
        "module.exports = new C();",
        "module.exports = (C);",
        "module.exports = C, 1;",
        "module.exports += C;",
        "module.exports.C = C;",
        "module['exports'] = C;",
        "module.export = C;",
        "modules.exports = C;",
        "this.exports = C;",
        "module.exports = 'C';",
    ] {
        let message = shape_error(&format!("{class}{last}"));
        assert_eq!(message, "last statement must be 'module.exports = CLASS_IDENTIFIER;'", "{last}");
    }
}

#[test]
fn exported_class_must_be_declared_at_top_level() {
    for source in [
        "class D { init() {} }\nmodule.exports = C;",
        "const C = class { init() {} };\nmodule.exports = C;",
        "{ class C { init() {} } }\nmodule.exports = C;",
        "function C() {}\nmodule.exports = C;",
    ] {
        let message = shape_error(source);
        assert!(message.contains("exported class C is not declared"), "{source}: {message}");
    }
}

#[test]
fn constructor_is_rejected() {
    for body in ["    constructor() {}", "    'constructor'() {}"] {
        let message = shape_error(&contract("", body));
        assert!(message.contains("must not have a constructor"), "{body}: {message}");
    }
}

#[test]
fn static_method_named_constructor_is_allowed() {
    compile(&contract("", "    static constructor() {}")).expect("compiles");
}

#[test]
fn init_is_required() {
    for body in [
        "hello() {}",
        "static init() {}",
        "get init() { return 1; }",
        "init = () => {};",
        "#init() {}",
        "['init']() {}",
    ] {
        let source = format!("class C {{ {body} }}\nmodule.exports = C;");
        let message = shape_error(&source);
        assert_eq!(message, "class C must have an init() method", "{body}");
    }
}

#[test]
fn a_method_defined_twice_is_rejected() {
    let message = shape_error(&contract("", "    hello(a) {}\n    hello(a, b) {}"));
    assert_eq!(message, "class C defines method hello twice");
}

#[test]
fn hashbang_is_rejected() {
    let message = shape_error(&format!("#!/usr/bin/env node\n{}", contract("", "")));
    assert!(message.contains("'#!'"), "{message}");
}

// ---- ABI against the source ----

#[test]
fn abi_method_missing_from_source_is_rejected() {
    let source = contract("", "    hello(a) {}\n    get prop() { return 1; }\n    static s(a) {}");
    for name in ["missing", "prop", "s"] {
        let abi = format!(r#"{{"abi": [{{"name": "{name}", "args": []}}]}}"#);
        assert_eq!(abi_error(&source, &abi), format!("abi method not defined in source code: {name}"));
    }
}

#[test]
fn abi_args_length_must_match_the_source() {
    let source = contract("", "    hello(a, b) {}");
    let abi = r#"{"abi": [{"name": "hello", "args": ["string"]}]}"#;
    assert_eq!(abi_error(&source, abi), "args length of hello does not match the source: abi 1, source 2");
}

#[test]
fn abi_rules_are_checked_by_compile_contract() {
    let source = contract("", "    _hidden() {}");
    let message = abi_error(&source, r#"{"abi": [{"name": "_hidden", "args": []}]}"#);
    assert!(message.contains("starts with '_'"), "{message}");
    let message = abi_error(&source, r#"{"abi": [{"name": "init", "args": []}]}"#);
    assert!(message.contains("init"), "{message}");
    let message = abi_error(&source, r#"{"lang": "solidity", "abi": []}"#);
    assert!(message.contains("lang"), "{message}");
}

#[test]
fn abi_error_display_says_it_is_the_abi() {
    let abi = parse_abi(r#"{"abi": [{"name": "nope", "args": []}]}"#).expect("parses");
    let error = compile_contract(&contract("", ""), &abi, "c.js").unwrap_err();
    assert_eq!(error.to_string(), "invalid ABI: abi method not defined in source code: nope");
}

// ---- reserved identifiers ----

fn reserved(source: &str) -> (String, u32, u32) {
    match compile(source) {
        Err(CompileError::Reserved { file, name, line, column }) => {
            assert_eq!(file, "contract.js");
            (name, line, column)
        }
        other => panic!("expected a reserved-identifier error, got {other:?}"),
    }
}

#[test]
fn reserved_identifiers_are_rejected_everywhere() {
    let cases = [
        ("let __jsvm_gas = 1;", "__jsvm_gas"),
        ("__jsvm_gas();", "__jsvm_gas"),
        ("a.__jsvm_gas = 0;", "__jsvm_gas"),
        ("a?.__jsvmX;", "__jsvmX"),
        ("const o = { __jsvm: 1 };", "__jsvm"),
        ("const { _IOSTx } = o;", "_IOSTx"),
        ("({ a: _IOSTy } = o);", "_IOSTy"),
        ("function f(IOSTInstruction) {}", "IOSTInstruction"),
        ("var x = IOSTInstruction;", "IOSTInstruction"),
        ("__jsvm_loop: for (;;) { break __jsvm_loop; }", "__jsvm_loop"),
        ("class __jsvmClass {}", "__jsvmClass"),
        ("try {} catch (__jsvm_e) {}", "__jsvm_e"),
        ("const f = (_IOSTarg) => 1;", "_IOSTarg"),
        ("var \\u005f_jsvm = 1;", "__jsvm"),
    ];
    for (before, name) in cases {
        let (found, line, _) = reserved(&contract(before, ""));
        assert_eq!((found.as_str(), line), (name, 1), "{before}");
    }
}

#[test]
fn reserved_class_members_are_rejected() {
    for (body, name) in [
        ("    __jsvm_m() {}", "__jsvm_m"),
        ("    _IOSTfield = 1;", "_IOSTfield"),
        ("    #__jsvm = 1;", "__jsvm"),
        ("    static __jsvmS() {}", "__jsvmS"),
    ] {
        let (found, _, _) = reserved(&contract("", body));
        assert_eq!(found, name, "{body}");
    }
}

#[test]
fn reserved_identifier_position_is_reported() {
    let source = "class C {\n    init() {\n        this.a.__jsvm_gas = 1;\n    }\n}\nmodule.exports = C;";
    let (name, line, column) = reserved(source);
    assert_eq!((name.as_str(), line, column), ("__jsvm_gas", 3, 16));
    let text = compile(source).unwrap_err().to_string();
    assert!(text.starts_with("contract.js:3:16: identifier '__jsvm_gas' is reserved"), "{text}");
}

#[test]
fn names_that_only_resemble_reserved_ones_are_allowed() {
    let before = "const IOSTInstructions = 1, _IOS = 2, __jsv = 3, my__jsvm = 4, iostInstruction = 5;\n\
                  const s = '__jsvm_gas';";
    compile(&contract(before, "")).expect("look-alikes compile");
}

// ---- nesting guard ----

#[test]
fn nesting_up_to_the_limit_is_accepted() {
    let expr = format!("{}1{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
    compile(&contract(&format!("const x = {expr};"), "")).expect("compiles");
}

#[test]
fn nesting_beyond_the_limit_is_rejected_before_parsing() {
    let expr = format!("{}1{}", "[".repeat(MAX_NESTING + 1), "]".repeat(MAX_NESTING + 1));
    match compile(&contract(&format!("const x = {expr};"), "")) {
        Err(CompileError::TooDeep { line, column, max, .. }) => {
            assert_eq!((line, column, max), (1, 11 + MAX_NESTING as u32, MAX_NESTING));
        }
        other => panic!("expected TooDeep, got {other:?}"),
    }
}

#[test]
fn html_like_comments_are_rejected() {
    for before in ["x = 1 <!-- 2;", "\n--> comment"] {
        assert!(matches!(compile(&contract(before, "")), Err(CompileError::Unsupported { .. })), "{before}");
    }
}

#[test]
fn deeply_nested_source_does_not_crash_the_process() {
    // oxc recurses once per level; these would overflow an ordinary thread stack.
    let budget = MAX_CODE_BYTES - 200;
    for (unit, tail) in [("!", "x"), ("a=", "1"), ("x=>", "1"), ("1+", "1"), ("- ", "x")] {
        let expr = format!("{}{tail}", unit.repeat(budget / unit.len()));
        let result = compile(&contract(&format!("{expr};"), ""));
        assert!(result.is_ok(), "{unit}: {result:?}");
    }
}

#[test]
fn worst_case_nesting_within_the_limit_parses_quickly() {
    // Each `(a=` makes oxc parse what follows twice; the nesting limit keeps it linear.
    let depth = MAX_NESTING - 4;
    let unit = format!("x={}1{};\n", "(a=".repeat(depth), ")".repeat(depth));
    let body = unit.repeat((MAX_CODE_BYTES - 200) / unit.len());
    let started = std::time::Instant::now();
    compile(&contract(&body, "")).expect("compiles");
    assert!(started.elapsed().as_secs() < 30, "took {:?}", started.elapsed());
}
