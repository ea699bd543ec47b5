//! Contract storage over a transaction's state: validation, map bookkeeping
//! and RAM accounting. Messages are what a contract author sees.

use jsvm_state::TxState;

use crate::layout::{map_field_key, map_meta_key, map_order_prefix, value_key, MapMeta, Record};
use crate::Effects;

/// Longest stored value, in bytes.
pub const MAX_VALUE_BYTES: usize = 65_536;
/// Longest key or field, in bytes.
pub const MAX_KEY_BYTES: usize = 64;

/// A key or field a contract may write: 1..=64 bytes of printable ASCII
/// other than `-` and `@` (IOST's rule and messages).
pub fn validate_key(key: &str) -> Result<(), String> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(format!("key or field length invalid. expected [1, {MAX_KEY_BYTES}], actual {}", key.len()));
    }
    if let Some(b) = key.bytes().find(|&b| !(32..=126).contains(&b) || b == b'-' || b == b'@') {
        return Err(format!("key or field has invalid char, {b}"));
    }
    Ok(())
}

fn validate_value(value: &str) -> Result<(), String> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(format!("value too large: {} bytes, at most {MAX_VALUE_BYTES}", value.len()));
    }
    Ok(())
}

/// Reads never match a NUL-containing name, since none can be written.
fn readable(parts: &[&str]) -> bool {
    parts.iter().all(|p| !p.contains('\0'))
}

fn read_record(st: &TxState, key: &[u8]) -> Result<Option<Record>, String> {
    match st.get(key).map_err(|e| e.to_string())? {
        None => Ok(None),
        Some(bytes) => Record::decode(&bytes).map(Some).ok_or_else(|| "stored value is corrupt".to_string()),
    }
}

fn read_meta(st: &TxState, key: &[u8]) -> Result<MapMeta, String> {
    match st.get(key).map_err(|e| e.to_string())? {
        None => Ok(MapMeta::default()),
        Some(bytes) => MapMeta::decode(&bytes).ok_or_else(|| "map bookkeeping is corrupt".to_string()),
    }
}

/// IOST's serialized length of a value: type tag, payload, `@`, payer.
fn serialized_len(r: &Record) -> i64 {
    (2 + r.value.len() + r.payer.len()) as i64
}

/// RAM for (re)writing a value whose name costs `name_len` bytes.
fn ram_on_write(fx: &mut Effects, name_len: i64, old: Option<&Record>, new: &Record) {
    let new_len = serialized_len(new);
    match old {
        None => fx.charge_ram(&new.payer, name_len + new_len),
        Some(o) if o.payer == new.payer => fx.charge_ram(&new.payer, new_len - serialized_len(o)),
        Some(o) => {
            fx.charge_ram(&o.payer, -(name_len + serialized_len(o)));
            fx.charge_ram(&new.payer, name_len + new_len);
        }
    }
}

fn basic_name_len(contract: &str, key: &str) -> i64 {
    (contract.len() + 1 + key.len()) as i64
}

fn map_name_len(contract: &str, key: &str, field: &str) -> i64 {
    basic_name_len(contract, key) + 2 * field.len() as i64
}

/// Who pays for a write: the explicit payer, else the value's current payer,
/// else the contract's owner.
fn payer_for(explicit: Option<&str>, old: Option<&Record>, owner: &str) -> String {
    explicit.map(str::to_string).or_else(|| old.map(|o| o.payer.clone())).unwrap_or_else(|| owner.to_string())
}

/// `storage.put`.
pub fn put(
    st: &mut TxState,
    fx: &mut Effects,
    contract: &str,
    owner: &str,
    key: &str,
    value: &str,
    explicit_payer: Option<&str>,
) -> Result<(), String> {
    validate_key(key)?;
    validate_value(value)?;
    let sk = value_key(contract, key);
    let old = read_record(st, &sk)?;
    let new = Record { payer: payer_for(explicit_payer, old.as_ref(), owner), seq: 0, value: value.into() };
    ram_on_write(fx, basic_name_len(contract, key), old.as_ref(), &new);
    st.put(sk, new.encode());
    Ok(())
}

/// `storage.get` / `globalGet`.
pub fn get(st: &TxState, contract: &str, key: &str) -> Result<Option<String>, String> {
    if !readable(&[contract, key]) {
        return Ok(None);
    }
    Ok(read_record(st, &value_key(contract, key))?.map(|r| r.value))
}

