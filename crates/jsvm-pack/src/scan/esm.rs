//! ES module syntax as CommonJS: imports turn into `require` calls and exports into getters
//! on `exports`, all in one header line put before the file's first line (see `finish`);
//! `export default class X` ends the file with `exports.default = X;` on a line of its own.

use oxc::ast::ast::{
    Declaration, ExportDefaultDeclarationKind, Expression, ImportDeclarationSpecifier, ModuleExportName, Statement,
};
use oxc::ast_visit::Visit;
use oxc::span::{GetSpan, Span};
use oxc::syntax::scope::ScopeFlags;

use super::{js_string, Scanner};

/// `(v && v.__esModule ? v.default : v)`: a default import with Node's interop.
fn interop_default(v: &str) -> String {
    format!("({v} && {v}.__esModule ? {v}.default : {v})")
}

/// A namespace import: an ES module's exports, or a CommonJS module's exports as `default`
/// beside its own properties.
fn interop_namespace(v: &str) -> String {
    format!("({v} && {v}.__esModule ? {v} : Object.assign({{ default: {v} }}, {v}))")
}

/// A getter on `exports`: a live export.
pub(super) fn getter(name: &str, value: &str) -> String {
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

impl Scanner<'_> {
    /// An `export … from "m"` statement: blanked, and its module required once into a new
    /// variable, whose name is returned.
    fn re_export_source(&mut self, statement: Span, source: &str, source_span: Span) -> String {
        self.esm = true;
        self.blank(statement.start, statement.end);
        self.request(source, source_span);
        let v = self.temp();
        self.imports.push(format!("var {v} = require({});", js_string(source)));
        v
    }

    /// A top-level statement: module syntax converted, anything else scanned.
    pub(super) fn top_statement(&mut self, statement: &Statement) {
        match statement {
            Statement::ImportDeclaration(d) => {
                self.esm = true;
                self.blank(d.span.start, d.span.end);
                let specifiers: Vec<_> = d.specifiers.iter().flatten().collect();
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
                match &d.declaration {
                    Declaration::ClassDeclaration(c) => self.class(c),
                    other => self.visit_declaration(other),
                }
            }
            Statement::ExportNamedDeclaration(d) => {
                self.esm = true;
                self.blank(d.span.start, d.span.end);
                for s in &d.specifiers {
                    self.local_exports.push((export_name(&s.exported), export_name(&s.local)));
                }
            }
            Statement::ExportFromDeclaration(d) => {
                let v = self.re_export_source(d.span, &d.source.value, d.source.span);
                for s in &d.specifiers {
                    let local = export_name(&s.local);
                    let value =
                        if local == "default" { interop_default(&v) } else { format!("{v}[{}]", js_string(&local)) };
                    self.getters.push(getter(&export_name(&s.exported), &value));
                }
            }
            Statement::ExportAllDeclaration(d) => {
                let v = self.re_export_source(d.span, &d.source.value, d.source.span);
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
            other => self.visit_statement(other),
        }
    }
}
