//! `token.iost`: fungible tokens with IOST's argument lists, checks and messages.
//!
//! State (maps of `token.iost`): `TI<symbol>` token info, `TB<account>` balances
//! (raw integers at the token's decimals), `TF<account>` frozen amounts as a JSON
//! list ordered by release time.

use jsvm_compiler::ArgType::{self, Json, Number, String as Str};
use jsvm_runtime::{is_contract_id, CallFrame};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fixed::Fixed;
use super::{args, fail, method_types, text, Native};
use crate::exec::{Failure, TxRun};

pub(crate) const TOKEN_CONTRACT: &str = "token.iost";
/// The chain's own token.
pub(crate) const NATIVE_TOKEN: &str = "iost";
/// Longest transfer memo, in bytes.
pub(crate) const MAX_MEMO_BYTES: usize = 512;

/// The map of `account`'s spendable balances, one field per token (IOST's `TB<account>`).
pub(crate) fn balance_key(account: &str) -> String {
    format!("TB{account}")
}
/// Permission a token issuer needs for create/issue.
const TOKEN_PERMISSION: &str = "token";
/// Permission an account needs to send tokens (falls back to `active`).
const TRANSFER_PERMISSION: &str = "transfer";

pub(crate) const METHODS: &[(&str, &[ArgType])] = &[
    ("create", &[Str, Str, Number, Json]),
    ("issue", &[Str, Str, Str]),
    ("transfer", &[Str, Str, Str, Str, Str]),
    ("transferFreeze", &[Str, Str, Str, Str, Number, Str]),
    ("destroy", &[Str, Str, Str]),
    ("balanceOf", &[Str, Str]),
    ("supply", &[Str]),
    ("totalSupply", &[Str]),
];

/// One frozen amount, released to the balance at `ftime` (block time, ns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Frozen {
    amount: i64,
    ftime: i64,
}

/// Runs `token.iost/<frame.method>(data)`.
pub(crate) fn call(run: &mut TxRun, frame: &CallFrame, data: &str) -> Result<Vec<String>, Failure> {
    let types = method_types(TOKEN_CONTRACT, &frame.method)?;
    let a = args(&frame.method, types, data)?;
    let mut t = Native { run, frame, me: TOKEN_CONTRACT };
    match frame.method.as_str() {
        "create" => create(&mut t, &a),
        "issue" => issue(&mut t, &a),
        "transfer" => transfer(&mut t, &a),
        "transferFreeze" => transfer_freeze(&mut t, &a),
        "destroy" => destroy(&mut t, &a),
        "balanceOf" => {
            let (sym, who) = (text(&a[0]), text(&a[1]));
            let decimal = t.decimal(sym)?;
            Ok(vec![Fixed { value: t.balance(sym, who)?, scale: decimal }.to_text()])
        }
        "supply" | "totalSupply" => {
            let sym = text(&a[0]);
            let decimal = t.decimal(sym)?;
            let field = frame.method.as_str();
            Ok(vec![Fixed { value: t.info_int(sym, field)?, scale: decimal }.to_text()])
        }
        _ => unreachable!("METHODS lists every method"),
    }
}

fn info_key(sym: &str) -> String {
    format!("TI{sym}")
}

fn check_symbol(sym: &str) -> Result<(), Failure> {
    if !(2..=16).contains(&sym.len()) {
        return Err(fail(format!("token symbol invalid. token symbol length should be between 2,16 got {sym}")));
    }
    if let Some(c) = sym.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')) {
        return Err(fail(format!("token symbol invalid. token symbol contains invalid character {c}")));
    }
    Ok(())
}

