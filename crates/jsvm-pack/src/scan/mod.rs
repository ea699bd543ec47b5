//! The pack's only use of oxc: one project file in, its CommonJS text and what the pack
//! needs to know about it out ([`Scanned`]). No oxc type leaves this module.
//!
//! - JavaScript is rewritten in place, keeping every line break where it is, so a line of
//!   the output is the same line of the author's file: ES module syntax becomes CommonJS
//!   (`esm`), `process.env.NODE_ENV` becomes `"production"`, and what the pack cannot
//!   follow (dynamic `require`, `import()`, `import.meta`) is refused.
//! - TypeScript is first compiled to JavaScript as `tsc` emits it (`typescript`), then
//!   scanned as JavaScript; the source map of that compile, carried through the rewrite
//!   (`mapping`), goes into the bundle so that errors name the `.ts` file's positions.
//! - For a generated ABI, the top-level classes and their parameter types (`outline`).

mod esm;
mod mapping;
mod outline;
mod script;
mod typescript;

use std::collections::{BTreeMap, BTreeSet};
use std::thread;

use oxc::allocator::Allocator;
use oxc::ast::ast::{Argument, Class, ClassElement, Expression, FormalParameter, Program, Statement};
use oxc::ast_visit::{walk, Visit};
use oxc::parser::{ParseOptions, Parser};
use oxc::span::{GetSpan, SourceType, Span};
use oxc::syntax::scope::ScopeFlags;

use outline::ScannedClass;

/// What a project file becomes.
#[derive(Debug, Default)]
pub(crate) struct Scanned {
    /// CommonJS text: for JavaScript, lines as in the file.
    pub source: String,
    /// For TypeScript: the source map `mappings` from `source` to the `.ts` file.
    pub map: Option<String>,
    /// Each `require`/`import` request with the byte offset where it is written.
    pub requests: Vec<(String, u32)>,
    /// The requests written only inside `try` blocks (`try { B = require("buffer"); } catch
    /// (e) {}`): the file is ready for them to fail, so one that cannot be resolved is left
    /// out of the bundle (its `require` throws when it runs) instead of refused.
    pub optional: BTreeSet<String>,
    /// Top-level classes, for a generated ABI.
    pub classes: Vec<ScannedClass>,
    /// The class the file exports: `module.exports = X;` or `export default class X`.
    pub exported_class: Option<String>,
}

/// Why a file cannot be packed: a message at a byte offset.
#[derive(Debug)]
pub(crate) struct ScanError {
    pub offset: u32,
    pub message: String,
}

fn err(offset: u32, message: impl Into<String>) -> ScanError {
    ScanError { offset, message: message.into() }
}

/// Same stack rule as the contract parser (see jsvm-compiler's `parse.rs`): oxc recurses once
/// per nesting level, and each level takes at least one byte of source.
const STACK_PER_BYTE: usize = 2 * 1024;
const BASE_STACK: usize = 8 * 1024 * 1024;

/// Scans one file; `typescript` for `.ts` files. Offsets (requests, errors, methods) are
/// in `source`.
pub(crate) fn scan(source: &str, typescript: bool) -> Result<Scanned, ScanError> {
    on_parser_thread(source, typescript, || if typescript { scan_typescript(source) } else { scan_javascript(source) })
}

/// A standalone script checked (JavaScript) or compiled (TypeScript), see [`script`].
pub(crate) fn script(source: &str, typescript: bool) -> Result<script::Script, ScanError> {
    on_parser_thread(source, typescript, || script::script(source, typescript))
}

/// Runs `work` on a thread with stack enough to parse `source`.
fn on_parser_thread<T: Send>(
    source: &str,
    typescript: bool,
    work: impl FnOnce() -> Result<T, ScanError> + Send,
) -> Result<T, ScanError> {
    // Compiled TypeScript nests no deeper than its source plus a few levels (a namespace's
    // or an enum's function); a budget for twice the bytes covers both passes.
    let bytes = if typescript { source.len().saturating_mul(2) } else { source.len() };
    let stack = BASE_STACK.saturating_add(bytes.saturating_mul(STACK_PER_BYTE));
    thread::scope(|scope| {
        thread::Builder::new()
            .name("jsvm-pack-scan".into())
            .stack_size(stack)
            .spawn_scoped(scope, work)
            .map_err(|e| err(0, format!("cannot start the parser thread: {e}")))?
            .join()
            .map_err(|_| err(0, "the parser failed unexpectedly"))?
    })
}