/// `storage.del`: refunds the bytes to whoever paid for them.
pub fn del(st: &mut TxState, fx: &mut Effects, contract: &str, key: &str) -> Result<(), String> {
    validate_key(key)?;
    let sk = value_key(contract, key);
    if let Some(old) = read_record(st, &sk)? {
        fx.charge_ram(&old.payer, -(basic_name_len(contract, key) + serialized_len(&old)));
        st.del(sk);
    }
    Ok(())
}

/// `storage.mapPut`: a new field goes to the end of the map's order.
#[allow(clippy::too_many_arguments)]
pub fn map_put(
    st: &mut TxState,
    fx: &mut Effects,
    contract: &str,
    owner: &str,
    key: &str,
    field: &str,
    value: &str,
    explicit_payer: Option<&str>,
) -> Result<(), String> {
    validate_key(key)?;
    validate_key(field)?;
    validate_value(value)?;
    let fk = map_field_key(contract, key, field);
    let old = read_record(st, &fk)?;
    let seq = match &old {
        Some(o) => o.seq,
        None => {
            let mk = map_meta_key(contract, key);
            let mut meta = read_meta(st, &mk)?;
            let seq = meta.next_seq;
            meta.next_seq += 1;
            meta.len += 1;
            st.put(mk, meta.encode());
            let mut ok = map_order_prefix(contract, key);
            ok.extend_from_slice(&seq.to_be_bytes());
            st.put(ok, field.as_bytes().to_vec());
            seq
        }
    };
    let new = Record { payer: payer_for(explicit_payer, old.as_ref(), owner), seq, value: value.into() };
    ram_on_write(fx, map_name_len(contract, key, field), old.as_ref(), &new);
    st.put(fk, new.encode());
    Ok(())
}

/// `storage.mapGet` / `globalMapGet`.
pub fn map_get(st: &TxState, contract: &str, key: &str, field: &str) -> Result<Option<String>, String> {
    if !readable(&[contract, key, field]) {
        return Ok(None);
    }
    Ok(read_record(st, &map_field_key(contract, key, field))?.map(|r| r.value))
}

/// `storage.mapDel`.
pub fn map_del(st: &mut TxState, fx: &mut Effects, contract: &str, key: &str, field: &str) -> Result<(), String> {
    validate_key(key)?;
    validate_key(field)?;
    let fk = map_field_key(contract, key, field);
    let Some(old) = read_record(st, &fk)? else { return Ok(()) };
    fx.charge_ram(&old.payer, -(map_name_len(contract, key, field) + serialized_len(&old)));
    st.del(fk);
    let mut ok = map_order_prefix(contract, key);
    ok.extend_from_slice(&old.seq.to_be_bytes());
    st.del(ok);
    let mk = map_meta_key(contract, key);
    let mut meta = read_meta(st, &mk)?;
    meta.len = meta.len.saturating_sub(1);
    if meta.len == 0 {
        st.del(mk);
    } else {
        st.put(mk, meta.encode());
    }
    Ok(())
}

/// `storage.mapKeys` / `globalMapKeys`: fields in insertion order.
pub fn map_keys(st: &TxState, contract: &str, key: &str) -> Result<Vec<String>, String> {
    if !readable(&[contract, key]) {
        return Ok(Vec::new());
    }
    let entries = st.scan_prefix(&map_order_prefix(contract, key)).map_err(|e| e.to_string())?;
    Ok(entries.into_iter().map(|(_, f)| String::from_utf8_lossy(&f).into_owned()).collect())
}

