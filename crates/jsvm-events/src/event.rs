//! What a subscriber receives: one [`ChainEvent`] per `blockchain.receipt` or `blockchain.event` entry of a
//! committed, successful transaction, rendered as go-iost's gateway streams its `SubscribeResponse`.

use jsvm_vm::{Receipt, Status};
use serde::Serialize;

/// IOST's event topics, with their proto3 numbers (`rpc.proto`'s `Event.Topic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    /// 0: a `blockchain.receipt` entry; `data` is the text the contract passed.
    ContractReceipt,
    /// 1: a `blockchain.event` entry; `data` is the text the contract passed.
    ContractEvent,
}

impl Topic {
    /// The name proto3 JSON gives the topic, e.g. `CONTRACT_EVENT`.
    pub fn name(self) -> &'static str {
        match self {
            Topic::ContractReceipt => "CONTRACT_RECEIPT",
            Topic::ContractEvent => "CONTRACT_EVENT",
        }
    }

    /// The topic with proto3 name `name`.
    pub fn from_name(name: &str) -> Option<Topic> {
        [Topic::ContractReceipt, Topic::ContractEvent].into_iter().find(|t| t.name() == name)
    }

    /// The topic with proto3 number `number`.
    pub fn from_number(number: i64) -> Option<Topic> {
        match number {
            0 => Some(Topic::ContractReceipt),
            1 => Some(Topic::ContractEvent),
            _ => None,
        }
    }
}

/// One event of a committed block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEvent {
    /// Receipt or event.
    pub topic: Topic,
    /// The text the contract passed to `blockchain.receipt` or `blockchain.event`.
    pub data: String,
    /// The block's time, nanoseconds since the epoch (go-iost stamps the moment of posting instead).
    pub time: u64,
    /// Height of the block holding the transaction.
    pub block_number: u64,
    /// Base58 hash of the transaction that wrote it.
    pub tx_hash: String,
    /// Id of the contract that wrote it (what `filter.contract_id` matches).
    pub contract_id: String,
}

/// A stream line's fields, in the order they are written.
#[derive(Serialize)]
struct Line<'a> {
    result: LineResult<'a>,
}

#[derive(Serialize)]
struct LineResult<'a> {
    event: LineEvent<'a>,
}

#[derive(Serialize)]
struct LineEvent<'a> {
    topic: &'static str,
    data: &'a str,
    time: String,
    block_number: String,
    tx_hash: &'a str,
    contract_id: &'a str,
}

impl ChainEvent {
    /// The stream line (without its newline), as grpc-gateway writes a `SubscribeResponse`: int64s as strings,
    /// the topic by name, and jsvm's `block_number`, `tx_hash` and `contract_id` after IOST's three fields:
    /// `{"result":{"event":{"topic","data","time","block_number","tx_hash","contract_id"}}}`.
    pub fn to_line(&self) -> String {
        let line = Line {
            result: LineResult {
                event: LineEvent {
                    topic: self.topic.name(),
                    data: &self.data,
                    time: self.time.to_string(),
                    block_number: self.block_number.to_string(),
                    tx_hash: &self.tx_hash,
                    contract_id: &self.contract_id,
                },
            },
        };
        serde_json::to_string(&line).unwrap_or_default()
    }
}

/// The events of a block at `height` and `time` holding `receipts`, in chain order: transaction by transaction,
/// successful ones only; within a transaction its receipt entries in order, then its events in order (receipts
/// keep the two lists apart, so how a transaction interleaved them is not known).
pub(crate) fn block_events(height: u64, time: u64, receipts: &[Receipt]) -> Vec<ChainEvent> {
    let mut out = Vec::new();
    for receipt in receipts.iter().filter(|r| r.status == Status::Success) {
        let event = |topic, contract_id: &str, data: &str| ChainEvent {
            topic,
            data: data.to_string(),
            time,
            block_number: height,
            tx_hash: receipt.tx_hash.clone(),
            contract_id: contract_id.to_string(),
        };
        for entry in &receipt.receipts {
            // `func_name` is `contract/method`; a method name holds no `/`.
            let contract = entry.func_name.rsplit_once('/').map_or(entry.func_name.as_str(), |(c, _)| c);
            out.push(event(Topic::ContractReceipt, contract, &entry.content));
        }
        for e in &receipt.events {
            out.push(event(Topic::ContractEvent, &e.contract, &e.content));
        }
    }
    out
}
