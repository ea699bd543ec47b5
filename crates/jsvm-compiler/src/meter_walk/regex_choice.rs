//! Repeated choices whose alternatives can begin with the same character: `(a|a)*`,
//! `(\w|\d)+`, `(?:x|xy)*`. At every repetition the engine may take either alternative for
//! the same input, and on a failing input it tries every combination: exponentially many
//! in the input's length, far more work than any price by length can cover. Such a
//! pattern is refused, like the repeated repetition of `regex_policy`. The check is
//! conservative: what it cannot tell apart (a back-reference, a property escape, `.`)
//! counts as able to begin with anything.

use oxc::regular_expression::ast::{
    Alternative, CharacterClass, CharacterClassContents, CharacterClassEscapeKind, Disjunction, Term,
};

/// Why a regular expression is refused.
pub(super) const OVERLAPPING_CHOICE: &str = "a regular expression that repeats a choice between alternatives that \
                                             can begin with the same character (it can backtrack exponentially; \
                                             make the alternatives begin differently or bound the repetition)";

/// The highest code point.
const MAX_CHAR: u32 = 0x10FFFF;

/// Whether `d` repeats, many times, a choice anywhere inside the repeated part whose
/// alternatives can begin alike. `many` says which repetitions count as many.
pub(super) fn repeats_overlapping_choice(
    d: &Disjunction<'_>,
    ignore_case: bool,
    many: fn(u64, Option<u64>) -> bool,
) -> bool {
    let check = Check { ignore_case, many };
    d.body.iter().flat_map(|alt| alt.body.iter()).any(|t| check.term(t, false))
}

struct Check {
    ignore_case: bool,
    many: fn(u64, Option<u64>) -> bool,
}

impl Check {
    /// Whether `t` holds an overlapping choice that is repeated (`repeated`: `t` is inside
    /// a repetition already).
    fn term(&self, t: &Term<'_>, repeated: bool) -> bool {
        match t {
            Term::Quantifier(q) => self.term(&q.body, repeated || (self.many)(q.min, q.max)),
            Term::CapturingGroup(g) => self.disjunction(&g.body, repeated),
            Term::IgnoreGroup(g) => self.disjunction(&g.body, repeated),
            Term::LookAroundAssertion(g) => self.disjunction(&g.body, repeated),
            _ => false,
        }
    }

    fn disjunction(&self, d: &Disjunction<'_>, repeated: bool) -> bool {
        if repeated && d.body.len() > 1 {
            let firsts: Vec<CharSet> = d.body.iter().map(|alt| self.first_of_alternative(alt).0).collect();
            let overlap = firsts.iter().enumerate().any(|(i, a)| firsts[i + 1..].iter().any(|b| a.meets(b)));
            if overlap {
                return true;
            }
        }
        d.body.iter().flat_map(|alt| alt.body.iter()).any(|t| self.term(t, repeated))
    }

    /// The characters `alt` can begin with, and whether it can match nothing at all (then
    /// it can begin with whatever follows it: anything).
    fn first_of_alternative(&self, alt: &Alternative<'_>) -> (CharSet, bool) {
        let mut set = CharSet::default();
        for t in alt.body.iter() {
            let (first, empty) = self.first_of_term(t);
            set.add(&first);
            if !empty {
                return (set, false);
            }
        }
        set.any = true;
        (set, true)
    }

    fn first_of_term(&self, t: &Term<'_>) -> (CharSet, bool) {
        match t {
            Term::BoundaryAssertion(_) | Term::LookAroundAssertion(_) => (CharSet::default(), true),
            Term::Quantifier(q) => {
                let (set, empty) = self.first_of_term(&q.body);
                (set, empty || q.min == 0)
            }
            Term::Character(c) => (self.folded(CharSet::range(c.value, c.value)), false),
            Term::CharacterClassEscape(e) => (self.folded(escape_set(e.kind)), false),
            Term::CharacterClass(class) => (self.folded(class_set(class)), false),
            Term::CapturingGroup(g) => self.first_of_disjunction(&g.body),
            Term::IgnoreGroup(g) => self.first_of_disjunction(&g.body),
            Term::Dot(_) | Term::UnicodePropertyEscape(_) => (CharSet::anything(), false),
            Term::IndexedReference(_) | Term::NamedReference(_) => (CharSet::anything(), true),
        }
    }

    fn first_of_disjunction(&self, d: &Disjunction<'_>) -> (CharSet, bool) {
        let mut set = CharSet::default();
        let mut empty = false;
        for alt in d.body.iter() {
            let (first, e) = self.first_of_alternative(alt);
            set.add(&first);
            empty |= e;
        }
        (set, empty)
    }