/// `storage.mapLen` / `globalMapLen`.
pub fn map_len(st: &TxState, contract: &str, key: &str) -> Result<u64, String> {
    if !readable(&[contract, key]) {
        return Ok(0);
    }
    Ok(read_meta(st, &map_meta_key(contract, key))?.len)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use jsvm_state::MemStore;

    use super::*;

    fn fresh() -> (TxState, Effects) {
        (TxState::new(Arc::new(MemStore::new())), Effects::default())
    }

    #[test]
    fn key_rules_match_iost() {
        assert!(validate_key("a").is_ok());
        assert!(validate_key(&"k".repeat(64)).is_ok());
        assert_eq!(validate_key("").unwrap_err(), "key or field length invalid. expected [1, 64], actual 0");
        assert!(validate_key(&"k".repeat(65)).unwrap_err().contains("actual 65"));
        assert_eq!(validate_key("a-b").unwrap_err(), "key or field has invalid char, 45");
        assert_eq!(validate_key("a@b").unwrap_err(), "key or field has invalid char, 64");
        assert_eq!(validate_key("a\nb").unwrap_err(), "key or field has invalid char, 10");
        assert!(validate_key("é").is_err());
    }

    #[test]
    fn ram_follows_the_iost_formulas() {
        let (mut st, mut fx) = fresh();
        let c = "Contract1";
        // name "Contract1-k" = 11 bytes; value "s" + "v" + "@" + "alice" = 8.
        put(&mut st, &mut fx, c, "owner", "k", "v", Some("alice")).unwrap();
        assert_eq!(fx.ram.get("alice"), Some(&19));
        // Same payer, longer value: only the difference.
        put(&mut st, &mut fx, c, "owner", "k", "vvv", None).unwrap();
        assert_eq!(fx.ram.get("alice"), Some(&21));
        // A new payer takes over: alice is refunded in full.
        put(&mut st, &mut fx, c, "owner", "k", "vvv", Some("bob")).unwrap();
        assert_eq!(fx.ram.get("alice"), Some(&0));
        assert_eq!(fx.ram.get("bob"), Some(&(11 + 2 + 3 + 3)));
        del(&mut st, &mut fx, c, "k").unwrap();
        assert_eq!(fx.ram.get("bob"), Some(&0));
        // Map fields add twice the field length; default payer is the owner.
        map_put(&mut st, &mut fx, c, "owner", "m", "f", "v", None).unwrap();
        assert_eq!(fx.ram.get("owner"), Some(&(11 + 2 + 2 + 1 + 5)));
    }

    #[test]
    fn maps_keep_insertion_order_and_length() {
        let (mut st, mut fx) = fresh();
        let c = "C";
        for f in ["s", "abcd", "abc", "ab"] {
            map_put(&mut st, &mut fx, c, "o", "m", f, "1", None).unwrap();
        }
        map_put(&mut st, &mut fx, c, "o", "m", "abcd", "2", None).unwrap();
        assert_eq!(map_keys(&st, c, "m").unwrap(), vec!["s", "abcd", "abc", "ab"]);
        assert_eq!(map_len(&st, c, "m").unwrap(), 4);
        map_del(&mut st, &mut fx, c, "m", "ab").unwrap();
        map_del(&mut st, &mut fx, c, "m", "nope").unwrap();
        assert_eq!(map_keys(&st, c, "m").unwrap(), vec!["s", "abcd", "abc"]);
        map_put(&mut st, &mut fx, c, "o", "m", "ab", "1", None).unwrap();
        assert_eq!(map_keys(&st, c, "m").unwrap(), vec!["s", "abcd", "abc", "ab"]);
        assert_eq!(map_get(&st, c, "m", "abcd").unwrap().as_deref(), Some("2"));
        for f in ["s", "abcd", "abc", "ab"] {
            map_del(&mut st, &mut fx, c, "m", f).unwrap();
        }
        assert_eq!(map_len(&st, c, "m").unwrap(), 0);
        assert!(st.into_writes().values().all(|v| v.is_none()), "an emptied map leaves nothing behind");
    }

    #[test]
    fn contracts_do_not_see_each_others_keys_and_nul_reads_match_nothing() {
        let (mut st, mut fx) = fresh();
        put(&mut st, &mut fx, "A", "o", "k", "a", None).unwrap();
        assert_eq!(get(&st, "B", "k").unwrap(), None);
        assert_eq!(get(&st, "A", "k").unwrap().as_deref(), Some("a"));
        assert_eq!(get(&st, "A\0k", "").unwrap(), None);
    }

    #[test]
    fn oversized_values_are_refused() {
        let (mut st, mut fx) = fresh();
        let big = "x".repeat(MAX_VALUE_BYTES + 1);
        assert!(put(&mut st, &mut fx, "A", "o", "k", &big, None).unwrap_err().contains("too large"));
        assert!(map_put(&mut st, &mut fx, "A", "o", "k", "f", &big, None).is_err());
    }
}
