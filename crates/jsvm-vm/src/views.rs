//! Read-only answers over a state snapshot, shaped as go-iost's gateway shows them
//! (rpc/pb/rpc.proto, rpc/api_service.go), for the node's read endpoints. Each returns
//! the JSON object of the answer (proto3's JSON mapping: int64 fields as strings, doubles
//! as numbers); `Ok(None)` when the thing asked about does not exist. The node adds what
//! only it knows (block hash and number). `now_ns` is the head block's time: gas grows
//! and frozen amounts thaw with it.

use std::sync::Arc;

use jsvm_runtime::layout::{self, MapMeta, Record};
use jsvm_runtime::{load_account, storage, Account, ContractRecord, PermissionItem, ACCOUNT_MAP, AUTH_CONTRACT};
use jsvm_state::{StateRead, TxState};
use serde_json::{json, Map, Value};

use crate::contracts::fixed::Fixed;
use crate::contracts::gas_state::{pledge_key, Dec, GasRecord, GAS_CONTRACT};
use crate::contracts::native_methods;
use crate::contracts::ram::{account_figure, Market, RAM_TOKEN, TOTAL_RAM, USED_RAM};
use crate::contracts::token::{balance_key, NATIVE_TOKEN, TOKEN_CONTRACT};
use crate::resources::token_balance as raw_balance;
use crate::VmError;

fn read(state: &Arc<dyn StateRead>) -> TxState {
    TxState::new(state.clone())
}

fn internal(e: String) -> VmError {
    VmError::Internal(e)
}

/// A token's decimals; `None` when there is no such token.
fn decimals(st: &TxState, token: &str) -> Result<Option<u32>, VmError> {
    let text = storage::map_get(st, TOKEN_CONTRACT, &format!("TI{token}"), "decimal").map_err(internal)?;
    text.map(|t| t.parse().map_err(|_| internal(format!("token {token}: decimal is corrupt")))).transpose()
}

/// `account`'s balance of `token` (raw, frozen amounts due by `now` included) and the
/// amounts still frozen, as `[{amount, time}]`.
fn balance_with_frozen(
    st: &TxState,
    token: &str,
    account: &str,
    scale: u32,
    now: u64,
) -> Result<(i64, Value), VmError> {
    let mut balance = raw_balance(st, token, account).map_err(internal)?;
    let mut frozen = Vec::new();
    if let Some(list) = storage::map_get(st, TOKEN_CONTRACT, &format!("TF{account}"), token).map_err(internal)? {
        let items: Vec<Value> = serde_json::from_str(&list).map_err(|e| internal(format!("frozen list: {e}")))?;
        for item in items {
            let amount = item["amount"].as_i64().unwrap_or_default();
            let time = item["ftime"].as_i64().unwrap_or_default();
            if time <= now as i64 {
                balance += amount;
            } else {
                frozen.push(json!({"amount": as_f64(amount, scale), "time": time.to_string()}));
            }
        }
    }
    Ok((balance, Value::Array(frozen)))
}

fn as_f64(value: i64, scale: u32) -> f64 {
    Dec { value: i128::from(value), scale }.to_f64()
}

/// `/getAccount`: name, balance, gas_info, ram_info, permissions, groups, frozen_balances, vote_infos.
pub fn account(state: &Arc<dyn StateRead>, name: &str, now_ns: u64) -> Result<Option<Value>, VmError> {
    let st = read(state);
    let Some((acc, _)) = load_account(&st, name).map_err(internal)? else { return Ok(None) };
    let scale = decimals(&st, NATIVE_TOKEN)?.unwrap_or(8);
    let (balance, frozen) = balance_with_frozen(&st, NATIVE_TOKEN, name, scale, now_ns)?;
    let gas = GasRecord::read(&st, name).map_err(internal)?;
    let current = gas.gas_at(now_ns as i64).to_f64();
    let mut pledged_info = Vec::new();
    for other in storage::map_keys(&st, GAS_CONTRACT, &pledge_key(name)).map_err(internal)? {
        let amount = crate::contracts::gas_state::pledged(&st, name, &other).map_err(internal)?;
        pledged_info.push(json!({"pledger": other, "amount": amount.to_f64()}));
    }
    let figure = |kind| account_figure(&st, kind, name).map_err(internal);
    Ok(Some(json!({
        "name": acc.id,
        "balance": as_f64(balance, scale),
        "balance_string": Fixed { value: balance, scale }.to_text(),
        "gas_info": {
            "current_total": current,
            "transferable_gas": 0.0,
            "pledge_gas": current,
            "increase_speed": gas.increase_speed().to_f64(),
            "limit": gas.limit.to_f64(),
            "pledged_info": pledged_info,
        },
        "ram_info": {
            "available": raw_balance(&st, RAM_TOKEN, name).map_err(internal)?.to_string(),
            "used": figure(USED_RAM)?.to_string(),
            "total": figure(TOTAL_RAM)?.to_string(),
        },
        "permissions": permissions(&acc),
        "groups": groups(&acc),
        "frozen_balances": frozen,
        "vote_infos": [],
    })))
}

