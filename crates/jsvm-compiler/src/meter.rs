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
}

/// One splice: where, what, and the cost it charges (for the opening kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Insert {
    pub offset: u32,
    pub splice: Splice,
    pub cost: u64,
}

const COUNTER: &str = "__jsvm_left";

fn charge(cost: u64) -> String {
    format!("if(({COUNTER}-={cost})<0)__jsvm_oog();")
}

impl Splice {
    fn is_close(self) -> bool {
        matches!(self, Splice::CloseBlock | Splice::CloseExpr)
    }

    fn text(self, cost: u64) -> String {
        match self {
            Splice::Charge => charge(cost),
            Splice::ChargeAfterDirectives => format!(";{}", charge(cost)),
            Splice::OpenBlock => format!("{{{}", charge(cost)),
            Splice::CloseBlock => "}".into(),
            Splice::OpenExpr => format!("(({COUNTER}-={cost})<0&&__jsvm_oog(),"),
            Splice::CloseExpr => ")".into(),
        }
    }
}

/// Applies `inserts` (in the order the walk produced them) to `source`.
///
/// At one offset, closings go before openings (the node ending there comes first in the
/// text); openings keep walk order (outer before inner) and closings too (the walk emits
/// inner closings first).
pub(crate) fn apply(source: &str, mut inserts: Vec<Insert>) -> String {
    inserts.sort_by_key(|i| (i.offset, !i.splice.is_close()));
    let mut out = String::with_capacity(source.len() + inserts.len() * 48);
    let mut at = 0usize;
    for i in inserts {
        let offset = (i.offset as usize).min(source.len());
        out.push_str(&source[at..offset]);
        at = offset;
        out.push_str(&i.splice.text(i.cost));
    }
    out.push_str(&source[at..]);
    out
}

/// Text before the metered source in prepared code: one line, so that line numbers in
/// the prepared code equal those in the source. Evaluating the prepared code yields a
/// factory `(limit, outOfGas) => [moduleFunction, gasUsed, charge]`:
/// - `moduleFunction(module, exports, require)` runs the contract's top level;
/// - `gasUsed()` reads the counter;
/// - `charge(n)` adds `n` (the class libraries' data-dependent costs) and checks the limit.
pub const WRAPPER_PREFIX: &str = "(function (__jsvm_lim, __jsvm_oog) { var __jsvm_left = __jsvm_lim; \
return [function (module, exports, require) {";

/// Text after the metered source. Its line break ends a trailing `//` comment.
pub(crate) const WRAPPER_SUFFIX: &str = "\n}, function () { return __jsvm_lim - __jsvm_left; }, \
function (n) { if ((__jsvm_left -= n) < 0) __jsvm_oog(); }]; })";

/// The prepared code for an already metered source.
pub(crate) fn wrap(metered: &str) -> String {
    let mut s = String::with_capacity(WRAPPER_PREFIX.len() + metered.len() + WRAPPER_SUFFIX.len());
    s.push_str(WRAPPER_PREFIX);
    s.push_str(metered);
    s.push_str(WRAPPER_SUFFIX);
    s
}

/// Prepared code with the same wrapper but no charges at all. Only for measuring what
/// the meter costs (the benchmark's baseline): never deployed, never run on a chain.
pub fn prepare_unmetered_for_benchmark(source: &str) -> String {
    wrap(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ins(offset: u32, splice: Splice, cost: u64) -> Insert {
        Insert {
            offset,
            splice,
            cost,
        }
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
        );
        assert_eq!(out, "((__jsvm_left-=3)<0&&__jsvm_oog(),a||((__jsvm_left-=1)<0&&__jsvm_oog(),b))");
        let out = apply(
            "x;y;",
            vec![
                ins(0, Splice::OpenBlock, 2),
                ins(2, Splice::CloseBlock, 0),
                ins(2, Splice::Charge, 1),
            ],
        );
        assert_eq!(out, "{if((__jsvm_left-=2)<0)__jsvm_oog();x;}if((__jsvm_left-=1)<0)__jsvm_oog();y;");
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
        ] {
            assert!(!s.text(7).contains('\n'));
        }
        assert!(!WRAPPER_PREFIX.contains('\n'));
    }
}
