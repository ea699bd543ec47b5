//! The AST walk behind gas metering (see `meter`): finds the basic blocks and their static
//! costs, and refuses constructs that metering or determinism cannot allow. Like `parse`,
//! this module touches oxc; nothing of oxc leaves it.

use oxc::allocator::Allocator;
use oxc::ast::ast::{
    Argument, ArrowFunctionBody, ArrowFunctionExpression, BindingPattern, BreakStatement, CallExpression, CatchClause,
    ConditionalExpression, DoWhileStatement, Expression, ForInStatement, ForOfStatement, ForStatement, Function,
    FunctionBody, IfStatement, LabeledStatement, LogicalExpression, Program, PropertyDefinition, ReturnStatement,
    Statement, StaticBlock, SwitchStatement, TryStatement, WhileStatement, YieldExpression,
};
use oxc::ast::ast::{
    AssignmentExpression, AssignmentOperator, AssignmentTarget, BinaryExpression, BinaryOperator, RegExpFlags,
    RegExpLiteral, VariableDeclarationKind,
};
use oxc::ast::AstKind;
use oxc::ast_visit::{walk, Visit};
use oxc::regular_expression::ast::{Disjunction, Pattern, Term};
use oxc::regular_expression::visit::{RegExpAstKind, Visit as RegExpVisit};
use oxc::regular_expression::{LiteralParser, Options};
use oxc::span::GetSpan;
use oxc::syntax::scope::ScopeFlags;

use crate::meter::{Insert, MeterCosts, Splice, LEAVE, REENTER, RESTORE};
use crate::meter_strip::{counted_loop, rewrite, Assigned, CountedLoop};

/// A construct the metered dialect refuses, with its byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    pub what: &'static str,
    pub offset: u32,
}

pub(crate) struct MeterWalk<'s, 'c> {
    source: &'s [u8],
    costs: &'c MeterCosts,
    pub inserts: Vec<Insert>,
    /// The texts of [`Splice::Text`] and [`Splice::TextClose`] inserts.
    pub texts: Vec<String>,
    /// Blocks being summed: (index of their opening insert, cost so far).
    open: Vec<(usize, u64)>,
    /// Names the source assigns somewhere (for counted loops' bounds).
    assigned: Assigned,
    /// The bodies whose `var`s hold loop counters (program, functions, static blocks),
    /// innermost last.
    bodies: Vec<CounterScope>,
    /// Where the labels in front of the loop about to be visited start: the loop's
    /// `try` must enclose them, so that `continue LABEL` still names a loop.
    label_start: Option<u32>,
    /// The next function body walked counts no call depth (an inline sort comparator).
    uncounted_body: bool,
    pub refused: Option<Refused>,
}

/// Loop counters of one function body (see `meter`): how deep its loops nest now and
/// at most, and the entry charge that declares them.
struct CounterScope {
    entry: Option<usize>,
    depth: u8,
    deepest: u8,
    /// A call frame that counts in the run's call depth (see `meter::MAX_CALL_DEPTH`):
    /// its returns leave the depth.
    calls: bool,
    /// Its catch and finally blocks restore the depth it runs at (`__jsvm_d`: its own, or
    /// for an inline sort comparator, which counts no depth, its enclosing function's).
    restores: bool,
    /// What an unlabelled `break` leaves, innermost last: a loop or `switch`, with the
    /// depth of a counted loop (whose breaks must leave its stretch loop too).
    breaks: Vec<Option<u8>>,
}

/// How a body counts in the call depth.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Frame {
    /// A function's body: one call deeper while it runs.
    Call,
    /// A program's top level: it runs once, at the depth it starts at (0).
    TopLevel,
    /// An inline sort comparator's body, which the sort calls and pays for.
    Uncounted,
}

impl<'s, 'c> MeterWalk<'s, 'c> {
    pub(crate) fn new(source: &'s str, costs: &'c MeterCosts) -> Self {
        MeterWalk {
            source: source.as_bytes(),
            costs,
            inserts: Vec::new(),
            texts: Vec::new(),
            open: Vec::new(),
            assigned: Assigned::default(),
            bodies: Vec::new(),
            label_start: None,
            uncounted_body: false,
            refused: None,
        }
    }

    fn refuse(&mut self, what: &'static str, offset: u32) {
        if self.refused.is_none() {
            self.refused = Some(Refused { what, offset });
        }
    }

    fn add(&mut self, n: u64) {
        if let Some(top) = self.open.last_mut() {
            top.1 = top.1.saturating_add(n);
        }
    }

    fn splice(&mut self, offset: u32, splice: Splice, cost: u64, counter: u8) {
        self.inserts.push(Insert { offset, splice, cost, counter });
    }

    fn open_block(&mut self, offset: u32, splice: Splice, base: u64) {
        self.open_counted_block(offset, splice, base, 0);
    }

