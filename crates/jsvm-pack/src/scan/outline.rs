//! What a generated ABI needs from a file: its top-level classes with their public methods'
//! parameter types (TypeScript annotations, JSDoc `@param` tags), which parameters are optional,
//! their JSDoc `@amountLimit` tags, and the class the file exports with `module.exports = X;`.

use oxc::ast::ast::{
    AssignmentOperator, AssignmentTarget, BindingPattern, ClassElement, Declaration, ExportDefaultDeclarationKind,
    Expression, MethodDefinitionKind, Program, PropertyKey, Statement, TSType,
};

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
    /// The parameters in order, a rest parameter last.
    pub params: Vec<ScannedParam>,
    /// The JSDoc comment right before the method.
    pub doc: DocTags,
}

/// A parameter as the signature writes it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ScannedParam {
    /// Its name (empty for a pattern or a rest parameter).
    pub name: String,
    /// The ABI type of its TypeScript type.
    pub ts: Option<&'static str>,
    /// `k?: T` or `k = value`: a call may leave it out.
    pub optional: bool,
}

/// What a method's JSDoc comment says for its ABI.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct DocTags {
    /// `@param {type} name` tags, in order.
    pub params: Vec<DocParam>,
    /// `@amountLimit TOKEN AMOUNT` tags: each tag's byte offset in the file and its words.
    pub amount_limits: Vec<(u32, Vec<String>)>,
}

/// One `@param` tag.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DocParam {
    pub name: String,
    pub ty: &'static str,
    /// `[name]`, `[name=value]` or a `{type=}`: the parameter is optional.
    pub optional: bool,
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
fn abi_type_of_doc(t: &str) -> &'static str {
    match t.trim() {
        "string" | "String" => "string",
        "boolean" | "Boolean" | "bool" => "bool",
        "number" | "Number" | "bigint" | "BigInt" | "int" | "integer" => "number",
        _ => "json",
    }
}

/// The tags of the JSDoc comment `comment`, which starts at byte `start` of the file.
fn doc_tags(comment: &str, start: u32) -> DocTags {
    let mut tags = DocTags::default();
    for part in comment.split("@param").skip(1) {
        let part = part.trim_start();
        let Some(rest) = part.strip_prefix('{') else { continue };
        let Some(close) = rest.find('}') else { continue };
        let ty = &rest[..close];
        let written = rest[close + 1..].trim_start();
        let name: String = written
            .trim_start_matches('[')
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$' || *c == '.')
            .collect();
        if name.contains('.') {
            continue;
        }
        let optional = written.starts_with('[') || ty.trim_end().ends_with('=');
        tags.params.push(DocParam { name, ty: abi_type_of_doc(ty.trim_end().trim_end_matches('=')), optional });
    }
    for (at, _) in comment.match_indices("@amountLimit") {
        let line = comment[at + "@amountLimit".len()..].lines().next().unwrap_or_default();
        let words = line.split_whitespace().take_while(|w| !w.starts_with("*/")).map(String::from).collect();
        tags.amount_limits.push((start + at as u32, words));
    }
    tags
}

/// `X` if `statement` is `module.exports = X;`.
pub(super) fn module_exports_name(statement: &Statement) -> Option<String> {
    let Statement::ExpressionStatement(statement) = statement else { return None };
    let Expression::AssignmentExpression(assign) = &statement.expression else { return None };
    let AssignmentTarget::StaticMemberExpression(target) = &assign.left else { return None };
    let Expression::Identifier(object) = &target.object else { return None };
    let Expression::Identifier(class) = &assign.right else { return None };
    (assign.operator == AssignmentOperator::Assign && object.name == "module" && target.property.name == "exports")
        .then(|| class.name.to_string())
}

/// The file's top-level classes (declared, exported, or exported as default) with a name.
pub(super) fn top_level_classes(program: &Program, src: &str) -> Vec<ScannedClass> {
    let comments: Vec<(u32, u32)> = program.comments.iter().map(|c| (c.span.start, c.span.end)).collect();
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
            let mut list: Vec<ScannedParam> = params
                .items
                .iter()
                .map(|p| ScannedParam {
                    name: match &p.pattern {
                        BindingPattern::BindingIdentifier(b) => b.name.to_string(),
                        _ => String::new(),
                    },
                    ts: p.type_annotation.as_ref().map(|t| abi_type_of_ts(&t.type_annotation)),
                    optional: p.optional || p.initializer.is_some(),
                })
                .collect();
            if let Some(rest) = &params.rest {
                let ts = rest.type_annotation.as_ref().map(|_| "json");
                list.push(ScannedParam { name: String::new(), ts, optional: false });
            }
            // The JSDoc block right before the method (only white space between).
            let doc = comments
                .iter()
                .rev()
                .find(|(_, end)| *end <= m.span.start && src[*end as usize..m.span.start as usize].trim().is_empty())
                .map(|(start, end)| (*start, &src[*start as usize..*end as usize]))
                .filter(|(_, text)| text.starts_with("/**"))
                .map(|(start, text)| doc_tags(text, start))
                .unwrap_or_default();
            methods.push(ScannedMethod { name: key.name.to_string(), offset: m.span.start, params: list, doc });
        }
        out.push(ScannedClass { name: id.name.to_string(), methods });
    }
    out
}
