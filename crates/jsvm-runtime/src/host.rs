use jsvm_engine::{Halt, Host, HostError, HostValue};
use jsvm_state::TxState;

use crate::auth::AuthCheck;
use crate::calls::{NestedCalls, TxCtx, MAX_CALL_HEIGHT};
use crate::host_op::HostOp;
use crate::library;
use crate::{
    storage, BlockEnv, CallFrame, Effects, Event, GasMeter, GasSchedule, ReceiptEntry, TxEnv, SYSTEM_CONTRACT,
};

/// Longest receipt or event content, in bytes.
pub(crate) const MAX_CONTENT_BYTES: usize = 65_536;
/// Longest console line kept, in bytes.
const MAX_LOG_BYTES: usize = 4_096;
/// Most lines one transaction's contracts add to the node's log; the last says the rest
/// were dropped.
pub(crate) const MAX_TX_LOG_LINES: usize = 1_000;

/// Answers a contract's host calls (the functions behind `storage`,
/// `blockchain` and `console`), charging gas for each before doing the work.
pub struct ContractHost<'a> {
    /// The transaction's pending state, which storage calls read and write.
    pub state: &'a mut TxState,
    /// The transaction's gas meter; every host call is charged here before it runs.
    pub gas: &'a mut GasMeter,
    /// The prices charged.
    pub schedule: &'a GasSchedule,
    /// The block, for `blockchain.blockInfo` and the `block` constant.
    pub block: &'a BlockEnv,
    /// The transaction, for `blockchain.txInfo`, `requireAuth` and the `tx` constant.
    pub tx: &'a TxEnv,
    /// The call being answered: which contract, method, caller and stack height.
    pub frame: &'a CallFrame,
    /// Where receipts, events, RAM charges and console lines go.
    pub effects: &'a mut Effects,
    /// The run's JS gas counter as last reported (every host call reports it first).
    pub js_gas: u64,
    /// Runs `blockchain.call` / `callWithAuth`.
    pub calls: &'a mut dyn NestedCalls,
}

fn str_arg<'v>(args: &'v [HostValue], i: usize, what: &str) -> Result<&'v str, HostError> {
    args.get(i).and_then(HostValue::as_str).ok_or_else(|| HostError::Throw(format!("{what} must be a string")))
}

fn opt_str(v: Option<String>) -> HostValue {
    v.map(HostValue::String).unwrap_or(HostValue::Null)
}

fn thrown(msg: String) -> HostError {
    HostError::Throw(msg)
}

