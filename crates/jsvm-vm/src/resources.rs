//! Charging a transaction's resources when [`VmConfig::charge_resources`](crate::VmConfig)
//! is on, as IOST does (vm/isolator.go, vm/host/teller.go, vm/utils.go):
//!
//! - before it runs, its publisher must hold at least its gas limit in gas, or it is left
//!   out of the block (one exception: a lone pledge by the publisher for itself, which may
//!   count the gas the pledge will give);
//! - after it runs, the publisher pays gas used × gas ratio out of its gas, and every payer
//!   of new storage pays the bytes out of its `ram` tokens (freed bytes come back). A payer
//!   short of RAM undoes the transaction: BALANCE_NOT_ENOUGH, only the gas is paid.
//!
//! The gas ratio of a transaction without IOST's signed envelope is 1.

use std::collections::BTreeMap;
use std::sync::Arc;

use jsvm_runtime::{is_contract_id, storage, Effects, SYSTEM_CONTRACT};
use jsvm_state::{StateRead, TxState, Writes};

use crate::contracts::fixed::Fixed;
use crate::contracts::gas_state::{write_uncharged, Dec, GasRecord, GAS_CONTRACT, IMMEDIATE_REWARD};
use crate::contracts::ram::{account_figure, RAM_CONTRACT, RAM_TOKEN, USED_RAM};
use crate::contracts::token::{balance_key, NATIVE_TOKEN, TOKEN_CONTRACT};
use crate::receipt::bounded_message;
use crate::{Receipt, Status, Transaction};

/// The gas ratio (×100, as IOST's transactions carry it) of `tx`: a signed transaction's own, 1.00 for an
/// unsigned one.
fn gas_ratio(tx: &Transaction) -> i128 {
    tx.signed().map_or(100, |signed| i128::from(signed.gas_ratio))
}

/// A raw token balance (`TB<account>`); 0 when there is none.
pub(crate) fn token_balance(state: &TxState, token: &str, account: &str) -> Result<i64, String> {
    match storage::map_get(state, TOKEN_CONTRACT, &balance_key(account), token)? {
        None => Ok(0),
        Some(v) => v.parse().map_err(|_| format!("balance of {account} is corrupt")),
    }
}

fn set_token_balance(state: &mut TxState, token: &str, account: &str, value: i64) -> Result<(), String> {
    let mut fx = Effects::default();
    let key = balance_key(account);
    storage::map_put(state, &mut fx, TOKEN_CONTRACT, TOKEN_CONTRACT, &key, token, &value.to_string(), None)
}

/// IOST's `CheckTxGasLimitValid`: whether the publisher holds the gas `tx` may use, at block time `now`.
pub(crate) fn check_gas(state: &TxState, tx: &Transaction, now: i64) -> Result<(), String> {
    let have = GasRecord::read(state, &tx.publisher)?.gas_at(now);
    let limit = Dec { value: i128::from(tx.gas_limit) * gas_ratio(tx), scale: 2 };
    if !have.lt(limit) {
        return Ok(());
    }
    let short = format!("gas not enough: user {} has {} < {}", tx.publisher, have.to_text(), limit.to_text());
    let [action] = tx.actions.as_slice() else { return Err(short) };
    if action.contract != GAS_CONTRACT || action.action_name != "pledge" {
        return Err(short);
    }
    let args: Vec<serde_json::Value> =
        serde_json::from_str(&action.data).map_err(|e| format!("invalid gas pledge args {e} {}", action.data))?;
    let arg = |i: usize| args.get(i).and_then(|v| v.as_str()).unwrap_or_default();
    if arg(0) != tx.publisher || arg(1) != tx.publisher {
        return Err(short);
    }
    let amount = Fixed::parse(arg(2), 8).map_err(|e| format!("invalid gas pledge amount {e} {}", arg(2)))?;
    let amount = Dec::iost(amount.value);
    let balance = Dec::iost(token_balance(state, NATIVE_TOKEN, &tx.publisher)?);
    if balance.lt(amount) {
        return Err(format!(
            "iost token amount not enough for pledgement {} < {}",
            balance.to_text(),
            amount.to_text()
        ));
    }
    let coming = amount.mul(IMMEDIATE_REWARD);
    if have.add(coming).lt(limit) {
        return Err(format!(
            "gas not enough even if considering the new gas pledgement {} + {} < {}",
            have.to_text(),
            coming.to_text(),
            limit.to_text()
        ));
    }
    Ok(())
}

