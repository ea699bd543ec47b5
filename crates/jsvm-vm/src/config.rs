use std::time::Duration;

use jsvm_engine::EngineKind;
use jsvm_runtime::GasSchedule;

/// How a block's transactions are executed. Both give the same receipts, gas, events and state
/// root, byte for byte: the choice is about speed only (docs/parallel.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExecMode {
    /// One worker runs the block's transactions in order.
    Sequential,
    /// Block-STM: up to [`VmConfig::workers`] workers run the transactions optimistically at
    /// once over a multi-version store, validate what each read, re-run the ones that read a
    /// value a lower transaction then changed, and commit in block order. Falls back to running
    /// in order when that is faster (one worker, a block of a few transactions).
    #[default]
    Parallel,
}

impl std::str::FromStr for ExecMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "sequential" => Ok(ExecMode::Sequential),
            "parallel" => Ok(ExecMode::Parallel),
            other => Err(format!("unknown execution mode {other:?}: expected parallel or sequential")),
        }
    }
}

impl std::fmt::Display for ExecMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ExecMode::Sequential => "sequential",
            ExecMode::Parallel => "parallel",
        })
    }
}

/// How the VM runs contracts. Every bound here has a default a node can rely on.
#[derive(Debug, Clone)]
pub struct VmConfig {
    /// Most worker threads running contracts at once; the pool grows to this when
    /// work queues. A parallel block runs on this many.
    pub workers: usize,
    /// How a block's transactions are executed (made and validated alike).
    pub exec: ExecMode,
    /// Tests only: a seed that makes the parallel executor pause for short random times
    /// between its tasks, so that rare interleavings of the workers are exercised. None in
    /// every real configuration.
    #[doc(hidden)]
    pub exec_jitter_seed: Option<u64>,
    /// Fewest worker threads kept, however idle (at least one).
    pub min_workers: usize,
    /// How long a worker above `min_workers` may wait for work before it exits.
    pub worker_idle: Duration,
    /// Wall-clock budget of one transaction (all its actions together) while this node makes a
    /// block or answers a query: a node-local safety net, not consensus. A transaction that
    /// passes it is left out of the block being made.
    pub tx_timeout: Duration,
    /// Wall-clock budget of one transaction while this node re-executes another's block: far
    /// above `tx_timeout`, so that a slower validator still reaches the producer's receipts.
    pub validator_tx_timeout: Duration,
    /// Heap bytes one run may use.
    pub memory_limit: usize,
    /// Native stack bytes JS recursion may use (the worker thread has more).
    pub stack_limit: usize,
    /// Compiled contracts kept in each worker's memory.
    pub code_cache_entries: usize,
    /// The gas schedule written into a new chain's first block. After that the schedule
    /// stored in state (`system.iost`/`gas_schedule`) is the one in force.
    pub schedule: GasSchedule,
    /// Witness name put in produced blocks.
    pub witness: String,
    /// The JavaScript engine contracts run on. Default: `$JSVM_ENGINE` ("quickjs" or "v8"),
    /// else QuickJS; V8 needs a build with the `v8` feature.
    pub engine: EngineKind,
    /// Whether transactions pay for what they use, as on IOST: the publisher's gas (from
    /// IOST pledged to `gas.iost`) must cover the gas limit before a transaction runs and
    /// pays gas used × gas ratio after; new storage is paid from the payers' RAM (bought
    /// from `ram.iost`). Off by default: a development chain starts with one funded account
    /// and no RAM or gas anywhere, and every figure a test or a receipt shows stays the
    /// same as without it. A chain must keep one setting for its whole life.
    pub charge_resources: bool,
    /// The chain id signed transactions must carry (IOST's mainnet and SDK default: 1024).
    pub chain_id: u32,
    /// Whether every transaction of a block must be signed (a node: true). False (the one-shot CLI,
    /// tests) trusts an unsigned transaction's publisher and signers as given; signed ones are
    /// checked either way.
    pub require_signatures: bool,
    /// Base58 public key made the one key of genesis `admin`'s `owner` and `active` (weight 100 of
    /// threshold 100). None: `admin` has no keys, so only an unsigned transaction speaks for it.
    pub admin_key: Option<String>,
    /// Accounts the first block makes besides `admin`, each holding its key as `owner` and
    /// `active` and the `iost` given, transferred from `admin` (a replicated chain's genesis
    /// file names them).
    pub genesis_accounts: Vec<GenesisAccount>,
}

/// An account made at genesis.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisAccount {
    /// Its name (5 to 11 of `a-z`, `0-9`, `_`, as IOST's `auth.iost` requires; jsvm's accepts more,
    /// docs/compat.md).
    pub name: String,
    /// Base58 public key (ed25519 or secp256k1) made its `owner` and `active` key.
    pub public_key: String,
    /// The `iost` it holds, as a decimal amount (`"1000"`, `"0.5"`; at most 8 decimals).
    pub iost: String,
}

impl Default for VmConfig {
    fn default() -> Self {
        VmConfig {
            workers: std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 16),
            exec: ExecMode::default(),
            exec_jitter_seed: None,
            min_workers: 1,
            worker_idle: Duration::from_secs(2),
            tx_timeout: Duration::from_millis(1_000),
            validator_tx_timeout: Duration::from_secs(30),
            memory_limit: 64 << 20,
            stack_limit: 4 << 20,
            code_cache_entries: 256,
            schedule: GasSchedule::default(),
            witness: "jsvm".into(),
            engine: EngineKind::from_env(),
            charge_resources: false,
            chain_id: 1024,
            require_signatures: false,
            admin_key: None,
            genesis_accounts: Vec::new(),
        }
    }
}

impl VmConfig {
    /// The pool's upper bound (at least one, at least `min_workers`).
    pub fn max_workers(&self) -> usize {
        self.workers.max(self.min_workers).max(1)
    }
}

/// Stack of a worker thread: comfortably above `stack_limit` at every call height (each
/// nested contract call runs on this thread, on an engine of its own with its own limit),
/// so the engines' own checks fire before the thread's guard page. Only what is touched
/// is ever committed.
pub(crate) const WORKER_STACK_BYTES: usize = 64 << 20;
