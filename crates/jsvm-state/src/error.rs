use std::path::PathBuf;

/// Everything that can go wrong below the VM.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The data directory holds something that is not a jsvm store.
    #[error("{path} is not a jsvm data directory: {reason}")]
    Foreign { path: PathBuf, reason: String },
    /// The data directory is a jsvm store but cannot be read consistently.
    #[error("the jsvm data directory {path} is corrupt: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    /// The store was written by an incompatible format version.
    #[error("the jsvm data directory {path} has format {found}, this build reads {expected}")]
    Version { path: PathBuf, found: String, expected: String },
    /// A block was committed out of order.
    #[error("block {got} cannot follow block {head}")]
    OutOfOrder { head: u64, got: u64 },
    /// The underlying database failed.
    #[error("database error: {0}")]
    Db(String),
}

impl From<rocksdb::Error> for StateError {
    fn from(e: rocksdb::Error) -> Self {
        StateError::Db(e.into_string())
    }
}
