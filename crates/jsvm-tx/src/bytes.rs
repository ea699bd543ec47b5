//! IOST's "simple" encoding (go-iost `common.SimpleEncoder`) and the three byte levels of a transaction.

use sha3::{Digest, Sha3_256};

use crate::keys::Signature;
use crate::tx::Tx;

/// How much of a transaction its bytes cover (go-iost `tx.ToBytesLevel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// What signers sign.
    Base,
    /// Base plus the signers' signatures: what the publisher signs.
    Publish,
    /// Everything: the transaction's hash and size.
    Full,
}

/// Big-endian integers; byte strings, strings and lists behind a 32-bit length or count.
#[derive(Default)]
struct Encoder {
    out: Vec<u8>,
}

impl Encoder {
    fn int64(&mut self, value: i64) {
        self.out.extend_from_slice(&value.to_be_bytes());
    }

    fn int32(&mut self, value: i32) {
        self.out.extend_from_slice(&value.to_be_bytes());
    }

    /// A length as IOST writes it: Go's `int32(len(x))`, so lengths past 2³¹ wrap exactly as there.
    fn length(&mut self, len: usize) {
        self.int32(len as i32);
    }

    fn bytes(&mut self, value: &[u8]) {
        self.length(value.len());
        self.out.extend_from_slice(value);
    }

    fn list<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Encoder, &T)) {
        self.length(items.len());
        for each in items {
            item(self, each);
        }
    }

    /// A nested structure: its own encoding, written as one byte string.
    fn nested(&mut self, fill: impl FnOnce(&mut Encoder)) {
        let mut inner = Encoder::default();
        fill(&mut inner);
        self.bytes(&inner.out);
    }
}

fn signature(encoder: &mut Encoder, signature: &Signature) {
    encoder.nested(|inner| {
        inner.out.push(signature.algorithm.wire_byte());
        inner.bytes(&signature.signature);
        inner.bytes(&signature.public_key);
    });
}

/// The transaction's bytes at `level` (go-iost `Tx.ToBytes`).
pub(crate) fn tx_bytes(tx: &Tx, level: Level) -> Vec<u8> {
    let mut e = Encoder::default();
    e.int64(tx.time);
    e.int64(tx.expiration);
    e.int64(tx.gas_ratio);
    e.int64(tx.gas_limit);
    e.int64(tx.delay);
    // Go writes the uint32 chain id as int32: the same four bytes.
    e.out.extend_from_slice(&tx.chain_id.to_be_bytes());
    e.bytes(&tx.reserved);
    e.list(&tx.signers, |e, signer| e.bytes(signer.as_bytes()));
    e.list(&tx.actions, |e, action| {
        e.nested(|inner| {
            inner.bytes(action.contract.as_bytes());
            inner.bytes(action.action_name.as_bytes());
            inner.bytes(action.data.as_bytes());
        })
    });
    e.list(&tx.amount_limit, |e, limit| {
        e.nested(|inner| {
            inner.bytes(limit.token.as_bytes());
            inner.bytes(limit.value.as_bytes());
        })
    });
    if level >= Level::Publish {
        e.list(&tx.signatures, signature);
    }
    if level >= Level::Full {
        e.bytes(&tx.referred_tx);
        e.bytes(tx.publisher.as_bytes());
        e.list(&tx.publisher_sigs, signature);
    }
    e.out
}

/// SHA3-256 (the standard, not Keccak), as go-iost's `common.Sha3`.
pub(crate) fn sha3(bytes: &[u8]) -> [u8; 32] {
    Sha3_256::digest(bytes).into()
}
