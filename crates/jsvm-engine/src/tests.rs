//! Every engine test runs on every engine built: each test is a function of a factory of
//! engines, instantiated per engine by `engine_tests!` at the end.

use std::time::{Duration, Instant};

use super::*;
use crate::Limits;

/// Answers `echo` with its first argument, `fail` with a catchable error and
/// `abort` with a halt (out of gas); records every call.
#[derive(Default)]
pub(crate) struct TestHost {
    pub(crate) calls: Vec<String>,
}

impl Host for TestHost {
    fn call(&mut self, op: &str, args: &[HostValue]) -> Result<HostValue, HostError> {
        self.calls.push(op.to_string());
        match op {
            "echo" => Ok(args.first().cloned().unwrap_or(HostValue::Undefined)),
            "fail" => Err(HostError::Throw("no such thing".into())),
            "abort" => Err(HostError::Halt(Halt::OutOfGas)),
            _ => Err(HostError::Throw(format!("unknown op {op}"))),
        }
    }
}

/// The prelude used by these tests: captures the host function, defines the
/// entry that calls the program's function with the args.
pub(crate) const PRELUDE: &str = r#"
const host = globalThis.__jsvm_host;
globalThis.hostCall = function (op, ...a) { return host(op, ...a); };
globalThis.__jsvm_entry = function (program, ...args) { return String(program(...args)); };
"#;

pub(crate) fn limits_ms(ms: u64) -> Limits {
    Limits { memory_bytes: 64 << 20, stack_bytes: 512 << 10, deadline: Instant::now() + Duration::from_millis(ms) }
}

pub(crate) fn run_with(
    engine: &mut dyn Engine,
    program: &str,
    args: &[&str],
    ms: u64,
    host: &mut TestHost,
) -> Result<String, Halt> {
    let prelude = engine.compile("prelude.js", PRELUDE).unwrap();
    let prog = engine.compile("contract.js", program).expect("program compiles");
    let pre = [prelude.as_slice()];
    let inv = Invocation { prelude: &pre, program: &prog, entry: "__jsvm_entry", args, limits: limits_ms(ms) };
    engine.run(&inv, host)
}

/// Makes a new engine of the kind under test.
pub(crate) type New = fn() -> Box<dyn Engine>;

fn run_on(new: New, program: &str) -> Result<String, Halt> {
    let mut e = new();
    run_with(&mut *e, program, &[], 2000, &mut TestHost::default())
}

fn runs_a_program_and_returns_its_string(new: New) {
    assert_eq!(run_on(new, "(function (a) { return 'hi ' + a; })").map(|_| ()), Ok(()));
    let mut e = new();
    let out =
        run_with(&mut *e, "(function (a, b) { return a + '-' + b; })", &["x", "y"], 2000, &mut TestHost::default());
    assert_eq!(out, Ok("x-y".to_string()));
}

/// A host that panics on `boom` and echoes otherwise.
struct PanickingHost;

impl Host for PanickingHost {
    fn call(&mut self, op: &str, args: &[HostValue]) -> Result<HostValue, HostError> {
        match op {
            "boom" => panic!("the host broke on {:?}", args.first()),
            _ => Ok(args.first().cloned().unwrap_or(HostValue::Undefined)),
        }
    }
}

fn a_host_panic_reaches_the_caller_and_the_engine_runs_again(new: New) {
    let mut e = new();
    let prelude = e.compile("prelude.js", PRELUDE).unwrap();
    let prog = e
        .compile("contract.js", "(function (op) { try { return hostCall(op, 'x'); } catch (e) { return 'caught'; } })")
        .unwrap();
    let pre = [prelude.as_slice()];
    let inv =
        |op| Invocation { prelude: &pre, program: &prog, entry: "__jsvm_entry", args: op, limits: limits_ms(2000) };
    let panicked =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| e.run(&inv(&["boom"]), &mut PanickingHost)));
    let payload = panicked.expect_err("the host's panic reaches the caller, not the contract's catch");
    let text = payload.downcast_ref::<String>().cloned().unwrap_or_default();
    assert_eq!(text, "the host broke on Some(String(\"x\"))");
    assert_eq!(e.run(&inv(&["echo"]), &mut PanickingHost), Ok("x".to_string()));
}

