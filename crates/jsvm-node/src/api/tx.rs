//! Transactions: getTxReceiptByTxHash and getTxByHash.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::json;

use super::chain::stored_block;
use super::{parse_hash, path, Answer};
use crate::error::ApiError;
use crate::node::Node;
use crate::render::{self, b58};

/// A committed receipt. A transaction that waits, or that a block left out (it then left the
/// pool too), has none: 404.
pub(super) async fn receipt(State(node): State<Arc<Node>>, p: Result<Path<String>, PathRejection>) -> Answer {
    let text = path(p)?;
    let hash = parse_hash(&text)?;
    match node.vm.receipt(&text)? {
        Some(r) => Ok(Json(render::receipt(&r))),
        None if node.pool.get(&hash).is_some() => {
            Err(ApiError::not_found(format!("transaction {text} is pending: its receipt comes with its block")))
        }
        None => Err(ApiError::not_found(format!("receipt not found: no transaction {text} is on chain"))),
    }
}

/// `{status, transaction, block_number}`: PENDING (block -1) while it waits, IRREVERSIBLE once committed.
pub(super) async fn by_hash(State(node): State<Arc<Node>>, p: Result<Path<String>, PathRejection>) -> Answer {
    let text = path(p)?;
    let hash = parse_hash(&text)?;
    let chain_id = node.config.chain_id;
    if let Some(r) = node.vm.receipt(&text)? {
        let block = stored_block(&node.vm, r.block)?
            .ok_or_else(|| ApiError::internal(format!("block {} of transaction {text} is missing", r.block)))?;
        let tx = block
            .record
            .txs
            .iter()
            .find(|t| t.hash() == hash)
            .ok_or_else(|| ApiError::internal(format!("block {} does not hold transaction {text}", r.block)))?;
        return Ok(Json(json!({
            "status": "IRREVERSIBLE",
            "transaction": render::transaction(tx, chain_id, Some(&r)),
            "block_number": r.block.to_string(),
        })));
    }
    match node.pool.get(&hash) {
        Some(tx) => Ok(Json(json!({
            "status": "PENDING",
            "transaction": render::transaction(&tx, chain_id, None),
            "block_number": "-1",
        }))),
        None => Err(ApiError::not_found(format!("tx not found: {}", b58(&hash)))),
    }
}
