//! The AST walk behind gas metering (see `meter`): finds the basic blocks and their static
//! costs, and refuses constructs that metering or determinism cannot allow. Like `parse`,
//! this module touches oxc; nothing of oxc leaves it.
//!
//! This file is the visitor; `blocks` keeps the blocks being summed and the bodies that
//! declare counters, `compare` prices comparisons of long strings, `nan_store` makes element
//! stores canonical, `spread` prices spreads, `regex_policy` and `regex_choice` are the policy on regular
//! expressions.

mod blocks;
mod compare;
mod nan_store;
mod plain_value;
mod regex_choice;
mod regex_policy;
mod spread;

use oxc::ast::ast::{
    Argument, ArrowFunctionBody, ArrowFunctionExpression, BindingPattern, BreakStatement, CallExpression, CatchClause,
    ConditionalExpression, DoWhileStatement, Expression, ForInStatement, ForOfStatement, ForStatement, Function,
    FunctionBody, IfStatement, LabeledStatement, LogicalExpression, ObjectExpression, ObjectPropertyKind, Program,
    PropertyDefinition, ReturnStatement, SpreadElement, Statement, StaticBlock, SwitchStatement, TryStatement,
    WhileStatement, YieldExpression,
};
use oxc::ast::ast::{
    AssignmentExpression, AssignmentOperator, AssignmentTarget, BinaryExpression, BinaryOperator, RegExpLiteral,
    VariableDeclarationKind,
};
use oxc::ast::AstKind;
use oxc::ast_visit::{walk, Visit};
use oxc::span::GetSpan;
use oxc::syntax::scope::ScopeFlags;

use crate::meter::{Insert, MeterCosts, Splice, LEAVE, REENTER};
use crate::meter_strip::{counted_loop, Assigned};
pub use regex_policy::check_regex_pattern;

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
    /// The variables of the counted loops being walked: numbers wherever they are seen.
    counted_vars: Vec<String>,
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
    /// Its catch and finally blocks restore the depth it runs at (one above `__jsvm_d`: its
    /// own, or for an inline sort comparator, which counts no depth, its enclosing
    /// function's).
    restores: bool,
    /// What an unlabelled `break` leaves, innermost last: a loop or `switch`, with the
    /// depth of a counted loop (whose breaks must leave its stretch loop too).
    breaks: Vec<Option<u8>>,
    /// The loops being walked, outermost first: a `yield` inside them settles their
    /// iterations so far (see [`LoopSettle`]).
    loops: Vec<LoopSettle>,
}

/// A loop of the body being walked, and the places where a `yield` pays for the
/// iterations it has run so far. A generator suspended there may never be resumed, so
/// its unfinished batch or stretch would go unpaid: the settle pays it and starts the
/// batch (or stretch) again from the next iteration. Its text is filled in when the
/// loop's cost per iteration is known, at the loop's end.
struct LoopSettle {
    depth: u8,
    /// A counted loop's variable (its stretch starts at `__jsvm_s<depth>`), or none for
    /// a loop paid in batches (`__jsvm_c<depth>`).
    counted: Option<String>,
    /// Indices of the settle texts in the walk's `texts`.
    texts: Vec<usize>,
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

impl<'a> Visit<'a> for MeterWalk<'_, '_> {
    fn visit_reg_exp_literal(&mut self, it: &RegExpLiteral<'a>) {
        self.add(self.costs.node);
        self.check_regex_literal(it);
    }

    fn enter_node(&mut self, kind: AstKind<'a>) {
        let c = self.costs;
        let extra = match kind {
            AstKind::CallExpression(_) | AstKind::NewExpression(_) | AstKind::TaggedTemplateExpression(_) => c.call,
            AstKind::ThrowStatement(_) => c.throw,
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
                    let (open, close) = if plain_value::runs_no_code(e) {
                        (Splice::OpenPlainReturnEnter, Splice::ClosePlainReturn)
                    } else {
                        (Splice::OpenReturnEnter, Splice::CloseReturn)
                    };
                    self.open_block(span.start, open, self.costs.function_entry);
                    self.begin_counter_scope(false, false);
                    self.visit_expression(e);
                    self.end_counter_scope();
                    self.close_block(Some((span.end, close)));
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
                // A value that runs no code: the depth can be left first.
                Some(value) if plain_value::runs_no_code(value) => {
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
        // Before it suspends (`yield*` too, while the inner generator is suspended), the
        // enclosing loops pay for their iterations so far.
        let counted = self.counts_calls() && !it.delegate;
        let settles = self.bodies.last().is_some_and(|b| !b.loops.is_empty());
        if counted || settles {
            self.text(it.span.start, "(".into(), false);
            self.settle_loops(it.span.start);
        }
        if counted {
            self.text(it.span.start, format!("{LEAVE},__jsvm_r="), false);
        }
        walk::walk_yield_expression(self, it);
        if counted {
            self.text(it.span.end, format!(",{REENTER},__jsvm_r)"), true);
        } else if settles {
            self.text(it.span.end, ")".into(), true);
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
        let priced = !self.bounded(&it.discriminant);
        for case in &it.cases {
            if let Some(test) = &case.test {
                self.case_test(test, priced);
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
            let restores = self.finally_depth(finalizer.span.start + 1);
            self.visit_block_statement(finalizer);
            if restores {
                // After the block's last statement, and after whatever closes there.
                self.text(finalizer.span.end - 1, "__jsvm_depth=__jsvm_f;".into(), false);
            }
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
        self.open_block(it.body.span.start + 1, Splice::Charge, self.costs.branch.saturating_add(self.costs.catch));
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
        if self.priced_comparison(it) {
            return;
        }
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
        if self.canonical_nan_store(it) {
            return;
        }
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

    fn visit_spread_element(&mut self, it: &SpreadElement<'a>) {
        self.priced_spread(it);
    }

    fn visit_object_expression(&mut self, it: &ObjectExpression<'a>) {
        self.priced_object(it);
    }

    fn visit_object_property_kind(&mut self, it: &ObjectPropertyKind<'a>) {
        match it {
            // Paid for with the whole literal.
            ObjectPropertyKind::SpreadProperty(spread) => walk::walk_spread_element(self, spread),
            property => walk::walk_object_property_kind(self, property),
        }
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
        self.statement_end(it.span.end);
    }

    fn visit_statement(&mut self, it: &Statement<'a>) {
        walk::walk_statement(self, it);
        // The statements that end with `;`, which automatic semicolon insertion may
        // have supplied.
        if matches!(
            it,
            Statement::ExpressionStatement(_)
                | Statement::VariableDeclaration(_)
                | Statement::ReturnStatement(_)
                | Statement::ThrowStatement(_)
                | Statement::BreakStatement(_)
                | Statement::ContinueStatement(_)
                | Statement::DebuggerStatement(_)
                | Statement::DoWhileStatement(_)
        ) {
            self.statement_end(it.span().end);
        }
    }
}
