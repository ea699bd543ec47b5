//! `auth.iost`: accounts and their permissions.
//!
//! An account has named permissions (`owner` and `active` at least), each a
//! threshold over weighted items: keys (satisfied by transaction signatures,
//! which the node checks and lists as signers) or other accounts' permissions
//! (`name@perm`). Groups are named item sets that permissions include by name
//! (IOST's permission groups). Changing an account needs its `owner` permission.

use jsvm_compiler::ArgType::{self, Number, String as Str};
use jsvm_runtime::{
    load_account, valid_name, Account, CallFrame, Group, Permission, PermissionItem, ACCOUNT_MAP, AUTH_CONTRACT,
};
use serde_json::Value;

use super::{args, fail, method_types, text, Native};
use crate::exec::{Failure, TxRun};

pub(crate) const ACCOUNT_CONTRACT: &str = AUTH_CONTRACT;
/// Most permissions (and most groups) an account may have, and most items in one.
const MAX_PERMISSIONS: usize = 16;
const MAX_ITEMS: usize = 16;
/// The weight of a signUp key and the threshold of the permissions signUp makes (IOST's).
const SIGN_UP_WEIGHT: u64 = 100;

pub(crate) const METHODS: &[(&str, &[ArgType])] = &[
    ("signUp", &[Str, Str, Str]),
    ("addPermission", &[Str, Str, Number]),
    ("dropPermission", &[Str, Str]),
    ("assignPermission", &[Str, Str, Str, Number]),
    ("revokePermission", &[Str, Str, Str]),
    ("addGroup", &[Str, Str]),
    ("dropGroup", &[Str, Str]),
    ("assignGroup", &[Str, Str, Str, Number]),
    ("revokeGroup", &[Str, Str, Str]),
    ("assignPermissionToGroup", &[Str, Str, Str]),
    ("revokePermissionInGroup", &[Str, Str, Str]),
];

/// Runs `auth.iost/<frame.method>(data)`.
pub(crate) fn call(run: &mut TxRun, frame: &CallFrame, data: &str) -> Result<Vec<String>, Failure> {
    let types = method_types(ACCOUNT_CONTRACT, &frame.method)?;
    let a = args(&frame.method, types, data)?;
    let mut n = Native { run, frame, me: ACCOUNT_CONTRACT };
    let id = text(&a[0]).to_string();
    if frame.method == "signUp" {
        let payer = n.run.tx.publisher.clone();
        sign_up(&mut n, &id, text(&a[1]), text(&a[2]), &payer)?;
        return Ok(Vec::new());
    }
    if !n.require_auth(&id, "owner")? {
        return Err(fail("require auth failed"));
    }
    let mut account = n.account(&id)?;
    let perm = text(&a[1]).to_string();
    check_permission_name(&perm)?;
    if !change_permissions(&mut account, &frame.method, &perm, &a)? {
        change_groups(&mut account, &frame.method, &perm, &a)?;
    }
    let payer = n.run.tx.publisher.clone();
    n.save(&account, &payer)?;
    Ok(Vec::new())
}

