//! Objects handed to the host: where it takes a string, an object with conversion hooks is
//! refused before any hook runs; where it takes any value (nested-call arguments, receipts,
//! events, log lines, amounts), the value is read exactly once, inside the metered run, so
//! that the same transaction always costs the same gas.

use serde_json::json;

use crate::{chain, deploy, returned};

const BOUNDARY: &str = r#"
    echo(x) { return x; }
    mark(x) { storage.put("marked", "yes"); return x; }
    refuse() {
        let runs = 0;
        const sly = {
            toString() { runs++; return "k"; },
            valueOf() { runs++; return "k"; },
            [Symbol.toPrimitive]() { runs++; return "k"; },
        };
        const calls = [
            () => storage.put(sly, "v"), () => storage.put("k", sly), () => storage.put("k", "v", sly),
            () => storage.get(sly), () => storage.mapPut("m", sly, "v"), () => storage.mapGet(sly, "f"),
            () => storage.globalGet(sly, "k"), () => blockchain.requireAuth(sly, "active"),
            () => blockchain.requireAuth("admin", sly), () => blockchain.call(sly, "echo", []),
            () => blockchain.call(blockchain.contractName(), sly, []), () => blockchain.transfer(sly, "admin", "1", ""),
            () => storage.put(["k"], "v"), () => storage.put(new String("k"), "v"),
        ];
        const out = calls.map((f) => { try { f(); return "taken"; } catch (e) { return e.name + ": " + e.message; } });
        return runs + "\n" + out.join("\n") + "\n" + storage.has("k");
    }
    once(target) {
        const reads = { call: 0, event: 0, receipt: 0, log: 0, amount: 0 };
        const echoed = blockchain.call(target, "echo", [{ get v() { reads.call++; return reads.call; } }]);
        blockchain.event({ get v() { reads.event++; return "e" + reads.event; } });
        blockchain.receipt({ toJSON() { reads.receipt++; return { r: reads.receipt }; } });
        console.log({ get v() { reads.log++; return reads.log; } });
        let refused = "";
        try {
            blockchain.withdraw("admin", { toString() { reads.amount++; return "1"; } }, "");
        } catch (e) { refused = e.message; }
        return JSON.stringify(reads) + " " + echoed[0] + " " + refused;
    }
    thrower(target) {
        let caught = "";
        try { blockchain.call(target, "mark", [{ get v() { throw new Error("mine"); } }]); } catch (e) { caught = e.message; }
        return typeof Proxy + " " + caught + " " + storage.globalGet(target, "marked");
    }
"#;

const METHODS: &[(&str, &[&str])] =
    &[("echo", &["json"]), ("mark", &["json"]), ("refuse", &[]), ("once", &["string"]), ("thrower", &["string"])];

#[test]
fn the_host_refuses_an_object_where_it_takes_a_string_without_running_its_hooks() {
    let c = chain();
    let id = deploy(&c, BOUNDARY, METHODS);
    let must = |what: &str| format!("TypeError: {what} must be a string, got object");
    let expected = [
        "0".to_string(),
        must("key"),
        "TypeError: storage put must be string".to_string(),
        must("payer"),
        must("key"),
        must("field"),
        must("key"),
        must("contract"),
        must("id"),
        must("permission"),
        must("contract"),
        must("method"),
        must("from"),
        must("key"),
        must("key"),
        "false".to_string(),
    ];
    assert_eq!(returned(&c.call(&id, "refuse", json!([]))), expected.join("\n"));
}

#[test]
fn a_value_the_host_takes_whole_is_read_once_at_the_same_gas_every_time() {
    let c = chain();
    let target = deploy(&c, BOUNDARY, METHODS);
    let id = deploy(&c, BOUNDARY, METHODS);
    let (first, logs) = c.call_logged(&id, "once", json!([target]));
    let text = returned(&first);
    assert_eq!(text, r#"{"call":1,"event":1,"receipt":1,"log":1,"amount":1} {"v":1} balance not enough 0 < 1"#);
    assert_eq!(first.events.len(), 1);
    assert_eq!(first.events[0].content, r#"{"v":"e1"}"#);
    assert_eq!(first.receipts.len(), 1);
    assert_eq!(
        (first.receipts[0].func_name.as_str(), first.receipts[0].content.as_str()),
        (&*format!("{id}/once"), r#"{"r":1}"#)
    );
    assert!(logs.contains(&format!("[info] {id}: {{\"v\":1}}")), "{logs:?}");
    for _ in 0..2 {
        let again = c.call(&id, "once", json!([target]));
        assert_eq!((returned(&again), again.gas_used), (text.clone(), first.gas_used));
    }
}

#[test]
fn there_is_no_proxy_and_a_getter_that_throws_stops_before_the_host() {
    let c = chain();
    let target = deploy(&c, BOUNDARY, METHODS);
    let id = deploy(&c, BOUNDARY, METHODS);
    assert_eq!(returned(&c.call(&id, "thrower", json!([target]))), "undefined mine null");
}
