//! The ABI generated from the entry class's signatures, when the project has no ABI file.

use jsvm_compiler::line_col;

use crate::scan::Scanned;
use crate::PackError;

/// The ABI from the entry class's methods: every public method but `init` and names
/// starting with `_`; argument types from TypeScript types, else JSDoc `@param {type}` tags.
pub(crate) fn generate_abi(id: &str, text: &str, scanned: &Scanned) -> Result<serde_json::Value, PackError> {
    let at = |offset: u32, message: String| {
        let (line, column) = line_col(text, offset);
        PackError::At { file: id.to_string(), line, column, message }
    };
    let class_name = scanned.exported_class.as_ref().ok_or_else(|| {
        PackError::Project(format!(
            "{id}: cannot generate the ABI: the entry must end with 'module.exports = CLASS;' or use \
             'export default class CLASS' (or write contract.abi)"
        ))
    })?;
    let class =
        scanned.classes.iter().find(|c| &c.name == class_name).ok_or_else(|| {
            PackError::Project(format!("{id}: exported class {class_name} is not declared at top level"))
        })?;
    let mut methods = Vec::new();
    for m in class.methods.iter().filter(|m| m.name != "init" && !m.name.starts_with('_')) {
        let mut args = Vec::new();
        for (i, (name, ts)) in m.params.iter().enumerate() {
            let doc = m.doc.iter().find(|(n, _)| !name.is_empty() && n == name).or_else(|| m.doc.get(i));
            let ty = ts.or_else(|| doc.map(|(_, t)| *t)).ok_or_else(|| {
                let which = if name.is_empty() { format!("#{}", i + 1) } else { name.clone() };
                at(
                    m.offset,
                    format!(
                        "cannot generate the ABI: parameter {which} of {} has no type; add a JSDoc \
                         '@param {{string}} {which}' tag (or a TypeScript type, or write contract.abi)",
                        m.name
                    ),
                )
            })?;
            args.push(ty);
        }
        methods.push(serde_json::json!({"name": m.name, "args": args}));
    }
    Ok(serde_json::json!({"lang": "javascript", "version": "1.0.0", "abi": methods}))
}
