//! The calibration set (`jsvm-bench calibrate`) runs on the engine under test, and each case
//! spends the gas the table says per iteration. Values only: the timings are the
//! benchmark's, never a test's.

use std::time::Duration;

use jsvm_bench::calibrate::{Calibration, CASES};
use jsvm_vm::EngineKind;

#[test]
fn every_case_runs_and_spends_its_gas_per_iteration() {
    let calibration = Calibration::new(EngineKind::from_env(), Duration::from_secs(5)).unwrap();
    let mut wrong = Vec::new();
    for case in CASES {
        match calibration.gas_per_iteration(case) {
            Ok(gas) if gas == case.gas_per_iteration => {}
            Ok(gas) => {
                wrong.push(format!("{}: {gas} gas per iteration, the table says {}", case.name, case.gas_per_iteration))
            }
            Err(e) => wrong.push(e),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_case_returns_its_result_and_the_same_gas_on_every_run() {
    let calibration = Calibration::new(EngineKind::from_env(), Duration::from_secs(5)).unwrap();
    let case = CASES.iter().find(|c| c.name == "throw_value").unwrap();
    let (first, _) = calibration.run(case, 10, jsvm_vm::MAX_GAS_LIMIT);
    let (second, _) = calibration.run(case, 10, jsvm_vm::MAX_GAS_LIMIT);
    assert_eq!(first.returns, vec!["1".to_string()]);
    assert_eq!((first.status, first.gas_used), (second.status, second.gas_used));
}
