//! `system.iost`: deploying and updating contract code.
//!
//! `setCode(contractJson)` and `updateCode(contractJson, data)` take IOST's
//! contract JSON: `{"ID": "<id, update only>", "info": <ABI>, "code": "<source>"}`.

use jsvm_compiler::{compile_contract_metered, parse_abi, Abi};
use jsvm_runtime::{contract_id_for, storage, CallFrame, ContractRecord, SYSTEM_CONTRACT};
use jsvm_state::TxState;
use serde::Deserialize;

use crate::amount_limit;
use crate::exec::{Failure, Invoker, TxRun};
use crate::unknown_method::unknown_method;

#[derive(Deserialize)]
struct ContractJson {
    #[serde(rename = "ID", default)]
    id: String,
    info: serde_json::Value,
    code: String,
}

fn parse_args(data: &str, count: usize, method: &str) -> Result<Vec<String>, Failure> {
    let args: Vec<serde_json::Value> = serde_json::from_str(if data.trim().is_empty() { "[]" } else { data })
        .map_err(|e| Failure::Runtime(format!("{method} args must be a JSON array: {e}")))?;
    if args.len() != count {
        return Err(Failure::Runtime(format!(
            "wrong number of arguments for {method}: expected {count}, got {}",
            args.len()
        )));
    }
    args.into_iter()
        .enumerate()
        .map(|(i, a)| match a {
            serde_json::Value::String(s) => Ok(s),
            other => Err(Failure::Runtime(format!("argument {} of {method} must be a string, got {other}", i + 1))),
        })
        .collect()
}

fn parse_contract(state: &TxState, text: &str) -> Result<(ContractJson, Abi), Failure> {
    let c: ContractJson =
        serde_json::from_str(text).map_err(|e| Failure::Runtime(format!("invalid contract JSON: {e}")))?;
    let abi = parse_abi(&c.info.to_string()).map_err(|e| Failure::Runtime(format!("validate code error: {e}")))?;
    for m in &abi.abi {
        amount_limit::validate(state, &m.amount_limit).map_err(|e| match e {
            Failure::Runtime(m) => Failure::Runtime(format!("validate code error: amountLimit: {m}")),
            other => other,
        })?;
    }
    Ok((c, abi))
}

/// The frame `system.iost` runs a contract's `init` or `can_update` in.
fn system_frame(record: &ContractRecord, method: &str, run: &TxRun) -> CallFrame {
    CallFrame {
        contract: record.id.clone(),
        method: method.into(),
        owner: record.owner.clone(),
        caller: run.tx.publisher.clone(),
        caller_is_account: true,
        height: 1,
        auth_contracts: Vec::new(),
        nested: Vec::new(),
    }
}

fn charge_code(run: &mut TxRun, code_len: usize) -> Result<(), Failure> {
    let s = &run.schedule;
    let price = s.deploy_base.saturating_add(s.deploy_byte.saturating_mul(code_len as u64));
    run.gas.charge(price).map_err(|_| Failure::OutOfGas)
}

/// Runs a `system.iost` action and returns its result string.
pub(crate) fn call(inv: &mut Invoker, run: &mut TxRun, method: &str, data: &str) -> Result<String, Failure> {
    match method {
        "setCode" => {
            let text = parse_args(data, 1, method)?.remove(0);
            set_code(inv, run, &text)
        }
        "updateCode" => {
            let mut args = parse_args(data, 2, method)?;
            let extra = args.pop().unwrap_or_default();
            update_code(inv, run, &args[0], &extra)
        }
        _ => {
            Err(Failure::Runtime(unknown_method(method, &format!(" in {SYSTEM_CONTRACT}"), ["setCode", "updateCode"])))
        }
    }
}

fn set_code(inv: &mut Invoker, run: &mut TxRun, text: &str) -> Result<String, Failure> {
    let (c, abi) = parse_contract(run.state, text)?;
    charge_code(run, c.code.len())?;
    let id = contract_id_for(&inv.tx_hash);
    let compiled = compile_contract_metered(&c.code, &abi, &format!("{id}.js"), &run.schedule.js)
        .map_err(|e| Failure::Runtime(format!("validate code error: {e}")))?;
    if ContractRecord::load(run.state, &id).map_err(Failure::Runtime)?.is_some() {
        return Err(Failure::Duplicate("contract exists".into()));
    }
    let publisher = run.tx.publisher.clone();
    let record = ContractRecord::new(
        id.clone(),
        publisher.clone(),
        abi,
        compiled.source,
        compiled.prepared,
        run.schedule.version,
    );
    inv.precompile(run, &record)?;
    record.store(run.state);
    run.effects.charge_ram(&publisher, record.ram_bytes());
    storage::map_put(run.state, run.effects, SYSTEM_CONTRACT, &publisher, "contract_owner", &id, &publisher, None)
        .map_err(Failure::Runtime)?;
    // init runs once, inside the deploy transaction: its failure fails the deploy.
    let frame = system_frame(&record, "init", run);
    inv.run_js(run, &record, &frame, "[]")?;
    Ok(id)
}

fn update_code(inv: &mut Invoker, run: &mut TxRun, text: &str, extra: &str) -> Result<String, Failure> {
    let (c, abi) = parse_contract(run.state, text)?;
    charge_code(run, c.code.len())?;
    if c.id.is_empty() {
        return Err(Failure::Runtime("updateCode needs the contract's \"ID\" in the contract JSON".into()));
    }
    let old = ContractRecord::load(run.state, &c.id)
        .map_err(Failure::Runtime)?
        .ok_or_else(|| Failure::Runtime(format!("contract {} not found", c.id)))?;
    if old.abi.method("can_update").is_none() {
        return Err(Failure::Runtime("update refused: the contract has no can_update in its ABI".into()));
    }
    let args = serde_json::to_string(&[extra]).unwrap_or_else(|_| "[\"\"]".into());
    let frame = system_frame(&old, "can_update", run);
    let verdict = inv.run_js(run, &old, &frame, &args)?;
    if verdict != "true" {
        return Err(Failure::Runtime(format!("update refused: can_update returned {verdict:?}")));
    }
    let compiled = compile_contract_metered(&c.code, &abi, &format!("{}.js", c.id), &run.schedule.js)
        .map_err(|e| Failure::Runtime(format!("validate code error: {e}")))?;
    let record = ContractRecord::new(
        old.id.clone(),
        old.owner.clone(),
        abi,
        compiled.source,
        compiled.prepared,
        run.schedule.version,
    );
    inv.precompile(run, &record)?;
    record.store(run.state);
    let publisher = run.tx.publisher.clone();
    run.effects.charge_ram(&publisher, record.ram_bytes() - old.ram_bytes());
    Ok(String::new())
}
