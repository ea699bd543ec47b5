//! A bundle module's source map: positions in the module's source back to the author's file.
//!
//! `jsvm pack` compiles TypeScript to JavaScript, which moves code to other lines and
//! columns, so a module compiled from a `.ts` file carries the `mappings` of a Source Map v3
//! (VLQ segments, `;` between generated lines) with one source, the module's own file, and no
//! names. Errors at deploy and the node's log read it to name the `.ts` line and column. It
//! is part of the deployed code, so reading it is deterministic and refuses, rather than
//! guesses at, a malformed map. Columns are UTF-16 code units, as in every source map (the
//! same as characters outside the astral planes).

/// One mapped position: a generated column and the original line and column, all 0-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Segment {
    column: u32,
    line: u32,
    source_column: u32,
}

/// Decoded `mappings`: for each generated line (0-based), its segments by column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    lines: Vec<Vec<Segment>>,
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl SourceMap {
    /// A map from `(generated line, column) → (original line, column)` pairs, 0-based, in
    /// any order; duplicates are dropped.
    pub fn from_pairs(pairs: impl IntoIterator<Item = ((u32, u32), (u32, u32))>) -> Self {
        let mut lines: Vec<Vec<Segment>> = Vec::new();
        for ((line, column), (source_line, source_column)) in pairs {
            let at = line as usize;
            if lines.len() <= at {
                lines.resize_with(at + 1, Vec::new);
            }
            lines[at].push(Segment { column, line: source_line, source_column });
        }
        for segments in &mut lines {
            segments.sort();
            segments.dedup_by_key(|s| s.column);
        }
        SourceMap { lines }
    }

    /// Reads a `mappings` string; the message says why it is malformed.
    pub fn parse(mappings: &str) -> Result<Self, String> {
        let mut lines = Vec::new();
        // Source index, original line and column carry over from one segment to the next.
        let mut state = [0i64; 3];
        for text in mappings.split(';') {
            let mut segments: Vec<Segment> = Vec::new();
            let mut column = 0i64;
            for segment in text.split(',').filter(|s| !s.is_empty()) {
                let fields = decode_vlq(segment)?;
                column = add(column, fields[0])?;
                match fields.len() {
                    1 => continue, // a generated position with no original: nothing to map to
                    4 | 5 => {}
                    n => return Err(format!("a segment has {n} fields (1, 4 or 5 expected)")),
                }
                for (value, delta) in state.iter_mut().zip(&fields[1..4]) {
                    *value = add(*value, *delta)?;
                }
                if state[0] != 0 {
                    return Err("a module's map names one source, index 0".into());
                }
                let new =
                    Segment { column: to_u32(column)?, line: to_u32(state[1])?, source_column: to_u32(state[2])? };
                if segments.last().is_some_and(|last| last.column >= new.column) {
                    return Err("segments of a line must have increasing columns".into());
                }
                segments.push(new);
            }
            lines.push(segments);
        }
        Ok(SourceMap { lines })
    }

    /// The `mappings` string: parsing it gives this map again.
    pub fn mappings(&self) -> String {
        let mut out = String::new();
        let (mut line, mut source_column) = (0i64, 0i64);
        for (n, segments) in self.lines.iter().enumerate() {
            if n > 0 {
                out.push(';');
            }
            let mut column = 0i64;
            for (i, s) in segments.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                for delta in [
                    i64::from(s.column) - column,
                    0,
                    i64::from(s.line) - line,
                    i64::from(s.source_column) - source_column,
                ] {
                    encode_vlq(delta, &mut out);
                }
                (column, line, source_column) = (s.column.into(), s.line.into(), s.source_column.into());
            }
        }
        out
    }

    /// The author's 1-based `(line, column)` for a 1-based position in the generated text:
    /// the last segment at or before it on its line, else the line's first segment, else the
    /// last segment of the nearest line above. `None` when no segment is that early.
    pub fn original(&self, line: u32, column: u32) -> Option<(u32, u32)> {
        let at = (line as usize).checked_sub(1)?;
        let column = column.saturating_sub(1);
        let segments = self.lines.get(at).map_or(&[][..], Vec::as_slice);
        let found = match segments.iter().rev().find(|s| s.column <= column) {
            Some(s) => Some(s),
            None => segments
                .first()
                .or_else(|| self.lines[..at.min(self.lines.len())].iter().rev().find_map(|segments| segments.last())),
        }?;
        Some((found.line.saturating_add(1), found.source_column.saturating_add(1)))
    }
}

fn add(a: i64, b: i64) -> Result<i64, String> {
    a.checked_add(b).ok_or_else(|| "a position overflows".to_string())
}

fn to_u32(value: i64) -> Result<u32, String> {
    u32::try_from(value).map_err(|_| format!("position {value} is out of range"))
}

/// The signed values of one segment's base64 VLQ text.
fn decode_vlq(text: &str) -> Result<Vec<i64>, String> {
    let mut values = Vec::new();
    let (mut value, mut shift) = (0i64, 0u32);
    for byte in text.bytes() {
        let digit =
            BASE64.iter().position(|&b| b == byte).ok_or_else(|| format!("{:?} is not base64", byte as char))?;
        if shift > 30 {
            return Err("a number has too many digits".into());
        }
        value |= ((digit & 31) as i64) << shift;
        if digit & 32 == 0 {
            values.push(if value & 1 == 1 { -(value >> 1) } else { value >> 1 });
            (value, shift) = (0, 0);
        } else {
            shift += 5;
        }
    }
    if shift != 0 {
        return Err("a number is cut short".into());
    }
    Ok(values)
}

fn encode_vlq(value: i64, out: &mut String) {
    let mut rest = if value < 0 { ((-value) << 1) | 1 } else { value << 1 };
    loop {
        let digit = (rest & 31) as usize;
        rest >>= 5;
        out.push(BASE64[if rest > 0 { digit | 32 } else { digit }] as char);
        if rest == 0 {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SourceMap;

    #[test]
    fn mappings_round_trip_and_match_the_standard_encoding() {
        let map = SourceMap::from_pairs([((0, 0), (0, 0)), ((0, 4), (2, 10)), ((2, 1), (1, 0)), ((0, 4), (2, 10))]);
        let text = map.mappings();
        assert_eq!(text, "AAAA,IAEU;;CADV");
        assert_eq!(SourceMap::parse(&text), Ok(map.clone()));
        assert_eq!(map.original(1, 1), Some((1, 1)));
        assert_eq!(map.original(1, 9), Some((3, 11)));
        assert_eq!(map.original(2, 7), Some((3, 11)), "an empty line takes the last segment above");
        assert_eq!(map.original(3, 1), Some((2, 1)), "before the first segment: the line's first");
        assert_eq!(map.original(0, 1), None);
    }

    #[test]
    fn malformed_maps_are_refused() {
        for bad in ["A!AA", "AAA", "ACAA", "AAAg", "DAAA,AAAA", "AA//////////AA"] {
            assert!(SourceMap::parse(bad).is_err(), "{bad}");
        }
        // A one-field segment maps nothing; trailing empty lines take the last segment above.
        assert_eq!(SourceMap::parse("A,AAAA;;").map(|m| m.original(3, 5)), Ok(Some((1, 1))));
    }
}
