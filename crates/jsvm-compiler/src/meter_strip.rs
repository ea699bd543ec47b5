//! Counted loops (`for (let i = 0; i < n; i++)` with a bound that cannot change while
//! the loop runs) are metered without any per-iteration work: the loop is cut into
//! stretches of at most [`STRETCH`] iterations, each paid for by the next stretch's head
//! (or by a `finally` when the loop ends), and the loop's own test compares `i` with the
//! stretch's end instead of the bound. See `meter` for the text this becomes.
//!
//! This module decides which loops qualify; like `meter_walk` it touches oxc, and nothing
//! of oxc leaves it. Every condition is syntactic and conservative: a loop that fails one
//! is metered by the general scheme (a counter and batches), never wrongly.

use std::collections::HashSet;

use oxc::ast::ast::{
    ArrowFunctionExpression, AssignmentTargetPropertyIdentifier, BinaryExpression, BindingIdentifier, Class,
    Expression, ForStatement, ForStatementInit, Function, IdentifierReference, SimpleAssignmentTarget, Statement,
    UnaryOperator, UpdateOperator, VariableDeclaration, VariableDeclarationKind,
};
use oxc::ast::ast::{AssignmentExpression, AssignmentOperator, AssignmentTarget};
use oxc::ast_visit::{walk, Visit};
use oxc::span::GetSpan;
use oxc::syntax::operator::BinaryOperator;
use oxc::syntax::scope::ScopeFlags;

/// Iterations one stretch covers at most.
pub(crate) const STRETCH: u32 = 64;

/// Names the whole source may assign (or re-bind) somewhere, and whether it reads
/// `arguments` (which can alias a sloppy function's parameters). A loop bound that is a
/// name outside this set cannot change while a loop runs.
#[derive(Default)]
pub(crate) struct Assigned {
    names: HashSet<String>,
    uses_arguments: bool,
    /// Some binding is named `undefined`, `NaN` or `Infinity`: those names may hold anything.
    binds_constants: bool,
}

impl Assigned {
    pub(crate) fn of(program: &oxc::ast::ast::Program<'_>) -> Assigned {
        let mut a = Assigned::default();
        a.visit_program(program);
        a
    }

    fn stable(&self, name: &str) -> bool {
        !self.uses_arguments && !self.names.contains(name)
    }

    /// Whether `name` is `undefined`, `NaN` or `Infinity` and nothing binds it.
    pub(crate) fn is_global_constant(&self, name: &str) -> bool {
        !self.binds_constants && GLOBAL_CONSTANTS.contains(&name)
    }
}

const GLOBAL_CONSTANTS: [&str; 3] = ["undefined", "NaN", "Infinity"];

impl<'a> Visit<'a> for Assigned {
    fn visit_simple_assignment_target(&mut self, it: &SimpleAssignmentTarget<'a>) {
        if let SimpleAssignmentTarget::AssignmentTargetIdentifier(id) = it {
            self.names.insert(id.name.to_string());
        }
        walk::walk_simple_assignment_target(self, it);
    }

    fn visit_assignment_target_property_identifier(&mut self, it: &AssignmentTargetPropertyIdentifier<'a>) {
        self.names.insert(it.binding.name.to_string());
        walk::walk_assignment_target_property_identifier(self, it);
    }

    fn visit_variable_declaration(&mut self, it: &VariableDeclaration<'a>) {
        // A `var` may be declared again with a value anywhere in its function (a `let`
        // or `const` makes a new binding each time its declaration runs).
        if it.kind == VariableDeclarationKind::Var {
            let with_value = it.declarations.iter().filter(|d| d.init.is_some());
            for id in with_value.flat_map(|d| d.id.get_binding_identifiers()) {
                self.names.insert(id.name.to_string());
            }
        }
        walk::walk_variable_declaration(self, it);
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        if let Some(id) = &it.id {
            self.names.insert(id.name.to_string());
        }
        walk::walk_function(self, it, flags);
    }

    fn visit_class(&mut self, it: &Class<'a>) {
        if let Some(id) = &it.id {
            self.names.insert(id.name.to_string());
        }
        walk::walk_class(self, it);
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        if it.name == "arguments" {
            self.uses_arguments = true;
        }
    }

    fn visit_binding_identifier(&mut self, it: &BindingIdentifier<'a>) {
        self.binds_constants |= GLOBAL_CONSTANTS.contains(&it.name.as_str());
    }
}

