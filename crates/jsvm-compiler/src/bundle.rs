//! Bundles: a contract made of several CommonJS modules (what `jsvm pack` writes).
//!
//! A bundle is a JSON document (see docs/packing.md):
//!
//! ```json
//! {"jsvm_bundle": 1, "entry": "index.js",
//!  "modules": {"index.js": {"source": "…", "deps": {"./lib/a": "lib/a.js"}}, …}}
//! ```
//!
//! Each module's `deps` maps every `require` request in its source to the id of the module
//! it resolves to, so the runtime does a lookup, not path arithmetic. The built-in modules
//! `storage` and `blockchain` are not listed.
//!
//! Compiling a bundle checks and meters every module like a single-file contract, then
//! joins them into one program: each module becomes a function of a module table, its text
//! starting on a line of its own and never split or joined with another's, so a line of the
//! program maps back to (module, line) through [`BundleLines`], and through the module's
//! source map, when it has one, to the author's `.ts` line and column. A small loader after the
//! table implements `require` with Node's CommonJS rules: one instance per run, cached
//! before it runs, so that a cycle sees the partial `exports` of a module in progress.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::abi::{validate_abi, Abi};
use crate::column_map::ColumnMap;
use crate::contract::{check_abi_against, check_class, metered_columns, parse_source, shape, CompiledContract};
use crate::meter::{self, MeterCosts};
use crate::source_map::SourceMap;
use crate::{CompileError, MAX_CODE_BYTES};

/// The bundle format version this VM reads and `jsvm pack` writes.
pub const BUNDLE_VERSION: u32 = 1;
/// Most modules a bundle may hold.
pub const MAX_MODULES: usize = 1024;

/// A packed contract project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Format version: [`BUNDLE_VERSION`].
    pub jsvm_bundle: u32,
    /// The id of the module whose exports are the contract class.
    pub entry: String,
    /// The ABI, in a bundle file; left out of the code that is deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abi: Option<serde_json::Value>,
    /// Module id (a path relative to the project, `/`-separated) → module.
    pub modules: BTreeMap<String, BundleModule>,
}

/// One CommonJS module of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleModule {
    /// The module's CommonJS source (ES module syntax converted, TypeScript compiled).
    pub source: String,
    /// Each `require` request of the source → the id of the module it names.
    #[serde(default)]
    pub deps: BTreeMap<String, String>,
    /// For a module compiled from TypeScript: the source map `mappings` (see [`SourceMap`])
    /// from `source` back to the author's file, so that errors name its lines and columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<String>,
}

impl Bundle {
    /// The bundle as deployed code: compact JSON without the ABI. Deterministic (fields in
    /// a fixed order, maps sorted).
    pub fn code(&self) -> String {
        let mut code = self.clone();
        code.abi = None;
        serde_json::to_string(&code).unwrap_or_default()
    }

