use std::sync::{Arc, Mutex};
use std::time::Duration;

use jsvm_runtime::{storage, BlockEnv, Effects, GasSchedule, SYSTEM_CONTRACT};
use jsvm_state::{
    root::next_state_root, BlockCommit, BlockOverlay, ChainHead, KnownRoot, StateRead, Store, TxState, Writes,
};
use serde::{Deserialize, Serialize};
use sha3::{Digest, Sha3_256};

use crate::admission::{Admitted, Verified};
use crate::exec::{TxJob, TxOutput};
use crate::parallel::{Leftovers, ParallelRun, MIN_PARALLEL_TXS};
use crate::pool::Pool;
use crate::proposal::{BlockBase, PreparedBlock, ProposedBlock};
use crate::{amount_limit, base58, contracts, signing};
use crate::{ExecMode, Receipt, Transaction, VmConfig, VmError};

/// The result of a committed block.
#[derive(Debug, Clone)]
pub struct BlockOutcome {
    /// Height of the committed block (genesis is 0).
    pub height: u64,
    /// SHA3-256 of the block's stored record: what [`VmManager::block_by_hash`] finds it by.
    pub block_hash: [u8; 32],
    /// State root after the block's writes.
    pub state_root: [u8; 32],
    /// One receipt per transaction the block holds, in block order.
    pub receipts: Vec<Receipt>,
    /// The transactions given that the block does not hold, in the order given.
    pub left_out: Vec<LeftOut>,
    /// Lines for the node's log, per transaction that wrote any, in the order given.
    pub logs: Vec<TxLog>,
    /// How the block was executed: node-local figures, never consensus data.
    pub exec: ExecStats,
}

/// How a block's transactions were executed ([`crate::ExecMode`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExecStats {
    /// Whether the parallel executor ran the block (false: in order on one worker).
    pub parallel: bool,
    /// Workers that took part.
    pub workers: usize,
    /// Runs of transactions, re-executions included (equal to the transaction count in order).
    pub executions: u64,
    /// Validations of a run's reads (parallel only).
    pub validations: u64,
    /// Times the parallel executor halved the workers allowed at once because most runs were
    /// thrown away (transactions that depend on one another); 0 in order.
    pub throttled: u64,
}

/// Blocks of at least this many transactions split their checks before running, and the encoding
/// of their receipts, over threads of their own: below it, starting the threads costs more than it
/// saves.
const SPLIT_BLOCK_WORK_FROM: usize = 256;

/// A transaction's lines for the node's log (never consensus data: they hold the engine's own
/// words): its contracts' console output and, on a failure, what the engine said with the frames
/// of the author's code (`file:line:column`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxLog {
    /// Base58 of the transaction's hash.
    pub tx_hash: String,
    /// The lines, at most jsvm-runtime's bound a transaction.
    pub lines: Vec<String>,
}

/// A transaction the block was made without: no receipt, nothing written, and it may be sent
/// again (to a later block, or a node with time to spare).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// Base58 of the transaction's hash.
    pub tx_hash: String,
    /// Why: it passed the producer's deadline, or the block's writes their bound.
    pub reason: String,
}

/// What the store keeps of each block: enough to re-execute and compare it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRecord {
    /// Height of the block (genesis is 0).
    pub height: u64,
    /// Base58 of the parent block's hash (SHA3-256 of its stored record); "" for the first block.
    #[serde(default)]
    pub parent_hash: String,
    /// Block time in nanoseconds since the epoch: the time asked for, raised above the previous block's if need be.
    pub time: u64,
    /// Name of the producing node, from [`VmConfig::witness`](crate::VmConfig::witness).
    pub witness: String,
    /// Hex of the state root before the block (the parent's root).
    pub parent_root: String,
    /// Hex of the state root after the block.
    pub state_root: String,
    /// The block's transactions, in execution order (those left out are not here).
    pub txs: Vec<Transaction>,
}

/// A [`BlockRecord`]'s fields before its transactions, as they are written: borrowed, and
/// followed by the transactions' stored forms ([`record_bytes`]).
#[derive(Serialize)]
struct RecordHead<'a> {
    height: u64,
    parent_hash: &'a str,
    time: u64,
    witness: &'a str,
    parent_root: &'a str,
    state_root: &'a str,
}

