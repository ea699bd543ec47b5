//! What only the V8 engine has: snapshots, code caches, isolates reused after every kind of
//! ending, limits V8 enforces differently from QuickJS.

use std::time::{Duration, Instant};

use super::*;
use crate::tests::{limits_ms, run_with, TestHost, PRELUDE};
use crate::{Limits, QuickJs};

/// Runs `program` with a prelude compiled once (so the hot realm is reused).
struct Fixture {
    engine: V8,
    prelude: Vec<u8>,
}

impl Fixture {
    fn new() -> Fixture {
        let mut engine = V8::new().unwrap();
        let prelude = engine.compile_library("prelude.js", PRELUDE).unwrap();
        Fixture { engine, prelude }
    }

    fn run_limits(&mut self, program: &str, limits: Limits, host: &mut dyn Host) -> Result<String, Halt> {
        let code = self.engine.compile("contract.js", program).expect("program compiles");
        self.run_code(&code, limits, host)
    }

    fn run_code(&mut self, code: &[u8], limits: Limits, host: &mut dyn Host) -> Result<String, Halt> {
        let pre = [self.prelude.as_slice()];
        let inv = Invocation { prelude: &pre, program: code, entry: "__jsvm_entry", args: &[], limits };
        self.engine.run(&inv, host)
    }

    fn run(&mut self, program: &str) -> Result<String, Halt> {
        self.run_limits(program, limits_ms(5000), &mut TestHost::default())
    }
}

#[test]
fn the_global_object_has_the_same_names_as_quickjs() {
    let src = "(function () { return Object.getOwnPropertyNames(globalThis).sort().join(','); })";
    let mut q = QuickJs::new().unwrap();
    let mut v = V8::new().unwrap();
    let a = run_with(&mut q, src, &[], 2000, &mut TestHost::default()).unwrap();
    let b = run_with(&mut v, src, &[], 2000, &mut TestHost::default()).unwrap();
    assert_eq!(a, b);
    assert!(!b.contains("Proxy") && !b.contains("Intl") && !b.contains("console"), "{b}");
}

#[test]
fn a_hot_realm_serves_run_after_run_and_is_rebuilt_after_a_cut_short_run() {
    let mut f = Fixture::new();
    for i in 0..20 {
        assert_eq!(f.run(&format!("(function () {{ return String({i} * 2); }})")), Ok((i * 2).to_string()));
    }
    assert_eq!(f.engine.realms_built(), 1);
    assert_eq!(f.run("(function () { hostCall('abort'); })"), Err(Halt::OutOfGas));
    assert_eq!(f.run("(function () { return 'again'; })"), Ok("again".into()));
    assert_eq!(f.engine.realms_built(), 2);
    // An exception leaves the realm as it was.
    assert!(matches!(f.run("(function () { throw new Error('x'); })"), Err(Halt::Uncaught(_))));
    assert_eq!(f.run("(function () { return 'same'; })"), Ok("same".into()));
    assert_eq!(f.engine.realms_built(), 2);
}

#[test]
fn one_snapshot_per_prelude_serves_every_engine_of_the_process() {
    // A prelude of its own, so that no other test shares its snapshot.
    let prelude = format!("{PRELUDE}\n// {:?}\n", std::thread::current().id());
    let ids: Vec<Option<usize>> = (0..3)
        .map(|_| {
            let prelude = prelude.clone();
            std::thread::spawn(move || {
                let mut e = V8::new().unwrap();
                let pre = e.compile_library("prelude.js", &prelude).unwrap();
                let code = e.compile("c.js", "(function () { return 'ok'; })").unwrap();
                let pres = [pre.as_slice()];
                let inv = Invocation {
                    prelude: &pres,
                    program: &code,
                    entry: "__jsvm_entry",
                    args: &[],
                    limits: limits_ms(5000),
                };
                assert_eq!(e.run(&inv, &mut TestHost::default()), Ok("ok".into()));
                e.snapshot_id()
            })
            .join()
            .unwrap()
        })
        .collect();
    assert!(ids[0].is_some());
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
}

