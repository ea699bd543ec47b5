//! The regular-expression policy of the metered dialect: patterns that can backtrack
//! exponentially and syntax the engines disagree on are refused, in literals at deploy
//! and in patterns built at run time.

use oxc::allocator::Allocator;
use oxc::ast::ast::{RegExpFlags, RegExpLiteral};
use oxc::regular_expression::ast::{Disjunction, Pattern, Term};
use oxc::regular_expression::visit::{RegExpAstKind, Visit as RegExpVisit};
use oxc::regular_expression::{LiteralParser, Options};

use super::regex_choice::{repeats_overlapping_choice, OVERLAPPING_CHOICE};
use super::MeterWalk;

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
pub(super) const UNICODE_SETS: &str =
    "the `v` flag of regular expressions (one of the engines, V8 10.2, has no such flag)";
const MODIFIERS: &str =
    "a regular expression modifier group such as `(?i:...)` (one of the engines, V8 10.2, has none)";
const DUPLICATE_GROUP_NAMES: &str = "a group name used twice in one regular expression (one of the engines, V8 10.2, \
                                     refuses it)";
const PROPERTY_ESCAPES: &str =
    "a Unicode property escape `\\p{...}` or `\\P{...}` in a regular expression (the engines \
                                match them by different versions of Unicode: use explicit character classes)";

/// The first construct of a parsed pattern that [`UNICODE_SETS`] and its neighbours refuse.
pub(super) fn engine_gap(pattern: &Pattern<'_>) -> Option<&'static str> {
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

impl MeterWalk<'_, '_> {
    /// Refuses a regular-expression literal the policy does not allow.
    pub(super) fn check_regex_literal(&mut self, it: &RegExpLiteral<'_>) {
        if it.regex.flags.contains(RegExpFlags::V) {
            self.refuse(UNICODE_SETS, it.span.start);
        }
        if let Some(pattern) = &it.regex.pattern.pattern {
            if let Some(what) = backtracking_risk(&pattern.body, it.regex.flags.contains(RegExpFlags::I)) {
                self.refuse(what, it.span.start);
            }
            if let Some(what) = engine_gap(pattern) {
                self.refuse(what, it.span.start);
            }
        }
    }
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
        Ok(parsed) => match backtracking_risk(&parsed.body, flags.contains('i')).or_else(|| engine_gap(&parsed)) {
            Some(what) => Err(format!("{what} is not supported")),
            None => Ok(()),
        },
        Err(_) => Ok(()),
    }
}

/// Why a pattern can backtrack exponentially, if it can: a repeated loose repetition, or
/// a repeated choice whose alternatives can begin alike (`regex_choice`). `ignore_case`:
/// the `i` flag.
pub(super) fn backtracking_risk(d: &Disjunction<'_>, ignore_case: bool) -> Option<&'static str> {
    if nests_repetition(d) {
        Some(NESTED_REPETITION)
    } else if repeats_overlapping_choice(d, ignore_case, repeats_many) {
        Some(OVERLAPPING_CHOICE)
    } else {
        None
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