/// TypeScript: compiled to JavaScript, which is scanned; positions are carried back to the
/// `.ts` file, and the classes (with their parameter types) are read from the TypeScript.
fn scan_typescript(source: &str) -> Result<Scanned, ScanError> {
    let compiled = typescript::compile(source)?;
    let positions = mapping::Positions::new(source, &compiled.js, &compiled.pairs);
    let (scanned, edits) = scan_text(&compiled.js).map_err(|e| err(positions.to_source(e.offset), e.message))?;
    let requests = scanned.requests.into_iter().map(|(request, at)| (request, positions.to_source(at))).collect();
    let map = positions.through_edits(&scanned.source, &edits);
    Ok(Scanned { map: Some(map), requests, classes: compiled.classes, ..scanned })
}

fn scan_javascript(source: &str) -> Result<Scanned, ScanError> {
    scan_text(source).map(|(scanned, _)| scanned)
}

/// Scans JavaScript text; also returns the edits made to it, in order, for a source map.
fn scan_text(source: &str) -> Result<(Scanned, Vec<Edit>), ScanError> {
    let allocator = Allocator::default();
    let options = ParseOptions { parse_regular_expression: true, ..ParseOptions::default() };
    let parsed = Parser::new(&allocator, source, SourceType::unambiguous()).with_options(options).parse();
    if let Some(error) = parsed.diagnostics.errors().next() {
        return Err(err(error_offset(error), format!("syntax error: {}", error.message)));
    }
    if let Some(span) = parsed.module_record.import_metas.first() {
        return Err(err(span.start, "import.meta is not supported"));
    }
    let program = &parsed.program;
    let mut s = Scanner::new(source);
    s.program(program)?;
    if let Some(e) = s.error.take() {
        return Err(e);
    }
    Ok(s.finish(program))
}

/// Where a diagnostic points: its primary label, else its first.
fn error_offset(error: &oxc::diagnostics::OxcDiagnostic) -> u32 {
    let label = error.labels.iter().find(|l| l.primary()).or_else(|| error.labels.first());
    label.map_or(0, |l| l.offset())
}

/// `start..end` of the input replaced with `text`.
struct Edit {
    start: u32,
    end: u32,
    text: String,
}

struct Scanner<'s> {
    src: &'s str,
    edits: Vec<Edit>,
    requests: Vec<(String, u32)>,
    /// How many `try` blocks enclose the code being visited.
    try_depth: u32,
    /// Requests written inside a `try` block, and outside any.
    in_try: BTreeSet<String>,
    outside_try: BTreeSet<String>,
    error: Option<ScanError>,
    esm: bool,
    /// ES module header parts, in order: imports, local export getters, re-exports.
    imports: Vec<String>,
    getters: Vec<String>,
    stars: Vec<String>,
    /// Text appended after the file on a line of its own.
    tail: Option<String>,
    default_class: Option<String>,
    temps: usize,
    /// Imported bindings, in order: local name → the expression that reads it.
    bindings: Vec<(String, String)>,
    /// Names bound more than once in the file (an import shadowed somewhere): such imports
    /// are copied into a constant rather than rewritten at each use.
    rebound: BTreeSet<String>,
    /// Local exports: (exported name, local name), resolved when the header is written.
    local_exports: Vec<(String, String)>,
    /// Whether the file declares its own `process`.
    process_bound: bool,
}

fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default().replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029")
}

impl<'s> Scanner<'s> {
    fn new(src: &'s str) -> Self {
        Scanner {
            src,
            edits: Vec::new(),
            requests: Vec::new(),
            try_depth: 0,
            in_try: BTreeSet::new(),
            outside_try: BTreeSet::new(),
            error: None,
            esm: false,
            imports: Vec::new(),
            getters: Vec::new(),
            stars: Vec::new(),
            tail: None,
            default_class: None,
            temps: 0,
            bindings: Vec::new(),
            rebound: BTreeSet::new(),
            local_exports: Vec::new(),
            process_bound: false,
        }
    }