#[test]
fn realms_from_the_snapshot_and_from_evaluation_are_the_same() {
    let probes = [
        "(function () { return Object.getOwnPropertyNames(globalThis).sort().join(); })",
        "(function () { return [Object.isFrozen(Error), Error.stackTraceLimit, Object.isFrozen(Array.prototype), typeof [].at].join(); })",
        "(function () { try { Array.prototype.x = 1; } catch (e) { return e.name; } return typeof [].x; })",
    ];
    let mut snap = Fixture::new();
    let mut eval = Fixture::new();
    eval.engine.set_snapshots(false);
    for p in probes {
        assert_eq!(snap.run(p), eval.run(p), "{p}");
    }
    assert!(snap.engine.snapshot_id().is_some());
    assert!(eval.engine.snapshot_id().is_none());
}

#[test]
fn the_code_cache_is_used_and_a_refused_one_falls_back_to_the_source() {
    let mut f = Fixture::new();
    let code = f.engine.compile("c.js", "(function () { return 'from ' + 'cache'; })").unwrap();
    let parsed = code::decode(&code).unwrap();
    assert!(!parsed.cache.is_empty());
    assert_eq!(f.run_code(&code, limits_ms(5000), &mut TestHost::default()), Ok("from cache".into()));
    assert_eq!(f.engine.code_caches_rejected(), 0);
    // Another source under the same cache: V8 refuses the cache and compiles the source.
    let swapped = code::encode("c.js", "(function () { return 'from source'; })", parsed.cache).unwrap();
    assert_eq!(f.run_code(&swapped, limits_ms(5000), &mut TestHost::default()), Ok("from source".into()));
    assert_eq!(f.engine.code_caches_rejected(), 1);
    // A damaged cache fails our checksum and is not even offered to V8.
    let mut damaged = code.clone();
    let n = damaged.len();
    damaged[n - 10] ^= 0x55;
    assert_eq!(f.run_code(&damaged, limits_ms(5000), &mut TestHost::default()), Ok("from cache".into()));
    assert_eq!(f.engine.code_caches_rejected(), 1);
    // Junk, QuickJS bytecode, a truncated form: refused as an engine error.
    let quickjs = QuickJs::new().unwrap().compile("c.js", "(function () { return 1; })").unwrap();
    for bad in [vec![0u8; 3], quickjs, code[..code.len() - 1].to_vec()] {
        assert!(matches!(f.run_code(&bad, limits_ms(5000), &mut TestHost::default()), Err(Halt::Fault(_))));
    }
}

#[test]
fn the_isolate_serves_again_after_every_kind_of_ending() {
    let mut f = Fixture::new();
    let mut h = TestHost::default();
    for _ in 0..5 {
        let out = f.run_limits("(function () { for (;;) {} })", limits_ms(30), &mut h);
        assert_eq!(out, Err(Halt::Timeout));
        assert_eq!(f.run("(function () { return 'after timeout'; })"), Ok("after timeout".into()));
        let out = f.run_limits(
            "(function () { try { hostCall('abort'); } finally { for (;;) {} } })",
            limits_ms(5000),
            &mut h,
        );
        assert_eq!(out, Err(Halt::OutOfGas));
        assert_eq!(f.run("(function () { return 'after abort'; })"), Ok("after abort".into()));
        let small = Limits { memory_bytes: 16 << 20, ..limits_ms(20000) };
        let out = f.run_limits(
            "(function () { const a = []; for (;;) a.push({ a: a.length, b: [1, 2, 3] }); })",
            small,
            &mut h,
        );
        assert_eq!(out, Err(Halt::OutOfMemory));
        assert_eq!(f.run("(function () { return 'after oom'; })"), Ok("after oom".into()));
    }
}

