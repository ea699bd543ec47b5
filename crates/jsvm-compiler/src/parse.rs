//! Parsing a contract with oxc, and the outline of it the contract checks read.
//!
//! oxc changes its API between releases, so everything the contract checks need from the
//! syntax tree is copied out here into plain owned types ([`Outline`]); no oxc type leaves
//! this file. The other modules that touch oxc are the metering walks (`meter_walk`,
//! `meter_strip`), under the same rule.

use std::thread;

use oxc::allocator::Allocator;
use oxc::ast::ast::{
    AssignmentOperator, AssignmentTarget, BindingIdentifier, Class, ClassElement, Expression, IdentifierName,
    IdentifierReference, LabelIdentifier, MethodDefinitionKind, PrivateIdentifier, Program, PropertyKey, Statement,
};
use oxc::ast_visit::Visit;
use oxc::parser::{ParseOptions, Parser};
use oxc::span::{GetSpan, SourceType, Span};

use crate::contract::MethodInfo;
use crate::meter::{Insert, MeterCosts};
use crate::meter_walk::{MeterWalk, Refused};

/// Stack bytes granted to the parser thread per byte of source, on top of [`BASE_STACK`].
///
/// oxc's parser and visitor recurse once per nesting level with no depth limit, so a deeply
/// nested source (`!!!!…x`, `a=a=a=…`, `x=>x=>…`, `1+1+…`) would overflow a normal stack and
/// abort the whole process. Each level costs at least one byte of source, so a stack
/// proportional to the source length covers every input. oxc 0.146 needs at most about
/// 512 bytes per source byte on such inputs; 2 KiB leaves a margin. The memory is only
/// reserved: ordinary contracts touch a few pages of it.
const STACK_PER_BYTE: usize = 2 * 1024;
/// Stack for the parser thread independent of source length.
const BASE_STACK: usize = 8 * 1024 * 1024;

/// What the contract checks need from a parsed script.
#[derive(Debug)]
pub(crate) struct Outline {
    /// Number of top-level statements (directives such as `"use strict"` excluded).
    pub statements: usize,
    /// Whether the source starts with a `#!` line, which is only legal at the very start of
    /// a script and therefore breaks once the source is wrapped in a function.
    pub hashbang: bool,
    /// `X` when the last statement is exactly `module.exports = X;`.
    pub exported: Option<String>,
    /// `X` when the last statement is exactly `exports.default = X;` (an ES module's
    /// `export default class X` after packing, see `pack`).
    pub exported_default: Option<String>,
    /// Top-level `class` declarations, in source order.
    pub classes: Vec<ClassOutline>,
    /// The first identifier accepted by the `reserved` predicate given to [`outline`].
    pub reserved: Option<Located>,
    /// The gas charges to splice into the source (see `meter`), and the texts of the
    /// splices that carry their own.
    pub gas: Vec<Insert>,
    pub gas_texts: Vec<String>,
    /// The first construct the metered dialect refuses.
    pub refused: Option<Refused>,
}

/// A top-level class declaration.
#[derive(Debug)]
pub(crate) struct ClassOutline {
    pub name: String,
    /// Any non-static `constructor`, however its key is spelled.
    pub has_constructor: bool,
    /// Non-static methods with a plain identifier key, in source order.
    pub methods: Vec<MethodInfo>,
}

/// A name with the byte offset where it appears in the source.
#[derive(Debug)]
pub(crate) struct Located {
    pub name: String,
    pub offset: usize,
}

/// Why [`outline`] produced no outline.
#[derive(Debug)]
pub(crate) enum OutlineError {
    /// The source is not a valid script: oxc's first error, at a byte offset.
    Syntax { message: String, offset: usize },
    /// The parser thread could not be started or died; the reason.
    Internal(String),
}

/// Parses `source` as a classic script (latest ECMAScript) and outlines it.
///
/// `reserved` decides which identifier names are reported in [`Outline::reserved`].
pub(crate) fn outline(source: &str, reserved: fn(&str) -> bool, costs: &MeterCosts) -> Result<Outline, OutlineError> {
    let stack = BASE_STACK.saturating_add(source.len().saturating_mul(STACK_PER_BYTE));
    thread::scope(|scope| {
        thread::Builder::new()
            .name("jsvm-parse".into())
            .stack_size(stack)
            .spawn_scoped(scope, || parse_and_outline(source, reserved, costs))
            .map_err(|e| OutlineError::Internal(format!("cannot start the parser thread: {e}")))?
            .join()
            .map_err(|_| OutlineError::Internal("the parser failed unexpectedly".into()))?
    })
}

