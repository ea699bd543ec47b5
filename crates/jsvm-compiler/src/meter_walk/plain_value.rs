//! Which returned values run no code while they are computed, so that a `return` can
//! leave the call depth before computing them instead of keeping the value in a slot
//! (`__jsvm_r`) to leave after. Returning a closure is the common case (a factory, a
//! curried arrow): on QuickJS, parking a fresh closure in the slot cost about a third of
//! a call's whole depth count.
//!
//! The depth must be left after anything that can call contract code: a call made after
//! the depth was left would run one level shallower, and a chain of such calls (a
//! `valueOf` whose return converts the next object) would never count, recursing until
//! the engine's own stack ran out at a machine-dependent depth. So only what cannot call
//! anything qualifies: names (a contract's scope has no accessors: globals are frozen,
//! `with` is refused in strict code), literals, closures made (their bodies run later,
//! counting their own depth), and array and object literals built from those. A spread,
//! a computed key, an operator that converts its operand (`+x`, `a + b`), a template with
//! substitutions and a regular expression (priced by a helper) all may call, so they
//! keep the slot.

use oxc::ast::ast::{ArrayExpressionElement, Expression, ObjectPropertyKind, PropertyKey, UnaryOperator};

/// Whether computing `value` can run no code (see the module documentation).
pub(super) fn runs_no_code(value: &Expression) -> bool {
    match value {
        Expression::Identifier(_)
        | Expression::ThisExpression(_)
        | Expression::NumericLiteral(_)
        | Expression::StringLiteral(_)
        | Expression::BooleanLiteral(_)
        | Expression::NullLiteral(_)
        | Expression::BigIntLiteral(_)
        | Expression::FunctionExpression(_)
        | Expression::ArrowFunctionExpression(_) => true,
        Expression::TemplateLiteral(t) => t.expressions.is_empty(),
        Expression::ParenthesizedExpression(p) => runs_no_code(&p.expression),
        // Only conversions to a boolean or a type name, and discarding, call nothing.
        Expression::UnaryExpression(u) => {
            matches!(u.operator, UnaryOperator::LogicalNot | UnaryOperator::Typeof | UnaryOperator::Void)
                && runs_no_code(&u.argument)
        }
        Expression::ArrayExpression(a) => a.elements.iter().all(|e| match e {
            ArrayExpressionElement::Elision(_) => true,
            ArrayExpressionElement::SpreadElement(_) => false,
            e => e.as_expression().is_some_and(runs_no_code),
        }),
        Expression::ObjectExpression(o) => o.properties.iter().all(|p| match p {
            ObjectPropertyKind::ObjectProperty(p) => {
                !p.computed && !matches!(p.key, PropertyKey::PrivateIdentifier(_)) && runs_no_code(&p.value)
            }
            ObjectPropertyKind::SpreadProperty(_) => false,
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::runs_no_code;
    use oxc::allocator::Allocator;
    use oxc::parser::Parser;
    use oxc::span::SourceType;

    fn plain(expr: &str) -> bool {
        let allocator = Allocator::default();
        let source = format!("({expr})");
        let parsed = Parser::new(&allocator, &source, SourceType::cjs()).parse_expression();
        runs_no_code(&parsed.expect("an expression"))
    }

    #[test]
    fn values_that_call_nothing_leave_first() {
        for expr in [
            "x",
            "this",
            "1",
            "'s'",
            "10n",
            "`t`",
            "null",
            "function () { return f(); }",
            "(y) => x + y",
            "!x",
            "typeof x",
            "void 0",
            "[x, , 1, () => g()]",
            "{ a: x, b: [1], get c() { return h(); }, m() {} }",
        ] {
            assert!(plain(expr), "{expr}");
        }
    }

    #[test]
    fn values_that_may_call_keep_the_slot() {
        for expr in [
            "f()",
            "new C()",
            "x + y",
            "-x",
            "a.b",
            "a[0]",
            "`t${x}`",
            "/re/",
            "[...xs]",
            "{ ...o }",
            "{ [k]: 1 }",
            "{ a: f() }",
            "[x, g()]",
            "!f()",
            "class {}",
        ] {
            assert!(!plain(expr), "{expr}");
        }
    }
}
