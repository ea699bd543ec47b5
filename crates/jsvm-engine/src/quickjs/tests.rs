use std::time::{Duration, Instant};

use super::*;
use crate::Limits;

/// Answers `echo` with its first argument, `fail` with a catchable error and
/// `abort` with an uncatchable one; records every call.
#[derive(Default)]
struct TestHost {
    calls: Vec<String>,
}

impl Host for TestHost {
    fn call(&mut self, op: &str, args: &[HostValue]) -> Result<HostValue, HostError> {
        self.calls.push(op.to_string());
        match op {
            "echo" => Ok(args.first().cloned().unwrap_or(HostValue::Undefined)),
            "fail" => Err(HostError::Throw("no such thing".into())),
            "abort" => Err(HostError::Abort("out of gas".into())),
            _ => Err(HostError::Throw(format!("unknown op {op}"))),
        }
    }
}

/// The prelude used by these tests: captures the host function, defines the
/// entry that calls the program's function with the args.
const PRELUDE: &str = r#"
const host = globalThis.__jsvm_host;
globalThis.hostCall = function (op, ...a) { return host(op, ...a); };
globalThis.__jsvm_entry = function (program, ...args) { return String(program(...args)); };
"#;

fn limits_ms(ms: u64) -> Limits {
    Limits { memory_bytes: 64 << 20, stack_bytes: 512 << 10, deadline: Instant::now() + Duration::from_millis(ms) }
}

fn run_with(engine: &mut QuickJs, program: &str, args: &[&str], ms: u64, host: &mut TestHost) -> Result<String, RunError> {
    let prelude = engine.compile("prelude.js", PRELUDE).unwrap();
    let prog = engine.compile("contract.js", program).expect("program compiles");
    let pre = [prelude.as_slice()];
    let inv = Invocation { prelude: &pre, program: &prog, entry: "__jsvm_entry", args, limits: limits_ms(ms) };
    engine.run(&inv, host)
}

fn run(program: &str) -> Result<String, RunError> {
    let mut e = QuickJs::new().unwrap();
    run_with(&mut e, program, &[], 2000, &mut TestHost::default())
}

#[test]
fn runs_a_program_and_returns_its_string() {
    assert_eq!(run("(function (a) { return 'hi ' + a; })").map(|_| ()), Ok(()));
    let mut e = QuickJs::new().unwrap();
    let out = run_with(&mut e, "(function (a, b) { return a + '-' + b; })", &["x", "y"], 2000, &mut TestHost::default());
    assert_eq!(out, Ok("x-y".to_string()));
}

#[test]
fn host_calls_cross_with_primitive_values() {
    let mut e = QuickJs::new().unwrap();
    let mut h = TestHost::default();
    let out = run_with(&mut e, "(function () { return hostCall('echo', 'v') + hostCall('echo', 7) + hostCall('echo', null); })", &[], 2000, &mut h);
    assert_eq!(out, Ok("v7null".into()));
    assert_eq!(h.calls, vec!["echo", "echo", "echo"]);
    let bad = run_with(&mut e, "(function () { return hostCall('echo', {}); })", &[], 2000, &mut h);
    assert!(matches!(bad, Err(RunError::Exception(ref m)) if m.contains("primitive")), "{bad:?}");
}

#[test]
fn the_host_function_and_entry_are_unreachable_from_the_program() {
    assert_eq!(run("(function () { return typeof __jsvm_host + typeof globalThis.__jsvm_entry; })"), Ok("undefinedundefined".into()));
}

#[test]
fn string_code_generation_is_refused_on_every_path() {
    for src in [
        "(function () { return eval('1'); })",
        "(function () { return Function('return 1')(); })",
        "(function () { return (function(){}).constructor('return 1')(); })",
        "(function () { return Object.getPrototypeOf(function*(){}).constructor('yield 1'); })",
        "(function () { return Reflect.construct(Function, ['return 1'])(); })",
    ] {
        let out = run(src);
        assert!(matches!(out, Err(RunError::Exception(_))), "{src} gave {out:?}");
    }
    // Function is still the class of functions.
    assert_eq!(run("(function () { return (function(){}) instanceof Function; })"), Ok("true".into()));
}

#[test]
fn nondeterministic_globals_are_absent() {
    let out = run("(function () { return [typeof Date, typeof Math.random, typeof SharedArrayBuffer, typeof Atomics, typeof WeakRef, typeof FinalizationRegistry, typeof Promise, typeof WebAssembly, typeof setTimeout, typeof eval].join(); })");
    assert_eq!(out, Ok(["undefined"; 10].join(",")));
}

#[test]
fn modern_javascript_works() {
    let src = r#"(function () {
        class A { #x = 1; static s = 2; get x() { return this.#x; } }
        const { a, ...rest } = { a: 1, b: 2, c: 3 };
        const m = new Map([["k", 1]]); const s = new Set([1, 1, 2]);
        function* g() { yield 1; yield 2; }
        let caught = "";
        try { null.x; } catch (e) { caught = e instanceof TypeError ? "TE" : "?"; } finally { caught += "!"; }
        const big = 2n ** 70n;
        return [new A().x, A.s, a, Object.keys(rest).join(""), m.get("k"), s.size, [...g()].join(""),
                caught, big.toString(), /a+/.exec("caaat")[0], `${1 + 1}`, null ?? "d", ({})?.q?.r, 1 == "1"].join("|");
    })"#;
    assert_eq!(run(src), Ok("1|2|1|bc|1|2|12|TE!|1180591620717411303424|aaa|2|d||true".into()));
}

