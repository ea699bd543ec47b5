//! The resource contracts (`ram.iost`, `gas.iost`, `domain.iost`), charging resources, and
//! the views the node's read endpoints answer with. Prices are ram.js's, computed with
//! node.js from IOST's genesis figures.

use jsvm_test_util::{abi, action, Chain};
use jsvm_vm::{views, AmountLimit, Receipt, Status, VmConfig, VmError};
use serde_json::{json, Value};

const OWNER_KEY: &str = "Gcv8c2tH8qZrUYnKdEEdTtASsxivic2834MQW6mgxqto";
const ACTIVE_KEY: &str = "5xDY2GGsFsUHYsbmBWP3uWjpHZ6Wgb4VfXBqXmgwpJ3P";

/// A transaction that may spend any token (as the SDK's default amount limit allows).
fn tx(c: &Chain, publisher: &str, actions: Vec<jsvm_vm::Action>) -> jsvm_vm::Transaction {
    c.tx(publisher, &[], actions).with_amount_limit(vec![AmountLimit { token: "*".into(), val: "unlimited".into() }])
}

fn run(c: &Chain, publisher: &str, actions: Vec<jsvm_vm::Action>) -> Receipt {
    c.send(tx(c, publisher, actions))
}

fn ok(r: &Receipt) {
    assert_eq!(r.status, Status::Success, "{}", r.message);
}

fn state(c: &Chain) -> (u64, std::sync::Arc<dyn jsvm_state::StateRead>) {
    let (head, snapshot) = c.vm.store().snapshot();
    (head.time, snapshot)
}

fn balance(c: &Chain, who: &str, token: &str) -> Value {
    let (now, st) = state(c);
    views::token_balance(&st, who, token, now).unwrap().expect("token exists")["balance"].clone()
}

fn account(c: &Chain, who: &str) -> Value {
    let (now, st) = state(c);
    views::account(&st, who, now).unwrap().expect("account exists")
}

/// IOST's SDK `newAccount`: one transaction signs up, buys RAM and pledges gas.
fn new_account(name: &str, ram: i64, gas: &str) -> Vec<jsvm_vm::Action> {
    vec![
        action("auth.iost", "signUp", json!([name, OWNER_KEY, ACTIVE_KEY])),
        action("ram.iost", "buy", json!(["admin", name, ram])),
        action("gas.iost", "pledge", json!(["admin", name, gas])),
    ]
}

#[test]
fn the_sdks_new_account_transaction_moves_money_exactly() {
    let c = Chain::new();
    let r = run(&c, "admin", new_account("alice", 1024, "10"));
    ok(&r);
    assert_eq!(r.returns, vec!["", "10.66", ""]);
    assert_eq!(account(&c, "admin")["balance_string"], json!("89999999979.34"));
    assert_eq!(balance(&c, "ram.iost", "iost"), json!(10.45), "the price without its fee");
    assert_eq!(balance(&c, "deadaddr", "iost"), json!(0.21), "the 2% fee is burnt");
    assert_eq!(balance(&c, "gas.iost", "iost"), json!(10.0));
    assert_eq!(balance(&c, "alice", "ram"), json!(1024.0));
    let alice = account(&c, "alice");
    assert_eq!(alice["ram_info"], json!({"available": "1024", "used": "0", "total": "1024"}));
    assert_eq!(alice["gas_info"]["current_total"], json!(10_000.0), "1000 gas a pledged IOST at once");
    assert_eq!(alice["gas_info"]["limit"], json!(30_000.0));
    assert_eq!(alice["gas_info"]["increase_speed"], json!(0.1));
    assert_eq!(alice["permissions"]["active"]["items"][0]["id"], json!(ACTIVE_KEY));
    assert_eq!(alice["balance"], json!(0.0));
    assert_eq!(account(&c, "admin")["gas_info"]["pledged_info"], json!([{"pledger": "alice", "amount": 10.0}]));
    let func_names: Vec<_> = r.receipts.iter().map(|e| e.func_name.as_str()).collect();
    // The first buy opens the market: the `ram` token is created and issued.
    let mut expected = vec!["token.iost/create", "token.iost/issue"];
    expected.extend(["token.iost/transfer"; 4]);
    expected.push("gas.iost/pledge");
    assert_eq!(func_names, expected);
}