/// Takes `gas_used` × gas ratio from the publisher's gas (IOST's `CostGas`).
pub(crate) fn pay_gas(state: &mut TxState, tx: &Transaction, gas_used: u64, now: i64) -> Result<(), String> {
    let cost = Dec { value: i128::from(gas_used) * gas_ratio(tx), scale: 2 };
    if cost.is_zero() {
        return Ok(());
    }
    let record = GasRecord::read(state, &tx.publisher)?.refreshed(now);
    if record.stock.lt(cost) {
        let now_text = record.stock.to_text();
        return Err(format!(
            "pay gas cost failed: gas not enough! Now: {now_text}(tgas:0,pgas:{now_text}), Need {} {} {}",
            cost.to_text(),
            tx.publisher,
            cost.to_text()
        ));
    }
    write_uncharged(state, &tx.publisher, &GasRecord { stock: record.stock.sub(cost), ..record })
}

/// Takes each payer's new bytes from its `ram` tokens and counts them as used; freed
/// bytes come back. A contract's bytes are its owner's. The chain's own (`*.iost`) are free.
pub(crate) fn pay_ram(state: &mut TxState, ram: &BTreeMap<String, i64>) -> Result<(), String> {
    for (payer, bytes) in ram.iter().filter(|(p, _)| !p.ends_with(".iost")) {
        let account = if is_contract_id(payer) {
            storage::map_get(state, SYSTEM_CONTRACT, "contract_owner", payer)?
                .ok_or_else(|| format!("contract {payer} has no owner"))?
        } else {
            payer.clone()
        };
        let current = token_balance(state, RAM_TOKEN, &account)?;
        if current < *bytes {
            return Err(format!("pay ram failed. id: {account} need {bytes}, actual {current}"));
        }
        set_token_balance(state, RAM_TOKEN, &account, current - bytes)?;
        let used = account_figure(state, USED_RAM, &account)? + bytes;
        storage::map_put(
            state,
            &mut Effects::default(),
            RAM_CONTRACT,
            RAM_CONTRACT,
            USED_RAM,
            &account,
            &used.to_string(),
            None,
        )?;
    }
    Ok(())
}

/// Pays for a transaction that ran: on `ran` (its state, when it succeeded) gas and RAM;
/// a payer short of either undoes it (BALANCE_NOT_ENOUGH, as IOST's `PayCost`), and a
/// failed or undone one pays its gas alone on `base`. `Err`: not even the gas could be
/// paid, and the block leaves the transaction out.
pub(crate) fn settle(
    tx: &Transaction,
    base: &Arc<dyn StateRead>,
    ran: Option<TxState>,
    receipt: &mut Receipt,
    now: i64,
) -> Result<Writes, String> {
    if let Some(mut state) = ran {
        let paid =
            pay_gas(&mut state, tx, receipt.gas_used, now).and_then(|()| pay_ram(&mut state, &receipt.ram_usage));
        match paid {
            Ok(()) => return Ok(state.into_writes()),
            Err(e) => {
                receipt.status = Status::BalanceNotEnough;
                receipt.message = bounded_message(format!("balance not enough after executing actions: {e}"));
                receipt.returns.clear();
                receipt.receipts.clear();
                receipt.events.clear();
                receipt.ram_usage.clear();
            }
        }
    }
    let mut state = TxState::new(base.clone());
    pay_gas(&mut state, tx, receipt.gas_used, now)?;
    Ok(state.into_writes())
}
