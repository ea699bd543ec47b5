//! `--node URL --account NAME --key FILE`: a transaction built as for the data directory, sent
//! to a running node as IOST's signed transaction, and its receipt printed once it is on chain.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use jsvm_tx::KeyPair;
use jsvm_vm::{Receipt, Status, Transaction};
use serde_json::Value;

use crate::args::RemoteOpts;
use crate::client::{NodeClient, RequestError};
use crate::commands::{print_receipt, CmdResult};

/// How long to wait for the transaction to go on chain.
const RECEIPT_WAIT: Duration = Duration::from_secs(30);
/// Pause between two receipt requests.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// The node, account and key `--node`, `--account` and `--key` name.
pub(crate) struct Remote {
    url: String,
    account: String,
    key: KeyPair,
}

impl Remote {
    /// `None` when the command runs on the data directory (no `--node`).
    pub(crate) fn from_opts(opts: &RemoteOpts) -> Result<Option<Remote>, String> {
        let (Some(url), Some(account), Some(key_file)) = (&opts.node, &opts.account, &opts.key) else {
            return Ok(None);
        };
        let key = crate::key::read_key_file(key_file)?;
        Ok(Some(Remote { url: url.clone(), account: account.clone(), key }))
    }

    /// The account that publishes the transaction.
    pub(crate) fn account(&self) -> &str {
        &self.account
    }

    /// Signs `tx` (published by `--account`, claimed signers signed with the same key), sends it,
    /// waits until it is on chain and prints its receipt.
    pub(crate) fn send(&self, tx: &Transaction) -> CmdResult {
        tx.validate().map_err(|e| e.to_string())?;
        let client = NodeClient::new(&self.url)?;
        let unreachable = |e: RequestError| format!("cannot reach the node: {e}");
        let chain_id = integer(&client.get("/getChainInfo").map_err(unreachable)?["chain_id"])
            .and_then(|id| u32::try_from(id).ok())
            .ok_or("the node's /getChainInfo has no chain_id")?;
        // The node's clock, as the SDK takes it: the node judges the transaction's time by it.
        let now = integer(&client.get("/getNodeInfo").map_err(unreachable)?["server_time"])
            .ok_or("the node's /getNodeInfo has no server_time")?;
        let signed = self.sign(tx, chain_id, now);
        let sent = client
            .post("/sendTx", &send_tx_body(&signed)?)
            .map_err(|e| format!("the node refused the transaction: {e}"))?;
        let hash = sent["hash"].as_str().ok_or("the node's answer to /sendTx has no hash")?;
        let receipt = wait_for_receipt(&client, hash)?;
        print_receipt(&receipt, &[])
    }

    fn sign(&self, tx: &Transaction, chain_id: u32, now: i64) -> jsvm_tx::Tx {
        let actions = tx.actions.iter().map(|a| jsvm_tx::Action::new(&a.contract, &a.action_name, &a.data)).collect();
        let mut signed = jsvm_tx::Tx::new(now, chain_id, tx.gas_limit as i64, actions);
        signed.signers = tx.signers.clone();
        signed.amount_limit = tx
            .amount_limit
            .iter()
            .map(|l| jsvm_tx::AmountLimit { token: l.token.clone(), value: l.val.clone() })
            .collect();
        signed.publisher = self.account.clone();
        if !signed.signers.is_empty() {
            signed.add_sign(&self.key);
        }
        signed.add_publish_sign(&self.account, &self.key);
        signed
    }
}

/// The body of `POST /sendTx` (IOST's `TransactionRequest`): the transaction as the gateway shows it, with
/// its signatures and without what the gateway adds when it shows one (`hash`, `tx_receipt`).
fn send_tx_body(tx: &jsvm_tx::Tx) -> Result<Value, String> {
    let mut body = tx.to_gateway_json();
    let fields = body.as_object_mut().ok_or("the transaction's JSON is not an object")?;
    fields.remove("hash");
    fields.remove("tx_receipt");
    let signatures = |sigs: &[jsvm_tx::Signature]| serde_json::to_value(sigs).map_err(|e| e.to_string());
    fields.insert("signatures".into(), signatures(&tx.signatures)?);
    fields.insert("publisher_sigs".into(), signatures(&tx.publisher_sigs)?);
    Ok(body)
}

