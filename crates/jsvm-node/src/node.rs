//! Starting and stopping the node: the store, the VM, the genesis block, the HTTP server and
//! the block producer.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsvm_events::{BlockSource, EventHub};
use jsvm_state::RocksStore;
use jsvm_vm::VmManager;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

use crate::config::NodeConfig;
use crate::history::History;
use crate::mempool::Mempool;
use crate::{api, producer, serve, validator, NodeError, DEV_ADMIN_PUBLIC_B58};

/// How long `shutdown` waits for open connections before closing them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The node's clock: the system clock plus the configured offset, in ns since the epoch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    offset_ns: i64,
}

impl Clock {
    fn system_ns() -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
    }

    pub(crate) fn now_ns(&self) -> i64 {
        Self::system_ns().saturating_add(self.offset_ns)
    }
}

/// What the handlers and the producer share.
pub(crate) struct Node {
    pub(crate) vm: Arc<VmManager>,
    pub(crate) pool: Mempool,
    pub(crate) config: NodeConfig,
    pub(crate) clock: Clock,
    /// Rung when a transaction enters the pool, for `--block-time 0`.
    pub(crate) new_tx: Notify,
    /// Subscribers of contract events, handed each block after it is committed.
    pub(crate) hub: Arc<EventHub>,
    /// Which transactions concern an account or a contract, indexed after each commit.
    pub(crate) history: Arc<History>,
    /// The genesis validators' names (a validator only; a development chain has its one producer).
    pub(crate) validators: Vec<String>,
    /// Where transactions sendTx admits go to reach the other validators (a validator only).
    pub(crate) forward: Option<tokio::sync::mpsc::Sender<jsvm_vm::Transaction>>,
    /// Why the store could not commit a block (a full disk, a file system gone read-only), once it
    /// happened: from then on the node makes no blocks and refuses transactions until restarted.
    pub(crate) store_failure: std::sync::OnceLock<String>,
}

/// A started node: where it listens, and how to stop it.
pub struct RunningNode {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    producer: JoinHandle<()>,
    hub: Arc<EventHub>,
}

impl RunningNode {
    /// The address the HTTP API listens on (the port chosen when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops taking requests, lets the block being made commit, and closes the store.
    pub async fn shutdown(self) -> Result<(), NodeError> {
        // Streams end first (their last line says why), so that the server's graceful end does not wait on them.
        self.hub.shutdown();
        let _ = self.stop.send(true);
        let mut server = self.server;
        let served = match tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await {
            Ok(joined) => joined.map_err(|e| io_error("the HTTP server failed", std::io::Error::other(e)))?,
            Err(_) => {
                tracing::warn!("connections still open after {SHUTDOWN_GRACE:?}; closing them");
                server.abort();
                Ok(())
            }
        };
        self.producer.await.map_err(|e| io_error("the block producer failed", std::io::Error::other(e)))?;
        served.map_err(|e| io_error("the HTTP server failed", e))
    }
}

fn io_error(what: &str, source: std::io::Error) -> NodeError {
    NodeError::Io { what: what.to_string(), source }
}

