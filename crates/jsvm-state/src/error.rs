use std::path::PathBuf;

/// Everything that can go wrong below the VM.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The data directory holds something that is not a jsvm store.
    #[error("{path} is not a jsvm data directory: {reason}")]
    Foreign {
        /// The data directory that was opened.
        path: PathBuf,
        /// What is missing or wrong, e.g. no jsvm format marker.
        reason: String,
    },
    /// The data directory is a jsvm store but cannot be read consistently.
    #[error("the jsvm data directory {path} is corrupt: {reason}")]
    Corrupt {
        /// The data directory that was opened.
        path: PathBuf,
        /// Which record could not be read, and why.
        reason: String,
    },
    /// The data directory is sound but cannot be opened for writing: its file system is read-only
    /// or full, or permissions forbid it.
    #[error("cannot open the jsvm data directory {path} for writing: {reason}")]
    Unwritable {
        /// The data directory that was opened.
        path: PathBuf,
        /// The file system's reason, as RocksDB reports it.
        reason: String,
    },
    /// The store was written by an incompatible format version.
    #[error("the jsvm data directory {path} has format {found}, this build reads {expected}")]
    Version {
        /// The data directory that was opened.
        path: PathBuf,
        /// The format marker stored in the directory.
        found: String,
        /// The format marker this build writes and reads.
        expected: String,
    },
    /// A block was committed out of order.
    #[error("block {got} cannot follow block {head}")]
    OutOfOrder {
        /// Height of the last committed block; the next must be `head + 1`.
        head: u64,
        /// Height of the block that was offered instead.
        got: u64,
    },
    /// The underlying database failed.
    #[error("database error: {0}")]
    Db(String),
}

impl From<rocksdb::Error> for StateError {
    fn from(e: rocksdb::Error) -> Self {
        StateError::Db(e.into_string())
    }
}
