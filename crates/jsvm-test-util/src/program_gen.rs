//! Random but valid contract programs for the meter's differential tests
//! (crates/jsvm-vm/tests/meter_differential.rs): a contract class whose `run()` builds an
//! array of numbers and short strings from random compositions of loops (every kind, with
//! `break`, `continue` and labels), calls and bounded recursion, closures, classes with
//! getters and setters, exceptions caught, rethrown and sometimes left uncaught on purpose,
//! sorts with comparators, and the string, array, object, `Map`, `Set`, `JSON` and `Math`
//! built-ins.
//!
//! Every program terminates by construction: loops run over literal counts (a `while` or
//! `do … while` over a counter the body decrements first, a `for … of` over a slice of at
//! most a literal length), recursion is bounded by literal arguments, and the product of
//! the counts of the loops around any statement stays under [`MAX_ITERATIONS`], with the
//! costly built-ins only where it is small. Values stay small: numbers are reduced modulo
//! a prime where they could grow, strings are cut to 64 characters and arrays kept under 64
//! elements when they are assigned or grow. Only what the compile stage accepts is written
//! (docs/javascript.md): no reserved names, no `async`, no BigInt, no `Date`, no
//! `Math.random` (its seed is the transaction's hash, which changes with the gas limit).
//!
//! Deterministic: program `index` of `seed` is always the same text, so a failure names
//! the seed and index that reproduce it.

use std::fmt::Write;

use crate::rng::Rng;

/// The most iterations the loops around one statement may multiply to.
pub const MAX_ITERATIONS: u64 = 240;

/// Loops around a statement at or under this many iterations may use the costly built-ins
/// (sorts, `map`/`filter`, `JSON`, collections).
const HEAVY_ITERATIONS: u64 = 12;

/// The deepest nesting of blocks the generator writes.
const MAX_DEPTH: usize = 4;

/// The method every generated contract exposes (no arguments).
pub const METHOD: &str = "run";

/// Program `index` of the run seeded `seed`: a whole contract source.
pub fn program(seed: u64, index: u64) -> String {
    let mut rng = Rng::new(seed ^ index.wrapping_mul(0xd1b5_4a32_d192_ed03));
    Gen::new(&mut rng).contract()
}

