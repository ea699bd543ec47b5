//! A halt's way from the engine to the receipt: each one's status, text and charge, as
//! receipts had them when halts crossed the seam as texts.

use jsvm_engine::{Halt, HostError};

use super::Failure;
use crate::receipt::Status;

#[test]
fn each_halt_gives_the_receipt_status_text_and_charge_it_always_had() {
    for (halt, status, text, charges_everything) in [
        (Halt::OutOfGas, Status::GasRunOut, "out of gas", true),
        (Halt::Timeout, Status::Timeout, "execution killed: transaction deadline exceeded", true),
        // The receipt cannot tell out of memory from out of gas (engines differ on where it
        // falls); the node's log says which.
        (Halt::OutOfMemory, Status::GasRunOut, "out of gas", true),
        (
            Halt::StackOverflow,
            Status::RuntimeError,
            "stack overflow: calls nested deeper than allowed (at most 1000)",
            true,
        ),
        (Halt::Uncaught("Error: no".into()), Status::RuntimeError, "Uncaught exception: Error: no", false),
        (
            Halt::Fault("unreadable precompiled code: x".into()),
            Status::UnknownError,
            "unreadable precompiled code: x",
            false,
        ),
    ] {
        let failure = Failure::from(halt.clone());
        assert_eq!(failure.status(), status, "{halt:?}");
        assert_eq!(failure.text(), text, "{halt:?}");
        assert_eq!(failure.charges_everything(), charges_everything, "{halt:?}");
    }
}

#[test]
fn a_nested_call_hands_its_caller_a_throw_or_the_same_halt() {
    for halt in [Halt::OutOfGas, Halt::Timeout, Halt::OutOfMemory, Halt::StackOverflow, Halt::Fault("f".into())] {
        assert_eq!(Failure::from(halt.clone()).into_host_error(), HostError::Halt(halt));
    }
    // What a callee did not catch, its caller may.
    let uncaught = Failure::from(Halt::Uncaught("TypeError: x".into()));
    assert_eq!(uncaught.into_host_error(), HostError::Throw("Uncaught exception: TypeError: x".into()));
    assert_eq!(Failure::Duplicate("dup".into()).into_host_error(), HostError::Throw("dup".into()));
}

// Whose fault an engine refusal of metered code is.
mod refusals {
    use jsvm_compiler::parse_abi;
    use jsvm_engine::EngineKind;

    use super::super::*;

    fn record(source: &str) -> ContractRecord {
        let abi = parse_abi(r#"{"lang": "javascript", "version": "1.0.0", "abi": []}"#).expect("abi");
        ContractRecord::new("Contract1".into(), "admin".into(), abi, source.into(), String::new(), 1)
    }

    #[test]
    fn a_refusal_is_the_authors_only_when_the_source_itself_is_refused() {
        let mut engine = new_engine(EngineKind::from_env()).expect("engine");
        let valid = "class C { m(n) { return n } }\nmodule.exports = C;";
        assert_eq!(engine_refusal(engine.as_mut(), &record(valid)), Failure::Unknown(METER_BROKE_CODE.into()));
        assert_eq!(Failure::Unknown(METER_BROKE_CODE.into()).status(), Status::UnknownError);
        let declared_twice = "let a = 1;\nlet a = 2;\nclass C {}\nmodule.exports = C;";
        assert_eq!(engine_refusal(engine.as_mut(), &record(declared_twice)), Failure::Runtime(ENGINE_REFUSED.into()));
        let bundle = |x: &str| {
            serde_json::json!({"jsvm_bundle": 1, "entry": "index.js", "modules": {
                "index.js": {"source": "require('./x');\nclass C {}\nmodule.exports = C;", "deps": {"./x": "x.js"}},
                "x.js": {"source": x}}})
            .to_string()
        };
        assert_eq!(
            engine_refusal(engine.as_mut(), &record(&bundle("var y = 1"))),
            Failure::Unknown(METER_BROKE_CODE.into())
        );
        // A module's parameters are bindings of its function: declaring one again is the author's.
        let refused = Failure::Runtime(ENGINE_REFUSED.into());
        assert_eq!(engine_refusal(engine.as_mut(), &record(&bundle("let __dirname = 1;"))), refused);
    }
}
