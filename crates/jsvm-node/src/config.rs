use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use jsvm_events::EventLimits;
use jsvm_replication::engine::PeerAddress;
use jsvm_replication::Genesis;
use jsvm_vm::VmConfig;

/// IOST's gateway port, on the loopback interface.
pub const DEFAULT_HTTP: &str = "127.0.0.1:30001";
/// IOST's chain id.
pub const DEFAULT_CHAIN_ID: u32 = 1024;

/// Bounds that keep the node answering whatever clients send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body, in bytes (a bigger one is 413).
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered 504 (streams only for their start).
    pub request_timeout: Duration,
    /// Requests served at once; more are answered 503 at once rather than queued.
    pub max_concurrent_requests: usize,
    /// Longest a client may take to send a request's head (line and headers), and longest a keep-alive
    /// connection may sit idle; then the node closes it. Bounds how long a slow client holds a connection.
    pub header_read_timeout: Duration,
    /// Connections open at once; past this the node accepts no more until one ends (new clients wait in
    /// the listen backlog). Keep it under the process's open-file limit.
    pub max_connections: usize,
    /// Transactions waiting in the mempool, all accounts together (IOST's txpool holds 10,000).
    pub max_pending_txs: usize,
    /// Transactions one publisher may have waiting.
    pub max_pending_per_account: usize,
    /// Most transactions one block takes from the mempool.
    pub max_block_txs: usize,
    /// Open subscriptions and how far one may fall behind (`/subscribe`, `/ws`).
    pub events: EventLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 2 << 20,
            request_timeout: Duration::from_secs(30),
            max_concurrent_requests: 512,
            header_read_timeout: Duration::from_secs(10),
            max_connections: 4096,
            max_pending_txs: 10_000,
            max_pending_per_account: 1_000,
            max_block_txs: 1_000,
            events: EventLimits::default(),
        }
    }
}

/// Everything `jsvm node` is started with.
#[derive(Debug, Clone)]
pub struct NodeConfig {
    /// The chain's RocksDB directory: created with a genesis block when empty, continued from its head otherwise.
    pub data_dir: PathBuf,
    /// Where the HTTP API listens; port 0 picks a free port (the stdout line says which).
    pub http: SocketAddr,
    /// Zero: a block as soon as transactions wait. Otherwise one block per interval when any wait.
    pub block_time: Duration,
    /// The chain id transactions must carry (IOST's is 1024).
    pub chain_id: u32,
    /// Base58 public key of genesis `admin` (owner and active); `None`: the development key
    /// ([`crate::DEV_ADMIN_PUBLIC_B58`]).
    pub admin_key: Option<String>,
    /// The producer's name, carried by every block and read by contracts through `block.witness`.
    pub witness: String,
    /// Added to the system clock (ns) for block times, `server_time` and the transaction time window,
    /// to try date-dependent contracts.
    pub time_offset_ns: i64,
    /// On an empty data directory: the time (ns since the epoch) the node's clock reads at start, so
    /// that the chain begins then (it replaces `time_offset_ns`). Ignored when the chain exists.
    pub genesis_time_ns: Option<i64>,
    /// How contracts run. The node sets its chain id, admin key and witness from the fields
    /// above and requires signatures.
    pub vm: VmConfig,
    /// Request, mempool and block bounds.
    pub limits: Limits,
    /// Run as one validator of a replicated chain instead of as its only producer.
    pub validator: Option<ValidatorSetup>,
}

/// What a validator node is started with (docs/replication.md). The chain's settings (chain
/// id, admin key, whether resources are charged) come from the genesis, the witness from the
/// validator's name in it; `block_time`, when not zero, is how long an idle leader waits for a
/// transaction before it proposes an empty block.
#[derive(Debug, Clone)]
pub struct ValidatorSetup {
    /// The chain's genesis file, read and checked.
    pub genesis: Genesis,
    /// This validator's ed25519 seed (the first 32 bytes of its 64-byte secret key).
    pub seed: [u8; 32],
    /// Where the p2p network listens.
    pub p2p: SocketAddr,
    /// The other validators and their p2p addresses.
    pub peers: Vec<PeerAddress>,
}

impl NodeConfig {
    /// A node on `data_dir` with every other setting at its default.
    pub fn new(data_dir: impl Into<PathBuf>) -> NodeConfig {
        NodeConfig {
            data_dir: data_dir.into(),
            http: DEFAULT_HTTP.parse().unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 30001))),
            block_time: Duration::ZERO,
            chain_id: DEFAULT_CHAIN_ID,
            admin_key: None,
            witness: "jsvm".into(),
            time_offset_ns: 0,
            genesis_time_ns: None,
            vm: VmConfig::default(),
            limits: Limits::default(),
            validator: None,
        }
    }
}
