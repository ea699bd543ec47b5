//! Code written without semicolons: the meter's spliced text must leave automatic
//! semicolon insertion working (docs/gas.md). Each form is deployed twice, as written
//! (`@` left out) and with its semicolons (`@` as `;`): both must deploy, return the same
//! value and use the same gas.

use jsvm_engine::EngineKind;
use jsvm_test_util::meter_kernels::meter_overhead_of;
use jsvm_test_util::rng::Rng;
use jsvm_test_util::{abi, Chain};
use jsvm_vm::Status;
use serde_json::json;

/// (what, class members besides `init`, value `run` returns). `@` marks where a
/// semicolon belongs.
const FORMS: &[(&str, &str, &str)] = &[
    ("return before }", "m(N) { return N@ }\n run() { return this.m(7)@ }", "7"),
    ("getter", "get v() { return 1@ }\n run() { return this.v@ }", "1"),
    ("arrow body", "run() { const f = (a) => { return a * 2@ }\n return f(21)@ }", "42"),
    ("x++ before }", "run() { let x = 1@\n const inc = () => { x++@ }\n inc()@\n return x@ }", "2"),
    ("throw before }", "run() { try { (() => { throw 5@ })()@ } catch (e) { return e@ } }", "5"),
    ("last statement of a finally", "run() { let t = 0@\n try { t++@ } finally { t += 10@ }\n return t@ }", "11"),
    ("folded if at a body's end", "run() { let t = 0@\n const f = () => { if (t < 1) t++@ }\n f()@\n return t@ }", "1"),
    ("function expression at a body's end", "run() { let f@\n (() => { f = function () { return 3@ }@ })()@\n return f()@ }", "3"),
    ("bare return before [", "run() { const r = () => { let a = 1@\n return@\n [a].length@ }\n return String(r())@ }", "undefined"),
    ("&& before [", "run() { let a = 1, b = 2@\n a > 0 && b++@\n [a, b] = [b, a]@\n return [a, b].join()@ }", "3,1"),
    (
        "?: with an arrow before (",
        "run() { let f = 0@\n f = f ? 1 : () => {}@\n (function () { f = 7@ })()@\n return f@ }",
        "7",
    ),
    ("yield after an open statement", "*g() { let q = 1@\n yield q@\n q++@\n yield q@ }\n run() { let t = 0@\n for (const v of this.g()) t += v@\n return t@ }", "3"),
    ("do-while then a statement", "run() { let t = 0@\n do { t++@ } while (t < 3) t += 10@\n return t@ }", "13"),
    (
        "break and continue before }",
        "run() { let t = 0@\n for (let i = 0; i < 5; i++) { if (i == 1) { continue@ }\n if (i == 3) { break@ }\n t += i@ }\n while (true) { t++@\n if (t > 5) break@ }\n return t@ }",
        "6",
    ),
    (
        "class fields",
        "run() { class P { x = 1@\n y = this.x ? 2 : () => {}@\n ['z'] = 3@\n static s = 4@ }\n const p = new P()@\n return p.x + p.y + p.z + P.s@ }",
        "10",
    ),
    ("static block", "run() { class Q { static v = 0@\n static { Q.v = 5@ } }\n return Q.v@ }", "5"),
    (
        "switch cases",
        "run() { let t = 0@\n switch (t) { case 0: t = 5@\n break@\n default: t = 6@ }\n return t@ }",
        "5",
    ),
    ("labelled continue", "run() { let t = 0@\n outer: for (let j = 0; j < 2; j++) { for (;;) { t++@\n continue outer@ } }\n return t@ }", "2"),
];

fn contract(members: &str, semicolon: &str) -> String {
    // No line break after the export: the program's last statement ends the source.
    format!("class C {{\n init() {{}}\n {members}\n}}\nmodule.exports = C{semicolon}").replace('@', semicolon)
}

#[test]
fn code_without_semicolons_deploys_and_behaves_as_with_them() {
    let c = Chain::new();
    let abi = abi(&[("run", &[])]);
    for (what, members, expected) in FORMS {
        let mut seen = Vec::new();
        for semicolon in ["", ";"] {
            let source = contract(members, semicolon);
            let (r, logs) = c.run_logged("admin", vec![jsvm_test_util::set_code(&source, &abi)]);
            assert_eq!(r.status, Status::Success, "{what} ({semicolon:?}): {}\n{}", r.message, logs.join("\n"));
            let id = r.returns[0].clone();
            let r = c.call(&id, "run", json!([]));
            assert_eq!(r.status, Status::Success, "{what} ({semicolon:?}): {}", r.message);
            // The transaction's bytes cost 10 each, and contract ids differ in length.
            seen.push((r.returns.clone(), r.gas_used - 10 * id.len() as u64));
        }
        assert_eq!(seen[0].0, vec![expected.to_string()], "{what}");
        assert_eq!(seen[0], seen[1], "{what}: value and gas must not depend on the semicolons");
    }
}

