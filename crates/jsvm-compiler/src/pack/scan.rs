//! The pack's only use of oxc: one project file in, its CommonJS text and what the pack
//! needs to know about it out ([`Scanned`]). No oxc type leaves this file.
//!
//! Every rewrite keeps line breaks where they are, so a line of the output is the same
//! line of the author's file:
//! - TypeScript syntax is erased: replaced by spaces (type annotations, `interface`,
//!   `type`, `declare`, type arguments and parameters, `as`/`satisfies`, `!`, modifiers
//!   such as `private`). Syntax that has run-time meaning (`enum`, `namespace`, parameter
//!   properties, `import x = require()`, `export =`, decorators) is refused, as Node's
//!   type stripping refuses it.
//! - ES module syntax becomes CommonJS: imports turn into `require` calls and exports
//!   into getters on `exports`, all in one line put before the file's first line;
//!   `export default class X` ends the file with `exports.default = X;` on a line of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::thread;

use oxc::allocator::Allocator;
use oxc::ast::ast::{
    Argument, AssignmentOperator, AssignmentTarget, BindingPattern, Class, ClassElement, Declaration,
    ExportDefaultDeclarationKind, Expression, FormalParameter, Function, ImportDeclarationSpecifier,
    MethodDefinitionKind, MethodDefinitionType, ModuleExportName, Program, PropertyDefinitionType, PropertyKey,
    Statement, TSAsExpression, TSNonNullExpression, TSSatisfiesExpression, TSType, TSTypeAnnotation, TSTypeAssertion,
    TSTypeParameterDeclaration, TSTypeParameterInstantiation,
};
use oxc::ast_visit::{walk, Visit};
use oxc::parser::{ParseOptions, Parser};
use oxc::span::{GetSpan, SourceType, Span};
use oxc::syntax::scope::ScopeFlags;

/// What a project file becomes.
#[derive(Debug, Default)]
pub(crate) struct Scanned {
    /// CommonJS text, types erased, lines as in the file.
    pub source: String,
    /// Each `require`/`import` request with the byte offset where it is written.
    pub requests: Vec<(String, u32)>,
    /// Top-level classes, for a generated ABI.
    pub classes: Vec<ScannedClass>,
    /// The class the file exports: `module.exports = X;` or `export default class X`.
    pub exported_class: Option<String>,
}

#[derive(Debug)]
pub(crate) struct ScannedClass {
    pub name: String,
    pub methods: Vec<ScannedMethod>,
}

