//! One transaction on one worker: actions in order, all or nothing.

use std::sync::Arc;
use std::time::Instant;

use jsvm_compiler::{bundle_lines, decode_args, map_positions};
use jsvm_engine::{Engine, Invocation, Limits, QuickJs, RunError};
use jsvm_runtime::{
    BlockEnv, CallFrame, ContractHost, ContractRecord, Effects, GasMeter, GasSchedule, Signer, TxEnv, ENTRY,
    MAX_RESULT_BYTES, PRELUDE_SOURCE, SYSTEM_CONTRACT,
};
use jsvm_state::{StateRead, Store, TxState, Writes};

use crate::code_cache::CodeCache;
use crate::receipt::{Receipt, Status};
use crate::{system, Transaction, VmConfig};

/// Why an action failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Failure {
    Runtime(String),
    OutOfGas,
    Timeout,
    OutOfMemory,
    Duplicate(String),
    Unknown(String),
}

impl Failure {
    fn status(&self) -> Status {
        match self {
            Failure::Runtime(_) | Failure::OutOfMemory => Status::RuntimeError,
            Failure::OutOfGas => Status::GasRunOut,
            Failure::Timeout => Status::Timeout,
            Failure::Duplicate(_) => Status::DuplicateSetCode,
            Failure::Unknown(_) => Status::UnknownError,
        }
    }

    /// Failures whose point of occurrence is not a deterministic function of
    /// the input (or that ate the budget) charge the whole gas limit.
    fn charges_everything(&self) -> bool {
        matches!(self, Failure::OutOfGas | Failure::Timeout | Failure::OutOfMemory)
    }

    fn text(&self) -> String {
        match self {
            Failure::Runtime(m) | Failure::Duplicate(m) | Failure::Unknown(m) => m.clone(),
            Failure::OutOfGas => "out of gas".into(),
            Failure::Timeout => "execution killed: transaction deadline exceeded".into(),
            Failure::OutOfMemory => "out of memory: the run exceeded its memory limit".into(),
        }
    }
}

impl From<RunError> for Failure {
    fn from(e: RunError) -> Self {
        match e {
            RunError::Exception(m) => Failure::Runtime(format!("Uncaught exception: {m}")),
            RunError::Aborted(m) if m == "out of gas" => Failure::OutOfGas,
            RunError::Aborted(m) => Failure::Runtime(m),
            RunError::Timeout => Failure::Timeout,
            RunError::OutOfMemory => Failure::OutOfMemory,
            RunError::Engine(m) => Failure::Unknown(m),
        }
    }
}

/// `text` with positions in a bundle's compiled program turned into the author's
/// `file:line:column` (a single-file contract's positions are already the author's).
fn author_positions(record: &ContractRecord, text: &str) -> String {
    match bundle_lines(&record.source) {
        Some(lines) => map_positions(text, &format!("{}.js", record.id), &lines),
        None => text.to_string(),
    }
}

/// Everything one transaction accumulates while it runs.
pub(crate) struct TxRun<'a> {
    pub state: TxState,
    pub gas: GasMeter,
    pub effects: Effects,
    pub schedule: &'a GasSchedule,
    pub block: &'a BlockEnv,
    pub env: TxEnv,
    pub hash: [u8; 32],
    pub deadline: Instant,
}

/// A worker's engine and its compiled code. Lives on one thread.
pub(crate) struct Worker {
    engine: QuickJs,
    prelude: Vec<u8>,
    code: CodeCache,
    config: Arc<VmConfig>,
}

/// One transaction to execute.
pub(crate) struct TxJob {
    pub block: BlockEnv,
    pub tx: Transaction,
    /// `tx.hash()`, computed once by whoever made the job.
    pub hash: [u8; 32],
    pub signers: Vec<Signer>,
    pub base: Arc<dyn StateRead>,
    /// The gas schedule in force for the block.
    pub schedule: Arc<GasSchedule>,
}

/// A finished transaction: its receipt, its writes (empty unless it
/// succeeded) and the console lines it printed.
pub(crate) struct TxOutput {
    pub receipt: Receipt,
    pub writes: Writes,
    pub logs: Vec<String>,
}

impl Worker {
    pub(crate) fn new(config: Arc<VmConfig>, store: Arc<dyn Store>) -> Result<Worker, String> {
        let mut engine = QuickJs::new()?;
        let prelude = engine.compile("<prelude>", PRELUDE_SOURCE)?;
        let code = CodeCache::new(store, config.code_cache_entries);
        Ok(Worker { engine, prelude, code, config })
    }