    fn open_counted_block(&mut self, offset: u32, splice: Splice, base: u64, counter: u8) {
        self.splice(offset, splice, 0, counter);
        self.open.push((self.inserts.len() - 1, base));
    }

    /// Closes the innermost block: its opening charge gets the summed cost, which is
    /// returned.
    fn close_block(&mut self, closing: Option<(u32, Splice)>) -> u64 {
        let cost = match self.open.pop() {
            Some((i, cost)) => {
                if let Some(insert) = self.inserts.get_mut(i) {
                    insert.cost = cost;
                }
                cost
            }
            None => 0,
        };
        if let Some((offset, splice)) = closing {
            self.splice(offset, splice, 0, 0);
        }
        cost
    }

    /// Starts a body that declares loop counters; its entry charge is the insert just
    /// opened, if any.
    fn begin_counter_scope(&mut self, calls: bool, restores: bool) {
        let entry = self.open.last().map(|&(i, _)| i).filter(|&i| i != usize::MAX);
        self.bodies.push(CounterScope { entry, depth: 0, deepest: 0, calls, restores, breaks: Vec::new() });
    }

    /// Whether the body being walked counts in the call depth.
    fn counts_calls(&self) -> bool {
        self.bodies.last().is_some_and(|b| b.calls)
    }

    /// Back at the body's own depth, where a catch block starts.
    fn restore_depth(&mut self, offset: u32) {
        if self.bodies.last().is_some_and(|b| b.restores) {
            self.text(offset, RESTORE.into(), false);
        }
    }

    /// A finally block runs at the body's own depth, and where it ends normally gives back
    /// the depth it found: its function's after a `return` in the try (which has left the
    /// depth already), or a thrower's while the exception goes on up (its catcher restores
    /// its own). `open` is after the block's `{`, `close` at its `}`.
    fn finally_depth(&mut self, open: u32, close: u32) {
        if self.bodies.last().is_some_and(|b| b.restores) {
            self.text(open, format!("let __jsvm_f=__jsvm_depth;{RESTORE}"), false);
            self.text(close, "__jsvm_depth=__jsvm_f;".into(), true);
        }
    }

    fn end_counter_scope(&mut self) {
        if let Some(scope) = self.bodies.pop() {
            if let Some(insert) = scope.entry.and_then(|i| self.inserts.get_mut(i)) {
                insert.counter = scope.deepest;
            }
        }
    }

    /// Closes a branch. A branch that is straight-line code (nothing inside it needed a
    /// charge of its own: no loop, no function, no catch) is folded into the enclosing
    /// block instead: its cost is added there and its splice removed, so the enclosing
    /// charge covers both arms. That keeps every charge an upper bound of the work and
    /// takes a check out of hot paths.
    fn close_branch(&mut self, closing: Option<(u32, Splice)>) {
        let Some(&(i, cost)) = self.open.last() else { return };
        let straight = |rest: &[Insert]| rest.iter().all(|r| r.splice == Splice::BreakLabel);
        if i != usize::MAX && self.inserts.get(i + 1..).is_some_and(straight) {
            self.open.pop();
            self.inserts.remove(i);
            self.add(cost);
        } else {
            self.close_block(closing);
        }
    }

    fn is_brace(&self, offset: u32) -> bool {
        self.source.get(offset as usize) == Some(&b'{')
    }

    /// Opens the block a loop body or `if` branch runs as: inside its braces (`inside`),
    /// or new braces around a lone statement (`around`). Returns the closing splice.
    fn begin_statement_block(
        &mut self,
        body: &Statement<'_>,
        base: u64,
        (inside, around): (Splice, Splice),
        counter: u8,
    ) -> Option<(u32, Splice)> {
        let span = body.span();
        match body {
            Statement::BlockStatement(_) if self.is_brace(span.start) => {
                self.open_counted_block(span.start + 1, inside, base, counter);
                None
            }
            _ => {
                self.open_counted_block(span.start, around, base, counter);
                Some((span.end, Splice::CloseBlock))
            }
        }
    }