/// The permission methods; false when `method` is not one of them.
fn change_permissions(account: &mut Account, method: &str, perm: &str, a: &[Value]) -> Result<bool, Failure> {
    let perm = perm.to_string();
    match method {
        "addPermission" => {
            if account.permissions.contains_key(&perm) {
                return Err(fail("permission already exist"));
            }
            if account.permissions.len() >= MAX_PERMISSIONS {
                return Err(fail(format!("too many permissions, at most {MAX_PERMISSIONS}")));
            }
            let threshold = weight(&a[2])?;
            account.permissions.insert(perm, Permission { threshold, items: Vec::new(), groups: Vec::new() });
        }
        "dropPermission" => {
            if perm == "owner" || perm == "active" {
                return Err(fail("drop active or owner is forbidden"));
            }
            account.permissions.remove(&perm).ok_or_else(|| fail("permission not exist"))?;
        }
        "assignPermission" => {
            let item = parse_item(text(&a[2]), weight(&a[3])?)?;
            let p = account.permissions.get_mut(&perm).ok_or_else(|| fail("permission not exist"))?;
            assign_item(&mut p.items, item)?;
        }
        "revokePermission" => {
            let item = parse_item(text(&a[2]), 0)?;
            let p = account.permissions.get_mut(&perm).ok_or_else(|| fail("permission not exist"))?;
            revoke_item(&mut p.items, &item)?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

/// The group methods: `group` is the group's name, or the permission's for the last two.
fn change_groups(account: &mut Account, method: &str, name: &str, a: &[Value]) -> Result<(), Failure> {
    match method {
        "addGroup" => {
            if account.groups.contains_key(name) {
                return Err(fail("group already exist"));
            }
            if account.groups.len() >= MAX_PERMISSIONS {
                return Err(fail(format!("too many groups, at most {MAX_PERMISSIONS}")));
            }
            account.groups.insert(name.to_string(), Group { items: Vec::new() });
        }
        "dropGroup" => {
            account.groups.remove(name);
            for p in account.permissions.values_mut() {
                p.groups.retain(|g| g != name);
            }
        }
        "assignGroup" => {
            let item = parse_item(text(&a[2]), weight(&a[3])?)?;
            assign_item(&mut group(account, name)?.items, item)?;
        }
        "revokeGroup" => {
            let item = parse_item(text(&a[2]), 0)?;
            revoke_item(&mut group(account, name)?.items, &item)?;
        }
        "assignPermissionToGroup" => {
            let g = text(&a[2]);
            group(account, g)?;
            let p = account.permissions.get_mut(name).ok_or_else(|| fail("permission not exist"))?;
            if !p.groups.iter().any(|x| x == g) {
                p.groups.push(g.to_string());
            }
        }
        "revokePermissionInGroup" => {
            let p = account.permissions.get_mut(name).ok_or_else(|| fail("permission not exist"))?;
            p.groups.retain(|x| x != text(&a[2]));
        }
        _ => unreachable!("METHODS lists every method"),
    }
    Ok(())
}

fn group<'a>(account: &'a mut Account, name: &str) -> Result<&'a mut Group, Failure> {
    account.groups.get_mut(name).ok_or_else(|| fail("group does not exist"))
}

/// Adds `item` to `items`, or sets its weight when it is there already.
fn assign_item(items: &mut Vec<PermissionItem>, item: PermissionItem) -> Result<(), Failure> {
    items.retain(|i| !(i.id == item.id && i.permission == item.permission));
    if items.len() >= MAX_ITEMS {
        return Err(fail(format!("too many items, at most {MAX_ITEMS}")));
    }
    items.push(item);
    Ok(())
}

fn revoke_item(items: &mut Vec<PermissionItem>, item: &PermissionItem) -> Result<(), Failure> {
    let before = items.len();
    items.retain(|i| !(i.id == item.id && i.permission == item.permission));
    if items.len() == before {
        return Err(fail("item not found"));
    }
    Ok(())
}

fn weight(v: &Value) -> Result<u64, Failure> {
    v.as_i64().filter(|w| *w > 0).map(|w| w as u64).ok_or_else(|| fail("weight should be a positive number"))
}

fn check_permission_name(perm: &str) -> Result<(), Failure> {
    if perm.is_empty()
        || perm.len() > 32
        || !perm.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(fail(format!("permission name invalid: {perm:?} (1..=32 of a-z 0-9 _)")));
    }
    Ok(())
}

/// `name@perm` is another account's permission; anything else is a key.
fn parse_item(item: &str, weight: u64) -> Result<PermissionItem, Failure> {
    if item.is_empty() || item.len() > 128 {
        return Err(fail("permission item invalid: 1..=128 bytes"));
    }
    Ok(match item.split_once('@') {
        Some((id, permission)) => {
            if !valid_name(id) {
                return Err(fail(format!("permission item invalid: {item}")));
            }
            check_permission_name(permission)?;
            PermissionItem { id: id.into(), permission: permission.into(), is_key_pair: false, weight }
        }
        None => PermissionItem { id: item.into(), permission: String::new(), is_key_pair: true, weight },
    })
}

fn check_id(id: &str) -> Result<(), Failure> {
    if !valid_name(id) {
        return Err(fail(format!("id invalid: {id:?} (1..=64 of A-Z a-z 0-9 _ .)")));
    }
    if id.starts_with("Contract") || id.contains('.') {
        return Err(fail("id invalid. an account id can't start with 'Contract' or contain '.'"));
    }
    Ok(())
}

/// Creates account `id` with one key for `owner` and one for `active` (weight 100 of threshold
/// 100, as IOST's signUp; an empty key leaves the permission without items); `payer` pays its RAM.
pub(crate) fn sign_up(n: &mut Native, id: &str, owner_key: &str, active_key: &str, payer: &str) -> Result<(), Failure> {
    check_id(id)?;
    if n.get(ACCOUNT_MAP, id)?.is_some() {
        return Err(fail(format!("id existed > {id}")));
    }
    let key = |k: &str| -> Result<Permission, Failure> {
        let items = if k.is_empty() { Vec::new() } else { vec![parse_item(k, SIGN_UP_WEIGHT)?] };
        if items.iter().any(|i| !i.is_key_pair) {
            return Err(fail("signUp takes keys; assign account permissions with assignPermission"));
        }
        Ok(Permission { threshold: SIGN_UP_WEIGHT, items, groups: Vec::new() })
    };
    let mut account = Account { id: id.into(), permissions: Default::default(), groups: Default::default() };
    account.permissions.insert("owner".into(), key(owner_key)?);
    account.permissions.insert("active".into(), key(active_key)?);
    n.save(&account, payer)
}

impl Native<'_, '_> {
    fn account(&mut self, id: &str) -> Result<Account, Failure> {
        self.charge(self.run.schedule.storage_read)?;
        load_account(self.run.state, id)
            .map_err(Failure::Unknown)?
            .map(|(a, _)| a)
            .ok_or_else(|| fail(format!("account {id} not exists")))
    }

    fn save(&mut self, account: &Account, payer: &str) -> Result<(), Failure> {
        let text = serde_json::to_string(account).map_err(|e| Failure::Unknown(e.to_string()))?;
        self.put(ACCOUNT_MAP, &account.id, &text, Some(payer))
    }
}
