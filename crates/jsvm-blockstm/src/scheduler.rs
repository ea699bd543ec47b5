//! The collaborative scheduler of Block-STM (Gelashvili et al., PPoPP'23, algorithms 4 and 5):
//! execution and validation tasks handed out lowest index first from two shared counters, a
//! status per transaction, and the transactions waiting on each one's next run.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::mv::{Incarnation, TxIndex};

/// Work for a participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Task {
    /// Run this incarnation of the transaction.
    Execute(TxIndex, Incarnation),
    /// Check again what this incarnation read.
    Validate(TxIndex, Incarnation),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    ReadyToExecute,
    Executing,
    Executed,
    /// Its run read an estimate, or failed validation: it will run again.
    Aborting,
}

pub(crate) struct Scheduler {
    txs: usize,
    /// The next transaction to execute, unless lowered by a re-run.
    execution_idx: AtomicUsize,
    /// The next transaction to validate, unless lowered by a re-run.
    validation_idx: AtomicUsize,
    /// Counts every lowering of either index, so that `done` cannot miss one.
    decrease_cnt: AtomicUsize,
    /// Tasks handed out and not yet finished.
    active_tasks: AtomicUsize,
    done: AtomicBool,
    status: Vec<Mutex<(Incarnation, Status)>>,
    /// The transactions waiting for each one's next run to finish.
    dependents: Vec<Mutex<Vec<TxIndex>>>,
}

impl Scheduler {
    pub(crate) fn new(txs: usize) -> Scheduler {
        Scheduler {
            txs,
            execution_idx: AtomicUsize::new(0),
            validation_idx: AtomicUsize::new(0),
            decrease_cnt: AtomicUsize::new(0),
            active_tasks: AtomicUsize::new(0),
            done: AtomicBool::new(txs == 0),
            status: (0..txs).map(|_| Mutex::new((0, Status::ReadyToExecute))).collect(),
            dependents: (0..txs).map(|_| Mutex::default()).collect(),
        }
    }

    fn status(&self, tx: TxIndex) -> std::sync::MutexGuard<'_, (Incarnation, Status)> {
        self.status[tx].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether every transaction has run and been validated in its last incarnation.
    pub(crate) fn done(&self) -> bool {
        self.done.load(Ordering::Acquire)
    }

    /// Stops the block at once (a participant failed): every participant leaves.
    pub(crate) fn halt(&self) {
        self.done.store(true, Ordering::Release);
    }

    fn check_done(&self) {
        let observed = self.decrease_cnt.load(Ordering::SeqCst);
        let execution = self.execution_idx.load(Ordering::SeqCst);
        let validation = self.validation_idx.load(Ordering::SeqCst);
        if execution.min(validation) >= self.txs
            && self.active_tasks.load(Ordering::SeqCst) == 0
            && observed == self.decrease_cnt.load(Ordering::SeqCst)
        {
            self.done.store(true, Ordering::Release);
        }
    }

    fn decrease_execution_idx(&self, to: TxIndex) {
        self.execution_idx.fetch_min(to, Ordering::SeqCst);
        self.decrease_cnt.fetch_add(1, Ordering::SeqCst);
    }

    fn decrease_validation_idx(&self, to: TxIndex) {
        self.validation_idx.fetch_min(to, Ordering::SeqCst);
        self.decrease_cnt.fetch_add(1, Ordering::SeqCst);
    }

    /// Moves `tx` from ready to executing, if it is ready: its incarnation to run.
    fn try_incarnate(&self, tx: TxIndex) -> Option<Incarnation> {
        if tx >= self.txs {
            return None;
        }
        let mut status = self.status(tx);
        if status.1 == Status::ReadyToExecute {
            status.1 = Status::Executing;
            return Some(status.0);
        }
        None
    }

    fn next_to_execute(&self) -> Option<Task> {
        if self.execution_idx.load(Ordering::SeqCst) >= self.txs {
            self.check_done();
            return None;
        }
        self.active_tasks.fetch_add(1, Ordering::SeqCst);
        let tx = self.execution_idx.fetch_add(1, Ordering::SeqCst);
        match self.try_incarnate(tx) {
            Some(incarnation) => Some(Task::Execute(tx, incarnation)),
            None => {
                self.active_tasks.fetch_sub(1, Ordering::SeqCst);
                None
            }
        }
    }

