//! Contracts and transaction sequences more than one test runs: the hostile suite, and
//! a scripted sequence of blocks (hostile.rs, blocks.rs, cross_engine.rs).
#![allow(dead_code)]

use jsvm_test_util::{abi, action, set_code, Chain};
use jsvm_vm::{Receipt, Status, Transaction, VmError};
use serde_json::json;

use Status::{GasRunOut as OOG, RuntimeError as ERR, Success as OK};

/// Looks at the realm a fresh transaction gets: any trace of an attack changes this text.
pub(crate) const VICTIM: &str = r#"
class Victim {
    init() { storage.put("n", "0"); }
    bump() { const n = Number(storage.get("n")) + 1; storage.put("n", String(n)); return n; }
    probe() {
        return [typeof Object.prototype.polluted, typeof Object.prototype.toJSON, [1, 2].push(3), JSON.stringify({ a: [1] }),
                "ab".repeat(2), typeof globalThis.leak, Object.keys(Object.prototype).length, Math.max(1, 2),
                String(new Error("e")), typeof eval, typeof Date, [3, 1, 2].sort().join(), `${1 + 1}`,
                typeof storage.put, typeof blockchain.receipt, Array.isArray([]), [..."xy"].length].join("|");
    }
}
module.exports = Victim;
"#;

