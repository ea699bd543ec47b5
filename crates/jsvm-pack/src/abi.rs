//! The ABI generated from the entry class's signatures, when the project has no ABI file.

use jsvm_compiler::line_col;

use crate::scan::Scanned;
use crate::PackError;

/// The ABI from the entry class's methods: every public method but `init` and names
/// starting with `_`; argument types from TypeScript types, else JSDoc `@param {type}` tags;
/// the trailing optional parameters (`k?`, `k = 1`, JSDoc `[k]`) as the method's `optional`;
/// JSDoc `@amountLimit TOKEN AMOUNT` tags as its `amountLimit`.
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
        let mut optional = Vec::new();
        for (i, param) in m.params.iter().enumerate() {
            let name = &param.name;
            let doc = m.doc.params.iter().find(|d| !name.is_empty() && &d.name == name).or_else(|| m.doc.params.get(i));
            let ty = param.ts.or_else(|| doc.map(|d| d.ty)).ok_or_else(|| {
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
            optional.push(param.optional || doc.is_some_and(|d| d.optional));
        }
        // Only a run of optional parameters at the end can be left out of a call.
        let trailing = optional.iter().rev().take_while(|o| **o).count();
        let mut method = serde_json::json!({"name": m.name, "args": args});
        if trailing > 0 {
            method["optional"] = trailing.into();
        }
        let limits = amount_limits(&m.doc.amount_limits).map_err(|(offset, message)| {
            at(offset, format!("cannot generate the ABI: {message} (in the JSDoc of {})", m.name))
        })?;
        if !limits.is_empty() {
            method["amountLimit"] = limits.into();
        }
        methods.push(method);
    }
    Ok(serde_json::json!({"lang": "javascript", "version": "1.0.0", "abi": methods}))
}

/// The `amountLimit` entries of `@amountLimit TOKEN AMOUNT` tags (at their byte offsets): TOKEN is a
/// token's symbol or `*` (every token), AMOUNT a decimal or `unlimited`, each token at most once.
/// Whether the token exists is the deploy's check, against the chain's tokens.
fn amount_limits(tags: &[(u32, Vec<String>)]) -> Result<Vec<serde_json::Value>, (u32, String)> {
    let mut limits: Vec<serde_json::Value> = Vec::new();
    for (offset, words) in tags {
        let [token, amount] = words.as_slice() else {
            return Err((
                *offset,
                format!(
                    "@amountLimit takes a token and an amount (e.g. '@amountLimit iost 100'), got {:?}",
                    words.join(" ")
                ),
            ));
        };
        let symbol = token == "*" || token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !symbol {
            return Err((*offset, format!("@amountLimit: {token:?} is not a token symbol or '*'")));
        }
        if amount != "unlimited" && !is_decimal(amount) {
            return Err((*offset, format!("@amountLimit {token}: {amount:?} is not a decimal amount or 'unlimited'")));
        }
        if limits.iter().any(|l| l["token"] == token.as_str()) {
            return Err((*offset, format!("@amountLimit: token {token} is limited twice")));
        }
        limits.push(serde_json::json!({"token": token, "val": amount}));
    }
    Ok(limits)
}

/// `100`, `0.5`: digits with at most one decimal point between digits.
fn is_decimal(text: &str) -> bool {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && digits(fraction)
}
