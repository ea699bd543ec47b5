//! Spreads copy their whole source: `[...x]` and `f(...x)` pass the source through the
//! class libraries' `spread` (prelude.js, lent on `__jsvm_vm`), which pays by its size before
//! the copy; an object literal with a spread passes through `objectCopy`, which pays by the
//! new object's properties after it is built (docs/gas.md).

use oxc::ast::ast::{ObjectExpression, ObjectPropertyKind, SpreadElement};
use oxc::ast_visit::{walk, Visit};
use oxc::span::GetSpan;

use super::MeterWalk;

/// What the source of a spread in an array literal or a call passes through (prelude.js,
/// lent on `__jsvm_vm`), with the prices of an element and of a property (`MeterCosts`):
/// it pays for the copy by the source's size.
const SPREAD: &str = "__jsvm_vm.spread";

/// What an object literal with a spread passes through, with the price of a property: it
/// pays for the copy by the properties of the new object.
const OBJECT_COPY: &str = "__jsvm_vm.objectCopy";

impl MeterWalk<'_, '_> {
    /// An array literal's or a call's spread: its source is priced before the copy.
    pub(super) fn priced_spread<'a>(&mut self, it: &SpreadElement<'a>)
    where
        Self: Visit<'a>,
    {
        let source = it.argument.span();
        self.inline(source.start, format!("{SPREAD}("), false);
        walk::walk_spread_element(self, it);
        self.inline(source.end, format!(",{},{})", self.costs.element, self.costs.copy_property), true);
    }

    /// An object literal with a spread is priced after it is built, by its properties.
    pub(super) fn priced_object<'a>(&mut self, it: &ObjectExpression<'a>)
    where
        Self: Visit<'a>,
    {
        let spreads = it.properties.iter().any(|p| matches!(p, ObjectPropertyKind::SpreadProperty(_)));
        if spreads {
            self.inline(it.span.start, format!("{OBJECT_COPY}("), false);
        }
        walk::walk_object_expression(self, it);
        if spreads {
            self.inline(it.span.end, format!(",{})", self.costs.copy_property), true);
        }
    }
}
