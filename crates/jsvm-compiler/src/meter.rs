//! Gas metering, injected into the contract's source text.
//!
//! The AST walk (in `parse`) finds every basic block — the program, each function body,
//! each loop iteration, each taken branch of `if`, `?:`, `&&`, `||`, `??` and `switch`,
//! each `catch` and `finally`, class static blocks and field initializers — and sums the
//! static cost of the nodes that belong to it. This module splices one charge per block
//! into the source:
//!
//! ```text
//! statement position:   if((__jsvm_left-=N)<0)__jsvm_oog();
//! expression position:  ((__jsvm_left-=N)<0&&__jsvm_oog(),EXPR)
//! ```
//!
//! One counter of gas *left*, a `var` of the wrapper: a decrement and a sign test are the
//! cheapest check QuickJS offers (no second variable to load, no temporal-dead-zone check
//! as a `let` would need).
//!
//! Loop iterations are the hot path, and a check per iteration costs as much as a small
//! loop body. So a loop counts its iterations in a local of its function (one `var` per
//! loop nesting depth, `__jsvm_c1`, `__jsvm_c2`, …, declared with the function's entry
//! charge) and pays for them in batches of [`LOOP_BATCH`]: every `LOOP_BATCH`-th
//! iteration charges the whole batch and checks the limit, and however the loop is left
//! (its test fails, `break`, `return`, a labelled jump or an exception) a `finally`
//! charges the iterations not yet paid for:
//!
//! ```text
//! {__jsvm_c1=64;try{for(…){__jsvm_c1--;if(!__jsvm_c1){__jsvm_c1=64;if((__jsvm_left-=64*N)<0)__jsvm_oog()} BODY}}
//! finally{if((__jsvm_left-=(64-__jsvm_c1)*N)<0)__jsvm_oog()}}
//! ```
//!
//! Gas used is exactly N per iteration, as with a check on every iteration; only the
//! moment a run is found out of gas moves, by at most one batch of a loop, which changes
//! no result: out of gas ends the run, undoes its writes and charges the whole limit
//! whenever it is found. The counter only ever goes down, so a run is out of gas at its
//! end exactly when a check on every iteration would have stopped it.
//!
//! No charge contains a line break, so line numbers in errors stay those of the source.
//! The counter and the limit are locals of the wrapper function (see [`wrap`]): contract
//! code cannot name them (identifiers starting with `__jsvm` are refused, `with` and
//! string evaluation do not exist), so it can neither read nor reset them.

use serde::{Deserialize, Serialize};

/// Static gas costs per kind of syntax node. Part of the gas schedule (data, versioned):
/// a change re-prepares contracts, since the injected numbers change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterCosts {
    /// Every statement and expression node.
    pub node: u64,
    /// Extra for each call or `new`: the frame the engine sets up.
    pub call: u64,
    /// Extra per element or property of an array or object literal, per template part.
    pub element: u64,
    /// Entering a function body (paid on every call).
    pub function_entry: u64,
    /// Each iteration of a loop.
    pub loop_iteration: u64,
    /// Each taken branch, `catch` and `finally` entry.
    pub branch: u64,
    /// Extra for each `throw` statement: unwinding and building what is thrown are slow
    /// (calibrated: docs/gas.md). Absent from schedules stored before it: 0.
    #[serde(default)]
    pub throw: u64,
    /// Extra on entering a `catch` block: the caught value passes the class libraries
    /// (errors.js). Absent from schedules stored before it: 0.
    #[serde(default)]
    pub catch: u64,
    /// Per property a spread copies into an object literal, and per item a spread takes
    /// from an iterable that is neither an array nor a string (a `Set`, a `Map`, an
    /// iterator): each is a hash-table entry read and one written. A spread of an array
    /// or a string pays [`MeterCosts::element`] per element. A schedule stored before this
    /// existed loads with the default.
    #[serde(default = "default_copy_property")]
    pub copy_property: u64,
}

fn default_copy_property() -> u64 {
    8
}

