//! Built-ins whose work grows with their input are priced by that input before they run
//! (docs/gas.md, "Built-ins charged by size"): each hostile case below spent a few thousand
//! gas and held a worker far past the deadline, or worked on a size other than the one it
//! paid for. Under a 4,000,000 gas limit each now runs out of gas well within the test
//! chain's 1 s deadline (a case that still hangs would end in TIMEOUT), and small inputs
//! cost exact, stated figures.

use jsvm_test_util::{abi, action, Chain};
use jsvm_vm::{Receipt, Status};
use serde_json::json;

const LIMIT: u64 = 4_000_000;

/// One method per case; `run(name)` returns the case's result as text.
const CASES: &str = r#"
const CASES = {
    // Hangs: a native loop over a huge input.
    shift: () => Array(2 ** 32 - 1).shift(),
    unshift: () => Array(2 ** 32 - 1).unshift(1),
    toLocaleString: () => Array(2 ** 32 - 1).toLocaleString(),
    sparseJoin: () => { const a = []; a[2 ** 32 - 2] = 1; return a.join(); },
    encodeURIComponent: () => { const s = "\u00e9".repeat(1000000); for (;;) encodeURIComponent(s); },
    encodeURI: () => { const s = "\u00e9".repeat(1000000); for (;;) encodeURI(s); },
    decodeURIComponent: () => { const s = "%C3%A9".repeat(300000); for (;;) decodeURIComponent(s); },
    escape: () => { const s = "\u00e9".repeat(1000000); for (;;) escape(s); },
    unescape: () => { const s = "%E9".repeat(1000000); for (;;) unescape(s); },
    longNeedle: () => "a".repeat(100000).indexOf("a".repeat(49999) + "b"),
    longNeedleIncludes: () => "a".repeat(100000).includes("a".repeat(49999) + "b"),
    longSeparator: () => "a".repeat(100000).split("a".repeat(49999) + "b").length,
    // Priced on one size, worked on another.
    lengthGetter: () => { let n = 0; return Array.prototype.fill.call({ get length() { return n++ ? 1e9 : 0; } }, 0); },
    receiverText: () => { const big = "a".repeat(10000000); const o = { length: 0, toString() { return big; } }; for (;;) String.prototype.indexOf.call(o, "b"); },
    argumentText: () => { const big = "a".repeat(10000000); const o = { toString() { return big; } }; for (;;) "b".localeCompare(o); },
    repeatCount: () => { let n = 0; return "ab".repeat({ valueOf() { return n++ ? 1e8 : 0; } }).length; },
    // Typed arrays and collections.
    typedFill: () => { const a = new Uint8Array(32 * 2 ** 20); for (;;) a.fill(1); },
    typedSet: () => { const a = new Uint8Array(2 ** 24); const b = new Uint8Array(2 ** 24); for (;;) a.set(b); },
    typedSubclassLength: () => {
        class Short extends Uint8Array { get length() { return 0; } }
        const a = new Short(2 ** 24); for (;;) a.reverse();
    },
    typedFromArray: () => { const src = Object.keys("x".repeat(100000)); for (;;) new Float64Array(src); },
    bufferSlice: () => { const b = new ArrayBuffer(2 ** 26); for (;;) b.slice(0); },
    newSet: () => { const src = "x".repeat(300000).split(""); for (;;) new Set(src); },
    newMap: () => { const src = Object.entries("x".repeat(100000)); for (;;) new Map(src); },
    newWeakSet: () => { const src = Object.entries("x".repeat(100000)); for (;;) new WeakSet(src); },
    setOfSetValues: () => { const s = new Set(Object.keys("x".repeat(20000))); for (;;) new Set(s.values()); },
    // Small inputs succeed.
    small: () => [
        "abcabc".indexOf("ca"), "x".repeat(3), encodeURIComponent("a b"), decodeURI("%41"),
        Array(3).fill(0).join(), new Set([1, 2, 2]).size, new Map([[1, 2]]).get(1), new Uint8Array([1, 2]).fill(7).join(),
        String.prototype.slice.call({ toString() { return "hello"; } }, 1), [1, 2, 3].shift(), "a,b".split().length,
        "a-b".split("-").length, "a.b".replace(".", "$&$&"), "x".localeCompare("y"), /b/[Symbol.split]("abc").length,
    ].join("|"),
};
class Pricing {
    init() {}
    run(name) { return String(CASES[name]()); }
}
module.exports = Pricing;
"#;

/// The checks that keep the engine's RegExp constructor out of reach; each returns what it built.
const REGEX: &str = r#"
const BAD = "(a+)+$";
const CASES = {
    literalConstructor: () => new (/x/.constructor)(BAD),
    prototypeConstructor: () => new RegExp.prototype.constructor(BAD),
    prototypeOfRegExp: () => { const P = Object.getPrototypeOf(RegExp); return P === Function.prototype ? "Function.prototype" : new P(BAD); },
    species: () => { const C = RegExp[Symbol.species]; return C === undefined ? "no species" : new C(BAD); },
    subclass: () => { class R extends RegExp {} return new R(BAD); },
    regexLike: () => new RegExp({ [Symbol.match]: true, source: BAD, flags: "" }),
    sourceGetter: () => { const re = /x/; Object.defineProperty(re, "source", { value: BAD }); return new RegExp(re); },
    matchObject: () => "aaaa".match({ toString() { return BAD; } }),
    fine: () => [new (/x/.constructor)("a+b").test("aab"), new RegExp(/a+/g).flags, "aab".match({ toString() { return "a+"; } })[0]].join(),
};
class Regex {
    init() {}
    run(name) { return String(CASES[name]()); }
}
module.exports = Regex;
"#;

