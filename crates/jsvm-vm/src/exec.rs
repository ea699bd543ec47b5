//! One transaction on one worker: actions in order, all or nothing.

use std::cell::{Cell, OnceCell};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsvm_compiler::{
    bundle_lines, decode_args, map_positions, prepared_columns, rewrite_positions, unmetered_program, AmountLimit,
    BundleLines, ColumnMap, MeterCosts, MAX_METERED_LIMIT,
};
use jsvm_engine::{new_engine, Engine, Halt, HostError, Invocation, Limits};
use jsvm_runtime::{
    random_seed, BlockEnv, CallFrame, ContractHost, ContractRecord, Effects, GasMeter, GasSchedule, NestedCalls,
    RecordCache, RunContext, Signer, TxCtx, TxEnv, CODE_FILENAME, ENTRY, MAX_CALL_HEIGHT, MAX_RESULT_BYTES,
    PRELUDE_SOURCE, SYSTEM_CONTRACT,
};
use jsvm_state::{StateRead, Store, TxState, Writes};

use crate::base58;
use crate::code_cache::CodeCache;
use crate::receipt::{bounded_message, Receipt, Status};
use crate::unknown_method::unknown_method;
use crate::{amount_limit, contracts, resources, signing, Transaction, VmConfig};

/// Why an action failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Failure {
    Runtime(String),
    OutOfGas,
    Timeout,
    /// The run's heap outgrew the memory limit, or a string the engine's longest. Engines
    /// lay out memory differently, so where this happens is not deterministic: it ends the
    /// run as out of gas does (the receipt cannot tell them apart), and the log says which.
    OutOfMemory,
    /// Calls nested deeper than the meter allows, or the engine's own stack ran out
    /// first: which comes first differs between engines, so it charges the whole limit.
    StackOverflow,
    Duplicate(String),
    Unknown(String),
}

impl Failure {
    fn status(&self) -> Status {
        match self {
            Failure::Runtime(_) | Failure::StackOverflow => Status::RuntimeError,
            Failure::OutOfGas | Failure::OutOfMemory => Status::GasRunOut,
            Failure::Timeout => Status::Timeout,
            Failure::Duplicate(_) => Status::DuplicateSetCode,
            Failure::Unknown(_) => Status::UnknownError,
        }
    }

    /// Failures whose point of occurrence is not a deterministic function of
    /// the input (or that ate the budget) charge the whole gas limit.
    fn charges_everything(&self) -> bool {
        matches!(self, Failure::OutOfGas | Failure::Timeout | Failure::OutOfMemory | Failure::StackOverflow)
    }

    /// The receipt's text: out of memory reads as out of gas (the log says which).
    fn text(&self) -> String {
        match self {
            Failure::Runtime(m) | Failure::Duplicate(m) | Failure::Unknown(m) => m.clone(),
            Failure::OutOfGas | Failure::OutOfMemory => Halt::OutOfGas.to_string(),
            Failure::Timeout => Halt::Timeout.to_string(),
            Failure::StackOverflow => Halt::StackOverflow.to_string(),
        }
    }

    /// How a failed nested call reaches its caller: errors the caller may catch,
    /// or a halt that ends the whole transaction.
    fn into_host_error(self) -> HostError {
        match self {
            Failure::Runtime(m) | Failure::Duplicate(m) => HostError::Throw(m),
            Failure::OutOfGas => HostError::Halt(Halt::OutOfGas),
            Failure::Timeout => HostError::Halt(Halt::Timeout),
            Failure::OutOfMemory => HostError::Halt(Halt::OutOfMemory),
            Failure::StackOverflow => HostError::Halt(Halt::StackOverflow),
            Failure::Unknown(m) => HostError::Halt(Halt::Fault(m)),
        }
    }
}

