//! jsvm's own reads, under `/jsvm/` beside IOST's paths: an account's or a contract's history, a
//! contract's deployment, a transaction's log lines, and a page of a contract's storage keys (what
//! the explorer shows).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::Json;
use jsvm_vm::views;
use serde::Deserialize;
use serde_json::json;

use super::{json_body, parse_hash, path, Answer};
use crate::error::ApiError;
use crate::history::{Cursor, Subject, MAX_PAGE};
use crate::node::Node;

/// How many a page holds when the request does not say.
const DEFAULT_PAGE: usize = 20;

#[derive(Deserialize)]
pub(super) struct PageQuery {
    limit: Option<usize>,
    before: Option<String>,
}

fn page_query(q: Result<Query<PageQuery>, QueryRejection>) -> Result<(usize, Option<Cursor>), ApiError> {
    let Query(q) = q.map_err(|r| ApiError::bad_request(r.body_text()))?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(format!("limit must be 1 to {MAX_PAGE}, not {limit}")));
    }
    let before = match q.before.as_deref() {
        None | Some("") => None,
        Some(text) => Some(Cursor::parse(text).ok_or_else(|| {
            ApiError::bad_request(format!("before {text:?} is not a cursor: pass a page's `next` (height.position)"))
        })?),
    };
    Ok((limit, before))
}

/// `GET /jsvm/history/account/{name}?limit&before`: the transactions the account published or signed,
/// paid RAM in, or that name it in an argument or a receipt; `GET /jsvm/history/contract/{id}?…`: the
/// transactions that called the contract, that it wrote receipts or events in, or that deployed it.
/// Newest first.
pub(super) async fn history(
    State(node): State<Arc<Node>>,
    p: Result<Path<(String, String)>, PathRejection>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Answer {
    let (kind, name) = path(p)?;
    let subject = match kind.as_str() {
        "account" => Subject::Account,
        "contract" => Subject::Contract,
        _ => return Err(ApiError::not_found(format!("no such API: /jsvm/history/{kind}: account or contract"))),
    };
    if name.is_empty() || name.len() > 100 || name.contains('\0') {
        return Err(ApiError::bad_request(format!("{name:?} is not an account name or a contract id")));
    }
    let (limit, before) = page_query(q)?;
    let page = node.history.page(subject, &name, before, limit)?;
    Ok(Json(json!({"items": page.items, "next": page.next})))
}

/// `GET /jsvm/deployment/{id}`: `{tx_hash, block_number, owner}` of the transaction that deployed
/// the contract; 404 for a native contract or one this chain never deployed.
pub(super) async fn deployment(State(node): State<Arc<Node>>, p: Result<Path<String>, PathRejection>) -> Answer {
    let id = path(p)?;
    match node.history.deployment(&id)? {
        Some(found) => Ok(Json(found)),
        None => Err(ApiError::not_found(format!("no deployment of {id:?} is on this chain"))),
    }
}

/// `GET /jsvm/txLogs/{hash}`: `{tx_hash, lines}`, what the transaction wrote to this node's log
/// when this node made its block: console output, and on a failure the engine's words with the
/// author's `file:line:column` frames (which receipts leave out: they differ between engines).
pub(super) async fn tx_logs(State(node): State<Arc<Node>>, p: Result<Path<String>, PathRejection>) -> Answer {
    let hash = path(p)?;
    parse_hash(&hash)?;
    Ok(Json(json!({"tx_hash": hash, "lines": node.history.log_lines(&hash)?})))
}

#[derive(Deserialize)]
struct StorageKeysRequest {
    id: String,
    #[serde(default)]
    after: String,
    #[serde(default)]
    limit: Option<usize>,
}

/// `POST /jsvm/storageKeys {id, after?, limit?}`: a page of the contract's keys at the head.
pub(super) async fn storage_keys(State(node): State<Arc<Node>>, body: Result<Bytes, BytesRejection>) -> Answer {
    let r: StorageKeysRequest = json_body(body)?;
    let limit = r.limit.unwrap_or(50);
    if !(1..=views::MAX_STORAGE_KEYS_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(format!("limit must be 1 to {}, not {limit}", views::MAX_STORAGE_KEYS_PAGE)));
    }
    let (head, state) = node.vm.store().snapshot();
    let mut page = views::contract_storage_keys(&state, &r.id, &r.after, limit)?
        .ok_or_else(|| ApiError::not_found(format!("contract not found: {}", r.id)))?;
    page["block_number"] = json!(head.height.to_string());
    Ok(Json(page))
}