#[test]
fn ram_sells_and_lends_at_the_market_price() {
    let c = Chain::new();
    ok(&run(&c, "admin", new_account("alice", 1024, "10")));
    ok(&run(&c, "admin", new_account("bob", 100, "10")));
    let (_, st) = state(&c);
    let info = views::ram_info(&st).unwrap();
    assert_eq!(info["used_ram"], json!("41231687165"));
    assert_eq!(info["available_ram"], json!("96207266307"));
    let sell = c.send(tx(&c, "alice", vec![action("ram.iost", "sell", json!(["alice", "alice", 500]))]));
    ok(&sell);
    assert_eq!(sell.returns, vec!["5.10"]);
    assert_eq!(balance(&c, "alice", "iost"), json!(5.1));
    let lend = c.send(tx(&c, "alice", vec![action("ram.iost", "lend", json!(["alice", "bob", 100]))]));
    ok(&lend);
    assert_eq!(account(&c, "alice")["ram_info"], json!({"available": "424", "used": "0", "total": "424"}));
    assert_eq!(account(&c, "bob")["ram_info"], json!({"available": "200", "used": "0", "total": "200"}));
    let too_much = c.send(tx(&c, "alice", vec![action("ram.iost", "sell", json!(["alice", "alice", 1000]))]));
    assert_eq!(too_much.status, Status::RuntimeError);
    assert!(too_much.message.ends_with("self ram amount 424, not enough for sell"), "{}", too_much.message);
    let lent_back = c.send(tx(&c, "bob", vec![action("ram.iost", "lend", json!(["bob", "alice", 150]))]));
    assert!(lent_back.message.ends_with("self ram amount 100, not enough for lend"), "{}", lent_back.message);
    let tiny = run(&c, "admin", vec![action("ram.iost", "buy", json!(["admin", "admin", 9]))]);
    assert!(tiny.message.ends_with("minimum ram amount for trading is 10 byte"), "{}", tiny.message);
    let not_signed = run(&c, "bob", vec![action("ram.iost", "buy", json!(["admin", "bob", 10]))]);
    assert!(not_signed.message.ends_with("require auth failed. ret = false"), "{}", not_signed.message);
}

#[test]
fn pledged_iost_comes_back_frozen_for_three_days() {
    let c = Chain::new();
    ok(&run(&c, "admin", vec![action("gas.iost", "pledge", json!(["admin", "admin", "20"]))]));
    let too_much = run(&c, "admin", vec![action("gas.iost", "unpledge", json!(["admin", "admin", "15"]))]);
    assert!(too_much.message.ends_with("unpledge too much (20 - 15) less than 10"), "{}", too_much.message);
    let r = run(&c, "admin", vec![action("gas.iost", "unpledge", json!(["admin", "admin", "5"]))]);
    ok(&r);
    let (now, st) = state(&c);
    let b = views::token_balance(&st, "admin", "iost", now).unwrap().unwrap();
    assert_eq!(b["balance"], json!(89_999_999_980.0));
    let frozen = &b["frozen_balances"][0];
    assert_eq!(frozen["amount"], json!(5.0));
    assert_eq!(frozen["time"], json!((now + 3 * 24 * 3600 * 1_000_000_000).to_string()));
    let admin = account(&c, "admin");
    assert_eq!(admin["gas_info"]["limit"], json!(45_000.0));
    assert_eq!(admin["gas_info"]["current_total"], json!(20_000.0), "what was made stays");
    let tiny = run(&c, "admin", vec![action("gas.iost", "pledge", json!(["admin", "admin", "0.5"]))]);
    assert!(tiny.message.ends_with("min pledge num is 1"), "{}", tiny.message);
    let stranger = run(&c, "admin", vec![action("gas.iost", "unpledge", json!(["admin", "gas.iost", "1"]))]);
    assert!(stranger.message.ends_with("admin did not pledge for gas.iost"), "{}", stranger.message);
}

