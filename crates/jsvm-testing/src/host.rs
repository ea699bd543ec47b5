//! What the test script's `chain` API asks of Rust: one function, `op` and a JSON argument in,
//! `{"ok": value}` or `{"err": message}` out (the prelude turns an error into a thrown
//! `Error`). Test results and `console.log` lines come through it too.

use std::path::{Path, PathBuf};

use jsvm_vm::{Action, Receipt, Status};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::chain::{key_of, TestChain, TxOptions};
use crate::report::{Entry, TestResult};

/// The host side of one test file.
pub(crate) struct Host {
    pub(crate) chain: TestChain,
    /// The test file's directory: deploy paths are relative to it.
    base: PathBuf,
    /// Results and log lines, in order.
    pub(crate) entries: Vec<Entry>,
}

/// Transaction options as the prelude writes them.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Opts {
    from: Option<String>,
    signers: Vec<String>,
    gas_limit: Option<u64>,
    amount_limit: Option<Vec<(String, String)>>,
}

impl Opts {
    fn tx(self) -> TxOptions {
        let default = TxOptions::default();
        TxOptions {
            from: self.from.unwrap_or(default.from),
            signers: self.signers,
            gas_limit: self.gas_limit.unwrap_or(default.gas_limit),
            amount_limit: self.amount_limit.unwrap_or(default.amount_limit),
        }
    }
}

#[derive(Deserialize)]
struct Call {
    contract: String,
    method: String,
    args: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Deploy {
    path: Option<String>,
    abi_path: Option<String>,
    source: Option<String>,
    abi: Option<Value>,
    name: Option<String>,
    #[serde(default)]
    opts: Opts,
}

fn arg<T: for<'de> Deserialize<'de>>(value: Value, op: &str) -> Result<T, String> {
    serde_json::from_value(value).map_err(|e| format!("chain.{op}: {e}"))
}

fn receipt_json(receipt: &Receipt, logs: &[String]) -> Value {
    json!({ "receipt": receipt, "logs": logs })
}

impl Host {
    pub(crate) fn new(chain: TestChain, base: &Path) -> Host {
        Host { chain, base: base.to_path_buf(), entries: Vec::new() }
    }

    /// Answers one request of the prelude.
    pub(crate) fn handle(&mut self, op: &str, arg_json: &str) -> String {
        let result = serde_json::from_str(arg_json)
            .map_err(|e| format!("chain.{op}: bad request: {e}"))
            .and_then(|value| self.dispatch(op, value));
        match result {
            Ok(value) => json!({ "ok": value }).to_string(),
            Err(message) => json!({ "err": message }).to_string(),
        }
    }

    fn dispatch(&mut self, op: &str, value: Value) -> Result<Value, String> {
        match op {
            "account" => self.account(value),
            "deploy" => self.deploy(arg(value, op)?),
            "send" => {
                #[derive(Deserialize)]
                struct Send {
                    actions: Vec<Call>,
                    #[serde(default)]
                    opts: Opts,
                }
                let send: Send = arg(value, op)?;
                self.send(send.actions, send.opts)
            }
            "query" => {
                #[derive(Deserialize)]
                struct Query {
                    action: Call,
                    #[serde(default)]
                    opts: Opts,
                }
                let q: Query = arg(value, op)?;
                let (receipt, logs) = self.chain.query(&q.opts.tx(), vec![action(q.action)?])?;
                Ok(receipt_json(&receipt, &logs))
            }
            "storage" => {
                let (contract, key, field): (String, String, Option<String>) = arg(value, op)?;
                Ok(json!(self.chain.storage(&contract, &key, field.as_deref())?))
            }
            "mapKeys" => {
                let (contract, key): (String, String) = arg(value, op)?;
                Ok(json!(self.chain.map_keys(&contract, &key)?))
            }
            "snapshot" => Ok(json!(self.chain.snapshot())),
            "revert" => {
                let id: usize = arg(value, op)?;
                self.chain.revert(id).map(|()| Value::Null)
            }
            "time" => Ok(json!(self.chain.time() as f64 / 1e9)),
            "setTime" => {
                let seconds: f64 = arg(value, op)?;
                self.chain.set_time(seconds_to_ns(seconds)?).map(|()| Value::Null)
            }
            "advance" => {
                let seconds: f64 = arg(value, op)?;
                if seconds < 0.0 {
                    return Err(format!("chain.advance({seconds}): time can only move forward"));
                }
                let to = self.chain.time().saturating_add(seconds_to_ns(seconds)?);
                self.chain.set_time(to).map(|()| Value::Null)
            }
            "height" => Ok(json!(self.chain.height())),
            "result" => {
                let result: TestResult = arg(value, op)?;
                self.entries.push(Entry::Test(result));
                Ok(Value::Null)
            }
            "log" => {
                let line: String = arg(value, op)?;
                self.entries.push(Entry::Log(line));
                Ok(Value::Null)
            }
            _ => Err(format!("unknown request {op:?}")),
        }
    }

