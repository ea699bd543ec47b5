//! The contracts the generated chains deploy: a store of counters and maps that many
//! transactions share, a proxy that calls into stores (nested calls that write, fail and are
//! caught, or fail the whole transaction) and moves tokens with its own authority, and code
//! that fails to deploy.

use jsvm_test_util::abi;
use serde_json::{json, Value};

/// A store of counters (`c0`..), maps (`m0`..), a running `total` and blind writes. `V` is its
/// code version: an update changes what `inc` adds and which methods the ABI has.
const STORE: &str = r#"
const V = __VERSION__;
class Store {
    init() { storage.put("total", "0"); storage.put("made", String(block.number)); }
    inc(k, by) {
        const key = "c" + k;
        const n = Number(storage.get(key) ?? "0") + by * V;
        storage.put(key, String(n));
        return n;
    }
    add(k, by) {
        const n = this.inc(k, by);
        storage.put("total", String(Number(storage.get("total") ?? "0") + by));
        blockchain.event("add " + k + " " + n);
        return n;
    }
    put(m, f, v) {
        storage.mapPut("m" + m, f, v);
        blockchain.receipt(JSON.stringify([m, f, v]));
        return storage.mapLen("m" + m);
    }
    del(m, f) {
        if (storage.mapHas("m" + m, f)) storage.mapDel("m" + m, f);
        return JSON.stringify(storage.mapKeys("m" + m));
    }
    fold(m) {
        const keys = storage.mapKeys("m" + m);
        let s = "";
        for (const f of keys) s += f + "=" + storage.mapGet("m" + m, f) + ";";
        storage.put("fold" + m, s.slice(0, 300));
        return keys.length;
    }
    stamp(k) {
        storage.put("last", tx.hash);
        storage.put("at" + k, String(block.time));
        return block.number;
    }
    own(k, v) { storage.put("own" + k, v, blockchain.publisher()); return v.length; }
    boom(k) {
        this.inc(k, 1000);
        storage.mapPut("m0", "boom", "x");
        throw new Error("boom " + k);
    }
    spin(n) {
        let s = 0;
        for (let i = 0; i < n; i++) {
            s = (s + i * i) % 1000003;
            if (i % 50 === 0) storage.put("spin", String(s));
        }
        return s;
    }
    peek(other, k) {
        const c = storage.globalGet(other, "c" + k);
        const m = "m" + (k % 3);
        const seen = [c, storage.globalMapKeys(other, m), storage.globalMapLen(other, m), storage.globalHas(other, "total")];
        storage.put("peek" + k, JSON.stringify(seen));
        return c;
    }
    roll(k) {
        if (Math.random() < 0.5) return this.inc(k, 1);
        storage.del("c" + k);
        return "deleted";
    }
    auth(id, perm) {
        const ok = blockchain.requireAuth(id, perm);
        storage.mapPut("auth", id, String(ok));
        return ok;
    }
    version() { return V + ":" + storage.get("total"); }
    can_update(data) { return data === "yes"; }
    __EXTRA__
}
module.exports = Store;
"#;

/// The method only even versions have (calling it on an odd one fails: no such method).
const EXTRA: &str = r#"extra(m) { storage.mapPut("m" + m, "v" + V, String(V)); return storage.mapLen("m" + m); }"#;

/// Version `version` of the store's code.
pub(crate) fn store_source(version: u32) -> String {
    let extra = if version.is_multiple_of(2) { EXTRA } else { "" };
    STORE.replace("__VERSION__", &version.to_string()).replace("__EXTRA__", extra)
}

