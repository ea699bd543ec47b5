//! The node, the chain and its blocks: getNodeInfo, getChainInfo, getGasRatio, getBlockByNumber and
//! getBlockByHash.

use std::sync::Arc;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::Json;
use jsvm_vm::{Receipt, VmManager};
use serde_json::json;

use super::{parse_bool, parse_hash, path, Answer};
use crate::error::ApiError;
use crate::node::Node;
use crate::render::{self, b58, StoredBlock};

pub(super) async fn node_info(State(node): State<Arc<Node>>) -> Answer {
    Ok(Json(json!({
        "build_time": "",
        "git_hash": "",
        "mode": "ModeNormal",
        "network": {"id": "", "peer_count": 0, "peer_count_inbound": 0, "peer_count_outbound": 0},
        "code_version": concat!("jsvm ", env!("CARGO_PKG_VERSION")),
        "server_time": node.clock.now_ns().to_string(),
        "tx_pool_size": node.pool.len().to_string(),
    })))
}

pub(super) async fn chain_info(State(node): State<Arc<Node>>) -> Answer {
    let head = node.vm.head();
    // A validator's chain has no block until consensus finalises the first.
    let (hash, time, producer) = match stored_block(&node.vm, head.height)? {
        Some(block) => (b58(&block.hash), block.record.time, block.record.witness),
        None if head.height == 0 => (b58(&[0; 32]), 0, String::new()),
        None => return Err(ApiError::internal(format!("the head block {} is missing", head.height))),
    };
    // The validators, or the one producer; either way a committed block is final, so the last
    // irreversible block is the head.
    let witness = if node.validators.is_empty() { vec![producer] } else { node.validators.clone() };
    Ok(Json(json!({
        "net_name": "jsvm",
        "protocol_version": "1.0",
        "chain_id": node.config.chain_id,
        "head_block": head.height.to_string(),
        "head_block_hash": hash,
        "lib_block": head.height.to_string(),
        "lib_block_hash": hash,
        "witness_list": witness,
        "lib_witness_list": witness,
        "pending_witness_list": [],
        "head_block_time": time.to_string(),
        "lib_block_time": time.to_string(),
    })))
}

pub(super) async fn gas_ratio(State(node): State<Arc<Node>>) -> Answer {
    let head = node.vm.head().height;
    let block = stored_block(&node.vm, head)?;
    let ratios: Vec<f64> = block.iter().flat_map(|b| b.record.txs.iter().map(render::gas_ratio)).collect();
    Ok(Json(jsvm_vm::views::gas_ratio(&ratios)))
}

pub(super) async fn block_by_number(
    State(node): State<Arc<Node>>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let (number, complete) = path(p)?;
    let complete = parse_bool("complete", &complete)?;
    let height: i64 =
        number.parse().map_err(|_| ApiError::bad_request(format!("block number {number:?} is not an integer")))?;
    let block =
        u64::try_from(height).ok().map(|h| stored_block(&node.vm, h)).transpose()?.flatten().ok_or_else(|| {
            ApiError::not_found(format!("block {height} not found: the head is {}", node.vm.head().height))
        })?;
    block_answer(&node, &block, complete)
}

pub(super) async fn block_by_hash(
    State(node): State<Arc<Node>>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let (text, complete) = path(p)?;
    let complete = parse_bool("complete", &complete)?;
    let hash = parse_hash(&text)?;
    let block = node
        .vm
        .store()
        .block_height(&hash)?
        .map(|h| stored_block(&node.vm, h))
        .transpose()?
        .flatten()
        .ok_or_else(|| ApiError::not_found(format!("block not found: no block has hash {text}")))?;
    block_answer(&node, &block, complete)
}

/// `{status, block}`: every committed block is irreversible on a one-producer chain.
pub(super) fn block_answer(node: &Node, block: &StoredBlock, complete: bool) -> Answer {
    let receipts = block
        .record
        .txs
        .iter()
        .map(|tx| node.vm.receipt(&b58(&tx.hash())))
        .collect::<Result<Vec<Option<Receipt>>, _>>()?;
    let rendered = render::block(block, node.config.chain_id, complete, &receipts);
    Ok(Json(json!({"status": "IRREVERSIBLE", "block": rendered})))
}

/// The committed block at `height`, with its hash (SHA3-256 of its stored record).
pub(crate) fn stored_block(vm: &VmManager, height: u64) -> Result<Option<StoredBlock>, ApiError> {
    Ok(vm.block_with_hash(height)?.map(|(record, hash)| StoredBlock { record, hash }))
}
