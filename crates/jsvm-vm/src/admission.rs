//! What a node asks before it takes a transaction ([`VmManager::check_tx`], IOST's txpool and
//! `VerifySelf` checks), and the signature checks of signed transactions, run on the worker
//! pool's threads and remembered (a bounded set) so that a block need not repeat them.

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::sync::{Arc, Mutex};

use jsvm_runtime::Signer;
use jsvm_state::{StateRead, TxState};

use crate::signing::{self, MAX_CLOCK_AHEAD_NS};
use crate::{amount_limit, Transaction, VmError, VmManager};

/// Most transaction hashes remembered as having valid signatures.
const MAX_VERIFIED: usize = 65_536;

/// Hashes of transactions whose signatures were found valid, the oldest forgotten first.
#[derive(Default)]
pub(crate) struct Verified {
    set: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
}

impl Verified {
    fn contains(&self, hash: &[u8; 32]) -> bool {
        self.set.contains(hash)
    }

    fn insert(&mut self, hash: [u8; 32]) {
        if !self.set.insert(hash) {
            return;
        }
        self.order.push_back(hash);
        if self.order.len() > MAX_VERIFIED {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
    }
}

fn invalid(m: impl Into<String>) -> VmError {
    VmError::InvalidTx(m.into())
}

/// A block's transaction that passed its own checks: its hash, the length of its canonical
/// encoding, the signers it claims and its stored form (for the block's record).
pub(crate) struct Admitted {
    pub(crate) hash: [u8; 32],
    pub(crate) size: usize,
    pub(crate) signers: Vec<Signer>,
    pub(crate) stored: Vec<u8>,
}

/// What a block checks of one transaction alone, each check's answer kept so that the block
/// reports the first failure in the same order whoever computed them.
struct OwnChecks {
    hash: [u8; 32],
    size: usize,
    stored: Vec<u8>,
    /// Its shape (the signers it claims).
    shape: Result<Vec<Signer>, VmError>,
    /// Whether it is on chain already (asked only of a well-formed one).
    on_chain: Result<bool, VmError>,
    /// A signed one's own fields, or its absence where signatures are required.
    envelope: Result<(), VmError>,
}

impl VmManager {
    /// Whether a node should take `tx` now (`now_ns`: its clock, ns since the epoch), as IOST's
    /// transaction pool decides: its shape; signed where [`crate::VmConfig::require_signatures`]
    /// says so; for a signed one the chain id, delay 0, time before expiration, size and gas
    /// bounds, time at most 30 s ahead of `now_ns` and not expired at it, every signature valid,
    /// and its claimed signers and publisher satisfied by its keys in the head state; its amount
    /// limits' tokens known; not already on chain. Signatures are checked on a worker thread.
    /// Each refusal is an [`VmError::InvalidTx`] that says why.
    pub fn check_tx(&self, tx: &Transaction, now_ns: i64) -> Result<(), VmError> {
        tx.validate()?;
        self.check_envelope(tx)?;
        let hash = tx.hash();
        if let Some(signed) = tx.signed() {
            if signed.time > now_ns.saturating_add(MAX_CLOCK_AHEAD_NS) {
                return Err(invalid(format!(
                    "tx.time is too far ahead (tx.time: {}, now: {now_ns}); please sync the clock",
                    signed.time
                )));
            }
            if signing::expired(signed, now_ns) {
                return Err(invalid(format!(
                    "tx is expired (tx.time: {}, expiration: {}, now: {now_ns})",
                    signed.time, signed.expiration
                )));
            }
        }
        if self.store.receipt(&hash)?.is_some() {
            return Err(invalid(format!("transaction {} is already on chain", bs58::encode(hash).into_string())));
        }
        let (_, head_state) = self.store.snapshot();
        amount_limit::check_tx_tokens(&TxState::new(head_state.clone()), &tx.amount_limit)?;
        let Some(signed) = tx.signed.clone() else { return Ok(()) };
        let claims = tx.clone();
        let verified = self.verified.clone();
        let answer = self.pool.spawn_task(move || {
            signed.verify_signatures().map_err(|e| invalid(e.to_string()))?;
            remember(&verified, hash);
            claims_hold(&claims, &signed, head_state)
        })?;
        answer.recv().map_err(|_| VmError::Internal("a worker died checking signatures".into()))?
    }

