//! The sealed heap (mod.rs `seal_heap`): the collection after each run must free exactly what a
//! collection of the whole heap frees, or a run's memory count would depend on the worker's
//! history. Each test runs programs that leave cycles of every kind behind and then checks that
//! a whole-heap collection finds nothing more to free.

use std::time::{Duration, Instant};

use super::QuickJs;
use crate::tests::TestHost;
use crate::{Engine, Halt, Invocation, Limits};

/// Like the runtime's prelude: the host function captured, and a closure variable the entry
/// reassigns on every run (the previous run's value becomes garbage only then).
const PRELUDE: &str = r#"
(function () {
  const host = globalThis.__jsvm_host;
  globalThis.hostCall = function (op, ...a) { return host(op, ...a); };
  let last = null;
  globalThis.__jsvm_entry = function (program, ...args) {
    const result = program(...args);
    last = { result, program, self: null };
    last.self = last;
    return String(result.value);
  };
})();
"#;

/// Cycles of several kinds: a class and its prototype, an object that holds itself,
/// closures that capture each other, an array that holds itself, a Map that holds itself.
const CYCLES: &str = r#"(function (n) {
  class Token { transfer(a) { return a + 1; } }
  const t = new Token();
  const o = { t }; o.o = o;
  let f = () => g; let g = () => f;
  const a = [o, f]; a.push(a);
  const m = new Map(); m.set(m, a);
  return { value: t.transfer(Number(n)), keep: [o, m] };
})"#;

fn limits() -> Limits {
    Limits { memory_bytes: 64 << 20, stack_bytes: 512 << 10, deadline: Instant::now() + Duration::from_secs(5) }
}

fn run(engine: &mut QuickJs, prelude: &[u8], program: &[u8], arg: &str) -> Result<String, Halt> {
    let pre = [prelude];
    let inv = Invocation { prelude: &pre, program, entry: "__jsvm_entry", args: &[arg], limits: limits() };
    engine.run(&inv, &mut TestHost::default())
}

#[test]
fn after_every_run_a_whole_heap_collection_frees_nothing_more() {
    let mut engine = QuickJs::new().unwrap();
    let prelude = engine.compile("prelude.js", PRELUDE).unwrap();
    let program = engine.compile("contract.js", CYCLES).unwrap();
    for i in 0..20 {
        assert_eq!(run(&mut engine, &prelude, &program, &i.to_string()), Ok((i + 1).to_string()));
        assert_eq!(engine.freed_by_whole_heap_collection(), 0, "after run {i}");
    }
}

#[test]
fn every_run_of_the_same_program_ends_with_the_same_heap() {
    let mut engine = QuickJs::new().unwrap();
    let prelude = engine.compile("prelude.js", PRELUDE).unwrap();
    let program = engine.compile("contract.js", CYCLES).unwrap();
    let mut after = Vec::new();
    for _ in 0..10 {
        run(&mut engine, &prelude, &program, "1").unwrap();
        after.push(engine.memory.objects());
    }
    // The first run leaves its value in the prelude's closure; from the second on, each run's
    // garbage is the one before it: the heap stays the same size.
    assert!(after[1..].iter().all(|&n| n == after[1]), "objects after each run: {after:?}");
}

#[test]
fn evicted_programs_and_dropped_realms_are_collected() {
    let mut engine = QuickJs::new().unwrap();
    let prelude = engine.compile("prelude.js", PRELUDE).unwrap();
    let programs: Vec<Vec<u8>> = (0..super::PROGRAMS_PER_REALM + 8)
        .map(|i| engine.compile("contract.js", &CYCLES.replace("a + 1", &format!("a + {i}"))).unwrap())
        .collect();
    // More programs than a realm keeps: the first are evicted while sealed.
    for (i, program) in programs.iter().enumerate() {
        assert_eq!(run(&mut engine, &prelude, program, "0"), Ok(i.to_string()));
        assert_eq!(engine.freed_by_whole_heap_collection(), 0, "after program {i}");
    }
    // A run that halts drops its realm; the next builds another. Twice, since QuickJS keeps
    // one dropped realm until the next is dropped: from then on each round ends the same.
    let thrower = engine.compile("contract.js", "(function () { hostCall('abort'); })").unwrap();
    let mut rounds = Vec::new();
    for round in 0..3 {
        assert_eq!(run(&mut engine, &prelude, &thrower, "0"), Err(Halt::OutOfGas));
        assert_eq!(engine.freed_by_whole_heap_collection(), 0, "after the halt of round {round}");
        for (i, program) in programs.iter().enumerate() {
            run(&mut engine, &prelude, program, "0").unwrap();
            assert_eq!(engine.freed_by_whole_heap_collection(), 0, "round {round}, program {i}");
        }
        rounds.push(engine.memory.objects());
    }
    assert_eq!(rounds[1], rounds[2], "objects after each round: {rounds:?}");
}