/// A loop that qualifies, with the byte offsets its rewrite needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CountedLoop {
    /// The loop variable.
    pub var: String,
    /// The bound's source text (a number or a name).
    pub bound: String,
    /// The bound is a number literal (no type check needed).
    pub literal: bool,
    /// `<=` rather than `<`.
    pub inclusive: bool,
    /// Where `let …` starts and ends: the text before it (`for (`) and after it up to the
    /// body (`; i < n; i++) `) is replaced.
    pub init_start: u32,
    pub init_end: u32,
    pub body_start: u32,
}

/// `it` as a counted loop, if it is one: `for (let I = INTEGER[, …]; I < B | I <= B;
/// I++ | ++I | I += 1) BODY`, where B is a number, or a name that nothing can assign
/// while the loop runs; BODY never assigns I (nor B when the loop declares it), and no
/// function inside BODY mentions I (each iteration has its own I when closures capture
/// it, and the rewrite keeps one). The head must sit on one line without comments.
pub(crate) fn counted_loop(it: &ForStatement<'_>, source: &str, assigned: &Assigned) -> Option<CountedLoop> {
    let Some(ForStatementInit::VariableDeclaration(decl)) = &it.init else { return None };
    if decl.kind != VariableDeclarationKind::Let {
        return None;
    }
    let first = decl.declarations.first()?;
    let var = first.id.get_binding_identifier()?.name.to_string();
    match &first.init {
        Some(Expression::NumericLiteral(n)) if n.value.fract() == 0.0 && n.value.abs() < f64::from(i32::MAX) => {}
        _ => return None,
    }
    let declared: HashSet<String> =
        decl.declarations.iter().flat_map(|d| d.id.get_binding_identifiers()).map(|id| id.name.to_string()).collect();
    let Some(Expression::BinaryExpression(test)) = &it.test else { return None };
    let (bound, inclusive) = bound_of(test, &var, source, &declared, assigned)?;
    let literal = !matches!(test.right, Expression::Identifier(_));
    if !increments(it.update.as_ref()?, &var) {
        return None;
    }
    let body_start = it.body.span().start;
    let head = source.get(it.span.start as usize..decl.span.start as usize)?;
    let rest = source.get(decl.span.end as usize..body_start as usize)?;
    if head.contains(['\n', '\r', '/']) || rest.contains(['\n', '\r', '/']) {
        return None;
    }
    let mut body =
        BodyCheck { var: &var, bound: &bound, declared_bound: declared.contains(&bound), ok: true, depth: 0 };
    body.visit_statement(&it.body);
    body.ok.then_some(CountedLoop {
        var,
        bound,
        literal,
        inclusive,
        init_start: decl.span.start,
        init_end: decl.span.end,
        body_start,
    })
}

/// `I < B` or `I <= B` with a bound that qualifies: its text and whether it is `<=`.
fn bound_of(
    test: &BinaryExpression<'_>,
    var: &str,
    source: &str,
    declared: &HashSet<String>,
    assigned: &Assigned,
) -> Option<(String, bool)> {
    let inclusive = match test.operator {
        BinaryOperator::LessThan => false,
        BinaryOperator::LessEqualThan => true,
        _ => return None,
    };
    match &test.left {
        Expression::Identifier(id) if id.name == var => {}
        _ => return None,
    }
    let ok = match &test.right {
        Expression::NumericLiteral(_) => true,
        Expression::UnaryExpression(u) => {
            u.operator == UnaryOperator::UnaryNegation && matches!(u.argument, Expression::NumericLiteral(_))
        }
        Expression::Identifier(id) => {
            id.name != var && (declared.contains(id.name.as_str()) || assigned.stable(&id.name))
        }
        _ => false,
    };
    let span = test.right.span();
    let text = source.get(span.start as usize..span.end as usize)?;
    ok.then(|| (text.to_string(), inclusive))
}

/// `I++`, `++I` or `I += 1`.
fn increments(update: &Expression<'_>, var: &str) -> bool {
    let is_var = |t: &SimpleAssignmentTarget<'_>| matches!(t, SimpleAssignmentTarget::AssignmentTargetIdentifier(id) if id.name == var);
    match update {
        Expression::UpdateExpression(u) => u.operator == UpdateOperator::Increment && is_var(&u.argument),
        Expression::AssignmentExpression(a) => plus_one(a, var),
        _ => false,
    }
}