#[test]
fn a_deadline_stops_the_run_promptly() {
    let mut f = Fixture::new();
    let start = Instant::now();
    let out = f.run_limits(
        "(function () { let s = 0; for (;;) s = (s + 1) | 0; })",
        limits_ms(100),
        &mut TestHost::default(),
    );
    assert_eq!(out, Err(Halt::Timeout));
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(100) && took < Duration::from_millis(1500), "{took:?}");
}

#[test]
fn one_huge_allocation_ends_the_run_without_ending_the_process() {
    // V8 aborts the process when one allocation exceeds its heap limit: each of these asks
    // for hundreds of megabytes at once.
    let mut f = Fixture::new();
    for src in [
        "(function () { const s = 'x'.repeat(1 << 28); return s.indexOf('y'); })",
        "(function () { const a = new Array(400000).fill('x'.repeat(1000)); return a.join('').indexOf('y'); })",
        "(function () { return new Array(1 << 25).fill(1.5).length; })",
        "(function () { return new ArrayBuffer(1 << 30).byteLength; })",
        "(function () { return new Float64Array(1 << 27).length; })",
        "(function () { const parts = []; for (let i = 0; i < 64; i++) parts.push('y'.repeat(1 << 22) + i); return parts.join('').length; })",
        "(function () { return JSON.stringify(new Array(1 << 24).fill('ab')).length; })",
    ] {
        // A budget each of them passes by far.
        let out = f.run_limits(src, Limits { memory_bytes: 16 << 20, ..limits_ms(5000) }, &mut TestHost::default());
        assert!(matches!(out, Err(Halt::OutOfMemory | Halt::Uncaught(_) | Halt::Timeout)), "{src}: {out:?}");
        assert_eq!(f.run("(function () { return 'alive'; })"), Ok("alive".into()), "after {src}");
    }
}

#[test]
fn a_run_within_its_budget_is_not_stopped() {
    // About 40 MB live at the end, under a 64 MiB budget; and a lot of short-lived garbage.
    let mut f = Fixture::new();
    let live = "(function () { const a = []; for (let i = 0; i < 20; i++) a.push(new Float64Array(250000)); return a.length; })";
    for _ in 0..3 {
        assert_eq!(f.run(live), Ok("20".into()));
    }
    let garbage = "(function () { let n = 0; for (let i = 0; i < 300000; i++) { const o = { i, s: 'k' + i, a: [i, i] }; n += o.a.length; } return n; })";
    for _ in 0..3 {
        assert_eq!(f.run(garbage), Ok("600000".into()));
    }
}

#[test]
fn many_runs_leave_nothing_behind() {
    let mut f = Fixture::new();
    let src = "(function () { const m = new Map(); for (let i = 0; i < 200; i++) m.set('k' + i, { v: [i] }); return String(m.size); })";
    let code = f.engine.compile("contract.js", src).unwrap();
    let mut h = TestHost::default();
    for _ in 0..200 {
        f.run_code(&code, limits_ms(5000), &mut h).unwrap();
    }
    let before = f.engine.heap_used(true);
    for _ in 0..3000 {
        f.run_code(&code, limits_ms(5000), &mut h).unwrap();
    }
    let after = f.engine.heap_used(true);
    assert!(after < before + (1 << 20), "heap grew from {before} to {after}");
}

#[test]
fn deep_recursion_respects_the_stack_budget() {
    let mut f = Fixture::new();
    let src = "(function () { let d = 0; function f() { d++; f(); } try { f(); } catch (e) { return e.name + ' ' + (d > 100); } })";
    let small = Limits { stack_bytes: 64 << 10, ..limits_ms(5000) };
    assert_eq!(f.run_limits(src, small, &mut TestHost::default()), Ok("RangeError true".into()));
    let big = Limits { stack_bytes: 1 << 20, ..limits_ms(5000) };
    assert_eq!(f.run_limits(src, big, &mut TestHost::default()), Ok("RangeError true".into()));
}

