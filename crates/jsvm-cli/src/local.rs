//! Transactions run on the data directory: the publisher must be an account, and a transaction that
//! runs out of gas is run again read-only with more, so that the author learns how much it needed.

use std::path::Path;

use jsvm_engine::EngineKind;
use jsvm_state::TxState;
use jsvm_vm::{thousands, Receipt, Status, Transaction, VmManager, GENESIS_ADMIN, MAX_GAS_LIMIT};

use crate::commands::{print_receipt, CmdResult};
use crate::output::note;

/// The gas a dry run of a transaction that ran out may use: ten times the most a transaction may have.
const DRY_RUN_GAS_LIMIT: u64 = 10 * MAX_GAS_LIMIT;

/// Executes `tx` in a block of its own on the data directory and prints its receipt.
pub(crate) fn execute(data: &Path, engine: EngineKind, tx: Transaction) -> CmdResult {
    // Refuse a malformed transaction before the store is even opened.
    tx.validate().map_err(|e| e.to_string())?;
    // A data directory not made yet holds a chain whose first block makes only the genesis account.
    if !data.exists() && tx.publisher != GENESIS_ADMIN {
        return Err(not_an_account(&tx.publisher));
    }
    let vm = crate::commands::writer(data, engine)?;
    check_publisher(&vm, &tx.publisher)?;
    let (receipt, logs) = vm.execute_tx(tx.clone(), crate::commands::now_ns()).map_err(|e| e.to_string())?;
    let outcome = print_receipt(&receipt, &logs)?;
    if receipt.status == Status::GasRunOut {
        note(format_args!("jsvm: {}", gas_needed(&vm, tx)));
    }
    Ok(outcome)
}

/// Refuses a publisher that is not an account: nothing would sign for it on a real chain. A chain
/// without blocks yet has only the account its first block makes, [`GENESIS_ADMIN`].
pub(crate) fn check_publisher(vm: &VmManager, publisher: &str) -> Result<(), String> {
    let (head, snapshot) = vm.store().snapshot();
    let exists = if head.height == 0 {
        publisher == GENESIS_ADMIN
    } else {
        jsvm_runtime::load_account(&TxState::new(snapshot), publisher)?.is_some()
    };
    if exists {
        return Ok(());
    }
    Err(not_an_account(publisher))
}

fn not_an_account(publisher: &str) -> String {
    format!(
        "the publisher {publisher} is not an account on this chain (make it first: \
         jsvm call auth.iost signUp '[\"{publisher}\",\"\",\"\"]')"
    )
}

/// What a dry run of `tx` with [`DRY_RUN_GAS_LIMIT`] says about the gas it needs, as one sentence.
fn gas_needed(vm: &VmManager, tx: Transaction) -> String {
    let limit = tx.gas_limit;
    let dry: Result<(Receipt, _), _> = vm.query_with_gas_limit(tx, DRY_RUN_GAS_LIMIT);
    match dry {
        Ok((r, _)) if r.status == Status::Success && r.gas_used > MAX_GAS_LIMIT => format!(
            "out of gas: the transaction needs {} gas, more than the {} a transaction may have; the limit was {}",
            thousands(r.gas_used),
            thousands(MAX_GAS_LIMIT),
            thousands(limit)
        ),
        Ok((r, _)) if r.status == Status::Success => format!(
            "out of gas: the transaction needs {} gas; the limit was {} (--gas-limit sets it)",
            thousands(r.gas_used),
            thousands(limit)
        ),
        Ok((r, _)) if r.status == Status::GasRunOut => format!(
            "out of gas: the transaction needs more than {} gas; the limit was {}",
            thousands(DRY_RUN_GAS_LIMIT),
            thousands(limit)
        ),
        Ok((r, _)) => format!(
            "out of gas: with more gas the transaction fails after {} gas: {} {}",
            thousands(r.gas_used),
            r.status.name(),
            r.message.lines().next().unwrap_or_default()
        ),
        Err(e) => format!("out of gas; a dry run with more gas could not run: {e}"),
    }
}