/// IOST's amount syntax for transfers: digits, optionally one point and more digits.
fn check_amount_syntax(amount: &str) -> Result<(), Failure> {
    let (int, frac) = amount.split_once('.').unwrap_or((amount, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(int) && digits(frac)) {
        return Err(fail(format!("invalid amount {amount}")));
    }
    Ok(())
}

/// The receipt content IOST writes: the call's arguments as a JSON array.
fn receipt_of(args: &[Value]) -> String {
    serde_json::to_string(args).unwrap_or_default()
}

impl Native<'_, '_> {
    fn exists(&mut self, sym: &str) -> Result<bool, Failure> {
        Ok(self.get(&info_key(sym), "issuer")?.is_some())
    }

    fn info(&mut self, sym: &str, field: &str) -> Result<String, Failure> {
        if !self.exists(sym)? {
            return Err(fail("token not exists"));
        }
        self.get(&info_key(sym), field)?.ok_or_else(|| Failure::Unknown(format!("token {sym} has no {field}")))
    }

    fn info_int(&mut self, sym: &str, field: &str) -> Result<i64, Failure> {
        let v = self.info(sym, field)?;
        v.parse().map_err(|_| Failure::Unknown(format!("token {sym}: {field} is not an integer")))
    }

    fn decimal(&mut self, sym: &str) -> Result<u32, Failure> {
        Ok(self.info_int(sym, "decimal")? as u32)
    }

    fn amount(&mut self, sym: &str, text: &str) -> Result<i64, Failure> {
        let decimal = self.decimal(sym)?;
        Fixed::parse(text, decimal).map(|f| f.value).map_err(|e| fail(format!("invalid amount {text} {e}")))
    }

    fn require_valid_account(&mut self, id: &str) -> Result<(), Failure> {
        if self.valid_account(id)? {
            Ok(())
        } else {
            Err(fail(format!("invalid account {id}")))
        }
    }

    fn require(&mut self, id: &str, perm: &str) -> Result<(), Failure> {
        if self.require_auth(id, perm)? {
            Ok(())
        } else {
            Err(fail("transaction has no permission"))
        }
    }

    /// The spendable balance, after releasing frozen amounts whose time has come.
    fn balance(&mut self, sym: &str, who: &str) -> Result<i64, Failure> {
        let key = balance_key(who);
        let mut balance: i64 = match self.get(&key, sym)? {
            Some(v) => v.parse().map_err(|_| Failure::Unknown(format!("balance of {who} is corrupt")))?,
            None => 0,
        };
        let fkey = format!("TF{who}");
        let Some(list) = self.get(&fkey, sym)? else {
            return Ok(balance);
        };
        let mut frozen: Vec<Frozen> =
            serde_json::from_str(&list).map_err(|_| Failure::Unknown(format!("frozen list of {who} is corrupt")))?;
        let now = self.run.block.time as i64;
        let due = frozen.iter().take_while(|f| f.ftime <= now).count();
        if due > 0 {
            for f in frozen.drain(..due) {
                balance = balance.checked_add(f.amount).ok_or_else(|| fail("overflow error"))?;
            }
            self.set_balance(sym, who, balance)?;
            let rest = serde_json::to_string(&frozen).unwrap_or_default();
            self.put(&fkey, sym, &rest, None)?;
        }
        Ok(balance)
    }

    /// Balances of the native token held by accounts are kept by the system;
    /// other new entries are paid for by the publisher.
    fn set_balance(&mut self, sym: &str, who: &str, balance: i64) -> Result<(), Failure> {
        let key = balance_key(who);
        let existing = jsvm_runtime::storage::map_get(self.run.state, self.me, &key, sym).map_err(Failure::Unknown)?;
        let payer = if existing.is_none() && (sym != NATIVE_TOKEN || is_contract_id(who)) {
            Some(self.run.tx.publisher.clone())
        } else {
            None
        };
        self.put(&key, sym, &balance.to_string(), payer.as_deref())
    }

    fn check_transferable(&mut self, sym: &str) -> Result<(), Failure> {
        if self.info(sym, "canTransfer")? != "true" {
            return Err(fail("token can't transfer"));
        }
        if self.info(sym, "onlyIssuerCanTransfer")? == "true" {
            let issuer = self.info(sym, "issuer")?;
            if !self.require_auth(&issuer, TRANSFER_PERMISSION)? {
                return Err(fail("transfer need issuer permission"));
            }
        }
        Ok(())
    }

    /// Moves `amount` out of `from`'s balance, with IOST's message when it is short.
    fn debit(&mut self, sym: &str, from: &str, amount: i64) -> Result<i64, Failure> {
        let balance = self.balance(sym, from)?;
        if balance < amount {
            let scale = self.decimal(sym)?;
            return Err(fail(format!(
                "balance not enough {} < {}",
                Fixed { value: balance, scale }.to_text(),
                Fixed { value: amount, scale }.to_text()
            )));
        }
        Ok(balance - amount)
    }
}

fn create(t: &mut Native, a: &[Value]) -> Result<Vec<String>, Failure> {
    let (sym, issuer) = (text(&a[0]), text(&a[1]));
    let total = a[2].as_i64().unwrap_or_default();
    check_symbol(sym)?;
    let config = a[3].as_object().cloned().unwrap_or_default();
    let mut decimal = 8i64;
    let (mut can_transfer, mut only_issuer) = (true, false);
    let mut default_rate = "1.0".to_string();
    let mut full_name = sym.to_string();
    if let Some(v) = config.get("decimal") {
        decimal = v.as_f64().ok_or_else(|| fail("decimal in config should be number"))? as i64;
    }
    if let Some(v) = config.get("canTransfer") {
        can_transfer = v.as_bool().ok_or_else(|| fail("canTransfer in config should be bool"))?;
    }
    if let Some(v) = config.get("onlyIssuerCanTransfer") {
        only_issuer = v.as_bool().ok_or_else(|| fail("onlyIssuerCanTransfer in config should be bool"))?;
    }
    if let Some(v) = config.get("defaultRate") {
        default_rate = v.as_str().ok_or_else(|| fail("defaultRate in config should be string"))?.to_string();
    }
    if let Some(v) = config.get("fullName") {
        full_name = v.as_str().ok_or_else(|| fail("fullName in config should be string"))?.to_string();
        if full_name.len() > 50 {
            return Err(fail("fullName is too long"));
        }
    }
    t.require(issuer, TOKEN_PERMISSION)?;
    if t.exists(sym)? {
        return Err(fail("token exists"));
    }
    if !(0..19).contains(&decimal) {
        return Err(fail("invalid decimal"));
    }
    let unit = 10i64.pow(decimal as u32);
    if total < 0 || total > i64::MAX / unit {
        return Err(fail("invalid totalSupply"));
    }
    let publisher = t.run.tx.publisher.clone();
    let key = info_key(sym);
    let fields = [
        ("issuer", issuer.to_string()),
        ("totalSupply", (total * unit).to_string()),
        ("supply", "0".into()),
        ("canTransfer", can_transfer.to_string()),
        ("onlyIssuerCanTransfer", only_issuer.to_string()),
        ("defaultRate", default_rate),
        ("decimal", decimal.to_string()),
        ("fullName", full_name),
    ];
    for (field, value) in fields {
        t.put(&key, field, &value, Some(&publisher))?;
    }
    t.receipt(receipt_of(a))?;
    Ok(Vec::new())
}

fn issue(t: &mut Native, a: &[Value]) -> Result<Vec<String>, Failure> {
    let (sym, to, amount_text) = (text(&a[0]), text(&a[1]), text(&a[2]));
    let issuer = t.info(sym, "issuer")?;
    let supply = t.info_int(sym, "supply")?;
    let total = t.info_int(sym, "totalSupply")?;
    t.require(&issuer, TOKEN_PERMISSION)?;
    let amount = t.amount(sym, amount_text)?;
    if amount <= 0 {
        return Err(fail("invalid amount"));
    }
    if total - supply < amount {
        return Err(fail("supply too much"));
    }
    t.require_valid_account(to)?;
    t.put(&info_key(sym), "supply", &(supply + amount).to_string(), None)?;
    let balance = t.balance(sym, to)?;
    t.set_balance(sym, to, balance + amount)?;
    t.receipt(receipt_of(a))?;
    Ok(Vec::new())
}

/// The checks transfer and transferFreeze share; returns the amount.
fn check_send(t: &mut Native, a: &mut [Value], memo: &str) -> Result<i64, Failure> {
    let (sym, from, to) = (text(&a[0]).to_string(), text(&a[1]).to_string(), text(&a[2]).to_string());
    if memo.len() > MAX_MEMO_BYTES {
        return Err(fail("memo too large"));
    }
    t.require_valid_account(&from)?;
    t.require_valid_account(&to)?;
    if !t.exists(&sym)? {
        return Err(fail("token not exists"));
    }
    // The amount as the token writes it: "10.10" becomes "10.1".
    let amount_text = text(&a[3]).to_string();
    check_amount_syntax(&amount_text)?;
    let decimal = t.decimal(&sym)?;
    let refined = Fixed::parse(&amount_text, decimal).map_err(|e| fail(format!("invalid amount {amount_text} {e}")))?;
    a[3] = Value::String(refined.to_text());
    t.check_transferable(&sym)?;
    t.require(&from, TRANSFER_PERMISSION)?;
    if refined.value <= 0 {
        return Err(fail("invalid amount"));
    }
    Ok(refined.value)
}

fn transfer(t: &mut Native, a: &[Value]) -> Result<Vec<String>, Failure> {
    let mut a = a.to_vec();
    let memo = text(&a[4]).to_string();
    let amount = check_send(t, &mut a, &memo)?;
    let (sym, from, to) = (text(&a[0]), text(&a[1]), text(&a[2]));
    if from == to {
        return Ok(Vec::new());
    }
    let from_left = t.debit(sym, from, amount)?;
    let to_balance = t.balance(sym, to)?;
    let to_new = to_balance.checked_add(amount).ok_or_else(|| fail("overflow error"))?;
    t.set_balance(sym, to, to_new)?;
    t.set_balance(sym, from, from_left)?;
    t.receipt(receipt_of(&a))?;
    Ok(Vec::new())
}

fn transfer_freeze(t: &mut Native, a: &[Value]) -> Result<Vec<String>, Failure> {
    let mut a = a.to_vec();
    let memo = text(&a[5]).to_string();
    let amount = check_send(t, &mut a, &memo)?;
    let (sym, from, to) = (text(&a[0]).to_string(), text(&a[1]).to_string(), text(&a[2]).to_string());
    let ftime = a[4].as_i64().unwrap_or_default();
    let from_left = t.debit(&sym, &from, amount)?;
    t.set_balance(&sym, &from, from_left)?;
    let fkey = format!("TF{to}");
    let mut frozen: Vec<Frozen> = match t.get(&fkey, &sym)? {
        Some(list) => {
            serde_json::from_str(&list).map_err(|_| Failure::Unknown(format!("frozen list of {to} is corrupt")))?
        }
        None => Vec::new(),
    };
    frozen.push(Frozen { amount, ftime });
    frozen.sort_by_key(|f| (f.ftime, f.amount));
    t.charge(t.run.schedule.context * frozen.len() as u64)?;
    let publisher = t.run.tx.publisher.clone();
    t.put(&fkey, &sym, &serde_json::to_string(&frozen).unwrap_or_default(), Some(&publisher))?;
    t.receipt(receipt_of(&a))?;
    Ok(Vec::new())
}

fn destroy(t: &mut Native, a: &[Value]) -> Result<Vec<String>, Failure> {
    let mut a = a.to_vec();
    let (sym, from, amount_text) = (text(&a[0]).to_string(), text(&a[1]).to_string(), text(&a[2]).to_string());
    if !t.exists(&sym)? {
        return Err(fail("token not exists"));
    }
    t.require(&from, TRANSFER_PERMISSION)?;
    check_amount_syntax(&amount_text)?;
    let amount = t.amount(&sym, &amount_text)?;
    if amount <= 0 {
        return Err(fail("invalid amount"));
    }
    let decimal = t.decimal(&sym)?;
    a[2] = Value::String(Fixed { value: amount, scale: decimal }.to_text());
    let left = t.debit(&sym, &from, amount)?;
    t.set_balance(&sym, &from, left)?;
    let supply = t.info_int(&sym, "supply")?;
    t.put(&info_key(&sym), "supply", &(supply - amount).to_string(), None)?;
    t.receipt(receipt_of(&a))?;
    Ok(Vec::new())
}

/// Genesis: creates the native token with `total` whole units and gives them all to `holder`.
pub(crate) fn genesis(run: &mut TxRun, holder: &str, total: i64, decimal: u32) -> Result<(), Failure> {
    let frame = CallFrame {
        contract: TOKEN_CONTRACT.into(),
        method: "create".into(),
        owner: TOKEN_CONTRACT.into(),
        caller: holder.into(),
        caller_is_account: true,
        height: 1,
        auth_contracts: Vec::new(),
        nested: Vec::new(),
    };
    let config = format!("{{\"decimal\":{decimal},\"fullName\":\"IOST\"}}");
    let create =
        serde_json::json!([NATIVE_TOKEN, holder, total, serde_json::from_str::<Value>(&config).unwrap_or_default()]);
    call(run, &frame, &create.to_string())?;
    let frame = CallFrame { method: "issue".into(), ..frame };
    let issue = serde_json::json!([NATIVE_TOKEN, holder, total.to_string()]);
    call(run, &frame, &issue.to_string())?;
    Ok(())
}