fn plus_one(a: &AssignmentExpression<'_>, var: &str) -> bool {
    let target = matches!(&a.left, AssignmentTarget::AssignmentTargetIdentifier(id) if id.name == var);
    let one = matches!(&a.right, Expression::NumericLiteral(n) if n.value == 1.0);
    a.operator == AssignmentOperator::Addition && target && one
}

/// Walks a loop body: clears `ok` if it assigns the loop variable (or a bound the loop
/// declared), declares the bound's name again, or has a function that mentions the loop
/// variable.
struct BodyCheck<'n> {
    var: &'n str,
    bound: &'n str,
    declared_bound: bool,
    ok: bool,
    /// Functions entered.
    depth: usize,
}

impl BodyCheck<'_> {
    fn assigned(&mut self, name: &str) {
        if name == self.var || (self.declared_bound && name == self.bound) {
            self.ok = false;
        }
    }
}

impl<'a> Visit<'a> for BodyCheck<'_> {
    fn visit_simple_assignment_target(&mut self, it: &SimpleAssignmentTarget<'a>) {
        if let SimpleAssignmentTarget::AssignmentTargetIdentifier(id) = it {
            self.assigned(&id.name);
        }
        walk::walk_simple_assignment_target(self, it);
    }

    fn visit_assignment_target_property_identifier(&mut self, it: &AssignmentTargetPropertyIdentifier<'a>) {
        self.assigned(&it.binding.name);
        walk::walk_assignment_target_property_identifier(self, it);
    }

    fn visit_binding_identifier(&mut self, it: &BindingIdentifier<'a>) {
        if it.name == self.bound || it.name == self.var {
            self.ok = false;
        }
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        if self.depth > 0 && it.name == self.var {
            self.ok = false;
        }
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        self.depth += 1;
        walk::walk_function(self, it, flags);
        self.depth -= 1;
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        self.depth += 1;
        walk::walk_arrow_function_expression(self, it);
        self.depth -= 1;
    }

    fn visit_class(&mut self, it: &Class<'a>) {
        self.depth += 1;
        walk::walk_class(self, it);
        self.depth -= 1;
    }

    fn visit_statement(&mut self, it: &Statement<'a>) {
        if self.ok {
            walk::walk_statement(self, it);
        }
    }
}

/// The rewrite of a counted loop at depth `d` whose iterations cost `cost` each. Its
/// parts replace, in order: the text before `let` (`{`), the text from the end of the
/// declaration to the body (the stretch head and the inner loop's head), and nothing
/// after the body (the closing text). `__jsvm_s<d>` is where the unpaid iterations start,
/// `__jsvm_e<d>` the stretch's end, `__jsvm_x<d>` 1 while the body runs (an exit from
/// the body leaves the current iteration unpaid).
pub(crate) fn rewrite(l: &CountedLoop, d: u8, cost: u64) -> (String, String, String) {
    let (i, b) = (&l.var, &l.bound);
    let (s, e, x) = (format!("__jsvm_s{d}"), format!("__jsvm_e{d}"), format!("__jsvm_x{d}"));
    let (op, span, one) =
        if l.inclusive { ("<=", STRETCH - 1, String::new()) } else { ("<", STRETCH, "+1".to_string()) };
    // A number bound: the stretch ends at most STRETCH iterations on. Anything else is
    // compared as the loop would, once per iteration (a stretch of one).
    let fast = format!("{e}={i}+{span};if(!({e}<{b})){e}={b}");
    let end = if l.literal {
        fast
    } else {
        format!("if(typeof {b}===\"number\"){{{fast}}}else{{if(!({i}{op}{b}))break;{e}={i}{one}}}")
    };
    let head = format!(
        ";{s}={i};{x}=0;try{{__jsvm_l{d}:for(;;){{\
         if((__jsvm_left-=({i}-{s})*{cost})<0)__jsvm_oog();{s}={i};{end};\
         if(!({i}{op}{e}))break;{x}=1;for(;{i}{op}{e};{i}++)"
    );
    let close = format!(";{x}=0}}}}finally{{if((__jsvm_left-=({i}-{s}+{x})*{cost})<0)__jsvm_oog()}}}}");
    ("{".to_string(), head, close)
}