    fn next_to_validate(&self) -> Option<Task> {
        if self.validation_idx.load(Ordering::SeqCst) >= self.txs {
            self.check_done();
            return None;
        }
        self.active_tasks.fetch_add(1, Ordering::SeqCst);
        let tx = self.validation_idx.fetch_add(1, Ordering::SeqCst);
        if tx < self.txs {
            let (incarnation, status) = *self.status(tx);
            if status == Status::Executed {
                return Some(Task::Validate(tx, incarnation));
            }
        }
        self.active_tasks.fetch_sub(1, Ordering::SeqCst);
        None
    }

    /// The next task, validations first when they lag behind executions; None when there is
    /// nothing to hand out right now (or the block is done).
    pub(crate) fn next_task(&self) -> Option<Task> {
        if self.done() {
            return None;
        }
        if self.validation_idx.load(Ordering::SeqCst) < self.execution_idx.load(Ordering::SeqCst) {
            self.next_to_validate()
        } else {
            self.next_to_execute()
        }
    }

    /// `tx`'s run read an estimate of `writer`: `tx` waits for `writer`'s next run. False when
    /// that run has finished already, and `tx` should simply run again now.
    pub(crate) fn add_dependency(&self, tx: TxIndex, writer: TxIndex) -> bool {
        {
            let mut dependents = self.dependents[writer].lock().unwrap_or_else(|e| e.into_inner());
            if self.status(writer).1 == Status::Executed {
                return false;
            }
            self.status(tx).1 = Status::Aborting;
            dependents.push(tx);
        }
        self.active_tasks.fetch_sub(1, Ordering::SeqCst);
        true
    }

    fn set_ready(&self, tx: TxIndex) {
        let mut status = self.status(tx);
        *status = (status.0 + 1, Status::ReadyToExecute);
    }

    /// Run `incarnation` of `tx` has been recorded: wakes the transactions that waited for it,
    /// and says whether it must be validated (a task for the caller), or whether every
    /// transaction from it up must be (it wrote a key its previous run had not).
    pub(crate) fn finish_execution(&self, tx: TxIndex, incarnation: Incarnation, wrote_new: bool) -> Option<Task> {
        let waiting = {
            let mut dependents = self.dependents[tx].lock().unwrap_or_else(|e| e.into_inner());
            self.status(tx).1 = Status::Executed;
            std::mem::take(&mut *dependents)
        };
        if let Some(&lowest) = waiting.iter().min() {
            for &t in &waiting {
                self.set_ready(t);
            }
            self.decrease_execution_idx(lowest);
        }
        if self.validation_idx.load(Ordering::SeqCst) > tx {
            if wrote_new {
                self.decrease_validation_idx(tx);
            } else {
                return Some(Task::Validate(tx, incarnation));
            }
        }
        self.active_tasks.fetch_sub(1, Ordering::SeqCst);
        None
    }

    /// Validation of `incarnation` of `tx` failed: true when this caller aborts it (no one did
    /// yet, and it is still that incarnation).
    pub(crate) fn try_validation_abort(&self, tx: TxIndex, incarnation: Incarnation) -> bool {
        let mut status = self.status(tx);
        if *status == (incarnation, Status::Executed) {
            status.1 = Status::Aborting;
            return true;
        }
        false
    }

    /// A validation of `tx` has finished; an aborted one makes `tx` run again (a task for the
    /// caller when the execution index has passed it) and every transaction above be validated
    /// again.
    pub(crate) fn finish_validation(&self, tx: TxIndex, aborted: bool) -> Option<Task> {
        if aborted {
            self.set_ready(tx);
            self.decrease_validation_idx(tx + 1);
            if self.execution_idx.load(Ordering::SeqCst) > tx {
                if let Some(incarnation) = self.try_incarnate(tx) {
                    return Some(Task::Execute(tx, incarnation));
                }
            }
        }
        self.active_tasks.fetch_sub(1, Ordering::SeqCst);
        None
    }
}
