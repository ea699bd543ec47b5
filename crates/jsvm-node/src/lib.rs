//! jsvm-node: `jsvm node`, a chain that IOST's tools talk to: one producer, or one validator of many.
//!
//! Rooms: `api` is the HTTP API (go-iost gateway's paths and JSON); `mempool` holds accepted
//! transactions until their block commits; `producer` makes and commits blocks; `render` writes
//! receipts, transactions and blocks in IOST's shapes; `history` indexes which transactions concern
//! an account or a contract; `serve` accepts connections under their bounds; `explorer` serves the
//! web page; `dev_key` is the development key pair; `validator` runs the node as one validator
//! of a replicated chain (blocks from consensus instead of the producer); `node` starts and
//! stops it all.

mod api;
mod config;
mod dev_key;
mod error;
mod explorer;
mod history;
mod mempool;
mod node;
mod producer;
mod render;
mod serve;
mod validator;

pub use config::{Limits, NodeConfig, ValidatorSetup, DEFAULT_CHAIN_ID, DEFAULT_HTTP};
pub use dev_key::{DEV_ADMIN_PUBLIC_B58, DEV_ADMIN_SECRET_B58, DEV_ADMIN_SEED};
pub use error::NodeError;
pub use node::{run, start, RunningNode};