impl Default for MeterCosts {
    fn default() -> Self {
        MeterCosts {
            node: 1,
            call: 5,
            element: 1,
            function_entry: 5,
            loop_iteration: 2,
            branch: 1,
            throw: 300,
            catch: 500,
            copy_property: default_copy_property(),
        }
    }
}

/// What to splice in at one byte offset of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Splice {
    /// A charge statement.
    Charge,
    /// `;` then a charge statement: right after a directive prologue, whose last
    /// directive may lack its semicolon.
    ChargeAfterDirectives,
    /// `{` and a charge statement, before a statement that must become a block.
    OpenBlock,
    /// `}` closing an [`Splice::OpenBlock`].
    CloseBlock,
    /// The head of a charged expression.
    OpenExpr,
    /// `)` closing an [`Splice::OpenExpr`].
    CloseExpr,
    /// Before a loop statement (and its labels): the loop's iteration counter is set
    /// and a `try` opened.
    OpenLoop,
    /// After a loop statement: the `finally` that pays for the iterations of the last,
    /// partial batch.
    CloseLoop,
    /// At the start of a loop body: one iteration counted, a batch paid when complete.
    Iteration,
    /// `{` and [`Splice::Iteration`], before a loop body that must become a block.
    OpenIteration,
    /// Text of its own (index into the walk's texts), placed like an opening.
    Text(u32),
    /// Text of its own, placed like a closing.
    TextClose(u32),
    /// Text of its own that rewrites an expression in place and charges nothing (a priced
    /// comparison, a spread's helper): a branch holding only such text is still
    /// straight-line code (see `meter_walk`'s `close_branch`). Placed like an opening.
    Inline(u32),
    /// [`Splice::Inline`], placed like a closing.
    InlineClose(u32),
    /// Leaves out this many bytes of the source (a counted loop's head, rewritten).
    Skip(u32),
    /// ` __jsvm_l<counter>` after an unlabelled `break` that leaves a counted loop.
    BreakLabel,
    /// A function body's start: its loop counters and call-depth slots declared, its
    /// charge, then one call deeper (see [`MAX_CALL_DEPTH`]).
    Enter,
    /// `;` then [`Splice::Enter`], after a directive prologue.
    EnterAfterDirectives,
    /// The start of code that runs once and is not a call (a program's top level, a class
    /// static block): `;` (it may follow a directive prologue), its loop counters and the
    /// depth below the one it runs at, as a call keeps its caller's (for its catch blocks),
    /// then its charge.
    EnterBlock,
    /// An arrow's expression body made a block (a statement charge costs QuickJS fewer
    /// steps than one inside an expression, and arrows are often small and hot):
    /// declarations, charge, one call deeper, and the head of the `return` that leaves
    /// the depth (closed by [`Splice::CloseReturn`]).
    OpenReturnEnter,
    /// Closes [`Splice::OpenReturnEnter`]: the value is kept, the depth left.
    CloseReturn,
    /// [`Splice::OpenReturnEnter`] for a value that runs no code (`meter_walk`'s
    /// `plain_value`): the depth is left first, and the value needs no slot.
    OpenPlainReturnEnter,
    /// Closes [`Splice::OpenPlainReturnEnter`].
    ClosePlainReturn,
    /// Before a function body's closing brace: the depth left (a body that ends without
    /// `return`).
    Leave,
    /// Where a statement or class field ends that has no `;` of its own (automatic
    /// semicolon insertion ends it): `;` when the text spliced around it would otherwise
    /// run on into what follows (see [`apply`]).
    StatementEnd,
}

/// One splice: where, what, the cost it charges (per iteration, for the loop kinds),
/// which loop counter it uses (loops) or how many it declares (a function's entry
/// charge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Insert {
    pub offset: u32,
    pub splice: Splice,
    pub cost: u64,
    /// Loop kinds: the loop's nesting depth in its function, from 1 (its counter is
    /// `__jsvm_c<depth>`). Charges at a function's (or the program's, or a static
    /// block's) start: how many loop counters to declare there.
    pub counter: u8,
}

const COUNTER: &str = "__jsvm_left";

/// Loop iterations paid for at a time (see the module documentation).
pub(crate) const LOOP_BATCH: u64 = 64;