/// (name, method body, statuses it may end with). A status set with more than one member
/// is for attacks whose end is a resource limit that fires first on one of two paths;
/// determinism of the chosen one is checked by running every attack twice.
pub(crate) const ATTACKS: &[(&str, &str, &[Status])] = &[
    // Endless loops of every kind.
    ("while true", "while (true) {}", &[OOG]),
    ("for ever", "for (;;) {}", &[OOG]),
    ("for ever, empty body", "for (;;);", &[OOG]),
    ("do while", "do {} while (true);", &[OOG]),
    ("labeled continue", "outer: for (;;) { for (;;) { continue outer; } }", &[OOG]),
    ("for of an endless generator", "function* g() { for (;;) yield 1; } for (const x of g()) {}", &[OOG]),
    ("for in, again and again", "const o = { a: 1, b: 2 }; for (;;) for (const k in o) {}", &[OOG]),
    ("while with a lone statement", "let i = 0; while (true) i++;", &[OOG]),
    ("ternary in a loop", "let i = 0; for (;;) i = i > 5 ? 0 : i + 1;", &[OOG]),
    ("short-circuit in a loop", "let a = 1; for (;;) a = a && (a || 2);", &[OOG]),
    // Recursion.
    ("unbounded recursion", "function f(n) { return f(n + 1) + 1; } f(0);", &[ERR]),
    ("mutual recursion", "function a(n) { return b(n); } function b(n) { return a(n) + 1; } a(0);", &[ERR]),
    ("recursive getter", "const o = { get x() { return this.x; } }; o.x;", &[ERR]),
    ("recursive setter", "const o = { set x(v) { this.x = v; } }; o.x = 1;", &[ERR]),
    ("arrow recursion", "const f = (n) => f(n + 1); f(0);", &[ERR]),
    // Catching or finally-ing out of gas.
    ("catch out of gas", "for (;;) { try { for (;;) {} } catch (e) {} }", &[OOG]),
    ("finally out of gas", "for (;;) { try { for (;;) {} } finally { continue; } }", &[OOG]),
    ("catch out of gas from the host", "for (;;) { try { storage.put('k', 'v'); } catch (e) {} }", &[OOG]),
    (
        "finally returns over out of gas",
        "function f() { try { for (;;) {} } finally { return 1; } } for (;;) f();",
        &[OOG],
    ),
    ("catch a stack overflow then loop", "function f() { f(); } try { f(); } catch (e) { for (;;) {} }", &[ERR]),
    ("finally after a stack overflow", "function f(n) { try { f(n + 1); } finally { for (;;) {} } } f(0);", &[ERR]),
    ("recursion through a sort comparator", "function f() { return [2, 1].sort((a, b) => f()); } f();", &[ERR]),
    ("recursion through toString", "const o = { toString() { return `${o}`; } }; `${o}`;", &[ERR]),
    ("recursion through a generator", "function* g() { yield* g(); } [...g()];", &[ERR]),
    // Code that runs where metering is easy to forget.
    ("valueOf loop", "const o = { valueOf() { for (;;) {} } }; o + 1;", &[OOG]),
    ("toString loop", "const o = { toString() { for (;;) {} } }; `${o}`;", &[OOG]),
    ("toPrimitive loop", "const o = { [Symbol.toPrimitive]() { for (;;) {} } }; o * 2;", &[OOG]),
    ("toJSON loop", "JSON.stringify({ toJSON() { for (;;) {} } });", &[OOG]),
    ("sort comparator loop", "[3, 2, 1].sort(() => { for (;;) {} });", &[OOG]),
    (
        "sort comparator busy",
        "const a = []; for (let i = 0; i < 2000; i++) a.push(i % 7); for (;;) a.sort((x, y) => y - x);",
        &[OOG],
    ),
    ("reviver loop", "JSON.parse('[1]', () => { for (;;) {} });", &[OOG]),
    ("replacer loop", "JSON.stringify([1], () => { for (;;) {} });", &[OOG]),
    ("map callback loop", "[1].map(() => { for (;;) {} });", &[OOG]),
    ("class field initializer loop", "class X { f = (() => { for (;;) {} })(); } new X();", &[OOG]),
    ("static block loop", "class X { static { for (;;) {} } }", &[OOG]),
    ("default parameter loop", "function f(a = (() => { for (;;) {} })()) {} f();", &[OOG]),
    ("tagged template loop", "const t = () => { for (;;) {} }; t`x`;", &[OOG]),
    (
        "generator resumed forever",
        "function* g() { let i = 0; for (;;) yield i++; } const it = g(); for (;;) it.next();",
        &[OOG],
    ),
    // Memory and string bombs.
    ("string doubling", "let s = 'x'; for (;;) s += s;", &[OOG]),
    ("repeat bomb", "'x'.repeat(2 ** 28);", &[OOG]),
    ("padStart bomb", "'x'.padStart(2 ** 29);", &[OOG]),
    ("padEnd bomb", "'x'.padEnd(2 ** 29, 'yz');", &[OOG]),
    ("fill bomb", "new Array(2 ** 31).fill(0);", &[OOG]),
    ("Array.from bomb", "Array.from({ length: 1e9 });", &[OOG]),
    ("join with a huge separator", "new Array(100).join('x'.repeat(1e6));", &[OOG]),
    ("array of arrays", "const a = []; for (;;) a.push(new Array(1000).fill(1));", &[OOG]),
    ("object with endless keys", "const o = {}; for (let i = 0; ; i++) o['k' + i] = i;", &[OOG]),
    ("map and set growth", "const m = new Map(); for (let i = 0; ; i++) m.set(i, new Set([i]));", &[OOG]),
    ("huge stringify", "JSON.stringify(new Array(1e7).fill('xxxxxxxxxx'));", &[OOG]),
    ("overlapping alternation built at run time", "new RegExp('^(a|a)*$').test('a'.repeat(40) + '!');", &[ERR]),
    ("catastrophic regex built at run time", "new RegExp('^(a+)+$').test('a'.repeat(40) + '!');", &[ERR]),
    ("catastrophic regex called without new", "RegExp('(\\w+\\s?)*$').test('a');", &[ERR]),
    ("catastrophic regex through match", "'aaaa!'.match('^(a+)+$');", &[ERR]),
    ("catastrophic regex through search", "'aaaa!'.search('(a*)*b');", &[ERR]),
    ("recompile a regex", "const r = /a/; r.compile('(a+)+$');", &[ERR]),
    ("deeply nested run-time pattern", "new RegExp('('.repeat(5000) + 'a' + ')'.repeat(5000));", &[ERR]),
    ("regex over a long input", "const s = 'ab'.repeat(1e6); for (;;) /b/g.exec(s);", &[OOG]),
    (
        "cheapen the price functions",
        "Math.max = () => 0; Number = () => 0; Array.prototype.reduce = () => 0; 'x'.padStart(2 ** 29);",
        &[ERR],
    ),
    (
        "cheapen scanning a long string",
        "Array.prototype.reduce = () => 0; const s = 'ab'.repeat(1e6); for (;;) s.indexOf('z');",
        &[ERR],
    ),
    (
        "cheapen through an own property",
        "const s = 'ab'.repeat(1e6); s.indexOf = () => -1; for (;;) s.indexOf('z');",
        &[ERR],
    ),
    ("split bomb", "const s = 'a,'.repeat(1e6); for (;;) s.split(',');", &[OOG]),
    // Work that grows with data inside one built-in call or one piece of syntax: each must be
    // priced (or refused) so that gas, not the deadline, ends it.
    ("shift a huge sparse array", "Array(2 ** 32 - 1).shift();", &[OOG]),
    ("unshift a huge sparse array", "Array(2 ** 32 - 1).unshift(1);", &[OOG]),
    ("toLocaleString of a huge sparse array", "Array(2 ** 32 - 1).toLocaleString();", &[OOG]),
    ("object spread in a loop", "let o = {}; for (let i = 0; ; i++) o = { ...o, ['k' + i]: i };", &[OOG]),
    ("array spread in a loop", "let a = []; for (let i = 0; ; i++) a = [...a, i];", &[OOG]),
    ("encodeURIComponent loop", "const s = '\\u00e9'.repeat(1e5); for (;;) encodeURIComponent(s);", &[OOG]),
    ("quadratic indexOf", "const h = 'a'.repeat(1e5); h.indexOf('a'.repeat(5e4) + 'b');", &[OK, OOG]),
    (
        "a length getter that grows after pricing",
        "let n = 0; const o = { get length() { return n++ ? 2 ** 32 - 1 : 0; } }; Array.prototype.indexOf.call(o, 2);",
        &[OK, ERR, OOG],
    ),
    (
        "a receiver priced as empty that works as a long string",
        "const s = 'x'.repeat(4e6); const o = { length: 0, toString() { return s; } }; \
         for (;;) String.prototype.indexOf.call(o, 'y');",
        &[OOG],
    ),
    (
        "an argument priced as empty that works as a long string",
        "const s = 'x'.repeat(4e6); const o = { length: 0, toString() { return s; } }; for (;;) s.includes(o);",
        &[OOG],
    ),
    (
        "compare long strings in a loop",
        "const a = 'x'.repeat(2e6), b = 'x'.repeat(2e6); let k = 0; for (;;) if (a === b) k++;",
        &[OOG],
    ),
    (
        "order long strings in a loop",
        "const a = 'x'.repeat(2e6), b = 'x'.repeat(2e6) + 'y'; let k = 0; for (;;) if (a < b) k++;",
        &[OOG],
    ),
    ("typed array fill loop", "const t = new Uint8Array(16 << 20); for (;;) t.fill(1);", &[OOG]),
    (
        "typed array set loop",
        "const t = new Uint8Array(8 << 20), u = new Uint8Array(8 << 20); for (;;) t.set(u);",
        &[OOG],
    ),
    ("typed array allocation loop", "for (;;) new Float64Array(1 << 20);", &[OOG]),
    ("Set of a large array in a loop", "const a = new Array(300000).fill(1); for (;;) new Set(a);", &[OOG]),
    ("Map of a large array in a loop", "const a = new Array(100000).fill([1, 2]); for (;;) new Map(a);", &[OOG]),
    ("throw and catch in a loop", "for (;;) { try { throw new Error('x'); } catch (e) {} }", &[OOG]),
    (
        "generators left suspended inside their loops",
        "for (;;) { const g = (function* () { for (let i = 0; ; i++) if (i === 60) yield i; })(); g.next(); }",
        &[OOG],
    ),
    ("an array buffer past the memory limit", "new ArrayBuffer(2 ** 31);", &[OOG]),
    (
        "catch an array buffer past the memory limit",
        "try { new ArrayBuffer(2 ** 31); } catch (e) {} return 'caught';",
        &[OOG],
    ),
    (
        "catch an array buffer at the memory limit",
        "try { new ArrayBuffer(1e8); } catch (e) {} return 'caught';",
        &[OOG],
    ),
    (
        "fill storage with large values",
        "const v = 'x'.repeat(60000); for (let i = 0; ; i++) storage.put('k' + i, v);",
        &[OOG, ERR],
    ),
    ("throw a megabyte", "throw 'x'.repeat(1 << 20);", &[ERR]),
    // Regular expressions built without the `RegExp` name get the same check.
    ("regex through a literal's constructor", "new (/x/.constructor)('^(a+)+$').test('a'.repeat(40) + '!');", &[ERR]),
    (
        "regex through the prototype's constructor",
        "new RegExp.prototype.constructor('^(a|a)*$').test('a'.repeat(40) + '!');",
        &[ERR],
    ),
    (
        "regex through the constructor's prototype",
        "const R = Object.getPrototypeOf(RegExp); new R('^(a+)+$').test('a'.repeat(40) + '!');",
        &[ERR],
    ),
    (
        "regex through the species",
        "const R = RegExp[Symbol.species]; new R('^(a+)+$').test('a'.repeat(40) + '!');",
        &[ERR],
    ),
    ("regex through a subclass", "class R extends RegExp {} new R('^(a+)+$').test('a'.repeat(40) + '!');", &[ERR]),
    (
        "regex through Reflect.construct",
        "Reflect.construct(Object.getPrototypeOf(/x/).constructor, ['^(a+)+$']).test('a'.repeat(40) + '!');",
        &[ERR],
    ),
    // Prototype pollution and global leaks meant to survive into the next transaction:
    // refused on the spot, since the realm's intrinsics and global object are frozen.
    ("pollute Object.prototype", "Object.prototype.polluted = 1;", &[ERR]),
    (
        "pollute toJSON",
        "Object.defineProperty(Object.prototype, 'toJSON', { value: () => 'hacked', configurable: true });",
        &[ERR],
    ),
    ("replace Array.prototype.push", "Array.prototype.push = function () { return -1; };", &[ERR]),
    ("replace JSON.stringify", "JSON.stringify = () => 'hacked';", &[ERR]),
    ("replace String.prototype.repeat", "String.prototype.repeat = () => 'hacked';", &[ERR]),
    ("replace Math.max", "Math.max = () => -1;", &[ERR]),
    ("replace Error.prototype.toString", "Error.prototype.toString = () => 'hacked';", &[ERR]),
    ("leak a global", "globalThis.leak = 1;", &[ERR]),
    ("undeclared assignment (class code is strict)", "leakMe = 1;", &[ERR]),
    ("replace sort", "Array.prototype.sort = function () { return this; };", &[ERR]),
    ("overwrite storage.put", "storage.put = () => null;", &[ERR]),
    ("redefine the storage global", "Object.defineProperty(globalThis, 'storage', { value: {} });", &[ERR]),
    // Forbidden globals and the meter.
    ("eval", "eval('1');", &[ERR]),
    ("Function constructor", "Function('return this')();", &[ERR]),
    ("constructor of a function", "(function () {}).constructor('return 1')();", &[ERR]),
    ("generator function constructor", "Object.getPrototypeOf(function* () {}).constructor('yield 1');", &[ERR]),
    ("Date", "Date.now();", &[ERR]),
    // Math.random is the seeded one (random.rs); it cannot be swapped for a fixed value.
    ("replace Math.random", "Math.random = () => 0.5;", &[ERR]),
    ("SharedArrayBuffer", "new SharedArrayBuffer(8);", &[ERR]),
    ("Promise", "Promise.resolve(1);", &[ERR]),
    (
        "reach the meter through globalThis",
        "globalThis['__jsvm_' + 'gas'] = -1e18; globalThis['__jsvm_' + 'lim'] = 1e18; for (;;) {}",
        &[ERR],
    ),
    ("shadow the meter with a var", "var __x = 1; for (;;) {}", &[OOG]),
    ("reach the host function", "globalThis['__jsvm' + '_host']('put', 0, 'k', 'v', '');", &[ERR]),
    ("reach the entry", "globalThis['__jsvm' + '_invoke']();", &[ERR]),
    // Huge results and contents; coercion traps at the host boundary.
    ("result too long", "return 'x'.repeat(70000);", &[ERR]),
    ("event too long", "blockchain.event('x'.repeat(70000));", &[ERR]),
    ("value too long", "storage.put('k', 'x'.repeat(70000));", &[ERR]),
    ("object as a key", "storage.put({ toString() { return 'k'; } }, 'v');", &[ERR]),
    ("looping toString as a value", "storage.put('k', { toString() { for (;;) {} } });", &[ERR]),
    ("throw an object whose toString loops", "throw { toString() { for (;;) {} } };", &[ERR, OOG]),
    (
        "throw an error whose message getter loops",
        "const e = new Error(); Object.defineProperty(e, 'message', { get() { for (;;) {} } }); throw e;",
        &[ERR, OOG],
    ),
];

