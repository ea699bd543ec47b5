//! Checks a contract source against the IOST contract shape and its ABI, and prepares it
//! for the engine.

use std::collections::BTreeSet;

use crate::abi::{validate_abi, Abi};
use crate::column_map::ColumnMap;
use crate::meter::{self, MeterCosts};
use crate::nesting::{check_nesting, Refusal, MAX_NESTING};
use crate::parse::{outline, ClassOutline, Located, Outline, OutlineError};
use crate::{line_col, CompileError};

/// Largest accepted contract source, in bytes.
pub const MAX_CODE_BYTES: usize = 256 * 1024;

/// A contract that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledContract {
    /// The source as given.
    pub source: String,
    /// The metered source inside the CommonJS wrapper (see [`crate::WRAPPER_PREFIX`]):
    /// evaluating it as a script yields the module factory.
    pub prepared: String,
    /// The class assigned to `module.exports`.
    pub class_name: String,
    /// The class's public and private methods, in source order.
    pub methods: Vec<MethodInfo>,
    /// The ABI, checked against the source.
    pub abi: Abi,
}

/// A non-static method of the contract class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodInfo {
    /// The method's name.
    pub name: String,
    /// Declared parameters; a rest parameter and parameters with defaults count as one each.
    pub params: usize,
}

/// Compiles `source` with its `abi` under the default metering costs; `filename` only
/// labels error positions.
pub fn compile_contract(source: &str, abi: &Abi, filename: &str) -> Result<CompiledContract, CompileError> {
    compile_contract_metered(source, abi, filename, &MeterCosts::default())
}

/// Compiles `source` with its `abi`, injecting gas charges priced by `costs`.
pub fn compile_contract_metered(
    source: &str,
    abi: &Abi,
    filename: &str,
    costs: &MeterCosts,
) -> Result<CompiledContract, CompileError> {
    if let Some(bundle) = crate::bundle::parse_bundle(source) {
        return crate::bundle::compile_bundle(source, bundle?, abi, costs);
    }
    let outline = parse_source(source, filename, costs)?;
    if outline.hashbang {
        return Err(shape("a contract must not start with a '#!' line"));
    }
    if outline.statements < 2 {
        return Err(shape(
            "a contract needs at least 2 top-level statements: \
             a class and 'module.exports = CLASS_IDENTIFIER;'",
        ));
    }
    let class_name =
        outline.exported.ok_or_else(|| shape("last statement must be 'module.exports = CLASS_IDENTIFIER;'"))?;
    let class = outline
        .classes
        .into_iter()
        .find(|class| class.name == class_name)
        .ok_or_else(|| shape(format!("exported class {class_name} is not declared at top level")))?;
    let methods = check_class(class)?;
    validate_abi(abi)?;
    check_abi_against(abi, &methods)?;
    Ok(CompiledContract {
        source: source.to_string(),
        prepared: meter::wrap(&meter::apply(source, outline.gas, &outline.gas_texts)),
        class_name,
        methods,
        abi: abi.clone(),
    })
}

/// Where the columns of a single-file contract's prepared code (as [`compile_contract_metered`]
/// makes it with `costs`) came from in `source`, for the node's log; `None` for a bundle or a
/// source that does not compile.
pub fn prepared_columns(source: &str, costs: &MeterCosts) -> Option<ColumnMap> {
    if crate::bundle::parse_bundle(source).is_some() {
        return None;
    }
    metered_columns(source, meter::WRAPPER_PREFIX, costs)
}

/// The [`ColumnMap`] of `source` metered with `costs` and put after `before` (text with no
/// line break); `None` when it does not compile.
pub(crate) fn metered_columns(source: &str, before: &str, costs: &MeterCosts) -> Option<ColumnMap> {
    let outline = parse_source(source, "", costs).ok()?;
    let (metered, copied) = meter::apply_copying(source, outline.gas, &outline.gas_texts);
    let copied: Vec<_> = copied.into_iter().map(|(at, from, len)| (at + before.len(), from, len)).collect();
    Some(ColumnMap::new(&format!("{before}{metered}"), source, &copied))
}