#[test]
fn an_infinite_loop_times_out_even_inside_try_catch_finally() {
    let mut e = QuickJs::new().unwrap();
    let src = "(function () { for (;;) { try { while (true) {} } catch (e) {} finally { continue; } } })";
    let out = run_with(&mut e, src, &[], 50, &mut TestHost::default());
    assert_eq!(out, Err(RunError::Timeout));
    // The engine is usable afterwards.
    assert_eq!(run_with(&mut e, "(function () { return 'ok'; })", &[], 2000, &mut TestHost::default()), Ok("ok".into()));
}

#[test]
fn a_passed_deadline_runs_nothing() {
    let mut e = QuickJs::new().unwrap();
    let mut h = TestHost::default();
    let out = run_with(&mut e, "(function () { hostCall('echo', 1); return 'x'; })", &[], 0, &mut h);
    assert_eq!(out, Err(RunError::Timeout));
    assert!(h.calls.is_empty());
}

#[test]
fn host_throw_is_catchable_host_abort_is_not() {
    assert_eq!(run("(function () { try { hostCall('fail'); } catch (e) { return 'caught ' + e.message; } })"), Ok("caught no such thing".into()));
    let mut e = QuickJs::new().unwrap();
    let mut h = TestHost::default();
    let src = "(function () { for (;;) { try { hostCall('abort'); } catch (e) { hostCall('echo', 'after'); } finally { continue; } } })";
    let out = run_with(&mut e, src, &[], 2000, &mut h);
    assert_eq!(out, Err(RunError::Aborted("out of gas".into())));
    assert_eq!(h.calls, vec!["abort"], "no contract code ran after the abort");
}

#[test]
fn the_memory_limit_ends_the_run() {
    let out = run("(function () { const a = []; for (;;) a.push('x'.repeat(1 << 16) + a.length); })");
    assert_eq!(out, Err(RunError::OutOfMemory));
    let out = run("(function () { return 'x'.repeat(1 << 30).length; })");
    assert!(matches!(out, Err(RunError::OutOfMemory) | Err(RunError::Exception(_))), "{out:?}");
}

#[test]
fn deep_recursion_is_a_catchable_error_not_a_crash() {
    let out = run("(function () { function f(n) { return f(n + 1) + 1; } return f(0); })");
    assert!(matches!(out, Err(RunError::Exception(ref m)) if m.contains("stack")), "{out:?}");
}

#[test]
fn uncaught_errors_carry_name_message_and_line() {
    let out = run("(function () {\n  let x = 1;\n  throw new RangeError('bad ' + x);\n})");
    let Err(RunError::Exception(m)) = out else { panic!("{out:?}") };
    assert!(m.starts_with("RangeError: bad 1"), "{m}");
    assert!(m.contains("contract.js:3"), "{m}");
    assert_eq!(run("(function () { throw 'plain'; })"), Err(RunError::Exception("plain".into())));
}

#[test]
fn realms_do_not_share_globals() {
    let mut e = QuickJs::new().unwrap();
    let mut h = TestHost::default();
    let first = run_with(&mut e, "(function () { globalThis.leak = 1; Array.prototype.evil = 1; return 'set'; })", &[], 2000, &mut h);
    assert_eq!(first, Ok("set".into()));
    let second = run_with(&mut e, "(function () { return typeof leak + typeof [].evil; })", &[], 2000, &mut h);
    assert_eq!(second, Ok("undefinedundefined".into()));
}

#[test]
fn syntax_errors_fail_compilation_with_a_position() {
    let mut e = QuickJs::new().unwrap();
    let err = e.compile("c.js", "let = ;").unwrap_err();
    assert!(err.contains("SyntaxError"), "{err}");
}

#[test]
fn corrupt_bytecode_is_an_engine_error() {
    let mut e = QuickJs::new().unwrap();
    let prelude = e.compile("prelude.js", PRELUDE).unwrap();
    let pre = [prelude.as_slice()];
    let junk = vec![0xffu8; 32];
    let inv = Invocation { prelude: &pre, program: &junk, entry: "__jsvm_entry", args: &[], limits: limits_ms(1000) };
    assert!(matches!(e.run(&inv, &mut TestHost::default()), Err(RunError::Engine(_))));
}

#[test]
fn every_run_frees_everything_it_allocated() {
    // QuickJS asserts, when a runtime is freed, that no object is left: a leak
    // here would abort the node. Exercise each exit path, then drop.
    let mut e = QuickJs::new().unwrap();
    let mut h = TestHost::default();
    for src in [
        "(function () { return 'ok'; })",
        "(function () { throw new Error('x'); })",
        "(function () { hostCall('abort'); })",
        "(function () { for (;;) {} })",
        "(function () { const o = {}; o.self = o; const f = () => o; o.f = f; return 'cycle'; })",
        "(function () { function* g() { yield 1; } const it = g(); it.next(); return 'suspended generator'; })",
    ] {
        let _ = run_with(&mut e, src, &[], 50, &mut h);
    }
    drop(e);
}

#[test]
fn after_an_out_of_memory_run_the_next_run_has_its_whole_budget() {
    let mut e = QuickJs::new().unwrap();
    let mut h = TestHost::default();
    let bomb = "(function () { const a = []; for (;;) a.push(new Array(1000).fill(1)); })";
    assert_eq!(run_with(&mut e, bomb, &[], 5000, &mut h), Err(RunError::OutOfMemory));
    let ok = "(function () { const a = []; for (let i = 0; i < 1000; i++) a.push(new Array(100).fill(i)); return a.length; })";
    assert_eq!(run_with(&mut e, ok, &[], 5000, &mut h), Ok("1000".into()));
}
