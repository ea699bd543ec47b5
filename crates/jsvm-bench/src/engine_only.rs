//! The same token contract on the bare engine: a fresh realm per call, state in a
//! hash map, no VM, journal or commit — once with the gas meter and once without
//! (the engine's own limit).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jsvm_compiler::{compile_contract_metered, parse_abi, prepare_unmetered_for_benchmark, MeterCosts};
use jsvm_engine::{new_engine, Engine, EngineKind, Halt, Host, HostError, HostValue, Invocation, Limits};
use jsvm_runtime::library::{self, LibraryOp};
use jsvm_runtime::{ENTRY, PRELUDE_SOURCE, UNMETERED_BASELINE_SOURCE};

use crate::token::{TOKEN_ABI, TOKEN_JS};
use crate::Timing;

/// Storage in a hash map; every authorisation granted.
#[derive(Default)]
pub(crate) struct MapHost {
    values: HashMap<String, String>,
}

fn arg(args: &[HostValue], i: usize) -> String {
    args.get(i).and_then(HostValue::as_str).unwrap_or_default().to_string()
}

impl Host for MapHost {
    fn call(&mut self, op: &str, args: &[HostValue]) -> Result<HostValue, HostError> {
        // args[0] is the JS gas counter, as in every host call.
        let a = &args[1.min(args.len())..];
        let value = |v: Option<&String>| v.cloned().map(HostValue::String).unwrap_or(HostValue::Null);
        Ok(match op {
            "get" => value(self.values.get(&arg(a, 0))),
            "put" => {
                self.values.insert(arg(a, 0), arg(a, 1));
                HostValue::Null
            }
            "mapGet" => value(self.values.get(&format!("{}\0{}", arg(a, 0), arg(a, 1)))),
            "mapPut" => {
                self.values.insert(format!("{}\0{}", arg(a, 0), arg(a, 1)), arg(a, 2));
                HostValue::Null
            }
            "requireAuth" => HostValue::Bool(true),
            "publisher" => HostValue::String("admin".into()),
            "receipt" | "event" | "log" | "sync" => HostValue::Null,
            "outOfGas" => return Err(HostError::Halt(Halt::OutOfGas)),
            "fail" => return Err(HostError::Halt(Halt::Uncaught(arg(a, 0)))),
            "limit" => return Err(HostError::Halt(Halt::Fault(format!("the run ran out of {}", arg(a, 0))))),
            other => match LibraryOp::parse(other) {
                Some(op) => return library::call(&Default::default(), op, a, &mut |_| Ok(())),
                None => return Err(HostError::Throw(format!("{other} is not available in the benchmark"))),
            },
        })
    }
}

/// Transfers per second on the bare engine `kind`, `metered` or not.
pub fn measure_on(kind: EngineKind, metered: bool, n: usize) -> Result<Timing, String> {
    let mut engine = new_engine(kind)?;
    let prelude = engine.compile_library("<prelude>", PRELUDE_SOURCE)?;
    let abi = parse_abi(TOKEN_ABI).map_err(|e| e.to_string())?;
    let prepared = if metered {
        compile_contract_metered(TOKEN_JS, &abi, "token.js", &MeterCosts::default())
            .map_err(|e| e.to_string())?
            .prepared
    } else {
        prepare_unmetered_for_benchmark(TOKEN_JS)
    };
    let code = engine.compile("token.js", &prepared)?;
    let context = r#"{"block":{},"tx":{},"gasLimit":4000000}"#;
    let baseline_flag = engine.compile_library("<baseline>", UNMETERED_BASELINE_SOURCE)?;
    let pre: Vec<&[u8]> =
        if metered { vec![prelude.as_slice()] } else { vec![baseline_flag.as_slice(), prelude.as_slice()] };
    let mut host = MapHost::default();
    for i in 0..100 {
        host.values.insert(format!("balances\0holder{i}"), "1000000000".into());
    }
    let mut call = |i: usize| -> Result<(), String> {
        let args =
            serde_json::json!([format!("holder{}", i % 100), format!("holder{}", (i + 1) % 100), "1", ""]).to_string();
        let inv = Invocation {
            prelude: &pre,
            program: &code,
            entry: ENTRY,
            args: &["transfer", &args, context],
            limits: Limits {
                memory_bytes: 64 << 20,
                stack_bytes: 1 << 20,
                deadline: Instant::now() + Duration::from_secs(5),
            },
        };
        engine.run(&inv, &mut host).map(|_| ()).map_err(|e| e.to_string())
    };
    for i in 0..n.min(200) {
        call(i)?;
    }
    let t = Instant::now();
    for i in 0..n {
        call(i)?;
    }
    Ok(Timing::new(n, t.elapsed().as_secs_f64()))
}
