//! jsvm-blockstm: a block's transactions run at once on several workers and still give exactly
//! the result of running them in the block's order (Block-STM, Gelashvili et al., PPoPP'23; the
//! design of aptos-core's block executor, written again for jsvm's state layer).
//!
//! Each run of a transaction reads through a [`StateRead`] view of a multi-version store: the
//! writes of the transactions below it in the block (their latest runs), then the block's base
//! state. The view records what each read saw. Workers take tasks from one shared scheduler,
//! lowest index first: run a transaction, or validate a finished run by checking its reads again.
//! A run whose reads changed is run again, and its writes become estimates that make a reader
//! wait for the new run instead of reading a value about to change. When every transaction's last
//! run has been validated, those runs' outputs are the sequential outputs.
//!
//! The crate knows nothing of contracts: a transaction is whatever [`TxExecute`] runs over the view
//! it is given, returning an output and its writes. Everything else a run produces (its receipt,
//! events, logs, gas) lives in its output, and only the last run's output is kept.

mod cells;
mod mv;
mod scheduler;
mod throttle;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use jsvm_state::{StateError, StateRead, Writes};

use mv::{MvMemory, TxView};
use scheduler::{Scheduler, Task};
use throttle::Throttle;

pub use mv::{Incarnation, TxIndex};

/// Runs the block's transactions for one participant (one worker thread, with its own engines).
pub trait TxExecute {
    /// What a run produces besides its writes.
    type Output;
    /// Runs transaction `tx` of the block over `view`, returning its output and the writes the
    /// block takes from it. A run that read a value about to be written again is discarded
    /// whatever it returns (its reads after that see the newest settled values).
    fn execute(&mut self, tx: TxIndex, view: Arc<dyn StateRead>) -> (Self::Output, Writes);
}

/// How a parallel block went: node-local figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Runs of transactions, discarded ones included.
    pub executions: u64,
    /// Validations of a run's reads.
    pub validations: u64,
    /// Participants that took part.
    pub participants: usize,
    /// Times the participants allowed to work at once were halved because too many runs were
    /// thrown away ([`Options::adaptive`]).
    pub throttled: u64,
}

/// How a block is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Fewer participants work at once while most runs are thrown away (transactions that depend
    /// on one another), down to one; more again after a while. Off in tests that want every
    /// participant in every interleaving.
    pub adaptive: bool,
    /// Tests only: pauses between tasks, from this seed, to perturb the interleaving.
    pub jitter_seed: Option<u64>,
}

impl Default for Options {
    fn default() -> Options {
        Options { adaptive: true, jitter_seed: None }
    }
}

/// Why a parallel block has no result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParallelError {
    /// A participant stopped with a panic of the executor's or a read of the base state failed.
    Failed(String),
}

impl std::fmt::Display for ParallelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParallelError::Failed(why) => write!(f, "parallel execution failed: {why}"),
        }
    }
}

impl std::error::Error for ParallelError {}

/// Who is working on the block, for [`ParallelBlock::wait`].
#[derive(Default)]
struct Participation {
    active: usize,
    joined: usize,
    failure: Option<String>,
}

/// One block being executed in parallel: shared by its participants and whoever waits for it.
pub struct ParallelBlock<O> {
    mv: Arc<MvMemory>,
    scheduler: Scheduler,
    /// Each transaction's output and writes from its last recorded run.
    outputs: Vec<Mutex<Option<(O, Writes)>>>,
    executions: AtomicU64,
    validations: AtomicU64,
    participation: Mutex<Participation>,
    finished: Condvar,
    throttle: Throttle,
    /// Tests only: pauses between tasks, from this seed, to perturb the interleaving.
    jitter_seed: Option<u64>,
}

impl<O: Send> ParallelBlock<O> {
    /// A block of `txs` transactions over `base`, the state before the block's first one.
    pub fn new(base: Arc<dyn StateRead>, txs: usize, options: Options) -> ParallelBlock<O> {
        ParallelBlock {
            mv: Arc::new(MvMemory::new(base, txs)),
            scheduler: Scheduler::new(txs),
            outputs: (0..txs).map(|_| Mutex::new(None)).collect(),
            executions: AtomicU64::new(0),
            validations: AtomicU64::new(0),
            participation: Mutex::default(),
            finished: Condvar::new(),
            throttle: Throttle::new(options.adaptive),
            jitter_seed: options.jitter_seed,
        }
    }

