//! A standalone script (a `jsvm test` file) checked and, for TypeScript, compiled: the same
//! parser and TypeScript compiler as the pack's, so a test file and a contract file are read
//! alike. A script is run as it is, with its API in globals: module syntax is refused here
//! rather than failing later with an engine's words.

use oxc::allocator::Allocator;
use oxc::parser::{ParseOptions, Parser};
use oxc::span::SourceType;

use super::{err, error_offset, typescript, ScanError};

/// A script ready to run.
pub(crate) struct Script {
    /// The JavaScript.
    pub code: String,
    /// For compiled TypeScript: the `.ts` file's 1-based line of each 0-based line of `code`.
    pub lines: Option<Vec<u32>>,
}

/// Checks JavaScript `source`, or compiles TypeScript `source`; offsets of errors are in it.
pub(crate) fn script(source: &str, typescript: bool) -> Result<Script, ScanError> {
    if !typescript {
        check_script(source).map_err(|e| err(e.0, e.1))?;
        return Ok(Script { code: source.to_string(), lines: None });
    }
    let compiled = typescript::compile(source)?;
    let lines = line_table(&compiled.js, &compiled.pairs);
    if let Err((offset, message)) = check_script(&compiled.js) {
        // The compiled text's line leads back to the `.ts` line; its start is offset enough.
        let js_line = compiled.js[..offset as usize].matches('\n').count();
        let ts_line = lines.get(js_line).copied().unwrap_or(1);
        let at = source.split_inclusive('\n').take(ts_line as usize - 1).map(str::len).sum::<usize>();
        return Err(err(u32::try_from(at).unwrap_or(0), message));
    }
    Ok(Script { code: compiled.js, lines: Some(lines) })
}

/// The `.ts` line of each line of the compiled JavaScript: that of the line's first mapping,
/// else the line above's.
fn line_table(js: &str, pairs: &[super::mapping::Pair]) -> Vec<u32> {
    let count = js.matches('\n').count() + 1;
    let mut first: Vec<Option<u32>> = vec![None; count];
    for &((js_line, _), (ts_line, _)) in pairs {
        if let Some(slot) = first.get_mut(js_line as usize) {
            slot.get_or_insert(ts_line + 1);
        }
    }
    let mut last = 1;
    first
        .into_iter()
        .map(|l| {
            last = l.unwrap_or(last);
            last
        })
        .collect()
}

/// Whether `source` parses as a script; else where and why not.
fn check_script(source: &str) -> Result<(), (u32, String)> {
    let allocator = Allocator::default();
    let options = ParseOptions { parse_regular_expression: true, ..ParseOptions::default() };
    let parsed = Parser::new(&allocator, source, SourceType::unambiguous()).with_options(options).parse();
    if let Some(error) = parsed.diagnostics.errors().next() {
        return Err((error_offset(error), format!("syntax error: {}", error.message)));
    }
    if parsed.module_record.has_module_syntax {
        let at = parsed.program.body.iter().find(|s| s.is_module_declaration()).map_or(0, |s| {
            use oxc::span::GetSpan;
            s.span().start
        });
        return Err((
            at,
            "a test file is a script: import and export are not supported (the test API is global; \
             `/// <reference types=...>` or tsconfig.json gives TypeScript its types)"
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::script;

    #[test]
    fn typescript_lines_lead_back_to_the_ts_file() {
        let ts = "interface P {\n  x: number;\n}\nconst p: P = { x: 1 };\n\nthrow new Error(String(p.x));\n";
        let s = script(ts, true).unwrap();
        let throw_line = s.code.lines().position(|l| l.starts_with("throw")).unwrap();
        assert_eq!(s.lines.unwrap()[throw_line], 6);
    }

    #[test]
    fn module_syntax_and_syntax_errors_are_refused_where_written() {
        let e = script("test('a', () => {});\nimport x from 'y';\n", false).err().unwrap();
        assert_eq!(e.offset, 21);
        assert!(e.message.starts_with("a test file is a script"), "{}", e.message);
        let e = script("let a = ;\n", false).err().unwrap();
        assert_eq!((e.offset, e.message.starts_with("syntax error")), (8, true));
        let e = script("let a: number = 1;\nexport {};\n", true).err().unwrap();
        assert_eq!(e.offset, 19, "the start of the .ts line");
    }
}
