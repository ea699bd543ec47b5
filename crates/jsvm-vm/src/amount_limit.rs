//! Amount limits: how much of each token one action may move out of accounts
//! (the method's ABI `amountLimit`) and the whole transaction (`amount_limit`).
//!
//! After each action, the `token.iost` receipts it produced (transfer,
//! transferFreeze, destroy) whose sender is an account, not a contract, are
//! summed per token and held to both limits, by IOST's rules: a token's own
//! entry first, then `"*"`; no entry allows nothing; `"unlimited"` is no limit;
//! a `"*"` limit is read with 0 decimals.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use jsvm_compiler::AmountLimit;
use jsvm_runtime::{is_contract_id, storage, ContractRecord, ReceiptEntry, RecordCache, SYSTEM_CONTRACT};
use jsvm_state::TxState;

use crate::contracts::{self, fixed::Fixed, TOKEN_CONTRACT};
use crate::exec::Failure;

/// What a token-less limit is called.
const ANY_TOKEN: &str = "*";
const UNLIMITED: &str = "unlimited";

/// A token's decimals, from `token.iost`'s records; `None` for an unknown token.
pub(crate) fn token_decimals(state: &TxState, token: &str) -> Result<Option<u32>, Failure> {
    let v = storage::map_get(state, TOKEN_CONTRACT, &format!("TI{token}"), "decimal").map_err(Failure::Unknown)?;
    Ok(v.and_then(|d| d.parse().ok()))
}

/// Refuses a transaction whose `amount_limit` names a token that does not exist
/// (IOST rejects it before it runs: no receipt, nothing charged).
pub(crate) fn check_tx_tokens(state: &TxState, limits: &[AmountLimit]) -> Result<(), crate::VmError> {
    for l in limits.iter().filter(|l| l.token != ANY_TOKEN) {
        let known =
            token_decimals(state, &l.token).map_err(|_| crate::VmError::Internal("token records unreadable".into()))?;
        if known.is_none() {
            return Err(crate::VmError::InvalidTx(format!("token not exists in amountLimit: {}", l.token)));
        }
    }
    Ok(())
}

/// Checks a list of limits as deploys and transactions must give them: known
/// tokens (or `*`), each once, values that parse at the token's decimals.
pub(crate) fn validate(state: &TxState, limits: &[AmountLimit]) -> Result<(), Failure> {
    parse_limits(state, limits).map(|_| ())
}

fn parse_limits(state: &TxState, limits: &[AmountLimit]) -> Result<BTreeMap<String, Fixed>, Failure> {
    let mut map = BTreeMap::new();
    for l in limits {
        let decimals = if l.token == ANY_TOKEN {
            0
        } else {
            token_decimals(state, &l.token)?
                .ok_or_else(|| Failure::Runtime(format!("token not exists: {}", l.token)))?
        };
        let value = if l.val == UNLIMITED {
            Fixed { value: i64::MAX, scale: decimals }
        } else {
            Fixed::parse(&l.val, decimals).map_err(Failure::Runtime)?
        };
        if map.insert(l.token.clone(), value).is_some() {
            return Err(Failure::Runtime(format!("duplicate amount limit for token {}", l.token)));
        }
    }
    Ok(map)
}

fn compare(a: Fixed, b: Fixed) -> Ordering {
    let scale = a.scale.max(b.scale);
    let widen = |f: Fixed| i128::from(f.value) * 10i128.pow(scale - f.scale);
    widen(a).cmp(&widen(b))
}

fn within(limits: &BTreeMap<String, Fixed>, token: &str, amount: Fixed) -> bool {
    if amount.value <= 0 {
        return true;
    }
    limits.get(token).or_else(|| limits.get(ANY_TOKEN)).is_some_and(|l| compare(*l, amount) != Ordering::Less)
}

/// The ABI limits of `contract.method`; native and system contracts allow anything.
pub(crate) fn abi_limits(
    state: &TxState,
    contract: &str,
    method: &str,
    records: &mut RecordCache,
) -> Result<Vec<AmountLimit>, Failure> {
    if contract == SYSTEM_CONTRACT || contracts::find(contract).is_some() {
        return Ok(vec![AmountLimit { token: ANY_TOKEN.into(), val: UNLIMITED.into() }]);
    }
    let record = ContractRecord::load_cached(state, contract, records).map_err(Failure::Unknown)?;
    Ok(record.and_then(|r| r.abi.method(method).map(|m| m.amount_limit.clone())).unwrap_or_default())
}

/// The running per-token totals of one transaction.
#[derive(Default)]
pub(crate) struct TxLimits {
    totals: BTreeMap<String, Fixed>,
}

impl TxLimits {
    /// Holds the receipts of one action to the method's limits (read only when
    /// the action moved tokens) and the transaction's.
    pub(crate) fn check(
        &mut self,
        state: &TxState,
        receipts: &[ReceiptEntry],
        abi: impl FnOnce() -> Result<Vec<AmountLimit>, Failure>,
        tx: &[AmountLimit],
    ) -> Result<(), Failure> {
        let mut spent: BTreeMap<String, Fixed> = BTreeMap::new();
        for r in receipts {
            let amount_at = match r.func_name.as_str() {
                "token.iost/transfer" | "token.iost/transferFreeze" => 3,
                "token.iost/destroy" => 2,
                _ => continue,
            };
            let args: Vec<serde_json::Value> = serde_json::from_str(&r.content).unwrap_or_default();
            let field = |i: usize| args.get(i).and_then(|v| v.as_str()).unwrap_or_default();
            let (token, from) = (field(0), field(1));
            if is_contract_id(from) {
                continue;
            }
            let Some(decimals) = token_decimals(state, token)? else { continue };
            let amount = Fixed::parse(field(amount_at), decimals).map_err(Failure::Runtime)?;
            let sum = spent.entry(token.to_string()).or_insert(Fixed { value: 0, scale: decimals });
            sum.value = sum.value.saturating_add(amount.value);
        }
        if spent.is_empty() {
            return Ok(());
        }
        let (abi, tx) = (parse_limits(state, &abi()?)?, parse_limits(state, tx)?);
        for (token, amount) in spent {
            let total = self.totals.entry(token.clone()).or_insert(Fixed { value: 0, scale: amount.scale });
            total.value = total.value.saturating_add(amount.value);
            if !within(&abi, &token, amount) {
                return Err(Failure::Runtime(format!(
                    "token {token} exceed amountLimit in abi. need {}",
                    amount.to_text()
                )));
            }
            if !within(&tx, &token, *total) {
                return Err(Failure::Runtime(format!(
                    "token {token} exceed amountLimit in tx. need {}",
                    amount.to_text()
                )));
            }
        }
        Ok(())
    }
}