    /// The bundle file: pretty JSON, ABI included.
    pub fn file_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// `Some` when `code` is a bundle (a JSON object with a `jsvm_bundle` field; no script can
/// start that way), with the parsed bundle or why it is malformed.
pub fn parse_bundle(code: &str) -> Option<Result<Bundle, CompileError>> {
    let trimmed = code.trim_start();
    if !trimmed.starts_with('{') || !trimmed.contains("\"jsvm_bundle\"") {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(trimmed).ok()?;
    value.get("jsvm_bundle")?;
    Some(
        serde_json::from_value::<Bundle>(value)
            .map_err(|e| CompileError::Bundle(format!("malformed bundle: {e}")))
            .and_then(|b| check_bundle(&b).map(|()| b)),
    )
}

fn check_bundle(b: &Bundle) -> Result<(), CompileError> {
    let bad = |m: String| Err(CompileError::Bundle(m));
    if b.jsvm_bundle != BUNDLE_VERSION {
        return bad(format!("bundle format {} is not supported (this VM reads {BUNDLE_VERSION})", b.jsvm_bundle));
    }
    if b.modules.is_empty() || b.modules.len() > MAX_MODULES {
        return bad(format!("a bundle holds 1 to {MAX_MODULES} modules, this one {}", b.modules.len()));
    }
    if !b.modules.contains_key(&b.entry) {
        return bad(format!("the entry module {} is not in the bundle", b.entry));
    }
    for (id, module) in &b.modules {
        if id.is_empty() || id.contains(['\n', '\r', '\u{2028}', '\u{2029}']) {
            return bad(format!("module id {id:?} is not a file path"));
        }
        for (request, target) in &module.deps {
            if request == "__proto__" {
                return bad(format!("{id}: require('__proto__') is not supported"));
            }
            if !b.modules.contains_key(target) {
                return bad(format!("{id}: require('{request}') names module {target}, which is not in the bundle"));
            }
        }
        if let Some(map) = &module.map {
            if let Err(e) = SourceMap::parse(map) {
                return bad(format!("{id}: malformed source map: {e}"));
            }
        }
    }
    Ok(())
}

/// Text before the first module: one line, like the single-file wrapper.
const BUNDLE_PREFIX: &str = concat!(meter::wrapper_head!(), "var __jsvm_f = [");
/// Text that opens each module's function, on the line of the module's first line.
const MODULE_OPEN: &str = "function (module, exports, require, __filename, __dirname) {";
/// The loader: run by the prelude as the contract's module function. `module` is the
/// entry's module object; `require` the built-in one (storage, blockchain).
const LOADER: &str = concat!(
    r#"return [function (module, exports, require) {
var cache = [];
function load(i) {
  if (cache[i] !== undefined) return cache[i].exports;
  var m = { exports: {} };
  m.id = __jsvm_ids[i]; m.filename = __jsvm_ids[i]; m.loaded = false;
  cache[i] = m;
  var deps = __jsvm_deps[i];
  var req = function (id) {
    if (typeof id === "string" && __jsvm_apply(__jsvm_own, deps, [id])) return load(deps[id]);
    if (id === "storage" || id === "blockchain") return require(id);
    throw new Error("Cannot find module '" + (typeof id === "string" ? id : typeof id) + "' required from " + __jsvm_ids[i] + ": it is not in the bundle");
  };
  var done = false;
  var slash = m.id.lastIndexOf("/");
  try { __jsvm_apply(__jsvm_f[i], m.exports, [m, m.exports, req, m.id, slash < 0 ? "." : m.id.slice(0, slash)]); done = true; }
  finally { if (!done) cache[i] = undefined; }
  m.loaded = true;
  return m.exports;
}
var e = load(__jsvm_entry);
module.exports = e !== null && (typeof e === "object" || typeof e === "function") && e.__esModule === true ? e.default : e;
}"#,
    meter::wrapper_tail!()
);

/// The bundle's modules as the engine would compile them, each in its module function,
/// with no charges and no loader (see [`crate::unmetered_program`]).
pub(crate) fn unmetered_modules(bundle: &Bundle) -> String {
    let mut program = String::from(BUNDLE_PREFIX);
    for module in bundle.modules.values() {
        program.push('\n');
        program.push_str(MODULE_OPEN);
        program.push_str(&module.source);
        program.push_str("\n},");
    }
    program.push_str("]; })");
    program
}

/// Where each module's lines are in a compiled bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleLines {
    /// The modules, in program order.
    modules: Vec<ModuleLines>,
    /// Characters before a module's first line on its first program line.
    first_line_shift: u32,
}

/// Where one module is in a compiled bundle, and how its positions lead to the author's.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ModuleLines {
    /// Its first program line, and how many lines it has.
    start: u32,
    count: u32,
    id: String,
    /// Its source map back to the author's file (a module compiled from TypeScript).
    map: Option<SourceMap>,
    /// Where its metered columns came from (`None` if it no longer compiles).
    columns: Option<ColumnMap>,
}

impl BundleLines {
    /// The module and the author's 1-based line and column in its file for a 1-based
    /// program position.
    pub fn locate(&self, line: u32, column: u32) -> Option<(&str, u32, u32)> {
        let m = self.modules.iter().find(|m| line >= m.start && line < m.start + m.count)?;
        let line = line - m.start + 1;
        // The module's own column: before the meter's splices (whose map counts the module
        // function's head on the first line), and else after that head.
        let column = match m.columns.as_ref().and_then(|c| c.original(line, column)) {
            Some((_, column)) => column,
            None if line == 1 => column.saturating_sub(self.first_line_shift).max(1),
            None => column,
        };
        let (line, column) = author_position(m.map.as_ref(), line, column);
        Some((&m.id, line, column))
    }
}

/// A 1-based position in a module's source as a position in the author's file.
fn author_position(map: Option<&SourceMap>, line: u32, column: u32) -> (u32, u32) {
    map.and_then(|m| m.original(line, column)).unwrap_or((line, column))
}

/// `e` with its position in a module's source moved to the author's file.
fn at_author(mut e: CompileError, map: Option<&SourceMap>) -> CompileError {
    if let (Some(map), Some((line, column))) = (map, e.position_mut()) {
        (*line, *column) = author_position(Some(map), *line, *column);
    }
    e
}