    /// `chain.account(name, {balance})`: the account, made and funded the first time.
    fn account(&mut self, value: Value) -> Result<Value, String> {
        let (name, balance): (String, String) = arg(value, "account")?;
        if !self.chain.has_account(&name) {
            self.chain.create_account(&name, &balance)?;
        }
        let key = key_of(&name);
        Ok(json!({ "name": name, "publicKey": key.public_key_b58(), "secretKey": key.secret_key_b58() }))
    }

    fn deploy(&mut self, d: Deploy) -> Result<Value, String> {
        let (source, label) = match (d.path, d.source) {
            (Some(path), None) => {
                let full = self.base.join(&path);
                let abi = d.abi_path.map(|a| self.base.join(a));
                let mut c = jsvm_pack::load_contract(&full, abi.as_deref(), || {
                    eprintln!("jsvm test: {}: installing its npm dependencies", full.display());
                })?;
                if let Some(abi) = d.abi {
                    c.abi = abi;
                }
                // A directory given as `..` is named by its real name.
                let named = full.canonicalize().unwrap_or_else(|_| full.clone());
                let stem = named.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or(path);
                (c, stem)
            }
            (None, Some(code)) => {
                let abi = d.abi.ok_or("chain.deploy({source}) needs an abi as well")?;
                (jsvm_pack::ContractSource { code, abi }, "contract".to_string())
            }
            _ => return Err("chain.deploy takes a path, or {source, abi}".into()),
        };
        let label = d.name.unwrap_or(label);
        let contract = jsvm_vm::contract_json(&source.code, &source.abi, None);
        let (receipt, logs) = self.chain.execute(&d.opts.tx(), vec![Action::set_code(contract)])?;
        if receipt.status == Status::Success {
            if let Some(id) = receipt.returns.first() {
                self.chain.label(id, &label);
                self.chain.record_gas(id, "(deploy)", receipt.gas_used);
            }
        }
        Ok(json!({ "receipt": receipt, "logs": logs, "name": label }))
    }

    fn send(&mut self, calls: Vec<Call>, opts: Opts) -> Result<Value, String> {
        let single = (calls.len() == 1).then(|| (calls[0].contract.clone(), calls[0].method.clone()));
        let actions = calls.into_iter().map(action).collect::<Result<Vec<_>, _>>()?;
        let (receipt, logs) = self.chain.execute(&opts.tx(), actions)?;
        if let (Some((contract, method)), Status::Success) = (single, receipt.status) {
            self.chain.record_gas(&contract, &method, receipt.gas_used);
        }
        Ok(receipt_json(&receipt, &logs))
    }
}

fn action(call: Call) -> Result<Action, String> {
    if !call.args.is_array() {
        return Err(format!("{}.{}: the arguments must be an array, got {}", call.contract, call.method, call.args));
    }
    Ok(Action::new(call.contract, call.method, call.args.to_string()))
}

/// Seconds (a JavaScript number, milliseconds kept) as ns since the epoch.
fn seconds_to_ns(seconds: f64) -> Result<u64, String> {
    let ms = (seconds * 1000.0).round();
    if !(0.0..=9.2e15).contains(&ms) {
        return Err(format!("{seconds} s is not a time a chain can have"));
    }
    Ok(ms as u64 * 1_000_000)
}
