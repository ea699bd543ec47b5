//! What a subscriber receives: one [`ChainEvent`] per `blockchain.receipt` or `blockchain.event` entry of a
//! committed, successful transaction, and jsvm's one per committed block, rendered as go-iost's gateway
//! streams its `SubscribeResponse`.

use jsvm_vm::Status;
use serde::Serialize;
use serde_json::json;

use crate::CommittedBlock;

/// IOST's event topics, with their proto3 numbers (`rpc.proto`'s `Event.Topic`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Topic {
    /// 0: a `blockchain.receipt` entry; `data` is the text the contract passed.
    ContractReceipt,
    /// 1: a `blockchain.event` entry; `data` is the text the contract passed.
    ContractEvent,
    /// jsvm's own, by name only (IOST has no such topic, so no proto3 number): one per committed block,
    /// before its transactions' events; `data` is the JSON text `{"number", "hash", "time", "tx_count",
    /// "gas_usage", "tx_hashes"}`, `tx_hash` and `contract_id` are empty.
    JsvmBlock,
}

impl Topic {
    /// The name proto3 JSON gives the topic, e.g. `CONTRACT_EVENT`.
    pub fn name(self) -> &'static str {
        match self {
            Topic::ContractReceipt => "CONTRACT_RECEIPT",
            Topic::ContractEvent => "CONTRACT_EVENT",
            Topic::JsvmBlock => "JSVM_BLOCK",
        }
    }

    /// The topic with proto3 name `name`.
    pub fn from_name(name: &str) -> Option<Topic> {
        [Topic::ContractReceipt, Topic::ContractEvent, Topic::JsvmBlock].into_iter().find(|t| t.name() == name)
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

/// The events of a committed block, in chain order: first the block's own ([`Topic::JsvmBlock`]); then
/// transaction by transaction, successful ones only, its receipt entries in order, then its events in order
/// (receipts keep the two lists apart, so how a transaction interleaved them is not known).
pub(crate) fn block_events(block: &CommittedBlock) -> Vec<ChainEvent> {
    let (height, time) = (block.height, block.time);
    let summary = json!({
        "number": height.to_string(),
        "hash": block.hash,
        "time": time.to_string(),
        "tx_count": block.receipts.len(),
        "gas_usage": block.receipts.iter().map(|r| r.gas_used).sum::<u64>(),
        "tx_hashes": block.receipts.iter().map(|r| r.tx_hash.as_str()).collect::<Vec<_>>(),
    });
    let mut out = vec![ChainEvent {
        topic: Topic::JsvmBlock,
        data: summary.to_string(),
        time,
        block_number: height,
        tx_hash: String::new(),
        contract_id: String::new(),
    }];
    for receipt in block.receipts.iter().filter(|r| r.status == Status::Success) {
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