fn charge(cost: u64) -> String {
    format!("if(({COUNTER}-={cost})<0)__jsvm_oog();")
}

/// The variables a body declares, or nothing: per loop nesting depth up to `n` an
/// iteration counter and a counted loop's stretch start, end and body flag
/// (`meter_strip`); with `calls`, its caller's call depth and a slot for the value it
/// returns.
fn declare(n: u8, calls: bool) -> String {
    let mut names: Vec<String> = (1..=n).flat_map(|d| ["c", "s", "e", "x"].map(|k| format!("__jsvm_{k}{d}"))).collect();
    if calls {
        names.extend(["__jsvm_d".to_string(), "__jsvm_r".to_string()]);
    }
    if names.is_empty() {
        return String::new();
    }
    format!("var {};", names.join(","))
}

/// Most calls of contract code nested in one run (each method, function, getter, arrow
/// …). Engines run out of stack at depths that differ from engine to engine (and from
/// build to build), so the meter counts the depth itself and ends a run that goes deeper
/// than this, the same way everywhere, well before any engine's stack is exhausted.
pub const MAX_CALL_DEPTH: u32 = 1_000;

/// The run's call depth (a `var` of the wrapper). A body's `__jsvm_d` holds its caller's
/// depth, one less than the depth it runs at: leaving, the more frequent of the two
/// places, then stores it as it is, where storing the body's own depth made every return
/// subtract one.
const DEPTH: &str = "__jsvm_depth";
/// Back at the depth the body runs at (where a catch block starts).
pub(crate) const RESTORE: &str = "__jsvm_depth=__jsvm_d+1;";
/// One call deeper again (a generator resumed).
pub(crate) const REENTER: &str = "__jsvm_d=__jsvm_depth++";
/// One call deeper, ending the run past [`MAX_CALL_DEPTH`]: the caller's depth is at the
/// limit already.
const ENTER: &str = "if((__jsvm_d=__jsvm_depth++)>=1000)__jsvm_vm.deep();";
/// Back to the caller's depth.
pub(crate) const LEAVE: &str = "__jsvm_depth=__jsvm_d";

fn iteration(counter: u8, cost: u64) -> String {
    let c = format!("__jsvm_c{counter}");
    let batch = cost.saturating_mul(LOOP_BATCH);
    format!("{c}--;if(!{c}){{{c}={LOOP_BATCH};if(({COUNTER}-={batch})<0)__jsvm_oog()}}")
}

impl Splice {
    fn is_close(self) -> bool {
        matches!(
            self,
            Splice::CloseBlock
                | Splice::CloseExpr
                | Splice::CloseLoop
                | Splice::TextClose(_)
                | Splice::InlineClose(_)
                | Splice::CloseReturn
                | Splice::ClosePlainReturn
        )
    }

    fn text(self, cost: u64, counter: u8, texts: &[String]) -> String {
        match self {
            Splice::Charge => format!("{}{}", declare(counter, false), charge(cost)),
            Splice::ChargeAfterDirectives => format!(";{}{}", declare(counter, false), charge(cost)),
            Splice::OpenBlock => format!("{{{}", charge(cost)),
            Splice::CloseBlock => "}".into(),
            Splice::OpenExpr => format!("(({COUNTER}-={cost})<0&&__jsvm_oog(),"),
            Splice::CloseExpr => ")".into(),
            Splice::OpenLoop => format!("{{__jsvm_c{counter}={LOOP_BATCH};try{{"),
            Splice::CloseLoop => {
                format!("}}finally{{if(({COUNTER}-=({LOOP_BATCH}-__jsvm_c{counter})*{cost})<0)__jsvm_oog()}}}}")
            }
            Splice::Iteration => iteration(counter, cost),
            Splice::OpenIteration => format!("{{{}", iteration(counter, cost)),
            Splice::Text(i) | Splice::TextClose(i) | Splice::Inline(i) | Splice::InlineClose(i) => {
                texts.get(i as usize).cloned().unwrap_or_default()
            }
            Splice::Skip(_) => String::new(),
            Splice::BreakLabel => format!(" __jsvm_l{counter}"),
            Splice::Enter => format!("{}{}{ENTER}", declare(counter, true), charge(cost)),
            Splice::EnterAfterDirectives => format!(";{}{}{ENTER}", declare(counter, true), charge(cost)),
            Splice::EnterBlock => format!(";{}__jsvm_d={DEPTH}-1;{}", declare(counter, true), charge(cost)),
            Splice::OpenReturnEnter => format!("{{{}{}{ENTER}return (__jsvm_r=(", declare(0, true), charge(cost)),
            Splice::CloseReturn => format!("),{LEAVE},__jsvm_r)}}"),
            Splice::OpenPlainReturnEnter => format!("{{{}{}{ENTER}return ({LEAVE},", declare(0, true), charge(cost)),
            Splice::ClosePlainReturn => ")}".to_string(),
            Splice::Leave => format!("{LEAVE};"),
            Splice::StatementEnd => String::new(),
        }
    }
}

