//! jsvm-vm: the one entrance to contract execution.
//!
//! [`VmManager`] takes transactions and blocks, runs every contract call on a
//! worker thread of its [`pool`], and commits each block to the store in one
//! batch. Nothing else reaches the engine.
//!
//! Rooms: `exec` runs one transaction (frames, checkpoints, failures → receipts);
//! `contracts/` holds the native contracts (system.iost, token.iost, auth.iost, ram.iost,
//! gas.iost, domain.iost); `resources` charges gas and RAM when the chain does so;
//! [`views`] answers the node's read endpoints;
//! `amount_limit` checks what a transaction may spend; `code_cache` keeps compiled
//! code per engine; `pool` is the worker threads; `manager` blocks and commits; `proposal` holds blocks
//! executed and not yet committed, as a consensus engine needs them.

mod admission;
mod amount_limit;
mod base58;
pub mod code_cache;
mod config;
mod contracts;
mod error;
mod exec;
mod manager;
mod parallel;
mod pool;
mod proposal;
mod receipt;
mod resources;
mod signing;
mod tx;
mod unknown_method;
pub mod views;

pub use config::{ExecMode, GenesisAccount, VmConfig};
pub use contracts::{GENESIS_ADMIN, NATIVE_DECIMALS, NATIVE_SUPPLY};
pub use error::VmError;
pub use manager::{BlockOutcome, BlockRecord, ExecStats, LeftOut, TxLog, VmManager, GAS_SCHEDULE_KEY};
pub use pool::MAX_BLOCK_WRITE_BYTES;
pub use proposal::{PreparedBlock, ProposedBlock};
pub use receipt::{thousands, Receipt, Status, MAX_MESSAGE_BYTES};
pub use tx::{contract_json, Action, Transaction, DEFAULT_GAS_LIMIT, MAX_GAS_LIMIT, MAX_TX_BYTES};

pub use jsvm_compiler::AmountLimit;
pub use jsvm_engine::EngineKind;
pub use jsvm_runtime::{valid_name, GasSchedule, SYSTEM_CONTRACT};
