//! Element stores whose value may be a NaN. Arithmetic's NaN has the processor's bits (x86's
//! `0/0` is negative, ARM's positive), and a float typed array keeps them, where a byte view
//! can read them. The vendored QuickJS canonicalises its own stores; V8's element stores
//! cannot be reached from the realm, so the compile stage rewrites `o[k] = v` to store `v`,
//! or the canonical NaN when `v` is a NaN (docs/javascript.md). The rewrite charges nothing.

use oxc::ast::ast::{
    AssignmentExpression, AssignmentOperator, AssignmentTarget, BinaryOperator, Expression, UnaryOperator,
};
use oxc::ast_visit::{walk, Visit};
use oxc::span::GetSpan;

use super::MeterWalk;

/// The wrapper's temporary of a store into a computed member and its canonical NaN
/// (`meter::wrapper_head`): `o[k] = ((t = v) === t ? t : N)` stores `v`, or the NaN
/// `N` (0x7FF8000000000000, the bits of the global `NaN` on every engine) when `v` is a
/// NaN. The temporary is read only inside the one expression that set it.
const NAN_TEMP: &str = "__jsvm_t";
const NAN_STORE: &str = "===__jsvm_t?__jsvm_t:__jsvm_N";

/// Whether `e` can never be a NaN (so a store of it needs no canonical NaN): a literal,
/// a string, boolean or integer result, an object or a function.
fn nan_free(e: &Expression<'_>) -> bool {
    match e {
        Expression::ParenthesizedExpression(p) => nan_free(&p.expression),
        Expression::NumericLiteral(_)
        | Expression::StringLiteral(_)
        | Expression::BooleanLiteral(_)
        | Expression::NullLiteral(_)
        | Expression::BigIntLiteral(_)
        | Expression::RegExpLiteral(_)
        | Expression::TemplateLiteral(_)
        | Expression::ArrayExpression(_)
        | Expression::ObjectExpression(_)
        | Expression::FunctionExpression(_)
        | Expression::ArrowFunctionExpression(_)
        | Expression::ClassExpression(_) => true,
        Expression::UnaryExpression(u) => {
            !matches!(u.operator, UnaryOperator::UnaryNegation | UnaryOperator::UnaryPlus)
        }
        Expression::BinaryExpression(b) => {
            b.operator.is_equality()
                || b.operator.is_compare()
                || b.operator.is_bitwise()
                || matches!(b.operator, BinaryOperator::In | BinaryOperator::Instanceof)
        }
        _ => false,
    }
}

impl MeterWalk<'_, '_> {
    /// An element store `o[k] = v` whose value could be a NaN gets the canonical NaN's
    /// check around `v`, walked here; returns whether it was one.
    pub(super) fn canonical_nan_store<'a>(&mut self, it: &AssignmentExpression<'a>) -> bool
    where
        Self: Visit<'a>,
    {
        if it.operator != AssignmentOperator::Assign
            || !matches!(it.left, AssignmentTarget::ComputedMemberExpression(_))
            || nan_free(&it.right)
        {
            return false;
        }
        let value = it.right.span();
        self.inline(value.start, format!("(({NAN_TEMP}="), false);
        walk::walk_assignment_expression(self, it);
        self.inline(value.end, format!("){NAN_STORE})"), true);
        true
    }
}