/// Applies `inserts` (in the order the walk produced them) to `source`.
///
/// At one offset, closings go before openings (the node ending there comes first in the
/// text); openings keep walk order (outer before inner) and closings too (the walk emits
/// inner closings first).
///
/// A [`Splice::Skip`] leaves out source bytes after the splices at its offset; the walk
/// puts none inside a skipped range.
pub(crate) fn apply(source: &str, inserts: Vec<Insert>, texts: &[String]) -> String {
    apply_copying(source, inserts, texts).0
}

/// [`apply`], and the stretches of the output copied from the source: `(output offset,
/// source offset, byte length)`, in order (the rest of the output is spliced text).
pub(crate) fn apply_copying(
    source: &str,
    mut inserts: Vec<Insert>,
    texts: &[String],
) -> (String, Vec<(usize, usize, usize)>) {
    inserts.sort_by_key(|i| (i.offset, !i.splice.is_close()));
    let mut out = String::with_capacity(source.len() + inserts.len() * 48);
    let mut copied = Vec::new();
    let mut at = 0usize;
    let mut asi = Asi::default();
    for i in inserts {
        let offset = (i.offset as usize).min(source.len());
        if offset > at {
            copied.push((out.len(), at, offset - at));
            out.push_str(&source[at..offset]);
            at = offset;
        }
        match i.splice {
            Splice::Skip(n) => at = at.max(offset.saturating_add(n as usize).min(source.len())),
            Splice::StatementEnd => asi.statement_end(source, offset, &mut out),
            splice => {
                let text = splice.text(i.cost, i.counter, texts);
                asi.before(offset, &text, &mut out);
                out.push_str(&text);
                asi.emitted(offset, splice, &text);
            }
        }
    }
    copied.push((out.len(), at, source.len() - at));
    out.push_str(&source[at..]);
    (out, copied)
}

/// Keeps automatic semicolon insertion working around spliced text.
///
/// A statement without its own `;` is ended by what follows it: a line break, a `}`, the
/// end of the source. Text spliced after it can take that away in two ways, and each gets
/// a `;` (only then, so that code that needs none is prepared as before):
/// - a statement spliced in before the next token (the depth left before a function's
///   `}`, a `yield`'s head at the start of the next statement) runs on from it: `return x
///   __jsvm_depth=…` or, even across a line break, `a = b` and `(…yield c…)` becoming a
///   call `b(…)`;
/// - a `)` that closes a charge or a return at the statement's end can be continued where
///   the source's own last token could not: `a && x++` then `(f)()` on the next line, or a
///   bare `return` (`return void(…)`) before `[1].forEach(g)`.
#[derive(Default)]
struct Asi {
    /// The last text spliced: at which source offset, its last byte, and whether it closed
    /// an arrow body made a block (whose `}` does not end a statement).
    last: Option<(usize, u8, bool)>,
    /// A statement that ended without `;` and nothing since that ends it.
    open: Option<OpenEnd>,
}

struct OpenEnd {
    /// Where the source's next token is.
    next: usize,
    /// Whether a line break comes before it.
    line_break: bool,
}

