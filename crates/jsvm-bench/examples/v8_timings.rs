//! What the V8 engine costs beside QuickJS, on this machine: isolate creation, a realm from
//! the startup snapshot against one built by evaluating the class libraries, and a token
//! transfer on each bare engine (hot realm, metered and not).
//!
//! ```text
//! make libnode
//! cargo run --release -p jsvm-bench --features v8 --example v8_timings
//! ```

use std::time::{Duration, Instant};

use jsvm_compiler::{compile_contract_metered, parse_abi, MeterCosts};
use jsvm_engine::{Engine, EngineKind, Invocation, Limits, QuickJs, V8};
use jsvm_runtime::{ENTRY, PRELUDE_SOURCE};
use jsvm_test_util::StubHost;

const HELLO_JS: &str = "class Hello { init() {} hello(name) { return 'hello, ' + name; } } module.exports = Hello;";
const HELLO_ABI: &str = r#"{"lang":"javascript","version":"1.0.0","abi":[{"name":"hello","args":["string"]}]}"#;
const CONTEXT: &str = r#"{"block":{},"tx":{},"gasLimit":4000000}"#;

/// Mean microseconds of `f` over `n` calls (after `n / 10` unmeasured ones).
fn micros(n: usize, mut f: impl FnMut()) -> f64 {
    for _ in 0..n / 10 {
        f();
    }
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed().as_secs_f64() * 1e6 / n as f64
}

fn limits() -> Limits {
    Limits { memory_bytes: 64 << 20, stack_bytes: 1 << 20, deadline: Instant::now() + Duration::from_secs(10) }
}

/// An engine with the VM's prelude and the hello contract compiled.
fn setup(engine: &mut dyn Engine) -> (Vec<u8>, Vec<u8>) {
    let abi = parse_abi(HELLO_ABI).unwrap();
    let prepared = compile_contract_metered(HELLO_JS, &abi, "hello.js", &MeterCosts::default()).unwrap().prepared;
    (engine.compile_library("<prelude>", PRELUDE_SOURCE).unwrap(), engine.compile("hello.js", &prepared).unwrap())
}

fn hello(engine: &mut dyn Engine, prelude: &[u8], code: &[u8]) {
    let pre = [prelude];
    let inv = Invocation {
        prelude: &pre,
        program: code,
        entry: ENTRY,
        args: &["hello", r#"["x"]"#, CONTEXT],
        limits: limits(),
    };
    assert_eq!(engine.run(&inv, &mut StubHost::default()).as_deref(), Ok("hello, x"));
}

fn main() {
    jsvm_alloc::configure_process();
    println!(
        "V8 {} (engine {}), QuickJS (engine {})",
        jsvm_engine::v8_version(),
        V8::new().unwrap().version(),
        QuickJs::new().unwrap().version()
    );

    // The first realm of the process builds the snapshot.
    let mut v8 = V8::new().unwrap();
    let (v8_prelude, v8_code) = setup(&mut v8);
    let t = Instant::now();
    hello(&mut v8, &v8_prelude, &v8_code);
    println!(
        "first run in the process (snapshot of the prelude built, isolate from it, realm): {:.1} ms",
        t.elapsed().as_secs_f64() * 1e3
    );
    println!(
        "snapshot of the VM's prelude: {} KiB; heap in use with the hot realm: {} KiB",
        v8.snapshot_bytes().unwrap_or(0) >> 10,
        v8.heap_used(true) >> 10
    );

    let isolate = micros(50, || {
        let mut e = V8::new().unwrap();
        e.compile("x.js", "1").unwrap();
    });
    let compile = micros(200, || {
        v8.compile("x.js", "1").unwrap();
    });
    println!(
        "V8 isolate (V8's own snapshot) created and dropped: {:.0} µs (a one-line compile: {:.0} µs)",
        isolate - compile,
        compile
    );
    let from_blob = micros(50, || {
        let mut e = V8::new().unwrap();
        hello(&mut e, &v8_prelude, &v8_code);
    });
    println!("V8 engine's first run (isolate from the prelude's snapshot, realm, hello): {from_blob:.0} µs");

    if std::env::var_os("V8_TIMINGS_HOT_ONLY").is_some() {
        // For a profiler: nothing but hot runs on V8.
        let us = micros(200_000, || hello(&mut v8, &v8_prelude, &v8_code));
        println!("hot run on V8: {us:.1} µs");
        return;
    }
    let hot_v8 = micros(2000, || hello(&mut v8, &v8_prelude, &v8_code));
    let snapshot_realm = micros(300, || {
        v8.drop_realm();
        hello(&mut v8, &v8_prelude, &v8_code);
    });
    let mut eval = V8::new().unwrap();
    eval.set_snapshots(false);
    let (e_prelude, e_code) = setup(&mut eval);
    hello(&mut eval, &e_prelude, &e_code);
    let evaluated_realm = micros(100, || {
        eval.drop_realm();
        hello(&mut eval, &e_prelude, &e_code);
    });
    println!(
        "V8 realm from the snapshot: {:.0} µs; by evaluating lockdown + prelude + harden: {:.0} µs",
        snapshot_realm - hot_v8,
        evaluated_realm - hot_v8
    );

    let mut qjs = QuickJs::new().unwrap();
    let (q_prelude, q_code) = setup(&mut qjs);
    hello(&mut qjs, &q_prelude, &q_code);
    let hot_qjs = micros(2000, || hello(&mut qjs, &q_prelude, &q_code));
    // Two prelude buffers at different addresses, taken in turn: QuickJS builds a new realm
    // for each run.
    let buffers = [q_prelude.clone(), q_prelude.clone()];
    let mut turn = 0;
    let qjs_realm = micros(100, || {
        turn ^= 1;
        hello(&mut qjs, &buffers[turn], &q_code);
    });
    println!("QuickJS realm (lockdown + prelude bytecode + harden): {:.0} µs", qjs_realm - hot_qjs);
    println!("one run of a small contract (hello, metered, hot realm): V8 {hot_v8:.1} µs, QuickJS {hot_qjs:.1} µs");

    // The engines' own cost of a run: a prelude whose entry only calls the program.
    let bare = "globalThis.__bare = function (f) { return f(); };";
    let trivial = |engine: &mut dyn Engine| {
        let pre = engine.compile_library("<bare>", bare).unwrap();
        let code = engine.compile("t.js", "(function () { return 'ok'; })").unwrap();
        let pres = [pre.as_slice()];
        micros(20_000, || {
            let inv = Invocation { prelude: &pres, program: &code, entry: "__bare", args: &[], limits: limits() };
            assert_eq!(engine.run(&inv, &mut StubHost::default()).as_deref(), Ok("ok"));
        })
    };
    let (tv, tq) = (trivial(&mut V8::new().unwrap()), trivial(&mut QuickJs::new().unwrap()));
    println!("an empty run (the engine's own cost per run): V8 {tv:.1} µs, QuickJS {tq:.1} µs");

    for metered in [true, false] {
        let n = 20_000;
        let q = jsvm_bench::bare_engine(EngineKind::QuickJs, metered, n).unwrap();
        let v = jsvm_bench::bare_engine(EngineKind::V8, metered, n).unwrap();
        println!(
            "token transfer on the bare engine ({}): V8 {:.1} µs ({:.0} tx/s), QuickJS {:.1} µs ({:.0} tx/s)",
            if metered { "metered" } else { "unmetered" },
            v.us_per_tx,
            v.tps,
            q.us_per_tx,
            q.tps
        );
    }
}
