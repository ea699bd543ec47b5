//! Writes: sendTx and execTx. A transaction is checked as IOST's node checks it (chain id, time
//! window, gas and size bounds, every signature, the signers' and publisher's authority, no
//! replay) before it enters the mempool or runs.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use jsvm_vm::{Transaction, VmError};
use serde_json::json;

use super::{body_bytes, Answer};
use crate::error::{ApiError, Code};
use crate::mempool::Refusal;
use crate::node::Node;
use crate::render::{self, b58};

/// The signed transaction a body holds, as IOST's gateway reads it.
fn parse(body: Result<Bytes, BytesRejection>) -> Result<jsvm_tx::Tx, ApiError> {
    let bytes = body_bytes(body)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("the request body is empty: a transaction in JSON is expected"));
    }
    jsvm_tx::Tx::from_gateway_json(&bytes).map_err(|e| ApiError::bad_request(format!("invalid transaction: {e}")))
}

/// The VM's admission checks against the head state and the node's clock, off the HTTP threads.
async fn check(node: &Arc<Node>, signed: jsvm_tx::Tx) -> Result<Transaction, ApiError> {
    let tx = Transaction::from_iost(signed)?;
    let vm = node.vm.clone();
    let now = node.clock.now_ns();
    let checked = tx.clone();
    tokio::task::spawn_blocking(move || vm.check_tx(&checked, now))
        .await
        .unwrap_or_else(|e| Err(VmError::Internal(format!("the check's thread failed: {e}"))))?;
    Ok(tx)
}

/// Puts a signed transaction in the mempool, as sendTx does and as a validator does with one a
/// peer forwarded: refused when it waits already or is on chain (before any signature is
/// checked), then after every admission check. A blocking call (signatures are verified).
pub(crate) fn admit(node: &Node, tx: Transaction) -> Result<[u8; 32], ApiError> {
    let Some(signed) = tx.signed() else {
        return Err(ApiError::bad_request("an unsigned transaction cannot wait for a block"));
    };
    if node.vm.head().height == 0 {
        // A validator's chain, before consensus finalised its first block: no account exists yet.
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Code::Unavailable,
            "the chain has no block yet (consensus has not finalised the first): try again shortly",
        ));
    }
    let (publisher, expiration) = (signed.publisher.clone(), signed.expiration);
    let hash = tx.hash();
    let on_chain = || node.vm.store().receipt(&hash).map(|r| r.is_some()).map_err(|e| e.to_string());
    if node.pool.get(&hash).is_some() {
        return Err(refused(Refusal::Pending));
    }
    if on_chain().map_err(Refusal::Store).map_err(refused)? {
        return Err(refused(Refusal::OnChain));
    }
    node.vm.check_tx(&tx, node.clock.now_ns())?;
    node.pool.add(hash, tx, publisher, expiration, on_chain).map_err(refused)?;
    node.new_tx.notify_one();
    Ok(hash)
}

fn refused(r: Refusal) -> ApiError {
    match r {
        Refusal::Pending | Refusal::OnChain => ApiError::conflict(r.to_string()),
        Refusal::Full(_) | Refusal::AccountFull { .. } => ApiError::too_many(r.to_string()),
        Refusal::Store(_) => ApiError::internal(r.to_string()),
    }
}

/// `{hash, pre_tx_receipt}` once the transaction waits in the mempool (jsvm does not try it first:
/// `pre_tx_receipt` is null, as in IOST's default configuration).
pub(super) async fn send(State(node): State<Arc<Node>>, body: Result<Bytes, BytesRejection>) -> Answer {
    if let Some(why) = node.store_failure.get() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Code::Unavailable,
            format!("the node cannot write its store ({why}): it accepts no transactions until it is restarted"),
        ));
    }
    let tx = Transaction::from_iost(parse(body)?)?;
    let admitting = (node.clone(), tx.clone());
    let hash = tokio::task::spawn_blocking(move || admit(&admitting.0, admitting.1))
        .await
        .unwrap_or_else(|e| Err(VmError::Internal(format!("the check's thread failed: {e}")).into()))?;
    // A validator's peers get it too, so that whichever leads next can propose it. Best effort:
    // it waits here either way, and this validator proposes it when it leads.
    if let Some(forward) = &node.forward {
        if forward.try_send(tx).is_err() {
            tracing::debug!(tx = %b58(&hash), "not forwarded: the peers' queue is full");
        }
    }
    tracing::debug!(tx = %b58(&hash), "accepted");
    Ok(Json(json!({"hash": b58(&hash), "pre_tx_receipt": null})))
}

/// The receipt of a dry run on the head state, nothing committed. A signed transaction gets the same
/// checks as sendTx. An unsigned one (no signatures and no publisher signatures) runs as its publisher
/// and signers name themselves, as IOST's execTx never checks signatures: what a read-only call or a
/// "what would this do" needs, and no more than anyone can already read from the state.
pub(super) async fn exec(State(node): State<Arc<Node>>, body: Result<Bytes, BytesRejection>) -> Answer {
    let signed = parse(body)?;
    let tx = if signed.signatures.is_empty() && signed.publisher_sigs.is_empty() {
        unsigned(&node, signed)?
    } else {
        check(&node, signed).await?
    };
    let vm = node.vm.clone();
    let (receipt, _logs) = tokio::task::spawn_blocking(move || vm.query(tx))
        .await
        .unwrap_or_else(|e| Err(VmError::Internal(format!("the dry run's thread failed: {e}"))))?;
    Ok(Json(render::receipt(&receipt)))
}

/// The unsigned transaction an execTx body without signatures asks for: its fields, for this chain.
fn unsigned(node: &Node, tx: jsvm_tx::Tx) -> Result<Transaction, ApiError> {
    if tx.chain_id != node.config.chain_id {
        return Err(ApiError::bad_request(format!(
            "chain id {} is not this chain's ({})",
            tx.chain_id, node.config.chain_id
        )));
    }
    let fields = Transaction::from_iost(tx)?;
    Ok(Transaction::new(fields.publisher, fields.actions)
        .with_signers(fields.signers)
        .with_gas_limit(fields.gas_limit)
        .with_time(fields.time)
        .with_amount_limit(fields.amount_limit))
}
