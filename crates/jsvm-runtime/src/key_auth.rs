//! IOST's authority over a signed transaction's claims: whether the keys that signed it satisfy
//! each signer it names (`name@perm`) and its publisher (`publisher@active`). Unlike
//! `requireAuth` inside contracts ([`crate::AuthCheck`]), key items count here and the
//! transaction's signer list does not: a claim holds only through signatures.

use std::collections::BTreeSet;

use jsvm_state::TxState;

use crate::auth::{load_account, MAX_AUTH_DEPTH};

/// The base58 public keys of a transaction's signatures. Whether the signatures are valid is
/// checked before (a transaction with an invalid one never gets this far).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SigningKeys {
    /// Keys that signed the transaction's base hash (as its signers).
    pub signer: BTreeSet<String>,
    /// Keys that signed it as its publisher.
    pub publisher: BTreeSet<String>,
}

/// Which claim is checked, and so which keys count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRole {
    /// A claimed signer: signers' and publisher's keys count.
    Signer,
    /// The publisher's `active`: only the publisher's keys count.
    Publisher,
}

impl SigningKeys {
    fn counts(&self, key: &str, role: KeyRole) -> bool {
        self.publisher.contains(key) || (role == KeyRole::Signer && self.signer.contains(key))
    }
}

/// Whether `keys` satisfy `id@perm` in `state`, in `role`: the weights of the permission's items
/// (its own and its groups') that hold reach its threshold, where a key item holds when it signed
/// and an account item when its permission holds in turn (each `name@perm` visited once). An
/// unknown custom permission falls back to `active`, `active` to `owner`; an account without a
/// record holds nothing.
pub fn keys_satisfy(state: &TxState, keys: &SigningKeys, role: KeyRole, id: &str, perm: &str) -> Result<bool, String> {
    KeyCheck { state, keys, role, visited: BTreeSet::new() }.holds(id, perm, 0)
}

struct KeyCheck<'a> {
    state: &'a TxState,
    keys: &'a SigningKeys,
    role: KeyRole,
    visited: BTreeSet<(String, String)>,
}

impl KeyCheck<'_> {
    fn holds(&mut self, id: &str, perm: &str, depth: usize) -> Result<bool, String> {
        if depth > MAX_AUTH_DEPTH || !self.visited.insert((id.to_string(), perm.to_string())) {
            return Ok(false);
        }
        let Some((account, _)) = load_account(self.state, id)? else {
            return Ok(false);
        };
        let Some(p) = account.permissions.get(perm) else {
            if perm == "owner" || perm == "active" {
                return Ok(false);
            }
            return self.holds(id, "active", depth + 1);
        };
        let mut weight = 0u64;
        for item in p.all_items(&account) {
            let holds = if item.is_key_pair {
                self.keys.counts(&item.id, self.role)
            } else {
                self.holds(&item.id, &item.permission, depth + 1)?
            };
            if holds {
                weight = weight.saturating_add(item.weight);
                if p.threshold > 0 && weight >= p.threshold {
                    return Ok(true);
                }
            }
        }
        match perm {
            "owner" => Ok(false),
            "active" => self.holds(id, "owner", depth + 1),
            _ => self.holds(id, "active", depth + 1),
        }
    }
}