fn host_calls_cross_with_primitive_values(new: New) {
    let mut e = new();
    let mut h = TestHost::default();
    let out = run_with(
        &mut *e,
        "(function () { return hostCall('echo', 'v') + hostCall('echo', 7) + hostCall('echo', null); })",
        &[],
        2000,
        &mut h,
    );
    assert_eq!(out, Ok("v7null".into()));
    assert_eq!(h.calls, vec!["echo", "echo", "echo"]);
    // Numbers cross unchanged: -0 keeps its sign, NaN and fractions stay what they are.
    let numbers = "(function () { const n = [-0, 0, NaN, 0.5, -7, 2 ** 40, -Infinity].map((x) => hostCall('echo', x)); \
                   return [Object.is(n[0], -0), Object.is(n[1], 0), Number.isNaN(n[2]), n[3], n[4], n[5], n[6]].join(); })";
    assert_eq!(
        run_with(&mut *e, numbers, &[], 2000, &mut h),
        Ok("true,true,true,0.5,-7,1099511627776,-Infinity".into())
    );
    let bad = run_with(&mut *e, "(function () { return hostCall('echo', {}); })", &[], 2000, &mut h);
    assert!(matches!(bad, Err(Halt::Uncaught(ref m)) if m.contains("primitive")), "{bad:?}");
}

fn the_host_function_and_entry_are_unreachable_from_the_program(new: New) {
    assert_eq!(
        run_on(new, "(function () { return typeof __jsvm_host + typeof globalThis.__jsvm_entry; })"),
        Ok("undefinedundefined".into())
    );
}

fn string_code_generation_is_refused_on_every_path(new: New) {
    for src in [
        "(function () { return eval('1'); })",
        "(function () { return Function('return 1')(); })",
        "(function () { return (function(){}).constructor('return 1')(); })",
        "(function () { return Object.getPrototypeOf(function*(){}).constructor('yield 1'); })",
        "(function () { return Reflect.construct(Function, ['return 1'])(); })",
    ] {
        let out = run_on(new, src);
        assert!(matches!(out, Err(Halt::Uncaught(_))), "{src} gave {out:?}");
    }
    // Function is still the class of functions.
    assert_eq!(run_on(new, "(function () { return (function(){}) instanceof Function; })"), Ok("true".into()));
}

fn nondeterministic_globals_are_absent(new: New) {
    let out = run_on(new, "(function () { return [typeof Date, typeof Math.random, typeof SharedArrayBuffer, typeof Atomics, typeof WeakRef, typeof FinalizationRegistry, typeof Promise, typeof WebAssembly, typeof setTimeout, typeof eval].join(); })");
    assert_eq!(out, Ok(["undefined"; 10].join(",")));
}

fn global_and_self_name_the_global_object_read_only(new: New) {
    let src = r#"(function () {
        "use strict";
        let refused = "";
        try { global = 1; } catch (e) { refused += e.name; }
        try { self = 1; } catch (e) { refused += "," + e.name; }
        const d = Object.getOwnPropertyDescriptor(globalThis, "global");
        return [global === globalThis, self === globalThis, refused, d.writable, d.enumerable, d.configurable,
                Object.keys(globalThis).includes("global")].join();
    })"#;
    assert_eq!(run_on(new, src), Ok("true,true,TypeError,TypeError,false,false,false,false".into()));
}

