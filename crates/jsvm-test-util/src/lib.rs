//! What jsvm's tests, its benchmark and its examples share, so that none writes its own
//! copy: a chain harness ([`Chain`]: a `VmManager` over a store of its own, with deploy
//! and call helpers), a stub host for contracts run on the bare engine ([`StubHost`]),
//! the meter's unmetered baseline ([`baseline`]) and its kernels run both ways
//! ([`meter_kernels`]), random valid contract programs for differential metering
//! ([`program_gen`]), and the seeded random numbers they all draw ([`rng::Rng`]).
//!
//! Not shipped: a dev-dependency of the crates' tests and a dependency of the benchmark only.

pub mod baseline;
mod chain;
mod host;
pub mod meter_kernels;
pub mod program_gen;
pub mod rng;

pub use chain::{abi, action, set_code, Chain, StoreKind};
pub use host::StubHost;
