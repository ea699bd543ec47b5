//! The key spaces of the store. Every stored key starts with one tag byte, so
//! that consensus state (covered by the state root) never mixes with chain
//! records or node-local caches.

/// One top-level key space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum KeySpace {
    /// Contract-visible and system state; covered by the state root.
    State = b'S',
    /// Block records by height (big-endian).
    Block = b'B',
    /// Receipts by transaction hash.
    Receipt = b'R',
    /// Block heights (big-endian) by block hash.
    BlockHash = b'H',
    /// Store metadata: format marker, chain head.
    Meta = b'M',
    /// Node-local caches (compiled code); never part of consensus.
    Cache = b'C',
    /// Node-local indexes over committed blocks (an account's or a contract's transactions);
    /// never part of consensus, rebuilt from the blocks when missing.
    Index = b'I',
}

impl KeySpace {
    /// `tag ++ suffix`.
    pub fn key(self, suffix: &[u8]) -> Vec<u8> {
        let mut k = Vec::with_capacity(1 + suffix.len());
        k.push(self as u8);
        k.extend_from_slice(suffix);
        k
    }
}

pub(crate) const META_FORMAT: &[u8] = b"Mformat";
pub(crate) const META_HEAD: &[u8] = b"Mhead";
/// Written in the first batch of every jsvm store; checked on open.
pub(crate) const FORMAT_MARKER: &str = "jsvm-state/1";

pub(crate) fn block_key(height: u64) -> Vec<u8> {
    KeySpace::Block.key(&height.to_be_bytes())
}