fn modern_javascript_works(new: New) {
    let src = r#"(function () {
        class A { #x = 1; static s = 2; get x() { return this.#x; } }
        const { a, ...rest } = { a: 1, b: 2, c: 3 };
        const m = new Map([["k", 1]]); const s = new Set([1, 1, 2]);
        function* g() { yield 1; yield 2; }
        let caught = "";
        try { null.x; } catch (e) { caught = e instanceof TypeError ? "TE" : "?"; } finally { caught += "!"; }
        const big = 2 ** 52 + 1;
        return [new A().x, A.s, a, Object.keys(rest).join(""), m.get("k"), s.size, [...g()].join(""),
                caught, big.toString(), /a+/.exec("caaat")[0], `${1 + 1}`, null ?? "d", ({})?.q?.r, 1 == "1",
                typeof BigInt, typeof BigInt64Array].join("|");
    })"#;
    assert_eq!(run_on(new, src), Ok("1|2|1|bc|1|2|12|TE!|4503599627370497|aaa|2|d||true|undefined|undefined".into()));
}

fn an_infinite_loop_times_out_even_inside_try_catch_finally(new: New) {
    let mut e = new();
    let src = "(function () { for (;;) { try { while (true) {} } catch (e) {} finally { continue; } } })";
    let out = run_with(&mut *e, src, &[], 50, &mut TestHost::default());
    assert_eq!(out, Err(Halt::Timeout));
    // The engine is usable afterwards.
    assert_eq!(
        run_with(&mut *e, "(function () { return 'ok'; })", &[], 2000, &mut TestHost::default()),
        Ok("ok".into())
    );
}

/// One native call whose work grows with its input (a generic array method over a huge
/// array-like, a quadratic string search) is stopped by the deadline, not run to its end:
/// QuickJS polls its interrupt handler inside these loops (vendor/rquickjs-sys). V8 10.2 runs
/// its own to their end (these built-ins are priced up front instead: docs/gas.md).
#[test]
fn quickjs_native_loops_stop_at_the_deadline() {
    let mut e = crate::QuickJs::new().unwrap();
    for call in [
        "Array.prototype.shift.call({ length: 2 ** 32 - 1 })",
        "Array.prototype.unshift.call({ length: 2 ** 32 - 1 }, 1)",
        "Array.prototype.copyWithin.call({ length: 2 ** 32 - 1 }, 1, 0)",
        "Array.prototype.splice.call({ length: 2 ** 32 - 1 }, 0, 1)",
        "Array.prototype.reverse.call({ length: 2 ** 32 - 1 })",
        "'a'.repeat(200000).indexOf('a'.repeat(100000) + 'b')",
        "'a'.repeat(200000).lastIndexOf('a'.repeat(100000) + 'b')",
    ] {
        let started = Instant::now();
        let src = format!("(function () {{ return {call}; }})");
        let out = run_with(&mut e, &src, &[], 50, &mut TestHost::default());
        let elapsed = started.elapsed();
        assert!(elapsed < Duration::from_millis(500), "{call} ran {elapsed:?}");
        assert_eq!(out, Err(Halt::Timeout), "{call}");
    }
}

fn a_passed_deadline_runs_nothing(new: New) {
    let mut e = new();
    let mut h = TestHost::default();
    let out = run_with(&mut *e, "(function () { hostCall('echo', 1); return 'x'; })", &[], 0, &mut h);
    assert_eq!(out, Err(Halt::Timeout));
    assert!(h.calls.is_empty());
}

fn host_throw_is_catchable_host_abort_is_not(new: New) {
    assert_eq!(
        run_on(new, "(function () { try { hostCall('fail'); } catch (e) { return 'caught ' + e.message; } })"),
        Ok("caught no such thing".into())
    );
    let mut e = new();
    let mut h = TestHost::default();
    let src = "(function () { for (;;) { try { hostCall('abort'); } catch (e) { hostCall('echo', 'after'); } finally { continue; } } })";
    let out = run_with(&mut *e, src, &[], 2000, &mut h);
    assert_eq!(out, Err(Halt::OutOfGas));
    assert_eq!(h.calls, vec!["abort"], "no contract code ran after the abort");
    // Not even a built-in that never looks up from its work.
    let src = "(function () { try { hostCall('abort'); } finally { Array.from({ length: 5e8 }); hostCall('echo', 'after'); } })";
    let start = Instant::now();
    assert_eq!(run_with(&mut *e, src, &[], 20000, &mut h), Err(Halt::OutOfGas));
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    assert_eq!(h.calls, vec!["abort", "abort"]);
}