impl ContractHost<'_> {
    fn charge(&mut self, amount: u64) -> Result<(), HostError> {
        self.gas.charge(amount).map_err(|_| HostError::Halt(Halt::OutOfGas))
    }

    /// A storage read that moved `bytes` bytes.
    fn charge_read(&mut self, bytes: usize) -> Result<(), HostError> {
        self.charge(self.schedule.storage_read_gas(bytes))
    }

    /// A storage write or delete of `bytes` bytes: charged, then counted against the
    /// transaction's write bound.
    fn charge_write(&mut self, bytes: usize) -> Result<(), HostError> {
        self.charge(self.schedule.storage_write_gas(bytes))?;
        self.effects.count_write(bytes).map_err(thrown)
    }

    fn explicit_payer(&mut self, args: &[HostValue], i: usize) -> Result<Option<String>, HostError> {
        let payer = str_arg(args, i, "payer")?;
        if payer.is_empty() {
            return Ok(None);
        }
        if payer != self.frame.contract && !self.require_auth(payer, "active")? {
            return Err(thrown(format!("pay ram failed. no permission. need {payer}@active")));
        }
        Ok(Some(payer.to_string()))
    }

    /// `requireAuth` in this frame, charged by the account bytes it read.
    fn require_auth(&mut self, id: &str, perm: &str) -> Result<bool, HostError> {
        let mut check = AuthCheck {
            state: self.state,
            publisher: &self.tx.publisher,
            signers: &self.tx.signers,
            auth_contracts: &self.frame.auth_contracts,
            bytes_read: 0,
        };
        let ok = check.require(id, perm).map_err(thrown)?;
        let read = check.bytes_read as u64;
        self.charge(self.schedule.context + self.schedule.storage_per_10_bytes * (read / 10))?;
        Ok(ok)
    }

    /// `blockchain.call` / `callWithAuth`: a new frame above this one.
    fn nested_call(
        &mut self,
        contract: &str,
        method: &str,
        args: &str,
        with_auth: bool,
    ) -> Result<HostValue, HostError> {
        let height = self.frame.height + 1;
        self.charge(self.schedule.context.saturating_mul(self.frame.height as u64))?;
        if height > MAX_CALL_HEIGHT {
            return Err(thrown(format!("stack height exceed. actual {height}, at most {MAX_CALL_HEIGHT}")));
        }
        let name = format!("{contract}/{method}");
        if self.frame.nested.contains(&name) {
            return Err(thrown(format!("re-entering {name}")));
        }
        let me = &self.frame.contract;
        let mut auth_contracts = self.frame.auth_contracts.clone();
        if with_auth && !auth_contracts.contains(me) {
            auth_contracts.push(me.clone());
        }
        let mut nested = self.frame.nested.clone();
        nested.push(name);
        let frame = CallFrame {
            contract: contract.to_string(),
            method: method.to_string(),
            owner: String::new(),
            caller: me.clone(),
            caller_is_account: false,
            height,
            auth_contracts,
            nested,
        };
        let ctx = TxCtx {
            state: self.state,
            gas: self.gas,
            effects: self.effects,
            schedule: self.schedule,
            block: self.block,
            tx: self.tx,
        };
        self.calls.call(ctx, frame, args).map(HostValue::String)
    }

    fn owner_of(&self, contract: &str) -> Result<Option<String>, HostError> {
        storage::map_get(self.state, SYSTEM_CONTRACT, "contract_owner", contract).map_err(thrown)
    }

    fn dispatch(&mut self, op: HostOp<'_>, a: &[HostValue]) -> Result<HostValue, HostError> {
        let s = self.schedule;
        let me = self.frame.contract.as_str();
        let owner = self.frame.owner.as_str();
        match op {
            HostOp::OutOfGas => Err(HostError::Halt(Halt::OutOfGas)),
            HostOp::Sync => Ok(HostValue::Undefined),
            HostOp::Put => {
                let (k, v) = (str_arg(a, 0, "key")?, str_arg(a, 1, "value")?);
                self.charge_write(k.len() + v.len())?;
                let payer = self.explicit_payer(a, 2)?;
                storage::put(self.state, self.effects, me, owner, k, v, payer.as_deref()).map_err(thrown)?;
                Ok(HostValue::Null)
            }
            HostOp::Get { global, has } => {
                let contract = if global { str_arg(a, 0, "contract")? } else { me };
                let k = str_arg(a, usize::from(global), "key")?;
                let v = storage::get(self.state, contract, k).map_err(thrown)?;
                self.charge_read(k.len() + v.as_ref().map_or(0, String::len))?;
                Ok(if has { HostValue::Bool(v.is_some()) } else { opt_str(v) })
            }
            HostOp::Del => {
                let k = str_arg(a, 0, "key")?;
                self.charge_write(k.len())?;
                storage::del(self.state, self.effects, me, k).map_err(thrown)?;
                Ok(HostValue::Null)
            }
            HostOp::MapPut => {
                let (k, f, v) = (str_arg(a, 0, "key")?, str_arg(a, 1, "field")?, str_arg(a, 2, "value")?);
                self.charge_write(k.len() + f.len() + v.len())?;
                let payer = self.explicit_payer(a, 3)?;
                storage::map_put(self.state, self.effects, me, owner, k, f, v, payer.as_deref()).map_err(thrown)?;
                Ok(HostValue::Null)
            }
            HostOp::MapGet { global, has } => {
                let off = usize::from(global);
                let contract = if global { str_arg(a, 0, "contract")? } else { me };
                let (k, f) = (str_arg(a, off, "key")?, str_arg(a, off + 1, "field")?);
                let v = storage::map_get(self.state, contract, k, f).map_err(thrown)?;
                self.charge_read(k.len() + f.len() + v.as_ref().map_or(0, String::len))?;
                Ok(if has { HostValue::Bool(v.is_some()) } else { opt_str(v) })
            }
            HostOp::MapDel => {
                let (k, f) = (str_arg(a, 0, "key")?, str_arg(a, 1, "field")?);
                self.charge_write(k.len() + f.len())?;
                storage::map_del(self.state, self.effects, me, k, f).map_err(thrown)?;
                Ok(HostValue::Null)
            }
            HostOp::MapLen { global } => {
                let contract = if global { str_arg(a, 0, "contract")? } else { me };
                let k = str_arg(a, usize::from(global), "key")?;
                self.charge(s.storage_read)?;
                let n = storage::map_len(self.state, contract, k).map_err(thrown)?;
                Ok(HostValue::Number(n as f64))
            }
            HostOp::MapKeys { global } => {
                let contract = if global { str_arg(a, 0, "contract")? } else { me };
                let k = str_arg(a, usize::from(global), "key")?;
                // Charge for the listing before building it.
                let n = storage::map_len(self.state, contract, k).map_err(thrown)?;
                self.charge(s.storage_read.saturating_add(s.map_key.saturating_mul(n)))?;
                let keys = storage::map_keys(self.state, contract, k).map_err(thrown)?;
                Ok(HostValue::String(serde_json::to_string(&keys).unwrap_or_else(|_| "[]".into())))
            }
            HostOp::ContextInfo => {
                self.charge(s.context)?;
                Ok(HostValue::String(self.frame.info_json(&self.tx.publisher)))
            }
            HostOp::BlockInfo => {
                self.charge(s.context)?;
                Ok(HostValue::String(self.block.info_json()))
            }
            HostOp::TxInfo => {
                self.charge(s.context)?;
                let left = self.gas.limit() - self.gas.used();
                Ok(HostValue::String(self.tx.info_json(left)))
            }
            HostOp::ContractName => {
                self.charge(s.context)?;
                Ok(HostValue::String(me.to_string()))
            }
            HostOp::Publisher => {
                self.charge(s.context)?;
                Ok(HostValue::String(self.tx.publisher.clone()))
            }
            HostOp::ContractOwner => {
                self.charge(s.storage_read)?;
                Ok(opt_str(self.owner_of(me)?))
            }
            HostOp::RequireAuth => {
                let (id, perm) = (str_arg(a, 0, "id")?, str_arg(a, 1, "permission")?);
                Ok(HostValue::Bool(self.require_auth(id, perm)?))
            }
            HostOp::Call { with_auth } => {
                let (contract, method, args) =
                    (str_arg(a, 0, "contract")?, str_arg(a, 1, "method")?, str_arg(a, 2, "args")?);
                self.nested_call(contract, method, args, with_auth)
            }
            HostOp::Receipt | HostOp::Event => {
                let is_receipt = op == HostOp::Receipt;
                let content = str_arg(a, 0, "content")?;
                if content.len() > MAX_CONTENT_BYTES {
                    return Err(thrown(format!(
                        "{} content too long: {} bytes, at most {MAX_CONTENT_BYTES}",
                        if is_receipt { "receipt" } else { "event" },
                        content.len()
                    )));
                }
                self.charge(s.receipt_base + content.len() as u64)?;
                if is_receipt {
                    let func_name = format!("{}/{}", me, self.frame.method);
                    self.effects.push_receipt(ReceiptEntry { func_name, content: content.into() })
                } else {
                    self.effects.push_event(Event { contract: me.into(), content: content.into() })
                }
                .map_err(thrown)?;
                Ok(HostValue::Null)
            }
            HostOp::RegexCheck => {
                let (pattern, flags) = (str_arg(a, 0, "pattern")?, str_arg(a, 1, "flags")?);
                self.charge(s.context + pattern.len() as u64 / 10)?;
                jsvm_compiler::check_regex_pattern(pattern, flags).map_err(thrown)?;
                Ok(HostValue::Undefined)
            }
            // The entry's end for a value the contract did not catch (prelude.js): the
            // receipt's text, and the engine's own words and positions for the log.
            HostOp::Fail => {
                let (text, words) = (str_arg(a, 0, "text")?, str_arg(a, 1, "log")?);
                self.log_line("error", words);
                Err(HostError::Halt(Halt::Uncaught(text.into())))
            }
            // The engine ran out of a resource (errors.js), or the meter's call depth
            // (meter.rs): the run ends, uncatchably.
            HostOp::Limit => Err(HostError::Halt(match str_arg(a, 0, "resource")? {
                "depth" | "stack" => Halt::StackOverflow,
                // the longest string, or memory
                _ => Halt::OutOfMemory,
            })),
            HostOp::Log => {
                let (level, text) = (str_arg(a, 0, "level")?, str_arg(a, 1, "text")?);
                self.charge(s.log_base + text.len() as u64 / 10)?;
                self.log_line(level, text);
                Ok(HostValue::Undefined)
            }
            HostOp::Library(op) => library::call(&s.library, op, a, &mut |g| self.charge(g)),
        }
    }
}

