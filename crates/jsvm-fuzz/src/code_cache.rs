//! The code cache's stored entries: the compiled code and its checksum. The cache lives in the data directory,
//! where a crash or a bad disk can leave any bytes; an entry is used only if its checksum holds (QuickJS trusts
//! bytecode, so a damaged entry reaching the engine could corrupt its memory).

use jsvm_vm::code_cache::{cache_entry, verified_entry};

use crate::split::fields;

/// Input: `CODE 0xFF DAMAGE`. The entry of CODE gives back CODE; any bytes, the raw input and that entry damaged
/// by DAMAGE (pairs of offset and XOR mask, then a cut), give back code only if they are exactly the entry of the
/// code they give back, so a damaged entry never gives back its own code.
///
/// A damaged entry may still be another code's whole entry: the fuzzer found CODE = `[0]`, its checksum, one
/// more byte, cut by 17 bytes. A checksum finds damage; it does not stop whoever writes the data directory.
pub fn code_cache(data: &[u8]) {
    check_accepted(data);
    let parts = fields(data, 2);
    let (code, damage) = (parts[0], parts[1]);
    let entry = cache_entry(code);
    assert_eq!(verified_entry(entry.clone()).as_deref(), Some(code), "an entry does not give back its code");
    check_accepted(&damaged(&entry, damage));
}

/// `bytes`, read as an entry, give back code only if they are that code's entry.
fn check_accepted(bytes: &[u8]) {
    if let Some(code) = verified_entry(bytes.to_vec()) {
        assert_eq!(cache_entry(&code), bytes, "bytes were accepted that are not their code's entry");
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
