//! What jsvm's tests, its benchmark and its examples share, so that none writes its own
//! copy: a chain harness ([`Chain`]: a `VmManager` over a store of its own, with deploy
//! and call helpers), a stub host for contracts run on the bare engine ([`StubHost`]),
//! the meter's unmetered baseline ([`baseline`]) and its kernels run both ways
//! ([`meter_kernels`]), random valid contract programs for differential metering
//! ([`program_gen`]), the seeded random numbers they all draw ([`rng::Rng`]), and free loopback
//! ports for tests and benchmarks that start servers ([`free_loopback_ports`]).
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

/// `n` distinct free loopback TCP ports: all are held until every one is read, so that they
/// differ (servers that must be told their address up front cannot listen on port 0).
pub fn free_loopback_ports(n: usize) -> std::io::Result<Vec<u16>> {
    let held = (0..n)
        .map(|_| std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)))
        .collect::<std::io::Result<Vec<_>>>()?;
    held.iter().map(|l| l.local_addr().map(|a| a.port())).collect()
}