fn the_memory_limit_ends_the_run(new: New) {
    let out = run_on(new, "(function () { const a = []; for (;;) a.push('x'.repeat(1 << 16) + a.length); })");
    assert_eq!(out, Err(Halt::OutOfMemory));
    let out = run_on(new, "(function () { return 'x'.repeat(1 << 30).length; })");
    assert!(matches!(out, Err(Halt::OutOfMemory) | Err(Halt::Uncaught(_))), "{out:?}");
}

fn deep_recursion_is_a_catchable_error_not_a_crash(new: New) {
    let out = run_on(new, "(function () { function f(n) { return f(n + 1) + 1; } return f(0); })");
    assert!(matches!(out, Err(Halt::Uncaught(ref m)) if m.contains("stack")), "{out:?}");
}

fn uncaught_errors_carry_name_and_message_without_positions(new: New) {
    // Positions differ between engines: they go to the node's log (the class libraries
    // read them aside, errors.js), never into what a run returns.
    let out = run_on(new, "(function () {\n  let x = 1;\n  throw new RangeError('bad ' + x);\n})");
    assert_eq!(out, Err(Halt::Uncaught("RangeError: bad 1".into())));
    let stack =
        run_on(new, "(function () { return '[' + new Error('e').stack + ']' + typeof globalThis.__jsvm_errors; })");
    assert_eq!(stack, Ok("[]undefined".into()));
    assert_eq!(run_on(new, "(function () { throw 'plain'; })"), Err(Halt::Uncaught("plain".into())));
}

fn realms_do_not_share_globals(new: New) {
    let mut e = new();
    let mut h = TestHost::default();
    let first = run_with(
        &mut *e,
        "(function () { globalThis.leak = 1; Array.prototype.evil = 1; return 'set'; })",
        &[],
        2000,
        &mut h,
    );
    assert_eq!(first, Ok("set".into()));
    let second = run_with(&mut *e, "(function () { return typeof leak + typeof [].evil; })", &[], 2000, &mut h);
    assert_eq!(second, Ok("undefinedundefined".into()));
}

fn syntax_errors_fail_compilation_with_a_position(new: New) {
    let mut e = new();
    let err = e.compile("c.js", "let = ;").unwrap_err();
    assert!(err.contains("SyntaxError"), "{err}");
}

fn corrupt_bytecode_is_an_engine_error(new: New) {
    let mut e = new();
    let prelude = e.compile("prelude.js", PRELUDE).unwrap();
    let pre = [prelude.as_slice()];
    let junk = vec![0xffu8; 32];
    let inv = Invocation { prelude: &pre, program: &junk, entry: "__jsvm_entry", args: &[], limits: limits_ms(1000) };
    assert!(matches!(e.run(&inv, &mut TestHost::default()), Err(Halt::Fault(_))));
}

fn every_run_frees_everything_it_allocated(new: New) {
    // QuickJS asserts, when a runtime is freed, that no object is left: a leak
    // here would abort the node. Exercise each exit path, then drop.
    let mut e = new();
    let mut h = TestHost::default();
    for src in [
        "(function () { return 'ok'; })",
        "(function () { throw new Error('x'); })",
        "(function () { hostCall('abort'); })",
        "(function () { for (;;) {} })",
        "(function () { const o = {}; o.self = o; const f = () => o; o.f = f; return 'cycle'; })",
        "(function () { function* g() { yield 1; } const it = g(); it.next(); return 'suspended generator'; })",
    ] {
        let _ = run_with(&mut *e, src, &[], 50, &mut h);
    }
    drop(e);
}

fn after_an_out_of_memory_run_the_next_run_has_its_whole_budget(new: New) {
    let mut e = new();
    let mut h = TestHost::default();
    let bomb = "(function () { const a = []; for (;;) a.push(new Array(1000).fill(1)); })";
    assert_eq!(run_with(&mut *e, bomb, &[], 5000, &mut h), Err(Halt::OutOfMemory));
    let ok = "(function () { const a = []; for (let i = 0; i < 1000; i++) a.push(new Array(100).fill(i)); return a.length; })";
    assert_eq!(run_with(&mut *e, ok, &[], 5000, &mut h), Ok("1000".into()));
}

