//! The calibration set: one small workload per construct whose time per gas unit the
//! schedule must bound. Each case is one method of one contract ([`contract_source`]):
//! `setup` runs once, then `body` runs `n` times in a counted loop (which costs nothing
//! per iteration beyond its schedule price), and the method returns `r`. A case's gas is
//! therefore `fixed + n × per_iteration`; the benchmark runs it with an endless `n` at
//! the maximum gas limit (so it ends in `GAS_RUN_OUT` having spent exactly that limit)
//! and the smoke test checks `per_iteration` at small `n`.

/// One construct to time.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// The method's name (`c_NAME`) and the row's label.
    pub name: &'static str,
    /// Statements run once before the loop (`r` is declared, `callee` is a parameter).
    pub setup: &'static str,
    /// One iteration's statements (`i` is the iteration).
    pub body: &'static str,
    /// Gas of one iteration under the default schedule: the smoke test's expectation.
    pub gas_per_iteration: u64,
}

const fn case(name: &'static str, setup: &'static str, body: &'static str, gas_per_iteration: u64) -> Case {
    Case { name, setup, body, gas_per_iteration }
}

/// Functions the cases call, at the contract's top level.
const HELPERS: &str = r#"
function inc(a) { return a + 1; }
function throwOne() { throw 1; }
function rethrowing() { try { throwOne(); } catch (e) { throw e; } }
function passing() { return rethrowing(); }
function* counter(k) { for (let j = 0; j < k; j++) yield j; }
function numbers(k) { const a = []; for (let j = 0; j < k; j++) a.push((j * 7919) % k); return a; }
// IOST's secp256k1 vector (go-iost crypto/algorithm_test.go): a signature of sha3("hello world").
const SIG = "41cAgE8u93ha5zDp5aqPyxvVSHN7G5mocZMgkyedpg1WdaNqN72KAndw8Bv7SpGGmxYy28XXiF28WyCHDn8AFDzv";
const KEY = "mN6t6fLnSW2iYx7QkCVFZMDseCU2BjednbfCF7NeXcPj";
"#;