impl From<Halt> for Failure {
    fn from(halt: Halt) -> Self {
        match halt {
            Halt::OutOfGas => Failure::OutOfGas,
            Halt::Timeout => Failure::Timeout,
            Halt::OutOfMemory => Failure::OutOfMemory,
            Halt::StackOverflow => Failure::StackOverflow,
            uncaught @ Halt::Uncaught(_) => Failure::Runtime(uncaught.to_string()),
            Halt::Fault(m) => Failure::Unknown(m),
        }
    }
}

/// A deploy's or update's receipt when the engine refuses code the compile stage passed,
/// and refuses the author's source without the meter too.
const ENGINE_REFUSED: &str =
    "validate code error: SyntaxError: the engine refused the code (an early error, such as a \
                              name declared twice in one scope; the node's log has the engine's words)";

/// The receipt when the engine refuses the prepared code but compiles the author's source
/// without the meter: the metering broke valid code, which is jsvm's bug.
const METER_BROKE_CODE: &str = "validate code error: internal error: the engine refused the metered code although \
                                the source compiles (a jsvm bug, not the contract's; the node's log has the engine's words)";

/// Whose fault it is that `engine` refused `record`'s prepared code: the author's when the
/// source itself does not compile (an early error the compile stage does not look for),
/// else jsvm's. Both engines refuse the same early errors, so every node decides alike.
fn engine_refusal(engine: &mut dyn Engine, record: &ContractRecord) -> Failure {
    match engine.compile(CODE_FILENAME, &unmetered_program(&record.source)) {
        Ok(_) => Failure::Unknown(METER_BROKE_CODE.into()),
        Err(_) => Failure::Runtime(ENGINE_REFUSED.into()),
    }
}

/// Positions in `record`'s prepared code (as an engine prints them in the log) turned into
/// the author's `file:line:column`: a bundle's module and its lines, or a single file's
/// lines, with the columns the meter's splices moved given back (`costs` prepared the code).
/// The maps are made once, when a text first has a position to map.
struct AuthorPositions<'r> {
    record: &'r ContractRecord,
    costs: &'r MeterCosts,
    places: OnceCell<Places>,
}

/// Where a contract's prepared positions lead: a bundle's modules, or a single file's columns.
enum Places {
    Bundle(BundleLines),
    File(Option<ColumnMap>),
}

impl<'r> AuthorPositions<'r> {
    fn new(record: &'r ContractRecord, costs: &'r MeterCosts) -> Self {
        AuthorPositions { record, costs, places: OnceCell::new() }
    }

    fn of(&self, text: &str) -> String {
        if !text.contains(CODE_FILENAME) {
            return text.to_string();
        }
        let file = format!("{}.js", self.record.id);
        let places = self.places.get_or_init(|| match bundle_lines(&self.record.source, self.costs) {
            Some(lines) => Places::Bundle(lines),
            None => Places::File(prepared_columns(&self.record.source, self.costs)),
        });
        match places {
            Places::Bundle(lines) => map_positions(text, CODE_FILENAME, lines),
            Places::File(columns) => rewrite_positions(text, CODE_FILENAME, |line, column| {
                let (line, column) =
                    columns.as_ref().and_then(|map| map.original(line, column)).unwrap_or((line, column));
                Some((file.as_str(), line, column))
            }),
        }
    }
}

/// The transaction as one call frame changes it: the runtime's [`TxCtx`], which a
/// host hands back for nested calls.
pub(crate) type TxRun<'a> = TxCtx<'a>;

/// A worker's engines (one per call-stack height, made when first needed) and
/// its compiled code. Lives on one thread.
pub(crate) struct Worker {
    engines: Vec<Option<Box<dyn Engine>>>,
    prelude: Vec<u8>,
    code: CodeCache,
    records: RecordCache,
    config: Arc<VmConfig>,
}

/// Runs the frames of one transaction: the engines of the heights above the
/// current frame, the code cache, and the transaction's constants.
pub(crate) struct Invoker<'w> {
    engines: &'w mut [Option<Box<dyn Engine>>],
    code: &'w mut CodeCache,
    records: &'w mut RecordCache,
    prelude: &'w [u8],
    config: &'w VmConfig,
    pub deadline: Instant,
    pub tx_hash: [u8; 32],
    /// How many runs of contract code the transaction has started (each seeds its
    /// `Math.random` by its number: jsvm-runtime's random.rs).
    runs: &'w Cell<u32>,
}