/// The bytes of the [`BlockRecord`] of `head` and the transactions whose stored forms are
/// `stored` (each one's `serde_json`, made when the block admitted it, so that no transaction
/// is encoded twice and a big block's are encoded on several threads): exactly
/// `serde_json::to_vec` of that record, its last field being `txs`.
fn record_bytes(head: &RecordHead<'_>, stored: &[Vec<u8>]) -> Vec<u8> {
    let mut out = serde_json::to_vec(head).unwrap_or_default();
    out.reserve(stored.iter().map(|tx| tx.len() + 1).sum::<usize>() + 10);
    out.pop(); // the head's closing brace: the transactions follow
    out.extend_from_slice(b",\"txs\":[");
    for (i, tx) in stored.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(tx);
    }
    out.extend_from_slice(b"]}");
    out
}

/// The one entrance: executes transactions and blocks, answers read-only
/// queries, and commits each block to the store atomically.
pub struct VmManager {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) config: Arc<VmConfig>,
    pub(crate) pool: Pool,
    /// One block at a time; queries do not take it.
    pub(crate) block_lock: Mutex<()>,
    /// Hashes of signed transactions whose signatures were checked already.
    pub(crate) verified: Arc<Mutex<Verified>>,
}

/// Where the gas schedule in force lives: a value of `system.iost`, which contracts
/// can read with `storage.globalGet("system.iost", "gas_schedule")`.
pub const GAS_SCHEDULE_KEY: &str = "gas_schedule";

/// The schedule stored in state, if any.
fn stored_schedule(state: &TxState) -> Result<Option<GasSchedule>, VmError> {
    let text = storage::get(state, SYSTEM_CONTRACT, GAS_SCHEDULE_KEY).map_err(VmError::Internal)?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| VmError::Internal(format!("the stored gas schedule is unreadable: {e}")))
    })
    .transpose()
}

/// A block's transactions run: their outputs, how they ran, and what a parallel run left to free.
type TxsRun = (Vec<TxOutput>, ExecStats, Option<Leftovers>);

/// The schedule for the next block, writing the configured one into the block's
/// state when the chain has none yet (its first block).
fn schedule_for_block(overlay: &Arc<BlockOverlay>, config: &VmConfig) -> Result<Arc<GasSchedule>, VmError> {
    let configured = &config.schedule;
    let mut state = TxState::new(overlay.clone());
    if let Some(s) = stored_schedule(&state)? {
        return Ok(Arc::new(s));
    }
    let text = serde_json::to_string(configured).map_err(|e| VmError::Internal(e.to_string()))?;
    storage::put(&mut state, &mut Effects::default(), SYSTEM_CONTRACT, SYSTEM_CONTRACT, GAS_SCHEDULE_KEY, &text, None)
        .map_err(VmError::Internal)?;
    contracts::genesis(&mut state, configured, config).map_err(VmError::Internal)?;
    overlay.apply(state.into_writes());
    Ok(Arc::new(configured.clone()))
}

impl VmManager {
    /// Starts the worker pool over `store`.
    pub fn new(store: Arc<dyn Store>, config: VmConfig) -> Result<VmManager, VmError> {
        let config = Arc::new(config);
        if let Some(key) = &config.admin_key {
            jsvm_tx::decode_public_key(key)
                .map_err(|e| VmError::InvalidTx(format!("admin key {key:?} is not a public key: {e}")))?;
        }
        let pool = Pool::start(config.clone(), store.clone())?;
        let verified = Arc::default();
        Ok(VmManager { store, config, pool, block_lock: Mutex::new(()), verified })
    }

    /// The last committed block.
    pub fn head(&self) -> ChainHead {
        self.store.head()
    }

    /// The store below.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Makes the next block of `txs` and commits it. `time` (ns) is the
    /// block's time; it is raised to stay above the previous block's.
    /// A malformed or replayed transaction, an unsigned one where [`VmConfig::require_signatures`]
    /// is on, or a signed one with a wrong chain id or an invalid signature rejects the whole block
    /// before anything runs. A transaction that passes [`VmConfig::tx_timeout`], or whose writes
    /// would pass [`crate::MAX_BLOCK_WRITE_BYTES`], is left out ([`BlockOutcome::left_out`]); so is
    /// a signed one expired at the block's time, or whose claimed signers or publisher its keys do
    /// not satisfy at its turn (in the state the transactions before it left).
    pub fn execute_block(&self, txs: Vec<Transaction>, time: u64) -> Result<BlockOutcome, VmError> {
        let _one_at_a_time = self.block_lock.lock().unwrap_or_else(|e| e.into_inner());
        let prepared =
            self.run_block(self.committed_base(), txs, time, self.config.tx_timeout, &self.config.witness)?;
        self.commit_prepared_locked(prepared)
    }