/// Statements without semicolons. `~` marks a place where any white space may go (a line
/// break included: none is after `return`, `throw`, `break` or `continue`, nor before a
/// postfix `++`); `#` is replaced by a number unique in the program.
const STATEMENTS: &[&str] = &[
    "t += a * ~ 2",
    "a++",
    "b--",
    "t = (t + a) % 1000",
    "a = a + 1, ~ b = b + 1",
    "if (a > b) ~ t++\nelse ~ t--",
    "if (t > 100) ~ t = 0",
    "for (let i = 0; i < 3; i++) ~ t += i",
    "for (let i = 0; i < 3; i++) { ~ t += i ~ }",
    "for (const k in { p: 1, q: 2 }) ~ t += k.length",
    "while (a < 4) ~ a++",
    "do { ~ t++ ~ } while (t < 2)",
    "do { ~ t++ ~ } while (t < 2) t += 1",
    "t += ((x) => { ~ return x * 2 ~ })(a)",
    "t += (x => x + 1)(b)",
    "t += (function (x) { ~ if (x) return x\n return 0 ~ })(a)",
    "t += ({ get v() { ~ return a ~ } }).v",
    "t += new (class { x = a\n y = 3 ~ \n get w() { return this.x + this.y } ~ })().w",
    "t += (class { static s = 1\n static { ~ this.s = 5 ~ } ~ }).s",
    "try { ~ t++ ~ } finally { ~ a++ ~ }",
    "try { ~ throw a ~ } catch (e) { ~ t += e ~ }",
    "switch (a % 3) { case 0: ~ t++\n break\n case 1: ~ t += 2\n default: ~ t-- ~ }",
    "a > 0 && b++\n[a, b] = [b, a]",
    "let f# = t ? 0 : () => {}\n(function () { ~ t += 7 ~ })()",
    "let g# = t ? 0 : () => {}\n`q`.length",
    "t += (() => { ~ let q = 1\n return\n [q].length ~ })() === undefined ? 1 : 0",
    "t += (() => { ~ let z = t\n z++ ~ })() === undefined ? 1 : 0",
    "for (const v of (function* () { ~ let q = a\n yield q\n yield q + 1 ~ })()) ~ t += v",
    "outer#: for (let j = 0; j < 2; j++) { ~ for (;;) { ~ t++\n continue outer# ~ } ~ }",
    "while (true) { ~ t++\n if (t % 5 == 0) break ~ }",
    "{ ~ t++ ~ }",
];

/// White space for a `~`, and what may separate two statements.
const SPACES: &[&str] = &[" ", " ", "\n", "  ", " /* c */ ", "\n\t", "\r\n", " /* c\n */ "];
const SEPARATORS: &[&str] = &["\n", "\n\n", "\n// note\n", " /* c\n */ ", "\r\n", "\u{2028}"];

fn program(rng: &mut Rng) -> String {
    let mut body = String::from("let a = 1, b = 2, t = 0");
    for n in 0..4 + rng.below(7) {
        body.push_str(rng.pick::<&str>(SEPARATORS));
        let statement = rng.pick(STATEMENTS).replace('#', &n.to_string());
        for (i, part) in statement.split('~').enumerate() {
            if i > 0 {
                body.push_str(rng.pick::<&str>(SPACES));
            }
            body.push_str(part);
        }
    }
    body.push_str(rng.pick::<&str>(SEPARATORS));
    body.push_str("return [a, b, t].join()");
    body
}

#[test]
fn programs_without_semicolons_behave_metered_as_unmetered() {
    let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
    let programs: Vec<String> = (0..300).map(|_| program(&mut rng)).collect();
    let kernels: Vec<(String, &str)> =
        programs.iter().enumerate().map(|(i, p)| (format!("program {i}"), p.as_str())).collect();
    let kernels: Vec<(&str, &str)> = kernels.iter().map(|(name, p)| (name.as_str(), *p)).collect();
    // Metered and unmetered, each program compiles, runs and returns the same value.
    let kind = EngineKind::from_env();
    if let Err(e) = meter_overhead_of(kind, &kernels, 1) {
        let failed = kernels.iter().find(|k| meter_overhead_of(kind, &[**k], 1).is_err());
        panic!("{e}\n{}", failed.map_or("", |(_, p)| *p));
    }
}