impl Asi {
    fn statement_end(&mut self, source: &str, offset: usize, out: &mut String) {
        self.open = None;
        let at_end = self.last.filter(|&(at, _, _)| at == offset);
        let ended = at_end.is_some_and(|(_, last, arrow)| last == b';' || (last == b'}' && !arrow));
        if ended {
            return;
        }
        let (next, line_break) = next_token(source, offset);
        let hazard = matches!(source.as_bytes().get(next), Some(b'(' | b'[' | b'`' | b'+' | b'-' | b'/'));
        if hazard && at_end.is_some_and(|(_, last, _)| last == b')') {
            self.terminate(offset, out);
        } else {
            self.open = Some(OpenEnd { next, line_break });
        }
    }

    /// Before `text` is spliced at `offset`: a `;` if it would run on from an open statement.
    fn before(&mut self, offset: usize, text: &str, out: &mut String) {
        let Some(open) = self.open.take() else { return };
        if offset > open.next {
            return;
        }
        let runs_on = match text.bytes().next() {
            Some(b'(' | b'[') => true,
            Some(b) if b == b'{' || b == b'_' || b == b'$' || b.is_ascii_alphanumeric() => !open.line_break,
            Some(_) => false,
            None => {
                self.open = Some(open);
                false
            }
        };
        if runs_on {
            self.terminate(offset, out);
        }
    }

    fn emitted(&mut self, offset: usize, splice: Splice, text: &str) {
        if let Some(&last) = text.as_bytes().last() {
            self.last = Some((offset, last, matches!(splice, Splice::CloseReturn | Splice::ClosePlainReturn)));
        }
    }

    fn terminate(&mut self, offset: usize, out: &mut String) {
        out.push(';');
        self.last = Some((offset, b';', false));
        self.open = None;
    }
}

/// The offset of the first token at or after `from` (past white space and comments), and
/// whether a line break comes before it.
fn next_token(source: &str, from: usize) -> (usize, bool) {
    let mut at = from;
    let mut line_break = false;
    while let Some(c) = source.get(at..).and_then(|rest| rest.chars().next()) {
        let rest = &source[at..];
        if rest.starts_with("//") {
            match rest.find(['\n', '\r', '\u{2028}', '\u{2029}']) {
                Some(end) => at += end,
                None => return (source.len(), line_break),
            }
        } else if let Some(comment) = rest.strip_prefix("/*") {
            let len = comment.find("*/").map_or(comment.len(), |end| end + 2);
            line_break |= comment[..len].contains(['\n', '\r', '\u{2028}', '\u{2029}']);
            at += 2 + len;
        } else if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
            line_break = true;
            at += c.len_utf8();
        } else if c.is_whitespace() || c == '\u{feff}' {
            at += c.len_utf8();
        } else {
            break;
        }
    }
    (at.min(source.len()), line_break)
}

/// The wrapper's opening, shared with bundles (`bundle.rs`): the factory's parameters,
/// the counters, and the comparison helpers taken from `__jsvm_vm` (the class libraries
/// define them once per realm: a function declared here would be a closure made again on
/// every call of the contract), on one line.
macro_rules! wrapper_head {
    () => {
        "(function (__jsvm_lim, __jsvm_oog, __jsvm_vm) { var __jsvm_left = __jsvm_lim | 0, __jsvm_depth = 0, \
__jsvm_t, __jsvm_N = NaN, __jsvm_cmp = __jsvm_vm.comparator, __jsvm_seq = __jsvm_vm.seq, __jsvm_sne = __jsvm_vm.sne, \
__jsvm_eq = __jsvm_vm.eq, __jsvm_ne = __jsvm_vm.ne, __jsvm_lt = __jsvm_vm.lt, __jsvm_gt = __jsvm_vm.gt, \
__jsvm_le = __jsvm_vm.le, __jsvm_ge = __jsvm_vm.ge, __jsvm_case = __jsvm_vm.caseTest; "
    };
}
/// The wrapper's close after the module function, shared with bundles: `gasUsed` and
/// `charge`.
macro_rules! wrapper_tail {
    () => {
        ", function () { return __jsvm_lim - __jsvm_left; }, \
function (n) { if (!(n <= __jsvm_left)) { __jsvm_left = -1; __jsvm_oog(); } __jsvm_left = (__jsvm_left - n) | 0; }]; })"
    };
}
pub(crate) use {wrapper_head, wrapper_tail};