/// The author's code as the engine compiles it, with nothing of the meter in it: the
/// single-file wrapper around `source`, or a bundle's modules each in its module function.
/// Never deployed or run: when the engine refuses prepared code, compiling this tells
/// whether the source itself has an early error (the author's doing) or the metering broke
/// it (jsvm's).
pub fn unmetered_program(source: &str) -> String {
    match crate::bundle::parse_bundle(source) {
        Some(Ok(bundle)) => crate::bundle::unmetered_modules(&bundle),
        _ => meter::wrap(source),
    }
}

/// Size limits, the nesting guard, the parse itself and reserved names: everything that
/// reads the source text rather than the contract's shape.
pub(crate) fn parse_source(source: &str, filename: &str, costs: &MeterCosts) -> Result<Outline, CompileError> {
    if source.len() > MAX_CODE_BYTES {
        return Err(CompileError::TooLarge { size: source.len(), max: MAX_CODE_BYTES });
    }
    if source.trim().is_empty() {
        return Err(CompileError::Empty);
    }
    let at = |offset: usize| {
        let (line, column) = line_col(source, u32::try_from(offset).unwrap_or(u32::MAX));
        (filename.to_string(), line, column)
    };
    check_nesting(source).map_err(|refusal| match refusal {
        Refusal::TooDeep { offset } => {
            let (file, line, column) = at(offset);
            CompileError::TooDeep { file, line, column, max: MAX_NESTING }
        }
        Refusal::Unsupported { offset, message } => {
            let (file, line, column) = at(offset);
            CompileError::Unsupported { file, line, column, message: message.to_string() }
        }
    })?;
    let outline = outline(source, is_reserved, costs).map_err(|e| match e {
        OutlineError::Syntax { message, offset } => {
            let (file, line, column) = at(offset);
            CompileError::Parse { file, line, column, message }
        }
        OutlineError::Internal(message) => CompileError::Internal(message),
    })?;
    if let Some(Located { name, offset }) = outline.reserved {
        let (file, line, column) = at(offset);
        return Err(CompileError::Reserved { file, name, line, column });
    }
    if let Some(refused) = &outline.refused {
        let (file, line, column) = at(refused.offset as usize);
        let message = format!("{} is not supported", refused.what);
        return Err(CompileError::Unsupported { file, line, column, message });
    }
    Ok(outline)
}

/// Names the VM keeps for its own globals and instrumentation.
fn is_reserved(name: &str) -> bool {
    name.starts_with("__jsvm") || name.starts_with("_IOST") || name == "IOSTInstruction"
}

pub(crate) fn shape(message: impl Into<String>) -> CompileError {
    CompileError::Shape(message.into())
}

/// Checks the contract class and returns its methods.
pub(crate) fn check_class(class: ClassOutline) -> Result<Vec<MethodInfo>, CompileError> {
    let name = &class.name;
    if class.has_constructor {
        return Err(shape(format!("class {name} must not have a constructor; do deploy-time setup in init()")));
    }
    let mut seen = BTreeSet::new();
    if let Some(twice) = class.methods.iter().find(|method| !seen.insert(&method.name)) {
        return Err(shape(format!("class {name} defines method {} twice", twice.name)));
    }
    if !class.methods.iter().any(|method| method.name == "init") {
        return Err(shape(format!("class {name} must have an init() method")));
    }
    Ok(class.methods)
}

/// Every ABI method must exist in the class and take as many parameters as it has args.
pub(crate) fn check_abi_against(abi: &Abi, methods: &[MethodInfo]) -> Result<(), CompileError> {
    for entry in &abi.abi {
        let method = methods
            .iter()
            .find(|m| m.name == entry.name)
            .ok_or_else(|| CompileError::Abi(format!("abi method not defined in source code: {}", entry.name)))?;
        if method.params != entry.args.len() {
            return Err(CompileError::Abi(format!(
                "args length of {} does not match the source: abi {}, source {}",
                entry.name,
                entry.args.len(),
                method.params
            )));
        }
    }
    Ok(())
}