    fn participation(&self) -> std::sync::MutexGuard<'_, Participation> {
        self.participation.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Works on the block with `executor` until nothing is left; returns at once when the block
    /// is done already. Any number of participants may join, at any time.
    pub fn participate(&self, executor: &mut dyn TxExecute<Output = O>) {
        let seat = {
            let mut p = self.participation();
            if self.scheduler.done() {
                return;
            }
            p.active += 1;
            p.joined += 1;
            self.throttle.join();
            p.joined as u64
        };
        // Leaves the count however the work ends; a panic stops the whole block.
        struct Leave<'a, O: Send>(&'a ParallelBlock<O>);
        impl<O: Send> Drop for Leave<'_, O> {
            fn drop(&mut self) {
                let mut p = self.0.participation();
                if std::thread::panicking() {
                    p.failure.get_or_insert_with(|| "a participant panicked".into());
                    self.0.scheduler.halt();
                }
                p.active -= 1;
                self.0.throttle.leave();
                // A participant leaves when the block is done: those parked look now.
                self.0.throttle.wake_all();
                self.0.finished.notify_all();
            }
        }
        let _leave = Leave(self);
        let mut jitter = self.jitter_seed.map(|seed| Jitter((seed ^ seat.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1));
        let mut task: Option<Task> = None;
        let mut idle_spins = 0u32;
        while !self.scheduler.done() {
            if let Some(j) = jitter.as_mut() {
                j.pause();
            }
            if task.is_none() {
                self.throttle.park_if_over(&|| self.scheduler.done());
            }
            let next = match task.take() {
                Some(Task::Execute(tx, incarnation)) => self.execute(tx, incarnation, executor),
                Some(Task::Validate(tx, incarnation)) => self.validate(tx, incarnation),
                None => Ok(self.scheduler.next_task()),
            };
            match next {
                Ok(Some(t)) => {
                    task = Some(t);
                    idle_spins = 0;
                }
                Ok(None) => {
                    // Nothing to hand out now: the rest is running or waiting on a run elsewhere.
                    // Spin briefly, then yield, then nap: more participants than cores must not
                    // starve the one running the transaction everyone waits for.
                    idle_spins = idle_spins.saturating_add(1);
                    if idle_spins < 64 {
                        std::hint::spin_loop();
                    } else if idle_spins < 256 {
                        std::thread::yield_now();
                    } else {
                        std::thread::sleep(Duration::from_micros(20));
                    }
                }
                Err(e) => {
                    self.participation().failure.get_or_insert(e.to_string());
                    self.scheduler.halt();
                }
            }
        }
    }

    fn execute(
        &self,
        tx: TxIndex,
        incarnation: Incarnation,
        executor: &mut dyn TxExecute<Output = O>,
    ) -> Result<Option<Task>, StateError> {
        loop {
            let view = Arc::new(TxView::new(self.mv.clone(), tx));
            self.executions.fetch_add(1, Ordering::Relaxed);
            let (output, writes) = executor.execute(tx, view.clone());
            let blocked = view.blocked_on();
            self.throttle.count_run(blocked.is_some());
            if let Some(writer) = blocked {
                if self.scheduler.add_dependency(tx, writer) {
                    return Ok(None);
                }
                // The writer finished meanwhile: run again now.
                continue;
            }
            let wrote_new = self.mv.record(tx, incarnation, view.take_reads(), &writes);
            *self.outputs[tx].lock().unwrap_or_else(|e| e.into_inner()) = Some((output, writes));
            return Ok(self.scheduler.finish_execution(tx, incarnation, wrote_new));
        }
    }

    fn validate(&self, tx: TxIndex, incarnation: Incarnation) -> Result<Option<Task>, StateError> {
        self.validations.fetch_add(1, Ordering::Relaxed);
        let valid = self.mv.validate(tx)?;
        let aborted = !valid && self.scheduler.try_validation_abort(tx, incarnation);
        if aborted {
            self.mv.mark_estimates(tx);
            self.throttle.discard();
        }
        Ok(self.scheduler.finish_validation(tx, aborted))
    }

    /// Waits until the block is done and no participant is still in it.
    pub fn wait(&self) -> Result<(), ParallelError> {
        let mut p = self.participation();
        while !(self.scheduler.done() && p.active == 0) {
            // A participant that joins late finds the block done and leaves at once; the timeout
            // only bounds how long a missed wake-up could cost.
            p = self.finished.wait_timeout(p, Duration::from_millis(50)).unwrap_or_else(|e| e.into_inner()).0;
        }
        match &p.failure {
            Some(why) => Err(ParallelError::Failed(why.clone())),
            None => Ok(()),
        }
    }

    /// After [`ParallelBlock::wait`]: each transaction's output and writes, in block order, as
    /// running them in order would have given them.
    pub fn take_outputs(&self) -> Result<Vec<(O, Writes)>, ParallelError> {
        self.wait()?;
        self.outputs
            .iter()
            .enumerate()
            .map(|(i, slot)| {
                slot.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take()
                    .ok_or_else(|| ParallelError::Failed(format!("transaction {i} has no output")))
            })
            .collect()
    }

    /// After [`ParallelBlock::wait`]: the block's writes, each key's value from the highest
    /// transaction that wrote it, in key order: what applying every output's writes in block order
    /// gives, without applying them one by one. Once only: the writes are moved out. A big block's
    /// keys are looked up on up to `threads` threads (the participants' cores are free by now).
    pub fn take_writes(&self, threads: usize) -> Result<Writes, ParallelError> {
        self.wait()?;
        self.mv.take_block_writes(threads).map_err(|key| {
            ParallelError::Failed(format!("key {} still holds an estimate", String::from_utf8_lossy(&key)))
        })
    }

    /// Runs, validations and participants so far.
    pub fn stats(&self) -> Stats {
        Stats {
            executions: self.executions.load(Ordering::Relaxed),
            validations: self.validations.load(Ordering::Relaxed),
            participants: self.participation().joined,
            throttled: self.throttle.lowered(),
        }
    }
}

/// A participant's pauses in tests: xorshift64*, up to 200 µs a quarter of the time.
struct Jitter(u64);

impl Jitter {
    fn pause(&mut self) {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let r = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        if r.is_multiple_of(4) {
            std::thread::sleep(Duration::from_micros((r >> 8) % 200));
        }
    }
}
