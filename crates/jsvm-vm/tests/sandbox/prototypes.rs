//! What the host hands a contract chains only to the contract realm's own frozen intrinsics:
//! no object from outside the realm, no path to a function constructor, no host function
//! that shows its source or its caller, and no poisoned built-in that the host would use.

use serde_json::json;

use crate::{chain, deploy, returned};

/// `echo` returns its argument; `chains` names the prototype chain of everything the host
/// hands in (`FOREIGN` for a prototype that is not one of the realm's intrinsics, `(open)`
/// for one that is not frozen).
const CHAINS: &str = r#"
    echo(x) { return x; }
    chains(obj, arr, s, n) {
        const named = [[Object.prototype, "Object"], [Array.prototype, "Array"], [Function.prototype, "Function"],
            [Error.prototype, "Error"], [TypeError.prototype, "TypeError"], [String.prototype, "String"],
            [Number.prototype, "Number"], [Boolean.prototype, "Boolean"], [BigNumber.prototype, "BigNumber"]];
        function name(p) {
            for (const [q, label] of named) if (q === p) return label;
            return "FOREIGN";
        }
        function chain(v) {
            if (v === null || v === undefined) return String(v);
            const out = [];
            for (let p = Object.getPrototypeOf(Object(v)); p !== null; p = Object.getPrototypeOf(p)) {
                out.push(name(p) + (Object.isFrozen(p) ? "" : "(open)"));
            }
            return out.join(">");
        }
        storage.put("k", "v");
        storage.mapPut("m", "f", "v");
        let hostError = null;
        try { storage.put("", "v"); } catch (e) { hostError = e; }
        let callError = null;
        try { blockchain.call("ContractNowhere", "m", []); } catch (e) { callError = e; }
        const values = {
            obj, objInner: obj.a, arr, arrInner: arr[1], s, n,
            get: storage.get("k"), missing: storage.get("nothing"), has: storage.has("k"),
            mapGet: storage.mapGet("m", "f"), mapKeys: storage.mapKeys("m"), mapLen: storage.mapLen("m"),
            globalGet: storage.globalGet(blockchain.contractName(), "k"),
            block, tx, authList: tx.authList,
            txInfo: JSON.parse(blockchain.txInfo()), blockInfo: JSON.parse(blockchain.blockInfo()),
            contextInfo: JSON.parse(blockchain.contextInfo()),
            call: blockchain.call(blockchain.contractName(), "echo", [{ a: 1 }]),
            balance: blockchain.call("token.iost", "balanceOf", ["iost", "admin"]),
            hostError, callError, storage, blockchain, put: storage.put, console, require,
            blockGetter: Object.getOwnPropertyDescriptor(globalThis, "block").get,
            big: new BigNumber("1.5").plus(1),
        };
        return Object.keys(values).map((k) => k + "=" + chain(values[k])).join(" ");
    }
"#;

#[test]
fn every_value_the_host_hands_in_chains_to_this_realms_frozen_intrinsics() {
    let c = chain();
    let id = deploy(&c, CHAINS, &[("echo", &["json"]), ("chains", &["json", "json", "string", "number"])]);
    let r = c.call(&id, "chains", json!([{"a": {"b": 1}}, [1, [2]], "s", 7]));
    let expected = "obj=Object objInner=Object arr=Array>Object arrInner=Array>Object s=String>Object \
                    n=Number>Object get=String>Object missing=null has=Boolean>Object mapGet=String>Object \
                    mapKeys=Array>Object mapLen=Number>Object globalGet=String>Object block=Object tx=Object \
                    authList=Object txInfo=Object blockInfo=Object contextInfo=Object call=Array>Object \
                    balance=Array>Object hostError=Error>Object callError=Error>Object storage=Object \
                    blockchain=Object put=Function>Object console=Object require=Function>Object \
                    blockGetter=Function>Object big=BigNumber>Object";
    assert_eq!(returned(&r), expected);
}

/// Four ways from each value to its function constructor, each called with code.
const REACH: &str = r#"
    reach(obj) {
        storage.mapPut("m", "f", "v");
        let hostError = null;
        try { storage.put("", "v"); } catch (e) { hostError = e; }
        const values = [obj, storage.get("nothing") ?? "", storage.has("k"), storage.mapKeys("m"), block, tx,
            tx.authList, JSON.parse(blockchain.txInfo()), blockchain.call("token.iost", "balanceOf", ["iost", "admin"]),
            hostError, storage, storage.put, blockchain.call, console.log, require,
            Object.getOwnPropertyDescriptor(globalThis, "tx").get, new BigNumber(1), function* () {}, () => 0];
        const seen = new Map();
        const note = (f) => {
            let out;
            try { out = "made " + typeof f(); } catch (e) { out = e.name + ": " + e.message; }
            seen.set(out, (seen.get(out) || 0) + 1);
        };
        for (const v of values) {
            note(() => v.constructor.constructor("return this")());
            note(() => Object.getPrototypeOf(v).constructor.constructor("return this")());
            note(() => v.__proto__.constructor.constructor("return globalThis")());
            note(() => Reflect.construct(v.constructor.constructor, ["return this"])());
        }
        return [...seen].map(([k, n]) => n + " " + k).join("; ");
    }
