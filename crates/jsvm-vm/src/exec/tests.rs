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
