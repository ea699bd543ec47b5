//! The packer's scanner: ES modules and TypeScript, as `jsvm pack` and `jsvm test` read them.

use std::cell::RefCell;

use jsvm_pack::{compile_script, pack_project};

/// `KIND SOURCE`: KIND's low bit picks TypeScript. The source is compiled as a `jsvm test` script and packed as a
/// project's only module (`index.js` or `index.ts` in a temporary directory, so `require` and `import` of other
/// files resolve to nothing); both succeed or return an error, never panic. A script's line map names only
/// lines of its source.
pub fn pack_scanner(data: &[u8]) {
    let Some((&kind, rest)) = data.split_first() else { return };
    let typescript = kind & 1 == 1;
    let source = String::from_utf8_lossy(rest);
    if let Ok(script) = compile_script("fuzz", &source, typescript) {
        // JavaScript's line terminators, not Rust's `lines()`: a lone CR, U+2028 and U+2029 end lines too
        // (found by the fuzzer: a TypeScript source split by lone CRs). CRLF counted twice: a bound, not a count.
        let terminators = source.chars().filter(|c| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')).count();
        let lines = u32::try_from(terminators + 1).unwrap_or(u32::MAX);
        if let Some(map) = &script.lines {
            assert!(map.iter().all(|&line| line <= lines), "a script line maps past the end of its source");
        }
    }
    PROJECT.with(|project| {
        let project = project.borrow();
        let (write, stale) = if typescript { ("index.ts", "index.js") } else { ("index.js", "index.ts") };
        let _ = std::fs::remove_file(project.path().join(stale));
        std::fs::write(project.path().join(write), source.as_bytes()).expect("the temporary project is writable");
        let _ = pack_project(project.path());
    });
}

thread_local! {
    /// One project directory per thread, reused: creating one per input would dominate the run.
    static PROJECT: RefCell<tempfile::TempDir> = RefCell::new(tempfile::tempdir().expect("a temporary directory"));
}