/// Contracts the compile stage refuses, with a word of the expected message.
pub(crate) const REFUSED: &[(&str, &str, &str)] = &[
    ("with statement", "with ({}) {}", "with"),
    ("async function", "async function f() {}", "async"),
    ("async arrow", "const f = async () => 1;", "async"),
    ("dynamic import", "import('x');", "import"),
    ("reserved identifier", "let __jsvm_gas = 0;", "__jsvm_gas"),
    ("reserved property", "const o = {}; o.__jsvm_lim = 1;", "__jsvm_lim"),
    ("IOST instrumentation name", "IOSTInstruction.incr(1);", "IOSTInstruction"),
    ("catastrophic regex literal", "/^(a+)+$/.test('a'.repeat(40) + '!');", "repeats a repetition"),
    ("overlapping alternation regex literal", "/^(a|a)*$/.test('a'.repeat(40) + '!');", "repeats a choice"),
    ("bigint squaring", "let x = 3n; for (;;) x = x * x;", "BigInt"),
    ("bigint power", "2n ** 100000000n;", "BigInt"),
    ("regex unicode sets", "/[\\p{L}--[a-z]]/v.test('x');", "`v` flag"),
    ("regex modifiers", "/(?i:a)b/.test('Ab');", "modifier"),
    ("using declaration", "{ using r = null; }", "using"),
    ("power assignment to a property", "const o = { p: 2 }; o.p **= 2;", "**="),
];

