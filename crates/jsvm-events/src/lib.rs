//! jsvm-events: contract events and receipts delivered to subscribers after their block is committed.
//!
//! The block producer hands each committed block to [`EventHub::publish`]; subscribers get the
//! `blockchain.receipt` and `blockchain.event` entries of its successful transactions, in chain order, as
//! [`ChainEvent`]s. Nothing is dropped silently: a subscriber too far behind is closed with an error saying
//! the first block it missed. A `from_block` subscriber first gets the committed events from that height,
//! read back through a [`BlockSource`] (the [`jsvm_vm::VmManager`] is one), then the live ones, with no gap
//! and no duplicate. [`routes`] serves it over HTTP as go-iost's gateway does (`POST /subscribe`,
//! newline-delimited JSON) and over WebSocket (`GET /ws`).
//!
//! Rooms: `event` what a subscriber receives; `request` what it asks for; `hub` the queues; `source` where
//! committed blocks are read back; `routes` the HTTP and WebSocket endpoints.

mod error;
mod event;
mod hub;
mod request;
mod routes;
mod source;

pub use error::EventError;
pub use event::{ChainEvent, Topic};
pub use hub::{EventHub, EventLimits, Subscription};
pub use request::SubscribeRequest;
pub use routes::{routes, MAX_REQUEST_BYTES};
pub use source::{BlockSource, CommittedBlock};