impl ContractHost<'_> {
    /// A line of the node's log (not consensus data), cut at [`MAX_LOG_BYTES`], and at most
    /// [`MAX_TX_LOG_LINES`] lines a transaction.
    fn log_line(&mut self, level: &str, text: &str) {
        let logged = self.effects.logs.len();
        if logged >= MAX_TX_LOG_LINES {
            return;
        }
        if logged + 1 == MAX_TX_LOG_LINES {
            let cut = format!(
                "[warn] {}: further lines dropped: at most {MAX_TX_LOG_LINES} a transaction",
                self.frame.contract
            );
            return self.effects.logs.push(cut);
        }
        let mut line = format!("[{level}] {}: {text}", self.frame.contract);
        line.truncate(line.floor_char_boundary(MAX_LOG_BYTES));
        self.effects.logs.push(line);
    }

    /// Charges the JS gas used since the last host call.
    fn sync_js_gas(&mut self, reported: Option<&HostValue>) -> Result<(), HostError> {
        let Some(HostValue::Number(n)) = reported else {
            return Err(HostError::Halt(Halt::Fault("host call without a gas report".into())));
        };
        // The counter only grows; anything else cannot come from the injected meter.
        let now = if n.is_finite() && *n >= 0.0 { *n as u64 } else { u64::MAX };
        let delta = now.saturating_sub(self.js_gas);
        self.js_gas = self.js_gas.max(now);
        self.charge(delta)
    }
}

impl Host for ContractHost<'_> {
    /// `args[0]` is always the JS gas counter (see prelude.js); the operation's own
    /// arguments follow.
    fn call(&mut self, name: &str, args: &[HostValue]) -> Result<HostValue, HostError> {
        let op = HostOp::parse(name);
        // The meter's charge ran past the limit: the log says where the run was (the
        // prelude passes the innermost frame of the contract's code, errors.js), before the
        // gas report below ends the run.
        if matches!(op, Some(HostOp::OutOfGas)) {
            match args.get(1).and_then(HostValue::as_str).filter(|at| !at.is_empty()) {
                Some(at) => self.log_line("error", &format!("out of gas {at}")),
                None => self.log_line("error", "out of gas"),
            }
        }
        self.sync_js_gas(args.first())?;
        // Once gas is spent nothing more runs, whatever the contract caught.
        if self.gas.used() >= self.gas.limit() {
            return Err(HostError::Halt(Halt::OutOfGas));
        }
        match op {
            Some(op) => self.dispatch(op, &args[1..]),
            None => Err(thrown(format!("unknown host operation {name}"))),
        }
    }
}
