//! What the gas meter costs: the same kernels, on the same engine, with the metered
//! prepared code and with an unmetered baseline (no injected charges, no size-priced
//! built-ins: `baseline`), timed alternately in one process. The benchmark reports the
//! timings; the meter's tests use the same runs to require that metered and unmetered
//! code return the same values.

use std::time::{Duration, Instant};

use jsvm_compiler::{compile_contract_metered, parse_abi, MeterCosts};
use jsvm_engine::{new_engine, Engine, EngineKind, Invocation, Limits};
use jsvm_runtime::{ENTRY, PRELUDE_SOURCE};

use crate::baseline::{prepare_unmetered, unmetered_prelude};
use crate::StubHost;

/// One kernel's timings: medians over the rounds, in microseconds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct KernelTiming {
    /// The kernel's name, e.g. `sorting`.
    pub kernel: String,
    /// Median run with the metered prepared code and prelude.
    pub metered_us: f64,
    /// Median run of the unmetered baseline: no injected charges, built-ins unpriced.
    pub unmetered_us: f64,
    /// metered ÷ unmetered.
    pub ratio: f64,
}

/// The compute kernels: (name, method body). Each returns a value so nothing is optimised away.
pub const KERNELS: &[(&str, &str)] = &[
    ("arithmetic loop", "let s = 0; for (let i = 0; i < 300000; i++) { s = (s + i * 7) % 1000003; } return s;"),
    ("string building", "let s = ''; const parts = []; for (let i = 0; i < 30000; i++) { s += `${i % 10}`; if (s.length > 64) { parts.push(s); s = ''; } } return parts.join('').length + s.length;"),
    ("object-heavy", "const a = []; for (let i = 0; i < 30000; i++) { a.push({ id: i, v: i * 2, tag: 'x' + (i % 10) }); } let t = 0; for (const o of a) { if (o.tag === 'x3') { t += o.v; } } return t;"),
    ("sorting", "const a = []; for (let i = 0; i < 30000; i++) { a.push((i * 7919) % 10007); } a.sort((x, y) => x - y); return a[0] + a[a.length - 1];"),
    ("calls and closures", "const add = (x) => (y) => x + y; let s = 0; for (let i = 0; i < 100000; i++) { s = add(i)(s) % 99991; } return s;"),
];

fn contract(body: &str) -> String {
    format!("class K {{\n    init() {{}}\n    run() {{ {body} }}\n}}\nmodule.exports = K;\n")
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e6
}

/// Times every kernel of [`KERNELS`] `rounds` times each way, alternating, on QuickJS.
pub fn meter_overhead(rounds: usize) -> Result<Vec<KernelTiming>, String> {
    meter_overhead_of(EngineKind::QuickJs, KERNELS, rounds)
}

/// Times each of `kernels` (name, method body) `rounds` times each way, alternating, on
/// the engine `kind`.
pub fn meter_overhead_of(
    kind: EngineKind,
    kernels: &[(&str, &str)],
    rounds: usize,
) -> Result<Vec<KernelTiming>, String> {
    // One engine per prelude: an engine keeps one realm warm, built for the prelude it last
    // ran, as a node's worker does. Alternating both preludes on one engine would build a
    // realm on every run (~20 ms on QuickJS, the metered prelude's a few ms more), and the
    // ratio would time that instead of the injected code.
    let (mut engine, mut bare_engine) = (new_engine(kind)?, new_engine(kind)?);
    let prelude = engine.compile_library("<prelude>", PRELUDE_SOURCE)?;
    let bare_prelude = bare_engine.compile_library("<unmetered prelude>", &unmetered_prelude()?)?;
    let mut host = StubHost::default();
    let abi = parse_abi(r#"{"abi": [{"name": "run", "args": []}]}"#).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (name, body) in kernels {
        let source = contract(body);
        let metered = compile_contract_metered(&source, &abi, "kernel.js", &MeterCosts::default())
            .map_err(|e| e.to_string())?
            .prepared;
        let metered = engine.compile("kernel.js", &metered)?;
        let unmetered = bare_engine.compile("kernel.js", &prepare_unmetered(&source))?;
        let ctx = r#"{"block":{},"tx":{},"gasLimit":2000000000}"#;
        let (metered_prelude, unmetered_prelude) = ([prelude.as_slice()], [bare_prelude.as_slice()]);
        let mut run = |engine: &mut dyn Engine, code: &[u8], pre: &[&[u8]]| -> Result<(Duration, String), String> {
            let inv = Invocation {
                prelude: pre,
                program: code,
                entry: ENTRY,
                args: &["run", "[]", ctx],
                limits: Limits {
                    memory_bytes: 512 << 20,
                    stack_bytes: 1 << 20,
                    deadline: Instant::now() + Duration::from_secs(60),
                },
            };
            let t = Instant::now();
            let r = engine.run(&inv, &mut host).map_err(|e| format!("{name}: {e}"))?;
            Ok((t.elapsed(), r))
        };
        let (mut on, mut off) = (Vec::new(), Vec::new());
        for _ in 0..rounds.max(1) {
            let (a, ra) = run(engine.as_mut(), &metered, &metered_prelude)?;
            let (b, rb) = run(bare_engine.as_mut(), &unmetered, &unmetered_prelude)?;
            if ra != rb {
                return Err(format!("{name}: metered and unmetered results differ: {ra} vs {rb}"));
            }
            on.push(a);
            off.push(b);
        }
        let (m, u) = (median(on), median(off));
        out.push(KernelTiming { kernel: name.to_string(), metered_us: m, unmetered_us: u, ratio: m / u });
    }
    Ok(out)
}