fn every_reachable_object_is_frozen(new: New) {
    // The walk of the lockdown's harden, from the global object and the intrinsics only
    // syntax reaches: no object on it may be left extensible or writable.
    let src = r#"(function () {
        function* generator() {}
        "use strict";
        const roots = [globalThis, generator, generator(), [][Symbol.iterator](), new Map()[Symbol.iterator](),
            new Set()[Symbol.iterator](), ""[Symbol.iterator](), /x/[Symbol.matchAll](""),
            (function () { return arguments; })(), Object.getPrototypeOf(Uint8Array)]
            .map((o, i) => i === 0 ? o : i === 2 ? Object.getPrototypeOf(Object.getPrototypeOf(o)) : Object.getPrototypeOf(o));
        const seen = new Set();
        const open = [];
        while (roots.length > 0) {
            const o = roots.pop();
            if (o === null || (typeof o !== "object" && typeof o !== "function") || seen.has(o)) continue;
            seen.add(o);
            if (!Object.isFrozen(o)) open.push(typeof o === "function" ? o.name : Object.prototype.toString.call(o));
            roots.push(Object.getPrototypeOf(o));
            for (const key of Reflect.ownKeys(o)) {
                const d = Reflect.getOwnPropertyDescriptor(o, key);
                if (d === undefined) continue;
                if ("value" in d) roots.push(d.value); else roots.push(d.get, d.set);
                // What a getter hands out is reachable too.
                if (d.get !== undefined) { try { roots.push(Reflect.apply(d.get, o, [])); } catch (e) {} }
            }
        }
        return seen.size > 500 ? "open: " + open.join(",") : "too few objects: " + seen.size;
    })"#;
    let mut e = new();
    let mut h = TestHost::default();
    // Twice: the first realm, and one built after an aborted run.
    assert_eq!(run_with(&mut *e, src, &[], 5000, &mut h), Ok("open: ".into()));
    let _ = run_with(&mut *e, "(function () { hostCall('abort'); })", &[], 5000, &mut h);
    assert_eq!(run_with(&mut *e, src, &[], 5000, &mut h), Ok("open: ".into()));
}

fn the_late_built_ins_follow_the_specification(new: New) {
    // `at`, `findLast`, `findLastIndex` and `Object.hasOwn`: native on QuickJS, defined by the
    // lockdown on V8 (see lockdown.js).
    let src = r#"(function () {
        const a = [1, 2, 3, 4];
        const t = new Int16Array([5, -6, 7]);
        const like = { length: 3, 0: "a", 1: "b", 2: "c" };
        const out = [
            a.at(0), a.at(-1), a.at(4), a.at(-5), a.at(1.7), a.at("1"), a.at(NaN), [].at(0),
            "héllo".at(1), "abc".at(-1), "abc".at(3), String.prototype.at.call(12345, -2),
            t.at(-2), t.at(9),
            a.findLast((x) => x % 2 === 1), a.findLastIndex((x) => x > 9), a.findLastIndex((x) => x < 3),
            t.findLast((x) => x < 0), t.findLastIndex((x) => x > 6),
            Array.prototype.findLast.call(like, (x, i, o) => o === like && i === 1),
            Array.prototype.at.call(like, -1),
            Object.hasOwn({ q: 1 }, "q"), Object.hasOwn({ q: 1 }, "toString"), Object.hasOwn([1], 0), Object.hasOwn("ab", "1"),
            Array.prototype.at.length, Array.prototype.findLast.length, Object.hasOwn.length, String.prototype.at.length,
            Array.prototype.findLast.name, Object.hasOwn.name,
            Array.prototype[Symbol.unscopables].findLast, Array.prototype[Symbol.unscopables].at,
            Object.getOwnPropertyDescriptor(Array.prototype, "at").enumerable,
        ];
        const thrown = [];
        for (const f of [() => Array.prototype.at.call(null, 0), () => [].findLast(1), () => Object.hasOwn(null, "x"),
                         () => Int8Array.prototype.at.call([1], 0), () => "".at(Symbol()), () => [].at(1n)]) {
            try { f(); thrown.push("no"); } catch (e) { thrown.push(e.constructor.name); }
        }
        let order = [];
        [1, 2, 3].findLast(function (x, i) { order.push(i, this === undefined ? "u" : this.k); }, { k: "k" });
        return JSON.stringify([out, thrown, order]);
    })"#;
    let expected = r#"[[1,4,null,null,2,2,1,null,"é","c",null,"4",-6,null,3,-1,1,-6,2,"b","c",true,false,true,true,1,1,2,1,"findLast","hasOwn",true,true,false],["TypeError","TypeError","TypeError","TypeError","TypeError","TypeError"],[2,"k",1,"k",0,"k"]]"#;
    assert_eq!(run_on(new, src), Ok(expected.into()));
}

