//! `ram.iost`: the RAM market, with IOST's price rule, arguments and messages
//! (config/genesis/contract/ram.js). RAM is the token `ram` (0 decimals, issued by and
//! only movable through `ram.iost`); its price follows the bytes left and the IOST the
//! market holds (a Bancor curve), plus a 2% fee that is burnt (sent to `deadaddr`).
//!
//! The market is opened the first time it is used (a buy), as IOST's genesis opens it:
//! 128 GiB issued, 30% of it reserved, 0.005 IOST a byte when empty, more RAM every ten
//! minutes. Until then the chain has no `ram` token, and genesis' state stays as it was.
//!
//! State (maps of `ram.iost`): `market` (`leftSpace`, `usedSpace`, `balance`, the IOST
//! behind the price, a float as ram.js keeps it, and `lastUpdateBlockTime`); `SR`, `TR`
//! and `UR` by account: RAM bought by the account itself, RAM it holds (bought plus
//! lent to it), and RAM its storage uses (kept by the charging of transactions).

use jsvm_compiler::ArgType::{self, Number, String as Str};
use jsvm_runtime::{storage, CallFrame};
use jsvm_state::TxState;
use serde_json::json;

use super::token::{NATIVE_TOKEN, TOKEN_CONTRACT};
use super::{args, fail, method_types, sign_up, text, Native, ACCOUNT_CONTRACT};
use crate::exec::{Failure, TxRun};

pub(crate) const RAM_CONTRACT: &str = "ram.iost";
/// The token RAM is.
pub(crate) const RAM_TOKEN: &str = "ram";
/// The account market fees are burnt to.
pub(crate) const DEAD_ACCOUNT: &str = "deadaddr";
pub(crate) const METHODS: &[(&str, &[ArgType])] =
    &[("buy", &[Str, Str, Number]), ("sell", &[Str, Str, Number]), ("lend", &[Str, Str, Number])];

/// IOST's genesis figures: bytes issued when the market opens, how often more comes and how much.
const INITIAL_TOTAL: i64 = 128 * 1024 * 1024 * 1024;
const INCREASE_INTERVAL_SECONDS: f64 = 600.0;
const INCREASE_AMOUNT: i64 = 10 * (64 * 1024 * 1024 * 1024) / (365 * 24 * 60);
const RESERVE: i64 = INITIAL_TOTAL * 3 / 10;
/// Most RAM tokens there can ever be (ram.js's `veryLarge`).
const MAX_SUPPLY: i64 = 100 * 64 * 1024 * 1024 * 1024;
/// IOST a byte is worth when the market is empty.
const INITIAL_PRICE: f64 = 0.005;
const FEE_RATE: f64 = 0.02;
/// Fewest bytes one buy, sell or lend may move.
const MIN_TRADE: i64 = 10;
const MARKET: &str = "market";
/// RAM bought by an account itself (what it may sell or lend).
pub(crate) const SELF_RAM: &str = "SR";
/// RAM an account holds: bought plus lent to it.
pub(crate) const TOTAL_RAM: &str = "TR";
/// RAM an account's storage uses.
pub(crate) const USED_RAM: &str = "UR";
const TRANSFER_PERMISSION: &str = "transfer";

/// The market's figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Market {
    pub left: i64,
    pub used: i64,
    /// IOST behind the price.
    pub balance: f64,
    pub last_update: i64,
}

impl Market {
    /// The market as it opens (before the reserve is taken).
    fn opening(time: i64) -> Market {
        Market { left: INITIAL_TOTAL, used: 0, balance: INITIAL_TOTAL as f64 * INITIAL_PRICE, last_update: time }
    }

    /// The market as it stands in `state`, or as it would open when it has not yet.
    pub(crate) fn read(state: &TxState) -> Result<Market, String> {
        let field = |f: &str| storage::map_get(state, RAM_CONTRACT, MARKET, f);
        let Some(left) = field("leftSpace")? else {
            let mut m = Market::opening(0);
            m.take_reserve().map_err(|e| format!("{e:?}"))?;
            return Ok(m);
        };
        let corrupt = |f: &str| format!("ram market {f} is corrupt");
        let used = field("usedSpace")?.unwrap_or_default();
        let balance = field("balance")?.unwrap_or_default();
        let last = field("lastUpdateBlockTime")?.unwrap_or_default();
        Ok(Market {
            left: left.parse().map_err(|_| corrupt("leftSpace"))?,
            used: used.parse().map_err(|_| corrupt("usedSpace"))?,
            balance: balance.parse().map_err(|_| corrupt("balance"))?,
            last_update: last.parse().map_err(|_| corrupt("lastUpdateBlockTime"))?,
        })
    }

