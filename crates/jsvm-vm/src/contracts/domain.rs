//! `domain.iost`: names for contracts, with IOST's arguments, rules and messages
//! (vm/native/domain.go, vm/host/domain.go). `link(url, cid)` names a contract; an action
//! or `blockchain.call` that names a linked url calls its contract ([`resolve`]).
//! `transfer(url, to)` gives the name to another account. Names ending in `.iost` are
//! the admin's to give.
//!
//! State (maps of `domain.iost`): `dns_table` url → contract id, `dns_revert_table`
//! contract id → url, `dns_owner_table` url → owning account.

use jsvm_compiler::ArgType::{self, String as Str};
use jsvm_runtime::{storage, CallFrame, SYSTEM_CONTRACT};
use jsvm_state::TxState;

use super::{args, fail, find, method_types, text, Native, GENESIS_ADMIN};
use crate::exec::{Failure, TxRun};

pub(crate) const DOMAIN_CONTRACT: &str = "domain.iost";
pub(crate) const METHODS: &[(&str, &[ArgType])] = &[("link", &[Str, Str]), ("transfer", &[Str, Str])];
const DNS_TABLE: &str = "dns_table";
const DNS_REVERT_TABLE: &str = "dns_revert_table";
const DNS_OWNER_TABLE: &str = "dns_owner_table";
/// The permission that claims and gives names (falls back to `active`).
const DOMAIN_PERMISSION: &str = "domain";

/// The contract an action or call naming `contract` runs: the one linked to it when it is
/// a linked url, else `contract` itself. Contract ids (`Contract…`), `system.iost` and the
/// native contracts always name themselves. The lookup is not charged, as in IOST.
pub(crate) fn resolve(state: &TxState, contract: &str) -> Result<String, String> {
    if contract.starts_with("Contract") || contract == SYSTEM_CONTRACT || find(contract).is_some() {
        return Ok(contract.to_string());
    }
    Ok(storage::map_get(state, DOMAIN_CONTRACT, DNS_TABLE, contract)?.unwrap_or_else(|| contract.to_string()))
}

fn check_url(url: &str) -> Result<(), Failure> {
    if url.len() < 5 || url.len() > 16 {
        return Err(fail(format!("url invalid. url length should be between 5,16 got {url}")));
    }
    if !url.contains('.') {
        return Err(fail("url invalid. url must contain '.'"));
    }
    if let Some(c) = url.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '.')) {
        return Err(fail(format!("url invalid. url contains invalid character {c}")));
    }
    Ok(())
}

/// Runs `domain.iost/<frame.method>(data)`.
pub(crate) fn call(run: &mut TxRun, frame: &CallFrame, data: &str) -> Result<Vec<String>, Failure> {
    let a = args(&frame.method, method_types(DOMAIN_CONTRACT, &frame.method)?, data)?;
    let mut d = Native { run, frame, me: DOMAIN_CONTRACT };
    let (url, target) = (text(&a[0]), text(&a[1]));
    let applicant = d.run.tx.publisher.clone();
    if frame.method == "link" {
        check_url(url)?;
        if url.ends_with(".iost") && !d.require_auth(GENESIS_ADMIN, DOMAIN_PERMISSION)? {
            return Err(fail("only admin has permission to claim url .iost"));
        }
    }
    let owner = d.get(DNS_OWNER_TABLE, url)?;
    match (frame.method.as_str(), owner.as_deref()) {
        ("link", Some(o)) if o != applicant => return Err(fail("no privilege of claimed url")),
        ("transfer", None) => return Err(fail("url doesn't have owner. Link directly")),
        ("transfer", Some(o)) if o != applicant => return Err(fail("no privilege of claimed url")),
        _ => {}
    }
    if !d.require_auth(&applicant, DOMAIN_PERMISSION)? {
        return Err(fail("no permission of claimed url"));
    }
    if frame.method == "link" {
        // Kept by the chain, as IOST's native contracts keep their storage.
        d.put(DNS_TABLE, url, target, None)?;
        d.put(DNS_REVERT_TABLE, target, url, None)?;
        d.put(DNS_OWNER_TABLE, url, &applicant, None)?;
    } else {
        d.put(DNS_OWNER_TABLE, url, target, None)?;
    }
    Ok(Vec::new())
}
