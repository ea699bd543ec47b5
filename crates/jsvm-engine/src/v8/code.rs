//! The V8 engine's precompiled form: the source and V8's code cache for it, behind a small
//! header. V8 cannot run a code cache without its source (it checks the source's hash and
//! compiles lazily from it), so unlike QuickJS bytecode the source always travels, also for
//! the VM's libraries (`compile_library`).
//!
//! ```text
//! magic "jsvm-v8\0" | format u32 | name u32 | source u32 | cache u32 | cache checksum u64 | name | source | cache
//! ```
//! (integers little-endian). Anything else is refused; a cache whose checksum does not
//! match is dropped and the source compiled, as is a cache V8 itself refuses.

const MAGIC: &[u8; 8] = b"jsvm-v8\0";
const FORMAT: u32 = 1;
const HEADER: usize = 8 + 4 * 4 + 8;

/// A script in precompiled form, taken apart.
pub(crate) struct Precompiled<'a> {
    pub name: &'a [u8],
    pub source: &'a [u8],
    /// V8's code cache, or empty.
    pub cache: &'a [u8],
}

impl<'a> Precompiled<'a> {
    /// A script with no code cache.
    pub(crate) fn source_only(name: &'a str, source: &'a str) -> Self {
        Precompiled { name: name.as_bytes(), source: source.as_bytes(), cache: &[] }
    }

    pub(crate) fn script(&self) -> super::ffi::Script {
        use super::ffi::{Bytes, Script};
        Script { name: Bytes::of(self.name), source: Bytes::of(self.source), cache: Bytes::of(self.cache) }
    }
}

/// FNV-1a, 64 bits: guards the cache against damage (V8 10.2 release builds do not verify a
/// code cache's checksum themselves).
fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

pub(crate) fn encode(name: &str, source: &str, cache: &[u8]) -> Result<Vec<u8>, String> {
    let len32 = |n: usize, what: &str| u32::try_from(n).map_err(|_| format!("{what} too long: {n} bytes"));
    let mut out = Vec::with_capacity(HEADER + name.len() + source.len() + cache.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&len32(name.len(), "name")?.to_le_bytes());
    out.extend_from_slice(&len32(source.len(), "source")?.to_le_bytes());
    out.extend_from_slice(&len32(cache.len(), "code cache")?.to_le_bytes());
    out.extend_from_slice(&checksum(cache).to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(source.as_bytes());
    out.extend_from_slice(cache);
    Ok(out)
}

pub(crate) fn decode(bytes: &[u8]) -> Result<Precompiled<'_>, String> {
    let refuse = || "not precompiled code of this engine (V8)".to_string();
    if bytes.len() < HEADER || &bytes[..8] != MAGIC {
        return Err(refuse());
    }
    let u32_at = |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]) as usize;
    if u32_at(8) != FORMAT as usize {
        return Err(format!("precompiled code of another format ({}; this engine reads {FORMAT})", u32_at(8)));
    }
    let (name_len, source_len, cache_len) = (u32_at(12), u32_at(16), u32_at(20));
    let mut sum = [0u8; 8];
    sum.copy_from_slice(&bytes[24..32]);
    let sum = u64::from_le_bytes(sum);
    if HEADER + name_len + source_len + cache_len != bytes.len() {
        return Err(refuse());
    }
    let name = &bytes[HEADER..HEADER + name_len];
    let source = &bytes[HEADER + name_len..HEADER + name_len + source_len];
    let cache = &bytes[HEADER + name_len + source_len..];
    if std::str::from_utf8(name).is_err() || std::str::from_utf8(source).is_err() {
        return Err(refuse());
    }
    let cache = if checksum(cache) == sum { cache } else { &[][..] };
    Ok(Precompiled { name, source, cache })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let bytes = encode("a.js", "1 + 1", &[1, 2, 3]).unwrap();
        let p = decode(&bytes).unwrap();
        assert_eq!((p.name, p.source, p.cache), (&b"a.js"[..], &b"1 + 1"[..], &[1u8, 2, 3][..]));
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode(&[0xff; 64]).is_err());
        assert!(decode(b"").is_err());
        let mut damaged = bytes.clone();
        *damaged.last_mut().unwrap() ^= 1;
        assert_eq!(decode(&damaged).unwrap().cache, &[] as &[u8], "a damaged cache is dropped, not used");
    }
}
