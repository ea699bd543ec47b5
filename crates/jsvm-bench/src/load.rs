//! Loading a contract: cold (compile from source — validation, gas injection,
//! QuickJS compile — then run) against warm (bytecode from the RocksDB code
//! cache, then run), for contracts of about 1 KB, 50 KB and 200 KB. Each round
//! loads a contract the warm engine has never run (a realm keeps the programs it
//! evaluated, which would make a repeat free rather than warm).

use std::time::{Duration, Instant};

use jsvm_compiler::{compile_contract_metered, parse_abi, MeterCosts};
use jsvm_engine::{Engine, Invocation, Limits, QuickJs};
use jsvm_runtime::{ENTRY, PRELUDE_SOURCE};
use jsvm_state::{RocksStore, Store};
use jsvm_test_util::StubHost;
use jsvm_vm::code_cache::{cache_entry, verified_entry};

/// One contract size's load times (medians), in milliseconds.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoadTiming {
    /// Size of the contract's source, in bytes.
    pub size_bytes: usize,
    /// Compile from source (validation, gas injection, engine compile), then run.
    pub cold_ms: f64,
    /// Bytecode from the RocksDB code cache (checksum checked), then run.
    pub warm_ms: f64,
    /// cold ÷ warm.
    pub warm_vs_cold: f64,
}

/// A contract of about `bytes` bytes: many small methods with loops and strings.
pub fn contract_of_size(bytes: usize) -> String {
    let mut s = String::from("class Big {\n    init() {}\n    ping() { return \"pong\"; }\n");
    let mut i = 0;
    while s.len() < bytes {
        s.push_str(&format!(
            "    m{i}(a, b) {{\n        let t = 0;\n        for (let k = 0; k < a; k++) {{ t += (k * {i}) % 7; }}\n        const label = `m{i}:${{b}}:${{t}}`;\n        return label.length > 3 ? {{ name: label, n: t }} : null;\n    }}\n"
        ));
        i += 1;
    }
    s.push_str("}\nmodule.exports = Big;\n");
    s
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Cold and warm loads of contracts of the given sizes, `rounds` each.
pub(crate) fn measure(sizes: &[usize], rounds: usize) -> Result<Vec<LoadTiming>, String> {
    let mut engine = QuickJs::new()?;
    let mut warm_engine = QuickJs::new()?;
    let prelude = engine.compile_library("<prelude>", PRELUDE_SOURCE)?;
    let abi = parse_abi(r#"{"abi": [{"name": "ping", "args": []}]}"#).map_err(|e| e.to_string())?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let store = RocksStore::open(&dir.path().join("data")).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for &size in sizes {
        let base = contract_of_size(size);
        let ping = |engine: &mut QuickJs, code: &[u8]| -> Result<(), String> {
            let pre = [prelude.as_slice()];
            let inv = Invocation {
                prelude: &pre,
                program: code,
                entry: ENTRY,
                args: &["ping", "[]", r#"{"block":{},"tx":{},"gasLimit":4000000}"#],
                limits: Limits {
                    memory_bytes: 64 << 20,
                    stack_bytes: 1 << 20,
                    deadline: Instant::now() + Duration::from_secs(10),
                },
            };
            let r = engine.run(&inv, &mut StubHost::default()).map_err(|e| e.to_string())?;
            if r != "pong" {
                return Err(format!("the {size}-byte contract answered {r:?}"));
            }
            Ok(())
        };
        let key = format!("bench/{size}");
        let (mut cold, mut warm) = (Vec::new(), Vec::new());
        for round in 0..rounds.max(1) {
            let source = format!("{base}// round {round}\n");
            let t = Instant::now();
            let prepared = compile_contract_metered(&source, &abi, "big.js", &MeterCosts::default())
                .map_err(|e| e.to_string())?
                .prepared;
            let code = engine.compile("big.js", &prepared)?;
            ping(&mut engine, &code)?;
            cold.push(t.elapsed().as_secs_f64() * 1e3);
            store.cache_put(key.as_bytes(), &cache_entry(&code)).map_err(|e| e.to_string())?;

            let t = Instant::now();
            let entry =
                store.cache_get(key.as_bytes()).map_err(|e| e.to_string())?.ok_or("the code cache lost an entry")?;
            let code = verified_entry(entry).ok_or("a code cache entry failed its checksum")?;
            ping(&mut warm_engine, &code)?;
            warm.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let (cold_ms, warm_ms) = (median(cold), median(warm));
        out.push(LoadTiming { size_bytes: base.len(), cold_ms, warm_ms, warm_vs_cold: cold_ms / warm_ms });
    }
    Ok(out)
}
