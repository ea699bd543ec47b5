//! Receipts, transactions and blocks in the JSON of IOST's gateway (rpc/pb/rpc.proto as protojson
//! writes it: proto field names, every field present, 64-bit integers as strings, enums by name).

use jsvm_vm::{BlockRecord, Receipt, Transaction};
use serde_json::{json, Map, Value};

/// A committed block and its hash.
pub(crate) struct StoredBlock {
    pub(crate) record: BlockRecord,
    pub(crate) hash: [u8; 32],
}

pub(crate) fn b58(bytes: &[u8]) -> String {
    bs58::encode(bytes).into_string()
}

/// `TxReceipt`: each action's return as IOST writes it, the JSON array of its return values; jsvm adds
/// the block's number and the transaction's `blockchain.event`s (`{contract, content}`), which IOST only
/// streams to subscribers.
pub(crate) fn receipt(r: &Receipt) -> Value {
    let ram_usage: Map<String, Value> =
        r.ram_usage.iter().map(|(payer, bytes)| (payer.clone(), Value::String(bytes.to_string()))).collect();
    let returns: Vec<String> =
        r.returns.iter().map(|v| serde_json::to_string(&[v]).unwrap_or_else(|_| "[]".into())).collect();
    let receipts: Vec<Value> =
        r.receipts.iter().map(|e| json!({"func_name": e.func_name, "content": e.content})).collect();
    let events: Vec<Value> = r.events.iter().map(|e| json!({"contract": e.contract, "content": e.content})).collect();
    json!({
        "tx_hash": r.tx_hash,
        "gas_usage": r.gas_used,
        "ram_usage": ram_usage,
        "status_code": r.status.name(),
        "message": r.message,
        "returns": returns,
        "receipts": receipts,
        "events": events,
        "block_number": r.block.to_string(),
    })
}

/// A transaction's gas ratio: a signed one's (IOST's ×100 field / 100), 1 for an unsigned one.
pub(crate) fn gas_ratio(tx: &Transaction) -> f64 {
    tx.signed().map_or(1.0, |s| s.gas_ratio as f64 / 100.0)
}

/// `Transaction`, with its receipt once it has one (`null` while pending). A signed transaction
/// shows its IOST fields and, beyond IOST's gateway, its `signatures` and `publisher_sigs` as
/// sendTx takes them (algorithm name, base64 signature and public key); an unsigned one (written by the one-shot CLI on a chain a node later
/// continued) shows what it has, with IOST's defaults for the rest.
pub(crate) fn transaction(tx: &Transaction, chain_id: u32, r: Option<&Receipt>) -> Value {
    let tx_receipt = r.map_or(Value::Null, receipt);
    if let Some(signed) = tx.signed() {
        let mut shown = signed.to_gateway_json();
        shown["tx_receipt"] = tx_receipt;
        shown["signatures"] = serde_json::to_value(&signed.signatures).unwrap_or_default();
        shown["publisher_sigs"] = serde_json::to_value(&signed.publisher_sigs).unwrap_or_default();
        return shown;
    }
    let actions: Vec<Value> = tx
        .actions
        .iter()
        .map(|a| json!({"contract": a.contract, "action_name": a.action_name, "data": a.data}))
        .collect();
    let amount_limit: Vec<Value> = tx.amount_limit.iter().map(|l| json!({"token": l.token, "value": l.val})).collect();
    json!({
        "hash": b58(&tx.hash()),
        "time": tx.time.to_string(),
        "expiration": "0",
        "gas_ratio": 1,
        "gas_limit": tx.gas_limit,
        "delay": "0",
        "chain_id": chain_id,
        "actions": actions,
        "signers": tx.signers,
        "publisher": tx.publisher,
        "referred_tx": "",
        "amount_limit": amount_limit,
        "signatures": [],
        "publisher_sigs": [],
        "tx_receipt": tx_receipt,
    })
}

/// `Block`: transactions (with receipts) only when `complete`. jsvm keeps no Merkle trees: their
/// hashes are empty; the block's hash covers its record, which holds the state root (shown as
/// `state_root`, hex, beyond IOST's fields).
pub(crate) fn block(b: &StoredBlock, chain_id: u32, complete: bool, receipts: &[Option<Receipt>]) -> Value {
    let gas: u64 = receipts.iter().flatten().map(|r| r.gas_used).sum();
    let transactions: Vec<Value> = if complete {
        b.record.txs.iter().zip(receipts).map(|(tx, r)| transaction(tx, chain_id, r.as_ref())).collect()
    } else {
        Vec::new()
    };
    json!({
        "hash": b58(&b.hash),
        "version": "0",
        "parent_hash": b.record.parent_hash,
        "tx_merkle_hash": "",
        "tx_receipt_merkle_hash": "",
        "number": b.record.height.to_string(),
        "witness": b.record.witness,
        "time": b.record.time.to_string(),
        "gas_usage": gas,
        "tx_count": b.record.txs.len().to_string(),
        "info": {"mode": 0, "thread": 0, "batch_index": []},
        "orig_info": "",
        "state_root": b.record.state_root,
        "transactions": transactions,
    })
}
