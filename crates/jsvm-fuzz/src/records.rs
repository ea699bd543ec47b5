//! What the node reads back from its own data directory: the runtime's value and map records, and the JSON of
//! contract records, accounts, gas schedules, receipts and block records. A damaged data directory hands these
//! decoders any bytes; each must refuse them with an error value, and whatever it accepts must write back to
//! bytes it reads as the same thing.

use jsvm_runtime::layout::{MapMeta, Record};
use jsvm_runtime::{Account, ContractRecord, GasSchedule};
use jsvm_vm::{BlockRecord, Receipt};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Input: `KIND DATA`; KIND (one byte, taken modulo the number of decoders) picks the decoder DATA goes to.
pub fn records(data: &[u8]) {
    let Some((&kind, bytes)) = data.split_first() else { return };
    match kind % 7 {
        0 => {
            if let Some(record) = Record::decode(bytes) {
                assert_eq!(record.encode(), bytes, "a value record decodes from bytes it does not encode to");
            }
        }
        1 => {
            if let Some(meta) = MapMeta::decode(bytes) {
                assert_eq!(meta.encode(), bytes, "a map's meta decodes from bytes it does not encode to");
            }
        }
        2 => {
            if let Some(record) = json_round_trip::<ContractRecord>(bytes) {
                let _ = record.ram_bytes();
            }
        }
        3 => {
            json_round_trip::<Account>(bytes);
        }
        4 => {
            json_round_trip::<GasSchedule>(bytes);
        }
        5 => {
            json_round_trip::<Receipt>(bytes);
        }
        _ => {
            json_round_trip::<BlockRecord>(bytes);
        }
    }
}

/// `bytes` decoded as a `T`, if they are one; a decoded value encodes to JSON that decodes to an equal value.
fn json_round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(bytes: &[u8]) -> Option<T> {
    let value: T = serde_json::from_slice(bytes).ok()?;
    let written = serde_json::to_vec(&value).expect("a decoded record encodes");
    let again: T = serde_json::from_slice(&written).expect("a record's own JSON decodes");
    assert_eq!(again, value, "a record does not survive its own JSON");
    Some(value)
}
