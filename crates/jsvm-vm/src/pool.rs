//! Worker threads, each owning its engines. Jobs go through one queue; any free
//! worker takes the next. The pool follows the load: a job that finds no idle
//! worker starts one (up to `VmConfig::workers`), and a worker idle for
//! `VmConfig::worker_idle` exits (down to `VmConfig::min_workers`).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crossbeam_channel::{bounded, unbounded, Receiver, RecvTimeoutError, Sender};
use jsvm_state::{BlockOverlay, Store, Writes};

use crate::base58;
use crate::config::WORKER_STACK_BYTES;
use crate::exec::{TxJob, TxOutput, Worker};
use crate::parallel::{Leftovers, ParallelRun};
use crate::receipt::{Receipt, Status};
use crate::{VmConfig, VmError};

/// A parallel block's outputs, figures and what it leaves to free, or (`Err`) its jobs, to be
/// run in order instead.
pub(crate) type ParallelOutcome = Result<(Vec<TxOutput>, jsvm_blockstm::Stats, Leftovers), Vec<TxJob>>;

/// Transactions for one worker to run in order. With an overlay (a block), each
/// transaction's writes are applied to it before the next runs; without (a
/// query), writes are returned and dropped by the caller.
struct Batch {
    txs: Vec<TxJob>,
    overlay: Option<Arc<BlockOverlay>>,
}

/// Work for a worker thread: transactions to run, or a task that needs no engine (checking
/// signatures), kept off the caller's thread.
enum Job {
    Txs(Batch, Sender<Vec<TxOutput>>),
    /// Take part in a block run in parallel, until nothing of it is left.
    Parallel(Arc<ParallelRun>),
    Task(Box<dyn FnOnce() + Send>),
}

/// What the workers and the submitters share.
struct Shared {
    config: Arc<VmConfig>,
    store: Arc<dyn Store>,
    jobs: Receiver<Job>,
    /// Workers started and not yet exited.
    live: AtomicUsize,
    /// Workers waiting for a job.
    idle: AtomicUsize,
    /// Most workers alive at once since the pool started.
    peak: AtomicUsize,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

pub(crate) struct Pool {
    queue: Option<Sender<Job>>,
    shared: Arc<Shared>,
}

impl Pool {
    /// Starts `config.min_workers` workers (at least one); fails if an engine cannot start.
    pub(crate) fn start(config: Arc<VmConfig>, store: Arc<dyn Store>) -> Result<Pool, VmError> {
        let (queue, jobs) = unbounded::<Job>();
        let shared = Arc::new(Shared {
            config: config.clone(),
            store,
            jobs,
            live: AtomicUsize::new(0),
            idle: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            threads: Mutex::new(Vec::new()),
        });
        let pool = Pool { queue: Some(queue), shared };
        let first = config.min_workers.clamp(1, config.max_workers());
        let ready: Vec<_> = (0..first).map(|_| pool.spawn()).collect::<Result<_, _>>()?;
        for r in ready {
            match r.recv() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(VmError::Internal(format!("a worker's engine failed to start: {e}"))),
                Err(_) => return Err(VmError::Internal("a worker died while starting".into())),
            }
        }
        Ok(pool)
    }