const COUNTER: &str = r#"
class Counter {
    init() { storage.put("n", "0"); }
    inc() { const n = Number(storage.get("n")) + 1; storage.put("n", String(n)); return n; }
    viaDomain(url) { return blockchain.call(url, "inc", "[]")[0]; }
}
module.exports = Counter;
"#;

#[test]
fn a_linked_domain_calls_its_contract() {
    let c = Chain::new();
    let id = c.deploy(COUNTER, &abi(&[("inc", &[]), ("viaDomain", &["string"])]));
    ok(&run(&c, "admin", vec![action("domain.iost", "link", json!(["counter.x", id]))]));
    let r = run(&c, "admin", vec![action("counter.x", "inc", json!([]))]);
    ok(&r);
    assert_eq!(r.returns, vec!["1"]);
    let nested = c.call(&id, "viaDomain", json!(["counter.x"]));
    ok(&nested);
    assert_eq!(nested.returns, vec!["2"]);
    ok(&run(&c, "admin", new_account("bob", 100, "10")));
    let claimed = run(&c, "bob", vec![action("domain.iost", "link", json!(["counter.x", "Contract1"]))]);
    assert!(claimed.message.ends_with("no privilege of claimed url"), "{}", claimed.message);
    let system = run(&c, "bob", vec![action("domain.iost", "link", json!(["bob.iost", id]))]);
    assert!(system.message.ends_with("only admin has permission to claim url .iost"), "{}", system.message);
    let short = run(&c, "bob", vec![action("domain.iost", "link", json!(["a.b", id]))]);
    assert!(short.message.ends_with("url invalid. url length should be between 5,16 got a.b"), "{}", short.message);
    ok(&run(&c, "admin", vec![action("domain.iost", "transfer", json!(["counter.x", "bob"]))]));
    ok(&run(&c, "bob", vec![action("domain.iost", "link", json!(["counter.x", id]))]));
    let gone = run(&c, "admin", vec![action("domain.iost", "transfer", json!(["counter.x", "admin"]))]);
    assert!(gone.message.ends_with("no privilege of claimed url"), "{}", gone.message);
}

fn charging() -> Chain {
    Chain::with_config(VmConfig { charge_resources: true, ..VmConfig::default() })
}

#[test]
fn charged_transactions_pay_gas_and_ram_from_the_publisher() {
    let c = charging();
    // Genesis (written with the first block) gives admin IOST's 100 IOST pledge (100000 gas)
    // and 100000 bytes of RAM.
    let tx = tx(&c, "admin", new_account("alice", 2048, "1000")).with_gas_limit(100_000);
    let r = c.send(tx);
    ok(&r);
    let used = r.ram_usage["admin"];
    assert!(used > 0, "{:?}", r.ram_usage);
    let after = account(&c, "admin");
    assert_eq!(after["gas_info"]["current_total"], json!(100_000.0 - r.gas_used as f64));
    assert_eq!(after["ram_info"]["available"], json!((100_000 - used).to_string()));
    assert_eq!(after["ram_info"]["used"], json!(used.to_string()));
}

