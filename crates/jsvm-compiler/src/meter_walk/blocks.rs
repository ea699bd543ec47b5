//! Block bookkeeping of the meter's walk: the charges being summed, the bodies that
//! declare loop counters and count call depth, and the splices that open and close them.

use oxc::ast::ast::{Expression, ForStatement, Statement};
use oxc::ast_visit::Visit;
use oxc::span::GetSpan;

use super::{CounterScope, Frame, LoopSettle, MeterWalk, Refused};
use crate::meter::{Insert, MeterCosts, Splice, LOOP_BATCH, RESTORE};
use crate::meter_strip::{rewrite, Assigned, CountedLoop};

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
            counted_vars: Vec::new(),
            refused: None,
        }
    }

    pub(super) fn refuse(&mut self, what: &'static str, offset: u32) {
        if self.refused.is_none() {
            self.refused = Some(Refused { what, offset });
        }
    }

    pub(super) fn add(&mut self, n: u64) {
        if let Some(top) = self.open.last_mut() {
            top.1 = top.1.saturating_add(n);
        }
    }

    pub(super) fn splice(&mut self, offset: u32, splice: Splice, cost: u64, counter: u8) {
        self.inserts.push(Insert { offset, splice, cost, counter });
    }

    pub(super) fn open_block(&mut self, offset: u32, splice: Splice, base: u64) {
        self.open_counted_block(offset, splice, base, 0);
    }

    pub(super) fn open_counted_block(&mut self, offset: u32, splice: Splice, base: u64, counter: u8) {
        self.splice(offset, splice, 0, counter);
        self.open.push((self.inserts.len() - 1, base));
    }

    /// Closes the innermost block: its opening charge gets the summed cost, which is
    /// returned.
    pub(super) fn close_block(&mut self, closing: Option<(u32, Splice)>) -> u64 {
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
    pub(super) fn begin_counter_scope(&mut self, calls: bool, restores: bool) {
        let entry = self.open.last().map(|&(i, _)| i).filter(|&i| i != usize::MAX);
        self.bodies.push(CounterScope {
            entry,
            depth: 0,
            deepest: 0,
            calls,
            restores,
            breaks: Vec::new(),
            loops: Vec::new(),
        });
    }

    /// Whether the body being walked counts in the call depth.
    pub(super) fn counts_calls(&self) -> bool {
        self.bodies.last().is_some_and(|b| b.calls)
    }

    /// Back at the body's own depth, where a catch block starts.
    pub(super) fn restore_depth(&mut self, offset: u32) {
        if self.bodies.last().is_some_and(|b| b.restores) {
            self.text(offset, RESTORE.into(), false);
        }
    }

    /// A finally block runs at the body's own depth, and where it ends normally gives back
    /// the depth it found: its function's after a `return` in the try (which has left the
    /// depth already), or a thrower's while the exception goes on up (its catcher restores
    /// its own). `open` is after the block's `{`. Returns whether the block must give the
    /// depth back (`__jsvm_depth=__jsvm_f;` at its `}`).
    pub(super) fn finally_depth(&mut self, open: u32) -> bool {
        let restores = self.bodies.last().is_some_and(|b| b.restores);
        if restores {
            self.text(open, format!("let __jsvm_f=__jsvm_depth;{RESTORE}"), false);
        }
        restores
    }

    /// A statement (or class field) ending at `end`: if it has no `;` of its own, a mark
    /// where one may be needed (see `meter::apply`).
    pub(super) fn statement_end(&mut self, end: u32) {
        if end > 0 && self.source.get(end as usize - 1) != Some(&b';') {
            self.splice(end, Splice::StatementEnd, 0, 0);
        }
    }

    pub(super) fn end_counter_scope(&mut self) {
        if let Some(scope) = self.bodies.pop() {
            if let Some(insert) = scope.entry.and_then(|i| self.inserts.get_mut(i)) {
                insert.counter = scope.deepest;
            }
        }
    }

    /// Closes a branch. A branch that is straight-line code (nothing inside it needed a
    /// charge of its own: no loop, no function, no catch; text that rewrites an expression
    /// in place, [`Splice::Inline`], charges nothing) is folded into the enclosing
    /// block instead: its cost is added there and its splice removed, so the enclosing
    /// charge covers both arms. That keeps every charge an upper bound of the work and
    /// takes a check out of hot paths.
    pub(super) fn close_branch(&mut self, closing: Option<(u32, Splice)>) {
        let Some(&(i, cost)) = self.open.last() else { return };
        let straight = |rest: &[Insert]| {
            rest.iter().all(|r| {
                matches!(
                    r.splice,
                    Splice::BreakLabel
                        | Splice::StatementEnd
                        | Splice::Inline(_)
                        | Splice::InlineClose(_)
                        | Splice::Skip(_)
                )
            })
        };
        if i != usize::MAX && self.inserts.get(i + 1..).is_some_and(straight) {
            self.open.pop();
            self.inserts.remove(i);
            self.add(cost);
        } else {
            self.close_block(closing);
        }
    }

    pub(super) fn is_brace(&self, offset: u32) -> bool {
        self.source.get(offset as usize) == Some(&b'{')
    }

    /// Opens the block a loop body or `if` branch runs as: inside its braces (`inside`),
    /// or new braces around a lone statement (`around`). Returns the closing splice.
    pub(super) fn begin_statement_block(
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
    pub(super) fn metered_loop<'a>(
        &mut self,
        start: u32,
        end: u32,
        body: &Statement<'a>,
        per_iteration: impl FnOnce(&mut Self),
    ) where
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
        self.leave_loop(cost);
    }

    /// One loop deeper in the current body: its depth (and counter). `counted` names a
    /// counted loop's variable; its unlabelled breaks are rewritten.
    pub(super) fn enter_loop(&mut self, counted: Option<&str>) -> Option<u8> {
        let scope = self.bodies.last_mut()?;
        scope.depth = scope.depth.saturating_add(1);
        scope.deepest = scope.deepest.max(scope.depth);
        let depth = scope.depth;
        scope.breaks.push(counted.map(|_| depth));
        scope.loops.push(LoopSettle { depth, counted: counted.map(str::to_string), texts: Vec::new() });
        Some(depth)
    }

    /// Leaves the innermost loop, whose iterations cost `cost` each: the settles a `yield`
    /// put inside it get their text.
    pub(super) fn leave_loop(&mut self, cost: u64) {
        let Some(scope) = self.bodies.last_mut() else { return };
        scope.depth -= 1;
        scope.breaks.pop();
        let Some(l) = scope.loops.pop() else { return };
        let d = l.depth;
        let text = match &l.counted {
            // Inside a counted loop's body its stretch has run `i - s + 1` iterations.
            Some(i) => format!("(__jsvm_left-=({i}-__jsvm_s{d}+1)*{cost})<0&&__jsvm_oog(),__jsvm_s{d}={i}+1,"),
            None => {
                format!("(__jsvm_left-=({LOOP_BATCH}-__jsvm_c{d})*{cost})<0&&__jsvm_oog(),__jsvm_c{d}={LOOP_BATCH},")
            }
        };
        for i in l.texts {
            if let Some(t) = self.texts.get_mut(i) {
                t.clone_from(&text);
            }
        }
    }

    /// Before a `yield` at `offset`: a settle for each loop it is in (filled in by
    /// [`Self::leave_loop`]).
    pub(super) fn settle_loops(&mut self, offset: u32) {
        let depths = self.bodies.last().map_or(0, |b| b.loops.len());
        for k in 0..depths {
            let i = self.texts.len();
            self.text(offset, String::new(), false);
            if let Some(l) = self.bodies.last_mut().and_then(|b| b.loops.get_mut(k)) {
                l.texts.push(i);
            }
        }
    }

    pub(super) fn text(&mut self, offset: u32, text: String, close: bool) {
        let i = self.texts.len() as u32;
        self.texts.push(text);
        self.splice(offset, if close { Splice::TextClose(i) } else { Splice::Text(i) }, 0, 0);
    }

    /// Text that rewrites an expression in place, charging nothing ([`Splice::Inline`]).
    pub(super) fn inline(&mut self, offset: u32, text: String, close: bool) {
        let i = self.texts.len() as u32;
        self.texts.push(text);
        self.splice(offset, if close { Splice::InlineClose(i) } else { Splice::Inline(i) }, 0, 0);
    }

    /// A counted loop (see `meter_strip`): no work per iteration, its stretches paid as
    /// they start and when it ends. The test, update and body are one iteration's cost.
    pub(super) fn counted_loop(&mut self, it: &ForStatement<'_>, l: CountedLoop)
    where
        Self: for<'x> Visit<'x>,
    {
        let Some(depth) = self.enter_loop(Some(&l.var)) else { return };
        self.open.push((usize::MAX, self.costs.loop_iteration));
        // Its variable is a number in its test, update and body (see `compare`).
        self.counted_vars.push(l.var.clone());
        if let Some(test) = &it.test {
            self.visit_expression(test);
        }
        if let Some(update) = &it.update {
            self.visit_expression(update);
        }
        self.visit_statement(&it.body);
        self.counted_vars.pop();
        let cost = self.close_block(None);
        self.leave_loop(cost);
        let (open, head, close) = rewrite(&l, depth, cost);
        self.text(it.span.start, open, false);
        self.splice(it.span.start, Splice::Skip(l.init_start - it.span.start), 0, 0);
        self.text(l.init_end, head, false);
        self.splice(l.init_end, Splice::Skip(l.body_start - l.init_end), 0, 0);
        self.text(it.span.end, close, true);
    }

    /// An `if` arm.
    pub(super) fn branch_statement(&mut self, body: &Statement<'_>, base: u64)
    where
        Self: for<'x> Visit<'x>,
    {
        let closing = self.begin_statement_block(body, base, (Splice::Charge, Splice::OpenBlock), 0);
        self.visit_statement(body);
        self.close_branch(closing);
    }

    /// An expression that runs only when its branch is taken (`?:`, `&&`, `||`, `??`).
    pub(super) fn branch_expression(&mut self, e: &Expression<'_>, base: u64)
    where
        Self: for<'x> Visit<'x>,
    {
        let span = e.span();
        self.open_block(span.start, Splice::OpenExpr, base);
        self.visit_expression(e);
        self.close_branch(Some((span.end, Splice::CloseExpr)));
    }

    /// An expression that runs on its own, later (a concise arrow body, a field initializer).
    pub(super) fn expression_block(&mut self, e: &Expression<'_>, base: u64)
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
    pub(super) fn body_block(
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
    pub(super) fn end_body_block(&mut self, closing_brace: Option<u32>) {
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

    /// Replaces the source from `from` to `to` (an operator between two operands, with
    /// any spaces and comments around it) by `text`, keeping its line breaks so that line
    /// numbers stay the source's.
    pub(super) fn replace_between(&mut self, from: u32, to: u32, text: &str) {
        let between = self.source.get(from as usize..to as usize).unwrap_or(&[]);
        let breaks: String = String::from_utf8_lossy(between)
            .chars()
            .filter(|c| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'))
            .collect();
        self.splice(from, Splice::Skip(to.saturating_sub(from)), 0, 0);
        self.inline(from, format!("{text}{breaks}"), false);
    }
}