fn library_functions_print_as_built_ins(new: New) {
    let src = r#"(function () {
        const shown = [String(hostCall), String([].at), String(Object.hasOwn), String(Function.prototype.toString),
                       Function.prototype.toString.call(Object.getOwnPropertyDescriptor(Object.prototype, "toString").get)];
        const native = shown.every((t) => /^function [\w ]*\(\) \{ \[native code\] \}$/.test(t));
        function own(a) { return a + 1; }
        return [native, String(own), String(Math.max), String([].fill), String(own.bind(null))].join("|");
    })"#;
    // One text for a built-in on every engine (QuickJS's own spans three lines, V8's one).
    let expected = "true|function own(a) { return a + 1; }|function max() { [native code] }|\
                    function fill() { [native code] }|function bound own() { [native code] }";
    assert_eq!(run_on(new, src), Ok(expected.into()));
}

fn a_hot_realm_keeps_nothing_of_a_run(new: New) {
    // One prelude buffer, so the realm is reused: what one run tries to leave on shared
    // objects (the built-ins behind the lockdown's accessors among them) the next does not see.
    let mut e = new();
    let prelude = e.compile_library("prelude.js", PRELUDE).unwrap();
    let pre = [prelude.as_slice()];
    let mut run = |src: &str| {
        let code = e.compile("contract.js", src).unwrap();
        let inv =
            Invocation { prelude: &pre, program: &code, entry: "__jsvm_entry", args: &[], limits: limits_ms(5000) };
        e.run(&inv, &mut TestHost::default())
    };
    let leave = r#"(function () {
        const targets = [[].concat, Function.prototype.call, Object.prototype.toString, [].at, Math, hostCall, Error];
        let kept = 0;
        for (const t of targets) { try { t.leak = 1; kept++; } catch (e) {} }
        return String(kept);
    })"#;
    // (Sloppy code: an assignment to a frozen object is silently dropped.)
    assert_eq!(run(leave), Ok("7".into()));
    let look = "(function () { return [[].concat.leak, Function.prototype.call.leak, Object.prototype.toString.leak, [].at.leak, Math.leak, hostCall.leak, Error.leak].join(); })";
    assert_eq!(run(look), Ok(",,,,,,".into()));
}