    fn refuse(&mut self, offset: u32, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(err(offset, message));
        }
    }

    fn replace(&mut self, start: u32, end: u32, text: impl Into<String>) {
        self.edits.push(Edit { start, end, text: text.into() });
    }

    /// Replaces `start..end` with spaces, keeping its line breaks and its length in bytes
    /// (a multi-byte character becomes as many spaces).
    fn blank(&mut self, start: u32, end: u32) {
        let mut text = String::with_capacity((end - start) as usize);
        for c in self.src[start as usize..end as usize].chars() {
            if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}') {
                text.push(c);
            } else {
                text.extend(std::iter::repeat_n(' ', c.len_utf8()));
            }
        }
        self.replace(start, end, text);
    }

    fn temp(&mut self) -> String {
        self.temps += 1;
        format!("$jsvm$m{}", self.temps)
    }

    fn request(&mut self, value: &str, span: Span) {
        self.requests.push((value.to_string(), span.start));
        let seen = if self.try_depth > 0 { &mut self.in_try } else { &mut self.outside_try };
        seen.insert(value.to_string());
    }

    /// The expression that reads imported binding `name` where it is used, when uses are
    /// rewritten (live bindings, as in ES modules).
    fn live(&self, name: &str) -> Option<&str> {
        if self.rebound.contains(name) {
            return None;
        }
        self.bindings.iter().find(|(local, _)| local == name).map(|(_, value)| value.as_str())
    }

    fn program(&mut self, program: &Program) -> Result<(), ScanError> {
        if let Some(h) = &program.hashbang {
            return Err(err(h.span.start, "a '#!' line is not allowed in a contract file"));
        }
        let mut counter = BindingCounter::default();
        counter.visit_program(program);
        self.process_bound = counter.counts.contains_key("process");
        self.rebound = counter.counts.into_iter().filter(|(_, n)| *n > 1).map(|(name, _)| name).collect();
        // Imports first (they are hoisted), so that uses anywhere in the file see them.
        for statement in &program.body {
            if matches!(statement, Statement::ImportDeclaration(_)) {
                self.top_statement(statement);
            }
        }
        for statement in &program.body {
            if !matches!(statement, Statement::ImportDeclaration(_)) {
                self.top_statement(statement);
            }
        }
        Ok(())
    }

    fn class(&mut self, c: &Class) {
        if let Some(d) = c.decorators.first() {
            self.refuse(d.span.start, "decorators are not supported");
            return;
        }
        if let Some(h) = &c.heritage {
            self.visit_expression(&h.expression);
        }
        for element in &c.body.body {
            self.class_element(element);
        }
    }

    fn class_element(&mut self, element: &ClassElement) {
        match element {
            ClassElement::MethodDefinition(m) => {
                if let Some(d) = m.decorators.first() {
                    return self.refuse(d.span.start, "decorators are not supported");
                }
                if m.computed {
                    self.visit_property_key(&m.key);
                }
                self.visit_function(&m.value, ScopeFlags::Function);
            }
            ClassElement::PropertyDefinition(p) => {
                if let Some(d) = p.decorators.first() {
                    return self.refuse(d.span.start, "decorators are not supported");
                }
                if p.computed {
                    self.visit_property_key(&p.key);
                }
                if let Some(v) = &p.value {
                    self.visit_expression(v);
                }
            }
            other => walk::walk_class_element(self, other),
        }
    }

    /// The rewritten text and what was found, and the edits applied, in order.
    fn finish(mut self, program: &Program) -> (Scanned, Vec<Edit>) {
        let mut header = String::new();
        if self.esm {
            header.push_str("\"use strict\";Object.defineProperty(exports, \"__esModule\", { value: true });");
            for part in &self.imports {
                header.push_str(part);
            }
            for (local, value) in &self.bindings {
                if self.rebound.contains(local) {
                    header.push_str(&format!("const {local} = {value};"));
                }
            }
            for (exported, local) in &self.local_exports {
                let value = self.live(local).unwrap_or(local.as_str());
                header.push_str(&esm::getter(exported, value));
            }
            for part in self.getters.iter().chain(&self.stars) {
                header.push_str(part);
            }
            self.edits.push(Edit { start: 0, end: 0, text: header });
        }
        self.edits.sort_by_key(|e| (e.start, e.end));
        let mut out = String::with_capacity(self.src.len() + 256);
        let mut at = 0usize;
        let mut applied = Vec::with_capacity(self.edits.len());
        for e in std::mem::take(&mut self.edits) {
            if (e.start as usize) < at {
                continue; // inside an edit already applied (a blanked statement)
            }
            out.push_str(&self.src[at..e.start as usize]);
            out.push_str(&e.text);
            at = e.end as usize;
            applied.push(e);
        }
        out.push_str(&self.src[at..]);
        if let Some(tail) = &self.tail {
            out.push('\n');
            out.push_str(tail);
        }
        let exported_class =
            self.default_class.clone().or_else(|| program.body.last().and_then(outline::module_exports_name));
        let classes = outline::top_level_classes(program, self.src);
        let optional = self.in_try.difference(&self.outside_try).cloned().collect();
        (Scanned { source: out, map: None, requests: self.requests, optional, classes, exported_class }, applied)
    }
}

