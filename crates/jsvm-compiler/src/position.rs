//! Byte offsets to the line:column positions a contract author sees in an editor.

/// The 1-based `(line, column)` of byte `offset` in `source`.
///
/// Lines end at `\n`, `\r\n`, a lone `\r`, U+2028 or U+2029, as in ECMAScript. Columns count
/// Unicode characters, not bytes, so non-ASCII text does not shift them. An offset past the end
/// or inside a character is rounded up rather than rejected, because it only ever decorates an
/// error message.
pub fn line_col(source: &str, offset: u32) -> (u32, u32) {
    let mut line = 1u32;
    let mut column = 1u32;
    let mut chars = source.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if at >= offset as usize {
            break;
        }
        let crlf = c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n');
        if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') && !crlf {
            line = line.saturating_add(1);
            column = 1;
        } else if !crlf {
            column = column.saturating_add(1);
        }
    }
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::line_col;

    #[test]
    fn counts_lines_and_columns_from_one() {
        let source = "ab\ncd\r\nef\rgh\u{2028}ij";
        assert_eq!(line_col(source, 0), (1, 1));
        assert_eq!(line_col(source, 1), (1, 2));
        assert_eq!(line_col(source, 3), (2, 1));
        assert_eq!(line_col(source, 5), (2, 3));
        assert_eq!(line_col(source, 7), (3, 1));
        assert_eq!(line_col(source, 10), (4, 1));
        assert_eq!(line_col(source, 15), (5, 1));
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_col("é = 1", 3), (1, 3));
    }

    #[test]
    fn out_of_range_offsets_are_clamped() {
        assert_eq!(line_col("ab", 99), (1, 3));
        assert_eq!(line_col("é", 1), (1, 2));
        assert_eq!(line_col("", 5), (1, 1));
    }
}