/// Runs a nested program on another engine from inside a host call, as the VM does for
/// `blockchain.call`.
struct NestingHost {
    inner: Fixture,
    program: String,
    inner_limits: Limits,
    seen: Vec<Result<String, Halt>>,
}

impl Host for NestingHost {
    fn call(&mut self, op: &str, args: &[HostValue]) -> Result<HostValue, HostError> {
        match op {
            "nested" => {
                let out = self.inner.run_limits(&self.program.clone(), self.inner_limits, &mut TestHost::default());
                self.seen.push(out.clone());
                match out {
                    Ok(s) => Ok(HostValue::String(s)),
                    Err(Halt::Uncaught(m)) => Err(HostError::Throw(m)),
                    Err(other) => Err(HostError::Halt(other)),
                }
            }
            _ => TestHost::default().call(op, args),
        }
    }
}

#[test]
fn engines_nest_on_one_thread() {
    let mut outer = Fixture::new();
    let mut host = NestingHost {
        inner: Fixture::new(),
        program: "(function () { return 'inner ' + [1, 2, 3].at(-1); })".into(),
        inner_limits: limits_ms(5000),
        seen: Vec::new(),
    };
    let out = outer.run_limits("(function () { return hostCall('nested') + ' / outer'; })", limits_ms(5000), &mut host);
    assert_eq!(out, Ok("inner 3 / outer".into()));
    // The inner run's exception is catchable outside; its timeout ends both.
    host.program = "(function () { throw new TypeError('inside'); })".into();
    let out = outer.run_limits(
        "(function () { try { hostCall('nested'); } catch (e) { return 'caught ' + e.message.split('\\n')[0]; } })",
        limits_ms(5000),
        &mut host,
    );
    assert_eq!(out, Ok("caught TypeError: inside".into()));
    host.program = "(function () { for (;;) {} })".into();
    host.inner_limits = limits_ms(50);
    let out = outer.run_limits(
        "(function () { try { hostCall('nested'); } catch (e) {} return 'swallowed'; })",
        limits_ms(5000),
        &mut host,
    );
    assert_eq!(out, Err(Halt::Timeout));
    assert_eq!(host.seen.last(), Some(&Err(Halt::Timeout)));
    host.inner_limits = limits_ms(5000);
    host.program = "(function () { return 'fine'; })".into();
    assert_eq!(
        outer.run_limits("(function () { return hostCall('nested'); })", limits_ms(5000), &mut host),
        Ok("fine".into())
    );
}

struct PanickingHost;

impl Host for PanickingHost {
    fn call(&mut self, _op: &str, _args: &[HostValue]) -> Result<HostValue, HostError> {
        panic!("host bug");
    }
}

#[test]
fn a_panicking_host_panics_the_caller_and_leaves_the_engine_usable() {
    let mut f = Fixture::new();
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        f.run_limits(
            "(function () { try { hostCall('x'); } finally { return 'finally ran'; } })",
            limits_ms(5000),
            &mut PanickingHost,
        )
    }));
    assert!(out.is_err());
    assert_eq!(f.run("(function () { return 'ok'; })"), Ok("ok".into()));
}

#[test]
fn compile_errors_name_the_position() {
    let mut e = V8::new().unwrap();
    assert_eq!(e.compile("c.js", "let = ;"), Err("SyntaxError: Unexpected token ';'\n    at c.js:1:7".into()));
    let err = e.compile("c.js", "\n\n  function (x { }").unwrap_err();
    assert!(err.ends_with("at c.js:3:3"), "{err}");
}

#[test]
fn the_version_names_v8_10_2() {
    assert!(v8_version().starts_with("10.2."), "{}", v8_version());
    assert_eq!(V8::new().unwrap().version(), "v8-10.2/libnode108/1");
}