    fn take_reserve(&mut self) -> Result<(), Failure> {
        let price = self.buy_price(RESERVE)?;
        self.left -= RESERVE;
        self.balance += price;
        self.used += RESERVE;
        Ok(())
    }

    /// IOST `amount` bytes cost now (ram.js `_price("buy")`, with F = 1).
    fn buy_price(&self, amount: i64) -> Result<f64, Failure> {
        if self.left <= amount {
            return Err(fail(format!(
                "buy amount is too much. left space is not enough {} is less than {amount}",
                self.left
            )));
        }
        Ok(self.balance * (self.left as f64 / (self.left - amount) as f64 - 1.0))
    }

    fn sell_price(&self, amount: i64) -> Result<f64, Failure> {
        Ok(-self.buy_price(-amount)?)
    }

    /// IOST a byte costs to buy, fee included, and fetches when sold (IOST's `getRAMInfo`).
    pub(crate) fn prices(&self) -> (f64, f64) {
        let sell = self.balance / self.left as f64;
        ((1.0 + FEE_RATE) * sell, sell)
    }
}

/// JavaScript's `Math.round(f * 100) / 100`.
fn round_cents(f: f64) -> f64 {
    let x = f * 100.0;
    let floor = x.floor();
    (if x - floor >= 0.5 { floor + 1.0 } else { floor }) / 100.0
}

/// JavaScript's `x.toFixed(2)` for the cent amounts here (never halfway between two cents).
fn cents_text(x: f64) -> String {
    format!("{x:.2}")
}

/// An account's figure from map `kind` (`SR`, `TR`, `UR`); 0 when it has none.
pub(crate) fn account_figure(state: &TxState, kind: &str, account: &str) -> Result<i64, String> {
    match storage::map_get(state, RAM_CONTRACT, kind, account)? {
        None => Ok(0),
        Some(v) => v.parse().map_err(|_| format!("ram figure {kind} of {account} is corrupt")),
    }
}

/// Runs `ram.iost/<frame.method>(data)`.
pub(crate) fn call(run: &mut TxRun, frame: &CallFrame, data: &str) -> Result<Vec<String>, Failure> {
    let a = args(&frame.method, method_types(RAM_CONTRACT, &frame.method)?, data)?;
    let mut r = Native { run, frame, me: RAM_CONTRACT };
    let (first, second, amount) = (text(&a[0]), text(&a[1]), a[2].as_i64().unwrap_or_default());
    if amount < MIN_TRADE {
        return Err(fail(format!("minimum ram amount for trading is {MIN_TRADE} byte")));
    }
    if !r.require_auth(first, TRANSFER_PERMISSION)? {
        return Err(fail("require auth failed. ret = false"));
    }
    match frame.method.as_str() {
        "buy" => r.buy(first, second, amount).map(|price| vec![price]),
        "sell" => r.sell(first, second, amount).map(|price| vec![price]),
        "lend" => r.lend(first, second, amount).map(|()| Vec::new()),
        _ => unreachable!("METHODS lists every method"),
    }
}

impl Native<'_, '_> {
    fn market(&mut self) -> Result<Market, Failure> {
        self.charge(self.run.schedule.storage_read * 4)?;
        Market::read(self.run.state).map_err(Failure::Unknown)
    }

    fn save_market(&mut self, m: &Market) -> Result<(), Failure> {
        self.put(MARKET, "leftSpace", &m.left.to_string(), None)?;
        self.put(MARKET, "usedSpace", &m.used.to_string(), None)?;
        self.put(MARKET, "balance", &m.balance.to_string(), None)?;
        self.put(MARKET, "lastUpdateBlockTime", &m.last_update.to_string(), None)
    }

    fn figure(&mut self, kind: &str, account: &str) -> Result<i64, Failure> {
        self.charge(self.run.schedule.storage_read)?;
        account_figure(self.run.state, kind, account).map_err(Failure::Unknown)
    }

    fn change_figure(&mut self, kind: &str, account: &str, delta: i64) -> Result<(), Failure> {
        let value = self.figure(kind, account)? + delta;
        self.put(kind, account, &value.to_string(), None)
    }

    fn transfer(&mut self, token: &str, from: &str, to: &str, amount: &str) -> Result<(), Failure> {
        self.call_native(TOKEN_CONTRACT, "transfer", &json!([token, from, to, amount, ""]), true).map(drop)
    }