/// A public method: what a generated ABI needs.
#[derive(Debug)]
pub(crate) struct ScannedMethod {
    pub name: String,
    pub offset: u32,
    /// Each parameter's name (empty for a pattern) and ABI type from its TypeScript type.
    pub params: Vec<(String, Option<&'static str>)>,
    /// `@param {type} name` tags of the JSDoc comment right before the method, in order:
    /// (name, ABI type).
    pub doc: Vec<(String, &'static str)>,
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

/// Same stack rule as the contract parser (see `parse.rs`).
const STACK_PER_BYTE: usize = 2 * 1024;
const BASE_STACK: usize = 8 * 1024 * 1024;

/// Scans one file; `typescript` for `.ts` files.
pub(crate) fn scan(source: &str, typescript: bool) -> Result<Scanned, ScanError> {
    let stack = BASE_STACK.saturating_add(source.len().saturating_mul(STACK_PER_BYTE));
    thread::scope(|scope| {
        thread::Builder::new()
            .name("jsvm-pack-scan".into())
            .stack_size(stack)
            .spawn_scoped(scope, || scan_on_this_thread(source, typescript))
            .map_err(|e| err(0, format!("cannot start the parser thread: {e}")))?
            .join()
            .map_err(|_| err(0, "the parser failed unexpectedly"))?
    })
}

fn scan_on_this_thread(source: &str, typescript: bool) -> Result<Scanned, ScanError> {
    let allocator = Allocator::default();
    let source_type = if typescript { SourceType::ts() } else { SourceType::unambiguous() };
    let options = ParseOptions { parse_regular_expression: true, ..ParseOptions::default() };
    let parsed = Parser::new(&allocator, source, source_type).with_options(options).parse();
    if let Some(error) = parsed.diagnostics.errors().next() {
        let label = error.labels.iter().find(|l| l.primary()).or_else(|| error.labels.first());
        let offset = label.map_or(0, |l| l.offset());
        return Err(err(offset, format!("syntax error: {}", error.message)));
    }
    if let Some(span) = parsed.module_record.import_metas.first() {
        return Err(err(span.start, "import.meta is not supported"));
    }
    let program = &parsed.program;
    let mut s = Scanner::new(source, typescript);
    s.program(program)?;
    if let Some(e) = s.error.take() {
        return Err(e);
    }
    Ok(s.finish(program))
}

struct Edit {
    start: u32,
    end: u32,
    text: String,
}

struct Scanner<'s> {
    src: &'s str,
    typescript: bool,
    edits: Vec<Edit>,
    requests: Vec<(String, u32)>,
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

/// `(v && v.__esModule ? v.default : v)`: a default import with Node's interop.
fn interop_default(v: &str) -> String {
    format!("({v} && {v}.__esModule ? {v}.default : {v})")
}

/// A namespace import: an ES module's exports, or a CommonJS module's exports as `default`
/// beside its own properties.
fn interop_namespace(v: &str) -> String {
    format!("({v} && {v}.__esModule ? {v} : Object.assign({{ default: {v} }}, {v}))")
}

fn js_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default().replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029")
}

fn getter(name: &str, value: &str) -> String {
    format!(
        "Object.defineProperty(exports, {}, {{ enumerable: true, get: function () {{ return {value}; }} }});",
        js_string(name)
    )
}

fn export_name(name: &ModuleExportName) -> String {
    match name {
        ModuleExportName::IdentifierName(n) => n.name.to_string(),
        ModuleExportName::IdentifierReference(n) => n.name.to_string(),
        ModuleExportName::StringLiteral(s) => s.value.to_string(),
    }
}

/// The ABI type of a TypeScript parameter type.
fn abi_type_of_ts(t: &TSType) -> &'static str {
    match t {
        TSType::TSStringKeyword(_) => "string",
        TSType::TSBooleanKeyword(_) => "bool",
        TSType::TSNumberKeyword(_) | TSType::TSBigIntKeyword(_) => "number",
        _ => "json",
    }
}

/// The ABI type of a JSDoc type.
pub(crate) fn abi_type_of_doc(t: &str) -> &'static str {
    match t.trim() {
        "string" | "String" => "string",
        "boolean" | "Boolean" | "bool" => "bool",
        "number" | "Number" | "bigint" | "BigInt" | "int" | "integer" => "number",
        _ => "json",
    }
}

/// `@param {type} name` tags of a JSDoc comment.
fn doc_params(comment: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for part in comment.split("@param").skip(1) {
        let part = part.trim_start();
        let Some(rest) = part.strip_prefix('{') else { continue };
        let Some(close) = rest.find('}') else { continue };
        let ty = &rest[..close];
        let name: String = rest[close + 1..]
            .trim_start()
            .trim_start_matches('[')
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$' || *c == '.')
            .collect();
        if name.contains('.') {
            continue;
        }
        out.push((name, abi_type_of_doc(ty)));
    }
    out
}

const MODIFIERS: [&str; 7] = ["public", "private", "protected", "readonly", "override", "declare", "abstract"];
const KEPT_MODIFIERS: [&str; 5] = ["static", "async", "get", "set", "accessor"];