"#;

#[test]
fn no_value_the_host_hands_in_leads_to_a_function_constructor() {
    let c = chain();
    let id = deploy(&c, REACH, &[("reach", &["json"])]);
    let r = c.call(&id, "reach", json!([{"a": 1}]));
    // 19 values, 4 ways each: every one refused the same way.
    assert_eq!(returned(&r), "76 EvalError: code generation from strings is disabled");
}

const HIDDEN: &str = r#"
    hidden() {
        const out = [];
        out.push(Reflect.ownKeys(globalThis)
            .filter((k) => typeof k === "string" && (k.startsWith("__") || k.startsWith("_IOST"))).join(","));
        out.push(String(storage.put), String(blockchain.call), String(require),
            String(Object.getOwnPropertyDescriptor(globalThis, "block").get));
        for (const f of [storage.put, blockchain.call, require, console.log]) {
            for (const key of ["caller", "arguments"]) {
                try { out.push(key + ":" + typeof f[key]); } catch (e) { out.push(key + ":" + e.name); }
            }
        }
        out.push([globalThis, storage, blockchain, console, storage.put, Object.getPrototypeOf(storage)]
            .every((o) => Object.isFrozen(o)));
        return out.join("|");
    }
"#;

#[test]
fn the_host_functions_hide_their_source_their_callers_and_the_host_itself() {
    let c = chain();
    let id = deploy(&c, HIDDEN, &[("hidden", &[])]);
    let r = c.call(&id, "hidden", json!([]));
    let strict = "caller:TypeError|arguments:TypeError";
    let expected = format!(
        "|function put() {{ [native code] }}|function call() {{ [native code] }}|function require() {{ [native code] }}\
         |function block() {{ [native code] }}|{strict}|{strict}|{strict}|{strict}|true"
    );
    assert_eq!(returned(&r), expected);
}

/// Tries to poison the built-ins the host's own code would use, then uses the host.
const POISON: &str = r#"
    echo(x) { return x; }
    poison() {
        const tries = [
            () => { Array.prototype.push = function () { return -1; }; },
            () => { JSON.stringify = () => "poisoned"; },
            () => { JSON.parse = () => ({}); },
            () => { Object.defineProperty(Object.prototype, "x", { get() { return "poisoned"; } }); },
            () => { Object.defineProperty(Object.prototype, "toJSON", { value: () => "poisoned" }); },
            () => { Object.defineProperty(Array, Symbol.species, { get() { return Object; } }); },
            () => { Object.setPrototypeOf(Object.prototype, { x: 1 }); },
            () => { Object.prototype.__proto__ = { x: 1 }; },
            () => { Array.prototype[0] = "poisoned"; },
            () => { String.prototype.toString = () => "poisoned"; },
            () => { Object.prototype.valueOf = () => 42; },
            () => { Reflect.apply = () => "poisoned"; },
            () => { Object.freeze = (o) => o; },
            () => { delete Array.prototype[Symbol.iterator]; },
            () => { Error.prototype.toString = () => "poisoned"; },
        ];
        const outcomes = tries.map((t) => { try { t(); return "allowed"; } catch (e) { return e.name; } });
        blockchain.event({ a: [1, 2] });
        storage.put("k", "v");
        const echoed = blockchain.call(blockchain.contractName(), "echo", [{ b: [3] }]);
        return outcomes.join(",") + " " + JSON.stringify(echoed) + " " + storage.get("k") + " " + [].x;
    }
    probe() { return [[].push.length, JSON.stringify({ a: 1 }), typeof ({}).x, typeof ({}).toJSON, [1].concat([2])].join(" "); }
"#;

#[test]
fn poisoning_a_built_in_is_refused_and_the_host_keeps_its_behaviour() {
    let c = chain();
    let methods: &[(&str, &[&str])] = &[("echo", &["json"]), ("poison", &[]), ("probe", &[])];
    let attacker = deploy(&c, POISON, methods);
    let other = deploy(&c, POISON, methods);
    let clean = returned(&c.call(&other, "probe", json!([])));
    assert_eq!(clean, "1 {\"a\":1} undefined undefined 1,2");
    let r = c.call(&attacker, "poison", json!([]));
    let refused = vec!["TypeError"; 15].join(",");
    assert_eq!(returned(&r), format!("{refused} [\"{{\\\"b\\\":[3]}}\"] v undefined"));
    assert_eq!(r.events.len(), 1);
    assert_eq!(r.events[0].content, r#"{"a":[1,2]}"#);
    // The next transaction, in the attacker and in another contract, sees the realm as it was.
    assert_eq!(returned(&c.call(&attacker, "probe", json!([]))), clean);
    assert_eq!(returned(&c.call(&other, "probe", json!([]))), clean);
}
