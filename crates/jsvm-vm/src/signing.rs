//! Signed transactions: IOST's checks of their own fields (go-iost core/tx `VerifySelf`,
//! `CheckGas`, `CheckSize`, `IsExpired`) and of their claims at their turn in a block (vm
//! `PrepareTx`: every claimed signer and the publisher satisfied by the keys that signed).

use jsvm_runtime::{keys_satisfy, KeyRole, SigningKeys};
use jsvm_state::TxState;

use crate::{Transaction, VmError};

/// Longest signed transaction, IOST's full bytes.
pub(crate) const MAX_SIGNED_TX_BYTES: usize = 65_536;
/// How long after its `time` a transaction stays valid, whatever its expiration says (IOST's 90 s).
pub(crate) const MAX_LIFETIME_NS: i64 = 90_000_000_000;
/// How far ahead of the node's clock a transaction's `time` may be (IOST's txpool: 30 s).
pub(crate) const MAX_CLOCK_AHEAD_NS: i64 = 30_000_000_000;
/// IOST's gas ratio bounds, ×100 as in the transaction (1 to 100).
const GAS_RATIO_RANGE: std::ops::RangeInclusive<i64> = 100..=10_000;
/// IOST's gas limit bounds, ×100 as in the transaction (6,000 to 4,000,000 gas).
const GAS_LIMIT_RANGE: std::ops::RangeInclusive<i64> = 600_000..=400_000_000;

/// IOST's checks of a signed transaction's own fields, the signatures aside.
pub(crate) fn check_fields(tx: &jsvm_tx::Tx, chain_id: u32) -> Result<(), VmError> {
    let bad = |m: String| Err(VmError::InvalidTx(m));
    if tx.chain_id != chain_id {
        return bad(format!("invalid chain_id, should be {chain_id}, yours: {}", tx.chain_id));
    }
    if !(tx.time > 0 && tx.expiration > tx.time) {
        return bad(format!("invalid time and expiration: time {}, expiration {}", tx.time, tx.expiration));
    }
    if tx.delay != 0 {
        return bad(format!("invalid delay time {}: deferred transactions are not supported", tx.delay));
    }
    let size = tx.to_bytes().len();
    if size > MAX_SIGNED_TX_BYTES {
        return bad(format!("tx size illegal, should <= {MAX_SIGNED_TX_BYTES}, got {size}"));
    }
    if !GAS_RATIO_RANGE.contains(&tx.gas_ratio) {
        return bad(format!("gas ratio illegal, should in [1, 100], got {}", tx.gas_ratio as f64 / 100.0));
    }
    if !GAS_LIMIT_RANGE.contains(&tx.gas_limit) {
        return bad(format!("gas limit illegal, should in [6000, 4000000], got {}", tx.gas_limit as f64 / 100.0));
    }
    Ok(())
}

/// Whether `tx` has expired at `now` (ns): its expiration reached, or its time too long ago.
pub(crate) fn expired(tx: &jsvm_tx::Tx, now: i64) -> bool {
    tx.expiration <= now || now.saturating_sub(tx.time) > MAX_LIFETIME_NS
}

/// The keys of the signatures `tx` carries (checked valid before it gets here).
pub(crate) fn signing_keys(tx: &jsvm_tx::Tx) -> SigningKeys {
    SigningKeys {
        signer: tx.signatures.iter().map(|s| s.public_key_b58()).collect(),
        publisher: tx.publisher_sigs.iter().map(|s| s.public_key_b58()).collect(),
    }
}

/// Why `tx`'s claims do not hold in `state`, if they do not: each claimed signer `name@perm`
/// satisfied by the signers' and publisher's keys, the publisher's `active` by its own keys.
pub(crate) fn unauthorized(tx: &Transaction, keys: &SigningKeys, state: &TxState) -> Result<Option<String>, String> {
    for s in &tx.signers {
        let (name, perm) = s.split_once('@').unwrap_or((s.as_str(), ""));
        if !keys_satisfy(state, keys, KeyRole::Signer, name, perm)? {
            return Ok(Some(format!("unauthorized signer: {s}")));
        }
    }
    if !keys_satisfy(state, keys, KeyRole::Publisher, &tx.publisher, "active")? {
        return Ok(Some(format!("unauthorized publisher: {}", tx.publisher)));
    }
    Ok(None)
}

/// Why a block leaves the signed `tx` out at its turn, if it does: expired at the block's
/// time, or its claims unsatisfied in the state the transactions before it left.
pub(crate) fn left_out_at_turn(tx: &Transaction, state: &TxState, block_time: u64) -> Option<String> {
    let signed = tx.signed()?;
    let time = i64::try_from(block_time).unwrap_or(i64::MAX);
    if expired(signed, time) {
        return Some(format!(
            "expired: time {}, expiration {}, block time {block_time}",
            signed.time, signed.expiration
        ));
    }
    unauthorized(tx, &signing_keys(signed), state).unwrap_or_else(Some)
}
