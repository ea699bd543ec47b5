//! What a generated ABI needs from a file: its top-level classes with their public methods'
//! parameter types (TypeScript annotations, JSDoc `@param` tags), and the class the file
//! exports with `module.exports = X;`.

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
    /// Each parameter's name (empty for a pattern) and ABI type from its TypeScript type.
    pub params: Vec<(String, Option<&'static str>)>,
    /// `@param {type} name` tags of the JSDoc comment right before the method, in order:
    /// (name, ABI type).
    pub doc: Vec<(String, &'static str)>,
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