impl<'a> Visit<'a> for Scanner<'_> {
    fn visit_try_statement(&mut self, it: &oxc::ast::ast::TryStatement<'a>) {
        self.try_depth += 1;
        self.visit_block_statement(&it.block);
        self.try_depth -= 1;
        if let Some(handler) = &it.handler {
            self.visit_catch_clause(handler);
        }
        if let Some(finalizer) = &it.finalizer {
            self.visit_block_statement(finalizer);
        }
    }

    fn visit_statement(&mut self, it: &Statement<'a>) {
        match it {
            Statement::ClassDeclaration(c) => self.class(c),
            _ if it.is_module_declaration() => {
                self.refuse(it.span().start, "import and export are only allowed at the top level")
            }
            other => walk::walk_statement(self, other),
        }
    }

    fn visit_class(&mut self, it: &Class<'a>) {
        self.class(it);
    }

    fn visit_formal_parameter(&mut self, it: &FormalParameter<'a>) {
        if let Some(d) = it.decorators.first() {
            return self.refuse(d.span.start, "decorators are not supported");
        }
        walk::walk_formal_parameter(self, it);
    }

    fn visit_call_expression(&mut self, it: &oxc::ast::ast::CallExpression<'a>) {
        if let Expression::Identifier(callee) = &it.callee {
            if callee.name == "require" {
                match (it.arguments.len(), it.arguments.first()) {
                    (1, Some(Argument::StringLiteral(s))) => self.request(&s.value, s.span),
                    (1, Some(Argument::TemplateLiteral(t))) if t.expressions.is_empty() => {
                        match t.quasis.first().and_then(|q| q.value.cooked.as_ref()) {
                            Some(text) => {
                                let text = text.to_string();
                                self.request(&text, t.span)
                            }
                            None => self.refuse(it.span.start, "require() needs a string literal"),
                        }
                    }
                    _ => self.refuse(
                        it.span.start,
                        "dynamic require(expr) is not supported: the pack must see every module, \
                         so require takes one string literal",
                    ),
                }
            }
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_identifier_reference(&mut self, it: &oxc::ast::ast::IdentifierReference<'a>) {
        if let Some(value) = self.live(&it.name).map(str::to_string) {
            self.replace(it.span.start, it.span.end, value);
        }
    }

    fn visit_static_member_expression(&mut self, it: &oxc::ast::ast::StaticMemberExpression<'a>) {
        // `process.env.NODE_ENV`, which packages test to drop development code, is the
        // literal "production" (there is no `process` in a contract), as bundlers do.
        if it.property.name == "NODE_ENV" && !self.process_bound {
            if let Expression::StaticMemberExpression(env) = &it.object {
                if let Expression::Identifier(process) = &env.object {
                    if env.property.name == "env" && process.name == "process" {
                        self.replace(it.span.start, it.span.end, "\"production\"");
                        return;
                    }
                }
            }
        }
        walk::walk_static_member_expression(self, it);
    }

    fn visit_object_property(&mut self, it: &oxc::ast::ast::ObjectProperty<'a>) {
        if let (true, Expression::Identifier(id)) = (it.shorthand, &it.value) {
            if let Some(value) = self.live(&id.name).map(str::to_string) {
                let text = format!("{}: {value}", id.name);
                self.replace(id.span.start, id.span.end, text);
                return;
            }
        }
        walk::walk_object_property(self, it);
    }

    fn visit_import_expression(&mut self, it: &oxc::ast::ast::ImportExpression<'a>) {
        self.refuse(it.span.start, "dynamic import() is not supported: use a static import or require('…')");
    }
}

/// How many times each name is bound in a file (declarations, parameters, imports, …).
#[derive(Default)]
struct BindingCounter {
    counts: BTreeMap<String, usize>,
}

impl<'a> Visit<'a> for BindingCounter {
    fn visit_binding_identifier(&mut self, it: &oxc::ast::ast::BindingIdentifier<'a>) {
        *self.counts.entry(it.name.to_string()).or_default() += 1;
    }
}

/// A `.json` file's text as a CommonJS module: one line.
pub(crate) fn json_module(text: &str) -> String {
    format!("module.exports = JSON.parse({});", js_string(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typescript_positions_lead_back_to_the_ts_file() {
        // The enum takes five lines of JavaScript; the call stays line 3 of the .ts file, and
        // requests point at their strings.
        let ts = "import { a } from './a';\nenum E { X }\nconst v: number = a(E.X);\nrequire('./b');\n";
        let s = scan(ts, true).unwrap();
        assert_eq!(s.requests, vec![("./a".to_string(), 18), ("./b".to_string(), 72)]);
        let map = jsvm_compiler::SourceMap::parse(s.map.as_deref().unwrap()).unwrap();
        let call = s.source.lines().position(|l| l.starts_with("const v")).unwrap() as u32 + 1;
        assert_eq!(map.original(call, 1), Some((3, 1)));
        let e = scan("let x: number = 1;\nimport.meta;\n", true).err().unwrap();
        assert_eq!((e.offset, e.message.as_str()), (19, "import.meta is not supported"));
    }

    #[test]
    fn node_env_is_production() {
        let js = "if (process.env.NODE_ENV !== 'production') x();\n";
        assert_eq!(scan(js, false).unwrap().source, "if (\"production\" !== 'production') x();\n");
        let own = "const process = { env: {} };\nprocess.env.NODE_ENV;\n";
        assert_eq!(scan(own, false).unwrap().source, own);
    }

    #[test]
    fn javascript_fields_named_like_modifiers_stay() {
        let js = "class A {\n  declare\n  foo() {}\n  static readonly = 1;\n}\nmodule.exports = A;\n";
        assert_eq!(scan(js, false).unwrap().source, js);
    }

    #[test]
    fn requests_and_jsdoc_are_collected() {
        let js = "const a = require('./a');\nconst b = require(`b`);\nclass C {\n  /**\n   * @param {string} x\n   * @param {Object} y\n   */\n  m(x, y) {}\n}\nmodule.exports = C;\n";
        let s = scan(js, false).unwrap();
        assert_eq!(s.requests, vec![("./a".to_string(), 18), ("b".to_string(), 44)]);
        assert_eq!(s.exported_class.as_deref(), Some("C"));
        let m = &s.classes[0].methods[0];
        let doc: Vec<_> = m.doc.params.iter().map(|d| (d.name.as_str(), d.ty, d.optional)).collect();
        assert_eq!(doc, vec![("x", "string", false), ("y", "json", false)]);
    }

    #[test]
    fn requests_written_only_inside_try_blocks_are_optional() {
        let js = "let B;\ntry { B = require('buffer').Buffer; } catch (e) { require('c'); }\n\
                  try {} finally { require('f'); }\nconst y = require('y');\ntry { require('y'); } catch (e) {}\n";
        let s = scan(js, false).unwrap();
        assert_eq!(s.optional.into_iter().collect::<Vec<_>>(), vec!["buffer".to_string()]);
        assert_eq!(s.requests.len(), 5);
    }
}
