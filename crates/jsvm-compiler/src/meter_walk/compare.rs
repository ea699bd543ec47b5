//! Comparisons that may walk two long strings. `a === b` on two 5 MB strings walks
//! 5 MB for a node's price, and so does `a < b`, `a == b`, or a `case` compared with
//! the `switch`'s value. Such a comparison becomes a call of a helper of the wrapper
//! (`meter::WRAPPER_PREFIX`, `__jsvm_seq` …) that pays by the strings' length; one
//! whose operand is *bounded* stays as written, since its cost is bounded by that
//! operand's source text, or it compares no string at all:
//! - a literal (a template without substitutions among them), `undefined`, `NaN`,
//!   `Infinity` (unless the contract binds one of those names);
//! - a unary expression (`typeof x`, `-x`, `!x` …), `x++`, and a binary expression other
//!   than `+` (`a * b`, `a === b`, `k in o` …): numbers and booleans;
//! - a counted loop's variable (`meter_strip`), a number in its loop.

use oxc::ast::ast::{BinaryExpression, BinaryOperator, Expression};
use oxc::ast_visit::{walk, Visit};
use oxc::span::GetSpan;

use super::MeterWalk;

/// The wrapper's helper for a comparison operator.
fn helper(op: BinaryOperator) -> Option<&'static str> {
    Some(match op {
        BinaryOperator::StrictEquality => "__jsvm_seq",
        BinaryOperator::StrictInequality => "__jsvm_sne",
        BinaryOperator::Equality => "__jsvm_eq",
        BinaryOperator::Inequality => "__jsvm_ne",
        BinaryOperator::LessThan => "__jsvm_lt",
        BinaryOperator::GreaterThan => "__jsvm_gt",
        BinaryOperator::LessEqualThan => "__jsvm_le",
        BinaryOperator::GreaterEqualThan => "__jsvm_ge",
        _ => return None,
    })
}

/// `===` and `!==`: no conversion, two strings or no walk.
fn strict(op: BinaryOperator) -> bool {
    matches!(op, BinaryOperator::StrictEquality | BinaryOperator::StrictInequality)
}

impl MeterWalk<'_, '_> {
    /// Whether `e`'s value can walk no more of a string than its own text (see above).
    pub(super) fn bounded(&self, e: &Expression<'_>) -> bool {
        match e {
            Expression::ParenthesizedExpression(p) => self.bounded(&p.expression),
            Expression::NumericLiteral(_)
            | Expression::StringLiteral(_)
            | Expression::BooleanLiteral(_)
            | Expression::NullLiteral(_)
            | Expression::RegExpLiteral(_)
            | Expression::BigIntLiteral(_)
            | Expression::UnaryExpression(_)
            | Expression::UpdateExpression(_)
            | Expression::PrivateInExpression(_) => true,
            Expression::TemplateLiteral(t) => t.expressions.is_empty(),
            Expression::BinaryExpression(b) => b.operator != BinaryOperator::Addition,
            Expression::Identifier(id) => {
                self.assigned.is_global_constant(&id.name)
                    || self.counted_vars.iter().any(|v| v.as_str() == id.name.as_str())
            }
            _ => false,
        }
    }

    /// A comparison of two operands that could both be long strings calls its priced
    /// helper (`a < b` → `__jsvm_lt(a,b)`), walked here; returns whether it was one.
    ///
    /// When the left side is a name and the right side needs no text of its own (`x < y`,
    /// `i < a.length`), the common case takes no call: `(CHEAP ? x < y : __jsvm_lt(x,y))`.
    /// CHEAP: `x` is a string under 256 characters (the walk stops there), or for `===` and
    /// `!==` not a string, for the others a number (an object could convert to a long
    /// string; a number compared with a string converts it, as arithmetic does, which is
    /// not priced). Only one arm runs, and a name is read the same each time (the global
    /// object is frozen: no getter can answer differently).
    pub(super) fn priced_comparison<'a>(&mut self, it: &BinaryExpression<'a>) -> bool
    where
        Self: Visit<'a>,
    {
        let Some(helper) = helper(it.operator) else { return false };
        if self.bounded(&it.left) || self.bounded(&it.right) {
            return false;
        }
        let (left, right) = (it.left.span(), it.right.span());
        // The opening goes in before the operands' own (an object literal's on the left
        // starts where the comparison does); its text is known once the right side is walked.
        let opening = self.texts.len();
        self.inline(left.start, String::new(), false);
        let mark = self.inserts.len();
        walk::walk_binary_expression(self, it);
        // A right side that can be written twice: no text of its own, no line break (line
        // numbers stay the source's), no template (a tagged one's site would be two).
        let b = String::from_utf8_lossy(&self.source[right.start as usize..right.end as usize]).into_owned();
        let plain_right = self.inserts.len() == mark && !b.contains(['\n', '\r', '\u{2028}', '\u{2029}', '`']);
        let open = match &it.left {
            Expression::Identifier(name) if plain_right => {
                let name = name.name.as_str();
                self.inline(right.end, format!(" : {helper}({name},{b}))"), true);
                let cheap = if strict(it.operator) {
                    format!("typeof {name} !== \"string\" || {name}.length < 256")
                } else {
                    format!("typeof {name} === \"number\" || typeof {name} === \"string\" && {name}.length < 256")
                };
                format!("({cheap} ? ")
            }
            _ => {
                // The operands' closings at the right's end come first (walk order).
                self.replace_between(left.end, right.start, ",");
                self.inline(right.end, ")".into(), true);
                format!("{helper}(")
            }
        };
        if let Some(t) = self.texts.get_mut(opening) {
            *t = open;
        }
        true
    }

    /// A `case` test; `priced` when the `switch`'s value could be a long string: then a
    /// test that could be one too pays for the comparison by its length (`__jsvm_case`).
    pub(super) fn case_test<'a>(&mut self, test: &Expression<'a>, priced: bool)
    where
        Self: Visit<'a>,
    {
        let priced = priced && !self.bounded(test);
        if priced {
            self.inline(test.span().start, "__jsvm_case(".into(), false);
        }
        self.visit_expression(test);
        if priced {
            self.inline(test.span().end, ")".into(), true);
        }
    }
}