/// Every case, in the order the table lists them before sorting.
pub const CASES: &[Case] = &[
    case("plain_loop", "", "r = (r + i) | 0;", 17),
    case("calls", "", "r = inc(r) | 0;", 31),
    case("closures", "", "const add = (x) => x + i; r = add(r) | 0;", 36),
    case("object_alloc", "", "const o = { a: i, b: r, c: 1 }; r = (r + o.c) | 0;", 35),
    case("array_alloc", "", "const a = [i, r, 1, 2, 3, 4, 5, 6]; r = (r + a.length) | 0;", 39),
    case("property_access", "const o = { a: 1, b: 2, c: { d: 3 } };", "r = (r + o.a + o.b + o.c.d) | 0;", 29),
    case("throw_new_error", "", "try { throw new Error(\"x\"); } catch (e) { r++; }", 826),
    case("throw_value", "", "try { throw 1; } catch (e) { r += e; }", 820),
    case("rethrow_frames", "", "try { passing(); } catch (e) { r += e; }", 1670),
    case("storage_get", "storage.put(\"k\", \"v\".repeat(100));", "r += storage.get(\"k\").length;", 333),
    case("storage_put", "", "storage.put(\"k\", \"value\");", 326),
    case("storage_has", "storage.put(\"k\", \"v\");", "if (storage.has(\"k\")) r++;", 323),
    case("storage_mapPut", "", "storage.mapPut(\"m\", \"f\", \"value\");", 328),
    case(
        "storage_mapKeys",
        "for (let j = 0; j < 20; j++) storage.mapPut(\"m\", \"f\" + (10 + j), \"v\");",
        "r += storage.mapKeys(\"m\").length;",
        1163,
    ),
    case("contextInfo", "", "r += blockchain.contextInfo().length;", 322),
    case("console_log", "", "console.log(\"calibrate\");", 718),
    case("requireAuth", "", "if (blockchain.requireAuth(\"admin\", \"active\")) r++;", 324),
    case("nested_call", "", "r += blockchain.call(callee, \"echo\", [\"x\"]).length;", 6876),
    case(
        "regex_exec",
        "const s = \"xxabbbc\" + \"y\".repeat(50); const re = /a(b+)c/;",
        "r += re.exec(s)[1].length;",
        97,
    ),
    case("regex_test", "const s = \"xxabbbc\" + \"y\".repeat(50);", "if (/b+c/.test(s)) r++;", 167),
    case("regex_replace", "const s = \"xxabbbc\" + \"y\".repeat(50);", "r += s.replace(/b/g, \"d\").length;", 392),
    case(
        "sort_comparator",
        "const base = numbers(64);",
        "const a = base.slice(); a.sort((x, y) => x - y); r += a[1];",
        3415,
    ),
    case("string_indexOf", "const t = \"ab\".repeat(500) + \"needle\";", "r += t.indexOf(\"needle\");", 2651),
    case("string_split", "const t = \"ab\".repeat(500);", "r += t.split(\"b\").length;", 1152),
    case(
        "string_replace",
        "const t = \"ab\".repeat(500) + \"needle\";",
        "r += t.replace(\"needle\", \"pin\").length;",
        2780,
    ),
    case("string_repeat", "", "r += \"xyz\".repeat(300).length;", 136),
    case("string_case", "const t = \"ab\".repeat(500);", "r += t.toUpperCase().length;", 713),
    case("string_slice", "const t = \"ab\".repeat(500);", "r += t.slice(10, 900).length;", 150),
    // Case changes beyond ASCII are done by the host (`normalize` does not exist: docs/javascript.md).
    case("string_case_unicode", "const t = \"stra\\u00dfe \".repeat(100);", "r += t.toUpperCase().length;", 535),
    case("array_map", "const arr = numbers(100);", "r += arr.map((x) => x + 1)[99];", 1627),
    case("array_filter", "const arr = numbers(100);", "r += arr.filter((x) => x & 1).length;", 1627),
    case("array_concat", "const arr = numbers(100);", "r += arr.concat(arr).length;", 1624),
    case("array_join", "const arr = numbers(100);", "r += arr.join(\",\").length;", 3937),
    case("array_splice", "const arr = numbers(100);", "const c = arr.slice(); c.splice(10, 50); r += c.length;", 1640),
    case(
        "array_shift",
        "const arr = numbers(100);",
        "const c = arr.slice(); for (let j = 0; j < 50; j++) c.shift(); r += c.length;",
        31932,
    ),
    case("typed_fill", "const ta = new Uint8Array(4096);", "ta.fill(i & 255); r += ta[0];", 284),
    case(
        "typed_set",
        "const ta = new Uint8Array(4096); const tb = new Uint8Array(4096);",
        "ta.set(tb); r += ta.length;",
        282,
    ),
    case("typed_slice", "const ta = new Uint8Array(4096);", "r += ta.slice(0, 2048).length;", 410),
    case(
        "typed_sort",
        "const tf = Float64Array.from(numbers(256));",
        "const d = tf.slice(); d.sort(); r += d[1];",
        1106,
    ),
    case("map_set_get", "const m = new Map();", "m.set(i & 63, i); r += m.get(i & 63) & 1;", 39),
    case("set_add", "const st = new Set();", "st.add(i & 63); r += st.size & 1;", 29),
    case("set_from_array", "const arr = numbers(100);", "r += new Set(arr).size;", 6422),
    // The worst layouts of size-priced built-ins: holes walked one property lookup at a time, large
    // collections of numbers, elements converted one by one.
    case("sparse_indexOf", "const sparse = []; sparse[20000] = 1;", "r += sparse.indexOf(2);", 160030),
    case(
        "sparse_toLocaleString",
        "const sparse = []; sparse[2000] = 1;",
        "r += sparse.toLocaleString().length;",
        128088,
    ),
    case("set_of_numbers_large", "const many = numbers(10000);", "r += new Set(many).size;", 640022),
    case(
        "map_from_entries_large",
        "const pairs = numbers(5000).map((x) => [x, x]);",
        "r += new Map(pairs).size;",
        640022,
    ),
    case(
        "typed_set_from_array",
        "const f64 = new Float64Array(20000); const plain = numbers(20000);",
        "f64.set(plain); r += f64.length;",
        160026,
    ),
    case(
        "json_parse",
        "const js = JSON.stringify({ a: numbers(100), b: \"x\".repeat(100) });",
        "r += JSON.parse(js).a.length;",
        430,
    ),
    case(
        "json_stringify",
        "const obj = { a: numbers(100), b: \"x\".repeat(100) };",
        "r += JSON.stringify(obj).length;",
        429,
    ),
    case(
        "bignumber_plus",
        "const x = new BigNumber(\"123456789.123456789\"); const y = new BigNumber(\"987654321.987654321\");",
        "if (x.plus(y)) r++;",
        449,
    ),
    case(
        "bignumber_times",
        "const x = new BigNumber(\"123456789.123456789\"); const y = new BigNumber(\"987654321.987654321\");",
        "if (x.times(y)) r++;",
        454,
    ),
    case(
        "bignumber_div",
        "const x = new BigNumber(\"123456789.123456789\"); const y = new BigNumber(\"987654321.987654321\");",
        "if (x.div(y)) r++;",
        469,
    ),
    case("bignumber_sqrt", "const x = new BigNumber(\"123456789.123456789\");", "if (x.sqrt()) r++;", 631),
    case("bignumber_pow", "const x = new BigNumber(\"1.0001\");", "if (x.pow(20)) r++;", 1439),
    case("bignumber_toFixed", "const x = new BigNumber(\"123456789.123456789\");", "r += x.toFixed(8).length;", 425),
    case("crypto_sha3", "", "r += IOSTCrypto.sha3(\"hello world\").length;", 534),
    case(
        "crypto_verify",
        "const h = IOSTCrypto.sha3(\"hello world\");",
        "r += IOSTCrypto.verify(\"secp256k1\", h, SIG, KEY);",
        25200,
    ),
    case("generators", "", "for (const v of counter(8)) r += v;", 180),
    case(
        "string_compare",
        "const sa = \"x\".repeat(1000) + \"a\"; const sb = \"x\".repeat(1000) + \"b\";",
        "if (sa < sb) r++;",
        141,
    ),
    case("array_spread", "const arr = numbers(100);", "const c = [...arr]; r += c.length;", 121),
    case(
        "object_spread",
        "const obj = { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8 };",
        "const c = { ...obj }; r += c.h;",
        85,
    ),
];

/// The contract holding every case (`c_NAME(n, callee)`) and the callee of `nested_call` (`echo`).
pub fn contract_source() -> String {
    let mut s = String::from(HELPERS);
    s.push_str("class Calibrate {\n  init() {}\n  echo(x) { return x; }\n");
    // The result is one byte whatever `r` is (a result is priced per byte), so that the gas
    // stays linear in `n`.
    for c in CASES {
        s.push_str(&format!(
            "  c_{}(n, callee) {{\n    let r = 0;\n    {}\n    for (let i = 0; i < n; i++) {{ {} }}\n    return r === undefined ? 0 : 1;\n  }}\n",
            c.name, c.setup, c.body
        ));
    }
    s.push_str("}\nmodule.exports = Calibrate;\n");
    s
}

/// The contract's ABI: every case's method and `echo`.
pub fn contract_abi() -> serde_json::Value {
    let mut methods = vec![serde_json::json!({"name": "echo", "args": ["string"]})];
    methods.extend(
        CASES.iter().map(|c| serde_json::json!({"name": format!("c_{}", c.name), "args": ["number", "string"]})),
    );
    serde_json::json!({"lang": "javascript", "version": "1.0.0", "abi": methods})
}
