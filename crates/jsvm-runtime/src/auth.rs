/// One `name@permission` a transaction carries.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Signer {
    pub name: String,
    pub permission: String,
}

/// Most bytes in an account name or a permission name.
pub const MAX_NAME_BYTES: usize = 64;

/// An account or permission name: 1..=64 bytes of `[A-Za-z0-9_.]`.
pub fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_NAME_BYTES
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
}

/// Parses `name@perm`.
pub fn parse_signer(s: &str) -> Result<Signer, String> {
    let (name, perm) = s.split_once('@').ok_or_else(|| format!("signer '{s}' must look like name@permission"))?;
    if !valid_name(name) || !valid_name(perm) {
        return Err(format!("signer '{s}': names are 1..=64 characters of A-Z a-z 0-9 _ ."));
    }
    Ok(Signer { name: name.into(), permission: perm.into() })
}

/// Whether the transaction authorises `id@perm`: the publisher holds
/// `active`, each signer its permission, and `owner` covers `active`.
pub fn is_authorized(publisher: &str, signers: &[Signer], id: &str, perm: &str) -> bool {
    let holds = |p: &str| (id == publisher && p == "active") || signers.iter().any(|s| s.name == id && s.permission == p);
    holds(perm) || (perm == "active" && holds("owner"))
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
