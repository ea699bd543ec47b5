//! The sandbox's security review, written as tests (issue 20, part 5): every way a contract
//! could reach outside its realm or another transaction's state, each shown closed by the
//! values it leaves (receipts' status and message, state after).
//!
//! - [`prototypes`]: what the host hands in (arguments, storage results, `block`, `tx`,
//!   `blockchain.*` results, host errors) chains only to the realm's own frozen intrinsics,
//!   leads to no function constructor, and poisoning a built-in changes nothing the host does;
//! - [`host_errors`]: errors the host throws say their documented message and nothing of the
//!   host, stay the contract's own text when mutated and rethrown, and a callee's halt cannot
//!   be caught;
//! - [`boundary`]: objects with getters or conversion hooks handed to the host are refused
//!   unread or read exactly once, at the same gas every time;
//! - [`reentry`]: nested calls cannot re-enter a method on their stack, a failed callee rolls
//!   back its own frame only, the stack is five frames high, an authority grant ends with
//!   its call;
//! - [`code`]: contracts of the same code, updates, bundles and corrupt code-cache entries
//!   each run their own code;
//! - [`ids`]: contract ids cannot collide or be chosen, and no contract writes another's space;
//! - [`carry`]: no timers, no clock, seeded randomness, and nothing one run leaves on a shared
//!   built-in reaches the next.
//!
//! Existing suites cover neighbouring ground and are not repeated here: hostile.rs (attacks
//! that end in a status: loops, bombs, uncaught pollution), carry_over.rs (traces planted in
//! globals, prototypes, closures and template objects), limits.rs (bounds of what the host keeps).

mod boundary;
mod carry;
mod code;
mod host_errors;
mod ids;
mod prototypes;
mod reentry;

use jsvm_test_util::{abi, Chain, StoreKind};
use jsvm_vm::{Receipt, Status, VmConfig};

/// A chain in memory with one worker, so that every run reuses the same engines and realms:
/// the setting in which a trace left by one run would be found by the next.
pub(crate) fn chain() -> Chain {
    let config = VmConfig { workers: 1, min_workers: 1, ..VmConfig::default() };
    Chain::open(StoreKind::Memory, config).unwrap()
}

/// A contract class with an empty `init` and the methods `body`, before `module.exports`;
/// `top` is module-level code before the class.
pub(crate) fn source_with(top: &str, body: &str) -> String {
    format!("{top}\nclass T {{\n    init() {{}}\n{body}\n}}\nmodule.exports = T;\n")
}

/// Deploys [`source_with`] without module-level code; `methods` is the ABI.
pub(crate) fn deploy(c: &Chain, body: &str, methods: &[(&str, &[&str])]) -> String {
    c.deploy(&source_with("", body), &abi(methods))
}

/// The one return value of a receipt that must be a success.
pub(crate) fn returned(r: &Receipt) -> String {
    assert_eq!(r.status, Status::Success, "{}", r.message);
    r.returns[0].clone()
}