/// Lines as the engine counts them.
fn line_count(text: &str) -> u32 {
    u32::try_from(text.matches('\n').count()).unwrap_or(u32::MAX).saturating_add(1)
}

fn line_table(b: &Bundle, costs: &MeterCosts) -> BundleLines {
    let mut modules = Vec::with_capacity(b.modules.len());
    // Line 1 is the prefix; the first module opens on line 2.
    let mut line = 2u32;
    for (id, module) in &b.modules {
        let count = line_count(&module.source);
        // check_bundle has read every map: `ok()` only drops what it refused.
        let map = module.map.as_deref().and_then(|m| SourceMap::parse(m).ok());
        let columns = metered_columns(&module.source, MODULE_OPEN, costs);
        modules.push(ModuleLines { start: line, count, id: id.clone(), map, columns });
        // The module's last line is followed by "\n}," and the next module opens on the
        // following line.
        line = line.saturating_add(count).saturating_add(1);
    }
    let first_line_shift = u32::try_from(MODULE_OPEN.chars().count()).unwrap_or(0);
    BundleLines { modules, first_line_shift }
}

/// A JSON value as JavaScript text: also escapes the two line separators JSON allows raw.
fn js_text(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default().replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029")
}

pub(crate) fn compile_bundle(
    code: &str,
    bundle: Bundle,
    abi: &Abi,
    costs: &MeterCosts,
) -> Result<CompiledContract, CompileError> {
    if code.len() > MAX_CODE_BYTES {
        let mut sizes: Vec<(usize, &str)> =
            bundle.modules.iter().map(|(id, m)| (m.source.len(), id.as_str())).collect();
        sizes.sort_by(|a, b| b.cmp(a));
        let largest: Vec<String> = sizes.iter().take(3).map(|(n, id)| format!("{id} {n} bytes")).collect();
        return Err(CompileError::Bundle(format!(
            "the bundle's code is {} bytes, more than the limit of {MAX_CODE_BYTES} bytes (largest modules: {})",
            code.len(),
            largest.join(", ")
        )));
    }
    let index: BTreeMap<&str, usize> = bundle.modules.keys().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    let mut prepared = String::with_capacity(code.len() * 2);
    prepared.push_str(BUNDLE_PREFIX);
    prepared.push('\n');
    let mut contract = None;
    for (n, (id, module)) in bundle.modules.iter().enumerate() {
        let map = module.map.as_deref().and_then(|m| SourceMap::parse(m).ok());
        let outline = parse_source(&module.source, id, costs).map_err(|e| at_author(e, map.as_ref()))?;
        if outline.hashbang {
            return Err(shape(format!("{id}: a module must not start with a '#!' line")));
        }
        if *id == bundle.entry {
            let class_name =
                outline.exported.clone().or_else(|| outline.exported_default.clone()).ok_or_else(|| {
                    shape(format!(
                        "{id}: the entry's last statement must be 'module.exports = CLASS;' \
                     (or 'export default class CLASS' in an ES module)"
                    ))
                })?;
            let class = outline
                .classes
                .iter()
                .position(|class| class.name == class_name)
                .ok_or_else(|| shape(format!("{id}: exported class {class_name} is not declared at top level")))?;
            contract = Some((class_name, outline.classes.into_iter().nth(class)));
        }
        if n > 0 {
            prepared.push_str("},\n");
        }
        prepared.push_str(MODULE_OPEN);
        prepared.push_str(&meter::apply(&module.source, outline.gas, &outline.gas_texts));
        prepared.push('\n');
    }
    let (class_name, class) = contract.ok_or_else(|| CompileError::Internal("entry module not compiled".into()))?;
    let methods = check_class(class.ok_or_else(|| CompileError::Internal("entry class lost".into()))?)?;
    validate_abi(abi)?;
    check_abi_against(abi, &methods)?;
    let ids: Vec<&str> = bundle.modules.keys().map(String::as_str).collect();
    let deps: Vec<BTreeMap<&str, usize>> = bundle
        .modules
        .values()
        .map(|m| m.deps.iter().map(|(request, target)| (request.as_str(), index[target.as_str()])).collect())
        .collect();
    prepared.push_str(&format!(
        "}}]; var __jsvm_ids = {}, __jsvm_deps = {}, __jsvm_entry = {}, __jsvm_apply = Reflect.apply, \
         __jsvm_own = Object.prototype.hasOwnProperty;\n",
        js_text(&ids),
        js_text(&deps),
        index[bundle.entry.as_str()]
    ));
    prepared.push_str(LOADER);
    Ok(CompiledContract { source: code.to_string(), prepared, class_name, methods, abi: abi.clone() })
}

