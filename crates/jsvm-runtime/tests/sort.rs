//! sort.js's merge sort runs interpreted on engines without a native form and natively on
//! QuickJS: both must call comparators (and `toString`, `valueOf`, the meter) in exactly
//! the same order, or a contract's result and gas would depend on the engine.

use std::time::{Duration, Instant};

use jsvm_engine::{Engine, Host, HostError, HostValue, Invocation, Limits, QuickJs};
use jsvm_runtime::SORT_SOURCE;

struct NoHost;

impl Host for NoHost {
    fn call(&mut self, op: &str, _args: &[HostValue]) -> Result<HostValue, HostError> {
        Err(HostError::Throw(format!("{op} is not available here")))
    }
}

/// Installs sort.js with a charge function that records what it is asked to charge.
const INSTALL: &str = r#"
const charges = [];
const brand = globalThis.__jsvm_sort(() => (n) => { charges.push(n); });
delete globalThis.__jsvm_sort;
globalThis.__test_entry = function (program) { charges.length = 0; return program(brand, charges); };
"#;

/// Sorts many things with logging comparators; returns everything it saw as JSON.
const PROGRAM: &str = r#"(function (brand, charges) {
    const out = [];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 100;
    for (const n of [0, 1, 2, 7, 8, 9, 16, 17, 40, 100, 257]) {
        const a = [];
        for (let i = 0; i < n; i++) a.push(next());
        const log = [];
        a.sort((x, y) => { log.push(x, y); return x - y; });
        out.push(a.join(), log.join());
    }
    // Results that are not numbers, each converted once.
    const conv = [];
    const results = [true, "1", "-1", null, NaN, { valueOf() { conv.push("v"); return -1; } }];
    let r = 0;
    const b = [5, 3, 9, 1, 7, 2, 8, 6, 4, 0, 11, 10];
    b.sort(() => results[r++ % results.length]);
    out.push(b.join(), conv.length);
    // Holes, undefined, objects under the default order.
    const seen = [];
    const obj = (v) => ({ toString() { seen.push(v); return String(v); } });
    const c = [obj(3), , undefined, obj(1), obj(20), obj(2), , obj(10)];
    c.sort();
    out.push(c.map(String).join(), c.length, 6 in c, 7 in c, seen.join());
    // A comparator that throws: nothing is written back.
    const d = [4, 3, 2, 1, 0, 9, 8, 7, 6, 5, 14, 13];
    let calls = 0;
    try { d.sort((x, y) => { if (++calls === 20) throw new Error("stop"); return x - y; }); } catch (e) { out.push(e.message); }
    out.push(d.join(), calls);
    // A registered comparator: its calls paid in batches, the rest at the end or when it throws.
    const e = [];
    for (let i = 0; i < 300; i++) e.push(next());
    const cmp = (x, y) => x - y;
    const w = function (x, y) { return cmp(x, y); };
    brand(w, cmp, 3);
    e.sort(w);
    out.push(e.join(), charges.join());
    charges.length = 0;
    let k = 0;
    const thrower = (x, y) => { if (++k === 100) throw new Error("late"); return x - y; };
    const w2 = function (x, y) { return thrower(x, y); };
    brand(w2, thrower, 5);
    try { e.reverse().sort(w2); } catch (err) { out.push(err.message); }
    out.push(charges.join());
    // Typed arrays with a comparator, and toSorted where it exists.
    const t = new Int32Array([5, -1, 3, 3, 0, 12, -7, 8, 1, 2]);
    const tlog = [];
    t.sort((x, y) => { tlog.push(x + ":" + y); return y - x; });
    out.push(Array.from(t).join(), tlog.join());
    return JSON.stringify(out);
})"#;

fn run(native: bool) -> String {
    let mut engine = QuickJs::new().unwrap();
    let mut scripts = Vec::new();
    if !native {
        scripts.push(engine.compile("<no-native>", "delete globalThis.__jsvm_merge_sort;").unwrap());
    }
    scripts.push(engine.compile_library("<sort>", SORT_SOURCE).unwrap());
    scripts.push(engine.compile("<install>", INSTALL).unwrap());
    let prelude: Vec<&[u8]> = scripts.iter().map(Vec::as_slice).collect();
    let program = engine.compile("program.js", PROGRAM).unwrap();
    let inv = Invocation {
        prelude: &prelude,
        program: &program,
        entry: "__test_entry",
        args: &[],
        limits: Limits {
            memory_bytes: 64 << 20,
            stack_bytes: 1 << 20,
            deadline: Instant::now() + Duration::from_secs(20),
        },
    };
    engine.run(&inv, &mut NoHost).unwrap()
}

#[test]
fn the_native_merge_sort_calls_everything_in_the_interpreted_order() {
    let interpreted = run(false);
    let native = run(true);
    assert_eq!(native, interpreted);
    let out: Vec<serde_json::Value> = serde_json::from_str(&native).unwrap();
    // Spot checks that the cases ran as meant.
    assert_eq!(out[4], "0,40");
    assert_eq!(out[5], "40,0", "two elements: one comparison");
    assert_eq!(out[23], 4, "an object result is converted once per call");
    assert_eq!(out[24], "1,10,2,20,3,undefined,,", "strings order, undefined last, holes after");
    assert_eq!(
        (&out[25], &out[26], &out[27]),
        (&serde_json::json!(8), &serde_json::json!(false), &serde_json::json!(false))
    );
    assert_eq!(out[29], "stop");
    assert_eq!(out[30], "4,3,2,1,0,9,8,7,6,5,14,13", "a throwing comparator leaves the array as it was");
    let paid = out[33].as_str().unwrap();
    assert!(paid.starts_with("192,192,"), "batches of 64 calls at 3: {paid}");
    assert_eq!(out[34], "late");
    assert_eq!(out[35], "320,180", "the 100th call throws: a batch and 36 more, at 5 each");
    assert_eq!(out[36], "12,8,5,3,3,2,1,0,-1,-7");
}