fn locale_forms_and_unspecified_corners_are_the_same_everywhere(new: New) {
    // What the lockdown makes engine-independent (lockdown.js): the locale forms, joining an
    // array that holds itself, a reviver's arguments, ArrayBuffer's options.
    let src = r#"(function () {
        const out = [];
        out.push((1234567.891).toLocaleString(), (-0).toLocaleString(), NaN.toLocaleString(),
                 [1234.5, null, "x", undefined, { toLocaleString() { return "L"; } }].toLocaleString(),
                 new Float64Array([1e21, 0.5]).toLocaleString(), [].toLocaleString(),
                 Number.prototype.toLocaleString.length, Array.prototype.toLocaleString.name);
        out.push(["a".localeCompare("B"), "B".localeCompare("a"), "é".localeCompare("f"), "a".localeCompare("a"),
                  "a".localeCompare(), "undefined".localeCompare(), String.prototype.localeCompare.length].join());
        const a = [1, 2]; a.push(a, [a, 3]);
        out.push(a.join("-"), String(a), a.toLocaleString());
        out.push(JSON.stringify(JSON.parse('{"a":[1,2]}', function (k, v) { return Array.isArray(v) ? arguments.length : v; })));
        let reads = 0;
        const buf = new ArrayBuffer(8, { get maxByteLength() { reads++; return 16; } });
        out.push(reads, buf.byteLength, buf instanceof ArrayBuffer, buf.constructor === ArrayBuffer, buf.slice(2).byteLength,
                 ArrayBuffer.length, ArrayBuffer.isView(new Uint8Array(1)), new Uint8Array(4).buffer.constructor === ArrayBuffer);
        class Big extends ArrayBuffer {}
        out.push(new Big(3).byteLength, new Big(3) instanceof Big, typeof RegExp.$1, typeof RegExp.lastMatch,
                 typeof Symbol.dispose, String(Symbol.dispose), typeof Error.captureStackTrace, typeof Error.stackTraceLimit);
        const thrown = [];
        for (const f of [() => ArrayBuffer(1), () => Number.prototype.toLocaleString.call("1"),
                         () => String.prototype.localeCompare.call(null, "a"), () => [{ toLocaleString: 1 }].toLocaleString(),
                         () => Int8Array.prototype.toLocaleString.call([1])]) {
            try { f(); thrown.push("no"); } catch (e) { thrown.push(e.constructor.name); }
        }
        out.push(thrown.join());
        return out.join("|");
    })"#;
    let expected = "1234567.891|0|NaN|1234.5,,x,,L|1e+21,0.5||0|toLocaleString|1,-1,1,0,-1,0,1|1-2--,3|1,2,,,3|1,2,,,3|{\"a\":2}|0|8|true|true|6|1|true|true|3|true|undefined|undefined|symbol|Symbol(Symbol.dispose)|undefined|undefined|TypeError,TypeError,TypeError,TypeError,TypeError";
    assert_eq!(run_on(new, src), Ok(expected.into()));
}

/// A prelude like [`PRELUDE`] in strict code (a sloppy function has own `arguments` and
/// `caller` on V8, none on QuickJS; the class libraries are strict code).
#[cfg(feature = "v8")]
const STRICT_PRELUDE: &str = r#""use strict";
const host = globalThis.__jsvm_host;
globalThis.hostCall = function (op, ...a) { return host(op, ...a); };
globalThis.__jsvm_entry = function (program, ...args) { return String(program(...args)); };
"#;

/// What realm_shape.js leaves out of the comparison: the error stack, whose text the error
/// canonicalisation owns (QuickJS keeps it behind an accessor on Error.prototype, V8 on
/// each error).
#[cfg(feature = "v8")]
const SHAPE_LEFT_OUT: &str = r#"["globalThis.Error.prototype.stack"]"#;

/// The description of the realm an engine builds (lockdown, a small strict prelude, harden).
#[cfg(feature = "v8")]
fn realm_shape(mut e: Box<dyn Engine>) -> String {
    let prelude = e.compile("prelude.js", STRICT_PRELUDE).unwrap();
    let prog = e.compile("contract.js", include_str!("realm_shape.js")).unwrap();
    let pre = [prelude.as_slice()];
    let inv = Invocation {
        prelude: &pre,
        program: &prog,
        entry: "__jsvm_entry",
        args: &[SHAPE_LEFT_OUT],
        limits: limits_ms(20_000),
    };
    e.run(&inv, &mut TestHost::default()).unwrap_or_else(|err| panic!("{}: {err}", e.version()))
}

