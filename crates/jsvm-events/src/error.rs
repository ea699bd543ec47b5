//! Why a subscription was refused or ended.

/// Why a subscription was refused, or why its stream ended early. Each ends with its error line: nothing is
/// dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The request is malformed; the text says how.
    #[error("{0}")]
    BadRequest(String),
    /// [`crate::EventLimits::max_subscriptions`] are open.
    #[error("too many subscriptions: {0} are open, the most this node allows; try again later")]
    TooManySubscriptions(usize),
    /// The subscriber fell more than [`crate::EventLimits::queue_blocks`] blocks behind; every event before
    /// block `next_block` was delivered, none after.
    #[error(
        "this subscriber fell too far behind and was closed: events from block {next_block} on were not sent; \
         subscribe again with \"from_block\": {next_block}"
    )]
    Lagged {
        /// The first block whose events were not sent.
        next_block: u64,
    },
    /// A committed block could not be read back from the store.
    #[error("the events of block {height} could not be read: {reason}")]
    Unreadable {
        /// The block.
        height: u64,
        /// What the store said.
        reason: String,
    },
    /// The node is shutting down.
    #[error("the node is shutting down")]
    Closed,
}

impl EventError {
    /// The gRPC status code go-iost's gateway would put in the error's `code`.
    pub fn grpc_code(&self) -> u32 {
        match self {
            EventError::BadRequest(_) => 3,                                       // INVALID_ARGUMENT
            EventError::TooManySubscriptions(_) | EventError::Lagged { .. } => 8, // RESOURCE_EXHAUSTED
            EventError::Unreadable { .. } => 13,                                  // INTERNAL
            EventError::Closed => 14,                                             // UNAVAILABLE
        }
    }

    /// The stream line (without its newline) that ends a subscription with this error, as grpc-gateway ends a
    /// server stream: `{"error":{"code","message","details"}}`.
    pub fn to_line(&self) -> String {
        serde_json::json!({"error": {"code": self.grpc_code(), "message": self.to_string(), "details": []}}).to_string()
    }
}