fn items_json(items: &[PermissionItem]) -> Vec<Value> {
    items
        .iter()
        .map(|i| json!({"id": i.id, "is_key_pair": i.is_key_pair, "weight": i.weight.to_string(), "permission": i.permission}))
        .collect()
}

fn permissions(acc: &Account) -> Value {
    let mut out = Map::new();
    for (name, p) in &acc.permissions {
        out.insert(
            name.clone(),
            json!({"name": name, "group_names": p.groups, "items": items_json(&p.items), "threshold": p.threshold.to_string()}),
        );
    }
    Value::Object(out)
}

fn groups(acc: &Account) -> Value {
    let mut out = Map::new();
    for (name, g) in &acc.groups {
        out.insert(name.clone(), json!({"name": name, "items": items_json(&g.items)}));
    }
    Value::Object(out)
}

/// `/getTokenBalance`: `{balance, frozen_balances}`; `None` when there is no such token.
pub fn token_balance(
    state: &Arc<dyn StateRead>,
    account: &str,
    token: &str,
    now_ns: u64,
) -> Result<Option<Value>, VmError> {
    let st = read(state);
    let Some(scale) = decimals(&st, token)? else { return Ok(None) };
    let (balance, frozen) = balance_with_frozen(&st, token, account, scale, now_ns)?;
    Ok(Some(json!({"balance": as_f64(balance, scale), "frozen_balances": frozen})))
}

/// `/getTokenInfo`: symbol, full_name, issuer, supplies (raw and as numbers), decimal, transfer rules.
pub fn token_info(state: &Arc<dyn StateRead>, symbol: &str) -> Result<Option<Value>, VmError> {
    let st = read(state);
    let Some(scale) = decimals(&st, symbol)? else { return Ok(None) };
    let key = format!("TI{symbol}");
    let field = |f: &str| -> Result<String, VmError> {
        Ok(storage::map_get(&st, TOKEN_CONTRACT, &key, f).map_err(internal)?.unwrap_or_default())
    };
    let int = |f: &str| -> Result<i64, VmError> { Ok(field(f)?.parse().unwrap_or_default()) };
    let (total, supply) = (int("totalSupply")?, int("supply")?);
    Ok(Some(json!({
        "symbol": symbol,
        "full_name": field("fullName")?,
        "issuer": field("issuer")?,
        "total_supply": total.to_string(),
        "current_supply": supply.to_string(),
        "decimal": scale,
        "can_transfer": field("canTransfer")? == "true",
        "only_issuer_can_transfer": field("onlyIssuerCanTransfer")? == "true",
        "total_supply_float": as_f64(total, scale),
        "current_supply_float": as_f64(supply, scale),
    })))
}

/// `/getContract`: `{id, code, language, version, abis: [{name, args, amount_limit}]}`. Native
/// contracts show their methods, no code and language `native`.
pub fn contract(state: &Arc<dyn StateRead>, id: &str) -> Result<Option<Value>, VmError> {
    if let Some(methods) = native_methods(id) {
        let abis: Vec<Value> =
            methods.iter().map(|(name, args)| json!({"name": name, "args": args, "amount_limit": []})).collect();
        return Ok(Some(json!({"id": id, "code": "", "language": "native", "version": "1.0.0", "abis": abis})));
    }
    let Some(record) = ContractRecord::load(&read(state), id).map_err(internal)? else { return Ok(None) };
    let abis: Vec<Value> = record
        .abi
        .abi
        .iter()
        .map(|m| {
            let limits: Vec<Value> = m.amount_limit.iter().map(|l| json!({"token": l.token, "value": l.val})).collect();
            json!({"name": m.name, "args": m.args, "amount_limit": limits})
        })
        .collect();
    Ok(Some(json!({
        "id": record.id,
        "code": record.source,
        "language": record.abi.lang,
        "version": record.abi.version,
        "abis": abis,
    })))
}