fn run(c: &Chain, id: &str, case: &str) -> (Receipt, std::time::Duration) {
    let mut tx = c.tx("admin", &[], vec![action(id, "run", json!([case]))]);
    tx.gas_limit = LIMIT;
    let start = std::time::Instant::now();
    let r = c.send(tx);
    (r, start.elapsed())
}

fn deploy(c: &Chain, source: &str) -> String {
    c.deploy(source, &abi(&[("run", &["string"])]))
}

/// Runs `case` of `source` on a fresh chain.
fn outcome(source: &str, case: &str) -> Receipt {
    let c = Chain::new();
    let id = deploy(&c, source);
    let (r, took) = run(&c, &id, case);
    assert_ne!(r.status, Status::Timeout, "{case} still hangs: {}", r.message);
    assert!(took.as_millis() < 900, "{case} took {took:?}");
    r
}

macro_rules! out_of_gas {
    ($($name:ident: $case:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            let r = outcome(CASES, $case);
            assert_eq!((r.status, r.gas_used), (Status::GasRunOut, LIMIT), "{}", r.message);
        }
    )*};
}

out_of_gas!(
    array_shift_of_a_huge_sparse_array: "shift",
    array_unshift_of_a_huge_sparse_array: "unshift",
    array_to_locale_string_of_a_huge_sparse_array: "toLocaleString",
    array_join_of_a_huge_sparse_array: "sparseJoin",
    encode_uri_component_in_a_loop: "encodeURIComponent",
    encode_uri_in_a_loop: "encodeURI",
    decode_uri_component_in_a_loop: "decodeURIComponent",
    escape_in_a_loop: "escape",
    unescape_in_a_loop: "unescape",
    index_of_a_long_needle: "longNeedle",
    includes_of_a_long_needle: "longNeedleIncludes",
    split_by_a_long_separator: "longSeparator",
    a_string_method_on_an_object_that_converts_to_a_huge_string: "receiverText",
    an_argument_that_converts_to_a_huge_string: "argumentText",
    typed_array_fill_in_a_loop: "typedFill",
    typed_array_set_in_a_loop: "typedSet",
    typed_array_priced_by_its_own_length_not_a_subclass_getter: "typedSubclassLength",
    typed_array_from_an_array_in_a_loop: "typedFromArray",
    array_buffer_slice_in_a_loop: "bufferSlice",
    new_set_of_an_array_in_a_loop: "newSet",
    new_map_of_entries_in_a_loop: "newMap",
    new_weak_set_in_a_loop: "newWeakSet",
    new_set_of_a_set_iterator_in_a_loop: "setOfSetValues",
);

#[test]
fn an_array_method_refuses_a_receiver_whose_length_is_a_getter() {
    let r = outcome(CASES, "lengthGetter");
    assert_eq!(r.status, Status::RuntimeError);
    assert!(r.message.contains("TypeError: an array method's receiver must have a data length"), "{}", r.message);
}

#[test]
fn a_count_is_converted_once_so_the_work_is_the_one_priced() {
    let r = outcome(CASES, "repeatCount");
    assert_eq!((r.status, r.returns.clone()), (Status::Success, vec!["0".to_string()]), "{}", r.message);
}

#[test]
fn small_inputs_cost_their_stated_price() {
    let r = outcome(CASES, "small");
    assert_eq!(r.status, Status::Success, "{}", r.message);
    assert_eq!(r.returns, ["2|xxx|a%20b|A|0,0,0|2|2|7,7|ello|1|1|2|a..b|-1|2"]);
    assert_eq!(r.gas_used, 9_802);
}

const BACKTRACKS: &str = "Error: a regular expression that repeats a repetition";

macro_rules! refused_pattern {
    ($($name:ident: $case:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            let r = outcome(REGEX, $case);
            assert_eq!(r.status, Status::RuntimeError);
            assert!(r.message.contains(BACKTRACKS), "{}", r.message);
        }
    )*};
}

refused_pattern!(
    a_regex_built_through_a_literal_constructor_is_checked: "literalConstructor",
    a_regex_built_through_the_prototype_constructor_is_checked: "prototypeConstructor",
    a_regex_built_by_a_subclass_is_checked: "subclass",
    a_regex_built_from_a_regex_like_object_is_checked: "regexLike",
    a_pattern_that_match_converts_from_an_object_is_checked: "matchObject",
);

#[test]
fn the_engine_regexp_constructor_is_unreachable() {
    for (case, want) in
        [("prototypeOfRegExp", "Function.prototype"), ("species", "no species"), ("sourceGetter", "/x/")]
    {
        let r = outcome(REGEX, case);
        assert_eq!((r.status, r.returns.clone()), (Status::Success, vec![want.to_string()]), "{case}: {}", r.message);
    }
    let r = outcome(REGEX, "fine");
    assert_eq!(r.returns, ["true,g,aa"], "{}", r.message);
}
