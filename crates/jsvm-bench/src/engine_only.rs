//! The same token contract on the bare engine: a fresh realm per call, state in a
//! hash map, no VM, journal or commit — once with the gas meter and once without
//! (the engine's own limit).

use std::time::{Duration, Instant};

use jsvm_compiler::{compile_contract_metered, parse_abi, MeterCosts};
use jsvm_engine::{new_engine, EngineKind, Invocation, Limits};
use jsvm_runtime::{ENTRY, PRELUDE_SOURCE};
use jsvm_test_util::StubHost;

use crate::token::{holder, transfer_args, HOLDERS, TOKEN_ABI, TOKEN_JS};
use crate::Timing;
use jsvm_test_util::baseline::{prepare_unmetered, unmetered_prelude};

/// Transfers per second on the bare engine `kind`, `metered` or not.
pub(crate) fn measure_on(kind: EngineKind, metered: bool, n: usize) -> Result<Timing, String> {
    let mut engine = new_engine(kind)?;
    let prelude = if metered { PRELUDE_SOURCE.to_string() } else { unmetered_prelude()? };
    let prelude = engine.compile_library("<prelude>", &prelude)?;
    let abi = parse_abi(TOKEN_ABI).map_err(|e| e.to_string())?;
    let prepared = if metered {
        compile_contract_metered(TOKEN_JS, &abi, "token.js", &MeterCosts::default())
            .map_err(|e| e.to_string())?
            .prepared
    } else {
        prepare_unmetered(TOKEN_JS)
    };
    let code = engine.compile("token.js", &prepared)?;
    let context = r#"{"block":{},"tx":{},"gasLimit":4000000}"#;
    let pre = [prelude.as_slice()];
    let mut host = StubHost::default();
    for i in 0..HOLDERS {
        host.map_put("balances", &holder(i), "1000000000");
    }
    let call = |i: usize| -> Result<(), String> {
        let (_, args) = transfer_args(i, HOLDERS);
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
    Timing::of_calls(n, call)
}
