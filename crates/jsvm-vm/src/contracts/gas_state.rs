//! Gas as IOST keeps it (vm/database/gas_handler.go): each account's pledged total, gas
//! limit, gas stock and the time the stock was last refreshed, all in `gas.iost`'s
//! storage; the gas an account holds at a time is computed from them. Shared by the
//! `gas.iost` contract, the charging of transactions (`resources`) and the views.
//!
//! Amounts are IOST's decimals: a value and a scale that products add up and trailing
//! zeros shrink, so that every rounding (and truncation) falls where IOST's does.

use jsvm_runtime::storage;
use jsvm_state::TxState;

use super::fixed::Fixed;

pub(crate) const GAS_CONTRACT: &str = "gas.iost";
/// Decimals gas is kept and shown with.
pub(crate) const GAS_DECIMAL: u32 = 2;
/// Gas each pledged IOST gives at once.
pub(crate) const IMMEDIATE_REWARD: Dec = Dec { value: 100_000, scale: 2 };
/// Most gas each pledged IOST can hold.
pub(crate) const LIMIT_PER_IOST: Dec = Dec { value: 300_000, scale: 2 };
/// Gas each pledged IOST makes per second: (3000 - 1000) / 172800 seconds (two days), at
/// two decimals, truncated as IOST's `DivInt` does: 0.01.
pub(crate) const INCREASE_RATE: Dec = Dec { value: (300_000 - 100_000) / (2 * 24 * 3600), scale: 2 };
/// Gas stops growing after this long without a refresh.
const MAX_INCREASE_SECONDS: f64 = (3 * 24 * 3600) as f64;
/// Fewest IOST an account's pledged total may fall to by unpledging.
pub(crate) const MIN_PLEDGE_OF_USER: Dec = Dec { value: 10 * 100_000_000, scale: 8 };
/// Fewest IOST one pledge or unpledge may move.
pub(crate) const MIN_PLEDGE_PER_ACTION: Dec = Dec { value: 100_000_000, scale: 8 };

/// A fixed-point number `value / 10^scale` with IOST's `common.Decimal` arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dec {
    pub value: i128,
    pub scale: u32,
}

impl Dec {
    pub(crate) const fn zero(scale: u32) -> Dec {
        Dec { value: 0, scale }
    }

    /// An IOST amount (8 decimals).
    pub(crate) fn iost(raw: i64) -> Dec {
        Dec { value: i128::from(raw), scale: 8 }
    }

    fn shrink(self) -> Dec {
        let mut d = self;
        while d.value % 10 == 0 && d.scale > 0 {
            d.value /= 10;
            d.scale -= 1;
        }
        d
    }

    /// The same number at `scale` decimals; digits below it are cut (toward zero).
    pub(crate) fn rescale(self, scale: u32) -> Dec {
        let mut d = self;
        while d.scale < scale {
            d.value *= 10;
            d.scale += 1;
        }
        while d.scale > scale {
            d.value /= 10;
            d.scale -= 1;
        }
        d
    }

    fn pair(self, other: Dec) -> (i128, i128, u32) {
        let scale = self.scale.max(other.scale);
        (self.rescale(scale).value, other.rescale(scale).value, scale)
    }

    pub(crate) fn add(self, other: Dec) -> Dec {
        let (a, b, scale) = self.pair(other);
        Dec { value: a + b, scale }
    }

    pub(crate) fn sub(self, other: Dec) -> Dec {
        self.add(other.neg())
    }

    pub(crate) fn neg(self) -> Dec {
        Dec { value: -self.value, scale: self.scale }
    }

    pub(crate) fn mul(self, other: Dec) -> Dec {
        let (a, b) = (self.shrink(), other.shrink());
        Dec { value: a.value * b.value, scale: a.scale + b.scale }
    }

    /// Times a float, rounded half away from zero at this scale (IOST's `MulFloat`).
    fn mul_float(self, v: f64) -> Dec {
        Dec { value: (self.value as f64 * v).round() as i128, scale: self.scale }
    }

    pub(crate) fn lt(self, other: Dec) -> bool {
        let (a, b, _) = self.pair(other);
        a < b
    }

    pub(crate) fn is_zero(self) -> bool {
        self.value == 0
    }

    pub(crate) fn to_f64(self) -> f64 {
        self.value as f64 / 10f64.powi(self.scale as i32)
    }

    /// Every digit of the scale (`3000.00`): what storage keeps, so that the scale survives.
    fn to_stored(self) -> String {
        let digits = self.value.unsigned_abs().to_string();
        let scale = self.scale as usize;
        let sign = if self.value < 0 { "-" } else { "" };
        if scale == 0 {
            return format!("{sign}{digits}");
        }
        let padded =
            if digits.len() <= scale { format!("{}{digits}", "0".repeat(scale + 1 - digits.len())) } else { digits };
        let (int, frac) = padded.split_at(padded.len() - scale);
        format!("{sign}{int}.{frac}")
    }

    /// As people read it: trailing zeros dropped (`3000`, `0.5`).
    pub(crate) fn to_text(self) -> String {
        let d = self.shrink();
        match i64::try_from(d.value) {
            Ok(value) => Fixed { value, scale: d.scale }.to_text(),
            Err(_) => d.to_stored(),
        }
    }

    fn parse_stored(text: &str) -> Option<Dec> {
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        let value: i128 = format!("{int}{frac}").parse().ok()?;
        Some(Dec { value, scale: frac.len() as u32 })
    }
}

