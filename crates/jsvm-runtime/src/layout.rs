//! Where contract state lives in the key-value store.
//!
//! Keys, fields and contract ids never contain a NUL byte (keys and fields are
//! validated on write, ids are generated), so NUL separates the parts and no
//! two different (contract, key, field) triples share a state key.
//!
//! | what | state key | value |
//! |---|---|---|
//! | basic value | `k` id NUL key | [`Record`] |
//! | map field | `m` id NUL key NUL field | [`Record`] with its insertion number |
//! | map order | `o` id NUL key NUL seq(u64 BE) | field |
//! | map meta | `n` id NUL key | len(u64 BE) next_seq(u64 BE) |
//! | contract | `c` id | contract record (JSON) |

fn join(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + parts.iter().map(|p| p.len() + 1).sum::<usize>());
    k.push(tag);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            k.push(0);
        }
        k.extend_from_slice(p);
    }
    k
}

/// A basic value.
pub fn value_key(contract: &str, key: &str) -> Vec<u8> {
    join(b'k', &[contract.as_bytes(), key.as_bytes()])
}

/// One field of a map.
pub fn map_field_key(contract: &str, key: &str, field: &str) -> Vec<u8> {
    join(b'm', &[contract.as_bytes(), key.as_bytes(), field.as_bytes()])
}

/// The prefix of a map's order entries; append the insertion number.
pub fn map_order_prefix(contract: &str, key: &str) -> Vec<u8> {
    let mut k = join(b'o', &[contract.as_bytes(), key.as_bytes()]);
    k.push(0);
    k
}

/// A map's length and next insertion number.
pub fn map_meta_key(contract: &str, key: &str) -> Vec<u8> {
    join(b'n', &[contract.as_bytes(), key.as_bytes()])
}

/// A contract record.
pub fn contract_key(id: &str) -> Vec<u8> {
    join(b'c', &[id.as_bytes()])
}

/// A stored value and who pays for its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The account charged RAM for this value's bytes, refunded when it is deleted.
    pub payer: String,
    /// Insertion number (map fields only; 0 for basic values).
    pub seq: u64,
    /// The value the contract stored.
    pub value: String,
}

impl Record {
    /// `len(payer) u8 ‖ payer ‖ seq u64 BE ‖ value`.
    pub fn encode(&self) -> Vec<u8> {
        let payer = self.payer.as_bytes();
        let mut v = Vec::with_capacity(9 + payer.len() + self.value.len());
        v.push(payer.len() as u8);
        v.extend_from_slice(payer);
        v.extend_from_slice(&self.seq.to_be_bytes());
        v.extend_from_slice(self.value.as_bytes());
        v
    }

    /// The inverse of [`Record::encode`]; `None` for bytes it never wrote.
    pub fn decode(bytes: &[u8]) -> Option<Record> {
        let n = *bytes.first()? as usize;
        let payer = std::str::from_utf8(bytes.get(1..1 + n)?).ok()?.to_string();
        let seq = u64::from_be_bytes(bytes.get(1 + n..9 + n)?.try_into().ok()?);
        let value = String::from_utf8(bytes.get(9 + n..)?.to_vec()).ok()?;
        Some(Record { payer, seq, value })
    }
}

/// A map's bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MapMeta {
    /// Fields the map holds now; the meta entry is deleted when it reaches 0.
    pub len: u64,
    /// Insertion number the next new field gets; only grows while the map exists.
    pub next_seq: u64,
}

impl MapMeta {
    /// `len u64 BE ‖ next_seq u64 BE`.
    pub fn encode(&self) -> Vec<u8> {
        let mut v = self.len.to_be_bytes().to_vec();
        v.extend_from_slice(&self.next_seq.to_be_bytes());
        v
    }

    /// The inverse of [`MapMeta::encode`]; `None` unless exactly 16 bytes.
    pub fn decode(bytes: &[u8]) -> Option<MapMeta> {
        if bytes.len() != 16 {
            return None;
        }
        Some(MapMeta {
            len: u64::from_be_bytes(bytes[..8].try_into().ok()?),
            next_seq: u64::from_be_bytes(bytes[8..].try_into().ok()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let r = Record { payer: "alice".into(), seq: 7, value: "v@l\u{1F600}".into() };
        assert_eq!(Record::decode(&r.encode()), Some(r));
        let empty = Record { payer: String::new(), seq: 0, value: String::new() };
        assert_eq!(Record::decode(&empty.encode()), Some(empty));
        assert_eq!(Record::decode(&[5, b'a']), None);
        let m = MapMeta { len: 3, next_seq: 9 };
        assert_eq!(MapMeta::decode(&m.encode()), Some(m));
    }

    #[test]
    fn key_spaces_do_not_collide() {
        assert_ne!(value_key("c", "k"), map_meta_key("c", "k"));
        assert_ne!(map_field_key("c", "ab", "c"), map_field_key("c", "a", "bc"));
        assert!(!map_field_key("c", "k", "f").starts_with(&map_order_prefix("c", "k")));
    }
}