fn contract_exists(st: &TxState, id: &str) -> Result<bool, VmError> {
    Ok(native_methods(id).is_some() || ContractRecord::load(st, id).map_err(internal)?.is_some())
}

/// Whether `name` is an account (`Account`) or a contract, native or deployed (`Contract`), in `state`;
/// `None` when it is neither. What an index uses to tell a name in an argument from any other string.
pub fn name_kind(state: &Arc<dyn StateRead>, name: &str) -> Result<Option<NameKind>, VmError> {
    let st = read(state);
    if contract_exists(&st, name)? {
        return Ok(Some(NameKind::Contract));
    }
    Ok(load_account(&st, name).map_err(internal)?.map(|_| NameKind::Account))
}

/// What a name is on the chain ([`name_kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// An account.
    Account,
    /// A contract, native or deployed.
    Contract,
}

/// `/getContractStorage`: `{data}`, the value of `key` (or of `key[field]`), `"null"` when
/// none is stored, as IOST writes a missing value; `None` when there is no such contract.
pub fn contract_storage(
    state: &Arc<dyn StateRead>,
    id: &str,
    key: &str,
    field: Option<&str>,
) -> Result<Option<Value>, VmError> {
    let st = read(state);
    if !contract_exists(&st, id)? {
        return Ok(None);
    }
    let value = match field {
        None | Some("") => storage::get(&st, id, key),
        Some(f) => storage::map_get(&st, id, key, f),
    }
    .map_err(internal)?;
    Ok(Some(json!({"data": value.unwrap_or_else(|| "null".into())})))
}

/// `/getContractStorageFields`: `{fields}`, the fields of map `key` in insertion order;
/// `None` when there is no such contract.
pub fn contract_storage_fields(state: &Arc<dyn StateRead>, id: &str, key: &str) -> Result<Option<Value>, VmError> {
    let st = read(state);
    if !contract_exists(&st, id)? {
        return Ok(None);
    }
    Ok(Some(json!({"fields": storage::map_keys(&st, id, key).map_err(internal)?})))
}

/// The most keys one [`contract_storage_keys`] page holds.
pub const MAX_STORAGE_KEYS_PAGE: usize = 200;

