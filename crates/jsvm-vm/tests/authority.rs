//! IOST's authority over signed transactions: the keys that signed must satisfy every claimed
//! signer (signers' and publisher's keys count) and the publisher's `active` (publisher's keys
//! only), through thresholds, weights, groups and other accounts' permissions, at the
//! transaction's turn in its block.

mod signing;

use serde_json::json;
use signing::{iost_tx, key, secp_key, sign, SignedChain, SECOND};

fn transfer(to: &str) -> (&'static str, &'static str, serde_json::Value) {
    ("token.iost", "transfer", json!(["iost", "admin", to, "1", ""]))
}

#[test]
fn the_admin_key_publishes_and_another_key_does_not() {
    let c = SignedChain::new();
    c.sign_up("bob", &key(3), &key(3));
    c.ok(sign(iost_tx(c.now(), &[], &[transfer("bob")]), &[], "admin", &[&c.admin]));
    let forged = sign(iost_tx(c.now(), &[], &[transfer("bob")]), &[], "admin", &[&key(9)]);
    assert_eq!(c.left_out(forged), "unauthorized publisher: admin");
}

#[test]
fn sign_up_keys_weigh_100_of_threshold_100_and_owner_covers_active() {
    let c = SignedChain::new();
    let (owner, active) = (key(2), secp_key(3));
    c.sign_up("alice", &owner, &active);
    let publish = |k: &jsvm_tx::KeyPair| {
        let tx = iost_tx(c.now(), &[], &[("token.iost", "balanceOf", json!(["iost", "alice"]))]);
        sign(tx, &[], "alice", &[k])
    };
    c.ok(publish(&active));
    c.ok(publish(&owner));
    assert_eq!(c.left_out(publish(&key(9))), "unauthorized publisher: alice");
}

#[test]
fn a_publisher_key_given_as_a_signer_signature_does_not_make_the_publisher() {
    let c = SignedChain::new();
    let alice = key(2);
    c.sign_up("alice", &alice, &alice);
    let tx = iost_tx(c.now(), &[], &[("token.iost", "balanceOf", json!(["iost", "alice"]))]);
    assert_eq!(c.left_out(sign(tx, &[&alice], "alice", &[&key(9)])), "unauthorized publisher: alice");
}

#[test]
fn a_claimed_signer_holds_by_a_signer_or_a_publisher_signature_and_not_without() {
    let c = SignedChain::new();
    let (alice, bob) = (key(2), key(3));
    c.sign_up("alice", &alice, &alice);
    c.sign_up("bob", &bob, &bob);
    let claim = || iost_tx(c.now(), &["bob@active"], &[("token.iost", "balanceOf", json!(["iost", "bob"]))]);
    c.ok(sign(claim(), &[&bob], "alice", &[&alice]));
    c.ok(sign(claim(), &[], "alice", &[&alice, &bob]));
    assert_eq!(c.left_out(sign(claim(), &[], "alice", &[&alice])), "unauthorized signer: bob@active");
    assert_eq!(c.left_out(sign(claim(), &[&key(9)], "alice", &[&alice])), "unauthorized signer: bob@active");
}

/// carol's `pay` (threshold 4): two keys of weight 2 each, a group, an account item.
fn carol_with_pay(c: &SignedChain) -> jsvm_tx::KeyPair {
    let carol = key(4);
    c.sign_up("carol", &carol, &carol);
    c.sign_up("dave", &key(7), &key(7));
    c.ok(c.as_owner("carol", &carol, "addPermission", json!(["carol", "pay", 4])));
    for k in [key(5), key(6)] {
        c.ok(c.as_owner("carol", &carol, "assignPermission", json!(["carol", "pay", k.public_key_b58(), 2])));
    }
    carol
}

fn pay_claim(c: &SignedChain, keys: &[&jsvm_tx::KeyPair]) -> jsvm_vm::Transaction {
    let tx = iost_tx(c.now(), &["carol@pay"], &[("token.iost", "balanceOf", json!(["iost", "carol"]))]);
    sign(tx, keys, "admin", &[&c.admin])
}

#[test]
fn weights_add_up_to_the_threshold() {
    let c = SignedChain::new();
    carol_with_pay(&c);
    assert_eq!(c.left_out(pay_claim(&c, &[&key(5)])), "unauthorized signer: carol@pay");
    c.ok(pay_claim(&c, &[&key(5), &key(6)]));
}

#[test]
fn an_unsatisfied_custom_permission_falls_back_to_active() {
    let c = SignedChain::new();
    carol_with_pay(&c);
    c.ok(pay_claim(&c, &[&key(4)]));
}

