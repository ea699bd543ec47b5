//! The HTTP API: go-iost's gateway paths and JSON, and jsvm's own reads under `/jsvm/`, behind
//! bounds on body size, time and concurrency. Bodies are read as bytes whatever their Content-Type (IOST's SDK posts
//! `text/plain`).

mod chain;
mod jsvm;
mod send;
mod state;
mod tx;

pub(crate) use send::admit;

use std::sync::Arc;

use axum::body::Bytes;
use axum::error_handling::HandleErrorLayer;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, Path, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{BoxError, Router};
use serde::de::DeserializeOwned;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::cors::{Any, CorsLayer};

use jsvm_events::EventHub;

use crate::error::{ApiError, Code};
use crate::node::Node;

pub(crate) type Answer = Result<axum::Json<serde_json::Value>, ApiError>;

/// The gateway's routes under the bounds, and the event hub's `/subscribe` and `/ws` (which bound
/// their own bodies and subscriptions, and stream for as long as a subscriber stays).
pub(crate) fn router(node: Arc<Node>, hub: Arc<EventHub>) -> Router {
    let limits = node.config.limits.clone();
    let timeout = limits.request_timeout;
    let max_body = limits.max_body_bytes;
    let bounds = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(move |e: BoxError| async move { refused(e, timeout) }))
        .load_shed()
        // One semaphore for every route (a plain concurrency limit would give each route its own).
        .layer(GlobalConcurrencyLimitLayer::new(limits.max_concurrent_requests.max(1)))
        .timeout(timeout);
    Router::new()
        .route("/getNodeInfo", get(chain::node_info))
        .route("/getChainInfo", get(chain::chain_info))
        .route("/getGasRatio", get(chain::gas_ratio))
        .route("/getRAMInfo", get(state::ram_info))
        .route("/getAccount/{name}/{by_longest_chain}", get(state::account))
        .route("/getTokenBalance/{account}/{token}/{by_longest_chain}", get(state::token_balance))
        .route("/getTokenInfo/{symbol}/{by_longest_chain}", get(state::token_info))
        .route("/getContract/{id}/{by_longest_chain}", get(state::contract))
        .route("/getContractStorage", post(state::contract_storage))
        .route("/getContractStorageFields", post(state::contract_storage_fields))
        .route("/getBlockByNumber/{number}/{complete}", get(chain::block_by_number))
        .route("/getBlockByHash/{hash}/{complete}", get(chain::block_by_hash))
        .route("/getTxReceiptByTxHash/{hash}", get(tx::receipt))
        .route("/getTxByHash/{hash}", get(tx::by_hash))
        .route("/sendTx", post(send::send))
        .route("/execTx", post(send::exec))
        .route("/jsvm/history/{kind}/{name}", get(jsvm::history))
        .route("/jsvm/deployment/{id}", get(jsvm::deployment))
        .route("/jsvm/txLogs/{hash}", get(jsvm::tx_logs))
        .route("/jsvm/storageKeys", post(jsvm::storage_keys))
        .with_state(node)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(axum::middleware::from_fn(move |request, next| refuse_announced_oversize(max_body, request, next)))
        .layer(bounds)
        .merge(jsvm_events::routes(hub))
        .merge(crate::explorer::routes())
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .layer(CorsLayer::new().allow_origin(Any).allow_methods(Any).allow_headers(Any))
}

/// A body announced (Content-Length) over the bound is refused at once, none of it read: `DefaultBodyLimit` stops a
/// body only once that much of it has arrived, so a client announcing 64 MiB and sending a little held its request
/// until the request timeout.
async fn refuse_announced_oversize(max: usize, request: Request, next: Next) -> Response {
    let announced = request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    match announced {
        Some(bytes) if bytes > max as u64 => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Code::ResourceExhausted,
            format!("the request body is {bytes} bytes, more than the node takes ({max} bytes)"),
        )
        .into_response(),
        _ => next.run(request).await,
    }
}

/// A request the bounds stopped: past its time, or over the concurrency bound.
fn refused(e: BoxError, timeout: std::time::Duration) -> ApiError {
    if e.is::<tower::timeout::error::Elapsed>() {
        ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            Code::DeadlineExceeded,
            format!("the request took longer than {timeout:?}"),
        )
    } else if e.is::<tower::load_shed::error::Overloaded>() {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            Code::Unavailable,
            "the node is serving its most requests at once; try again",
        )
    } else {
        ApiError::internal(format!("the request failed: {e}"))
    }
}

async fn unknown_path(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no such API: {}", uri.path()))
}

async fn wrong_method(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        Code::Unimplemented,
        format!("{} does not take {method} requests", uri.path()),
    )
}

/// The JSON body of a POST, read from bytes whatever the Content-Type.
pub(crate) fn json_body<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let bytes = body_bytes(body)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("the request body is empty: a JSON object is expected"));
    }
    serde_json::from_slice(&bytes).map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

/// A POST's body as bytes, whatever the Content-Type; too large a body is 413.
pub(crate) fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, Code::ResourceExhausted, r.body_text())
        } else {
            ApiError::bad_request(r.body_text())
        }
    })
}

/// The path's parameters, or a 400 that says why they could not be read.
pub(crate) fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, ApiError> {
    p.map(|Path(t)| t).map_err(|r| ApiError::bad_request(r.body_text()))
}

/// A path's boolean as protobuf's gateway reads it (Go's `strconv.ParseBool`).
pub(crate) fn parse_bool(name: &str, text: &str) -> Result<bool, ApiError> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(ApiError::bad_request(format!("{name} must be true or false, not {text:?}"))),
    }
}

/// A base58 hash as paths carry it: 32 bytes.
pub(crate) fn parse_hash(text: &str) -> Result<[u8; 32], ApiError> {
    if text.len() >= 100 {
        return Err(ApiError::bad_request(format!("hash length {} is 100 or more", text.len())));
    }
    let bytes = bs58::decode(text)
        .into_vec()
        .map_err(|e| ApiError::bad_request(format!("hash {text:?} is not base58: {e}")))?;
    bytes.try_into().map_err(|b: Vec<u8>| ApiError::bad_request(format!("hash {text:?} is {} bytes, not 32", b.len())))
}