/// Text before the metered source in prepared code: one line, so that line numbers in
/// the prepared code equal those in the source. Evaluating the prepared code yields a
/// factory `(limit, outOfGas) => [moduleFunction, gasUsed, charge]`:
/// - `moduleFunction(module, exports, require)` runs the contract's top level;
/// - `gasUsed()` reads the counter;
/// - `charge(n)` adds `n` (the class libraries' data-dependent costs) and checks the limit.
///
/// `__jsvm_seq(a, b)` … `__jsvm_ge(a, b)` are `===`, `!==`, `==`, `!=`, `<`, `>`, `<=`
/// and `>=` for operands that could both be long strings (strings under 256 characters
/// take no call beyond the helper's own), and `__jsvm_case(t)` a `case` test: a comparison
/// walks its strings up to the shorter one's length (a string compared with a number is
/// converted, walking all of it), so they pay for strings of 256 characters or more, one gas
/// per 8 characters, the rate of the built-ins charged by size (see `meter_walk::compare`);
/// they are the class libraries' (prelude.js), which pay through the run's `charge`.
///
/// `__jsvm_vm` holds what the class libraries lend the prepared code (prelude.js,
/// `vmHelpers`). `__jsvm_cmp(arrow, cost)` wraps an inline sort comparator whose entry
/// charge the compile stage took out (see `meter_walk`): called as any function, the
/// wrapper pays `cost` and calls the arrow; registered with the class libraries' sort
/// (`__jsvm_vm.brand`), it lets the sort call the arrow directly and pay for its calls in
/// batches.
///
/// The counter is kept a 32-bit integer (`limit` is at most [`MAX_METERED_LIMIT`]): QuickJS
/// compares two small integers on its fast path, but a number that arrived as a double
/// (as JSON gives it) would send every charge's `< 0` through its slow generic path.
pub const WRAPPER_PREFIX: &str = concat!(wrapper_head!(), "return [function (module, exports, require) {");

/// The largest gas limit a prepared contract can count down from (a 32-bit integer).
pub const MAX_METERED_LIMIT: u64 = i32::MAX as u64;

/// Text after the metered source. Its line break ends a trailing `//` comment. `charge`
/// refuses an amount larger than what is left before subtracting it, so the counter stays
/// an integer in its range whatever the amount (a price can be huge or fractional).
pub const WRAPPER_SUFFIX: &str = concat!("\n}", wrapper_tail!());