#[test]
fn group_items_count_for_the_permissions_that_name_the_group() {
    let c = SignedChain::new();
    let carol = carol_with_pay(&c);
    let owner = |m: &str, args| c.ok(c.as_owner("carol", &carol, m, args));
    owner("addGroup", json!(["carol", "g"]));
    owner("assignGroup", json!(["carol", "g", key(8).public_key_b58(), 4]));
    assert_eq!(c.left_out(pay_claim(&c, &[&key(8)])), "unauthorized signer: carol@pay");
    owner("assignPermissionToGroup", json!(["carol", "pay", "g"]));
    c.ok(pay_claim(&c, &[&key(8)]));
    owner("revokePermissionInGroup", json!(["carol", "pay", "g"]));
    assert_eq!(c.left_out(pay_claim(&c, &[&key(8)])), "unauthorized signer: carol@pay");
}

#[test]
fn group_methods_refuse_with_iosts_messages() {
    let c = SignedChain::new();
    let carol = carol_with_pay(&c);
    let failed = |m: &str, args, text: &str| {
        let out = c.block(vec![c.as_owner("carol", &carol, m, args)]);
        let r = &out.receipts[0];
        assert!(r.message.contains(text), "{m}: {:?} lacks {text:?}", r.message);
    };
    c.ok(c.as_owner("carol", &carol, "addGroup", json!(["carol", "g"])));
    failed("addGroup", json!(["carol", "g"]), "group already exist");
    failed("assignGroup", json!(["carol", "nog", "k", 1]), "group does not exist");
    failed("assignPermissionToGroup", json!(["carol", "pay", "nog"]), "group does not exist");
    failed("assignPermissionToGroup", json!(["carol", "nop", "g"]), "permission not exist");
    failed("revokeGroup", json!(["carol", "g", "k"]), "item not found");
    failed("assignGroup", json!(["carol", "g", "k", 0]), "weight should be a positive number");
    let stranger =
        sign(iost_tx(c.now(), &[], &[("auth.iost", "addGroup", json!(["carol", "h"]))]), &[], "admin", &[&c.admin]);
    let out = c.block(vec![stranger]);
    assert!(out.receipts[0].message.contains("require auth failed"), "{}", out.receipts[0].message);
}

#[test]
fn dropping_a_group_takes_its_items_away() {
    let c = SignedChain::new();
    let carol = carol_with_pay(&c);
    for (m, args) in [
        ("addGroup", json!(["carol", "g"])),
        ("assignGroup", json!(["carol", "g", key(8).public_key_b58(), 4])),
        ("assignPermissionToGroup", json!(["carol", "pay", "g"])),
        ("dropGroup", json!(["carol", "g"])),
    ] {
        c.ok(c.as_owner("carol", &carol, m, args));
    }
    assert_eq!(c.left_out(pay_claim(&c, &[&key(8)])), "unauthorized signer: carol@pay");
}

#[test]
fn an_account_item_holds_through_that_accounts_keys() {
    let c = SignedChain::new();
    let carol = carol_with_pay(&c);
    c.ok(c.as_owner("carol", &carol, "assignPermission", json!(["carol", "pay", "dave@active", 4])));
    c.ok(pay_claim(&c, &[&key(7)]));
}

#[test]
fn a_key_revoked_earlier_in_the_same_block_no_longer_signs() {
    let c = SignedChain::new();
    let (owner, active) = (key(2), key(3));
    c.sign_up("alice", &owner, &active);
    let revoke = c.as_owner("alice", &owner, "revokePermission", json!(["alice", "active", active.public_key_b58()]));
    let later = sign(
        iost_tx(c.now() + 1, &[], &[("token.iost", "balanceOf", json!(["iost", "alice"]))]),
        &[],
        "alice",
        &[&active],
    );
    let later_hash = bs58::encode(later.hash()).into_string();
    let out = c.block(vec![revoke, later]);
    assert_eq!(out.receipts.len(), 1);
    assert_eq!(out.receipts[0].status, jsvm_vm::Status::Success, "{}", out.receipts[0].message);
    assert_eq!(out.left_out.len(), 1);
    assert_eq!(
        (out.left_out[0].tx_hash.as_str(), out.left_out[0].reason.as_str()),
        (later_hash.as_str(), "unauthorized publisher: alice")
    );
}

#[test]
fn an_expired_transaction_is_left_out() {
    let c = SignedChain::new();
    let mut tx = iost_tx(c.now() - 100 * SECOND, &[], &[transfer("bob")]);
    tx.expiration = c.now() - SECOND;
    let reason = c.left_out(sign(tx, &[], "admin", &[&c.admin]));
    assert!(reason.starts_with("expired: "), "{reason}");
    let mut tx = iost_tx(c.now() - 95 * SECOND, &[], &[transfer("bob")]);
    tx.expiration = c.now() + 60 * SECOND;
    let reason = c.left_out(sign(tx, &[], "admin", &[&c.admin]));
    assert!(reason.starts_with("expired: "), "lived past 90 s: {reason}");
}
