//! One generated transaction of each kind: what it does and why it meets the others.

use jsvm_test_util::{action, set_code};
use jsvm_tx::{Algorithm, KeyPair};
use jsvm_vm::{contract_json, Action, Transaction};
use serde_json::json;

use super::contracts::{bad_abi, store_abi, store_source, BAD_INIT, BAD_SYNTAX};
use super::{
    active_key, granted_key, iost_limit, public, transfer, Gen, Kind, Store, ADMIN, HOT, KEYED, LOW_GAS, SECOND,
};

impl Gen {
    /// Appends a transaction of `kind` to the block (with a companion or two for some kinds:
    /// a call before a deploy, a transfer to an account before it is made).
    pub(super) fn make(&mut self, kind: Kind) {
        use Kind::*;
        match kind {
            ColdTransfer => {
                let (Some(from), Some(to)) = (self.unused_cold(), self.unused_cold()) else {
                    return self.make(HotTransfer);
                };
                let amount = self.amount(50);
                let mut tx = self.tx(&from, vec![transfer(&from, &to, &amount, "cold")]);
                if self.rng.chance(10) {
                    tx = tx.with_amount_limit(iost_limit(if self.rng.chance(50) { "100" } else { "0.5" }));
                }
                self.push(kind, tx);
            }
            HotTransfer => {
                let i = self.rng.below(HOT as u64) as usize;
                let from = self.hot[i].clone();
                let to = if self.rng.chance(80) {
                    // Another hot account (to oneself moves nothing).
                    self.hot[(i + 1 + self.rng.below(HOT as u64 - 1) as usize) % HOT].clone()
                } else {
                    self.rng.pick(&self.cold).clone()
                };
                let amount = self.amount(400);
                let tx = self.tx(&from, vec![transfer(&from, &to, &amount, "hot")]);
                self.push(kind, tx);
            }
            Overspend => {
                let from = self.rng.pick(&self.hot).clone();
                let to = self.rng.pick(&self.cold).clone();
                let tx = match self.rng.below(4) {
                    0 => self.tx(&from, vec![transfer(&from, &to, "90000000", "too much")]),
                    1 => self.tx(&from, vec![transfer(&from, &to, "10", "")]).with_amount_limit(iost_limit("1")),
                    2 => self.tx(&from, vec![transfer(&from, &to, "10", "")]).with_amount_limit(Vec::new()),
                    // Two transfers of which the second finds the balance spent.
                    _ => {
                        let amount = self.amount(2_000);
                        let actions = vec![transfer(&from, &to, &amount, ""), transfer(&from, &to, &amount, "")];
                        self.tx(&from, actions)
                    }
                };
                self.push(kind, tx);
            }
            Freeze => {
                let from = self.rng.pick(&self.hot).clone();
                let to = self.rng.pick(&self.hot).clone();
                let until = self.time + self.rng.below(4) * SECOND;
                let amount = self.amount(20);
                let a = action("token.iost", "transferFreeze", json!(["iost", from, to, amount, until, "frozen"]));
                let tx = self.tx(&from, vec![a]);
                self.push(kind, tx);
            }
            StoreCall => {
                let id = self.store();
                let a = self.store_action(&id);
                let who = self.anyone();
                let tx = self.tx(&who, vec![a]);
                self.push(kind, tx);
            }
            Peek => {
                let (a, b) = (self.store(), self.store());
                let (who, k) = (self.anyone(), self.rng.below(5));
                let tx = self.tx(&who, vec![action(&a, "peek", json!([b, k]))]);
                self.push(kind, tx);
            }
            Nested => {
                let (s, o, k) = (self.store(), self.store(), self.rng.below(5));
                let a = match self.rng.below(3) {
                    0 => action(&self.proxy, "nested", json!([s, k])),
                    1 => action(&self.proxy, "chain", json!([s, o, k])),
                    _ => action(&self.proxy, "viaAuth", json!([s, k])),
                };
                let who = self.anyone();
                let tx = self.tx(&who, vec![a]);
                self.push(kind, tx);
            }
            Relay => {
                let (s, k, fail) = (self.store(), self.rng.below(5), self.rng.chance(40));
                let who = self.anyone();
                let tx = self.tx(&who, vec![action(&self.proxy, "relay", json!([s, k, fail]))]);
                self.push(kind, tx);
            }
            Rollback => {
                let id = self.store();
                let who = self.anyone();
                let boom = action(&id, "boom", json!([self.rng.below(5)]));
                let tx = if self.rng.chance(50) {
                    self.tx(&who, vec![boom])
                } else {
                    // Writes by earlier actions, then one that throws: all of it undone.
                    let first = self.store_action(&id);
                    let other = self.store();
                    let second = self.store_action(&other);
                    self.tx(&who, vec![first, second, boom])
                };
                self.push(kind, tx);
            }
            MultiAction => {
                let n = self.rng.range(2, 4);
                let mut actions = Vec::new();
                let who = self.anyone();
                for _ in 0..n {
                    if self.rng.chance(25) {
                        let to = self.rng.pick(&self.hot).clone();
                        let amount = self.amount(5);
                        actions.push(transfer(&who, &to, &amount, "multi"));
                    } else {
                        let id = self.store();
                        actions.push(self.store_action(&id));
                    }
                }
                let tx = self.tx(&who, actions);
                self.push(kind, tx);
            }
            Deploy => {
                let owner = if self.rng.chance(60) { ADMIN.to_string() } else { self.rng.pick(&self.cold).clone() };
                let v = self.next_version;
                self.next_version += 1;
                let tx = self.tx(&owner, vec![set_code(&store_source(v), &store_abi(v))]);
                let id = jsvm_runtime::contract_id_for(&tx.hash());
                if self.rng.chance(30) && !self.txs.is_empty() {
                    // A call placed before the deploy: the contract does not exist yet.
                    let a = self.store_action(&id);
                    let who = self.anyone();
                    let early = self.tx(&who, vec![a]);
                    let at = self.rng.below(self.txs.len() as u64 + 1) as usize;
                    self.txs.insert(at, early);
                    self.kinds.insert(at, CallBeforeDeploy);
                }
                self.push(kind, tx);
                self.new_stores.push(id.clone());
                self.stores.push(Store { id, owner });
            }
            BadDeploy => {
                let code = if self.rng.chance(50) { BAD_INIT } else { BAD_SYNTAX };
                let who = self.anyone();
                let tx = self.tx(&who, vec![set_code(code, &bad_abi())]);
                let id = jsvm_runtime::contract_id_for(&tx.hash());
                self.push(kind, tx);
                let tx = self.tx(&who, vec![action(&id, "get", json!([]))]);
                self.push(Error, tx);
            }
            Update => {
                let i = self.rng.below(self.stores.len() as u64) as usize;
                let (id, owner) = (self.stores[i].id.clone(), self.stores[i].owner.clone());
                let v = self.next_version;
                self.next_version += 1;
                let code = contract_json(&store_source(v), &store_abi(v), Some(&id));
                let data = if self.rng.chance(80) { "yes" } else { "no" };
                // Now and then by someone who does not own it.
                let who = if self.rng.chance(85) { owner } else { self.rng.pick(&self.hot).clone() };
                let tx = self.tx(&who, vec![Action::update_code(code, data)]);
                self.push(kind, tx);
                self.new_stores.push(id);
            }
            CallNew => {
                let id =
                    if self.new_stores.is_empty() { self.store() } else { self.rng.pick(&self.new_stores).clone() };
                let who = self.anyone();
                let a = if self.rng.chance(30) {
                    let m = self.rng.below(3);
                    action(&id, "extra", json!([m]))
                } else {
                    self.store_action(&id)
                };
                let tx = self.tx(&who, vec![a]);
                self.push(kind, tx);
            }
            OutOfGas => {
                let id = self.store();
                let who = self.anyone();
                let n = *self.rng.pick(&[10u64, 200, 5_000, 100_000]);
                let a = if self.rng.chance(50) {
                    action(&id, "spin", json!([n]))
                } else {
                    action(&self.proxy, "spinIn", json!([id, n]))
                };
                let gas = *self.rng.pick(&LOW_GAS);
                let tx = self.tx(&who, vec![a]).with_gas_limit(gas);
                self.push(kind, tx);
            }
            Error => {
                let id = self.store();
                let who = self.anyone();
                let a = match self.rng.below(4) {
                    0 => action(&id, "nothing", json!([])),
                    1 => action(&id, "inc", json!(["not a number"])),
                    2 => action("ContractNone", "inc", json!([1, 1])),
                    _ => action(&id, "init", json!([])),
                };
                let tx = self.tx(&who, vec![a]);
                self.push(kind, tx);
            }
            SignUp => {
                self.next_account += 1;
                let name = format!("new{}", self.next_account);
                // A transfer to it before it exists fails; after, it lands.
                let from = self.rng.pick(&self.hot).clone();
                let tx = self.tx(&from, vec![transfer(&from, &name, "1", "early")]);
                let at = self.rng.below(self.txs.len() as u64 + 1) as usize;
                self.txs.insert(at, tx);
                self.kinds.insert(at, SignUp);
                let keys = (format!("{name}-owner"), format!("{name}-active"));
                let actions = self.new_account(&name, &keys, "500", ("2000", "10000"));
                let tx = self.tx(ADMIN, actions);
                self.push(kind, tx);
                let to = self.rng.pick(&self.cold).clone();
                let tx = self.tx(&name, vec![transfer(&name, &to, "2", "late")]);
                self.push(kind, tx);
                self.cold.push(name);
            }
            TokenContract => {
                let who = if self.rng.chance(70) {
                    self.rng.pick(&self.hot).clone()
                } else {
                    self.rng.pick(&self.cold).clone()
                };
                let to = self.rng.pick(&self.hot).clone();
                let (amount, fail) = (self.amount(80), self.rng.chance(30));
                let a = match self.rng.below(3) {
                    0 => action(&self.proxy, "pay", json!([who, amount])),
                    1 => action(&self.proxy, "collect", json!([who, amount])),
                    _ => action(&self.proxy, "move", json!([who, to, amount, fail])),
                };
                let tx = self.tx(&who, vec![a]);
                self.push(kind, tx);
            }
            PayerRam => {
                let id = self.store();
                let who =
                    if self.charged && self.rng.chance(30) { self.rng.pick(&self.poor).clone() } else { self.anyone() };
                let (len, k) = (*self.rng.pick(&[1usize, 40, 400, 3_000]), self.rng.below(5));
                let tx = self.tx(&who, vec![action(&id, "own", json!([k, "r".repeat(len)]))]);
                self.push(kind, tx);
            }
            Poor => {
                if self.poor.is_empty() {
                    return self.make(StoreCall);
                }
                // Short of gas for the default limit (left out), or enough for a small one.
                let who = self.rng.pick(&self.poor).clone();
                let to = self.rng.pick(&self.hot).clone();
                let amount = self.amount(3);
                let mut tx = self.tx(&who, vec![transfer(&who, &to, &amount, "poor")]);
                if self.rng.chance(60) {
                    tx = tx.with_gas_limit(*self.rng.pick(&[1_000u64, 2_500, 3_000]));
                }
                self.push(kind, tx);
            }
            Signed => {
                let i = self.rng.below(KEYED as u64) as usize;
                let who = self.keyed[i].clone();
                // Its active key (always good), a granted key (good while granted), a stranger's.
                let (key, expired) = match self.rng.below(10) {
                    0..=2 => (active_key(i), false),
                    3..=7 => (granted_key(self.rng.below(2)), false),
                    8 => (KeyPair::from_seed(Algorithm::Ed25519, &[99; 32]), false),
                    _ => (active_key(i), true),
                };
                let a = if self.rng.chance(60) {
                    let to = self.rng.pick(&self.hot).clone();
                    let amount = self.amount(10);
                    jsvm_tx::Action::new(
                        "token.iost",
                        "transfer",
                        json!(["iost", who, to, amount, "signed"]).to_string(),
                    )
                } else {
                    let id = self.store();
                    let a = self.store_action(&id);
                    jsvm_tx::Action::new(a.contract, a.action_name, a.data)
                };
                self.clock += 1;
                // Made just before the block (or long before: expired at its time).
                let made = if expired { self.clock } else { self.time - 2 * SECOND + self.clock % SECOND };
                let mut tx = jsvm_tx::Tx::new(made as i64, 1024, 1_000_000, vec![a]);
                tx.amount_limit = vec![jsvm_tx::AmountLimit { token: "*".into(), value: "unlimited".into() }];
                tx.add_publish_sign(&who, &key);
                self.push(kind, Transaction::from_iost(tx).unwrap());
            }
            Permission => {
                let i = self.rng.below(KEYED as u64) as usize;
                let who = self.keyed[i].clone();
                // The items: a granted key, or cold0's active permission.
                let item = match self.rng.below(3) {
                    0 => "cold0@active".to_string(),
                    j => public(granted_key(j - 1)),
                };
                let owner = vec![format!("{who}@owner")];
                let tx = match self.rng.below(10) {
                    0..=3 => {
                        let a = action("auth.iost", "assignPermission", json!([who, "active", item, 100]));
                        self.tx(&who, vec![a]).with_signers(owner)
                    }
                    4..=6 => {
                        let a = action("auth.iost", "revokePermission", json!([who, "active", item]));
                        self.tx(&who, vec![a]).with_signers(owner)
                    }
                    // cold0 asks a contract whether it may act for the account.
                    _ => {
                        let id = self.store();
                        self.tx("cold0", vec![action(&id, "auth", json!([who, "active"]))])
                    }
                };
                self.push(kind, tx);
            }
            Setup | CallBeforeDeploy => unreachable!(),
        }
    }
}