    /// Under the `i` flag a letter also matches its other case: ASCII letters are added
    /// both ways (and `k`, `s` the Kelvin and long-s signs they fold with); anything
    /// beyond ASCII counts as anything, rather than carrying Unicode's case tables here.
    fn folded(&self, mut set: CharSet) -> CharSet {
        if !self.ignore_case || set.any {
            return set;
        }
        if set.ranges.iter().any(|&(_, hi)| hi > 0x7F) {
            return CharSet::anything();
        }
        let mut extra = Vec::new();
        for &(lo, hi) in &set.ranges {
            for (from, to, shift) in
                [(u32::from(b'a'), u32::from(b'z'), -32i64), (u32::from(b'A'), u32::from(b'Z'), 32)]
            {
                let (l, h) = (lo.max(from), hi.min(to));
                if l <= h {
                    extra.push(((i64::from(l) + shift) as u32, (i64::from(h) + shift) as u32));
                }
            }
        }
        set.ranges.extend(extra);
        for (letter, sign) in [(b'k', 0x212A), (b's', 0x017F)] {
            if set.contains(u32::from(letter)) {
                set.ranges.push((sign, sign));
            }
        }
        set
    }
}

/// A set of characters as ranges, or anything.
#[derive(Default, Clone)]
struct CharSet {
    any: bool,
    ranges: Vec<(u32, u32)>,
}

impl CharSet {
    fn anything() -> CharSet {
        CharSet { any: true, ranges: Vec::new() }
    }

    fn range(lo: u32, hi: u32) -> CharSet {
        CharSet { any: false, ranges: vec![(lo, hi)] }
    }

    fn add(&mut self, other: &CharSet) {
        self.any |= other.any;
        self.ranges.extend_from_slice(&other.ranges);
    }

    fn contains(&self, c: u32) -> bool {
        self.any || self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi)
    }

    fn is_empty(&self) -> bool {
        !self.any && self.ranges.is_empty()
    }

    /// Whether some character is in both.
    fn meets(&self, other: &CharSet) -> bool {
        if self.is_empty() || other.is_empty() {
            return false;
        }
        if self.any || other.any {
            return true;
        }
        self.ranges.iter().any(|&(a, b)| other.ranges.iter().any(|&(c, d)| a <= d && c <= b))
    }

    /// Every character not in the set.
    fn complement(&self) -> CharSet {
        if self.any {
            return CharSet::default();
        }
        let mut sorted = self.ranges.clone();
        sorted.sort_unstable();
        let mut out = Vec::new();
        let mut next = 0u32;
        for (lo, hi) in sorted {
            if lo > next {
                out.push((next, lo - 1));
            }
            next = next.max(hi.saturating_add(1));
        }
        if next <= MAX_CHAR {
            out.push((next, MAX_CHAR));
        }
        CharSet { any: false, ranges: out }
    }
}

/// `\d`, `\s`, `\w` and their negations (`\s` is ECMAScript's WhiteSpace and LineTerminator).
fn escape_set(kind: CharacterClassEscapeKind) -> CharSet {
    const DIGITS: &[(u32, u32)] = &[(0x30, 0x39)];
    const WORD: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];
    const SPACE: &[(u32, u32)] = &[
        (0x09, 0x0D),
        (0x20, 0x20),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x2000, 0x200A),
        (0x2028, 0x2029),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
        (0xFEFF, 0xFEFF),
    ];
    let of = |ranges: &[(u32, u32)]| CharSet { any: false, ranges: ranges.to_vec() };
    match kind {
        CharacterClassEscapeKind::D => of(DIGITS),
        CharacterClassEscapeKind::NegativeD => of(DIGITS).complement(),
        CharacterClassEscapeKind::S => of(SPACE),
        CharacterClassEscapeKind::NegativeS => of(SPACE).complement(),
        CharacterClassEscapeKind::W => of(WORD),
        CharacterClassEscapeKind::NegativeW => of(WORD).complement(),
    }
}

/// A bracketed class; what only the `v` flag allows (refused anyway) counts as anything.
fn class_set(class: &CharacterClass<'_>) -> CharSet {
    let mut set = CharSet::default();
    for item in class.body.iter() {
        match item {
            CharacterClassContents::CharacterClassRange(r) => set.ranges.push((r.min.value, r.max.value)),
            CharacterClassContents::Character(c) => set.ranges.push((c.value, c.value)),
            CharacterClassContents::CharacterClassEscape(e) => set.add(&escape_set(e.kind)),
            CharacterClassContents::UnicodePropertyEscape(_)
            | CharacterClassContents::NestedCharacterClass(_)
            | CharacterClassContents::ClassStringDisjunction(_) => set.any = true,
        }
    }
    if class.negative {
        set.complement()
    } else {
        set
    }
}