/// One account's gas record (`G<name>` in `gas.iost`): what IOST keeps under `gt`, `gl`, `gu`, `gs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GasRecord {
    /// IOST pledged for this account, by anyone.
    pub total: Dec,
    /// Most gas the account can hold.
    pub limit: Dec,
    /// Block time (ns) the stock was last refreshed; 0 before the first pledge.
    pub update_time: i64,
    /// Gas held at `update_time`.
    pub stock: Dec,
}

pub(crate) fn record_key(name: &str) -> String {
    format!("G{name}")
}

/// The map of what `pledger` pledged, by the account it pledged for.
pub(crate) fn pledge_key(pledger: &str) -> String {
    format!("P{pledger}")
}

fn read_dec(state: &TxState, key: &str, field: &str, scale: u32) -> Result<Dec, String> {
    match storage::map_get(state, GAS_CONTRACT, key, field)? {
        None => Ok(Dec::zero(scale)),
        Some(text) => Dec::parse_stored(&text).ok_or_else(|| format!("gas record {key}.{field} is corrupt")),
    }
}

impl GasRecord {
    /// `name`'s record (all zero when it never had a pledge).
    pub(crate) fn read(state: &TxState, name: &str) -> Result<GasRecord, String> {
        let key = record_key(name);
        let update_time = match storage::map_get(state, GAS_CONTRACT, &key, "gu")? {
            None => 0,
            Some(t) => t.parse().map_err(|_| format!("gas record {key}.gu is corrupt"))?,
        };
        Ok(GasRecord {
            total: read_dec(state, &key, "gt", 8)?,
            limit: read_dec(state, &key, "gl", GAS_DECIMAL)?,
            update_time,
            stock: read_dec(state, &key, "gs", GAS_DECIMAL)?,
        })
    }

    /// The fields to store, as `(field, value)`.
    pub(crate) fn fields(&self) -> [(&'static str, String); 4] {
        [
            ("gt", self.total.to_stored()),
            ("gl", self.limit.to_stored()),
            ("gu", self.update_time.to_string()),
            ("gs", self.stock.to_stored()),
        ]
    }

    /// Gas made per second.
    pub(crate) fn increase_speed(&self) -> Dec {
        self.total.mul(INCREASE_RATE)
    }

    /// Gas held at block time `t` (ns): the stock plus what the pledge made since, up to the limit.
    pub(crate) fn gas_at(&self, t: i64) -> Dec {
        let mut seconds = 0.0;
        if self.update_time > 0 {
            seconds = ((t - self.update_time) as f64 / 1e9).min(MAX_INCREASE_SECONDS);
        }
        let grown = self.increase_speed().mul_float(seconds).add(self.stock);
        let capped = if self.limit.lt(grown) { self.limit } else { grown };
        capped.rescale(GAS_DECIMAL)
    }

    /// The record with its stock brought to time `t`.
    pub(crate) fn refreshed(&self, t: i64) -> GasRecord {
        GasRecord { stock: self.gas_at(t), update_time: t, ..self.clone() }
    }
}

/// What `pledger` pledged for `name`.
pub(crate) fn pledged(state: &TxState, pledger: &str, name: &str) -> Result<Dec, String> {
    read_dec(state, &pledge_key(pledger), name, 8)
}

/// Writes `record` with no gas or RAM charged: used when a transaction pays its gas, after it ran.
pub(crate) fn write_uncharged(state: &mut TxState, name: &str, record: &GasRecord) -> Result<(), String> {
    let mut fx = jsvm_runtime::Effects::default();
    let key = record_key(name);
    for (field, value) in record.fields() {
        storage::map_put(state, &mut fx, GAS_CONTRACT, GAS_CONTRACT, &key, field, &value, None)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_follow_iost() {
        assert_eq!(INCREASE_RATE, Dec { value: 1, scale: 2 });
        let ten = Dec::iost(10 * 100_000_000);
        assert_eq!(ten.mul(IMMEDIATE_REWARD).to_text(), "10000");
        assert_eq!(Dec::iost(150_000_000).mul(LIMIT_PER_IOST).to_text(), "4500");
        assert_eq!(Dec { value: 123_456, scale: 4 }.rescale(2), Dec { value: 1234, scale: 2 });
        assert_eq!(Dec { value: 300_000, scale: 2 }.to_stored(), "3000.00");
        assert_eq!(Dec::parse_stored("3000.00"), Some(Dec { value: 300_000, scale: 2 }));
        assert_eq!(Dec::parse_stored("-0.05"), Some(Dec { value: -5, scale: 2 }));
        assert_eq!(Dec { value: 5, scale: 2 }.to_stored(), "0.05");
    }

    #[test]
    fn gas_grows_at_the_pledge_rate_up_to_the_limit() {
        let r = GasRecord {
            total: Dec::iost(10 * 100_000_000),
            limit: Dec { value: 3_000_000, scale: 2 },
            update_time: 1_000_000_000,
            stock: Dec { value: 1_000_000, scale: 2 },
        };
        assert_eq!(r.gas_at(1_000_000_000).to_text(), "10000");
        // 10 IOST make 0.1 gas a second.
        assert_eq!(r.gas_at(11_000_000_000).to_text(), "10001");
        assert_eq!(r.gas_at(i64::MAX).to_text(), "30000");
    }
}