    /// Re-executes a block another node produced and commits it only if every
    /// receipt and the state root match the ones given ([`VmManager::prepare_proposed`], then
    /// [`VmManager::commit_prepared`]). A mismatch commits nothing and names the first
    /// transaction that differs.
    pub fn validate_block(&self, block: &ProposedBlock) -> Result<BlockOutcome, VmError> {
        let _one_at_a_time = self.block_lock.lock().unwrap_or_else(|e| e.into_inner());
        let prepared = self.prepare_proposed_locked(self.committed_base(), block)?;
        self.commit_prepared_locked(prepared)
    }

    /// Workers alive now, and the most alive at once so far.
    pub fn workers(&self) -> (usize, usize) {
        (self.pool.workers(), self.pool.peak_workers())
    }

    /// Executes `txs` as the next block, produced by `witness`, each under `timeout`, without
    /// committing it. The caller holds the block lock.
    pub(crate) fn run_block(
        &self,
        on: BlockBase,
        txs: Vec<Transaction>,
        time: u64,
        timeout: Duration,
        witness: &str,
    ) -> Result<PreparedBlock, VmError> {
        let BlockBase { head, state: snapshot, parent_hash, pending } = on;
        let mut admitted = self.admit_block(&txs, &pending)?;
        let block = BlockEnv {
            number: head.height + 1,
            parent_hash: bs58::encode(head.state_root).into_string(),
            witness: witness.to_string(),
            time: time.max(head.time.saturating_add(1)),
        };
        let overlay = Arc::new(BlockOverlay::new(snapshot.clone()));
        let schedule = schedule_for_block(&overlay, &self.config)?;
        let state = TxState::new(overlay.clone());
        for tx in &txs {
            amount_limit::check_tx_tokens(&state, &tx.amount_limit)?;
        }
        drop(state);
        let txs: Vec<Arc<Transaction>> = txs.into_iter().map(Arc::new).collect();
        let hashes: Vec<[u8; 32]> = admitted.iter().map(|a| a.hash).collect();
        let stored: Vec<Vec<u8>> = admitted.iter_mut().map(|a| std::mem::take(&mut a.stored)).collect();
        let jobs: Vec<TxJob> = txs
            .iter()
            .zip(admitted)
            .map(|(tx, Admitted { hash, size, signers, .. })| {
                let base: Arc<dyn StateRead> = overlay.clone();
                let (block, schedule) = (block.clone(), schedule.clone());
                TxJob { block, tx: tx.clone(), hash, size, signers, base, schedule, timeout }
            })
            .collect();
        let (outputs, exec, leftovers) = self.run_txs(jobs, &overlay)?;
        let mut receipts = Vec::with_capacity(txs.len());
        // The transactions the block holds, their hashes and stored forms.
        let mut held = (Vec::with_capacity(txs.len()), Vec::with_capacity(txs.len()), Vec::with_capacity(txs.len()));
        let mut left_out = Vec::new();
        let mut logs = Vec::new();
        for (((out, tx), hash), stored) in outputs.into_iter().zip(txs).zip(hashes).zip(stored) {
            if !out.logs.is_empty() {
                logs.push(TxLog { tx_hash: out.receipt.tx_hash.clone(), lines: out.logs });
            }
            match out.left_out {
                Some(reason) => left_out.push(LeftOut { tx_hash: out.receipt.tx_hash, reason }),
                None => {
                    receipts.push(out.receipt);
                    held.0.push(tx);
                    held.1.push(hash);
                    held.2.push(stored);
                }
            }
        }
        let (txs, hashes, stored) = held;
        let parent_hash = match parent_hash {
            Some(h) => Some(h),
            None => self.block_hash_at(head.height)?,
        };
        let parent_hash = parent_hash.map(|h| base58::encode(&h)).unwrap_or_default();
        // The receipts' bytes on a thread of their own beside the state root and the block's
        // record (a big block's receipts take as long to encode as the rest together).
        let encode_receipts = || -> Vec<(Vec<u8>, Vec<u8>)> {
            hashes
                .iter()
                .zip(&receipts)
                .map(|(hash, r)| (hash.to_vec(), serde_json::to_vec(r).unwrap_or_default()))
                .collect()
        };
        let seal = || {
            let writes = overlay.take_writes();
            let state_root = next_state_root(&head.state_root, block.number, &writes);
            let record = RecordHead {
                height: block.number,
                parent_hash: &parent_hash,
                time: block.time,
                witness: &block.witness,
                parent_root: &hex::encode(head.state_root),
                state_root: &hex::encode(state_root),
            };
            let block_record = record_bytes(&record, &stored);
            let block_hash: [u8; 32] = Sha3_256::digest(&block_record).into();
            (writes, state_root, block_record, block_hash)
        };
        let ((writes, state_root, block_record, block_hash), receipt_bytes) =
            if self.block_work_threads(receipts.len()) > 1 {
                std::thread::scope(|s| {
                    let encoding = s.spawn(encode_receipts);
                    let sealed = seal();
                    (sealed, encoding.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                })
            } else {
                (seal(), encode_receipts())
            };
        let commit = BlockCommit {
            height: block.number,
            time: block.time,
            state: Writes::new(),
            block_record,
            block_hash,
            receipts: receipt_bytes,
        };
        let root = KnownRoot { parent: head.state_root, root: state_root };
        let outcome = BlockOutcome { height: block.number, block_hash, state_root, receipts, left_out, logs, exec };
        let (witness, writes) = (block.witness, Arc::new(writes));
        Ok(PreparedBlock {
            parent: head,
            witness,
            txs,
            base: snapshot,
            writes,
            pending,
            commit,
            root,
            outcome,
            leftovers,
        })
    }

    /// Threads a block's own work over `items` transactions (their checks, their receipts' encoding)
    /// may be split over: as many as the VM has workers and the machine has cores; 1 (not split)
    /// for a block below [`SPLIT_BLOCK_WORK_FROM`].
    pub(crate) fn block_work_threads(&self, items: usize) -> usize {
        if items < SPLIT_BLOCK_WORK_FROM {
            return 1;
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.config.max_workers().min(cores).max(1)
    }

    /// Runs a block's transactions, in parallel when [`VmConfig::exec`] says so and the block is
    /// big enough to gain from it, else in order; either way each one's writes reach `overlay` in
    /// block order, and the outputs are the same. A parallel run also gives what it leaves to free.
    fn run_txs(&self, jobs: Vec<TxJob>, overlay: &Arc<BlockOverlay>) -> Result<TxsRun, VmError> {
        let workers = self.config.max_workers();
        let txs = jobs.len();
        if self.config.exec == ExecMode::Parallel && workers > 1 && txs >= MIN_PARALLEL_TXS {
            let base: Arc<dyn StateRead> = overlay.clone();
            let run = ParallelRun::new(jobs, base, self.config.exec_jitter_seed);
            // More participants than cores only take turns on them, and the run every other
            // waits for gets a share of a core: a block uses no more than there are (tests that
            // perturb the schedule use as many as they ask for).
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            let participants = match self.config.exec_jitter_seed {
                Some(_) => workers.min(txs),
                None => workers.min(txs).min(cores.max(2)),
            };
            match self.pool.run_block_parallel(run, overlay, participants)? {
                Ok((outputs, stats, leftovers)) => {
                    let exec = ExecStats {
                        parallel: true,
                        workers: stats.participants,
                        executions: stats.executions,
                        validations: stats.validations,
                        throttled: stats.throttled,
                    };
                    return Ok((outputs, exec, Some(leftovers)));
                }
                Err(jobs) => return self.run_txs_in_order(jobs, overlay),
            }
        }
        self.run_txs_in_order(jobs, overlay)
    }

    fn run_txs_in_order(&self, jobs: Vec<TxJob>, overlay: &Arc<BlockOverlay>) -> Result<TxsRun, VmError> {
        let executions = jobs.len() as u64;
        let outputs = self.pool.run_block(jobs, overlay.clone())?;
        Ok((outputs, ExecStats { parallel: false, workers: 1, executions, validations: 0, throttled: 0 }, None))
    }

    /// Executes one transaction as a block of its own. One the block leaves out is
    /// [`VmError::LeftOut`] (the block, empty, is still committed).
    pub fn execute_tx(&self, tx: Transaction, time: u64) -> Result<(Receipt, Vec<String>), VmError> {
        let mut out = self.execute_block(vec![tx], time)?;
        if let Some(l) = out.left_out.pop() {
            return Err(VmError::LeftOut(l.reason));
        }
        let receipt = out.receipts.pop().ok_or_else(|| VmError::Internal("a block lost its receipt".into()))?;
        Ok((receipt, out.logs.pop().map(|log| log.lines).unwrap_or_default()))
    }

    /// Runs `tx` read-only on a consistent snapshot of the last committed
    /// block: it may run while a block commits, and whatever it writes is
    /// discarded. A signed `tx` is checked as a block would check it ([`VmError::LeftOut`] when
    /// it would be left out).
    pub fn query(&self, tx: Transaction) -> Result<(Receipt, Vec<String>), VmError> {
        let signers = self.check_query(&tx)?;
        self.run_query(tx, signers)
    }

    /// Runs `tx` as [`VmManager::query`] does, but with `gas_limit` in place of its own, which may
    /// pass [`MAX_GAS_LIMIT`](crate::MAX_GAS_LIMIT): a dry run that tells an author how much gas a
    /// transaction that ran out would have needed. Read-only like every query; no block ever runs
    /// a transaction with such a limit. Contracts see the raised limit as `tx.gasLimit`.
    pub fn query_with_gas_limit(&self, mut tx: Transaction, gas_limit: u64) -> Result<(Receipt, Vec<String>), VmError> {
        let signers = self.check_query(&tx)?;
        tx.gas_limit = gas_limit;
        self.run_query(tx, signers)
    }

    /// What a query checks before it runs `tx`: its form, and a signed one's fields and signatures.
    fn check_query(&self, tx: &Transaction) -> Result<Vec<jsvm_runtime::Signer>, VmError> {
        let signers = tx.validate()?;
        if let Some(signed) = tx.signed() {
            signing::check_fields(signed, self.config.chain_id)?;
            self.verify_signatures(std::slice::from_ref(tx))?;
        }
        Ok(signers)
    }

    fn run_query(
        &self,
        tx: Transaction,
        signers: Vec<jsvm_runtime::Signer>,
    ) -> Result<(Receipt, Vec<String>), VmError> {
        let (head, snapshot) = self.store.snapshot();
        let block = BlockEnv {
            number: head.height + 1,
            parent_hash: bs58::encode(head.state_root).into_string(),
            witness: self.config.witness.clone(),
            time: head.time,
        };
        let state = TxState::new(snapshot.clone());
        amount_limit::check_tx_tokens(&state, &tx.amount_limit)?;
        let schedule = Arc::new(stored_schedule(&state)?.unwrap_or_else(|| self.config.schedule.clone()));
        let (hash, size) = tx.hash_and_size();
        let timeout = self.config.tx_timeout;
        let tx = Arc::new(tx);
        let out = self.pool.run(TxJob { block, tx, hash, size, signers, base: snapshot, schedule, timeout })?;
        if let Some(reason) = out.left_out {
            return Err(VmError::LeftOut(reason));
        }
        Ok((out.receipt, out.logs))
    }

    /// The committed block at `height`.
    pub fn block(&self, height: u64) -> Result<Option<BlockRecord>, VmError> {
        Ok(self.block_with_hash(height)?.map(|(record, _)| record))
    }

    /// The committed block at `height` and its hash ([`BlockOutcome::block_hash`]); `None` above the head.
    pub fn block_with_hash(&self, height: u64) -> Result<Option<(BlockRecord, [u8; 32])>, VmError> {
        let Some(bytes) = self.store.block_record(height)? else { return Ok(None) };
        let record = serde_json::from_slice(&bytes)
            .map_err(|e| VmError::Internal(format!("the record of block {height} is unreadable: {e}")))?;
        Ok(Some((record, Sha3_256::digest(&bytes).into())))
    }

    /// The committed block whose hash ([`BlockOutcome::block_hash`]) is `hash`.
    pub fn block_by_hash(&self, hash: &[u8]) -> Result<Option<BlockRecord>, VmError> {
        match self.store.block_height(hash)? {
            Some(height) => self.block(height),
            None => Ok(None),
        }
    }

    /// The hash of the committed block at `height`; None for height 0 (before the first block).
    /// The store remembers the hash of the block it committed last, which is the one asked
    /// for as each block is made: its record need not be read and hashed again.
    pub fn block_hash_at(&self, height: u64) -> Result<Option<[u8; 32]>, VmError> {
        if let Some((last, hash)) = self.store.last_block_hash() {
            if last == height {
                return Ok(Some(hash));
            }
        }
        Ok(self.store.block_record(height)?.map(|r| Sha3_256::digest(&r).into()))
    }

    /// A committed receipt by transaction hash (base58).
    pub fn receipt(&self, tx_hash: &str) -> Result<Option<Receipt>, VmError> {
        let Ok(hash) = bs58::decode(tx_hash).into_vec() else { return Ok(None) };
        Ok(self.store.receipt(&hash)?.and_then(|r| serde_json::from_slice(&r).ok()))
    }

    /// The receipts of committed block `record`'s transactions, in block order; a missing one is an error.
    pub fn block_receipts(&self, record: &BlockRecord) -> Result<Vec<Receipt>, VmError> {
        let height = record.height;
        record
            .txs
            .iter()
            .map(|tx| {
                let hash = bs58::encode(tx.hash()).into_string();
                self.receipt(&hash)
                    .map_err(|e| VmError::Internal(format!("block {height}: receipt of {hash}: {e}")))?
                    .ok_or_else(|| VmError::Internal(format!("block {height}: the receipt of {hash} is missing")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Action;

    #[test]
    fn a_record_is_written_as_block_record_writes_it() {
        let signed = jsvm_tx::Tx {
            time: 5,
            expiration: 6,
            gas_limit: 100_000,
            chain_id: 1024,
            publisher: "dave".into(),
            actions: vec![jsvm_tx::Action {
                contract: "c".into(),
                action_name: "m".into(),
                data: "[\"\\u00e9\"]".into(),
            }],
            ..jsvm_tx::Tx::default()
        };
        let blocks = [
            vec![],
            vec![Transaction::new("alice", vec![Action::new("c", "m", r#"["a\"b"]"#)]).with_time(3)],
            vec![
                Transaction::new("alice", vec![Action::new("c", "m", r#"["a\"b"]"#)]).with_time(3),
                Transaction::new("bob", vec![]).with_signers(vec!["carol@active".into()]),
                Transaction::from_iost(signed).unwrap(),
            ],
        ];
        for txs in blocks {
            let record = BlockRecord {
                height: 7,
                parent_hash: "par\"ent".into(),
                time: 9,
                witness: "w\u{e9}".into(),
                parent_root: "00".into(),
                state_root: "ff".into(),
                txs: txs.clone(),
            };
            let head = RecordHead {
                height: 7,
                parent_hash: "par\"ent",
                time: 9,
                witness: "w\u{e9}",
                parent_root: "00",
                state_root: "ff",
            };
            let stored: Vec<Vec<u8>> = txs.iter().map(|tx| tx.hash_size_and_stored().2).collect();
            let bytes = record_bytes(&head, &stored);
            assert_eq!(String::from_utf8(bytes.clone()).unwrap(), serde_json::to_string(&record).unwrap());
            let read: BlockRecord = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(read, record);
        }
    }

    #[test]
    fn a_transaction_is_hashed_and_stored_from_one_encoding_where_it_can_be() {
        let unsigned = Transaction::new("alice", vec![Action::new("c", "m", "[1]")]).with_time(3);
        let signed =
            Transaction::from_iost(jsvm_tx::Tx { time: 5, publisher: "dave".into(), ..jsvm_tx::Tx::default() })
                .unwrap();
        for tx in [unsigned, signed] {
            let (hash, size, stored) = tx.hash_size_and_stored();
            assert_eq!((hash, size), tx.hash_and_size());
            assert_eq!(stored, serde_json::to_vec(&tx).unwrap());
        }
    }
}