/// One transaction to execute.
pub(crate) struct TxJob {
    pub block: BlockEnv,
    /// Shared with the block that holds it, not copied.
    pub tx: Arc<Transaction>,
    /// `tx.hash()`, computed once by whoever made the job.
    pub hash: [u8; 32],
    /// The length of `tx.canonical_bytes()`, which the byte fee counts, from the same encoding.
    pub size: usize,
    pub signers: Vec<Signer>,
    pub base: Arc<dyn StateRead>,
    /// The gas schedule in force for the block.
    pub schedule: Arc<GasSchedule>,
    /// Wall-clock budget: the producer's (`VmConfig::tx_timeout`) or the validator's, far above.
    pub timeout: Duration,
}

impl TxJob {
    /// The same transaction reading `base` instead (a parallel run's view of the block).
    pub(crate) fn over(&self, base: Arc<dyn StateRead>) -> TxJob {
        TxJob {
            block: self.block.clone(),
            tx: self.tx.clone(),
            hash: self.hash,
            size: self.size,
            signers: self.signers.clone(),
            base,
            schedule: self.schedule.clone(),
            timeout: self.timeout,
        }
    }
}

/// A finished transaction: its receipt, its writes (empty unless it
/// succeeded) and the console lines it printed.
pub(crate) struct TxOutput {
    pub receipt: Receipt,
    pub writes: Writes,
    pub logs: Vec<String>,
    /// Why the block leaves the transaction out (no receipt, no writes), if it does.
    pub left_out: Option<String>,
}

impl Worker {
    pub(crate) fn new(config: Arc<VmConfig>, store: Arc<dyn Store>) -> Result<Worker, String> {
        let mut engine = new_engine(config.engine)?;
        let prelude = engine.compile_library("<prelude>", PRELUDE_SOURCE)?;
        let code = CodeCache::new(store, config.code_cache_entries);
        let mut engines: Vec<Option<Box<dyn Engine>>> = (0..MAX_CALL_HEIGHT).map(|_| None).collect();
        engines[0] = Some(engine);
        Ok(Worker { engines, prelude, code, records: RecordCache::default(), config })
    }

