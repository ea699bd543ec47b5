//! The code cache's stored entries: the compiled code and its checksum. The cache lives in the data directory,
//! where a crash or a bad disk can leave any bytes; an entry is used only if its checksum holds (QuickJS trusts
//! bytecode, so a damaged entry reaching the engine could corrupt its memory).

use jsvm_vm::code_cache::{cache_entry, verified_entry};

use crate::split::fields;

/// Input: `CODE 0xFF DAMAGE`. Any bytes read as an entry give back code only if they are the entry of that code;
/// the entry of CODE gives back CODE; the same entry damaged by DAMAGE (pairs of offset and XOR mask, then a
/// cut) is refused unless the damage changed nothing.
pub fn code_cache(data: &[u8]) {
    if let Some(code) = verified_entry(data.to_vec()) {
        assert_eq!(cache_entry(&code), data, "an entry was accepted that is not its code's entry");
    }
    let parts = fields(data, 2);
    let (code, damage) = (parts[0], parts[1]);
    let entry = cache_entry(code);
    assert_eq!(verified_entry(entry.clone()).as_deref(), Some(code), "an entry does not give back its code");
    let damaged = damaged(&entry, damage);
    let accepted = verified_entry(damaged.clone());
    if damaged == entry {
        assert_eq!(accepted.as_deref(), Some(code));
    } else {
        assert_eq!(accepted, None, "a damaged entry was accepted");
    }
}

/// `entry` with each (offset, mask) pair of `damage` XORed in, then, if `damage` has an odd byte left, cut to
/// that many bytes fewer.
fn damaged(entry: &[u8], damage: &[u8]) -> Vec<u8> {
    let mut out = entry.to_vec();
    if out.is_empty() {
        return out;
    }
    let mut pairs = damage.chunks_exact(2);
    for pair in pairs.by_ref() {
        let at = pair[0] as usize % out.len();
        out[at] ^= pair[1];
    }
    if let [cut] = pairs.remainder() {
        out.truncate(out.len().saturating_sub(*cut as usize));
    }
    out
}
