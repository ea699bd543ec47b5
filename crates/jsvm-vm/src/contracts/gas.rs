//! `gas.iost`: pledging IOST for gas, with IOST's arguments, rules and messages
//! (vm/native/gas.go). Each pledged IOST gives 1000 gas at once and more over time, up
//! to 3000; unpledged IOST comes back frozen for three days. The records and the
//! arithmetic are in [`super::gas_state`].

use jsvm_compiler::ArgType::{self, String as Str};
use jsvm_runtime::CallFrame;
use serde_json::{json, Value};

use super::fixed::Fixed;
pub(crate) use super::gas_state::GAS_CONTRACT;
use super::gas_state::{
    pledge_key, pledged, record_key, Dec, GasRecord, IMMEDIATE_REWARD, LIMIT_PER_IOST, MIN_PLEDGE_OF_USER,
    MIN_PLEDGE_PER_ACTION,
};
use super::token::{NATIVE_TOKEN, TOKEN_CONTRACT};
use super::{args, fail, method_types, text, Native};
use crate::exec::{Failure, TxRun};

pub(crate) const METHODS: &[(&str, &[ArgType])] = &[("pledge", &[Str, Str, Str]), ("unpledge", &[Str, Str, Str])];
/// Unpledged IOST stays frozen this long.
const UNPLEDGE_FREEZE_NS: i64 = 3 * 24 * 3600 * 1_000_000_000;
/// The permission a pledger needs (falls back to `active`).
const TRANSFER_PERMISSION: &str = "transfer";

/// Runs `gas.iost/<frame.method>(data)`.
pub(crate) fn call(run: &mut TxRun, frame: &CallFrame, data: &str) -> Result<Vec<String>, Failure> {
    let a = args(&frame.method, method_types(GAS_CONTRACT, &frame.method)?, data)?;
    let mut g = Native { run, frame, me: GAS_CONTRACT };
    let (pledger, user, amount_text) = (text(&a[0]), text(&a[1]), text(&a[2]));
    if !g.valid_account(pledger)? {
        return Err(fail(format!("invalid user name {pledger}")));
    }
    if !g.valid_account(user)? {
        return Err(fail(format!("invalid user name {user}")));
    }
    if !g.require_auth(pledger, TRANSFER_PERMISSION)? {
        return Err(fail("transaction has no permission"));
    }
    let amount = match Fixed::parse(amount_text, 8) {
        Ok(f) if f.value > 0 => Dec::iost(f.value),
        _ => return Err(fail(format!("invalid amount {amount_text}"))),
    };
    let unpledge = frame.method == "unpledge";
    if amount.lt(MIN_PLEDGE_PER_ACTION) {
        let verb = if unpledge { "unpledge" } else { "pledge" };
        return Err(fail(format!("min {verb} num is {}", MIN_PLEDGE_PER_ACTION.to_text())));
    }
    let now = g.run.block.time as i64;
    if unpledge {
        g.charge(g.run.schedule.storage_read)?;
        if pledged(g.run.state, pledger, user).map_err(Failure::Unknown)?.is_zero() {
            return Err(fail(format!("{pledger} did not pledge for {user}")));
        }
        g.pledge(pledger, user, amount.neg(), now)?;
        let refund = json!([NATIVE_TOKEN, GAS_CONTRACT, pledger, amount.to_text(), now + UNPLEDGE_FREEZE_NS, ""]);
        g.call_native(TOKEN_CONTRACT, "transferFreeze", &refund, true)?;
    } else {
        g.pledge(pledger, user, amount, now)?;
        let payment = json!([NATIVE_TOKEN, pledger, GAS_CONTRACT, amount_text, ""]);
        g.call_native(TOKEN_CONTRACT, "transfer", &payment, false)?;
    }
    g.receipt(Value::Array(a).to_string())?;
    Ok(Vec::new())
}

impl Native<'_, '_> {
    fn gas_record(&mut self, name: &str) -> Result<GasRecord, Failure> {
        self.charge(self.run.schedule.storage_read * 4)?;
        GasRecord::read(self.run.state, name).map_err(Failure::Unknown)
    }

    fn save_gas_record(&mut self, name: &str, record: &GasRecord) -> Result<(), Failure> {
        let key = record_key(name);
        for (field, value) in record.fields() {
            self.put(&key, field, &value, None)?;
        }
        Ok(())
    }

    /// IOST's `pledge`: `amount` > 0 pledges, < 0 unpledges (what was made stays).
    fn pledge(&mut self, pledger: &str, name: &str, amount: Dec, now: i64) -> Result<(), Failure> {
        let old = self.gas_record(name)?;
        self.charge(self.run.schedule.storage_read)?;
        let mine = pledged(self.run.state, pledger, name).map_err(Failure::Unknown)?;
        if amount.value < 0 {
            let taken = amount.neg();
            if old.total.sub(taken).lt(MIN_PLEDGE_OF_USER) {
                return Err(fail(format!(
                    "unpledge too much ({} - {}) less than {}",
                    old.total.to_text(),
                    taken.to_text(),
                    MIN_PLEDGE_OF_USER.to_text()
                )));
            }
            if mine.sub(taken).value < 0 {
                return Err(fail(format!(
                    "you cannot unpledge more than your pledge {} > {}",
                    taken.to_text(),
                    mine.to_text()
                )));
            }
        }
        let limit_delta = amount.mul(LIMIT_PER_IOST);
        let gas_delta = if amount.value < 0 { Dec::zero(2) } else { amount.mul(IMMEDIATE_REWARD) };
        let new = if old.update_time == 0 {
            if amount.value < 0 {
                return Err(fail("cannot unpledge! No pledge before"));
            }
            GasRecord { total: amount, limit: limit_delta, update_time: now, stock: gas_delta }
        } else {
            let current = old.refreshed(now);
            let total = current.total.add(amount);
            if total.value <= 0 {
                return Err(fail(format!(
                    "change gasPledgeTotal failed! current: {}, delta {}",
                    current.total.to_text(),
                    amount.to_text()
                )));
            }
            let limit = current.limit.add(limit_delta);
            if limit.value <= 0 {
                return Err(fail(format!(
                    "change gasLimit failed! current: {}, delta {}",
                    current.limit.to_text(),
                    limit_delta.to_text()
                )));
            }
            let stock = current.stock.add(gas_delta);
            // Gas above the new limit is cleared.
            let stock = if limit.lt(stock) { limit } else { stock };
            GasRecord { total, limit, update_time: now, stock }
        };
        self.save_gas_record(name, &new)?;
        let after = mine.add(amount);
        let key = pledge_key(pledger);
        if after.is_zero() {
            self.charge(self.run.schedule.storage_write_gas(key.len() + name.len()))?;
            jsvm_runtime::storage::map_del(self.run.state, self.run.effects, GAS_CONTRACT, &key, name).map_err(fail)?;
        } else {
            self.put(&key, name, &after.to_text(), None)?;
        }
        Ok(())
    }
}