    /// Runs a whole transaction.
    pub(crate) fn execute(&mut self, job: TxJob) -> TxOutput {
        let config = self.config.clone();
        let schedule = job.schedule.clone();
        let tx: &Transaction = &job.tx;
        let hash = job.hash;
        let env = TxEnv {
            hash: base58::encode(&hash),
            publisher: tx.publisher.clone(),
            signers: job.signers,
            time: tx.time,
            gas_limit: tx.gas_limit,
            actions: tx.actions.iter().map(|a| (a.contract.clone(), a.action_name.clone(), a.data.clone())).collect(),
        };
        let base = job.base.clone();
        let mut state = TxState::new(job.base);
        if let Some(reason) = signing::left_out_at_turn(tx, &state, job.block.time) {
            let receipt = Receipt::bare(env.hash, job.block.number, Status::Success);
            return TxOutput { receipt, writes: Writes::new(), logs: Vec::new(), left_out: Some(reason) };
        }
        let now = job.block.time as i64;
        if config.charge_resources {
            if let Err(reason) = resources::check_gas(&state, tx, now) {
                let receipt = Receipt::bare(env.hash.clone(), job.block.number, Status::Success);
                return TxOutput { receipt, writes: Writes::new(), logs: Vec::new(), left_out: Some(reason) };
            }
        }
        let mut gas = GasMeter::new(tx.gas_limit);
        let mut effects = Effects::default();
        let mut run = TxRun {
            state: &mut state,
            gas: &mut gas,
            effects: &mut effects,
            schedule: &schedule,
            block: &job.block,
            tx: &env,
        };
        let runs = Cell::new(0);
        let mut invoker = Invoker {
            engines: &mut self.engines,
            code: &mut self.code,
            records: &mut self.records,
            prelude: &self.prelude,
            config: &config,
            deadline: Instant::now() + job.timeout,
            tx_hash: hash,
            runs: &runs,
        };
        let byte_fee = schedule.tx_byte.saturating_mul(job.size as u64);
        let mut outcome: Result<Vec<String>, (usize, Failure)> = match run.gas.charge(byte_fee) {
            Ok(()) => Ok(Vec::new()),
            Err(_) => Err((0, Failure::OutOfGas)),
        };
        let mut limits = amount_limit::TxLimits::default();
        if let Ok(returns) = &mut outcome {
            for (i, action) in tx.actions.iter().enumerate() {
                let result = invoker.run_action(
                    &mut run,
                    &action.contract,
                    &action.action_name,
                    &action.data,
                    &tx.amount_limit,
                    &mut limits,
                );
                match result {
                    Ok(r) => returns.push(r),
                    Err(f) => {
                        outcome = Err((i, f));
                        break;
                    }
                }
            }
        }
        let mut logs = std::mem::take(&mut effects.logs);
        let mut receipt = Receipt::bare(env.hash.clone(), job.block.number, Status::Success);
        let ran = match outcome {
            Ok(returns) => {
                receipt.returns = returns;
                // System contracts (`*.iost`) pay for their own storage.
                receipt.ram_usage = std::mem::take(&mut effects.ram)
                    .into_iter()
                    .filter(|(payer, v)| *v != 0 && !payer.ends_with(".iost"))
                    .collect();
                receipt.receipts = std::mem::take(&mut effects.receipts);
                receipt.events = std::mem::take(&mut effects.events);
                Some(state)
            }
            Err((i, failure)) => {
                if failure.charges_everything() {
                    gas.exhaust();
                }
                if failure == Failure::OutOfMemory {
                    logs.push(format!(
                        "[error] {}: {} (reported as out of gas)",
                        tx.actions.get(i).map_or("", |a| a.contract.as_str()),
                        Halt::OutOfMemory
                    ));
                }
                receipt.status = failure.status();
                receipt.message = bounded_message(match tx.actions.get(i) {
                    Some(a) => format!("running action #{i} {}.{}: {}", a.contract, a.action_name, failure.text()),
                    None => failure.text(),
                });
                // The message is stored with the receipt: priced per byte as a result is. One
                // that does not fit in the gas left fills the meter; the status stays.
                let _ = gas.charge(schedule.result_byte.saturating_mul(receipt.message.len() as u64));
                None
            }
        };
        receipt.gas_used = gas.used();
        let (writes, left_out) = if config.charge_resources {
            match resources::settle(tx, &base, ran, &mut receipt, now) {
                Ok(writes) => (writes, None),
                Err(reason) => (Writes::new(), Some(reason)),
            }
        } else {
            (ran.map(TxState::into_writes).unwrap_or_default(), None)
        };
        receipt.status_code = receipt.status.code();
        TxOutput { receipt, writes, logs, left_out }
    }
}

impl NestedCalls for Invoker<'_> {
    fn call(&mut self, mut run: TxCtx<'_>, mut frame: CallFrame, args_json: &str) -> Result<String, HostError> {
        frame.contract =
            contracts::domain::resolve(run.state, &frame.contract).map_err(|e| HostError::Halt(Halt::Fault(e)))?;
        let returns = self.call_frame(&mut run, frame, args_json).map_err(Failure::into_host_error)?;
        Ok(serde_json::to_string(&returns).unwrap_or_else(|_| "[]".into()))
    }
}