#[cfg(feature = "v8")]
#[test]
fn both_engines_build_the_same_realm() {
    let quickjs = realm_shape(Box::new(crate::QuickJs::new().unwrap()));
    let v8 = realm_shape(Box::new(crate::V8::new().unwrap()));
    let (q, v): (Vec<&str>, Vec<&str>) = (quickjs.lines().collect(), v8.lines().collect());
    // Every object reachable from the global object and the hidden intrinsics.
    let objects = q.iter().filter(|l| !l.starts_with(' ')).count();
    assert!(objects > 450, "the walk found only {objects} objects");
    let only = |a: &[&str], b: &[&str]| -> Vec<String> {
        let other: std::collections::BTreeSet<&str> = b.iter().copied().collect();
        let mut block = "";
        let mut out = Vec::new();
        for l in a {
            if !l.starts_with(' ') {
                block = l;
            }
            if !other.contains(l) {
                out.push(if l.starts_with(' ') { format!("{block}\n    {l}") } else { l.to_string() });
            }
        }
        out
    };
    let (q_only, v_only) = (only(&q, &v), only(&v, &q));
    assert!(
        q_only.is_empty() && v_only.is_empty() && q == v,
        "the realms differ\nonly on QuickJS:\n{}\nonly on V8:\n{}",
        q_only.join("\n"),
        v_only.join("\n")
    );
    // What the lockdown removed is gone, what it defined is there.
    for gone in [
        "Object.groupBy",
        "Array.prototype.toReversed",
        "Array.prototype.toSorted",
        "Set.prototype.union",
        "String.prototype.isWellFormed",
        "Error.captureStackTrace",
        "Error.stackTraceLimit",
        "RegExp.$1",
        "RegExp.escape",
        "Math.sumPrecise",
        "globalThis.BigInt ",
        "DataView.prototype.getBigInt64",
    ] {
        assert!(!quickjs.contains(&format!("globalThis.{gone}")), "{gone} is still there");
    }
    for there in [
        "\nglobalThis.Array.prototype.findLast function",
        "\nglobalThis.Object.hasOwn function",
        "\n  dispose data --- symbol(Symbol.dispose)",
        "\nglobalThis.ArrayBuffer function [object Function] constructor",
        "\n  global data --- <globalThis>",
        "\n  self data --- <globalThis>",
    ] {
        assert!(quickjs.contains(there), "{there} is missing");
    }
}

/// Declares every test above once per engine: `quickjs::name` and, with the `v8` feature,
/// `v8::name`.
macro_rules! engine_tests {
    ($($name:ident),* $(,)?) => {
        mod quickjs {
            $(#[test]
            fn $name() {
                super::$name(|| Box::new(crate::QuickJs::new().unwrap()))
            })*
        }
        #[cfg(feature = "v8")]
        mod v8 {
            $(#[test]
            fn $name() {
                super::$name(|| Box::new(crate::V8::new().unwrap()))
            })*
        }
    };
}

engine_tests!(
    runs_a_program_and_returns_its_string,
    host_calls_cross_with_primitive_values,
    a_host_panic_reaches_the_caller_and_the_engine_runs_again,
    the_host_function_and_entry_are_unreachable_from_the_program,
    string_code_generation_is_refused_on_every_path,
    nondeterministic_globals_are_absent,
    global_and_self_name_the_global_object_read_only,
    modern_javascript_works,
    an_infinite_loop_times_out_even_inside_try_catch_finally,
    a_passed_deadline_runs_nothing,
    host_throw_is_catchable_host_abort_is_not,
    the_memory_limit_ends_the_run,
    deep_recursion_is_a_catchable_error_not_a_crash,
    uncaught_errors_carry_name_and_message_without_positions,
    realms_do_not_share_globals,
    syntax_errors_fail_compilation_with_a_position,
    corrupt_bytecode_is_an_engine_error,
    every_run_frees_everything_it_allocated,
    after_an_out_of_memory_run_the_next_run_has_its_whole_budget,
    every_reachable_object_is_frozen,
    the_late_built_ins_follow_the_specification,
    library_functions_print_as_built_ins,
    a_hot_realm_keeps_nothing_of_a_run,
    locale_forms_and_unspecified_corners_are_the_same_everywhere,
);
