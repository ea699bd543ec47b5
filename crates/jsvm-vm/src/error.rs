use jsvm_state::StateError;

/// Why a request could not be executed at all (as opposed to a transaction
/// that ran and failed, which is a receipt with a status).
#[derive(Debug, thiserror::Error)]
pub enum VmError {
    /// The transaction is malformed; nothing ran.
    #[error("invalid transaction: {0}")]
    InvalidTx(String),
    /// The store failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// A block to validate does not re-execute to the receipts or state root given.
    #[error("block mismatch: {0}")]
    BlockMismatch(String),
    /// A prepared block cannot be committed: the chain's head is no longer the block it was
    /// executed on.
    #[error("stale block: {0}")]
    StaleBlock(String),
    /// The block was made without the transaction (no receipt, nothing written): it passed the
    /// node's deadline, or the block's writes would have passed their bound.
    #[error("transaction left out of the block: {0}")]
    LeftOut(String),
    /// A worker or engine could not start or died.
    #[error("vm failure: {0}")]
    Internal(String),
}