    /// Starts one worker if the bound allows; its readiness comes on the receiver.
    fn spawn(&self) -> Result<Receiver<Result<(), String>>, VmError> {
        let s = &self.shared;
        let max = s.config.max_workers();
        if s.live.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < max).then_some(n + 1)).is_err() {
            let (_, rx) = bounded(1);
            return Ok(rx);
        }
        s.peak.fetch_max(s.live.load(Ordering::SeqCst), Ordering::SeqCst);
        let (ok_tx, ok_rx) = bounded(1);
        let shared = self.shared.clone();
        let spawned = std::thread::Builder::new()
            .name("jsvm-worker".into())
            .stack_size(WORKER_STACK_BYTES)
            .spawn(move || worker_loop(shared, ok_tx));
        match spawned {
            Ok(handle) => {
                let mut threads = s.threads.lock().unwrap_or_else(|e| e.into_inner());
                threads.retain(|t| !t.is_finished());
                threads.push(handle);
                Ok(ok_rx)
            }
            Err(e) => {
                s.live.fetch_sub(1, Ordering::SeqCst);
                Err(VmError::Internal(format!("cannot start a worker thread: {e}")))
            }
        }
    }

    /// Runs one transaction on the next free worker and waits for it.
    pub(crate) fn run(&self, job: TxJob) -> Result<TxOutput, VmError> {
        let mut out = self.submit(Batch { txs: vec![job], overlay: None })?;
        out.pop().ok_or_else(|| VmError::Internal("a worker lost a transaction".into()))
    }

    /// Runs a block's transactions in order on one worker (one hand-over for the
    /// whole block), applying each one's writes to `overlay` before the next.
    pub(crate) fn run_block(&self, txs: Vec<TxJob>, overlay: Arc<BlockOverlay>) -> Result<Vec<TxOutput>, VmError> {
        let n = txs.len();
        let out = self.submit(Batch { txs, overlay: Some(overlay) })?;
        if out.len() != n {
            return Err(VmError::Internal("a worker lost a transaction".into()));
        }
        Ok(out)
    }

    /// Runs `run`'s block on up to `participants` workers at once, then takes its writes into
    /// `overlay` and decides in block order which transactions it leaves out, as
    /// [`Pool::run_block`] does. `Err(jobs)` when the caller must
    /// run the block's `jobs` in order instead: the block would be full (which transaction that leaves out
    /// depends on the order), or the parallel run failed (a participant panicked outside a
    /// transaction: a bug, which must not cost the block).
    pub(crate) fn run_block_parallel(
        &self,
        run: ParallelRun,
        overlay: &BlockOverlay,
        participants: usize,
    ) -> Result<ParallelOutcome, VmError> {
        let run = Arc::new(run);
        for _ in 0..participants.max(1) {
            self.enqueue(Job::Parallel(run.clone()))?;
        }
        let Ok(mut outputs) = run.outputs() else { return Ok(Err(run.jobs_in_order())) };
        let written: usize = outputs.iter().map(write_bytes).sum();
        if written > MAX_BLOCK_WRITE_BYTES {
            return Ok(Err(run.jobs_in_order()));
        }
        let Ok(writes) = run.writes(participants) else { return Ok(Err(run.jobs_in_order())) };
        let stats = run.stats();
        // The block's writes are the multi-version store's final values, in key order: taking each
        // output's writes into the block one by one would only build the same map again. Whether
        // each transaction is left out is still decided in order (a timeout; the block cannot be
        // full, its writes fit together).
        let mut block_bytes = 0;
        let mut spent = Vec::with_capacity(outputs.len());
        for out in &mut outputs {
            keep_or_leave_out(out, &mut block_bytes);
            spent.push(std::mem::take(&mut out.writes));
        }
        overlay.apply(writes);
        Ok(Ok((outputs, stats, Leftovers { _run: run, _spent: spent })))
    }

    fn submit(&self, batch: Batch) -> Result<Vec<TxOutput>, VmError> {
        let (reply, answer) = bounded(1);
        self.enqueue(Job::Txs(batch, reply))?;
        answer.recv().map_err(|_| VmError::Internal("a worker died during a transaction".into()))
    }

    /// Frees `garbage` on the next free worker (here, when none can take it).
    pub(crate) fn free_later<T: Send + 'static>(&self, garbage: T) {
        let _ = self.spawn_task(move || drop(garbage));
    }

    /// Starts `task` on the next free worker; its answer comes on the receiver (closed, with
    /// none, if the task panicked).
    pub(crate) fn spawn_task<R: Send + 'static>(
        &self,
        task: impl FnOnce() -> R + Send + 'static,
    ) -> Result<Receiver<R>, VmError> {
        let (reply, answer) = bounded(1);
        self.enqueue(Job::Task(Box::new(move || {
            let _ = reply.send(task());
        })))?;
        Ok(answer)
    }

    fn enqueue(&self, job: Job) -> Result<(), VmError> {
        let queue = self.queue.as_ref().ok_or_else(|| VmError::Internal("the pool is stopped".into()))?;
        queue.send(job).map_err(|_| VmError::Internal("no worker is running".into()))?;
        // More jobs waiting than workers free to take them: grow (a worker that cannot
        // start leaves the job to the others).
        if queue.len() > self.shared.idle.load(Ordering::SeqCst) {
            let _ = self.spawn();
        }
        Ok(())
    }

    /// Workers alive now.
    pub(crate) fn workers(&self) -> usize {
        self.shared.live.load(Ordering::SeqCst)
    }

    /// Most workers alive at once so far.
    pub(crate) fn peak_workers(&self) -> usize {
        self.shared.peak.load(Ordering::SeqCst)
    }
}

/// Leaves the pool's count when the worker's thread ends, however it ends.
struct LiveGuard(Arc<Shared>);

impl Drop for LiveGuard {
    fn drop(&mut self) {
        self.0.live.fetch_sub(1, Ordering::SeqCst);
    }
}