impl<'s> Scanner<'s> {
    fn new(src: &'s str, typescript: bool) -> Self {
        Scanner {
            src,
            typescript,
            edits: Vec::new(),
            requests: Vec::new(),
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

    /// An `export … from "m"` statement: blanked, and (unless it exports types only)
    /// its module required once into a new variable, whose name is returned.
    fn re_export_source(
        &mut self,
        statement: Span,
        type_only: bool,
        source: &str,
        source_span: Span,
    ) -> Option<String> {
        self.esm = true;
        self.blank(statement.start, statement.end);
        if type_only {
            return None;
        }
        self.request(source, source_span);
        let v = self.temp();
        self.imports.push(format!("var {v} = require({});", js_string(source)));
        Some(v)
    }

    fn request(&mut self, value: &str, span: Span) {
        self.requests.push((value.to_string(), span.start));
    }

    /// The byte offset of the next non-space character at or after `at`.
    fn skip_space(&self, mut at: usize) -> usize {
        let bytes = self.src.as_bytes();
        while at < bytes.len() && (bytes[at] as char).is_ascii_whitespace() {
            at += 1;
        }
        at
    }

    /// Blanks TypeScript modifiers (`private`, `readonly`, …) at the start of a class
    /// element or parameter; keeps JavaScript's (`static`, `async`, `get`, `set`).
    fn blank_modifiers(&mut self, start: u32) {
        if !self.typescript {
            return; // JavaScript has no such modifiers; a field may be named `declare`
        }
        let mut at = start as usize;
        loop {
            at = self.skip_space(at);
            let word: String = self.src[at..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            if word.is_empty() {
                return;
            }
            let after = self.skip_space(at + word.len());
            let next = self.src[after..].chars().next().unwrap_or(';');
            let is_modifier = !matches!(next, '(' | '=' | ';' | ':' | '<' | '?' | '!' | '}' | ',' | ')');
            if !is_modifier {
                return;
            }
            if MODIFIERS.contains(&word.as_str()) {
                self.blank(at as u32, (at + word.len()) as u32);
            } else if !KEPT_MODIFIERS.contains(&word.as_str()) {
                return;
            }
            at += word.len();
        }
    }

    /// Blanks a `?` or `!` written right after `end` (optional or definite markers).
    fn blank_marker_after(&mut self, end: u32) {
        let at = self.skip_space(end as usize);
        if matches!(self.src.as_bytes().get(at), Some(b'?') | Some(b'!')) {
            self.blank(at as u32, at as u32 + 1);
        }
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

    fn top_statement(&mut self, statement: &Statement) {
        match statement {
            Statement::ImportDeclaration(d) => {
                self.esm = true;
                self.blank(d.span.start, d.span.end);
                if d.import_kind.is_type() {
                    return;
                }
                let specifiers: Vec<_> = d
                    .specifiers
                    .iter()
                    .flatten()
                    .filter(|s| !matches!(s, ImportDeclarationSpecifier::ImportSpecifier(s) if s.import_kind.is_type()))
                    .collect();
                let all_types = d.specifiers.as_ref().is_some_and(|s| !s.is_empty()) && specifiers.is_empty();
                if all_types {
                    return;
                }
                self.request(&d.source.value, d.source.span);
                let source = js_string(&d.source.value);
                if specifiers.is_empty() {
                    self.imports.push(format!("require({source});"));
                    return;
                }
                let v = self.temp();
                self.imports.push(format!("var {v} = require({source});"));
                for s in specifiers {
                    let (local, value) = match s {
                        ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                            (s.local.name.to_string(), interop_default(&v))
                        }
                        ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                            // A namespace is an object: a constant binding is already live.
                            let local = s.local.name.to_string();
                            self.imports.push(format!("const {local} = {};", interop_namespace(&v)));
                            continue;
                        }
                        ImportDeclarationSpecifier::ImportSpecifier(s) => {
                            let imported = export_name(&s.imported);
                            let value = if imported == "default" {
                                interop_default(&v)
                            } else {
                                format!("(0, {v}[{}])", js_string(&imported))
                            };
                            (s.local.name.to_string(), value)
                        }
                    };
                    self.bindings.push((local, value));
                }
            }
            Statement::ExportDeclaration(d) => {
                self.esm = true;
                if self.is_type_only(&d.declaration) {
                    self.blank(d.span.start, d.span.end);
                    return;
                }
                self.blank(d.span.start, d.declaration.span().start);
                let names: Vec<String> = match &d.declaration {
                    Declaration::VariableDeclaration(v) => v
                        .declarations
                        .iter()
                        .flat_map(|d| d.id.get_binding_identifiers().into_iter().map(|b| b.name.to_string()))
                        .collect(),
                    Declaration::FunctionDeclaration(f) => f.id.iter().map(|i| i.name.to_string()).collect(),
                    Declaration::ClassDeclaration(c) => c.id.iter().map(|i| i.name.to_string()).collect(),
                    _ => Vec::new(),
                };
                for n in names {
                    self.getters.push(getter(&n, &n));
                }
                self.declaration(&d.declaration);
            }
            Statement::ExportNamedDeclaration(d) => {
                self.esm = true;
                self.blank(d.span.start, d.span.end);
                if d.export_kind.is_type() {
                    return;
                }
                for s in d.specifiers.iter().filter(|s| !s.export_kind.is_type()) {
                    self.local_exports.push((export_name(&s.exported), export_name(&s.local)));
                }
            }
            Statement::ExportFromDeclaration(d) => {
                let Some(v) = self.re_export_source(d.span, d.export_kind.is_type(), &d.source.value, d.source.span)
                else {
                    return;
                };
                for s in d.specifiers.iter().filter(|s| !s.export_kind.is_type()) {
                    let local = export_name(&s.local);
                    let value =
                        if local == "default" { interop_default(&v) } else { format!("{v}[{}]", js_string(&local)) };
                    self.getters.push(getter(&export_name(&s.exported), &value));
                }
            }
            Statement::ExportAllDeclaration(d) => {
                let Some(v) = self.re_export_source(d.span, d.export_kind.is_type(), &d.source.value, d.source.span)
                else {
                    return;
                };
                match &d.exported {
                    Some(name) => self.getters.push(getter(&export_name(name), &interop_namespace(&v))),
                    None => self.stars.push(format!(
                        "Object.keys({v}).forEach(function (k) {{ if (k !== \"default\" && k !== \"__esModule\" && \
                         !Object.prototype.hasOwnProperty.call(exports, k)) Object.defineProperty(exports, k, \
                         {{ enumerable: true, get: function () {{ return {v}[k]; }} }}); }});"
                    )),
                }
            }
            Statement::ExportDefaultDeclaration(d) => {
                self.esm = true;
                let start = d.span.start;
                match &d.declaration {
                    ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => self.blank(start, d.span.end),
                    ExportDefaultDeclarationKind::ClassDeclaration(c) if c.id.is_some() => {
                        let name = c.id.as_ref().map(|i| i.name.to_string()).unwrap_or_default();
                        self.blank(start, c.span.start);
                        self.tail = Some(format!("exports.default = {name};"));
                        self.default_class = Some(name);
                        self.class(c);
                    }
                    ExportDefaultDeclarationKind::FunctionDeclaration(f) if f.id.is_some() => {
                        let name = f.id.as_ref().map(|i| i.name.to_string()).unwrap_or_default();
                        self.blank(start, f.span.start);
                        self.getters.push(getter("default", &name));
                        self.visit_function(f, ScopeFlags::Function);
                    }
                    ExportDefaultDeclarationKind::ClassDeclaration(c) => {
                        self.replace(start, c.span.start, "exports.default = ");
                        self.class(c);
                    }
                    ExportDefaultDeclarationKind::FunctionDeclaration(f) => {
                        self.replace(start, f.span.start, "exports.default = ");
                        self.visit_function(f, ScopeFlags::Function);
                    }
                    other => {
                        let e = other.to_expression();
                        if let Expression::Identifier(id) = e {
                            self.default_class = Some(id.name.to_string());
                        }
                        self.replace(start, e.span().start, "exports.default = ");
                        self.visit_expression(e);
                    }
                }
            }
            Statement::TSExportAssignment(d) => {
                self.refuse(d.span.start, "'export =' is not supported: use 'export default' or 'module.exports ='")
            }
            Statement::TSNamespaceExportDeclaration(d) => self.blank(d.span.start, d.span.end),
            other => self.visit_statement(other),
        }
    }

    fn is_type_only(&self, d: &Declaration) -> bool {
        match d {
            Declaration::TSTypeAliasDeclaration(_) | Declaration::TSInterfaceDeclaration(_) => true,
            Declaration::VariableDeclaration(v) => v.declare,
            Declaration::FunctionDeclaration(f) => f.declare || f.body.is_none(),
            Declaration::ClassDeclaration(c) => c.declare,
            Declaration::TSGlobalDeclaration(_) => true,
            Declaration::TSNamespaceDeclaration(n) => n.declare,
            Declaration::TSExternalModuleDeclaration(n) => n.declare,
            Declaration::TSEnumDeclaration(e) => e.declare,
            Declaration::TSImportEqualsDeclaration(_) => false,
        }
    }

    /// A declaration (not type-only): refuse what cannot be erased, walk the rest.
    fn declaration(&mut self, d: &Declaration) {
        match d {
            Declaration::TSEnumDeclaration(e) => {
                self.refuse(e.span.start, "TypeScript 'enum' is not supported (it is not erasable): use a const object")
            }
            Declaration::TSNamespaceDeclaration(n) => {
                self.refuse(n.span.start, "TypeScript 'namespace' is not supported (it is not erasable): use a module")
            }
            Declaration::TSExternalModuleDeclaration(n) => {
                self.refuse(n.span.start, "TypeScript 'module' declarations are not supported")
            }
            Declaration::TSImportEqualsDeclaration(n) => self.refuse(
                n.span.start,
                "'import x = require()' is not supported: use 'import x from' or 'const x = require()'",
            ),
            Declaration::ClassDeclaration(c) => self.class(c),
            other => self.visit_declaration(other),
        }
    }

    fn class(&mut self, c: &Class) {
        if let Some(d) = c.decorators.first() {
            self.refuse(d.span.start, "decorators are not supported");
            return;
        }
        if c.r#abstract {
            let at = self.skip_space(c.span.start as usize);
            if self.src[at..].starts_with("abstract") {
                self.blank(at as u32, at as u32 + 8);
            }
        }
        if let (Some(first), Some(last)) = (c.implements.first(), c.implements.last()) {
            if let Some(k) = self.src[..first.span.start as usize].rfind("implements") {
                self.blank(k as u32, last.span.end);
            }
        }
        if let Some(t) = &c.type_parameters {
            self.visit_ts_type_parameter_declaration(t);
        }
        if let Some(h) = &c.heritage {
            self.visit_expression(&h.expression);
            if let Some(t) = &h.type_arguments {
                self.visit_ts_type_parameter_instantiation(t);
            }
        }
        for element in &c.body.body {
            self.class_element(element);
        }
    }

    fn class_element(&mut self, element: &ClassElement) {
        match element {
            ClassElement::TSIndexSignature(s) => self.blank(s.span.start, s.span.end),
            ClassElement::MethodDefinition(m) => {
                if let Some(d) = m.decorators.first() {
                    return self.refuse(d.span.start, "decorators are not supported");
                }
                if m.r#type == MethodDefinitionType::TSAbstractMethodDefinition || m.value.body.is_none() {
                    return self.blank(m.span.start, m.span.end);
                }
                self.blank_modifiers(m.span.start);
                if m.optional {
                    self.blank_marker_after(m.key.span().end);
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
                if p.declare || p.r#type == PropertyDefinitionType::TSAbstractPropertyDefinition {
                    return self.blank(p.span.start, p.span.end);
                }
                self.blank_modifiers(p.span.start);
                if p.optional || p.definite {
                    self.blank_marker_after(p.key.span().end);
                }
                if p.computed {
                    self.visit_property_key(&p.key);
                }
                if let Some(t) = &p.type_annotation {
                    self.visit_ts_type_annotation(t);
                }
                if let Some(v) = &p.value {
                    self.visit_expression(v);
                }
            }
            other => walk::walk_class_element(self, other),
        }
    }

