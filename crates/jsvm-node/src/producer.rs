//! The block producer: takes waiting transactions into a block, commits it, and only then
//! lets them leave the pool (their receipts are served from the store from then on).

use std::sync::Arc;
use std::time::Duration;

use jsvm_events::CommittedBlock;
use jsvm_vm::{BlockOutcome, Transaction, VmError};
use tokio::sync::watch;

use crate::node::{wait_for_stop, Node};

/// Pause after a block that failed as a whole, so that a broken store is not retried in a hot loop.
const RETRY_PAUSE: Duration = Duration::from_millis(200);

pub(crate) async fn run(node: Arc<Node>, stopped: watch::Receiver<bool>) {
    let block_time = node.config.block_time;
    let mut ticks = (!block_time.is_zero()).then(|| {
        // The first block comes one interval after start, not at once (`interval`'s first tick is
        // immediate): what arrives in the first interval waits for it like everything after.
        let mut t = tokio::time::interval_at(tokio::time::Instant::now() + block_time, block_time);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });
    loop {
        if *stopped.borrow() {
            return;
        }
        let woke = async {
            match ticks.as_mut() {
                Some(t) => {
                    t.tick().await;
                }
                None => {
                    while !node.pool.has_waiting() {
                        node.new_tx.notified().await;
                    }
                }
            }
        };
        tokio::select! {
            _ = woke => {}
            _ = wait_for_stop(stopped.clone()) => return,
        }
        produce(&node).await;
        if node.store_failure.get().is_some() {
            // Blocks cannot be committed any more (RocksDB accepts no write after a failed one
            // until it is opened again): no retrying in a loop; queries go on being answered.
            wait_for_stop(stopped).await;
            return;
        }
    }
}

/// One block of what waits, if anything does.
async fn produce(node: &Arc<Node>) {
    let now = node.clock.now_ns();
    let batch = node.pool.take(node.config.limits.max_block_txs, now);
    if !batch.expired.is_empty() {
        tracing::info!(count = batch.expired.len(), "expired transactions left the pool");
    }
    if batch.txs.is_empty() {
        return;
    }
    let hashes: Vec<[u8; 32]> = batch.txs.iter().map(|(h, _)| *h).collect();
    let txs: Vec<Transaction> = batch.txs.into_iter().map(|(_, t)| t).collect();
    let time = u64::try_from(now).unwrap_or(0);
    match execute(node, txs.clone(), time).await {
        Ok(outcome) => committed(node, &outcome, node.vm.head().time),
        // The store failed, not a transaction: nothing of the block is committed, and its
        // transactions leave the pool without a receipt (their clients send them again to the
        // restarted node, as after a crash).
        Err(VmError::State(e)) => store_failed(node, &e),
        Err(e) => {
            // One transaction the block refused as a whole (it can only be one that changed
            // since admission): each goes alone, and the ones still refused leave the pool.
            tracing::warn!("a block of {} transactions was refused ({e}); trying them one by one", txs.len());
            for (hash, tx) in hashes.iter().zip(txs) {
                match execute(node, vec![tx], time).await {
                    Ok(outcome) => committed(node, &outcome, node.vm.head().time),
                    Err(VmError::State(e)) => {
                        store_failed(node, &e);
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(tx = %bs58::encode(hash).into_string(), "transaction dropped: {e}");
                        tokio::time::sleep(RETRY_PAUSE).await;
                    }
                }
            }
        }
    }
    node.pool.remove(&hashes);
}

/// The store could not commit a block (a full disk, a file system gone read-only): said once, loudly;
/// from now on sendTx refuses transactions with the reason and no block is made.
fn store_failed(node: &Node, e: &jsvm_state::StateError) {
    let height = node.vm.head().height + 1;
    tracing::error!(
        "cannot commit block {height}: {e}. The node accepts no more transactions; everything committed \
         up to block {} is kept and still served. Free space on the disk (or make the data directory \
         writable) and restart the node.",
        height - 1
    );
    let _ = node.store_failure.set(e.to_string());
}

async fn execute(node: &Arc<Node>, txs: Vec<Transaction>, time: u64) -> Result<BlockOutcome, VmError> {
    let vm = node.vm.clone();
    tokio::task::spawn_blocking(move || vm.execute_block(txs, time))
        .await
        .unwrap_or_else(|e| Err(VmError::Internal(format!("the block's thread failed: {e}"))))
}

/// Logs a committed block (made at `time`), indexes its history and hands it to the event hub
/// (only now: its receipts are in the store).
pub(crate) fn committed(node: &Node, outcome: &BlockOutcome, time: u64) {
    for log in &outcome.logs {
        for line in &log.lines {
            tracing::info!(target: "jsvm::contract", tx = %log.tx_hash, "{line}");
        }
    }
    for l in &outcome.left_out {
        tracing::warn!(tx = %l.tx_hash, "left out of block {}: {}", outcome.height, l.reason);
    }
    tracing::info!(
        height = outcome.height,
        txs = outcome.receipts.len(),
        left_out = outcome.left_out.len(),
        pending = node.pool.len(),
        "committed block"
    );
    let block = CommittedBlock {
        height: outcome.height,
        hash: bs58::encode(outcome.block_hash).into_string(),
        time,
        receipts: outcome.receipts.clone(),
    };
    node.history.index_committed(&block, &outcome.logs);
    node.hub.publish(block);
}