fn worker_loop(shared: Arc<Shared>, ready: Sender<Result<(), String>>) {
    let _live = LiveGuard(shared.clone());
    let new_worker = || Worker::new(shared.config.clone(), shared.store.clone());
    let mut worker = match new_worker() {
        Ok(w) => {
            // Counted as free before anyone hears it is ready.
            shared.idle.fetch_add(1, Ordering::SeqCst);
            let _ = ready.send(Ok(()));
            w
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    loop {
        let next = shared.jobs.recv_timeout(shared.config.worker_idle);
        let job = match next {
            Ok(job) => {
                shared.idle.fetch_sub(1, Ordering::SeqCst);
                job
            }
            Err(RecvTimeoutError::Disconnected) => {
                shared.idle.fetch_sub(1, Ordering::SeqCst);
                return;
            }
            Err(RecvTimeoutError::Timeout) => {
                // Idle long enough: leave, unless that would go below the minimum.
                let min = shared.config.min_workers.max(1);
                let left = shared.live.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n > min).then_some(n - 1));
                if left.is_ok() {
                    // Counted out already; the guard must not count again.
                    shared.idle.fetch_sub(1, Ordering::SeqCst);
                    std::mem::forget(_live);
                    return;
                }
                continue;
            }
        };
        let (job, reply) = match job {
            Job::Txs(batch, reply) => (batch, reply),
            Job::Parallel(run) => {
                run.participate(&mut worker, &new_worker);
                shared.idle.fetch_add(1, Ordering::SeqCst);
                continue;
            }
            Job::Task(task) => {
                // A panicking task drops its sender: its caller hears of it, the worker carries on.
                let _ = catch_unwind(AssertUnwindSafe(task));
                shared.idle.fetch_add(1, Ordering::SeqCst);
                continue;
            }
        };
        let mut outputs = Vec::with_capacity(job.txs.len());
        let mut block_bytes = 0;
        for tx in job.txs {
            let mut out = execute_guarded(&mut worker, tx, &new_worker);
            if let Some(overlay) = &job.overlay {
                admit(&mut out, &mut block_bytes, overlay);
            }
            outputs.push(out);
        }
        shared.idle.fetch_add(1, Ordering::SeqCst);
        let _ = reply.send(outputs);
    }
}

/// Most bytes of keys and values a block's transactions may write together (each one's
/// writes, as it hands them to the block): the block overlay holds them until it commits.
pub const MAX_BLOCK_WRITE_BYTES: usize = 64 << 20;

/// Takes a finished transaction into the block, in block order: decides whether the block leaves
/// it out and, if not, applies its writes to `overlay`.
fn admit(out: &mut TxOutput, block_bytes: &mut usize, overlay: &BlockOverlay) {
    if keep_or_leave_out(out, block_bytes) {
        overlay.apply(std::mem::take(&mut out.writes));
    }
}

/// Decides at its turn whether the block keeps `out` (true) or leaves it out (its `left_out` set,
/// if it was not already).
fn keep_or_leave_out(out: &mut TxOutput, block_bytes: &mut usize) -> bool {
    if out.left_out.is_none() {
        out.left_out = leave_out(out, block_bytes);
    }
    out.left_out.is_none()
}

/// Bytes of keys and values `out` writes.
fn write_bytes(out: &TxOutput) -> usize {
    out.writes.iter().map(|(k, v)| k.len() + v.as_ref().map_or(0, Vec::len)).sum()
}

/// Why a block leaves `out` out, if it does; else counts its writes into `block_bytes`.
/// A timeout depends on the machine, so it must not become a receipt; a block that is full
/// takes no more writes.
fn leave_out(out: &TxOutput, block_bytes: &mut usize) -> Option<String> {
    if out.receipt.status == Status::Timeout {
        return Some(format!("{} while the block was made", out.receipt.message));
    }
    let total = *block_bytes + write_bytes(out);
    if total > MAX_BLOCK_WRITE_BYTES {
        return Some(format!(
            "block full: its writes would reach {total} bytes of keys and values, at most {MAX_BLOCK_WRITE_BYTES}"
        ));
    }
    *block_bytes = total;
    None
}

/// Runs `job` on `worker`. A panic is a bug, not a contract's doing: the transaction is answered
/// with UNKNOWN_ERROR and the worker replaced by `renew`, its engines' state now suspect.
pub(crate) fn execute_guarded(worker: &mut Worker, job: TxJob, renew: &dyn Fn() -> Result<Worker, String>) -> TxOutput {
    let (block, hash) = (job.block.number, job.hash);
    match catch_unwind(AssertUnwindSafe(|| worker.execute(job))) {
        Ok(out) => out,
        Err(_) => {
            if let Ok(fresh) = renew() {
                *worker = fresh;
            }
            crashed(hash, block)
        }
    }
}

fn crashed(tx_hash: [u8; 32], block: u64) -> TxOutput {
    let mut receipt = Receipt::bare(base58::encode(&tx_hash), block, Status::UnknownError);
    receipt.message = "the worker running this transaction crashed".into();
    TxOutput { receipt, writes: Writes::new(), logs: vec![], left_out: None }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.queue.take(); // closes the queue; workers finish and exit
        let threads = std::mem::take(&mut *self.shared.threads.lock().unwrap_or_else(|e| e.into_inner()));
        for t in threads {
            let _ = t.join();
        }
    }
}
