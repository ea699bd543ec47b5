//! A block's transactions on several workers at once (jsvm-blockstm's Block-STM), with exactly
//! the receipts, writes and logs of running them in order: each run of a transaction reads
//! through the block's multi-version store, and only the last run of each is kept.

use std::sync::Arc;

use jsvm_blockstm::{Options, ParallelBlock, Stats, TxExecute, TxIndex};
use jsvm_state::{StateRead, Writes};

use crate::exec::{TxJob, TxOutput, Worker};
use crate::pool::execute_guarded;
use crate::receipt::Status;

/// Fewest transactions a block needs to be run in parallel: below it, handing the block to
/// several workers costs more than running it in order.
pub(crate) const MIN_PARALLEL_TXS: usize = 4;

/// A parallel block and its transactions, shared by the workers taking part.
pub(crate) struct ParallelRun {
    block: ParallelBlock<TxOutput>,
    jobs: Vec<TxJob>,
}

impl ParallelRun {
    /// `jobs` over `base`, the block's state before its first transaction. The workers taking
    /// part are throttled while most runs are thrown away, also under a test's jitter: that is
    /// the path every node runs.
    pub(crate) fn new(jobs: Vec<TxJob>, base: Arc<dyn StateRead>, jitter_seed: Option<u64>) -> ParallelRun {
        let options = Options { adaptive: true, jitter_seed };
        ParallelRun { block: ParallelBlock::new(base, jobs.len(), options), jobs }
    }

    /// Works on the block on this worker until nothing is left. `renew` replaces a worker whose
    /// run panicked (its engines are suspect).
    pub(crate) fn participate(&self, worker: &mut Worker, renew: &dyn Fn() -> Result<Worker, String>) {
        self.block.participate(&mut Executor { worker, renew, jobs: &self.jobs });
    }

    /// Waits for the block: each transaction's output (with the writes the block takes from it).
    pub(crate) fn outputs(&self) -> Result<Vec<TxOutput>, String> {
        let outputs = self.block.take_outputs().map_err(|e| e.to_string())?;
        Ok(outputs
            .into_iter()
            .map(|(mut out, writes)| {
                out.writes = writes;
                out
            })
            .collect())
    }

    /// After [`ParallelRun::outputs`]: the block's writes, each key's value from the highest
    /// transaction that wrote it, in key order, looked up on up to `threads` threads. Once only:
    /// the writes are moved out.
    pub(crate) fn writes(&self, threads: usize) -> Result<Writes, String> {
        self.block.take_writes(threads).map_err(|e| e.to_string())
    }

    /// The block's jobs again, each reading the block itself: to run them in order instead.
    pub(crate) fn jobs_in_order(&self) -> Vec<TxJob> {
        self.jobs.iter().map(|job| job.over(job.base.clone())).collect()
    }

    pub(crate) fn stats(&self) -> Stats {
        self.block.stats()
    }
}

/// What a parallel block leaves once its outputs and writes are taken: the multi-version store,
/// the jobs and the runs' own copies of their writes, tens of thousands of allocations in a big
/// block. They are freed on a worker while the block is written to the store, when one thread is
/// busy, not while its state root and receipts are computed on every core.
pub(crate) struct Leftovers {
    // Held only to be dropped.
    pub(crate) _run: Arc<ParallelRun>,
    pub(crate) _spent: Vec<Writes>,
}

/// One worker's runs of the block's transactions.
struct Executor<'a> {
    worker: &'a mut Worker,
    renew: &'a dyn Fn() -> Result<Worker, String>,
    jobs: &'a [TxJob],
}

impl TxExecute for Executor<'_> {
    type Output = TxOutput;

    fn execute(&mut self, tx: TxIndex, view: Arc<dyn StateRead>) -> (TxOutput, Writes) {
        let mut out = execute_guarded(self.worker, self.jobs[tx].over(view), self.renew);
        // What the block never takes: a transaction left out at its turn, and one that ran out
        // of time (left out when the block is assembled, in order, as it is when run in order).
        let writes = if out.left_out.is_some() || out.receipt.status == Status::Timeout {
            Writes::new()
        } else {
            std::mem::take(&mut out.writes)
        };
        (out, writes)
    }
}