/// An attack contract: `attack()` first overwrites the sentinel, then runs `body`;
/// `sentinel()` reads it back.
pub(crate) fn attack_source(body: &str) -> String {
    format!(
        "class Attack {{\n    init() {{ storage.put('sentinel', 'untouched'); }}\n    \
         sentinel() {{ return storage.get('sentinel'); }}\n    \
         attack() {{\n        storage.put('sentinel', 'touched');\n        {body}\n    }}\n}}\n\
         module.exports = Attack;\n"
    )
}

pub(crate) fn attack_abi() -> serde_json::Value {
    abi(&[("attack", &[]), ("sentinel", &[])])
}

pub(crate) fn run_attack(c: &Chain, id: &str) -> Receipt {
    let mut tx: Transaction = c.tx("admin", &[], vec![action(id, "attack", json!([]))]);
    tx.gas_limit = 1_000_000;
    match c.vm.execute_tx(tx.clone(), tx.time) {
        Ok((receipt, _)) => receipt,
        // Past the deadline a block leaves it out; the same transaction as a query keeps
        // its TIMEOUT receipt.
        Err(VmError::LeftOut(_)) => c.vm.query(tx).unwrap().0,
        Err(e) => panic!("{e}"),
    }
}

/// A fixed sequence of 1,000 transactions in 25 blocks, mixing successes, thrown errors,
/// out-of-gas, map churn, events, loops and modern JavaScript.
pub(crate) fn scripted_blocks(c: &Chain) -> Vec<Vec<Transaction>> {
    let src = r#"
class Mix {
    init() { storage.put("n", "0"); }
    add(k, v) { storage.mapPut("m", k, v); blockchain.event(k); return storage.mapLen("m"); }
    del(k) { storage.mapDel("m", k); return JSON.stringify(storage.mapKeys("m")); }
    boom() { storage.put("x", "1"); throw new Error("boom"); }
    work(n) {
        const seen = new Map();
        let acc = 0;
        for (let i = 0; i < n; i++) {
            const { q, r } = { q: Math.floor(i / 7), r: i % 7 };
            seen.set(r, (seen.get(r) ?? 0) + q);
            acc += i ** 2;
        }
        const sorted = [...seen.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
        // Numbers and errors that engines would each make their own way (math.js, errors.js).
        const f = Math.sin(n) * Math.exp(n / 10) + (n + 0.5) ** 1.5 + Math.hypot(n, 3) + Math.atan2(n, 7);
        let caught = "";
        try { null[n]; } catch (e) { caught = e.name + ":" + e.message + ":" + e.stack; }
        storage.put("work", `${acc}:${sorted.map(([k]) => k).join("")}:${f}:${f.toString(7)}:${caught}`);
        return storage.get("work");
    }
    spin() { for (;;) {} }
}
module.exports = Mix;
"#;
    let a = abi(&[
        ("add", &["string", "string"]),
        ("del", &["string"]),
        ("boom", &[]),
        ("work", &["number"]),
        ("spin", &[]),
    ]);
    let deploy = c.tx("admin", &[], vec![set_code(src, &a)]);
    let id = jsvm_runtime::contract_id_for(&deploy.hash());
    let mut blocks = vec![vec![deploy]];
    for i in 0..25u64 {
        let mut block = Vec::new();
        for j in 0..40u64 {
            let n = i * 40 + j;
            let k = format!("k{}", n % 13);
            let mut t = match n % 7 {
                0 | 1 => c.tx("admin", &[], vec![action(&id, "add", json!([k, format!("v{n}")]))]),
                2 => c.tx("admin", &[], vec![action(&id, "del", json!([k]))]),
                3 => c.tx("admin", &[], vec![action(&id, "add", json!([k, "x"])), action(&id, "boom", json!([]))]),
                4 => c.tx("admin", &[], vec![action(&id, "work", json!([n % 50]))]),
                5 => c.tx("admin", &[], vec![action(&id, "spin", json!([]))]),
                _ => c.tx("bob", &[], vec![action(&id, "work", json!([3])), action(&id, "add", json!([k, "y"]))]),
            };
            if n % 7 == 5 {
                t.gas_limit = 50_000;
            }
            block.push(t);
        }
        blocks.push(block);
    }
    blocks
}