/// An int64 as proto3 JSON writes it: a number or a decimal string.
fn integer(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// Polls the receipt of `hash` until it is on chain (bounded by [`RECEIPT_WAIT`]).
fn wait_for_receipt(client: &NodeClient, hash: &str) -> Result<Receipt, String> {
    let started = Instant::now();
    let receipt = loop {
        match client.get(&format!("/getTxReceiptByTxHash/{hash}")) {
            Ok(receipt) => break receipt,
            // Not on chain yet.
            Err(RequestError::Node { status: 404, .. }) if started.elapsed() < RECEIPT_WAIT => {
                std::thread::sleep(POLL_INTERVAL)
            }
            Err(RequestError::Node { status: 404, .. }) => {
                return Err(format!(
                    "transaction {hash} was accepted but is not on chain after {} s \
                     (the node leaves out a transaction that expired or lost its authority: see its log)",
                    RECEIPT_WAIT.as_secs()
                ))
            }
            Err(e) => return Err(format!("cannot read the receipt of {hash}: {e}")),
        }
    };
    let found = client.get(&format!("/getTxByHash/{hash}")).map_err(|e| format!("cannot read {hash}: {e}"))?;
    let block = integer(&found["block_number"])
        .and_then(|n| u64::try_from(n).ok())
        .ok_or_else(|| format!("the node's /getTxByHash/{hash} has no block_number"))?;
    cli_receipt(&receipt, block)
}

/// The CLI's receipt (as the data-directory commands print it) from the node's IOST receipt.
fn cli_receipt(r: &Value, block: u64) -> Result<Receipt, String> {
    let bad = |field: &str| format!("the node's receipt has no valid {field:?}: {r}");
    let text = |field: &str| r[field].as_str().map(str::to_string).ok_or_else(|| bad(field));
    let status: Status = serde_json::from_value(r["status_code"].clone()).map_err(|_| bad("status_code"))?;
    let gas_used = r["gas_usage"].as_f64().filter(|g| *g >= 0.0).ok_or_else(|| bad("gas_usage"))?.round() as u64;
    let ram_usage = match &r["ram_usage"] {
        Value::Null => BTreeMap::new(),
        Value::Object(map) => map
            .iter()
            .map(|(payer, bytes)| integer(bytes).map(|b| (payer.clone(), b)))
            .collect::<Option<_>>()
            .ok_or_else(|| bad("ram_usage"))?,
        _ => return Err(bad("ram_usage")),
    };
    let returns = match &r["returns"] {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items.iter().map(|v| v.as_str().map(action_return)).collect::<Option<_>>(),
        _ => None,
    }
    .ok_or_else(|| bad("returns"))?;
    let receipts = match &r["receipts"] {
        Value::Null => Vec::new(),
        v => serde_json::from_value(v.clone()).map_err(|_| bad("receipts"))?,
    };
    Ok(Receipt {
        tx_hash: text("tx_hash")?,
        block,
        status,
        status_code: status.code(),
        message: r["message"].as_str().unwrap_or_default().to_string(),
        gas_used,
        ram_usage,
        returns,
        receipts,
        events: Vec::new(),
    })
}

/// One action's return as the CLI shows it, from IOST's form (the JSON array of its return
/// values, e.g. `["Contract…"]`): the single string inside, else the JSON text as sent.
fn action_return(iost: &str) -> String {
    match serde_json::from_str::<Value>(iost) {
        Ok(Value::Array(values)) if values.len() == 1 => match &values[0] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        _ => iost.to_string(),
    }
}