/// Helpers every program has (functions and classes hoist or are declared before `run`
/// runs). Their constants come from the program's generator.
fn helpers(rng: &mut Rng) -> String {
    let (m, k, t) = (rng.range(2, 9), rng.range(0, 50), rng.range(2, 7));
    format!(
        r#"function rec(n) {{
    if (n <= 0) return {k};
    return (n * {m} + rec(n - 1)) % 10007;
}}
function fib(n) {{ return n < 2 ? n : fib(n - 1) + fib(n - 2); }}
class Fault extends Error {{
    constructor(message, code) {{ super(message); this.name = "Fault"; this.code = code; }}
}}
// What a caught value says: its code, or the message code gave it. An error the engine made is
// caught with jsvm's canonical words, which the compile stage splices into every catch block and
// the unmetered baseline lacks: its message is left out.
function said(e) {{
    const m = e && e.message;
    if (e && e.code !== undefined) return String(e.code);
    return m === undefined ? String(e) : /^(boom|fault|range)/.test(String(m)) ? String(m) : "engine's words";
}}
function thrower(x) {{
    if (x % {t} === 0) throw new Fault("fault " + x, x % 100);
    return x + 1;
}}
function mkCounter(start, step) {{
    let c = start;
    return {{ inc: () => (c = (c + step) % 10007), get value() {{ return c; }} }};
}}
class Box {{
    static made = 0;
    #v;
    constructor(v) {{ this.#v = v % 10007; Box.made++; }}
    get value() {{ return this.#v; }}
    set value(x) {{ this.#v = (x | 0) % 10007; }}
    get twice() {{ return this.#v * 2; }}
    scaled(k) {{ return (this.#v * k) % 10007; }}
    static sum(boxes) {{ return boxes.reduce((s, b) => s + b.value, 0); }}
}}
class Tagged extends Box {{
    constructor(v, tag) {{ super(v); this.tag = tag; }}
    label() {{ return `${{this.tag}}#${{this.value}}`; }}
}}
"#
    )
}

/// A variable the generator may read, and whether statements may assign it.
#[derive(Debug, Clone)]
struct Var {
    name: String,
    mutable: bool,
}

/// Names visible in one block, by the kind of value they hold.
#[derive(Debug, Default, Clone)]
struct Scope {
    ints: Vec<Var>,
    strs: Vec<Var>,
    arrs: Vec<Var>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Str,
    Arr,
}

struct Gen<'r> {
    rng: &'r mut Rng,
    names: usize,
    scopes: Vec<Scope>,
    /// The labels of the loops around the statement, in the current function (`None`: an
    /// unlabelled loop); empty outside any loop.
    loops: Vec<Option<String>>,
    /// The product of the counts of the loops (and repeated calls) around the statement.
    iterations: u64,
    depth: usize,
    /// Inside a `try` block: a statement may throw.
    in_try: bool,
}

const WORDS: &[&str] = &["", "a", "abc", "hello", "x-y-z", "ab,cd,ef", "Zeta", "  pad  ", "a1b2c3", "Straße", "q"];
const NEEDLES: &[&str] = &["a", "b", ",", "-", "l", "z", "ab", "1"];

impl<'r> Gen<'r> {
    fn new(rng: &'r mut Rng) -> Gen<'r> {
        Gen { rng, names: 0, scopes: vec![Scope::default()], loops: Vec::new(), iterations: 1, depth: 0, in_try: false }
    }

    fn contract(&mut self) -> String {
        let mut src = helpers(self.rng);
        let mut body = String::new();
        body.push_str("        const out = [];\n");
        let n = self.rng.range(4, 10);
        for _ in 0..n {
            self.statement(&mut body);
        }
        if self.rng.chance(8) {
            let cond = self.bool_expr(1);
            let value = self.thrown_value();
            let _ = writeln!(body, "        if ({cond}) throw {value};");
        }
        body.push_str("        return out;\n");
        let _ = write!(
            src,
            "class Program {{\n    init() {{}}\n    {METHOD}() {{\n{body}    }}\n}}\nmodule.exports = Program;\n"
        );
        src
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.names += 1;
        format!("{prefix}{}", self.names)
    }

    fn indent(&self) -> String {
        "    ".repeat(self.depth + 2)
    }

    fn declare(&mut self, kind: Kind, name: &str, mutable: bool) {
        let var = Var { name: name.to_string(), mutable };
        let scope = self.scopes.last_mut().expect("a scope");
        match kind {
            Kind::Int => scope.ints.push(var),
            Kind::Str => scope.strs.push(var),
            Kind::Arr => scope.arrs.push(var),
        }
    }

    fn visible(&self, kind: Kind, mutable_only: bool) -> Vec<String> {
        let mut names = Vec::new();
        for scope in &self.scopes {
            let vars = match kind {
                Kind::Int => &scope.ints,
                Kind::Str => &scope.strs,
                Kind::Arr => &scope.arrs,
            };
            names.extend(vars.iter().filter(|v| v.mutable || !mutable_only).map(|v| v.name.clone()));
        }
        names
    }

    fn var(&mut self, kind: Kind, mutable_only: bool) -> Option<String> {
        let names = self.visible(kind, mutable_only);
        (!names.is_empty()).then(|| self.rng.pick(&names).clone())
    }

    fn heavy(&self) -> bool {
        self.iterations <= HEAVY_ITERATIONS
    }

    /// A block `{ … }` of `1..=max` statements in a new scope, `repeat` times as often.
    fn block(&mut self, out: &mut String, repeat: u64, max: i64) {
        let saved = self.iterations;
        self.iterations = self.iterations.saturating_mul(repeat.max(1));
        self.scopes.push(Scope::default());
        self.depth += 1;
        out.push_str("{\n");
        for _ in 0..self.rng.range(1, max) {
            self.statement(out);
        }
        self.depth -= 1;
        self.scopes.pop();
        self.iterations = saved;
        let _ = write!(out, "{}}}", self.indent());
    }

    /// How many times a new loop may run here; 0 when no loop fits.
    fn loop_count(&mut self) -> u64 {
        let room = MAX_ITERATIONS / self.iterations;
        if room < 2 || self.depth >= MAX_DEPTH {
            return 0;
        }
        self.rng.range(0, room.min(12) as i64) as u64
    }

    fn statement(&mut self, out: &mut String) {
        let ind = self.indent();
        let count = self.loop_count();
        let can_nest = self.depth < MAX_DEPTH;
        loop {
            let choice = self.rng.below(30);
            let done = match choice {
                0..=2 => self.declaration(out, &ind),
                3..=4 => self.assignment(out, &ind),
                5..=7 => self.push(out, &ind),
                8..=9 => self.array_change(out, &ind),
                10 if count > 0 => self.for_loop(out, &ind, count),
                11 if count > 0 => self.while_loop(out, &ind, count),
                12 if count > 0 => self.do_while(out, &ind, count),
                13 if count > 0 => self.for_of(out, &ind, count),
                14 if count > 0 && can_nest => self.for_in(out, &ind),
                15 if count > 1 && can_nest => self.labelled(out, &ind),
                16 if can_nest => self.if_else(out, &ind),
                17 if can_nest => self.switch(out, &ind),
                18 | 19 if can_nest => self.try_catch(out, &ind),
                20 if can_nest => self.closure(out, &ind),
                21 => self.counter(out, &ind),
                22 => self.boxes(out, &ind),
                23 if self.heavy() => self.collections(out, &ind),
                24 => self.object(out, &ind),
                25 => self.destructure(out, &ind),
                26 | 27 if !self.loops.is_empty() => self.jump(out, &ind),
                28 if self.in_try => self.throw(out, &ind),
                29 if can_nest && self.heavy() => self.rethrow(out, &ind),
                _ => false,
            };
            if done {
                return;
            }
        }
    }

    fn declaration(&mut self, out: &mut String, ind: &str) -> bool {
        match self.rng.below(3) {
            0 => {
                let (name, e) = (self.fresh("n"), self.int_expr(2));
                let _ = writeln!(out, "{ind}let {name} = {e};");
                self.declare(Kind::Int, &name, true);
            }
            1 => {
                let (name, e) = (self.fresh("s"), self.str_expr(2));
                let _ = writeln!(out, "{ind}let {name} = String({e}).slice(0, 64);");
                self.declare(Kind::Str, &name, true);
            }
            _ => {
                let (name, e) = (self.fresh("a"), self.arr_expr(2));
                let _ = writeln!(out, "{ind}let {name} = {e}.slice(0, 40);");
                self.declare(Kind::Arr, &name, true);
            }
        }
        true
    }

    fn assignment(&mut self, out: &mut String, ind: &str) -> bool {
        match self.rng.below(3) {
            0 => {
                let Some(v) = self.var(Kind::Int, true) else { return false };
                let e = self.int_expr(2);
                let op = *self.rng.pick(&["+", "-", "^", "*"]);
                let _ = writeln!(out, "{ind}{v} = ({v} {op} {e}) % 10007;");
            }
            1 => {
                let Some(v) = self.var(Kind::Str, true) else { return false };
                let e = self.str_expr(2);
                let _ = writeln!(out, "{ind}{v} = ({v} + {e}).slice(-64);");
            }
            _ => {
                let Some(v) = self.var(Kind::Arr, true) else { return false };
                let e = self.arr_expr(2);
                let _ = writeln!(out, "{ind}{v} = {e}.slice(0, 40);");
            }
        }
        true
    }

    fn push(&mut self, out: &mut String, ind: &str) -> bool {
        let e = match self.rng.below(3) {
            0 | 1 => self.int_expr(3),
            _ => format!("String({}).slice(0, 80)", self.str_expr(3)),
        };
        let _ = writeln!(out, "{ind}if (out.length < 400) out.push({e});");
        true
    }

    fn array_change(&mut self, out: &mut String, ind: &str) -> bool {
        let Some(a) = self.var(Kind::Arr, false) else { return self.declaration(out, ind) };
        let (e, k) = (self.int_expr(1), self.rng.range(-3, 5));
        let change = match self.rng.below(7) {
            0 => format!("if ({a}.length < 60) {a}.push({e});"),
            1 => format!("if ({a}.length < 60) {a}.unshift({e});"),
            2 => format!("{a}.splice({k}, 1);"),
            3 => format!("if ({a}.length < 60) {a}.splice({k}, 0, {e}, {e});"),
            4 if self.heavy() => format!("{a}.sort((p, q) => (p % {m}) - (q % {m}) || q - p);", m = k.max(1) + 2),
            5 => format!("{a}.reverse();"),
            _ => format!("if ({a}.length) {a}[{a}.length - 1] = {e};"),
        };
        let _ = writeln!(out, "{ind}{change}");
        true
    }

    fn loop_var(&mut self, prefix: &str) -> String {
        let name = self.fresh(prefix);
        self.scopes.push(Scope::default());
        self.declare(Kind::Int, &name, false);
        name
    }

    fn loop_body(&mut self, out: &mut String, count: u64, label: Option<String>) {
        self.loops.push(label);
        self.block(out, count, 3);
        self.loops.pop();
    }

    fn for_loop(&mut self, out: &mut String, ind: &str, count: u64) -> bool {
        let i = self.loop_var("i");
        let start = self.rng.range(-2, 3);
        let head = match self.rng.below(4) {
            0 => format!("let {i} = {start}; {i} < {}; {i}++", start + count as i64),
            1 => format!("let {i} = {}; {i} > {start}; {i}--", start + count as i64),
            2 => format!("let {i} = 0; {i} <= {}; {i} += 2", 2 * count.saturating_sub(1)),
            _ => format!("let {i} = {start}, lim = {}; {i} < lim; ++{i}", start + count as i64),
        };
        let _ = write!(out, "{ind}for ({head}) ");
        self.loop_body(out, count, None);
        out.push('\n');
        self.scopes.pop();
        true
    }

    fn while_loop(&mut self, out: &mut String, ind: &str, count: u64) -> bool {
        let w = self.loop_var("w");
        let _ = write!(out, "{ind}{{ let {w} = {count}; while ({w} > 0) {{ {w}--; ");
        self.loops.push(None);
        self.block(out, count, 3);
        self.loops.pop();
        out.push_str(" } }\n");
        self.scopes.pop();
        true
    }

    fn do_while(&mut self, out: &mut String, ind: &str, count: u64) -> bool {
        let w = self.loop_var("d");
        let _ = write!(out, "{ind}{{ let {w} = {count}; do {{ {w}--; ");
        self.loops.push(None);
        self.block(out, count.max(1), 3);
        self.loops.pop();
        let _ = writeln!(out, " }} while ({w} > 0); }}");
        self.scopes.pop();
        true
    }

    fn for_of(&mut self, out: &mut String, ind: &str, count: u64) -> bool {
        let x = self.fresh("x");
        self.scopes.push(Scope::default());
        let source = match self.rng.below(3) {
            0 => {
                self.declare(Kind::Str, &x, false);
                format!("String({}).slice(0, {count})", self.str_expr(1))
            }
            1 => {
                self.declare(Kind::Int, &x, false);
                let items: Vec<String> = (0..count).map(|_| self.rng.range(-20, 99).to_string()).collect();
                format!("[{}]", items.join(", "))
            }
            _ => {
                self.declare(Kind::Int, &x, false);
                format!("{}.slice(0, {count})", self.arr_expr(1))
            }
        };
        let _ = write!(out, "{ind}for (const {x} of {source}) ");
        self.loop_body(out, count, None);
        out.push('\n');
        self.scopes.pop();
        true
    }

    fn for_in(&mut self, out: &mut String, ind: &str) -> bool {
        let k = self.fresh("k");
        self.scopes.push(Scope::default());
        self.declare(Kind::Str, &k, false);
        let (a, b) = (self.int_expr(1), self.str_expr(1));
        let _ = write!(out, "{ind}for (const {k} in {{ p: {a}, q: {b}, 7: 1 }}) ");
        self.loop_body(out, 3, None);
        out.push('\n');
        self.scopes.pop();
        true
    }

    /// Two nested loops, the outer labelled, the inner leaving it by `break` or `continue`.
    fn labelled(&mut self, out: &mut String, ind: &str) -> bool {
        let label = self.fresh("L");
        let outer = self.rng.range(2, ((MAX_ITERATIONS / self.iterations) / 2).clamp(2, 6) as i64) as u64;
        let inner = ((MAX_ITERATIONS / self.iterations) / outer).clamp(1, 6);
        let (i, j) = (self.loop_var("i"), self.fresh("j"));
        self.declare(Kind::Int, &j, false);
        let cond = self.bool_expr(1);
        let jump = *self.rng.pick(&["break", "continue"]);
        let _ = write!(
            out,
            "{ind}{label}: for (let {i} = 0; {i} < {outer}; {i}++) {{ for (let {j} = 0; {j} < {inner}; {j}++) {{ if ({cond}) {jump} {label}; "
        );
        self.loops.push(Some(label));
        self.loops.push(None);
        self.block(out, outer * inner, 2);
        self.loops.pop();
        self.loops.pop();
        out.push_str(" } }\n");
        self.scopes.pop();
        true
    }

    fn if_else(&mut self, out: &mut String, ind: &str) -> bool {
        let cond = self.bool_expr(2);
        let _ = write!(out, "{ind}if ({cond}) ");
        self.block(out, 1, 2);
        if self.rng.chance(50) {
            out.push_str(" else ");
            self.block(out, 1, 2);
        }
        out.push('\n');
        true
    }

    fn switch(&mut self, out: &mut String, ind: &str) -> bool {
        let e = self.int_expr(1);
        let _ = write!(out, "{ind}switch ((({e}) % 3 + 3) % 3) {{ case 0: ");
        self.block(out, 1, 2);
        out.push_str(" break; case 1: ");
        self.block(out, 1, 2);
        out.push_str(" default: ");
        self.block(out, 1, 1);
        out.push_str(" }\n");
        true
    }

    fn try_catch(&mut self, out: &mut String, ind: &str) -> bool {
        let e = self.fresh("e");
        let _ = write!(out, "{ind}try ");
        let was = std::mem::replace(&mut self.in_try, true);
        self.block(out, 1, 3);
        self.in_try = was;
        let _ = write!(out, " catch ({e}) {{ if (out.length < 400) out.push(String({e} && {e}.name), said({e})); }}");
        if self.rng.chance(50) {
            out.push_str(" finally ");
            self.block(out, 1, 2);
        }
        out.push('\n');
        true
    }

    /// A `try` whose `catch` throws again, to an outer `catch`, with `finally` on the way.
    fn rethrow(&mut self, out: &mut String, ind: &str) -> bool {
        let (e, f) = (self.fresh("e"), self.fresh("e"));
        let value = self.thrown_value();
        let _ = write!(out, "{ind}try {{ try {{ out.push(thrower({}) % 7); throw {value}; }} catch ({e}) {{ out.push(1); throw {e}; }} finally ", self.int_expr(1));
        self.block(out, 1, 2);
        let _ = writeln!(out, " }} catch ({f}) {{ out.push(typeof {f}, said({f})); }}");
        true
    }

    fn thrown_value(&mut self) -> String {
        let e = self.int_expr(1);
        match self.rng.below(4) {
            0 => format!("new Error(\"boom \" + ({e}))"),
            1 => format!("new Fault(\"fault\", {e})"),
            2 => format!("{{ code: {e} }}"),
            _ => format!("new RangeError(`range ${{{e}}}`)"),
        }
    }

    fn throw(&mut self, out: &mut String, ind: &str) -> bool {
        let cond = self.bool_expr(1);
        let stmt = match self.rng.below(4) {
            0 => format!("if ({cond}) throw {};", self.thrown_value()),
            1 => format!("out.push(thrower({}));", self.int_expr(1)),
            2 => format!("if ({cond}) out.push(null.length);"),
            _ => format!("if ({cond}) out.push(JSON.parse(\"{{bad\"));"),
        };
        let _ = writeln!(out, "{ind}{stmt}");
        true
    }

    fn jump(&mut self, out: &mut String, ind: &str) -> bool {
        let cond = self.bool_expr(1);
        let labels: Vec<String> = self.loops.iter().flatten().cloned().collect();
        let jump = match self.rng.below(3) {
            0 => "break".to_string(),
            1 => "continue".to_string(),
            _ if !labels.is_empty() => format!("continue {}", self.rng.pick(&labels)),
            _ => "continue".to_string(),
        };
        let _ = writeln!(out, "{ind}if ({cond}) {jump};");
        true
    }

    /// An arrow function with a body of its own (loops, jumps and all), called a few times.
    fn closure(&mut self, out: &mut String, ind: &str) -> bool {
        let (f, p) = (self.fresh("f"), self.fresh("p"));
        let calls = self.rng.range(1, 3) as u64;
        let _ = write!(out, "{ind}const {f} = ({p}) => ");
        let saved_loops = std::mem::take(&mut self.loops);
        let saved_try = std::mem::replace(&mut self.in_try, false);
        self.scopes.push(Scope::default());
        self.declare(Kind::Int, &p, false);
        let saved = self.iterations;
        self.iterations = self.iterations.saturating_mul(calls);
        self.depth += 1;
        out.push_str("{\n");
        for _ in 0..self.rng.range(1, 3) {
            self.statement(out);
        }
        let r = self.int_expr(2);
        let _ = writeln!(out, "{}return {r};", self.indent());
        self.depth -= 1;
        self.iterations = saved;
        self.scopes.pop();
        self.loops = saved_loops;
        self.in_try = saved_try;
        let _ = writeln!(out, "{ind}}};");
        for _ in 0..calls {
            let a = self.int_expr(1);
            let _ = writeln!(out, "{ind}if (out.length < 400) out.push({f}({a}));");
        }
        true
    }

    fn counter(&mut self, out: &mut String, ind: &str) -> bool {
        let c = self.fresh("c");
        let (a, step) = (self.int_expr(1), self.rng.range(1, 9));
        let incs = self.rng.range(1, 4);
        let _ = writeln!(
            out,
            "{ind}{{ const {c} = mkCounter({a}, {step}); for (let t = 0; t < {incs}; t++) {c}.inc(); out.push({c}.value, {c}.inc()); }}"
        );
        true
    }

    fn boxes(&mut self, out: &mut String, ind: &str) -> bool {
        let b = self.fresh("b");
        let (a, v, k) = (self.int_expr(1), self.int_expr(1), self.rng.range(1, 9));
        let tag = self.str_expr(1);
        let _ = writeln!(
            out,
            "{ind}{{ const {b} = new Tagged({a}, String({tag}).slice(0, 8)); {b}.value = {v}; out.push({b}.value, {b}.twice, {b}.scaled({k}), {b}.label(), Box.sum([{b}, new Box({k})]), Box.made); }}"
        );
        true
    }

    fn collections(&mut self, out: &mut String, ind: &str) -> bool {
        let (m, s) = (self.fresh("m"), self.fresh("set"));
        let (arr, word) = (self.arr_expr(1), self.str_expr(1));
        let stmt = match self.rng.below(3) {
            0 => format!(
                "{{ const {m} = new Map(); for (const v of {arr}.slice(0, 12)) {m}.set(v % 5, ({m}.get(v % 5) ?? 0) + v); out.push(JSON.stringify([...{m}.entries()]), {m}.size, {m}.has(2)); }}"
            ),
            1 => format!(
                "{{ const {s} = new Set({arr}); {s}.add(3); {s}.delete(0); out.push({s}.size, [...{s}].join(\"/\"), {s}.has(3)); }}"
            ),
            _ => format!(
                "{{ const {m} = new Map([[\"w\", String({word}).slice(0, 10)], [\"n\", 1]]); for (const [k, v] of {m}) out.push(k + \":\" + v); }}"
            ),
        };
        let _ = writeln!(out, "{ind}{stmt}");
        true
    }

    fn object(&mut self, out: &mut String, ind: &str) -> bool {
        let o = self.fresh("o");
        let (a, b, s) = (self.int_expr(1), self.int_expr(1), self.str_expr(1));
        let _ = writeln!(
            out,
            "{ind}{{ const {o} = {{ ...{{ a: {a}, s: String({s}).slice(0, 9) }}, b: {b}, get g() {{ return this.a + this.b; }} }}; {o}.a = {o}.g % 101; out.push(JSON.stringify({o}), Object.keys({o}).join(), JSON.parse(JSON.stringify({{ ...{o}, n: [1, 2] }})).n.length); }}"
        );
        true
    }

    fn destructure(&mut self, out: &mut String, ind: &str) -> bool {
        let (x, y, r) = (self.fresh("x"), self.fresh("y"), self.fresh("r"));
        let arr = self.arr_expr(1);
        let _ = writeln!(out, "{ind}const [{x} = 0, , {y} = 7, ...{r}] = {arr};");
        self.declare(Kind::Int, &x, false);
        self.declare(Kind::Int, &y, false);
        self.declare(Kind::Arr, &r, false);
        true
    }

    fn int_leaf(&mut self) -> String {
        match self.rng.below(4) {
            0 | 1 => match self.var(Kind::Int, false) {
                Some(v) => v,
                None => self.rng.range(-5, 99).to_string(),
            },
            _ => self.rng.range(-5, 99).to_string(),
        }
    }

    /// An integer expression of nesting `depth` at most.
    fn int_expr(&mut self, depth: u32) -> String {
        if depth == 0 || self.rng.chance(25) {
            return self.int_leaf();
        }
        let d = depth - 1;
        let k = self.rng.range(1, 13);
        match self.rng.below(20) {
            0 => format!("({} + {})", self.int_expr(d), self.int_expr(d)),
            1 => format!("({} - {})", self.int_expr(d), self.int_expr(d)),
            2 => format!("(({} * {}) % 10007)", self.int_expr(d), self.int_expr(d)),
            3 => format!("({} % {k})", self.int_expr(d)),
            4 => format!("Math.floor({} / {k})", self.int_expr(d)),
            5 => format!("(({} ^ {}) & 4095)", self.int_expr(d), self.int_expr(d)),
            6 => format!("Math.max({}, {})", self.int_expr(d), self.int_expr(d)),
            7 => format!("Math.abs({})", self.int_expr(d)),
            8 => format!("{}.length", self.str_expr(d)),
            9 => format!("({}.charCodeAt({}) || 0)", self.str_expr(d), self.rng.range(0, 4)),
            10 => format!("{}.indexOf({:?})", self.str_expr(d), self.rng.pick(NEEDLES)),
            11 => format!("{}.length", self.arr_expr(d)),
            12 => format!("({}[{}] ?? -1)", self.arr_expr(d), self.rng.range(0, 5)),
            13 if self.heavy() => format!("{}.reduce((p, q) => (p + q) % 10007, {k})", self.arr_expr(d)),
            14 => format!("rec({})", self.rng.range(0, 25)),
            15 if self.heavy() => format!("fib({})", self.rng.range(0, 11)),
            16 => format!("({} ? {} : {})", self.bool_expr(d), self.int_expr(d), self.int_expr(d)),
            17 => format!("new Box({}).twice", self.int_expr(d)),
            18 if self.in_try => format!("thrower({})", self.int_expr(d)),
            19 => format!("{}.indexOf({})", self.arr_expr(d), self.int_expr(d)),
            _ => self.int_leaf(),
        }
    }

    fn bool_expr(&mut self, depth: u32) -> String {
        let d = depth.saturating_sub(1);
        match self.rng.below(8) {
            0 => format!("{} < {}", self.int_expr(d), self.int_expr(d)),
            1 => format!("{} === {}", self.int_expr(d), self.int_expr(d)),
            2 => format!("{} % 2 === 0", self.int_expr(d)),
            3 => format!("{}.includes({:?})", self.str_expr(d), self.rng.pick(NEEDLES)),
            4 => format!("{}.includes({})", self.arr_expr(d), self.int_expr(d)),
            5 if depth > 0 => format!("({} && !{})", self.bool_expr(d), self.bool_expr(d)),
            6 if depth > 0 => format!("({} || {})", self.bool_expr(d), self.bool_expr(d)),
            _ => format!("{}.startsWith({:?})", self.str_expr(d), self.rng.pick(NEEDLES)),
        }
    }

    fn str_leaf(&mut self) -> String {
        match self.var(Kind::Str, false) {
            Some(v) if self.rng.chance(60) => v,
            _ => format!("{:?}", self.rng.pick(WORDS)),
        }
    }

    /// A string expression (under a few hundred characters) of nesting `depth` at most.
    fn str_expr(&mut self, depth: u32) -> String {
        if depth == 0 || self.rng.chance(25) {
            return self.str_leaf();
        }
        let d = depth - 1;
        let (a, b) = (self.rng.range(-4, 4), self.rng.range(0, 9));
        let (n1, n2) = (self.rng.pick(NEEDLES).to_string(), self.rng.pick(NEEDLES).to_string());
        match self.rng.below(18) {
            0 => format!("`${{{}}}:${{{}}}`", self.int_expr(d), self.str_expr(d)),
            1 => format!("{}.slice({a}, {b})", self.str_expr(d)),
            2 => format!("{}.padStart({}, \"*\")", self.str_expr(d), b + 4),
            3 => format!("{}.padEnd({}, \"-=\")", self.str_expr(d), b + 2),
            4 => format!("{}.toUpperCase()", self.str_expr(d)),
            5 => format!("{}.split({n1:?}).join({n2:?})", self.str_expr(d)),
            6 => format!("{}.replace({n1:?}, {n2:?})", self.str_expr(d)),
            7 => format!("{}.replaceAll({n1:?}, \"\")", self.str_expr(d)),
            8 => format!("{}.repeat({})", self.str_expr(d), self.rng.range(0, 2)),
            9 => format!("String({})", self.int_expr(d)),
            10 => format!("({}).toString({})", self.int_expr(d), self.pick_radix()),
            11 => format!("{}.trim()", self.str_expr(d)),
            12 => format!("({}.at({a}) ?? \"\")", self.str_expr(d)),
            13 => format!("{}.join(\"-\")", self.arr_expr(d)),
            14 if self.heavy() => format!("JSON.stringify({})", self.arr_expr(d)),
            15 => format!("String.fromCharCode(65 + ((({}) % 26) + 26) % 26)", self.int_expr(d)),
            16 => format!("[...{}].reverse().join(\"\")", self.str_expr(d)),
            17 => format!("{}.substring(1, {b})", self.str_expr(d)),
            _ => self.str_leaf(),
        }
    }

    fn pick_radix(&mut self) -> u32 {
        *self.rng.pick(&[2, 8, 10, 16, 36])
    }

    fn arr_leaf(&mut self) -> String {
        match self.var(Kind::Arr, false) {
            Some(v) if self.rng.chance(60) => v,
            _ => {
                let items: Vec<String> = (0..self.rng.range(0, 6)).map(|_| self.int_leaf()).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }

    /// An array of integers expression (at most a few hundred elements) of nesting `depth`.
    fn arr_expr(&mut self, depth: u32) -> String {
        if depth == 0 || self.rng.chance(30) {
            return self.arr_leaf();
        }
        let d = depth - 1;
        let k = self.rng.range(1, 9);
        let heavy = self.heavy();
        match self.rng.below(14) {
            0 => format!("{}.map((v, i) => (v * {k} + i) % 10007)", self.arr_expr(d)),
            1 => format!("{}.filter((v) => v % {} !== 0)", self.arr_expr(d), k + 1),
            2 => format!("{}.slice({}, {})", self.arr_expr(d), self.rng.range(-3, 1), self.rng.range(2, 8)),
            3 => format!("{}.concat({})", self.arr_expr(d), self.arr_expr(d)),
            4 => format!("[...{}, {}]", self.arr_expr(d), self.int_expr(d)),
            5 if heavy => format!("{}.slice().sort((p, q) => p - q)", self.arr_expr(d)),
            6 if heavy => {
                format!("{}.toSorted((p, q) => (q % {}) - (p % {}) || p - q)", self.arr_expr(d), k + 1, k + 1)
            }
            7 => format!("{}.split(\"\").map((c) => c.charCodeAt(0))", self.str_expr(d)),
            8 => format!("Array.from({{ length: {} }}, (_, i) => (i * {k}) % 97)", self.rng.range(0, 8)),
            9 if heavy => format!("[...new Set({})]", self.arr_expr(d)),
            10 => format!("Object.values({{ u: {}, v: {} }})", self.int_expr(d), self.int_expr(d)),
            11 if heavy => format!("JSON.parse(JSON.stringify({}))", self.arr_expr(d)),
            12 => format!("{}.flatMap((v) => [v, -v]).slice(0, 30)", self.arr_expr(d)),
            13 => format!("[{}].map((s) => s.length)", self.str_expr(d)),
            _ => self.arr_leaf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_index_give_the_same_program() {
        assert_eq!(program(7, 3), program(7, 3));
        assert_ne!(program(7, 3), program(7, 4));
        assert_ne!(program(7, 3), program(8, 3));
    }

    #[test]
    fn a_program_is_a_contract_of_one_class_with_run() {
        for i in 0..50 {
            let p = program(1, i);
            assert!(p.contains("class Program {") && p.ends_with("module.exports = Program;\n"), "{p}");
            assert!(!p.contains("Math.random") && !p.contains("__jsvm"), "{p}");
        }
    }
}
