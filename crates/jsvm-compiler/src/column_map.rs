//! Columns in metered code back to the author's.
//!
//! The meter splices its charges into the source's lines without adding a line (meter.rs),
//! so a line keeps its number but every column after a splice moves right: an engine
//! reports `index.js:1:128` on a 96-character line. A [`ColumnMap`] records, line by line,
//! which stretches of the metered text are the author's own and where they came from, so
//! that the node's log can name the author's column. A position inside spliced text maps
//! to the source position the splice sits at.

/// One stretch of a metered line copied from the source: its first column in the metered
/// line, the source line and column it came from, and its length, in characters (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stretch {
    column: u32,
    source_line: u32,
    source_column: u32,
    len: u32,
}

/// For each line of metered text (0-based), the stretches copied from the source, by column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    lines: Vec<Vec<Stretch>>,
}

/// A text position that moves forward one character at a time, counting lines as
/// `line_col` does (`\n`, `\r\n`, a lone `\r`, U+2028, U+2029).
#[derive(Default)]
struct Cursor {
    offset: usize,
    line: u32,
    column: u32,
}

impl Cursor {
    /// Moves to byte `to` of `text` (never backwards).
    fn advance(&mut self, text: &str, to: usize) {
        let to = to.min(text.len());
        while self.offset < to {
            let Some(c) = text[self.offset..].chars().next() else { return };
            let crlf = c == '\r' && text[self.offset + 1..].starts_with('\n');
            self.offset += c.len_utf8();
            if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') && !crlf {
                self.line += 1;
                self.column = 0;
            } else if !crlf {
                self.column += 1;
            }
        }
    }
}

impl ColumnMap {
    /// The map of `metered`, made from `source` by copying `copied` stretches
    /// `(metered offset, source offset, byte length)`, in order, and splicing text between.
    pub(crate) fn new(metered: &str, source: &str, copied: &[(usize, usize, usize)]) -> Self {
        let mut lines: Vec<Vec<Stretch>> = Vec::new();
        let (mut out, mut from) = (Cursor::default(), Cursor::default());
        for &(out_start, source_start, len) in copied {
            out.advance(metered, out_start);
            from.advance(source, source_start);
            let end = source_start + len;
            // One stretch per line of the copied text.
            while from.offset < end {
                let line_end = source[from.offset..end]
                    .find(['\n', '\r', '\u{2028}', '\u{2029}'])
                    .map_or(end, |at| from.offset + at);
                let (column, source_line, source_column) = (out.column, from.line, from.column);
                let start = from.offset;
                from.advance(source, line_end);
                let len = from.column - source_column;
                out.advance(metered, out.offset + (line_end - start));
                if len > 0 {
                    let at = out.line as usize;
                    if lines.len() <= at {
                        lines.resize_with(at + 1, Vec::new);
                    }
                    lines[at].push(Stretch { column, source_line, source_column, len });
                }
                // The line break itself, copied as it is.
                let next = source[line_end..end].chars().next().map_or(line_end, |c| {
                    let crlf = c == '\r' && source[line_end + 1..end].starts_with('\n');
                    line_end + if crlf { 2 } else { c.len_utf8() }
                });
                out.advance(metered, out.offset + (next - line_end));
                from.advance(source, next);
            }
        }
        ColumnMap { lines }
    }

    /// The author's 1-based `(line, column)` for a 1-based position in the metered text:
    /// in a copied stretch, where it came from; in spliced text, where the splice sits (the
    /// end of the stretch before it on the line). `None` before the line's first stretch.
    pub fn original(&self, line: u32, column: u32) -> Option<(u32, u32)> {
        let stretches = self.lines.get((line as usize).checked_sub(1)?)?;
        let column = column.checked_sub(1)?;
        let s = stretches.iter().rev().find(|s| s.column <= column)?;
        let into = (column - s.column).min(s.len);
        Some((s.source_line + 1, s.source_column + into + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::ColumnMap;

    #[test]
    fn copied_columns_map_back_and_splices_map_to_their_place() {
        let source = "let a = f(x);\nreturn a;";
        let metered = "CHARGE;let a = (G,f(x));\nreturn a;";
        // "let a = " at 7, "f(x)" at 18, ";\nreturn a;" at 23.
        let map = ColumnMap::new(metered, source, &[(7, 0, 8), (18, 8, 4), (23, 12, 11)]);
        assert_eq!(map.original(1, 8), Some((1, 1)), "l of let");
        assert_eq!(map.original(1, 19), Some((1, 9)), "f");
        assert_eq!(map.original(1, 17), Some((1, 9)), "inside the splice: where it sits");
        assert_eq!(map.original(2, 8), Some((2, 8)), "a");
        assert_eq!(map.original(1, 3), None, "before the line's first stretch");
        assert_eq!(map.original(3, 1), None);
    }

    #[test]
    fn columns_count_characters() {
        let source = "é = 1; x";
        let metered = "é = 1;SPLICE x";
        let map = ColumnMap::new(metered, source, &[(0, 0, 7), (13, 7, 2)]);
        assert_eq!(map.original(1, 14), Some((1, 8)));
        assert_eq!(map.original(1, 3), Some((1, 3)));
    }
}
