//! jsvm-tx: IOST transactions exactly as IOST encodes, hashes and signs them, with the key pairs, signatures
//! and JSON forms that go with them. It depends on no other jsvm crate.
//!
//! # Bytes and hashes (go-iost `core/tx/tx.go`, `common/serialize.go`)
//!
//! IOST's "simple" encoding: integers big-endian (int64: 8 bytes, int32: 4); a byte string or a UTF-8 string is
//! an int32 length then the bytes; a list is an int32 count then its items; a nested structure is its own
//! encoding written as a byte string. A transaction's bytes are, in order:
//!
//! | level   | fields |
//! |---------|--------|
//! | base    | `time`, `expiration`, `gas_ratio`, `gas_limit`, `delay` (int64 each; gas ×100), `chain_id` (int32), `reserved` (bytes), `signers` (list of strings), `actions` (list of nested `contract`, `action_name`, `data`), `amount_limit` (list of nested `token`, `value`) |
//! | publish | base, then `signatures` (list of nested signatures) |
//! | full    | publish, then `referred_tx` (bytes), `publisher` (string), `publisher_sigs` (list of nested signatures) |
//!
//! A signature is nested as its algorithm byte (secp256k1 = 1, ed25519 = 2), then the signature bytes and the
//! public key bytes (each with its length). Hashes are SHA3-256 (the standard, not Keccak): signers sign the
//! base hash ([`Tx::base_hash`]), the publisher signs the publish hash ([`Tx::publish_hash`]), and the
//! transaction's hash is that of the full bytes ([`Tx::hash`]), shown in base58.
//!
//! # Keys and signatures (go-iost `crypto/`, the SDK's `lib/crypto`)
//!
//! Ed25519 signs the 32-byte hash as its message. Secp256k1 signs the hash as a prehashed digest and writes the
//! 64-byte `r || s`; verification refuses any other length and an S in the upper half of the group order.
//! Public keys are shown in base58 of their bytes: 32 bytes for ed25519, 33 (compressed point) for secp256k1
//! ([`decode_public_key`] tells them apart by that length). The SDK writes `r` and `s` without their leading zero
//! bytes, so about one secp256k1 signature in 128 that it makes is 63 bytes long: IOST refuses those, and so does
//! jsvm (the vectors hold one).
//!
//! Secret keys ([`KeyPair::from_secret_b58`]) are accepted in base58 as the SDK's `B58SecKey()` and iwallet
//! write them: **64 bytes** are an ed25519 secret key (the 32-byte seed followed by its 32-byte public key,
//! which must match the seed); **32 bytes** are a secp256k1 secret scalar (big-endian, 1 ≤ k < n), and shorter
//! secp256k1 scalars are read as if zero-padded on the left (the SDK drops the leading zero byte of a key it
//! generated). A bare 32-byte ed25519 seed is therefore read as secp256k1: write ed25519 keys in the 64-byte
//! form, as [`KeyPair::secret_key_b58`] does.
//!
//! # JSON
//!
//! [`Tx::from_gateway_json`] reads what `POST /sendTx` receives (IOST's `TransactionRequest` in proto3 JSON,
//! including the SDK's `JSON.stringify(tx)`; int64 as numbers or strings, gas figures as doubles that become
//! `int64(x * 100)`, truncated as Go does); [`Tx::to_gateway_json`] writes IOST's `Transaction`. The serde
//! form of [`Tx`] is jsvm's storage form (raw ×100 gas integers, base64 byte strings) and round-trips exactly.

mod bytes;
mod error;
mod gateway;
mod keys;
mod storage;
mod tx;

pub use error::TxError;
pub use keys::{decode_public_key, Algorithm, KeyPair, Signature};
pub use tx::{Action, AmountLimit, SignedBy, Tx, DEFAULT_EXPIRATION_NS, GAS_FIXED_POINT};