/// The ABI of version `version` of the store.
pub(crate) fn store_abi(version: u32) -> Value {
    let mut methods: Vec<(&str, &[&str])> = vec![
        ("inc", &["number", "number"]),
        ("add", &["number", "number"]),
        ("put", &["number", "string", "string"]),
        ("del", &["number", "string"]),
        ("fold", &["number"]),
        ("stamp", &["number"]),
        ("own", &["number", "string"]),
        ("boom", &["number"]),
        ("spin", &["number"]),
        ("peek", &["string", "number"]),
        ("roll", &["number"]),
        ("auth", &["string", "string"]),
        ("version", &[]),
        ("can_update", &["string"]),
    ];
    if version.is_multiple_of(2) {
        methods.push(("extra", &["number"]));
    }
    abi(&methods)
}

/// Calls into stores and moves its own tokens.
pub(crate) const PROXY: &str = r#"
class Proxy {
    init() { storage.put("calls", "0"); }
    // Writes, then a nested call that writes, then one that writes and throws (caught: its
    // writes are rolled back, the rest stays).
    nested(store, k) {
        storage.put("calls", String(Number(storage.get("calls")) + 1));
        const n = blockchain.call(store, "inc", [k, 1])[0];
        let caught = "";
        try {
            blockchain.call(store, "boom", [k]);
        } catch (e) {
            caught = String(e.message || e).slice(0, 60);
        }
        const after = storage.globalGet(store, "c" + k);
        storage.mapPut("seen", String(k), String(after));
        return JSON.stringify({ n, caught, after });
    }
    // A nested call into a contract that reads a third one's storage.
    chain(store, other, k) {
        storage.put("chained", store + ":" + k);
        return blockchain.call(other, "peek", [store, k])[0];
    }
    // A nested call that writes, then a throw that rolls back the whole transaction.
    relay(store, k, fail) {
        blockchain.call(store, "add", [k, 2]);
        storage.mapPut("relayed", String(k), "yes");
        if (fail) throw new Error("relay failed after writing");
        return "ok";
    }
    viaAuth(store, k) { return blockchain.callWithAuth(store, "inc", [k, 5])[0]; }
    spinIn(store, n) { return blockchain.call(store, "spin", [n])[0]; }
    // Tokens: out of the contract's own balance, and in from the caller.
    pay(to, amount) {
        blockchain.withdraw(to, amount, "pay");
        storage.put("paid", String(Number(storage.get("paid") ?? "0") + 1));
        return amount;
    }
    collect(from, amount) {
        blockchain.deposit(from, amount, "collect");
        return amount;
    }
    // Moves `amount` from `from` to `to` through token.iost, then fails if `fail`.
    move(from, to, amount, fail) {
        blockchain.transfer(from, to, amount, "move");
        if (fail) throw new Error("move failed after the transfer");
        return amount;
    }
}
module.exports = Proxy;
"#;

pub(crate) fn proxy_abi() -> Value {
    let m = |name: &str, args: &[&str], limits: Value| json!({"name": name, "args": args, "amountLimit": limits});
    json!({"lang": "javascript", "version": "1.0.0", "abi": [
        m("nested", &["string", "number"], json!([])),
        m("chain", &["string", "string", "number"], json!([])),
        m("relay", &["string", "number", "bool"], json!([])),
        m("viaAuth", &["string", "number"], json!([])),
        m("spinIn", &["string", "number"], json!([])),
        m("pay", &["string", "string"], json!([{"token": "iost", "val": "20"}])),
        m("collect", &["string", "string"], json!([{"token": "*", "val": "unlimited"}])),
        m("move", &["string", "string", "string", "bool"], json!([{"token": "iost", "val": "50"}])),
    ]})
}

/// A contract whose `init` writes and then throws: its deploy fails and leaves nothing.
pub(crate) const BAD_INIT: &str = r#"
class Bad {
    init() { storage.put("x", "1"); throw new Error("init refuses"); }
    get() { return storage.get("x"); }
}
module.exports = Bad;
"#;

/// Code that does not compile.
pub(crate) const BAD_SYNTAX: &str = "class Broken { init() { let = ; } }\nmodule.exports = Broken;";

pub(crate) fn bad_abi() -> Value {
    abi(&[("get", &[])])
}