    fn finish(mut self, program: &Program) -> Scanned {
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
                header.push_str(&getter(exported, value));
            }
            for part in self.getters.iter().chain(&self.stars) {
                header.push_str(part);
            }
            self.edits.push(Edit { start: 0, end: 0, text: header });
        }
        self.edits.sort_by_key(|e| (e.start, e.end));
        let mut out = String::with_capacity(self.src.len() + 256);
        let mut at = 0usize;
        for e in &self.edits {
            if (e.start as usize) < at {
                continue; // inside an edit already applied (a blanked statement)
            }
            out.push_str(&self.src[at..e.start as usize]);
            out.push_str(&e.text);
            at = e.end as usize;
        }
        out.push_str(&self.src[at..]);
        if let Some(tail) = &self.tail {
            out.push('\n');
            out.push_str(tail);
        }
        let exported_class = self.default_class.clone().or_else(|| program.body.last().and_then(module_exports_name));
        let comments: Vec<(u32, u32)> = program.comments.iter().map(|c| (c.span.start, c.span.end)).collect();
        let classes = top_level_classes(program, self.src, &comments);
        Scanned { source: out, requests: self.requests, classes, exported_class }
    }
}

impl<'a> Visit<'a> for Scanner<'_> {
    fn visit_statement(&mut self, it: &Statement<'a>) {
        match it {
            Statement::TSTypeAliasDeclaration(d) => self.blank(d.span.start, d.span.end),
            Statement::TSInterfaceDeclaration(d) => self.blank(d.span.start, d.span.end),
            Statement::TSGlobalDeclaration(d) => self.blank(d.span.start, d.span.end),
            Statement::VariableDeclaration(d) if d.declare => self.blank(d.span.start, d.span.end),
            Statement::FunctionDeclaration(f) if f.declare || f.body.is_none() => self.blank(f.span.start, f.span.end),
            Statement::ClassDeclaration(c) if c.declare => self.blank(c.span.start, c.span.end),
            Statement::TSEnumDeclaration(e) if e.declare => self.blank(e.span.start, e.span.end),
            Statement::TSNamespaceDeclaration(n) if n.declare => self.blank(n.span.start, n.span.end),
            Statement::TSExternalModuleDeclaration(n) if n.declare => self.blank(n.span.start, n.span.end),
            Statement::TSEnumDeclaration(_)
            | Statement::TSNamespaceDeclaration(_)
            | Statement::TSExternalModuleDeclaration(_)
            | Statement::TSImportEqualsDeclaration(_) => {
                if let Some(d) = it.as_declaration() {
                    self.declaration(d);
                }
            }
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

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        if let Some(t) = &it.this_param {
            self.refuse(t.span.start, "a 'this' parameter is not supported");
            return;
        }
        walk::walk_function(self, it, flags);
    }

    fn visit_formal_parameter(&mut self, it: &FormalParameter<'a>) {
        if let Some(d) = it.decorators.first() {
            return self.refuse(d.span.start, "decorators are not supported");
        }
        if it.accessibility.is_some() || it.readonly || it.r#override {
            return self.refuse(
                it.span.start,
                "TypeScript parameter properties are not supported (they are not erasable): assign the field in the body",
            );
        }
        if it.optional {
            self.blank_marker_after(it.pattern.span().end);
        }
        walk::walk_formal_parameter(self, it);
    }

    fn visit_ts_type_annotation(&mut self, it: &TSTypeAnnotation<'a>) {
        self.blank(it.span.start, it.span.end);
    }

    fn visit_ts_type_parameter_declaration(&mut self, it: &TSTypeParameterDeclaration<'a>) {
        self.blank(it.span.start, it.span.end);
    }

    fn visit_ts_type_parameter_instantiation(&mut self, it: &TSTypeParameterInstantiation<'a>) {
        self.blank(it.span.start, it.span.end);
    }

    fn visit_ts_as_expression(&mut self, it: &TSAsExpression<'a>) {
        self.blank(it.expression.span().end, it.span.end);
        self.visit_expression(&it.expression);
    }

    fn visit_ts_satisfies_expression(&mut self, it: &TSSatisfiesExpression<'a>) {
        self.blank(it.expression.span().end, it.span.end);
        self.visit_expression(&it.expression);
    }

    fn visit_ts_non_null_expression(&mut self, it: &TSNonNullExpression<'a>) {
        self.blank(it.span.end - 1, it.span.end);
        self.visit_expression(&it.expression);
    }

    fn visit_ts_type_assertion(&mut self, it: &TSTypeAssertion<'a>) {
        self.blank(it.span.start, it.expression.span().start);
        self.visit_expression(&it.expression);
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

/// `X` if `statement` is `module.exports = X;`.
fn module_exports_name(statement: &Statement) -> Option<String> {
    let Statement::ExpressionStatement(statement) = statement else { return None };
    let Expression::AssignmentExpression(assign) = &statement.expression else { return None };
    let AssignmentTarget::StaticMemberExpression(target) = &assign.left else { return None };
    let Expression::Identifier(object) = &target.object else { return None };
    let Expression::Identifier(class) = &assign.right else { return None };
    (assign.operator == AssignmentOperator::Assign && object.name == "module" && target.property.name == "exports")
        .then(|| class.name.to_string())
}

fn top_level_classes(program: &Program, src: &str, comments: &[(u32, u32)]) -> Vec<ScannedClass> {
    let mut out = Vec::new();
    for statement in &program.body {
        let class = match statement {
            Statement::ClassDeclaration(c) => Some(&**c),
            Statement::ExportDeclaration(d) => match &d.declaration {
                Declaration::ClassDeclaration(c) => Some(&**c),
                _ => None,
            },
            Statement::ExportDefaultDeclaration(d) => match &d.declaration {
                ExportDefaultDeclarationKind::ClassDeclaration(c) => Some(&**c),
                _ => None,
            },
            _ => None,
        };
        let Some(class) = class else { continue };
        let Some(id) = &class.id else { continue };
        let mut methods = Vec::new();
        for element in &class.body.body {
            let ClassElement::MethodDefinition(m) = element else { continue };
            if m.r#static || m.kind != MethodDefinitionKind::Method || m.computed || m.value.body.is_none() {
                continue;
            }
            let PropertyKey::StaticIdentifier(key) = &m.key else { continue };
            let params = &m.value.params;
            let mut list: Vec<(String, Option<&'static str>)> = params
                .items
                .iter()
                .map(|p| {
                    let name = match &p.pattern {
                        BindingPattern::BindingIdentifier(b) => b.name.to_string(),
                        _ => String::new(),
                    };
                    (name, p.type_annotation.as_ref().map(|t| abi_type_of_ts(&t.type_annotation)))
                })
                .collect();
            if let Some(rest) = &params.rest {
                list.push((String::new(), rest.type_annotation.as_ref().map(|_| "json")));
            }
            // The JSDoc block right before the method (only white space between).
            let doc = comments
                .iter()
                .rev()
                .find(|(_, end)| *end <= m.span.start && src[*end as usize..m.span.start as usize].trim().is_empty())
                .map(|(start, end)| &src[*start as usize..*end as usize])
                .filter(|text| text.starts_with("/**"))
                .map(doc_params)
                .unwrap_or_default();
            methods.push(ScannedMethod { name: key.name.to_string(), offset: m.span.start, params: list, doc });
        }
        out.push(ScannedClass { name: id.name.to_string(), methods });
    }
    out
}

/// A `.json` file's text as a CommonJS module: one line.
pub(crate) fn json_module(text: &str) -> String {
    format!("module.exports = JSON.parse({});", js_string(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erasing_types_keeps_every_line_and_column() {
        let ts = "type Id = string;\ninterface P {\n  x: number;\n}\nfunction f<T>(a: T, b?: Id): T {\n  return (a as any)!;\n}\n\
                  class C implements P {\n  private readonly x: number = 1;\n  declare y: string;\n  m(é: string): void {}\n}\n";
        let out = scan(ts, true).unwrap().source;
        assert_eq!(out.len(), ts.len());
        assert_eq!(out.lines().count(), ts.lines().count());
        assert_eq!(
            out.lines().map(str::trim_end).collect::<Vec<_>>(),
            [
                "",
                "",
                "",
                "",
                "function f   (a   , b     )    {",
                "  return (a       ) ;",
                "}",
                "class C              {",
                "                   x         = 1;",
                "",
                "  m(é        )       {}",
                "}",
            ]
        );
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
        assert_eq!(m.doc, vec![("x".to_string(), "string"), ("y".to_string(), "json")]);
    }
}
