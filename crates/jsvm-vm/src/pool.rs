//! Worker threads, each owning an engine. Jobs go through one queue; any free
//! worker takes the next.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::thread::JoinHandle;

use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use jsvm_state::{Store, Writes};

use crate::config::WORKER_STACK_BYTES;
use crate::exec::{TxJob, TxOutput, Worker};
use crate::receipt::{Receipt, Status};
use crate::{VmConfig, VmError};

type Job = (TxJob, Sender<TxOutput>);

pub(crate) struct Pool {
    queue: Option<Sender<Job>>,
    threads: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Starts `config.workers` workers; fails if any engine cannot start.
    pub(crate) fn start(config: Arc<VmConfig>, store: Arc<dyn Store>) -> Result<Pool, VmError> {
        let (queue, jobs) = unbounded::<Job>();
        let mut threads = Vec::new();
        let mut ready = Vec::new();
        for i in 0..config.workers.max(1) {
            let (ok_tx, ok_rx) = bounded(1);
            let (jobs, config, store) = (jobs.clone(), config.clone(), store.clone());
            let handle = std::thread::Builder::new()
                .name(format!("jsvm-worker-{i}"))
                .stack_size(WORKER_STACK_BYTES)
                .spawn(move || worker_loop(jobs, config, store, ok_tx))
                .map_err(|e| VmError::Internal(format!("cannot start a worker thread: {e}")))?;
            threads.push(handle);
            ready.push(ok_rx);
        }
        for r in ready {
            match r.recv() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(VmError::Internal(format!("a worker's engine failed to start: {e}"))),
                Err(_) => return Err(VmError::Internal("a worker died while starting".into())),
            }
        }
        Ok(Pool { queue: Some(queue), threads })
    }

    /// Runs one transaction on the next free worker and waits for it.
    pub(crate) fn run(&self, job: TxJob) -> Result<TxOutput, VmError> {
        let (reply, answer) = bounded(1);
        let queue = self.queue.as_ref().ok_or_else(|| VmError::Internal("the pool is stopped".into()))?;
        queue.send((job, reply)).map_err(|_| VmError::Internal("no worker is running".into()))?;
        answer.recv().map_err(|_| VmError::Internal("a worker died during a transaction".into()))
    }
}

fn worker_loop(jobs: Receiver<Job>, config: Arc<VmConfig>, store: Arc<dyn Store>, ready: Sender<Result<(), String>>) {
    let mut worker = match Worker::new(config.clone(), store.clone()) {
        Ok(w) => {
            let _ = ready.send(Ok(()));
            w
        }
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    for (job, reply) in jobs.iter() {
        let block = job.block.number;
        let hash = bs58::encode(job.hash).into_string();
        let out = match catch_unwind(AssertUnwindSafe(|| worker.execute(job))) {
            Ok(out) => out,
            Err(_) => {
                // A bug, not a contract's doing: answer with UNKNOWN_ERROR and
                // replace the worker's engine, whose state is now suspect.
                if let Ok(fresh) = Worker::new(config.clone(), store.clone()) {
                    worker = fresh;
                }
                crashed(hash, block)
            }
        };
        let _ = reply.send(out);
    }
}

fn crashed(tx_hash: String, block: u64) -> TxOutput {
    let status = Status::UnknownError;
    TxOutput {
        receipt: Receipt {
            tx_hash,
            block,
            status,
            status_code: status.code(),
            message: "the worker running this transaction crashed".into(),
            gas_used: 0,
            ram_usage: Default::default(),
            returns: vec![],
            receipts: vec![],
            events: vec![],
        },
        writes: Writes::new(),
        logs: vec![],
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.queue.take(); // closes the queue; workers finish and exit
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}