#[test]
fn a_publisher_without_gas_is_left_out_and_one_without_ram_pays_only_gas() {
    let c = charging();
    let none = tx(&c, "bob", vec![action("token.iost", "transfer", json!(["iost", "bob", "admin", "1", ""]))]);
    match c.vm.execute_tx(none.with_gas_limit(50_000), 2_000) {
        Err(VmError::LeftOut(reason)) => assert_eq!(reason, "gas not enough: user bob has 0 < 50000"),
        other => panic!("{other:?}"),
    }
    ok(&c.send(tx(&c, "admin", new_account("alice", 10, "1000")).with_gas_limit(100_000)));
    // Creating a token stores its record at the publisher's cost: more than 10 bytes.
    let create = action("token.iost", "create", json!(["coin", "alice", 1000, {}]));
    let r = c.send(tx(&c, "alice", vec![create]).with_gas_limit(1_000_000));
    assert_eq!(r.status, Status::BalanceNotEnough);
    assert!(
        r.message.starts_with("balance not enough after executing actions: pay ram failed. id: alice need "),
        "{}",
        r.message
    );
    assert!(r.message.ends_with(", actual 10"), "{}", r.message);
    assert!(r.receipts.is_empty() && r.ram_usage.is_empty());
    let (_, st) = state(&c);
    assert_eq!(views::token_info(&st, "coin").unwrap(), None, "the transaction was undone");
    let alice = account(&c, "alice");
    assert_eq!(alice["gas_info"]["current_total"], json!(1_000_000.0 - r.gas_used as f64), "the gas was paid");
}

#[test]
fn views_answer_in_iosts_shapes_and_none_for_unknown_things() {
    let c = Chain::new();
    let id = c.deploy(COUNTER, &abi(&[("inc", &[]), ("viaDomain", &["string"])]));
    let (now, st) = state(&c);
    assert_eq!(views::account(&st, "nobody", now).unwrap(), None);
    assert_eq!(views::token_balance(&st, "admin", "nocoin", now).unwrap(), None);
    assert_eq!(views::token_info(&st, "nocoin").unwrap(), None);
    assert_eq!(views::contract(&st, "ContractNone").unwrap(), None);
    assert_eq!(views::contract_storage(&st, "ContractNone", "n", None).unwrap(), None);
    assert_eq!(views::contract_storage_fields(&st, "ContractNone", "n").unwrap(), None);
    assert_eq!(views::contract_storage(&st, &id, "n", None).unwrap(), Some(json!({"data": "0"})));
    assert_eq!(views::contract_storage(&st, &id, "missing", None).unwrap(), Some(json!({"data": "null"})));
    assert_eq!(
        views::contract_storage_fields(&st, "auth.iost", "account").unwrap(),
        Some(json!({"fields": ["admin"]}))
    );
    let contract = views::contract(&st, &id).unwrap().unwrap();
    assert_eq!(contract["language"], json!("javascript"));
    assert_eq!(contract["abis"][1], json!({"name": "viaDomain", "args": ["string"], "amount_limit": []}));
    assert_eq!(
        views::contract(&st, "gas.iost").unwrap().unwrap()["abis"][0]["args"],
        json!(["string", "string", "string"])
    );
    let iost = views::token_info(&st, "iost").unwrap().unwrap();
    assert_eq!(iost["total_supply"], json!("9000000000000000000"));
    assert_eq!(iost["total_supply_float"], json!(90_000_000_000.0));
    assert_eq!(iost["decimal"], json!(8));
    assert_eq!(iost["issuer"], json!("admin"));
    let admin = views::account(&st, "admin", now).unwrap().unwrap();
    assert_eq!(admin["balance_string"], json!("90000000000"));
    assert_eq!(
        admin["permissions"]["owner"],
        json!({"name": "owner", "group_names": [], "items": [], "threshold": "100"})
    );
    // Before the market opens: its opening figures (30% reserved).
    let ram = views::ram_info(&st).unwrap();
    assert_eq!(ram["used_ram"], json!("41231686041"));
    assert_eq!(ram["total_ram"], json!("137438953472"));
    assert_eq!(ram["buy_price"], json!(0.0104081632651763));
    assert_eq!(views::gas_ratio(&[]), json!({"lowest_gas_ratio": 1.0, "median_gas_ratio": 1.0}));
    assert_eq!(views::gas_ratio(&[2.0, 1.5, 3.0]), json!({"lowest_gas_ratio": 1.5, "median_gas_ratio": 2.0}));
}