    /// Opens the market as IOST's genesis does (the `ram` token, its first issue, the
    /// reserve), unless it is open. The market's own records are the chain's: nobody's RAM.
    fn open_market(&mut self) -> Result<(), Failure> {
        self.charge(self.run.schedule.storage_read)?;
        if storage::map_get(self.run.state, RAM_CONTRACT, MARKET, "leftSpace").map_err(Failure::Unknown)?.is_some() {
            return Ok(());
        }
        let ram_before = self.run.effects.ram.clone();
        let info = json!({"decimal": 0, "fullName": "IOST system ram", "onlyIssuerCanTransfer": true});
        self.call_native(TOKEN_CONTRACT, "create", &json!([RAM_TOKEN, RAM_CONTRACT, MAX_SUPPLY, info]), true)?;
        let issue = json!([RAM_TOKEN, RAM_CONTRACT, INITIAL_TOTAL.to_string()]);
        self.call_native(TOKEN_CONTRACT, "issue", &issue, true)?;
        if !self.valid_account(DEAD_ACCOUNT)? {
            let mut auth = Native { run: &mut *self.run, frame: self.frame, me: ACCOUNT_CONTRACT };
            sign_up(&mut auth, DEAD_ACCOUNT, "", "", RAM_CONTRACT)?;
        }
        let mut m = Market::opening(self.run.block.time as i64);
        m.take_reserve()?;
        self.save_market(&m)?;
        self.run.effects.ram = ram_before;
        Ok(())
    }

    /// ram.js `_checkIssue`: more RAM for every interval passed since the last issue.
    fn check_issue(&mut self, m: &mut Market) -> Result<(), Failure> {
        let now = self.run.block.time as i64;
        let slot = |t: i64| (t as f64 / 1e9 / INCREASE_INTERVAL_SECONDS).floor();
        let slots = slot(now) - slot(m.last_update);
        if slots > 0.0 {
            let amount = INCREASE_AMOUNT * slots as i64;
            let issue = json!([RAM_TOKEN, RAM_CONTRACT, amount.to_string()]);
            self.call_native(TOKEN_CONTRACT, "issue", &issue, true)?;
            m.last_update = now;
            m.left += amount;
        }
        Ok(())
    }

    fn buy(&mut self, payer: &str, account: &str, amount: i64) -> Result<String, Failure> {
        self.open_market()?;
        let mut m = self.market()?;
        self.check_issue(&mut m)?;
        let raw_price = round_cents(m.buy_price(amount)?);
        let fee = round_cents(FEE_RATE * raw_price).max(0.01);
        let price = raw_price + fee;
        self.transfer(NATIVE_TOKEN, payer, RAM_CONTRACT, &cents_text(price))?;
        if cents_text(fee) != "0.00" {
            self.transfer(NATIVE_TOKEN, RAM_CONTRACT, DEAD_ACCOUNT, &cents_text(fee))?;
        }
        self.transfer(RAM_TOKEN, RAM_CONTRACT, account, &amount.to_string())?;
        m.left -= amount;
        m.balance += raw_price;
        m.used += amount;
        self.save_market(&m)?;
        self.change_figure(SELF_RAM, account, amount)?;
        self.change_figure(TOTAL_RAM, account, amount)?;
        Ok(cents_text(price))
    }

    fn sell(&mut self, account: &str, receiver: &str, amount: i64) -> Result<String, Failure> {
        let own = self.figure(SELF_RAM, account)?;
        if own < amount {
            return Err(fail(format!("self ram amount {own}, not enough for sell")));
        }
        self.transfer(RAM_TOKEN, account, RAM_CONTRACT, &amount.to_string())?;
        let mut m = self.market()?;
        let price = round_cents(m.sell_price(amount)?);
        self.transfer(NATIVE_TOKEN, RAM_CONTRACT, receiver, &cents_text(price))?;
        m.left += amount;
        m.balance -= price;
        m.used -= amount;
        self.save_market(&m)?;
        self.change_figure(SELF_RAM, account, -amount)?;
        self.change_figure(TOTAL_RAM, account, -amount)?;
        Ok(cents_text(price))
    }

    fn lend(&mut self, from: &str, to: &str, amount: i64) -> Result<(), Failure> {
        let own = self.figure(SELF_RAM, from)?;
        if own < amount {
            return Err(fail(format!("self ram amount {own}, not enough for lend")));
        }
        self.transfer(RAM_TOKEN, from, to, &amount.to_string())?;
        self.change_figure(SELF_RAM, from, -amount)?;
        self.change_figure(TOTAL_RAM, from, -amount)?;
        self.change_figure(TOTAL_RAM, to, amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_javascripts() {
        // Values node.js gives for Math.round(f * 100) / 100 and toFixed(2).
        assert_eq!(round_cents(1.005), 1.0);
        assert_eq!(round_cents(0.125), 0.13);
        assert_eq!(round_cents(2.5e-3), 0.0);
        assert_eq!(cents_text(0.01 + 3.52), "3.53");
    }
}