/// jsvm's storage browser: up to `limit` (1 to [`MAX_STORAGE_KEYS_PAGE`]) of contract `id`'s keys
/// after `after` (exclusive; "" from the first), ascending, each `{key, kind: "value", value, payer}`
/// or `{key, kind: "map", fields}` (its field count), and `next`, the key to continue after (null on
/// the last page); `None` when there is no such contract.
pub fn contract_storage_keys(
    state: &Arc<dyn StateRead>,
    id: &str,
    after: &str,
    limit: usize,
) -> Result<Option<Value>, VmError> {
    let st = read(state);
    if !contract_exists(&st, id)? {
        return Ok(None);
    }
    let limit = limit.clamp(1, MAX_STORAGE_KEYS_PAGE);
    // A key is a basic value (`k` id NUL key) or a map (`n` id NUL key, its bookkeeping); both lists
    // come back in key order, a page of each read, merged here.
    // Each list's first `limit + 1` after `after` hold the page and tell whether more follow.
    let under = |tag_key: Vec<u8>| -> Result<Vec<(String, Vec<u8>)>, VmError> {
        let entries =
            state.scan_prefix_after(&tag_key, after.as_bytes(), limit + 1).map_err(|e| internal(e.to_string()))?;
        Ok(entries
            .into_iter()
            .filter_map(|(k, v)| Some((String::from_utf8(k.get(tag_key.len()..)?.to_vec()).ok()?, v)))
            .collect())
    };
    let values = under(layout::value_key(id, ""))?;
    let maps = under(layout::map_meta_key(id, ""))?;
    let mut entries: Vec<(String, Value)> = Vec::new();
    for (key, bytes) in values {
        let record =
            Record::decode(&bytes).ok_or_else(|| internal(format!("{id}: the value of {key:?} is corrupt")))?;
        entries.push((key.clone(), json!({"key": key, "kind": "value", "value": record.value, "payer": record.payer})));
    }
    for (key, bytes) in maps {
        let meta = MapMeta::decode(&bytes).ok_or_else(|| internal(format!("{id}: map {key:?} is corrupt")))?;
        entries.push((key.clone(), json!({"key": key, "kind": "map", "fields": meta.len})));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    // A key can hold a value and a map at once: both stay on one page, as `after` skips by key.
    let mut cut = limit.min(entries.len());
    while cut > 0 && cut < entries.len() && entries[cut].0 == entries[cut - 1].0 {
        cut += 1;
    }
    let next = (entries.len() > cut).then(|| entries[cut - 1].0.clone());
    entries.truncate(cut);
    let shown: Vec<Value> = entries.into_iter().map(|(_, v)| v).collect();
    Ok(Some(json!({"entries": shown, "next": next})))
}

/// Every deployed contract (native ones are not stored), in id order: `{id, owner, language,
/// version, source_bytes, code_bytes, schedule_version, methods}` (`source_bytes`: the code as
/// deployed, a bundle's JSON for a packed project; `code_bytes`: the metered code the engine runs).
pub fn contracts(state: &Arc<dyn StateRead>) -> Result<Vec<Value>, VmError> {
    let prefix = jsvm_runtime::layout::contract_key("");
    let entries = read(state).scan_prefix(&prefix).map_err(|e| internal(e.to_string()))?;
    entries
        .into_iter()
        .map(|(key, bytes)| {
            let record: ContractRecord = serde_json::from_slice(&bytes).map_err(|e| {
                internal(format!(
                    "contract record {} is unreadable: {e}",
                    String::from_utf8_lossy(&key[prefix.len()..])
                ))
            })?;
            Ok(json!({
                "id": record.id,
                "owner": record.owner,
                "language": record.abi.lang,
                "version": record.abi.version,
                "source_bytes": record.source.len(),
                "code_bytes": record.code.len(),
                "schedule_version": record.schedule_version,
                "methods": record.abi.abi.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
            }))
        })
        .collect()
}

/// The names of every account, in the order they were created.
pub fn accounts(state: &Arc<dyn StateRead>) -> Result<Vec<String>, VmError> {
    storage::map_keys(&read(state), AUTH_CONTRACT, ACCOUNT_MAP).map_err(internal)
}

/// Every token `account` holds or has held, in the order it first received each:
/// `{token: {balance, balance_string, frozen_balances}}` (amounts due by `now_ns` thawed).
pub fn token_balances(state: &Arc<dyn StateRead>, account: &str, now_ns: u64) -> Result<Value, VmError> {
    let st = read(state);
    let mut out = Map::new();
    for token in storage::map_keys(&st, TOKEN_CONTRACT, &balance_key(account)).map_err(internal)? {
        let scale = decimals(&st, &token)?.unwrap_or(0);
        let (balance, frozen) = balance_with_frozen(&st, &token, account, scale, now_ns)?;
        out.insert(
            token,
            json!({
                "balance": as_f64(balance, scale),
                "balance_string": Fixed { value: balance, scale }.to_text(),
                "frozen_balances": frozen,
            }),
        );
    }
    Ok(Value::Object(out))
}

/// `/getRAMInfo`: `{used_ram, available_ram, total_ram, sell_price, buy_price}` (prices in IOST
/// a byte). Before the market first opens, its opening figures.
pub fn ram_info(state: &Arc<dyn StateRead>) -> Result<Value, VmError> {
    let m = Market::read(&read(state)).map_err(internal)?;
    let (buy, sell) = m.prices();
    Ok(json!({
        "used_ram": m.used.to_string(),
        "available_ram": m.left.to_string(),
        "total_ram": (m.used + m.left).to_string(),
        "sell_price": sell,
        "buy_price": buy,
    }))
}

/// `/getGasRatio` from the gas ratios of the head block's transactions: `{lowest_gas_ratio,
/// median_gas_ratio}`, both 1 for a block without any (IOST's rule).
pub fn gas_ratio(ratios: &[f64]) -> Value {
    let mut sorted = ratios.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.first() {
        None => json!({"lowest_gas_ratio": 1.0, "median_gas_ratio": 1.0}),
        Some(lowest) => json!({"lowest_gas_ratio": lowest, "median_gas_ratio": sorted[sorted.len() / 2]}),
    }
}
