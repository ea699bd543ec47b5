//! State, read from a snapshot of the head while blocks commit: getAccount, getTokenBalance,
//! getTokenInfo, getContract, getContractStorage, getContractStorageFields, getRAMInfo.
//! One producer: the head is final, so `by_longest_chain` true and false read the same state.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::Json;
use jsvm_state::{ChainHead, StateRead};
use jsvm_vm::views;
use serde::Deserialize;
use serde_json::Value;

use super::chain::stored_block;
use super::{json_body, parse_bool, path, Answer};
use crate::error::ApiError;
use crate::node::Node;
use crate::render::b58;
use jsvm_vm::valid_name;

/// Ids in these paths: a contract id as IOST's gateway takes it (rpc/util.go `checkIDValid`), an account name
/// as jsvm's `auth.iost signUp` accepts it (1 to 64 of A-Z a-z 0-9 _, wider than IOST's 5 to 11 of a-z 0-9 _:
/// every account the chain can hold can be looked up).
fn check_id(id: &str) -> Result<(), ApiError> {
    if id.starts_with("Contract") || id.ends_with(".iost") {
        if id.len() >= 100 {
            return Err(ApiError::bad_request(format!(
                "id invalid: a contract id is shorter than 100, not {}",
                id.len()
            )));
        }
        return Ok(());
    }
    if !valid_name(id) || id.contains('.') {
        return Err(ApiError::bad_request(format!("id invalid: {id:?} (an account name is 1 to 64 of A-Z a-z 0-9 _)")));
    }
    Ok(())
}

fn head_state(node: &Node, by_longest_chain: &str) -> Result<(ChainHead, Arc<dyn StateRead>), ApiError> {
    parse_bool("by_longest_chain", by_longest_chain)?;
    Ok(node.vm.store().snapshot())
}

fn found(value: Option<Value>, missing: impl FnOnce() -> String) -> Answer {
    value.map(Json).ok_or_else(|| ApiError::not_found(missing()))
}

pub(super) async fn account(State(node): State<Arc<Node>>, p: Result<Path<(String, String)>, PathRejection>) -> Answer {
    let (name, longest) = path(p)?;
    check_id(&name)?;
    let (head, state) = head_state(&node, &longest)?;
    found(views::account(&state, &name, head.time)?, || format!("account not found: {name}"))
}

pub(super) async fn token_balance(
    State(node): State<Arc<Node>>,
    p: Result<Path<(String, String, String)>, PathRejection>,
) -> Answer {
    let (account, token, longest) = path(p)?;
    check_id(&account)?;
    let (head, state) = head_state(&node, &longest)?;
    found(views::token_balance(&state, &account, &token, head.time)?, || format!("token not found: {token}"))
}

pub(super) async fn token_info(
    State(node): State<Arc<Node>>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let (symbol, longest) = path(p)?;
    let (_, state) = head_state(&node, &longest)?;
    found(views::token_info(&state, &symbol)?, || format!("token not found: {symbol}"))
}

pub(super) async fn contract(
    State(node): State<Arc<Node>>,
    p: Result<Path<(String, String)>, PathRejection>,
) -> Answer {
    let (id, longest) = path(p)?;
    check_id(&id)?;
    let (_, state) = head_state(&node, &longest)?;
    found(views::contract(&state, &id)?, || format!("contract not found: {id}"))
}

/// The body of getContractStorage and getContractStorageFields (IOST's requests; other fields,
/// `by_longest_chain` among them, are ignored).
#[derive(Deserialize)]
struct StorageRequest {
    id: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    field: String,
}

/// The value with the block it was read at, as IOST answers storage reads.
fn at_head(node: &Node, head: ChainHead, value: Option<Value>, id: &str) -> Answer {
    let Some(mut value) = value else { return Err(ApiError::not_found(format!("contract not found: {id}"))) };
    let hash = stored_block(&node.vm, head.height)?.map(|b| b58(&b.hash)).unwrap_or_default();
    value["block_hash"] = Value::String(hash);
    value["block_number"] = Value::String(head.height.to_string());
    Ok(Json(value))
}

pub(super) async fn contract_storage(State(node): State<Arc<Node>>, body: Result<Bytes, BytesRejection>) -> Answer {
    let r: StorageRequest = json_body(body)?;
    let (head, state) = node.vm.store().snapshot();
    let value = views::contract_storage(&state, &r.id, &r.key, Some(&r.field))?;
    at_head(&node, head, value, &r.id)
}

pub(super) async fn contract_storage_fields(
    State(node): State<Arc<Node>>,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let r: StorageRequest = json_body(body)?;
    let (head, state) = node.vm.store().snapshot();
    let value = views::contract_storage_fields(&state, &r.id, &r.key)?;
    at_head(&node, head, value, &r.id)
}

pub(super) async fn ram_info(State(node): State<Arc<Node>>) -> Answer {
    let (_, state) = node.vm.store().snapshot();
    Ok(Json(views::ram_info(&state)?))
}