/// The line table of a deployed bundle's prepared code (metered with `costs`), or `None` for
/// a single-file contract.
pub fn bundle_lines(code: &str, costs: &MeterCosts) -> Option<BundleLines> {
    let bundle = parse_bundle(code)?.ok()?;
    Some(line_table(&bundle, costs))
}

/// Rewrites every `FILENAME:LINE[:COLUMN]` in `text` (positions in a compiled bundle, as the
/// engine prints them) to the module's own file, line and column.
pub fn map_positions(text: &str, filename: &str, lines: &BundleLines) -> String {
    rewrite_positions(text, filename, |line, column| lines.locate(line, column))
}

/// Rewrites every `FILENAME:LINE[:COLUMN]` in `text` to the file, line and column `locate`
/// gives for the line and column (1 when there is none); a position `locate` has no place
/// for is `<require>`'s (a bundle's loader).
pub fn rewrite_positions<'a>(
    text: &str,
    filename: &str,
    locate: impl Fn(u32, u32) -> Option<(&'a str, u32, u32)>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(filename) {
        out.push_str(&rest[..at]);
        let after = &rest[at + filename.len()..];
        let (line, used_line) = number_after_colon(after);
        let (column, used_col) = line.map_or((None, 0), |_| number_after_colon(&after[used_line..]));
        match line.and_then(|l| locate(l, column.unwrap_or(1))) {
            Some((id, l, c)) => {
                out.push_str(id);
                out.push_str(&format!(":{l}"));
                if column.is_some() {
                    out.push_str(&format!(":{c}"));
                }
                rest = &after[used_line + used_col..];
            }
            // A position outside every module is the loader's: `require` itself.
            None if line.is_some() => {
                out.push_str("<require>");
                rest = &after[used_line + used_col..];
            }
            None => {
                out.push_str(filename);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `:N` at the start of `s`: the number and the bytes it took.
fn number_after_colon(s: &str) -> (Option<u32>, usize) {
    let Some(digits) = s.strip_prefix(':') else { return (None, 0) };
    let len = digits.bytes().take_while(u8::is_ascii_digit).count();
    match digits[..len].parse() {
        Ok(n) if len > 0 => (Some(n), len + 1),
        _ => (None, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(start: u32, count: u32, id: &str, map: Option<SourceMap>) -> ModuleLines {
        ModuleLines { start, count, id: id.into(), map, columns: None }
    }

    #[test]
    fn maps_program_lines_back_to_modules() {
        let lines = BundleLines {
            modules: vec![module(2, 3, "a.js", None), module(6, 2, "lib/b.js", None)],
            first_line_shift: 10,
        };
        assert_eq!(lines.locate(2, 15), Some(("a.js", 1, 5)));
        assert_eq!(lines.locate(4, 7), Some(("a.js", 3, 7)));
        assert_eq!(lines.locate(7, 3), Some(("lib/b.js", 2, 3)));
        assert_eq!(lines.locate(5, 1), None);
        let text = "Error: x\n    at f (C.js:7:3)\n    at g (C.js:99:1)\n    at C.js:3";
        assert_eq!(
            map_positions(text, "C.js", &lines),
            "Error: x\n    at f (lib/b.js:2:3)\n    at g (<require>)\n    at a.js:2"
        );
    }

    #[test]
    fn a_module_map_leads_to_the_authors_lines_and_columns() {
        let map = SourceMap::from_pairs([((0, 0), (4, 2)), ((1, 4), (9, 6))]);
        let lines = BundleLines { modules: vec![module(2, 2, "a.ts", Some(map))], first_line_shift: 10 };
        assert_eq!(lines.locate(2, 11), Some(("a.ts", 5, 3)));
        assert_eq!(lines.locate(3, 9), Some(("a.ts", 10, 7)));
        assert_eq!(map_positions("at f (C.js:3:9)", "C.js", &lines), "at f (a.ts:10:7)");
    }

    #[test]
    fn a_malformed_map_is_refused() {
        let code = r#"{"jsvm_bundle":1,"entry":"a.ts","modules":{"a.ts":{"source":"x","deps":{},"map":"A!"}}}"#;
        let refused = parse_bundle(code).map(|r| r.map_err(|e| e.to_string()));
        assert_eq!(refused, Some(Err("a.ts: malformed source map: '!' is not base64".into())));
    }
}
