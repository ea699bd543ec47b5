//! `jsvm pack` end to end: projects written to a temporary directory, packed, deployed and
//! called; every rejection rule with its file and line; determinism.

use std::path::Path;

use jsvm_engine::EngineKind;
use jsvm_pack::{pack_project, Packed};
use jsvm_test_util::Chain;
use jsvm_vm::Status;
use serde_json::{json, Value};

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    dir
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn pack(files: &[(&str, &str)]) -> Packed {
    let dir = project(files);
    pack_project(dir.path()).unwrap_or_else(|e| panic!("pack failed: {e}"))
}

/// The pack error's text.
fn refused(files: &[(&str, &str)]) -> String {
    let dir = project(files);
    match pack_project(dir.path()) {
        Ok(_) => panic!("pack should fail"),
        Err(e) => e.to_string(),
    }
}

fn deploy(chain: &Chain, packed: &Packed) -> String {
    let abi = packed.bundle.abi.clone().unwrap();
    chain.deploy(&packed.bundle.code(), &abi)
}

fn ret(chain: &Chain, id: &str, method: &str, args: Value) -> String {
    let r = chain.query(id, method, args);
    assert_eq!(r.status, Status::Success, "{method}: {}", r.message);
    r.returns[0].clone()
}

const NESTED: &[(&str, &str)] = &[
    ("package.json", r#"{"name": "nested", "main": "src/main.js", "dependencies": {"local-pkg": "1.0.0"}}"#),
    (
        "src/main.js",
        "const util = require('./util');\nconst pkg = require('local-pkg');\nconst deep = require('./a/b/c');\n\
         const data = require('../data/values.json');\nconst ping = require('./ping');\n\
         class Main {\n    init() {}\n    /** @param {number} n */\n    run(n) { return util.double(n) + pkg.plus1(n) + deep.c + data.k; }\n\
         /** @param {string} s @param {boolean} b @param {object} o */\n    kinds(s, b, o) { return [s, b, o]; }\n\
         cycle() { return ping.ping(3); }\n    fail() { return deep.fail(); }\n    _hidden() {}\n}\nmodule.exports = Main;\n",
    ),
    ("src/util/index.js", "exports.double = (n) => n * 2;\n"),
    ("src/a/b/c.js", "exports.c = 100;\nexports.fail = function () {\n    throw new Error('deep');\n};\n"),
    ("src/ping.js", "const pong = require('./pong');\nexports.ping = (n) => n <= 0 ? 'ping' : pong.pong(n - 1);\n"),
    ("src/pong.js", "const ping = require('./ping');\nexports.early = typeof ping.ping;\nexports.pong = (n) => n <= 0 ? 'pong' : ping.ping(n - 1);\n"),
    ("data/values.json", "{\"k\": 1000}\n"),
    ("node_modules/local-pkg/package.json", r#"{"name": "local-pkg", "main": "lib/main"}"#),
    ("node_modules/local-pkg/lib/main.js", "const { one } = require('./one.json');\nexports.plus1 = (n) => n + one;\n"),
    ("node_modules/local-pkg/lib/one.json", "{\"one\": 1}"),
    ("unused.js", "require('fs'); require(dynamic);\n"),
];

#[test]
fn a_nested_project_with_a_cycle_json_and_a_package_runs() {
    let packed = pack(NESTED);
    let ids: Vec<&str> = packed.bundle.modules.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "data/values.json",
            "node_modules/local-pkg/lib/main.js",
            "node_modules/local-pkg/lib/one.json",
            "src/a/b/c.js",
            "src/main.js",
            "src/ping.js",
            "src/pong.js",
            "src/util/index.js",
        ],
        "only reachable files"
    );
    assert!(packed.abi_generated);
    assert_eq!(
        packed.bundle.abi.as_ref().unwrap()["abi"],
        json!([
            {"name": "run", "args": ["number"], "amountLimit": []},
            {"name": "kinds", "args": ["string", "bool", "json"], "amountLimit": []},
            {"name": "cycle", "args": [], "amountLimit": []},
            {"name": "fail", "args": [], "amountLimit": []},
        ])
        .as_array()
        .unwrap()
        .iter()
        .map(|m| json!({"name": m["name"], "args": m["args"]}))
        .collect::<Value>()
    );
    let chain = Chain::new();
    let id = deploy(&chain, &packed);
    assert_eq!(ret(&chain, &id, "run", json!([5])), "1116");
    assert_eq!(ret(&chain, &id, "kinds", json!(["s", true, {"a": 1}])), r#"["s",true,{"a":1}]"#);
    assert_eq!(ret(&chain, &id, "cycle", json!([])), "pong");
    let (r, logs) = chain.call_logged(&id, "fail", json!([]));
    assert_eq!(r.status, Status::RuntimeError);
    let log = logs.join("\n");
    assert!(log.contains("src/a/b/c.js:3"), "{log}");
    assert!(log.contains("src/main.js:13"), "{log}");
}

#[test]
fn packing_is_deterministic_and_independent_of_the_directory() {
    let a = pack(NESTED);
    let b = pack(NESTED);
    assert_eq!(a.bundle.file_text(), b.bundle.file_text());
    assert_eq!(a.compiled.prepared, b.compiled.prepared);
    let text = a.bundle.file_text();
    assert!(!text.contains("/tmp"), "no absolute paths in the bundle");
}

#[test]
fn es_modules_become_commonjs_with_node_interop() {
    let packed = pack(&[
        ("package.json", r#"{"main": "index.mjs.js"}"#),
        (
            "index.mjs.js",
            "import Def, { named, value as renamed } from './esm';\nimport * as ns from './esm';\n\
             import cjs from './cjs';\nimport { field } from './cjs';\nimport * as cjsNs from './cjs';\nimport './side';\n\
             export { named } from './esm';\nexport * from './more';\n\
             export default class Entry {\n    init() {}\n    all() {\n        return [Def(), named(), renamed, ns.value, ns.default === Def, \
             cjs.field, field, cjsNs.default.field, cjsNs.field, require('./state').sideEffect, require('./more').more];\n    }\n    \
             self() { const me = require('./index.mjs.js'); return [me.__esModule, typeof me.named, me.more]; }\n}\n",
        ),
        ("esm.js", "export default function def() { return 'def'; }\nexport function named() { return 'named'; }\nexport const value = 42;\n"),
        ("cjs.js", "module.exports = { field: 'cjs' };\n"),
        // The realm's global object is frozen: a side effect goes through a shared module.
        ("side.js", "require('./state').sideEffect = 'side';\n"),
        ("state.js", "module.exports = {};\n"),
        ("more.js", "export let more = 'more';\n"),
    ]);
    let chain = Chain::new();
    let id = deploy(&chain, &packed);
    assert_eq!(
        ret(&chain, &id, "all", json!([])),
        r#"["def","named",42,42,true,"cjs","cjs","cjs","cjs","side","more"]"#
    );
    assert_eq!(ret(&chain, &id, "self", json!([])), r#"[true,"function","more"]"#);
}

#[test]
fn named_imports_are_live_bindings_in_a_cycle() {
    let packed = pack(&[
        (
            "index.js",
            "import { even } from './even';\nimport { odd as isOdd, counter, bump } from './odd';\n\
             export default class C {\n    init() {}\n    /** @param {number} n */\n    \
             check(n) { bump(); bump(); const o = { isOdd, counter }; return [even(n), isOdd(n), counter, o.counter, typeof o.isOdd]; }\n    \
             /** @param {number} isOdd */\n    shadow(isOdd) { return isOdd; }\n}\n",
        ),
        ("even.js", "import { odd } from './odd';\nexport function even(n) { return n === 0 ? true : odd(n - 1); }\n"),
        (
            "odd.js",
            "import { even } from './even';\nexport let counter = 0;\nexport function bump() { counter += 1; }\n\
             export function odd(n) { return n === 0 ? false : even(n - 1); }\n",
        ),
    ]);
    let chain = Chain::new();
    let id = deploy(&chain, &packed);
    assert_eq!(ret(&chain, &id, "check", json!([7])), r#"[false,true,2,2,"function"]"#);
    assert_eq!(ret(&chain, &id, "shadow", json!([5])), "5");
}

#[test]
fn es_module_cycles_see_exports_through_live_getters() {
    let packed = pack(&[
        (
            "index.js",
            "import { even } from './even';\nexport default class C {\n    init() {}\n    /** @param {number} n */\n    \
             isEven(n) { return even(n); }\n}\n",
        ),
        ("even.js", "import * as o from './odd';\nexport function even(n) { return n === 0 ? true : o.odd(n - 1); }\n"),
        ("odd.js", "import * as e from './even';\nexport function odd(n) { return n === 0 ? false : e.even(n - 1); }\n"),
    ]);
    let chain = Chain::new();
    let id = deploy(&chain, &packed);
    assert_eq!(ret(&chain, &id, "isEven", json!([10])), "true");
    assert_eq!(ret(&chain, &id, "isEven", json!([7])), "false");
}

const TS_ENTRY: &str = "import { Greeter, type Mood } from './greeter';\n\
interface Point { x: number; y?: number }\n\
type Id = string;\n\
export default class Shop {\n\
    private static readonly tag: string = 'shop';\n\
    declare hidden: number;\n\
    init(): void {}\n\
    greet(who: string, loud?: boolean): string {\n\
        const g = new Greeter<Mood>('happy');\n\
        const p = { x: 1 } as Point;\n\
        return g.greet(who, loud!) + p.x + pick<number>([5, 6], 1);\n\
    }\n\
    kinds(a: number, b: bigint, c: Id, d: Point, e: boolean): string { return [typeof a, typeof c, typeof d, typeof e].join(); }\n\
    fail(msg: string): never {\n\
        throw new Error(msg);\n\
    }\n\
    _secret(): void {}\n\
}\n\
function pick<T>(xs: T[], i: number): T { return xs[i]!; }\n";

const TS_GREETER: &str = "export type Mood = 'happy' | 'sad';\n\
export class Greeter<M extends string> implements Object {\n\
    public mood: M;\n\
    constructor(mood: M) { this.mood = mood; }\n\
    greet(who: string, loud: boolean = false): string {\n\
        const s = `hello ${who} (${this.mood satisfies string})`;\n\
        return loud ? s.toUpperCase() : s;\n\
    }\n\
}\n";

#[test]
fn typescript_compiles_and_its_types_make_the_abi() {
    let packed = pack(&[("index.ts", TS_ENTRY), ("greeter.ts", TS_GREETER)]);
    assert!(packed.abi_generated);
    let abi: Vec<(String, Vec<String>)> =
        packed.abi.abi.iter().map(|m| (m.name.clone(), m.args.iter().map(|a| a.to_string()).collect())).collect();
    assert_eq!(
        abi,
        vec![
            ("greet".to_string(), vec!["string".to_string(), "bool".to_string()]),
            ("kinds".to_string(), ["number", "number", "json", "json", "bool"].map(String::from).to_vec()),
            ("fail".to_string(), vec!["string".to_string()]),
        ]
    );
    // Compiled modules carry a source map back to their .ts file.
    for (id, module) in &packed.bundle.modules {
        assert!(module.map.is_some(), "{id}");
        assert!(!module.source.contains("interface"), "{}", module.source);
    }
    let chain = Chain::new();
    let id = deploy(&chain, &packed);
    assert_eq!(ret(&chain, &id, "greet", json!(["ann", true])), "HELLO ANN (HAPPY)16");
    assert_eq!(ret(&chain, &id, "kinds", json!([1, 2, "c", {}, true])), "number,string,object,boolean");
    let (r, logs) = chain.call_logged(&id, "fail", json!(["bad"]));
    assert_eq!(r.status, Status::RuntimeError);
    assert!(logs.join("\n").contains("index.ts:15"), "{logs:?}");
}

#[test]
fn an_entry_may_export_its_class_by_name() {
    let packed = pack(&[(
        "index.js",
        "export class Named {\n    init() {}\n    /** @param {string} s */\n    echo(s) { return s; }\n}\nexport default Named;\n",
    )]);
    assert_eq!(packed.abi.abi.len(), 1);
    let chain = Chain::new();
    let id = deploy(&chain, &packed);
    assert_eq!(ret(&chain, &id, "echo", json!(["hi"])), "hi");
}

#[test]
fn a_contract_abi_file_wins_over_generation() {
    let abi = r#"{"lang": "javascript", "version": "1.0.0", "abi": [{"name": "hi", "args": ["string"]}]}"#;
    for name in ["contract.abi", "main.abi"] {
        let packed = pack(&[
            ("package.json", r#"{"main": "main.js"}"#),
            ("main.js", "class C {\n    init() {}\n    hi(x) { return x; }\n    other(y) {}\n}\nmodule.exports = C;\n"),
            (name, abi),
        ]);
        assert!(!packed.abi_generated);
        assert_eq!(packed.abi.abi.len(), 1, "{name}");
    }
}

#[test]
fn every_rejection_names_the_file_and_line() {
    let entry = |body: &str| format!("class C {{\n    init() {{}}\n}}\n{body}\nmodule.exports = C;\n");
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            vec![("index.js", entry("const m = 'x';\nrequire(m);"))],
            "index.js:5:1: dynamic require(expr) is not supported",
        ),
        (vec![("index.js", entry("require(`./${'a'}`);"))], "index.js:4:1: dynamic require(expr)"),
        (vec![("index.js", entry("import('./a');"))], "index.js:4:1: dynamic import() is not supported"),
        (vec![("index.js", entry("const fs = require('fs');"))], "index.js:4:20: Node built-in module 'fs'"),
        (
            vec![("index.js", entry("const net = require('node:net');"))],
            "index.js:4:21: Node built-in module 'node:net'",
        ),
        (vec![("index.js", entry("require('fs/promises');"))], "Node built-in module 'fs/promises'"),
        (vec![("index.js", entry("\nrequire('./missing');"))], "index.js:5:9: cannot find module './missing'"),
        (vec![("index.js", entry("require('nopkg');"))], "index.js:4:9: cannot find package 'nopkg'"),
        (vec![("index.js", entry("require('/etc/passwd');"))], "absolute require path"),
        (vec![("index.js", entry("require('../outside');"))], "cannot find module '../outside'"),
        (
            vec![("index.js", entry("require('./lib');")), ("lib.js", "const x = ;\n".into())],
            "lib.js:1:11: syntax error",
        ),
        (
            vec![("index.js", entry("require('./d.json');")), ("d.json", "{\n \"a\": }".into())],
            "d.json:2:7: invalid JSON",
        ),
        (vec![("index.js", entry("require('./w');")), ("w.js", "\nwith (a) {}\n".into())], "w.js:2:1: "),
        (
            vec![("index.ts", entry("function d(c: any) {}\n@d\nclass D {}"))],
            "index.ts:5:1: decorators are not supported",
        ),
        (
            vec![("index.ts", entry("enum E { A }\nimport fs = require('fs');\nfs;"))],
            "index.ts:5:21: Node built-in module 'fs'",
        ),
        (
            vec![("index.ts", entry("namespace N {\n    export let mutable = 1;\n}"))],
            "index.ts:5:16: TypeScript: Namespaces exporting non-const are not supported",
        ),
        (
            vec![("index.js", "class C {\n    init() {}\n    m(x) {}\n}\nmodule.exports = C;\n".into())],
            "index.js:3:5: cannot generate the ABI: parameter x of m has no type",
        ),
        (
            vec![("index.js", "class C {\n    init() {}\n    /** @amountLimit iost */\n    m() {}\n}\nmodule.exports = C;\n".into())],
            "index.js:3:9: cannot generate the ABI: @amountLimit takes a token and an amount \
             (e.g. '@amountLimit iost 100'), got \"iost\" (in the JSDoc of m)",
        ),
        (
            vec![("index.js", "class C {\n    /**\n     * @amountLimit iost lots\n     */\n    m() {}\n}\nmodule.exports = C;\n".into())],
            "index.js:3:8: cannot generate the ABI: @amountLimit iost: \"lots\" is not a decimal amount or 'unlimited'",
        ),
        (
            vec![("index.js", "class C {\n    /** @amountLimit iost 1\n     * @amountLimit iost 2 */\n    m() {}\n}\nmodule.exports = C;\n".into())],
            "index.js:3:8: cannot generate the ABI: @amountLimit: token iost is limited twice",
        ),
        (vec![("index.js", "#!/usr/bin/env node\nmodule.exports = 1;\n".into())], "index.js:1:1: a '#!' line"),
        (vec![("package.json", r#"{"main": "nope.js"}"#.into())], "package.json's main \"nope.js\" names no file"),
        (vec![("package.json", "{".into())], "package.json is not valid JSON"),
        (vec![("other.js", "".into())], "no entry"),
    ];
    for (files, expected) in cases {
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let message = refused(&files);
        assert!(message.contains(expected), "expected {expected:?} in {message:?}");
    }
}

#[test]
fn npm_is_run_only_when_node_modules_is_absent() {
    // With node_modules present, npm is not needed (the test runs offline).
    let files = [
        ("package.json", r#"{"dependencies": {"p": "1.0.0"}}"#),
        (
            "index.js",
            "const p = require('p');\nclass C {\n    init() {}\n    v() { return p; }\n}\nmodule.exports = C;\n",
        ),
        ("node_modules/p/index.js", "module.exports = 'p';\n"),
    ];
    let packed = pack(&files);
    assert!(packed.bundle.modules.contains_key("node_modules/p/index.js"));
}

const TS_LIB: &str = "export enum Kind { Coin = 1, Token, Nft = 'nft' }\n\
export const enum Fee { Base = 10, Per = 2 }\n\
export namespace Util {\n\
    export const scale = 100;\n\
    export function cost(n: number): number { return Fee.Base + Fee.Per * n; }\n\
    export namespace Deep { export const label = 'deep'; }\n\
}\n\
export abstract class Shape {\n\
    constructor(protected readonly name: string) {}\n\
    abstract area(): number;\n\
    describe(): string { return `${this.name}:${this.area()}`; }\n\
}\n\
export class Rect extends Shape {\n\
    constructor(private w: number, public h: number = 2) { super('rect'); }\n\
    area(): number { return this.w * this.h; }\n\
}\n";

const TS_SHOP: &str = "import type { Shape } from './lib';\n\
import { Kind, Rect, Util } from './lib';\n\
import helper = require('./helper');\n\
declare const ambient: number;\n\
declare function external(x: string): void;\n\
interface Opts { n: number }\n\
function pick(x: string): string;\n\
function pick(x: number): number;\n\
function pick(x: any): any { return x; }\n\
function first<T>(xs: T[]): T { return xs[0]!; }\n\
enum Local { A, B }\n\
export default class Shop {\n\
    init(): void {}\n\
    kinds(): string { return JSON.stringify([Kind.Coin, Kind.Token, Kind[2], Kind.Nft, Local.B, Local[0]]); }\n\
    shapes(w: number): string { const r: Shape = new Rect(w); return r.describe() + '/' + (r as Rect).h; }\n\
    util(n: number): number { return Util.cost(n) + Util.scale + helper.twice(n); }\n\
    misc(): string {\n\
        const o = { n: 3 } satisfies Opts;\n\
        return [pick('s'), pick(4), first<number>([7, 8]), Util.Deep.label, o.n].join(',');\n\
    }\n\
}\n";

#[test]
fn typescript_with_run_time_meaning_behaves_as_tsc_emits_it() {
    let packed = pack(&[
        ("index.ts", TS_SHOP),
        ("lib.ts", TS_LIB),
        ("helper.js", "module.exports = { twice: (n) => n * 2 };\n"),
    ]);
    let ids: Vec<&str> = packed.bundle.modules.keys().map(String::as_str).collect();
    assert_eq!(ids, ["helper.js", "index.ts", "lib.ts"]);
    let abi: Vec<(&str, usize)> = packed.abi.abi.iter().map(|m| (m.name.as_str(), m.args.len())).collect();
    assert_eq!(abi, [("kinds", 0), ("shapes", 1), ("util", 1), ("misc", 0)]);
    // The const enum's members are inlined where its file uses them.
    assert!(
        packed.bundle.modules["lib.ts"].source.contains("return 10 + 2 * n"),
        "{}",
        packed.bundle.modules["lib.ts"].source
    );
    let chain = Chain::new();
    let id = deploy(&chain, &packed);
    assert_eq!(ret(&chain, &id, "kinds", json!([])), r#"[1,2,"Token","nft",1,"A"]"#);
    assert_eq!(ret(&chain, &id, "shapes", json!([3])), "rect:6/2");
    assert_eq!(ret(&chain, &id, "util", json!([5])), "130");
    assert_eq!(ret(&chain, &id, "misc", json!([])), "s,4,7,deep,3");
}

/// Lines 1-6 compile to more lines (the enum) and other columns (the constructor; tabs for
/// indentation).
const TS_THROWS: &str = r#"enum Level {
    Low,
    High,
}
class Account {
    constructor(private owner: string, readonly level: Level = Level.Low) {}
    check(): void {
        if (this.level !== Level.High) {
            throw new Error(`${this.owner} is not high`);
        }
    }
}
export default class Bank {
    init(): void {}
    fail(who: string): void {
        new Account(who).check();
    }
}
"#;

#[test]
fn errors_in_typescript_name_the_ts_file_line_and_column() {
    let packed = pack(&[("index.ts", TS_THROWS)]);
    let chain = Chain::new();
    let id = deploy(&chain, &packed);
    let (r, logs) = chain.call_logged(&id, "fail", json!(["ann"]));
    assert_eq!(r.status, Status::RuntimeError);
    assert!(r.message.contains("Error: ann is not high"), "{}", r.message);
    let log = logs.join("\n");
    // QuickJS points at the callee's name (`Error`), V8 at the `new` before it; both are
    // positions in the .ts file, past the lines and columns the enum and constructor moved.
    let thrown_at = match EngineKind::from_env() {
        EngineKind::QuickJs => "at check (index.ts:9:23)",
        EngineKind::V8 => "at check (index.ts:9:19)",
    };
    assert!(log.contains(thrown_at), "{log}");
    assert!(log.contains("at fail (index.ts:16:26)"), "{log}");
    // A compile error after the enum and the constructor: the .ts position too.
    let bad = TS_THROWS.replace("new Account(who).check();", "const __jsvm_x = 1;");
    let message = refused(&[("index.ts", &bad)]);
    assert!(message.contains("index.ts:16:15: identifier '__jsvm_x' is reserved"), "{message}");
}

const PAYING: &str = "class Pay {
    init() {}
    /**
     * @param {string} amount
     * @param {string} [memo]
     * @amountLimit iost 100
     */
    deposit(amount, memo = 'none') { blockchain.deposit(blockchain.publisher(), amount, memo); return memo; }
    /**
     * @amountLimit * unlimited
     * @amountLimit iost 0.5
     */
    any() {}
}
module.exports = Pay;
";

#[test]
fn jsdoc_declares_amount_limits_and_optional_parameters() {
    let packed = pack(&[("index.js", PAYING)]);
    assert_eq!(
        packed.bundle.abi.as_ref().unwrap()["abi"],
        json!([
            {"name": "deposit", "args": ["string", "string"], "optional": 1, "amountLimit": [{"token": "iost", "val": "100"}]},
            {"name": "any", "args": [], "amountLimit": [{"token": "*", "val": "unlimited"}, {"token": "iost", "val": "0.5"}]},
        ])
    );
    let chain = Chain::new();
    let id = deploy(&chain, &packed);
    let call = |args: Value| {
        let mut tx = chain.tx("admin", &[], vec![jsvm_test_util::action(&id, "deposit", args)]);
        tx.amount_limit = vec![jsvm_vm::AmountLimit { token: "*".into(), val: "unlimited".into() }];
        chain.send(tx)
    };
    let r = call(json!(["50"]));
    assert_eq!((r.status, r.returns.clone()), (Status::Success, vec!["none".to_string()]), "{}", r.message);
    let r = call(json!(["100", "all"]));
    assert_eq!((r.status, r.returns.clone()), (Status::Success, vec!["all".to_string()]), "{}", r.message);
    let r = call(json!(["101"]));
    assert_eq!(r.status, Status::RuntimeError);
    assert!(r.message.contains("token iost exceed amountLimit in abi. need 101"), "{}", r.message);
    let r = call(json!([]));
    assert_eq!(r.status, Status::RuntimeError);
    assert!(r.message.contains("wrong number of arguments for deposit: expected 1 to 2, got 0"), "{}", r.message);
}

#[test]
fn typescript_optional_parameters_at_the_end_may_be_left_out_and_jsdoc_limits_apply() {
    let entry = "export default class T {
    init() {}
    /** @amountLimit iost 1.5 */
    greet(name: string, times?: number, loud: boolean = false): string {
        const text = `hi ${name} x${times ?? 1}`;
        return loud ? text.toUpperCase() : text;
    }
    middle(first: number = 1, second: string): string { return second + first; }
}
";
    let packed = pack(&[("index.ts", entry)]);
    assert_eq!(
        packed.bundle.abi.as_ref().unwrap()["abi"],
        json!([
            {"name": "greet", "args": ["string", "number", "bool"], "optional": 2, "amountLimit": [{"token": "iost", "val": "1.5"}]},
            {"name": "middle", "args": ["number", "string"]},
        ])
    );
    let chain = Chain::new();
    let id = deploy(&chain, &packed);
    assert_eq!(ret(&chain, &id, "greet", json!(["ann"])), "hi ann x1");
    assert_eq!(ret(&chain, &id, "greet", json!(["ann", 3])), "hi ann x3");
    assert_eq!(ret(&chain, &id, "greet", json!(["ann", 3, true])), "HI ANN X3");
    let r = chain.query(&id, "middle", json!(["b"]));
    assert!(r.message.contains("wrong number of arguments for middle: expected 2, got 1"), "{}", r.message);
}