/// The prepared code for an already metered source.
pub(crate) fn wrap(metered: &str) -> String {
    let mut s = String::with_capacity(WRAPPER_PREFIX.len() + metered.len() + WRAPPER_SUFFIX.len());
    s.push_str(WRAPPER_PREFIX);
    s.push_str(metered);
    s.push_str(WRAPPER_SUFFIX);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ins(offset: u32, splice: Splice, cost: u64) -> Insert {
        Insert { offset, splice, cost, counter: 0 }
    }

    #[test]
    fn splices_nest_and_order_at_equal_offsets() {
        // "a||b" with the right side charged, and an outer expression charge around all.
        let out = apply(
            "a||b",
            vec![
                ins(0, Splice::OpenExpr, 3),
                ins(3, Splice::OpenExpr, 1),
                ins(4, Splice::CloseExpr, 0),
                ins(4, Splice::CloseExpr, 0),
            ],
            &[],
        );
        assert_eq!(out, "((__jsvm_left-=3)<0&&__jsvm_oog(),a||((__jsvm_left-=1)<0&&__jsvm_oog(),b))");
        let out = apply(
            "x;y;",
            vec![ins(0, Splice::OpenBlock, 2), ins(2, Splice::CloseBlock, 0), ins(2, Splice::Charge, 1)],
            &[],
        );
        assert_eq!(out, "{if((__jsvm_left-=2)<0)__jsvm_oog();x;}if((__jsvm_left-=1)<0)__jsvm_oog();y;");
    }

    #[test]
    fn the_depth_limit_in_the_text_is_the_constant() {
        assert!(ENTER.contains(&format!(">={MAX_CALL_DEPTH})")));
        assert!(ENTER.contains(REENTER) && RESTORE.starts_with(DEPTH) && LEAVE.starts_with(DEPTH));
    }

    #[test]
    fn texts_replace_skipped_source() {
        let texts = vec!["{".to_string(), "!".to_string(), "}".to_string()];
        let out = apply(
            "for (a; b) c;",
            vec![
                ins(0, Splice::Text(0), 0),
                ins(0, Splice::Skip(5), 0),
                ins(6, Splice::Text(1), 0),
                ins(6, Splice::Skip(5), 0),
                ins(13, Splice::TextClose(2), 0),
            ],
            &texts,
        );
        assert_eq!(out, "{a!c;}");
    }

    #[test]
    fn the_next_token_skips_spaces_and_comments_and_notes_line_breaks() {
        assert_eq!(next_token("x  }", 1), (3, false));
        assert_eq!(next_token("x /* a */ }", 1), (10, false));
        assert_eq!(next_token("x /* a\n */ }", 1), (11, true));
        assert_eq!(next_token("x // a\n}", 1), (7, true));
        assert_eq!(next_token("x\u{2028}(", 1), (4, true));
        assert_eq!(next_token("x // a", 1), (6, false));
        assert_eq!(next_token("x /* a", 1), (6, false));
    }

    #[test]
    fn a_statement_end_adds_a_semicolon_only_where_text_would_run_on() {
        let end = |offset| ins(offset, Splice::StatementEnd, 0);
        // `x++` before the `}` where the depth is left, on one line and across one.
        assert_eq!(apply("x++ }", vec![end(3), ins(4, Splice::Leave, 0)], &[]), "x++ ;__jsvm_depth=__jsvm_d;}");
        assert_eq!(apply("x++\n}", vec![end(3), ins(4, Splice::Leave, 0)], &[]), "x++\n__jsvm_depth=__jsvm_d;}");
        // A closing `)` before a line that starts with `[`; none before a name.
        let closed = |src| apply(src, vec![ins(0, Splice::OpenExpr, 1), ins(3, Splice::CloseExpr, 0), end(3)], &[]);
        assert_eq!(closed("b++\n[a]"), "((__jsvm_left-=1)<0&&__jsvm_oog(),b++);\n[a]");
        assert_eq!(closed("b++\nc()"), "((__jsvm_left-=1)<0&&__jsvm_oog(),b++)\nc()");
        // A block the meter closed ends the statement already.
        let block = vec![ins(0, Splice::OpenBlock, 1), ins(3, Splice::CloseBlock, 0), end(3), ins(4, Splice::Leave, 0)];
        assert_eq!(apply("x++ }", block, &[]), "{if((__jsvm_left-=1)<0)__jsvm_oog();x++} __jsvm_depth=__jsvm_d;}");
    }

    #[test]
    fn no_splice_holds_a_line_break() {
        for s in [
            Splice::Charge,
            Splice::ChargeAfterDirectives,
            Splice::OpenBlock,
            Splice::CloseBlock,
            Splice::OpenExpr,
            Splice::CloseExpr,
            Splice::OpenLoop,
            Splice::CloseLoop,
            Splice::Iteration,
            Splice::OpenIteration,
            Splice::BreakLabel,
            Splice::Enter,
            Splice::EnterAfterDirectives,
            Splice::EnterBlock,
            Splice::OpenReturnEnter,
            Splice::CloseReturn,
            Splice::OpenPlainReturnEnter,
            Splice::ClosePlainReturn,
            Splice::Leave,
            Splice::StatementEnd,
        ] {
            assert!(!s.text(7, 2, &[]).contains('\n'));
        }
        assert!(!WRAPPER_PREFIX.contains('\n'));
    }
}
