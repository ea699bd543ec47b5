//! The bytes of a NaN written into an ArrayBuffer do not depend on the processor: a NaN made by
//! arithmetic has the processor's bits (x86's `0/0` is negative, ARM's positive), and a contract
//! can read a buffer's bytes back. Every write path stores the canonical quiet NaN
//! (0x7FF8000000000000 for a double, 0x7FC00000 for a float).

use jsvm_test_util::{abi, Chain};
use jsvm_vm::Status;
use serde_json::json;

/// `bytes(path)` writes every NaN of `nans` through `path` and returns each one's bytes (hex,
/// little-endian, as a Uint8Array over the same buffer reads them).
const NAN_BYTES: &str = r#"
const zero = Number("0");
const infinity = Number("Infinity");
const nans = {
    literal: () => NaN, division: () => zero / zero, sqrt: () => Math.sqrt(-1), subtraction: () => infinity - infinity,
    product: () => zero * infinity, parse: () => Number("x"), negated: () => -NaN, negatedDivision: () => -(zero / zero),
    remainder: () => infinity % 2, log: () => Math.log(-1), asin: () => Math.asin(2),
};
function hex(buffer) {
    return Array.from(new Uint8Array(buffer), (b) => (b < 16 ? "0" : "") + b.toString(16)).join("");
}
const writes = {
    f64Index: (x) => { const a = new Float64Array(1); a[0] = x; return a.buffer; },
    f32Index: (x) => { const a = new Float32Array(1); a[0] = x; return a.buffer; },
    f64IndexChained: (x) => { const a = new Float64Array(1), b = [0]; a[0] = b[0] = x; return a.buffer; },
    f64IndexExpression: (x) => { const a = new Float64Array(1); a[zero] = x * 1; return a.buffer; },
    f64Constructor: (x) => new Float64Array([x]).buffer,
    f32Constructor: (x) => new Float32Array([x]).buffer,
    f64Of: (x) => Float64Array.of(x).buffer,
    f64From: (x) => Float64Array.from([x]).buffer,
    f64Fill: (x) => new Float64Array(1).fill(x).buffer,
    f32Fill: (x) => new Float32Array(1).fill(x).buffer,
    f64Set: (x) => { const a = new Float64Array(1); a.set([x]); return a.buffer; },
    f32FromF64: (x) => new Float32Array(new Float64Array([x])).buffer,
    f64FromF32: (x) => new Float64Array(new Float32Array([x])).buffer,
    dataView64: (x) => { const d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, x, true); return d.buffer; },
    dataView32: (x) => { const d = new DataView(new ArrayBuffer(4)); d.setFloat32(0, x, true); return d.buffer; },
    dataView64BigEndian: (x) => { const d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, x); return d.buffer; },
};
class NanBytes {
    init() {}
    bytes(path) {
        const out = {};
        for (const name in nans) out[name] = hex(writes[path](nans[name]()));
        return JSON.stringify(out);
    }
}
module.exports = NanBytes;
"#;

fn canonical(path: &str) -> &'static str {
    match path {
        "f32Index" | "f32Constructor" | "f32Fill" | "f32FromF64" | "dataView32" => "0000c07f",
        "dataView64BigEndian" => "7ff8000000000000",
        _ => "000000000000f87f",
    }
}

/// The NaNs `path` stores with other bytes than the canonical ones.
fn not_canonical(path: &str) -> Vec<String> {
    let c = Chain::new();
    let id = c.deploy(NAN_BYTES, &abi(&[("bytes", &["string"])]));
    let r = c.call(&id, "bytes", json!([path]));
    assert_eq!(r.status, Status::Success, "{path}: {}", r.message);
    let bytes: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&r.returns[0]).unwrap();
    assert_eq!(bytes.len(), 11, "{path}");
    bytes.into_iter().filter(|(_, hex)| hex != canonical(path)).map(|(nan, hex)| format!("{nan}: {hex}")).collect()
}

/// Every path is canonical on both engines: QuickJS (vendored) canonicalises its own stores; on V8
/// the lockdown's wrappers (fill, of, from, DataView), pricing.js (a float array's constructor and
/// `set` from an array) and the compile stage (an element store `o[k] = v`) hand it canonical NaNs.
macro_rules! canonical_on_both_engines {
    ($($test:ident: $path:literal,)*) => {$(
        #[test]
        fn $test() {
            assert_eq!(not_canonical($path), Vec::<String>::new());
        }
    )*};
}

canonical_on_both_engines! {
    fill_f64: "f64Fill",
    fill_f32: "f32Fill",
    typed_array_of: "f64Of",
    typed_array_from: "f64From",
    data_view_set_float64: "dataView64",
    data_view_set_float32: "dataView32",
    data_view_set_float64_big_endian: "dataView64BigEndian",
    element_store_f64: "f64Index",
    element_store_f32: "f32Index",
    element_store_chained: "f64IndexChained",
    element_store_of_an_expression: "f64IndexExpression",
    constructor_from_array_f64: "f64Constructor",
    constructor_from_array_f32: "f32Constructor",
    set_from_array: "f64Set",
    float32_from_float64_array: "f32FromF64",
    float64_from_float32_array: "f64FromF32",
}
