use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// Why the node could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// The data directory, the listening socket or another file could not be used.
    #[error("{what}: {source}")]
    Io {
        /// What the node was doing.
        what: String,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The chain store could not be opened or read.
    #[error(transparent)]
    State(#[from] jsvm_state::StateError),
    /// The VM could not start, or the genesis block could not be made.
    #[error(transparent)]
    Vm(#[from] jsvm_vm::VmError),
    /// The configuration is not usable (the message says which value).
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// gRPC status codes, as IOST's gateway puts them in an error body's `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Code {
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    ResourceExhausted = 8,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
}

/// An answer that is not a success: an HTTP status and the gateway's error body
/// `{"error", "code", "message", "details"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: Code,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: Code, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }

    /// 400: the request is malformed or refused as it stands.
    pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, Code::InvalidArgument, message)
    }

    /// 404: the hash, name or path names nothing there is.
    pub(crate) fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, Code::NotFound, message)
    }

    /// 409: the transaction is already pending or on chain.
    pub(crate) fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, Code::AlreadyExists, message)
    }

    /// 429: a bound of the mempool is reached; the client may retry later.
    pub(crate) fn too_many(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, Code::ResourceExhausted, message)
    }

    /// 500: the node itself failed (the store, a worker).
    pub(crate) fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, Code::Internal, message)
    }
}

impl From<jsvm_vm::VmError> for ApiError {
    fn from(e: jsvm_vm::VmError) -> ApiError {
        match e {
            jsvm_vm::VmError::InvalidTx(_) => ApiError::bad_request(e.to_string()),
            other => {
                tracing::error!("request failed inside the node: {other}");
                ApiError::internal(other.to_string())
            }
        }
    }
}

impl From<jsvm_state::StateError> for ApiError {
    fn from(e: jsvm_state::StateError) -> ApiError {
        tracing::error!("store read failed: {e}");
        ApiError::internal(format!("store read failed: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": self.message,
            "code": self.code as i32,
            "message": self.message,
            "details": [],
        });
        (self.status, Json(body)).into_response()
    }
}