    /// A loop statement spanning `start..end`: `per_iteration` visits what runs on every
    /// iteration besides the body (test, update, the binding of `for…in`/`for…of`); all
    /// of it is one iteration's cost, counted at the body's start and paid in batches
    /// (see `meter`).
    fn metered_loop<'a>(&mut self, start: u32, end: u32, body: &Statement<'a>, per_iteration: impl FnOnce(&mut Self))
    where
        Self: Visit<'a>,
    {
        let start = self.label_start.take().unwrap_or(start);
        let Some(counter) = self.enter_loop(None) else { return };
        self.splice(start, Splice::OpenLoop, 0, counter);
        let kinds = (Splice::Iteration, Splice::OpenIteration);
        let closing = self.begin_statement_block(body, self.costs.loop_iteration, kinds, counter);
        per_iteration(self);
        self.visit_statement(body);
        let cost = self.close_block(closing);
        self.splice(end, Splice::CloseLoop, cost, counter);
        self.leave_loop();
    }

    /// One loop deeper in the current body: its depth (and counter). `counted` marks a
    /// counted loop, whose unlabelled breaks are rewritten.
    fn enter_loop(&mut self, counted: Option<()>) -> Option<u8> {
        let scope = self.bodies.last_mut()?;
        scope.depth = scope.depth.saturating_add(1);
        scope.deepest = scope.deepest.max(scope.depth);
        let depth = scope.depth;
        scope.breaks.push(counted.map(|()| depth));
        Some(depth)
    }

    fn leave_loop(&mut self) {
        if let Some(scope) = self.bodies.last_mut() {
            scope.depth -= 1;
            scope.breaks.pop();
        }
    }

    fn text(&mut self, offset: u32, text: String, close: bool) {
        let i = self.texts.len() as u32;
        self.texts.push(text);
        self.splice(offset, if close { Splice::TextClose(i) } else { Splice::Text(i) }, 0, 0);
    }

    /// A counted loop (see `meter_strip`): no work per iteration, its stretches paid as
    /// they start and when it ends. The test, update and body are one iteration's cost.
    fn counted_loop(&mut self, it: &ForStatement<'_>, l: CountedLoop)
    where
        Self: for<'x> Visit<'x>,
    {
        let Some(depth) = self.enter_loop(Some(())) else { return };
        self.open.push((usize::MAX, self.costs.loop_iteration));
        if let Some(test) = &it.test {
            self.visit_expression(test);
        }
        if let Some(update) = &it.update {
            self.visit_expression(update);
        }
        self.visit_statement(&it.body);
        let cost = self.close_block(None);
        self.leave_loop();
        let (open, head, close) = rewrite(&l, depth, cost);
        self.text(it.span.start, open, false);
        self.splice(it.span.start, Splice::Skip(l.init_start - it.span.start), 0, 0);
        self.text(l.init_end, head, false);
        self.splice(l.init_end, Splice::Skip(l.body_start - l.init_end), 0, 0);
        self.text(it.span.end, close, true);
    }

    /// An `if` arm.
    fn branch_statement(&mut self, body: &Statement<'_>, base: u64)
    where
        Self: for<'x> Visit<'x>,
    {
        let closing = self.begin_statement_block(body, base, (Splice::Charge, Splice::OpenBlock), 0);
        self.visit_statement(body);
        self.close_branch(closing);
    }

    /// An expression that runs only when its branch is taken (`?:`, `&&`, `||`, `??`).
    fn branch_expression(&mut self, e: &Expression<'_>, base: u64)
    where
        Self: for<'x> Visit<'x>,
    {
        let span = e.span();
        self.open_block(span.start, Splice::OpenExpr, base);
        self.visit_expression(e);
        self.close_branch(Some((span.end, Splice::CloseExpr)));
    }

    /// An expression that runs on its own, later (a concise arrow body, a field initializer).
    fn expression_block(&mut self, e: &Expression<'_>, base: u64)
    where
        Self: for<'x> Visit<'x>,
    {
        let span = e.span();
        self.open_block(span.start, Splice::OpenExpr, base);
        self.visit_expression(e);
        self.close_block(Some((span.end, Splice::CloseExpr)));
    }

    /// A statement list after an optional directive prologue; `brace` is where its `{` is.
    /// `frame`: how the body counts in the call depth.
    fn body_block(
        &mut self,
        brace: Option<u32>,
        last_directive_end: Option<u32>,
        first: Option<u32>,
        base: u64,
        frame: Frame,
    ) {
        let (plain, after_directives) = match frame {
            Frame::Call => (Splice::Enter, Splice::EnterAfterDirectives),
            Frame::TopLevel => (Splice::EnterBlock, Splice::EnterBlock),
            Frame::Uncounted => (Splice::Charge, Splice::ChargeAfterDirectives),
        };
        let calls = frame != Frame::Uncounted;
        match (last_directive_end, brace, first) {
            (Some(end), _, _) => self.open_block(end, after_directives, base),
            (None, Some(b), _) if self.is_brace(b) => self.open_block(b + 1, plain, base),
            (None, _, Some(start)) => self.open_block(start, plain, base),
            // An empty body without a brace we can find: nothing runs, nothing to charge.
            _ => self.open.push((usize::MAX, 0)),
        }
        let entered = self.open.last().is_some_and(|&(i, _)| i != usize::MAX);
        self.begin_counter_scope(calls && entered, entered);
    }

    /// Ends a body; `closing_brace`: where a function body's `}` is, before which a body
    /// that counts calls leaves its depth.
    fn end_body_block(&mut self, closing_brace: Option<u32>) {
        if let Some(brace) = closing_brace.filter(|_| self.counts_calls()) {
            self.splice(brace, Splice::Leave, 0, 0);
        }
        self.end_counter_scope();
        match self.open.last() {
            Some((usize::MAX, _)) => {
                self.open.pop();
            }
            _ => {
                self.close_block(None);
            }
        }
    }
}

/// The comparator of `X.sort(ARROW)` or `X.toSorted(ARROW)`, an arrow function written in
/// place: its calls can be paid for by the sort (see `meter`, `__jsvm_cmp`).
fn inline_comparator<'c, 'a>(it: &'c CallExpression<'a>) -> Option<&'c ArrowFunctionExpression<'a>> {
    let Expression::StaticMemberExpression(member) = &it.callee else { return None };
    if it.optional || member.optional || !matches!(member.property.name.as_str(), "sort" | "toSorted") {
        return None;
    }
    match it.arguments.as_slice() {
        [Argument::ArrowFunctionExpression(arrow)] if !arrow.r#async => Some(arrow),
        _ => None,
    }
}

impl MeterWalk<'_, '_> {
    /// Replaces the source from `from` to `to` (an operator between two operands, with
    /// any spaces and comments around it) by `text`, keeping its line breaks so that line
    /// numbers stay the source's.
    fn replace_between(&mut self, from: u32, to: u32, text: &str) {
        let between = self.source.get(from as usize..to as usize).unwrap_or(&[]);
        let breaks: String = String::from_utf8_lossy(between)
            .chars()
            .filter(|c| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
            .collect();
        self.splice(from, Splice::Skip(to.saturating_sub(from)), 0, 0);
        self.text(from, format!("{text}{breaks}"), false);
    }
}

impl<'s, 'c> MeterWalk<'s, 'c> {
    /// An inline sort comparator: walked as any arrow, but when its body holds no loop
    /// its entry charge is left out and the arrow wrapped in `__jsvm_cmp(ARROW, COST)`,
    /// which pays that charge on every call.
    fn sort_comparator<'a>(&mut self, it: &ArrowFunctionExpression<'a>)
    where
        Self: Visit<'a>,
    {
        self.add(self.costs.node);
        self.visit_formal_parameters(&it.params);
        let entry = self.inserts.len();
        let cost = match &it.body {
            ArrowFunctionBody::FunctionBody(body) => {
                self.uncounted_body = true;
                self.visit_function_body(body);
                match self.inserts.get_mut(entry) {
                    Some(charge)
                        if charge.counter == 0
                            && matches!(charge.splice, Splice::Charge | Splice::ChargeAfterDirectives) =>
                    {
                        let cost = charge.cost;
                        charge.splice = Splice::Skip(0);
                        cost
                    }
                    _ => return,
                }
            }
            body => {
                let Some(e) = body.as_expression() else { return };
                self.open.push((usize::MAX, self.costs.function_entry));
                self.begin_counter_scope(false, false);
                self.visit_expression(e);
                self.end_counter_scope();
                self.close_block(None)
            }
        };
        self.text(it.span.start, "__jsvm_cmp(".to_string(), false);
        self.text(it.span.end, format!(",{cost})"), true);
    }
}

/// What catch blocks pass a thrown value through (errors.js, lent on `__jsvm_vm`).
const CAUGHT: &str = "__jsvm_vm.caught";

/// What `**` becomes a call of (math.js, lent on `__jsvm_vm`): engines compute powers
/// with different libraries, which differ in the last digit.
const POW: &str = "__jsvm_vm.pow";

/// Why `**=` on a property is refused (it would need the property's object and key
/// evaluated once into temporaries).
const POW_ASSIGN: &str = "`**=` on a property (write `o.p = o.p ** v`; on a variable `x **= v` works)";

/// Why a BigInt literal is refused (docs/javascript.md).
const BIGINT: &str = "BigInt (a `...n` literal; the engines limit a BigInt's size differently, 2^20 bits against \
                      2^30, so the same arithmetic could succeed on one and fail on another: use BigNumber or Int64)";

/// A quantifier repeating more than this many times counts as unbounded.
const MANY: u64 = 16;

fn repeats_many(min: u64, max: Option<u64>) -> bool {
    max.is_none_or(|m| m > MANY) && min <= max.unwrap_or(u64::MAX)
}

/// Whether `t` matches a run of any length by itself (a repetition, or a group one of
/// whose alternatives is nothing but repetitions and optional parts): repeating such a
/// thing many times (`(a+)+`, `(\w+\s?)*`, `(x|y+)*`) lets the engine split one input in
/// exponentially many ways. A mandatory atom between the repetitions (`(?:-[a-z]+)*`)
/// pins every split down, so that shape is fine.
fn loose_repetition(t: &Term<'_>) -> bool {
    match t {
        Term::Quantifier(q) => repeats_many(q.min, q.max) || loose_repetition(&q.body),
        Term::CapturingGroup(g) => loose_alternative(&g.body),
        Term::IgnoreGroup(g) => loose_alternative(&g.body),
        _ => false,
    }
}

fn loose_alternative(d: &Disjunction<'_>) -> bool {
    d.body.iter().any(|alt| {
        let optional = |t: &Term<'_>| matches!(t, Term::Quantifier(q) if q.min == 0);
        alt.body.iter().any(loose_repetition) && alt.body.iter().all(|t| loose_repetition(t) || optional(t))
    })
}

/// Why a regular expression is refused.
const NESTED_REPETITION: &str = "a regular expression that repeats a repetition (it can backtrack exponentially; \
                                 bound the inner or the outer repetition)";

/// Deepest group nesting checked in a pattern built at run time (deeper is refused).
const MAX_PATTERN_NESTING: usize = 64;

/// Regular-expression syntax one engine accepts and another does not, or whose meaning
/// differs between them: V8 10.2 has no `v` flag, no modifiers and no duplicate group
/// names; Unicode property escapes match by each engine's own Unicode tables (V8's ICU
/// knows Unicode 15.0, QuickJS-ng 17.0, and `\p{L}` alone differs in thousands of code
/// points). Each is refused, at deploy for literals and when built at run time.
const UNICODE_SETS: &str = "the `v` flag of regular expressions (one of the engines, V8 10.2, has no such flag)";
const MODIFIERS: &str =
    "a regular expression modifier group such as `(?i:...)` (one of the engines, V8 10.2, has none)";
const DUPLICATE_GROUP_NAMES: &str = "a group name used twice in one regular expression (one of the engines, V8 10.2, \
                                     refuses it)";
const PROPERTY_ESCAPES: &str =
    "a Unicode property escape `\\p{...}` or `\\P{...}` in a regular expression (the engines \
                                match them by different versions of Unicode: use explicit character classes)";

/// The first construct of a parsed pattern that [`UNICODE_SETS`] and its neighbours refuse.
fn engine_gap(pattern: &Pattern<'_>) -> Option<&'static str> {
    struct Gap<'a> {
        names: Vec<&'a str>,
        found: Option<&'static str>,
    }
    impl<'a> RegExpVisit<'a> for Gap<'a> {
        fn enter_node(&mut self, kind: RegExpAstKind<'a>) {
            let found = match kind {
                RegExpAstKind::IgnoreGroup(g) if g.modifiers.is_some() => Some(MODIFIERS),
                RegExpAstKind::UnicodePropertyEscape(_) => Some(PROPERTY_ESCAPES),
                RegExpAstKind::CapturingGroup(g) => match &g.name {
                    Some(name) if self.names.contains(&name.as_str()) => Some(DUPLICATE_GROUP_NAMES),
                    Some(name) => {
                        self.names.push(name.as_str());
                        None
                    }
                    None => None,
                },
                _ => None,
            };
            if self.found.is_none() {
                self.found = found;
            }
        }
    }
    let mut gap = Gap { names: Vec::new(), found: None };
    gap.visit_pattern(pattern);
    gap.found
}

/// Checks a pattern built at run time (`new RegExp(text, flags)`, `"…".match(text)`) as the
/// compile stage checks literals. A pattern oxc cannot parse is left to the engine, which
/// reports its own syntax error.
pub fn check_regex_pattern(pattern: &str, flags: &str) -> Result<(), String> {
    if flags.contains('v') {
        return Err(format!("{UNICODE_SETS} is not supported"));
    }
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut escaped = false;
    for b in pattern.bytes() {
        match (escaped, b) {
            (true, _) => escaped = false,
            (false, b'\\') => escaped = true,
            (false, b'(') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (false, b')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_PATTERN_NESTING {
        return Err(format!("regular expression groups nest deeper than {MAX_PATTERN_NESTING}"));
    }
    let allocator = Allocator::default();
    match LiteralParser::new(&allocator, pattern, Some(flags), Options::default()).parse() {
        Ok(parsed) if nests_repetition(&parsed.body) => Err(format!("{NESTED_REPETITION} is not supported")),
        Ok(parsed) => match engine_gap(&parsed) {
            Some(what) => Err(format!("{what} is not supported")),
            None => Ok(()),
        },
        Err(_) => Ok(()),
    }
}

/// Whether `d` repeats, many times, a loose repetition anywhere inside it.
fn nests_repetition(d: &Disjunction<'_>) -> bool {
    d.body.iter().flat_map(|alt| alt.body.iter()).any(nested_in)
}

fn nested_in(t: &Term<'_>) -> bool {
    match t {
        Term::Quantifier(q) => (repeats_many(q.min, q.max) && loose_repetition(&q.body)) || nested_in(&q.body),
        Term::CapturingGroup(g) => nests_repetition(&g.body),
        Term::IgnoreGroup(g) => nests_repetition(&g.body),
        Term::LookAroundAssertion(g) => nests_repetition(&g.body),
        _ => false,
    }
}

impl<'a> Visit<'a> for MeterWalk<'_, '_> {
    fn visit_reg_exp_literal(&mut self, it: &RegExpLiteral<'a>) {
        self.add(self.costs.node);
        if it.regex.flags.contains(RegExpFlags::V) {
            self.refuse(UNICODE_SETS, it.span.start);
        }
        if let Some(pattern) = &it.regex.pattern.pattern {
            if nests_repetition(&pattern.body) {
                self.refuse(NESTED_REPETITION, it.span.start);
            }
            if let Some(what) = engine_gap(pattern) {
                self.refuse(what, it.span.start);
            }
        }
    }

    fn enter_node(&mut self, kind: AstKind<'a>) {
        let c = self.costs;
        let extra = match kind {
            AstKind::CallExpression(_) | AstKind::NewExpression(_) | AstKind::TaggedTemplateExpression(_) => c.call,
            AstKind::ArrayExpression(a) => c.element.saturating_mul(a.elements.len() as u64),
            AstKind::ObjectExpression(o) => c.element.saturating_mul(o.properties.len() as u64),
            AstKind::TemplateLiteral(t) => c.element.saturating_mul(t.quasis.len() as u64),
            AstKind::WithStatement(w) => {
                self.refuse("the with statement", w.span.start);
                0
            }
            AstKind::ImportExpression(i) => {
                self.refuse("dynamic import()", i.span.start);
                0
            }
            AstKind::BigIntLiteral(b) => {
                self.refuse(BIGINT, b.span.start);
                0
            }
            AstKind::VariableDeclaration(d)
                if matches!(d.kind, VariableDeclarationKind::Using | VariableDeclarationKind::AwaitUsing) =>
            {
                self.refuse(
                    "a `using` declaration (explicit resource management; one of the engines, V8 10.2, has none)",
                    d.span.start,
                );
                0
            }
            _ => 0,
        };
        self.add(c.node.saturating_add(extra));
    }

    fn visit_program(&mut self, it: &Program<'a>) {
        self.assigned = Assigned::of(it);
        let first = it.body.first().map(|s| s.span().start);
        let directive_end = it.directives.last().map(|d| d.span.end);
        self.body_block(None, directive_end, first.or(Some(it.span.start)), 0, Frame::TopLevel);
        walk::walk_program(self, it);
        self.end_body_block(None);
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        if it.r#async {
            self.refuse("async functions (there is no Promise in a contract)", it.span.start);
        }
        walk::walk_function(self, it, flags);
    }

    fn visit_function_body(&mut self, it: &FunctionBody<'a>) {
        let first = it.statements.first().map(|s| s.span().start);
        let directive_end = it.directives.last().map(|d| d.span.end);
        // An inline sort comparator (see `sort_comparator`) is paid for and called by the
        // sort: it counts no depth of its own.
        let frame = if std::mem::take(&mut self.uncounted_body) { Frame::Uncounted } else { Frame::Call };
        self.body_block(Some(it.span.start), directive_end, first, self.costs.function_entry, frame);
        walk::walk_function_body(self, it);
        let brace = it.span.end.checked_sub(1).filter(|&b| self.source.get(b as usize) == Some(&b'}'));
        self.end_body_block(brace);
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        if it.r#async {
            self.refuse("async functions (there is no Promise in a contract)", it.span.start);
        }
        self.add(self.costs.node);
        self.visit_formal_parameters(&it.params);
        match &it.body {
            ArrowFunctionBody::FunctionBody(body) => self.visit_function_body(body),
            body => {
                if let Some(e) = body.as_expression() {
                    let span = e.span();
                    self.open_block(span.start, Splice::OpenReturnEnter, self.costs.function_entry);
                    self.begin_counter_scope(false, false);
                    self.visit_expression(e);
                    self.end_counter_scope();
                    self.close_block(Some((span.end, Splice::CloseReturn)));
                }
            }
        }
    }

    fn visit_for_statement(&mut self, it: &ForStatement<'a>) {
        self.add(self.costs.node);
        if let Some(init) = &it.init {
            self.visit_for_statement_init(init);
        }
        let counted = if self.label_start.is_none() {
            counted_loop(it, std::str::from_utf8(self.source).unwrap_or(""), &self.assigned)
        } else {
            None
        };
        if let Some(l) = counted {
            return self.counted_loop(it, l);
        }
        self.metered_loop(it.span.start, it.span.end, &it.body, |w| {
            if let Some(test) = &it.test {
                w.visit_expression(test);
            }
            if let Some(update) = &it.update {
                w.visit_expression(update);
            }
        });
    }

    fn visit_for_in_statement(&mut self, it: &ForInStatement<'a>) {
        self.add(self.costs.node);
        self.visit_expression(&it.right);
        self.metered_loop(it.span.start, it.span.end, &it.body, |w| w.visit_for_statement_left(&it.left));
    }

    fn visit_for_of_statement(&mut self, it: &ForOfStatement<'a>) {
        if it.r#await {
            self.refuse("for await (there is no Promise in a contract)", it.span.start);
        }
        self.add(self.costs.node);
        self.visit_expression(&it.right);
        self.metered_loop(it.span.start, it.span.end, &it.body, |w| w.visit_for_statement_left(&it.left));
    }

    fn visit_while_statement(&mut self, it: &WhileStatement<'a>) {
        self.add(self.costs.node);
        self.metered_loop(it.span.start, it.span.end, &it.body, |w| w.visit_expression(&it.test));
    }

    fn visit_do_while_statement(&mut self, it: &DoWhileStatement<'a>) {
        self.add(self.costs.node);
        self.metered_loop(it.span.start, it.span.end, &it.body, |w| w.visit_expression(&it.test));
    }

    fn visit_labeled_statement(&mut self, it: &LabeledStatement<'a>) {
        let mut body = &it.body;
        while let Statement::LabeledStatement(inner) = body {
            body = &inner.body;
        }
        let is_loop = matches!(
            body,
            Statement::ForStatement(_)
                | Statement::ForInStatement(_)
                | Statement::ForOfStatement(_)
                | Statement::WhileStatement(_)
                | Statement::DoWhileStatement(_)
        );
        if is_loop && self.label_start.is_none() {
            self.label_start = Some(it.span.start);
        }
        walk::walk_labeled_statement(self, it);
    }

    fn visit_if_statement(&mut self, it: &IfStatement<'a>) {
        self.add(self.costs.node);
        self.visit_expression(&it.test);
        self.branch_statement(&it.consequent, self.costs.branch);
        if let Some(alternate) = &it.alternate {
            self.branch_statement(alternate, self.costs.branch);
        }
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        match inline_comparator(it) {
            Some(arrow) => {
                self.add(self.costs.node.saturating_add(self.costs.call));
                self.visit_expression(&it.callee);
                self.sort_comparator(arrow);
            }
            None => walk::walk_call_expression(self, it),
        }
    }

    fn visit_return_statement(&mut self, it: &ReturnStatement<'a>) {
        // A return leaves the call depth once its value is computed.
        let mut close = None;
        if self.counts_calls() {
            // `return` is six bytes.
            let after = it.span.start + 6;
            match &it.argument {
                // A name or a literal runs no code: the depth can be left first.
                Some(value @ (Expression::Identifier(_) | Expression::ThisExpression(_)))
                | Some(value @ (Expression::NumericLiteral(_) | Expression::StringLiteral(_)))
                | Some(value @ (Expression::BooleanLiteral(_) | Expression::NullLiteral(_))) => {
                    self.text(after, format!(" ({LEAVE},"), false);
                    close = Some((value.span().end, ")".to_string()));
                }
                Some(value) => {
                    self.text(after, " (__jsvm_r=(".into(), false);
                    close = Some((value.span().end, format!("),{LEAVE},__jsvm_r)")));
                }
                None => self.text(after, format!(" void({LEAVE})"), false),
            }
        }
        walk::walk_return_statement(self, it);
        // Registered after the value's own closings at the same place (a concise arrow's),
        // so that it comes after them.
        if let Some((at, text)) = close {
            self.text(at, text, true);
        }
    }

    fn visit_yield_expression(&mut self, it: &YieldExpression<'a>) {
        // A generator leaves the call depth while suspended and comes back one deeper than
        // whoever resumes it. (`yield*` keeps its depth while the inner generator runs.)
        let counted = self.counts_calls() && !it.delegate;
        if counted {
            self.text(it.span.start, format!("({LEAVE},__jsvm_r="), false);
        }
        walk::walk_yield_expression(self, it);
        if counted {
            self.text(it.span.end, format!(",{REENTER},__jsvm_r)"), true);
        }
    }

    fn visit_break_statement(&mut self, it: &BreakStatement<'a>) {
        walk::walk_break_statement(self, it);
        if it.label.is_none() {
            if let Some(&Some(depth)) = self.bodies.last().and_then(|s| s.breaks.last()) {
                // `break` is five bytes: the label goes right after it.
                self.splice(it.span.start + 5, Splice::BreakLabel, 0, depth);
            }
        }
    }

    fn visit_switch_statement(&mut self, it: &SwitchStatement<'a>) {
        self.add(self.costs.node);
        self.visit_expression(&it.discriminant);
        if let Some(scope) = self.bodies.last_mut() {
            scope.breaks.push(None);
        }
        for case in &it.cases {
            if let Some(test) = &case.test {
                self.visit_expression(test);
            }
            if let Some(first) = case.consequent.first() {
                self.open_block(first.span().start, Splice::Charge, self.costs.branch);
                self.visit_statements(&case.consequent);
                self.close_branch(None);
            }
        }
        if let Some(scope) = self.bodies.last_mut() {
            scope.breaks.pop();
        }
    }

    fn visit_try_statement(&mut self, it: &TryStatement<'a>) {
        self.add(self.costs.node);
        self.visit_block_statement(&it.block);
        if let Some(handler) = &it.handler {
            self.visit_catch_clause(handler);
        } else if it.finalizer.is_some() {
            // A thrown value passes the class libraries (errors.js) before a finally runs
            // on it: an engine's resource error ends the run there.
            self.text(it.block.span.end, format!("catch(__jsvm_e){{throw {CAUGHT}(__jsvm_e)}}"), false);
        }
        if let Some(finalizer) = &it.finalizer {
            // A finally block re-checks the meter before any of its code runs.
            self.open_block(finalizer.span.start + 1, Splice::Charge, self.costs.branch);
            self.finally_depth(finalizer.span.start + 1, finalizer.span.end - 1);
            self.visit_block_statement(finalizer);
            self.close_block(None);
        }
    }

    fn visit_catch_clause(&mut self, it: &CatchClause<'a>) {
        // What a catch binds passes the class libraries first (errors.js: the same error
        // on every engine, and an engine's resource error ends the run). `catch` is five
        // bytes: a missing or destructured parameter is handled right after it.
        let after_keyword = it.span.start + 5;
        let name = match it.param.as_ref().map(|p| &p.pattern) {
            None => {
                self.text(after_keyword, " (__jsvm_e)".into(), false);
                Some("__jsvm_e".to_string())
            }
            Some(BindingPattern::BindingIdentifier(id)) => Some(id.name.to_string()),
            Some(_) => {
                let open = format!(" (__jsvm_e) {{try{{throw {CAUGHT}(__jsvm_e)}}catch");
                self.text(after_keyword, open, false);
                None
            }
        };
        // So does a catch block: its charge is the first statement of its body.
        self.open_block(it.body.span.start + 1, Splice::Charge, self.costs.branch);
        self.restore_depth(it.body.span.start + 1);
        if let Some(name) = name {
            self.text(it.body.span.start + 1, format!("{name}={CAUGHT}({name});"), false);
        }
        if let Some(param) = &it.param {
            self.visit_catch_parameter(param);
        }
        self.visit_block_statement(&it.body);
        self.close_block(None);
        if matches!(it.param.as_ref().map(|p| &p.pattern), Some(p) if !matches!(p, BindingPattern::BindingIdentifier(_)))
        {
            self.text(it.span.end, "}".into(), true);
        }
    }

    fn visit_conditional_expression(&mut self, it: &ConditionalExpression<'a>) {
        self.add(self.costs.node);
        self.visit_expression(&it.test);
        self.branch_expression(&it.consequent, self.costs.branch);
        self.branch_expression(&it.alternate, self.costs.branch);
    }

    fn visit_binary_expression(&mut self, it: &BinaryExpression<'a>) {
        if it.operator != BinaryOperator::Exponential {
            walk::walk_binary_expression(self, it);
            return;
        }
        // `a ** b` becomes `__jsvm_vm.pow(a, b)`; its `)` is placed after the operands'
        // own closings at the same place.
        let (left, right) = (it.left.span(), it.right.span());
        self.text(left.start, format!("{POW}("), false);
        self.replace_between(left.end, right.start, ",");
        walk::walk_binary_expression(self, it);
        self.text(right.end, ")".into(), true);
    }

    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        if it.operator != AssignmentOperator::Exponential {
            walk::walk_assignment_expression(self, it);
            return;
        }
        // `x **= v` becomes `x = __jsvm_vm.pow(x, v)`.
        let AssignmentTarget::AssignmentTargetIdentifier(id) = &it.left else {
            self.refuse(POW_ASSIGN, it.span.start);
            walk::walk_assignment_expression(self, it);
            return;
        };
        let value = it.right.span();
        self.replace_between(id.span.end, value.start, &format!(" = {POW}({},", id.name));
        walk::walk_assignment_expression(self, it);
        self.text(value.end, ")".into(), true);
    }

    fn visit_logical_expression(&mut self, it: &LogicalExpression<'a>) {
        self.add(self.costs.node);
        self.visit_expression(&it.left);
        self.branch_expression(&it.right, self.costs.branch);
    }

    fn visit_static_block(&mut self, it: &StaticBlock<'a>) {
        self.add(self.costs.node);
        if let Some(first) = it.body.first() {
            self.open_block(first.span().start, Splice::EnterBlock, self.costs.function_entry);
            // Not a call, but its catch blocks restore the depth it runs at.
            self.begin_counter_scope(true, true);
            self.visit_statements(&it.body);
            self.end_counter_scope();
            self.close_block(None);
        }
    }

    fn visit_property_definition(&mut self, it: &PropertyDefinition<'a>) {
        self.add(self.costs.node);
        self.visit_property_key(&it.key);
        if let Some(value) = &it.value {
            // Runs once per instance (or once, for a static field).
            self.expression_block(value, self.costs.branch);
        }
    }
}
