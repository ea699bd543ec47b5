//! Positions through the two steps a `.ts` file takes: compiled to JavaScript (the
//! printer's source map) and rewritten to CommonJS (the scanner's edits, applied in order).
//! Composed, they give the bundle module's source map back to the `.ts` file, and the `.ts`
//! offset of anything the scan of the JavaScript reports.

use jsvm_compiler::SourceMap;

use super::Edit;

/// `(generated line, column) → (original line, column)`, 0-based.
pub(super) type Pair = ((u32, u32), (u32, u32));

/// Where lines start in a text, with ECMAScript's line terminators (as the printer's source
/// map and the compiler's `line_col` count them); columns are UTF-16 code units.
struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let crlf = c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n');
            if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') && !crlf {
                starts.push(at + c.len_utf8());
            }
        }
        Lines { text, starts }
    }

    /// The 0-based `(line, column)` of a byte offset.
    fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = self.starts[line];
        let column: usize = self.text[start..]
            .char_indices()
            .take_while(|(at, _)| start + at < offset)
            .map(|(_, c)| c.len_utf16())
            .sum();
        (to_u32(line), to_u32(column))
    }

    /// The byte offset of a 0-based `(line, column)`, clamped to the line's end.
    fn offset(&self, line: u32, column: u32) -> usize {
        let Some(&start) = self.starts.get(line as usize) else { return self.text.len() };
        let end = self.starts.get(line as usize + 1).copied().unwrap_or(self.text.len());
        let mut units = 0;
        for (at, c) in self.text[start..end].char_indices() {
            if units >= column as usize {
                return start + at;
            }
            units += c.len_utf16();
        }
        end
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The printer's source map between a `.ts` file and its JavaScript.
pub(super) struct Positions<'t> {
    source: Lines<'t>,
    js: Lines<'t>,
    /// `(JavaScript line, column) → (TypeScript line, column)`, sorted.
    pairs: Vec<Pair>,
}

impl<'t> Positions<'t> {
    pub(super) fn new(source: &'t str, js: &'t str, pairs: &[Pair]) -> Self {
        let mut pairs = pairs.to_vec();
        pairs.sort();
        Positions { source: Lines::new(source), js: Lines::new(js), pairs }
    }

    /// The `.ts` byte offset of a byte offset in the JavaScript: the last mapped position at
    /// or before it (the first one for text before any).
    pub(super) fn to_source(&self, js_offset: u32) -> u32 {
        let at = self.js.position(js_offset as usize);
        let index = self.pairs.partition_point(|(js, _)| *js <= at).saturating_sub(1);
        match self.pairs.get(index) {
            Some(&(_, (line, column))) => to_u32(self.source.offset(line, column)),
            None => 0,
        }
    }

    /// The source map `mappings` from `output` (the JavaScript with `edits` applied) to
    /// the `.ts` file.
    pub(super) fn through_edits(&self, output: &str, edits: &[Edit]) -> String {
        let output_lines = Lines::new(output);
        let mut through = Through::new(edits);
        // `pairs` is sorted, so the JavaScript offsets come in increasing order.
        let pairs: Vec<_> = self
            .pairs
            .iter()
            .map(|&((line, column), original)| {
                let js_offset = self.js.offset(line, column);
                (output_lines.position(through.output_offset(js_offset)), original)
            })
            .collect();
        SourceMap::from_pairs(pairs).mappings()
    }
}

/// Offsets of the input in the output of `edits` (sorted, not overlapping), asked in
/// increasing order: text moves by the size change of every edit before it; text an edit
/// replaced goes to where its replacement starts.
struct Through<'e> {
    edits: &'e [Edit],
    next: usize,
    shift: isize,
}

impl<'e> Through<'e> {
    fn new(edits: &'e [Edit]) -> Self {
        Through { edits, next: 0, shift: 0 }
    }

    fn output_offset(&mut self, offset: usize) -> usize {
        while let Some(e) = self.edits.get(self.next).filter(|e| e.end as usize <= offset) {
            self.shift += e.text.len() as isize - (e.end - e.start) as isize;
            self.next += 1;
        }
        match self.edits.get(self.next) {
            Some(e) if e.start as usize <= offset => (e.start as usize).saturating_add_signed(self.shift),
            _ => offset.saturating_add_signed(self.shift),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_count_utf16_columns_and_every_terminator() {
        let lines = Lines::new("a\r\nb😀c\rd\u{2028}e");
        assert_eq!(lines.position(0), (0, 0));
        assert_eq!(lines.position(3), (1, 0));
        assert_eq!(lines.position(8), (1, 3), "the emoji is two UTF-16 units");
        assert_eq!(lines.offset(1, 3), 8);
        assert_eq!(lines.position(10), (2, 0));
        assert_eq!(lines.position(14), (3, 0));
        assert_eq!(lines.offset(9, 0), 15);
    }

    #[test]
    fn offsets_move_through_edits() {
        let edit = |start, end, text: &str| Edit { start, end, text: text.into() };
        // A header inserted at 0, `foo` (3..6) replaced by 10 bytes, 10..12 blanked.
        let edits = [edit(0, 0, "HEADER;"), edit(3, 6, "(0, m.foo)"), edit(10, 12, "  ")];
        let mut through = Through::new(&edits);
        let moved: Vec<usize> = [0, 2, 4, 6, 11, 20].into_iter().map(|o| through.output_offset(o)).collect();
        // The file's first byte comes after the header; inside a replacement is its start.
        assert_eq!(moved, [7, 9, 10, 20, 24, 34]);
    }
}