fn parse_and_outline(source: &str, reserved: fn(&str) -> bool, costs: &MeterCosts) -> Result<Outline, OutlineError> {
    let allocator = Allocator::default();
    let options = ParseOptions { parse_regular_expression: true, ..ParseOptions::default() };
    let parsed = Parser::new(&allocator, source, SourceType::script()).with_options(options).parse();
    if let Some(error) = parsed.diagnostics.errors().next() {
        let label = error.labels.iter().find(|l| l.primary()).or_else(|| error.labels.first());
        return Err(OutlineError::Syntax {
            message: error.message.to_string(),
            offset: label.map_or(0, |l| l.offset() as usize),
        });
    }
    let program = &parsed.program;
    // oxc leaves "import/export only in modules" to semantic analysis, which this crate does
    // not run, so a script parse accepts them; the engine would not.
    let module_only = program.body.iter().find(|s| s.is_module_declaration()).map(GetSpan::span);
    if let Some(span) = module_only.or_else(|| parsed.module_record.import_metas.first().copied()) {
        return Err(OutlineError::Syntax {
            message: "import, export and import.meta are only allowed in modules; \
                      a contract is a script (jsvm pack converts a project's ES modules)"
                .to_string(),
            offset: span.start as usize,
        });
    }
    let mut finder = ReservedFinder { reserved, found: None };
    finder.visit_program(program);
    let mut meter = MeterWalk::new(source, costs);
    meter.visit_program(program);
    Ok(Outline {
        statements: program.body.len(),
        hashbang: program.hashbang.is_some(),
        exported: program.body.last().and_then(|s| exported_name(s, "module", "exports")),
        exported_default: program.body.last().and_then(|s| exported_name(s, "exports", "default")),
        classes: top_level_classes(program),
        reserved: finder.found,
        gas: meter.inserts,
        gas_texts: meter.texts,
        refused: meter.refused,
    })
}

/// `X` if `statement` is exactly `OBJECT.PROPERTY = X;` (`module.exports = X;`).
fn exported_name(statement: &Statement, object_name: &str, property: &str) -> Option<String> {
    let Statement::ExpressionStatement(statement) = statement else {
        return None;
    };
    let Expression::AssignmentExpression(assign) = &statement.expression else {
        return None;
    };
    let AssignmentTarget::StaticMemberExpression(target) = &assign.left else {
        return None;
    };
    let Expression::Identifier(object) = &target.object else {
        return None;
    };
    let Expression::Identifier(class) = &assign.right else {
        return None;
    };
    let is_module_exports = object.name == object_name && target.property.name == property;
    (assign.operator == AssignmentOperator::Assign && is_module_exports && !target.optional)
        .then(|| class.name.to_string())
}

fn top_level_classes(program: &Program) -> Vec<ClassOutline> {
    program
        .body
        .iter()
        .filter_map(|statement| match statement {
            Statement::ClassDeclaration(class) => class_outline(class),
            _ => None,
        })
        .collect()
}

fn class_outline(class: &Class) -> Option<ClassOutline> {
    let mut outline =
        ClassOutline { name: class.id.as_ref()?.name.to_string(), has_constructor: false, methods: Vec::new() };
    for element in &class.body.body {
        let ClassElement::MethodDefinition(method) = element else {
            continue;
        };
        if method.r#static {
            continue;
        }
        match (method.kind, &method.key) {
            (MethodDefinitionKind::Constructor, _) => outline.has_constructor = true,
            (MethodDefinitionKind::Method, PropertyKey::StaticIdentifier(key)) if !method.computed => {
                let params = &method.value.params;
                outline.methods.push(MethodInfo {
                    name: key.name.to_string(),
                    params: params.items.len() + usize::from(params.rest.is_some()),
                });
            }
            _ => {}
        }
    }
    Some(outline)
}

/// Visits every kind of identifier and remembers the first reserved one.
struct ReservedFinder {
    reserved: fn(&str) -> bool,
    found: Option<Located>,
}

impl ReservedFinder {
    fn check(&mut self, name: &str, span: Span) {
        let offset = span.start as usize;
        if self.found.is_none() && (self.reserved)(name) {
            self.found = Some(Located { name: name.to_string(), offset });
        }
    }
}

impl<'a> Visit<'a> for ReservedFinder {
    fn visit_identifier_name(&mut self, it: &IdentifierName<'a>) {
        self.check(&it.name, it.span);
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        self.check(&it.name, it.span);
    }

    fn visit_binding_identifier(&mut self, it: &BindingIdentifier<'a>) {
        self.check(&it.name, it.span);
    }

    fn visit_label_identifier(&mut self, it: &LabelIdentifier<'a>) {
        self.check(&it.name, it.span);
    }

    fn visit_private_identifier(&mut self, it: &PrivateIdentifier<'a>) {
        self.check(&it.name, it.span);
    }
}