impl Invoker<'_> {
    /// One action of the transaction: the bottom frame of its call stack, then the
    /// amount limits of the method's ABI and of the transaction.
    fn run_action(
        &mut self,
        run: &mut TxRun,
        contract: &str,
        method: &str,
        data: &str,
        tx_limits: &[AmountLimit],
        totals: &mut amount_limit::TxLimits,
    ) -> Result<String, Failure> {
        let resolved = contracts::domain::resolve(run.state, contract).map_err(Failure::Unknown)?;
        let contract = resolved.as_str();
        let frame = CallFrame {
            contract: contract.to_string(),
            method: method.to_string(),
            owner: String::new(),
            caller: run.tx.publisher.clone(),
            caller_is_account: true,
            height: 1,
            auth_contracts: Vec::new(),
            nested: Vec::new(),
        };
        let checkpoint = run.state.checkpoint();
        let mark = run.effects.mark();
        let receipts_before = run.effects.receipts.len();
        let result = self.call_frame(run, frame, data).and_then(|returns| {
            let records = &mut *self.records;
            let abi_limits = || amount_limit::abi_limits(run.state, contract, method, records);
            totals.check(run.state, &run.effects.receipts[receipts_before..], abi_limits, tx_limits)?;
            Ok(returns.into_iter().next().unwrap_or_default())
        });
        if result.is_err() {
            run.state.revert(checkpoint);
            run.effects.rollback(mark);
        }
        result
    }

    /// One frame: a system, native or JS contract's method, all or nothing.
    fn call_frame(&mut self, run: &mut TxRun, mut frame: CallFrame, data: &str) -> Result<Vec<String>, Failure> {
        run.gas.charge(run.schedule.call_base).map_err(|_| Failure::OutOfGas)?;
        let checkpoint = run.state.checkpoint();
        let mark = run.effects.mark();
        let result = if frame.contract == SYSTEM_CONTRACT {
            if frame.height > 1 {
                Err(Failure::Runtime(format!("{SYSTEM_CONTRACT}/{} can only be a transaction's action", frame.method)))
            } else {
                contracts::system::call(self, run, &frame.method, data).map(|r| vec![r])
            }
        } else if let Some(native) = contracts::find(&frame.contract) {
            native(run, &frame, data)
        } else {
            self.call_contract(run, &mut frame, data).map(|r| vec![r])
        };
        if result.is_err() {
            run.state.revert(checkpoint);
            run.effects.rollback(mark);
        }
        result
    }

    fn call_contract(&mut self, run: &mut TxRun, frame: &mut CallFrame, data: &str) -> Result<String, Failure> {
        let contract = frame.contract.as_str();
        let method = frame.method.as_str();
        let record = ContractRecord::load_cached(run.state, contract, self.records)
            .map_err(Failure::Unknown)?
            .ok_or_else(|| Failure::Runtime(format!("contract {contract} not found")))?;
        if method == "init" {
            return Err(Failure::Runtime("cannot call 'init' manually".into()));
        }
        let abi = record.abi.method(method).ok_or_else(|| {
            Failure::Runtime(unknown_method(method, "", record.abi.abi.iter().map(|m| m.name.as_str())))
        })?;
        let args = decode_args(abi, data).map_err(|e| Failure::Runtime(e.to_string()))?;
        frame.owner = record.owner.clone();
        self.run_js(run, &record, frame, &args)
    }

    /// Compiles `record`'s code to bytecode (and caches it): the engine's own checks,
    /// such as redeclared names, are part of validating a deploy or update. Engines word
    /// these errors differently: the receipt gets one text, the log the engine's words.
    pub(crate) fn precompile(&mut self, run: &mut TxRun, record: &ContractRecord) -> Result<(), Failure> {
        self.engine()?;
        let engine =
            self.engines.first_mut().and_then(Option::as_mut).ok_or_else(|| Failure::Unknown("no engine".into()))?;
        match self.code.get(&mut **engine, run.schedule.version, record) {
            Ok(_) => Ok(()),
            Err(e) => {
                let e = AuthorPositions::new(record, &run.schedule.js).of(&e);
                run.effects.logs.push(format!("[error] {SYSTEM_CONTRACT}: validate code error: {e}"));
                Err(engine_refusal(&mut **engine, record))
            }
        }
    }

    /// The engine of this frame's height, made when first needed.
    fn engine(&mut self) -> Result<&mut Box<dyn Engine>, Failure> {
        let slot = self
            .engines
            .first_mut()
            .ok_or_else(|| Failure::Runtime(format!("stack height exceed, at most {MAX_CALL_HEIGHT}")))?;
        if slot.is_none() {
            *slot = Some(new_engine(self.config.engine).map_err(Failure::Unknown)?);
        }
        slot.as_mut().ok_or_else(|| Failure::Unknown("no engine".into()))
    }

    /// Runs `frame.method(...args)` of `record` in a fresh realm; `args` is a JSON array.
    pub(crate) fn run_js(
        &mut self,
        run: &mut TxRun,
        record: &ContractRecord,
        frame: &CallFrame,
        args: &str,
    ) -> Result<String, Failure> {
        // Code prepared under another schedule carries other charges: prepare it again.
        let reprepared;
        let record = if record.schedule_version == run.schedule.version {
            record
        } else {
            reprepared = record.reprepared(run.schedule).map_err(Failure::Unknown)?;
            &reprepared
        };
        self.engine()?;
        let (slot, higher) = self.engines.split_first_mut().ok_or_else(|| Failure::Unknown("no engine".into()))?;
        let engine = slot.as_mut().ok_or_else(|| Failure::Unknown("no engine".into()))?;
        let code = self.code.get(engine, run.schedule.version, record).map_err(Failure::Unknown)?;
        let gas_left = run.gas.limit() - run.gas.used();
        let run_number = self.runs.get();
        self.runs.set(run_number.wrapping_add(1));
        let context = RunContext {
            gas_left,
            // The JS counter is a 32-bit integer; transaction limits are far below that.
            gas_limit: gas_left.min(MAX_METERED_LIMIT),
            // Math.random's seed and the price of a draw (that of the other Math functions).
            random: random_seed(&self.tx_hash, run_number),
            random_gas: run.schedule.library.math_call,
        }
        .json(run.block, run.tx);
        let prelude = [self.prelude];
        let inv = Invocation {
            prelude: &prelude,
            program: &code,
            entry: ENTRY,
            args: &[&frame.method, args, &context],
            limits: Limits {
                memory_bytes: self.config.memory_limit,
                stack_bytes: self.config.stack_limit,
                deadline: self.deadline,
            },
        };
        let mut calls = Invoker {
            engines: higher,
            code: &mut *self.code,
            records: &mut *self.records,
            prelude: self.prelude,
            config: self.config,
            deadline: self.deadline,
            tx_hash: self.tx_hash,
            runs: self.runs,
        };
        let mut host = ContractHost {
            state: &mut *run.state,
            gas: &mut *run.gas,
            schedule: run.schedule,
            block: run.block,
            tx: run.tx,
            frame,
            effects: &mut *run.effects,
            js_gas: 0,
            calls: &mut calls,
        };
        let logged = host.effects.logs.len();
        let out = engine.run(&inv, &mut host);
        // The engine's own words on a failure (with its positions) went to the log: they
        // name the author's files and lines there (nested frames mapped theirs already).
        let positions = AuthorPositions::new(record, &run.schedule.js);
        for line in &mut run.effects.logs[logged..] {
            if line.contains(CODE_FILENAME) {
                *line = positions.of(line);
            }
        }
        let out = out.map_err(|e| match Failure::from(e) {
            Failure::Runtime(m) => Failure::Runtime(positions.of(&m)),
            other => other,
        })?;
        if out.len() > MAX_RESULT_BYTES {
            return Err(Failure::Runtime(format!("result too long: {} bytes, at most {MAX_RESULT_BYTES}", out.len())));
        }
        run.gas.charge(run.schedule.result_byte.saturating_mul(out.len() as u64)).map_err(|_| Failure::OutOfGas)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