    /// Checks a block's transactions before anything runs: each one's shape, that none is on
    /// chain, in `pending` or twice in the block, each signed one's own fields, then every
    /// signature not checked before. The first failure, in that order and block order, rejects
    /// the block. A big block's own checks (encoding, hashing, a store lookup each) run on several
    /// threads.
    pub(crate) fn admit_block(
        &self,
        txs: &[Transaction],
        pending: &HashSet<[u8; 32]>,
    ) -> Result<Vec<Admitted>, VmError> {
        let own = |tx: &Transaction| {
            let (hash, size, stored) = tx.hash_size_and_stored();
            let shape = tx.validate_sized(size);
            let on_chain = match shape {
                Ok(_) => self.store.receipt(&hash).map(|r| r.is_some()).map_err(VmError::from),
                Err(_) => Ok(false),
            };
            OwnChecks { hash, size, stored, shape, on_chain, envelope: self.check_envelope(tx) }
        };
        let threads = self.block_work_threads(txs.len());
        let checks: Vec<OwnChecks> = if threads > 1 {
            let chunk = txs.len().div_ceil(threads);
            std::thread::scope(|s| {
                let parts: Vec<_> =
                    txs.chunks(chunk).map(|part| s.spawn(move || part.iter().map(own).collect::<Vec<_>>())).collect();
                parts.into_iter().flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
            })
        } else {
            txs.iter().map(own).collect()
        };
        let mut seen = BTreeSet::new();
        let mut admitted = Vec::with_capacity(txs.len());
        let mut envelopes = Vec::with_capacity(txs.len());
        for c in checks {
            let signers = c.shape?;
            if !seen.insert(c.hash) || pending.contains(&c.hash) || c.on_chain? {
                return Err(invalid(format!(
                    "transaction {} was already executed",
                    bs58::encode(c.hash).into_string()
                )));
            }
            envelopes.push(c.envelope);
            admitted.push(Admitted { hash: c.hash, size: c.size, signers, stored: c.stored });
        }
        envelopes.into_iter().collect::<Result<(), VmError>>()?;
        let hashes: Vec<[u8; 32]> = admitted.iter().map(|a| a.hash).collect();
        self.verify_signatures_hashed(txs, &hashes)?;
        Ok(admitted)
    }

    /// A signed transaction's own fields, or its absence where signatures are required.
    pub(crate) fn check_envelope(&self, tx: &Transaction) -> Result<(), VmError> {
        match tx.signed() {
            Some(signed) => signing::check_fields(signed, self.config.chain_id),
            None if self.config.require_signatures => Err(invalid(format!(
                "transaction {} is not signed, and this chain takes signed transactions only",
                bs58::encode(tx.hash()).into_string()
            ))),
            None => Ok(()),
        }
    }

    /// Checks the signatures of the signed transactions among `txs` not checked before, in
    /// parallel on the worker pool; the first invalid one is an error naming its transaction.
    pub(crate) fn verify_signatures(&self, txs: &[Transaction]) -> Result<(), VmError> {
        let hashes: Vec<[u8; 32]> = txs.iter().map(Transaction::hash).collect();
        self.verify_signatures_hashed(txs, &hashes)
    }

    /// [`VmManager::verify_signatures`] for a caller that has each transaction's hash.
    fn verify_signatures_hashed(&self, txs: &[Transaction], hashes: &[[u8; 32]]) -> Result<(), VmError> {
        let mut pending = Vec::new();
        for (tx, &hash) in txs.iter().zip(hashes) {
            let Some(signed) = tx.signed.clone() else { continue };
            if self.verified.lock().unwrap_or_else(|e| e.into_inner()).contains(&hash) {
                continue;
            }
            pending.push((hash, self.pool.spawn_task(move || signed.verify_signatures().map(|_| ()))?));
        }
        for (hash, answer) in pending {
            let checked = answer.recv().map_err(|_| VmError::Internal("a worker died checking signatures".into()))?;
            checked.map_err(|e| invalid(format!("transaction {}: {e}", bs58::encode(hash).into_string())))?;
            remember(&self.verified, hash);
        }
        Ok(())
    }
}

fn remember(verified: &Mutex<Verified>, hash: [u8; 32]) {
    verified.lock().unwrap_or_else(|e| e.into_inner()).insert(hash);
}

/// Whether `tx`'s claimed signers and publisher hold by `signed`'s keys in `state`.
fn claims_hold(tx: &Transaction, signed: &jsvm_tx::Tx, state: Arc<dyn StateRead>) -> Result<(), VmError> {
    let keys = signing::signing_keys(signed);
    match signing::unauthorized(tx, &keys, &TxState::new(state)).map_err(VmError::Internal)? {
        Some(reason) => Err(invalid(reason)),
        None => Ok(()),
    }
}