    /// Runs a whole transaction.
    pub(crate) fn execute(&mut self, job: TxJob) -> TxOutput {
        let config = self.config.clone();
        let schedule = job.schedule.clone();
        let tx = &job.tx;
        let hash = job.hash;
        let env = TxEnv {
            hash: bs58::encode(hash).into_string(),
            publisher: tx.publisher.clone(),
            signers: job.signers,
            time: tx.time,
            gas_limit: tx.gas_limit,
            actions: tx.actions.iter().map(|a| (a.contract.clone(), a.action_name.clone(), a.data.clone())).collect(),
        };
        let mut run = TxRun {
            state: TxState::new(job.base),
            gas: GasMeter::new(tx.gas_limit),
            effects: Effects::default(),
            schedule: &schedule,
            block: &job.block,
            env,
            hash,
            deadline: Instant::now() + config.tx_timeout,
        };
        let byte_fee = schedule.tx_byte.saturating_mul(tx.canonical_bytes().len() as u64);
        let mut outcome: Result<Vec<String>, (usize, Failure)> = match run.gas.charge(byte_fee) {
            Ok(()) => Ok(Vec::new()),
            Err(_) => Err((0, Failure::OutOfGas)),
        };
        if let Ok(returns) = &mut outcome {
            for (i, action) in tx.actions.iter().enumerate() {
                match self.run_action(&mut run, &action.contract, &action.action_name, &action.data) {
                    Ok(r) => returns.push(r),
                    Err(f) => {
                        outcome = Err((i, f));
                        break;
                    }
                }
            }
        }
        let logs = std::mem::take(&mut run.effects.logs);
        let mut receipt = Receipt {
            tx_hash: run.env.hash.clone(),
            block: job.block.number,
            status: Status::Success,
            status_code: 0,
            message: String::new(),
            gas_used: 0,
            ram_usage: Default::default(),
            returns: Vec::new(),
            receipts: Vec::new(),
            events: Vec::new(),
        };
        let writes = match outcome {
            Ok(returns) => {
                receipt.returns = returns;
                receipt.ram_usage = std::mem::take(&mut run.effects.ram).into_iter().filter(|(_, v)| *v != 0).collect();
                receipt.receipts = std::mem::take(&mut run.effects.receipts);
                receipt.events = std::mem::take(&mut run.effects.events);
                run.state.into_writes()
            }
            Err((i, failure)) => {
                if failure.charges_everything() {
                    run.gas.exhaust();
                }
                receipt.status = failure.status();
                receipt.message = match tx.actions.get(i) {
                    Some(a) => format!("running action #{i} {}.{}: {}", a.contract, a.action_name, failure.text()),
                    None => failure.text(),
                };
                Writes::new()
            }
        };
        receipt.status_code = receipt.status.code();
        receipt.gas_used = run.gas.used();
        TxOutput { receipt, writes, logs }
    }

    fn run_action(&mut self, run: &mut TxRun, contract: &str, method: &str, data: &str) -> Result<String, Failure> {
        run.gas.charge(run.schedule.call_base).map_err(|_| Failure::OutOfGas)?;
        let checkpoint = run.state.checkpoint();
        let result = if contract == SYSTEM_CONTRACT {
            system::call(self, run, method, data)
        } else {
            self.call_contract(run, contract, method, data)
        };
        if result.is_err() {
            run.state.revert(checkpoint);
        }
        result
    }

    fn call_contract(&mut self, run: &mut TxRun, contract: &str, method: &str, data: &str) -> Result<String, Failure> {
        let record = ContractRecord::load(&run.state, contract)
            .map_err(Failure::Unknown)?
            .ok_or_else(|| Failure::Runtime(format!("contract {contract} not found")))?;
        if method == "init" {
            return Err(Failure::Runtime("cannot call 'init' manually".into()));
        }
        let abi = record.abi.method(method).ok_or_else(|| Failure::Runtime(format!("abi {method} not found")))?;
        let args = decode_args(abi, data).map_err(|e| Failure::Runtime(e.to_string()))?;
        self.run_js(run, &record, method, &args)
    }

    /// Compiles `record`'s code to bytecode (and caches it): the engine's own checks,
    /// such as redeclared names, are part of validating a deploy or update.
    pub(crate) fn precompile(&mut self, run: &TxRun, record: &ContractRecord) -> Result<(), Failure> {
        self.code
            .get(&mut self.engine, run.schedule.version, record)
            .map(|_| ())
            .map_err(|e| Failure::Runtime(format!("validate code error: {}", author_positions(record, &e))))
    }

    /// Runs `record.method(...args)` in a fresh realm; `args` is a JSON array.
    pub(crate) fn run_js(&mut self, run: &mut TxRun, record: &ContractRecord, method: &str, args: &str) -> Result<String, Failure> {
        // Code prepared under another schedule carries other charges: prepare it again.
        let reprepared;
        let record = if record.schedule_version == run.schedule.version {
            record
        } else {
            reprepared = record.reprepared(run.schedule).map_err(Failure::Unknown)?;
            &reprepared
        };
        let code = self.code.get(&mut self.engine, run.schedule.version, record).map_err(Failure::Unknown)?;
        let gas_left = run.gas.limit() - run.gas.used();
        let context = serde_json::json!({
            "block": run.block.constant(),
            "tx": run.env.constant(gas_left),
            "gasLimit": gas_left,
        })
        .to_string();
        let frame = CallFrame {
            contract: record.id.clone(),
            method: method.to_string(),
            owner: record.owner.clone(),
            caller: run.env.publisher.clone(),
            caller_is_account: true,
        };
        let prelude = [self.prelude.as_slice()];
        let inv = Invocation {
            prelude: &prelude,
            program: &code,
            entry: ENTRY,
            args: &[method, args, &context],
            limits: Limits {
                memory_bytes: self.config.memory_limit,
                stack_bytes: self.config.stack_limit,
                deadline: run.deadline,
            },
        };
        let mut host = ContractHost {
            state: &mut run.state,
            gas: &mut run.gas,
            schedule: run.schedule,
            block: run.block,
            tx: &run.env,
            frame: &frame,
            effects: &mut run.effects,
            js_gas: 0,
        };
        let out = self.engine.run(&inv, &mut host).map_err(|e| match Failure::from(e) {
            Failure::Runtime(m) => Failure::Runtime(author_positions(record, &m)),
            other => other,
        })?;
        if out.len() > MAX_RESULT_BYTES {
            return Err(Failure::Runtime(format!("result too long: {} bytes, at most {MAX_RESULT_BYTES}", out.len())));
        }
        run.gas.charge(run.schedule.result_byte.saturating_mul(out.len() as u64)).map_err(|_| Failure::OutOfGas)?;
        Ok(out)
    }
}
