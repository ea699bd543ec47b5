//! jsvm-replication: validators that agree on one chain through a Byzantine-fault-tolerant
//! consensus engine, each re-executing every proposed block in its own VM before it votes.
//!
//! Rooms: `genesis` is the file every validator starts from; `block` the wire form of a proposal
//! and the digest consensus orders; `chain` what a validator holds between proposal and
//! finality and how it commits; the consensus engine is kept behind one module so that it
//! could change (docs/replication.md).

pub mod block;
pub mod chain;
pub mod engine;
pub mod genesis;

pub use block::{BlockDigest, WireBlock};
pub use chain::{CommitError, ReplicaChain, Verdict};
pub use genesis::{Genesis, GenesisValidator};