/// Opens the chain in `config.data_dir` (writing its genesis block when empty), starts the block
/// producer and the HTTP API, and prints `jsvm node listening on http://ADDR` to stdout.
pub async fn start(mut config: NodeConfig) -> Result<RunningNode, NodeError> {
    let validator = config.validator.take();
    if let Some(key) = &config.admin_key {
        jsvm_tx::decode_public_key(key).map_err(|e| NodeError::Config(format!("admin key {key:?}: {e}")))?;
    }
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| io_error(&format!("cannot create the data directory {}", config.data_dir.display()), e))?;
    let store = RocksStore::open(&config.data_dir)?;
    let vm_config = match &validator {
        Some(setup) => validator::vm_config(&mut config, setup)?,
        None => {
            let mut vm_config = config.vm.clone();
            vm_config.witness = config.witness.clone();
            vm_config.chain_id = config.chain_id;
            vm_config.require_signatures = true;
            vm_config.admin_key = Some(config.admin_key.clone().unwrap_or_else(|| DEV_ADMIN_PUBLIC_B58.to_string()));
            vm_config
        }
    };
    let vm = Arc::new(VmManager::new(Arc::new(store), vm_config)?);
    let fresh = vm.head().height == 0;
    if let Some(setup) = &validator {
        validator::bind_data_dir(&config.data_dir, vm.head().height, &setup.genesis)?;
    }
    let offset_ns = match config.genesis_time_ns {
        Some(t) if fresh => t.saturating_sub(Clock::system_ns()),
        Some(_) => {
            tracing::warn!("the chain exists: the genesis time given is ignored");
            config.time_offset_ns
        }
        None => config.time_offset_ns,
    };
    let clock = Clock { offset_ns };
    if validator.is_some() {
        // Block 1 and every block after come from consensus; the time is the machine's.
        tracing::info!(height = vm.head().height, "a validator: blocks come from consensus");
    } else if fresh {
        let genesis = vm.clone();
        let time = u64::try_from(clock.now_ns()).unwrap_or(0);
        let outcome = tokio::task::spawn_blocking(move || genesis.execute_block(Vec::new(), time))
            .await
            .map_err(|e| io_error("the genesis block failed", std::io::Error::other(e)))??;
        tracing::info!(height = outcome.height, "wrote the genesis block");
    } else {
        tracing::info!(height = vm.head().height, "continuing the chain from its head");
    }
    let history = Arc::new(History::open(vm.clone())?);
    let catching_up = history.clone();
    match tokio::task::spawn_blocking(move || catching_up.catch_up()).await {
        Ok(Ok(0)) => {}
        Ok(Ok(indexed)) => tracing::info!(blocks = indexed, "indexed the history of blocks written before"),
        // The chain itself is sound: the node serves it, with the history it has.
        Ok(Err(e)) => tracing::error!("the history index could not catch up: {e}"),
        Err(e) => tracing::error!("the history index could not catch up: {e}"),
    }
    let listener = tokio::net::TcpListener::bind(config.http)
        .await
        .map_err(|e| io_error(&format!("cannot listen on {}", config.http), e))?;
    let addr = listener.local_addr().map_err(|e| io_error("the listening socket has no address", e))?;
    let pool = Mempool::new(config.limits.max_pending_txs, config.limits.max_pending_per_account);
    let source: Arc<dyn BlockSource> = vm.clone();
    let hub = Arc::new(EventHub::new(source, config.limits.events));
    let (forward, forwarded) = match validator {
        Some(_) => {
            let (sender, receiver) = tokio::sync::mpsc::channel(validator::FORWARD_QUEUE);
            (Some(sender), Some(receiver))
        }
        None => (None, None),
    };
    let node = Arc::new(Node {
        vm,
        pool,
        config,
        clock,
        new_tx: Notify::new(),
        hub: hub.clone(),
        history,
        forward,
        validators: validator
            .as_ref()
            .map(|v| v.genesis.validators.iter().map(|v| v.name.clone()).collect())
            .unwrap_or_default(),
        store_failure: std::sync::OnceLock::new(),
    });
    let (stop, stopped) = watch::channel(false);
    // A validator's blocks come from consensus, started before the API answers: a p2p address
    // in use or a key not in the genesis stops the start here.
    let consensus = match (validator, forwarded) {
        (Some(setup), Some(forwarded)) => {
            Some(validator::start(node.clone(), setup, forwarded, stopped.clone()).await?)
        }
        _ => None,
    };
    let app = api::router(node.clone(), hub.clone());
    let server_stop = stopped.clone();
    let limits = node.config.limits.clone();
    let server = tokio::spawn(async move { serve::serve(listener, app, &limits, server_stop).await });
    let producer = match consensus {
        Some(consensus) => consensus,
        None => tokio::spawn(producer::run(node, stopped)),
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "jsvm node listening on http://{addr}");
    let _ = out.flush();
    tracing::info!(%addr, "listening");
    Ok(RunningNode { addr, stop, server, producer, hub })
}

pub(crate) async fn wait_for_stop(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

/// Runs the node until Ctrl-C or SIGTERM, then shuts it down.
pub async fn run(config: NodeConfig) -> Result<(), NodeError> {
    let node = start(config).await?;
    shutdown_signal().await;
    tracing::info!("shutting down");
    node.shutdown().await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
