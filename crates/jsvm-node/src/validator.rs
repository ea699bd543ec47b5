//! A validator node: its blocks come from consensus (jsvm-replication) instead of the producer.
//! The mempool feeds proposals and keeps each transaction until a finalised block holds it;
//! transactions sendTx admits go to the peers as well; a block's receipts and events are
//! served, and its history indexed, once it is final and committed here.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use jsvm_replication::engine::{self, NetworkConfig, RunningValidator, TxSource, ValidatorConfig};
use jsvm_replication::{Genesis, ReplicaChain};
use jsvm_vm::{BlockOutcome, Transaction, VmConfig};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::config::{NodeConfig, ValidatorSetup};
use crate::node::{wait_for_stop, Node};
use crate::{api, producer, NodeError};

/// Transactions admitted here and not yet handed to the peers; past this, forwarding skips.
pub(crate) const FORWARD_QUEUE: usize = 4096;
/// The genesis file a validator's data directory keeps, to refuse being started on another.
const GENESIS_FILE: &str = "genesis.json";
/// The consensus journal's directory inside the data directory.
const CONSENSUS_DIR: &str = "consensus";
/// How often the node looks whether consensus still runs.
const WATCH_EVERY: Duration = Duration::from_secs(1);

fn config_error(message: String) -> NodeError {
    NodeError::Config(message)
}

/// The VM settings a validator runs with: the chain's from the genesis, the witness its name.
/// Also sets the node's chain id and witness, so that what it serves says the same.
pub(crate) fn vm_config(config: &mut NodeConfig, setup: &ValidatorSetup) -> Result<VmConfig, NodeError> {
    let public = engine::public_key(&setup.seed).map_err(config_error)?;
    let name = setup
        .genesis
        .validator_by_key(public.as_ref())
        .map(|v| v.name.clone())
        .ok_or_else(|| config_error("the validator key is not one of the genesis validators' keys".into()))?;
    config.chain_id = setup.genesis.chain_id;
    config.witness = name.clone();
    config.admin_key = Some(setup.genesis.admin_key.clone());
    let mut vm = setup.genesis.vm_config(config.vm.clone());
    vm.witness = name;
    Ok(vm)
}

/// Binds the data directory to `genesis`: a new chain keeps a copy of the file; an existing one
/// must have been started from the same genesis (a development chain, or another chain's
/// directory, is refused rather than mixed with this one).
pub(crate) fn bind_data_dir(data_dir: &Path, height: u64, genesis: &Genesis) -> Result<(), NodeError> {
    let path = data_dir.join(GENESIS_FILE);
    match Genesis::read(&path).map_err(config_error)? {
        Some(kept) if kept.digest() == genesis.digest() => Ok(()),
        Some(_) => Err(config_error(format!(
            "the data directory {} belongs to another chain: its {GENESIS_FILE} differs from the genesis given",
            data_dir.display()
        ))),
        None if height == 0 => {
            let text = serde_json::to_string_pretty(genesis).map_err(|e| config_error(e.to_string()))?;
            std::fs::write(&path, text)
                .map_err(|e| NodeError::Io { what: format!("cannot write {}", path.display()), source: e })
        }
        None => Err(config_error(format!(
            "the data directory {} holds a chain that was not started from a genesis file (a development \
             chain?): a validator needs a new directory",
            data_dir.display()
        ))),
    }
}

/// The node as consensus sees it.
struct NodeTxs(Arc<Node>);

impl TxSource for NodeTxs {
    fn pending(&self, max: usize) -> Vec<Transaction> {
        self.0.pool.peek(max, self.0.clock.now_ns())
    }

    fn committed(&self, outcome: &BlockOutcome) {
        let done: Vec<[u8; 32]> = outcome
            .receipts
            .iter()
            .map(|r| &r.tx_hash)
            .chain(outcome.left_out.iter().map(|l| &l.tx_hash))
            .filter_map(|h| bs58::decode(h).into_vec().ok()?.try_into().ok())
            .collect();
        self.0.pool.remove(&done);
        let time = match self.0.vm.block(outcome.height) {
            Ok(Some(block)) => block.time,
            _ => self.0.vm.head().time,
        };
        producer::committed(&self.0, outcome, time);
    }

    fn received(&self, tx: Transaction) {
        let hash = bs58::encode(tx.hash()).into_string();
        match api::admit(&self.0, tx) {
            Ok(_) => tracing::debug!(tx = %hash, "a transaction forwarded by a peer waits here"),
            // Most often it is here already, or committed meanwhile.
            Err(e) => tracing::debug!(tx = %hash, "a transaction forwarded by a peer is not taken: {}", e.message),
        }
    }
}

/// Starts consensus for `node` (its p2p network and engine on a thread of their own) and
/// returns the task that stops it when the node stops.
pub(crate) async fn start(
    node: Arc<Node>,
    setup: ValidatorSetup,
    forwarded: mpsc::Receiver<Transaction>,
    stopped: watch::Receiver<bool>,
) -> Result<JoinHandle<()>, NodeError> {
    let mut config = ValidatorConfig::new(setup.genesis.clone(), setup.seed);
    config.max_block_txs = node.config.limits.max_block_txs;
    if !node.config.block_time.is_zero() {
        config.empty_block_wait = node.config.block_time;
    }
    let network =
        NetworkConfig { listen: setup.p2p, peers: setup.peers, storage: node.config.data_dir.join(CONSENSUS_DIR) };
    let chain = ReplicaChain::new(node.vm.clone(), &setup.genesis);
    let txs: Arc<dyn TxSource> = Arc::new(NodeTxs(node.clone()));
    let running = tokio::task::spawn_blocking(move || engine::spawn(config, network, chain, txs, forwarded))
        .await
        .map_err(|e| config_error(format!("consensus did not start: {e}")))?
        .map_err(config_error)?;
    tracing::info!(validator = %node.config.witness, p2p = %setup.p2p, "consensus runs");
    Ok(tokio::spawn(watch_until_stopped(running, stopped)))
}

/// Says so if consensus ends by itself (the node then serves what it committed), and stops it
/// when the node stops.
async fn watch_until_stopped(running: RunningValidator, stopped: watch::Receiver<bool>) {
    let mut said = false;
    let stop = wait_for_stop(stopped);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = tokio::time::sleep(WATCH_EVERY) => {
                if !said && !running.is_running() {
                    tracing::error!("consensus stopped (see above): the node makes no more blocks and serves what it committed");
                    said = true;
                }
            }
        }
    }
    let _ = tokio::task::spawn_blocking(move || running.stop()).await;
}
