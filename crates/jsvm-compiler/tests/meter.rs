//! Where the compile stage puts gas charges, and that the metered code still means the
//! same program.

use jsvm_compiler::{compile_contract, parse_abi, WRAPPER_PREFIX};

const CHARGE: &str = "if((__jsvm_left-=";
/// The tail of a charge in expression position.
const EXPR_CHARGE: &str = "<0&&__jsvm_oog(),";
/// Counting one iteration of a loop at depth 1 (the batch is paid when complete).
const ITERATION: &str = "__jsvm_c1--;if(!__jsvm_c1){__jsvm_c1=64;if((__jsvm_left-=";
/// A function body's slots for the depth it runs at and the value it returns.
const SLOTS: &str = "var __jsvm_d,__jsvm_r;";
/// One call deeper, at a function's entry.
const ENTER: &str = "if((__jsvm_d=__jsvm_depth++)>=1000)__jsvm_vm.deep();";
/// Back to the caller's depth.
const LEAVE: &str = "__jsvm_depth=__jsvm_d";
/// What a loop pays for its last, partial batch however it ends.
const FINALLY: &str = "}finally{if((__jsvm_left-=(64-__jsvm_c1)*";

fn metered(methods: &str) -> String {
    let source = format!("class C {{\n    init() {{}}\n{methods}\n}}\nmodule.exports = C;\n");
    let abi = parse_abi(r#"{"abi": []}"#).unwrap();
    let prepared = compile_contract(&source, &abi, "c.js").expect("compiles").prepared;
    let body = &prepared[WRAPPER_PREFIX.len()..];
    body[..body.rfind("\n}, function () {").unwrap()].to_string()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn every_function_entry_and_loop_iteration_is_charged() {
    let m = metered("    a() { for (;;) {} }\n    b() { while (x) y(); }\n    c() { do {} while (z); }");
    // top level, init, a, b, c: a charge at entry; the three loops count iterations.
    assert_eq!(count(&m, CHARGE) - 2 * count(&m, ITERATION), 5, "{m}");
    assert_eq!(count(&m, ITERATION), 3, "{m}");
    assert_eq!(count(&m, FINALLY), 3, "{m}");
    assert!(m.contains("{__jsvm_c1=64;try{for (;;) {__jsvm_c1--;"), "{m}");
    // A lone statement as a loop body becomes a block with its count.
    assert!(m.contains("while (x) {__jsvm_c1--;"), "{m}");
    assert!(m.contains("y();}}finally{"), "{m}");
    // A function with loops declares their counters before its charge.
    assert!(m.contains("a() {var __jsvm_c1,__jsvm_s1,__jsvm_e1,__jsvm_x1,__jsvm_d,__jsvm_r;if((__jsvm_left-="), "{m}");
}

#[test]
fn nested_loops_count_in_one_counter_per_depth() {
    let m = metered("    a() { for (;;) { while (x) {} } for (;;) {} function f() { do {} while (y); } }");
    assert!(m.contains("a() {var __jsvm_c1,__jsvm_s1,__jsvm_e1,__jsvm_x1,__jsvm_c2,__jsvm_s2,__jsvm_e2,__jsvm_x2,__jsvm_d,__jsvm_r;"), "{m}");
    assert!(m.contains("while (x) {__jsvm_c2--;"), "{m}");
    // An inner function counts its own loops from depth 1.
    assert!(m.contains("f() {var __jsvm_c1,__jsvm_s1,__jsvm_e1,__jsvm_x1,__jsvm_d,__jsvm_r;"), "{m}");
    assert_eq!(count(&m, "try{"), 4, "{m}");
}

#[test]
fn a_labelled_loop_keeps_its_label_inside_the_try() {
    let m = metered("    a() { outer: inner: for (;;) { continue outer; } }");
    assert!(m.contains("{__jsvm_c1=64;try{outer: inner: for (;;) {"), "{m}");
}

#[test]
fn the_batch_charge_is_the_iteration_cost_times_the_batch() {
    // `for (;;) {}`: the loop's iteration cost 2 plus the body block 1.
    let m = metered("    a() { for (;;) {} }");
    assert!(m.contains("if((__jsvm_left-=192)<0)__jsvm_oog()}"), "{m}");
    assert!(m.contains("(64-__jsvm_c1)*3)<0)"), "{m}");
}

#[test]
fn straight_line_branches_fold_into_the_enclosing_charge() {
    let m = metered("    a(x) { if (x) { x = 1; } else { x = 2; } return x ? 1 : 2; }");
    // top level, init, a: the branches have no charge of their own.
    assert_eq!(count(&m, CHARGE), 3, "{m}");
    assert_eq!(count(&m, EXPR_CHARGE), 0, "{m}");
    // A branch holding a loop keeps its charge (the loop's own is inside it).
    let m = metered("    a(x) { if (x) { for (;;) {} } return x && [1].map((v) => v); }");
    assert!(m.contains("if (x) {if((__jsvm_left-="), "{m}");
    assert!(m.contains("x && ((__jsvm_left-="), "a branch with a function keeps its charge: {m}");
}

#[test]
fn catch_and_finally_recheck_the_meter_first() {
    let m = metered("    a() { try { b(); } catch (e) { c(); } finally { d(); } }");
    assert!(m.contains("catch (e) {if((__jsvm_left-="), "{m}");
    assert!(m.contains("finally {if((__jsvm_left-="), "{m}");
}

#[test]
fn concise_arrows_and_field_initializers_are_charged_when_they_run() {
    let m = metered("    f = [1, 2].length;\n    a() { return [1].map((v) => v + 1); }");
    assert!(m.contains("f = ((__jsvm_left-="), "{m}");
    // A concise arrow body becomes a block whose charge is a statement.
    assert!(
        m.contains(&format!(
            "(v) => {{{SLOTS}if((__jsvm_left-=8)<0)__jsvm_oog();{ENTER}return (__jsvm_r=(v + 1),{LEAVE},__jsvm_r)}}"
        )),
        "{m}"
    );
}

#[test]
fn directive_prologues_stay_first() {
    let m = metered("    a() { 'use strict'\n        return 1; }");
    assert!(m.contains(&format!("'use strict';{SLOTS}if((__jsvm_left-=")), "{m}");
}

#[test]
fn charges_sum_the_static_costs_of_their_block() {
    // The body, `return` and `1`: 3 nodes at 1; entering a function: 5.
    let m = metered("    a() { return 1; }");
    assert!(
        m.contains(&format!("a() {{{SLOTS}if((__jsvm_left-=8)<0)__jsvm_oog();{ENTER} return ({LEAVE}, 1); {LEAVE};}}")),
        "{m}"
    );
}

#[test]
fn regex_literals_that_repeat_a_repetition_are_refused() {
    let abi = parse_abi(r#"{"abi": []}"#).unwrap();
    let compile = |re: &str| {
        let source = format!("class C {{\n    init() {{ return {re}.test('x'); }}\n}}\nmodule.exports = C;\n");
        compile_contract(&source, &abi, "c.js")
    };
    for bad in [r"/(a+)+$/", r"/^(\w+\s?)*$/", r"/(?:a*)*b/", r"/(a+){2,}/", r"/(x|(y+))*/", r"/((a+))*$/"] {
        let err = compile(bad).expect_err(bad).to_string();
        assert!(err.contains("repeats a repetition"), "{bad}: {err}");
    }
    for good in
        [r"/a+b+/", r"/(ab)+/", r"/(a|b)*/", r"/(a{1,3})+/", r"/\d+-\d+/", r"/^[a-z]+(?:-[a-z]+)*$/", r"/((ab)*c)*/"]
    {
        compile(good).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
}

#[test]
fn regex_literals_that_repeat_a_choice_of_alternatives_beginning_alike_are_refused() {
    let abi = parse_abi(r#"{"abi": []}"#).unwrap();
    let compile = |re: &str| {
        let source = format!("class C {{\n    init() {{ return {re}.test('x'); }}\n}}\nmodule.exports = C;\n");
        compile_contract(&source, &abi, "c.js")
    };
    let bad = [
        r"/^(a|a)*$/",
        r"/(\w|\d)+/",
        r"/(?:x|xy)*z/",
        r"/(a|[a-c])*/",
        r"/(?:[^,]|b)*/",
        r"/((?:a|ab)c?)*/",
        r"/(a|A)*/i",
        r"/(?:k|\u212a)+/iu",
        r"/(?:\b|a)*/",
        r"/(?:.|\n)*/",
        r"/(?:a?b|a)*/",
        r"/(?:(a)|\1)*/",
    ];
    for bad in bad {
        let err = compile(bad).expect_err(bad).to_string();
        assert!(
            err.contains("repeats a choice between alternatives that can begin with the same character"),
            "{bad}: {err}"
        );
    }
    let good = [
        r"/(a|b)*/",
        r"/(?:[a-z]|_|-)+/",
        r"/(?:\s|,)*/",
        r"/(a|b)*/i",
        r"/(?:\d|[a-f])+/",
        r"/(a|a)/",
        r"/(?:a|a){1,3}/",
        r"/^(?:[0-9]+|x)$/",
        r"/(?:-[a-z]|_[0-9])*/",
    ];
    for good in good {
        compile(good).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
}

/// The head of a counted loop's stretch loop at depth 1.
const STRETCHES: &str = "try{__jsvm_l1:for(;;){";

#[test]
fn counted_loops_run_in_stretches_with_no_work_per_iteration() {
    let m = metered(
        "    a(n) { for (let i = 0; i < 10; i++) { if (i == n) break; } for (let j = 1, k = n; j <= k; ++j) x(j); }",
    );
    assert_eq!(count(&m, STRETCHES), 2, "{m}");
    // The loop's own test compares with the stretch's end; the body is left as it was.
    assert!(m.contains("for(;i<__jsvm_e1;i++){ if (i == n) break __jsvm_l1; }"), "{m}");
    assert!(m.contains("for(;j<=__jsvm_e1;j++)x(j);"), "{m}");
    // A number bound needs no type check; a name does.
    assert!(m.contains("__jsvm_e1=i+64;if(!(__jsvm_e1<10))__jsvm_e1=10;"), "{m}");
    assert!(m.contains("if(typeof k===\"number\"){__jsvm_e1=j+63;"), "{m}");
    // No per-iteration counting in a counted loop.
    assert_eq!(count(&m, "__jsvm_c1--"), 0, "{m}");
    // A `break` for an inner loop or a switch keeps its target.
    let m = metered("    a(n) { for (let i = 0; i < 9; i++) { for (;;) { break; } switch (i) { case 1: break; } } }");
    assert_eq!(count(&m, "break __jsvm_l1"), 0, "{m}");
}

#[test]
fn loops_whose_bound_or_variable_could_change_are_batched() {
    for body in [
        // The bound is a var (it could be assigned elsewhere), a property, a call, or assigned.
        "var n = 5; for (let i = 0; i < n; i++) {}",
        "for (let i = 0; i < this.n; i++) {}",
        "for (let i = 0; i < f(); i++) {}",
        "let n = 5; n = 6; for (let i = 0; i < n; i++) {}",
        "for (let i = 0, n = 5; i < n; i++) { n++; }",
        // The body assigns the variable, or a closure captures it.
        "for (let i = 0; i < 5; i++) { i += 2; }",
        "for (let i = 0; i < 5; i++) { [i] = [1]; }",
        "for (let i = 0; i < 5; i++) { g(() => i); }",
        // Not an integer start, not a step of one, not `<`/`<=`, a `var`, a label.
        "for (let i = 0.5; i < 5; i++) {}",
        "for (let i = 0; i < 5; i += 2) {}",
        "for (let i = 9; i > 0; i--) {}",
        "for (var i = 0; i < 5; i++) {}",
        "l: for (let i = 0; i < 5; i++) {}",
        // A head spread over lines or with a comment.
        "for (let i = 0;\n i < 5; i++) {}",
        "for (let i = 0; /* c */ i < 5; i++) {}",
        // `arguments` could change a parameter.
        "for (let i = 0; i < n; i++) { arguments; }",
    ] {
        let m = metered(&format!("    a(n) {{ {body} }}"));
        assert_eq!(count(&m, STRETCHES), 0, "{body}: {m}");
        assert_eq!(count(&m, "__jsvm_c1--;"), 1, "{body}: {m}");
    }
}

#[test]
fn inline_sort_comparators_are_paid_for_by_the_sort() {
    let m = metered("    a(x) { x.sort((p, q) => p - q); return x.toSorted((p, q) => { return q - p; }); }");
    // Entry cost 5 and the body's nodes, handed to the wrapper; no charge in the arrow.
    assert!(m.contains("x.sort(__jsvm_cmp((p, q) => p - q,8));"), "{m}");
    assert!(m.contains("x.toSorted(__jsvm_cmp((p, q) => { return q - p; },"), "{m}");
    for kept in [
        "x.sort((p, q) => { for (;;) {} });", // a loop: the arrow keeps its own charges
        "x?.sort((p, q) => p - q);",
        "x.sort(function (p, q) { return p - q; });",
        "x.sort((p, q) => p - q, 1);",
        "x.map((p, q) => p - q);",
    ] {
        let m = metered(&format!("    a(x) {{ {kept} }}"));
        assert!(!m.contains("__jsvm_cmp("), "{kept}: {m}");
    }
}

#[test]
fn calls_count_in_the_call_depth_and_catches_restore_it() {
    let m = metered(
        "    a(x) { try { return b(x); } catch (e) { return 2; } finally { c(); } }\n    \
         *g() { const v = yield 1; return v; }\n    s(x) { return x.sort((p, q) => { try { return f(p); } catch { return 0; } }); }",
    );
    // The top level runs once, at depth 0: it keeps the depth for its catch blocks.
    assert!(m.starts_with(";var __jsvm_d,__jsvm_r;__jsvm_d=__jsvm_depth-1;"), "{m}");
    // A return leaves the depth after its value is computed; catch and finally go back to
    // the function's own depth before anything else.
    assert!(m.contains(&format!("try {{ return (__jsvm_r=( b(x)),{LEAVE},__jsvm_r); }}")), "{m}");
    assert!(
        m.contains("catch (e) {if((__jsvm_left-=506)<0)__jsvm_oog();__jsvm_depth=__jsvm_d+1;e=__jsvm_vm.caught(e);"),
        "{m}"
    );
    // A finally runs at the function's depth and gives back the depth it found (after a
    // return, the caller's).
    assert!(m.contains("finally {if((__jsvm_left-=10)<0)__jsvm_oog();let __jsvm_f=__jsvm_depth;__jsvm_depth=__jsvm_d+1; c(); __jsvm_depth=__jsvm_f;}"), "{m}");
    // A generator leaves at each yield and comes back one deeper.
    assert!(m.contains(&format!("({LEAVE},__jsvm_r=yield 1,__jsvm_d=__jsvm_depth++,__jsvm_r)")), "{m}");
    // An inline comparator counts no depth, but its catch restores its function's.
    assert!(m.contains("(p, q) => { try { return f(p); } catch (__jsvm_e) {if((__jsvm_left-=504)<0)__jsvm_oog();__jsvm_depth=__jsvm_d+1;"), "{m}");
    assert_eq!(count(&m, ENTER), 4, "init, a, g, s: {m}");
    // A returned concise arrow closes inside the return that holds it; making a closure
    // calls nothing, so that return leaves the depth first.
    let m = metered("    a() { return () => b(); }");
    assert!(m.contains(&format!("return ({LEAVE}, () => {{{SLOTS}if((__jsvm_left-=12)<0)__jsvm_oog();{ENTER}return (__jsvm_r=(b()),{LEAVE},__jsvm_r)}});")), "{m}");
}

#[test]
fn returns_of_values_that_call_nothing_leave_the_depth_first() {
    // A curried arrow: the outer one returns a closure (depth left first, no slot), the
    // inner one a sum, which may call `valueOf` and so is kept in the slot.
    let m = metered("    a() { const add = (x) => (y) => x + y; return add; }");
    let inner = format!(
        "(y) => {{{SLOTS}if((__jsvm_left-=8)<0)__jsvm_oog();{ENTER}return (__jsvm_r=(x + y),{LEAVE},__jsvm_r)}}"
    );
    let outer = format!("(x) => {{{SLOTS}if((__jsvm_left-=9)<0)__jsvm_oog();{ENTER}return ({LEAVE},{inner})}}");
    assert!(m.contains(&outer), "{m}");
    // Literals built of such values too; a spread or a call inside keeps the slot.
    let m = metered("    a(x) { return { k: x, f: () => 1, l: [x, 'w'] }; }");
    assert!(m.contains(&format!("return ({LEAVE}, {{ k: x,")), "{m}");
    let m = metered("    a(x) { return { k: x, f: g() }; }");
    assert!(m.contains(" (__jsvm_r=( { k: x, f: g() }),"), "{m}");
    let m = metered("    a(x) { return [...x]; }");
    assert!(m.contains(" (__jsvm_r=( [...__jsvm_vm.spread(x,"), "{m}");
}

#[test]
fn powers_become_calls_of_the_class_libraries_pow() {
    let m = metered("    a(x, y) { x **= 2; return (x + 1) ** /* p */ y ** 2; }");
    assert!(m.contains("x = __jsvm_vm.pow(x,2);"), "{m}");
    assert!(m.contains("__jsvm_vm.pow((x + 1),__jsvm_vm.pow(y,2))"), "{m}");
    // Line breaks around the operator stay, so lines keep their numbers.
    let m = metered("    a(x) { return x\n        **\n        3; }");
    assert!(m.contains("__jsvm_vm.pow(x,\n\n3)"), "{m}");
}

#[test]
fn a_statement_without_semicolon_is_ended_where_spliced_text_would_run_on() {
    // Before the depth is left at a body's `}`.
    let m = metered("    m(N) { return N }\n    n() { x++ }\n    o() { if (a) b() }");
    assert!(m.contains(&format!("return ({LEAVE}, N) ;{LEAVE};}}")), "{m}");
    assert!(m.contains(&format!("x++ ;{LEAVE};}}")), "{m}");
    assert!(m.contains(&format!("if (a) b() ;{LEAVE};}}")), "{m}");
    // Before the depth is given back at a finally's `}`.
    let m = metered("    m() { try { a() } finally { b() } }");
    assert!(m.contains("b() ;__jsvm_depth=__jsvm_f;}"), "{m}");
    // A `)` the meter closes, and a line that starts with `[`, `(` or a template.
    let m = metered("    m() { x = a ? 1 : () => {}\n[a, b] = [b, a]\n return\n(f)()\n }");
    assert!(m.contains("});\n[a, b]"), "{m}");
    assert!(m.contains(&format!("return void({LEAVE});\n(f)()")), "{m}");
    // A yield's head on a line after an open statement.
    let m = metered("    *g() { let q = 1\n yield q }");
    assert!(m.contains(&format!("let q = 1\n ;({LEAVE},__jsvm_r=yield q")), "{m}");
}

#[test]
fn no_semicolon_is_added_where_the_source_needs_none() {
    // A line break, a `;` of the source's own, or a block the meter closes end the
    // statement already: the text is as it always was.
    let m = metered(
        "    m(N) { return N\n }\n    n() { x++; }\n    o() { for (;;) x++ }\n    p() { x = a ? 1 : () => {}\n c() }",
    );
    assert!(m.contains(&format!("return ({LEAVE}, N)\n {LEAVE};}}")), "{m}");
    assert!(m.contains(&format!("x++; {LEAVE};}}")), "{m}");
    assert!(m.contains("x++}}finally{") && m.contains(&format!("__jsvm_oog()}}}} {LEAVE};}}")), "{m}");
    assert!(m.contains("})\n c()"), "{m}");
}

#[test]
fn a_yield_inside_loops_first_pays_for_their_iterations_so_far() {
    let m = metered("    *g(n) { for (;;) { for (let i = 0; i < 9; i++) { yield i; } } }");
    // The batched outer loop and the counted inner one, outermost first, then the depth left.
    let outer = "(__jsvm_left-=(64-__jsvm_c1)*";
    let inner = "(__jsvm_left-=(i-__jsvm_s2+1)*";
    let (o, i) = (m.find(outer).expect(&m), m.find(inner).expect(&m));
    assert!(o < i && m[i..].contains("__jsvm_s2=i+1,__jsvm_depth=__jsvm_d,__jsvm_r=yield i"), "{m}");
    assert!(m.contains("__jsvm_c1=64,("), "{m}");
    // Outside a loop a yield settles nothing.
    let m = metered("    *g() { yield 1; }");
    assert!(m.contains(" (__jsvm_depth=__jsvm_d,__jsvm_r=yield 1"), "{m}");
    assert!(!m.contains("__jsvm_c1=64,"), "{m}");
}

#[test]
fn spreads_pass_their_source_to_the_helpers_that_price_the_copy() {
    let m = metered("    a(x, o) { f(...x); const b = [1, ...x.y]; return { ...o, [b]: [...o.z] }; }");
    assert!(m.contains("f(...__jsvm_vm.spread(x,1,8))"), "{m}");
    assert!(m.contains("[1, ...__jsvm_vm.spread(x.y,1,8)]"), "{m}");
    // An object literal is priced whole, after it is built; a spread inside it as any other.
    assert!(m.contains("__jsvm_vm.objectCopy({ ...o, [b]: [...__jsvm_vm.spread(o.z,1,8)] },8)"), "{m}");
}

#[test]
fn comparisons_that_could_walk_two_long_strings_call_a_priced_helper() {
    let m = metered("    a(x, y, o) { return [x === y, o.a < o.b, x == y.z, x !== \"k\", typeof x === y, x.n * 2 >= y, x != null]; }");
    // A name on the left takes no call when it holds a number or a short string.
    let fast = "(typeof x !== \"string\" || x.length < 256 ? x === y : __jsvm_seq(x,y)), __jsvm_lt(o.a,o.b), \
                (typeof x === \"number\" || typeof x === \"string\" && x.length < 256 ? x == y.z : __jsvm_eq(x,y.z)), \
                x !== \"k\"";
    assert!(m.contains(fast), "{m}");
    // A literal, `typeof`, arithmetic or null on one side bounds the walk: left as written.
    assert!(m.contains("typeof x === y, x.n * 2 >= y, x != null]"), "{m}");
    // A right side with text of its own, a template or a left side not a name: always the call.
    let m = metered("    a(x, y) { return x < y.map((v) => v) || x >= f`t` || (x) <= y; }");
    let slow = "__jsvm_lt(x,y.map(";
    assert!(m.contains(slow) && m.contains("__jsvm_ge(x,f`t`)") && m.contains("__jsvm_le((x),y)"), "{m}");
    // A branch holding only a rewritten comparison is still folded into its block's charge.
    assert!(m.contains("|| __jsvm_ge(x,f`t`) || __jsvm_le("), "{m}");
    // A counted loop's variable is a number; a case test pays when the value could be long.
    let m = metered(
        "    a(n, s, t) { for (let i = 0; i < n; i++) { if (i === n) return; } switch (s) { case t: case 1: } }",
    );
    assert!(m.contains("if (i === n)") && m.contains("case __jsvm_case(t): case 1:"), "{m}");
    let m = metered("    a(undefined, y) { return y === undefined; }");
    assert!(m.contains("__jsvm_seq(y,undefined)"), "a bound `undefined` can be anything: {m}");
}

#[test]
fn element_stores_of_values_that_could_be_nan_store_the_canonical_nan() {
    let check = "===__jsvm_t?__jsvm_t:__jsvm_N)";
    let m = metered(
        "    a(o, k, x) { o[k] = x / 2; o[0] = o[1] = x; o.p = x; o[k] = 1; o[k] = 'v'; o[k] = x | 0; o[k] += x; }",
    );
    // The division and the chained store (inner and outer) are checked, in order.
    assert!(m.contains(&format!("o[k] = ((__jsvm_t=x / 2){check};")), "{m}");
    assert!(m.contains(&format!("o[0] = ((__jsvm_t=o[1] = ((__jsvm_t=x){check}){check};")), "{m}");
    // A named property, a literal, a string, an integer and a compound assignment are left as written.
    for plain in ["o.p = x;", "o[k] = 1;", "o[k] = 'v';", "o[k] = x | 0;", "o[k] += x;"] {
        assert!(m.contains(plain), "{plain}: {m}");
    }
    assert_eq!(count(&m, check), 3, "{m}");
}
