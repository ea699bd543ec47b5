use std::collections::BTreeMap;

use jsvm_state::TxState;
use serde::{Deserialize, Serialize};

use crate::storage;

/// One `name@permission` a transaction carries.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Signer {
    /// The account id that signed (the part before `@`).
    pub name: String,
    /// The permission the signature stands for (`active`, `owner` or a custom one; the part after `@`).
    pub permission: String,
}

/// Most bytes in an account name or a permission name.
pub(crate) const MAX_NAME_BYTES: usize = 64;

/// An account or permission name: 1..=64 bytes of `[A-Za-z0-9_.]`.
pub fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_NAME_BYTES && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

/// Parses `name@perm`.
pub fn parse_signer(s: &str) -> Result<Signer, String> {
    let (name, perm) = s.split_once('@').ok_or_else(|| format!("signer '{s}' must look like name@permission"))?;
    if !valid_name(name) || !valid_name(perm) {
        return Err(format!("signer '{s}': names are 1..=64 characters of A-Z a-z 0-9 _ ."));
    }
    Ok(Signer { name: name.into(), permission: perm.into() })
}

/// Whether the transaction's signer list authorises `id@perm`: the publisher
/// holds `active`, each signer its permission, and `owner` covers `active`.
pub(crate) fn is_authorized(publisher: &str, signers: &[Signer], id: &str, perm: &str) -> bool {
    let holds =
        |p: &str| (id == publisher && p == "active") || signers.iter().any(|s| s.name == id && s.permission == p);
    holds(perm) || (perm == "active" && holds("owner"))
}

/// The native contract that keeps accounts.
pub const AUTH_CONTRACT: &str = "auth.iost";
/// Its map of account id → account JSON.
pub const ACCOUNT_MAP: &str = "account";
/// How deep account items may refer to other accounts' permissions.
pub(crate) const MAX_AUTH_DEPTH: usize = 8;

/// IOST's rule: contract ids start with `Contract` or contain a dot (`token.iost`).
pub fn is_contract_id(id: &str) -> bool {
    id.starts_with("Contract") || id.contains('.')
}

/// An account: named permissions, each a threshold over weighted items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The account's name, the key it is stored under in [`ACCOUNT_MAP`].
    pub id: String,
    /// Permission name (`owner`, `active` or custom) → who holds it.
    pub permissions: BTreeMap<String, Permission>,
    /// Group name → items that every permission naming the group counts as its own (IOST's groups).
    /// Stored only when there is one, so accounts without groups keep their bytes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, Group>,
}

/// A named set of items several permissions can share ([`Permission::groups`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The keys and account permissions the group contributes.
    pub items: Vec<PermissionItem>,
}

/// One named permission of an [`Account`]: granted when the items that hold weigh at least `threshold`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    /// Total item weight needed; 0 means the items never grant it (only a signer holding it directly does).
    pub threshold: u64,
    /// The keys and account permissions that contribute weight.
    pub items: Vec<PermissionItem>,
    /// Groups of the account whose items count as this permission's too; stored only when non-empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

impl Permission {
    /// The permission's own items followed by those of its groups (a group the account lacks adds nothing).
    pub fn all_items<'a>(&'a self, account: &'a Account) -> impl Iterator<Item = &'a PermissionItem> + 'a {
        let grouped = self.groups.iter().filter_map(|g| account.groups.get(g)).flat_map(|g| g.items.iter());
        self.items.iter().chain(grouped)
    }
}

/// A key (satisfied only by signatures, which the node checks) or another
/// account's permission (`permission` non-empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionItem {
    /// A public key (when `is_key_pair`) or the account id whose permission counts.
    pub id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    /// The permission of account `id` that counts; empty for a key.
    pub permission: String,
    /// Whether `id` is a key; keys are checked by the node's signature verification, never here.
    pub is_key_pair: bool,
    /// Weight this item adds towards the permission's threshold when it holds.
    pub weight: u64,
}

/// Reads an account; `Ok(None)` when there is none.
pub fn load_account(state: &TxState, id: &str) -> Result<Option<(Account, usize)>, String> {
    let Some(text) = storage::map_get(state, AUTH_CONTRACT, ACCOUNT_MAP, id)? else {
        return Ok(None);
    };
    let account = serde_json::from_str(&text).map_err(|e| format!("account {id} is corrupt: {e}"))?;
    Ok(Some((account, text.len())))
}

/// What `blockchain.requireAuth` consults: the transaction's signers, the
/// contracts granted by `callWithAuth`, and the accounts' permission trees.
pub struct AuthCheck<'a> {
    /// The transaction's state, where account records are read.
    pub state: &'a TxState,
    /// The transaction's publisher, who holds its own `active` permission.
    pub publisher: &'a str,
    /// The `name@permission` signers the transaction carries.
    pub signers: &'a [Signer],
    /// Contracts granted authority by `callWithAuth` in the current call chain.
    pub auth_contracts: &'a [String],
    /// Account bytes read so far (the check's price grows with them).
    pub bytes_read: usize,
}

impl AuthCheck<'_> {
    /// Whether `id@perm` is authorised in this frame.
    pub fn require(&mut self, id: &str, perm: &str) -> Result<bool, String> {
        if is_contract_id(id) {
            return Ok(self.auth_contracts.iter().any(|c| c == id));
        }
        self.account(id, perm, 0)
    }

    fn account(&mut self, id: &str, perm: &str, depth: usize) -> Result<bool, String> {
        if is_authorized(self.publisher, self.signers, id, perm) {
            return Ok(true);
        }
        if depth >= MAX_AUTH_DEPTH {
            return Ok(false);
        }
        let known = |p: &str| p == "owner" || p == "active";
        let Some((account, bytes)) = load_account(self.state, id)? else {
            // No account record: only the signer list speaks for `id`.
            return Ok(!known(perm) && is_authorized(self.publisher, self.signers, id, "active"));
        };
        self.bytes_read += bytes;
        // An unknown permission falls back to active; active falls back to owner.
        let Some(p) = account.permissions.get(perm) else {
            return self.account(id, "active", depth + 1);
        };
        let mut weight = 0u64;
        for item in p.all_items(&account).filter(|i| !i.is_key_pair) {
            if self.account(&item.id, &item.permission, depth + 1)? {
                weight = weight.saturating_add(item.weight);
            }
        }
        if p.threshold > 0 && weight >= p.threshold {
            return Ok(true);
        }
        if perm == "active" {
            return self.account(id, "owner", depth + 1);
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signer_syntax() {
        assert_eq!(parse_signer("bob@active").unwrap(), Signer { name: "bob".into(), permission: "active".into() });
        for bad in ["bob", "@active", "bob@", "b ob@active", "bob@act-ive", "a@b@c"] {
            assert!(parse_signer(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn authorization_rules() {
        let signers = vec![parse_signer("carol@owner").unwrap(), parse_signer("dave@custom").unwrap()];
        assert!(is_authorized("alice", &signers, "alice", "active"));
        assert!(!is_authorized("alice", &signers, "alice", "owner"));
        assert!(is_authorized("alice", &signers, "carol", "active"));
        assert!(is_authorized("alice", &signers, "carol", "owner"));
        assert!(is_authorized("alice", &signers, "dave", "custom"));
        assert!(!is_authorized("alice", &signers, "dave", "active"));
        assert!(!is_authorized("alice", &signers, "eve", "active"));
    }
}
