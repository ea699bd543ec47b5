//! The contract ABI: which methods a transaction may call, with which argument types.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::CompileError;

/// The only `lang` this VM runs.
pub const ABI_LANG: &str = "javascript";
/// Most methods an ABI may list, to bound per-contract metadata.
pub const MAX_ABI_METHODS: usize = 256;
/// Most arguments an ABI method may take, to bound per-call decoding work.
pub const MAX_ABI_ARGS: usize = 16;
/// Longest ABI method name, in characters.
pub const MAX_METHOD_NAME_LEN: usize = 32;

/// A contract's ABI document. Unknown JSON fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Abi {
    /// The contract language; only `javascript` is accepted.
    #[serde(default = "default_lang")]
    pub lang: String,
    /// The ABI's version text, as the author wrote it (IOST writes `1.0.0`).
    #[serde(default = "default_version")]
    pub version: String,
    /// The methods a transaction may call.
    pub abi: Vec<AbiMethod>,
}

fn default_lang() -> String {
    ABI_LANG.to_string()
}

fn default_version() -> String {
    "1.0.0".to_string()
}

impl Abi {
    /// The ABI entry for `name`, if the method is callable.
    pub fn method(&self, name: &str) -> Option<&AbiMethod> {
        self.abi.iter().find(|method| method.name == name)
    }
}

/// One callable method.
///
/// Deserialized through [`RawAbiMethod`] so that an unknown argument type can be reported
/// together with the method that declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawAbiMethod")]
pub struct AbiMethod {
    /// The method's name in the contract class.
    pub name: String,
    /// The types its arguments must have, in order.
    pub args: Vec<ArgType>,
    /// The most of each token a call may spend (the `amountLimit` field).
    #[serde(rename = "amountLimit", default)]
    pub amount_limit: Vec<AmountLimit>,
    /// How many of the last `args` a call may leave out: a jsvm extension, absent (0) in IOST's
    /// ABIs, where every argument is required. The contract receives fewer arguments, so a
    /// left-out parameter is `undefined` and its default value in the signature applies.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub optional: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl AbiMethod {
    /// The fewest arguments a call must pass.
    pub fn required_args(&self) -> usize {
        self.args.len().saturating_sub(self.optional)
    }
}

/// The most of `token` a call of the method may spend; `val` is a decimal string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountLimit {
    /// The token's symbol, or `*` for every token.
    pub token: String,
    /// The amount, a decimal string, or `unlimited`.
    pub val: String,
}

/// The JSON type an argument must have (see [`crate::decode_args`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArgType {
    /// A JSON string.
    String,
    /// A JSON `true` or `false`.
    Bool,
    /// A JSON integer that fits in an `i64`.
    Number,
    /// Any JSON value.
    Json,
}

impl ArgType {
    const ALL: [ArgType; 4] = [ArgType::String, ArgType::Bool, ArgType::Number, ArgType::Json];

    /// The name used in ABI JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ArgType::String => "string",
            ArgType::Bool => "bool",
            ArgType::Number => "number",
            ArgType::Json => "json",
        }
    }

    fn from_name(name: &str) -> Option<ArgType> {
        Self::ALL.into_iter().find(|ty| ty.as_str() == name)
    }
}

impl fmt::Display for ArgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// [`AbiMethod`] as written, before its argument type names are checked.
#[derive(Deserialize)]
struct RawAbiMethod {
    name: String,
    args: Vec<String>,
    #[serde(rename = "amountLimit", default)]
    amount_limit: Vec<AmountLimit>,
    #[serde(default)]
    optional: usize,
}

impl TryFrom<RawAbiMethod> for AbiMethod {
    type Error = String;

    fn try_from(raw: RawAbiMethod) -> Result<Self, String> {
        let args = raw
            .args
            .iter()
            .map(|arg| {
                ArgType::from_name(arg).ok_or_else(|| {
                    format!(
                        "unknown argument type \"{arg}\" in method {}; \
                         allowed types are string, bool, number, json",
                        raw.name
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(AbiMethod { name: raw.name, args, amount_limit: raw.amount_limit, optional: raw.optional })
    }
}

/// Parses ABI JSON. Only the JSON shape is checked here; [`validate_abi`] checks the rules.
pub fn parse_abi(text: &str) -> Result<Abi, CompileError> {
    serde_json::from_str(text).map_err(|e| {
        if e.is_data() {
            CompileError::Abi(e.to_string())
        } else {
            CompileError::Json(e.to_string())
        }
    })
}

/// Checks the ABI rules that do not depend on the source code.
pub fn validate_abi(abi: &Abi) -> Result<(), CompileError> {
    let fail = |message: String| Err(CompileError::Abi(message));
    if abi.lang != ABI_LANG {
        return fail(format!("lang must be \"{ABI_LANG}\", got \"{}\"", abi.lang));
    }
    if abi.abi.len() > MAX_ABI_METHODS {
        return fail(format!("too many methods: {}, at most {MAX_ABI_METHODS} are allowed", abi.abi.len()));
    }
    let mut seen = BTreeSet::new();
    for method in &abi.abi {
        check_method_name(&method.name).or_else(fail)?;
        if !seen.insert(method.name.as_str()) {
            return fail(format!("method {} is listed twice", method.name));
        }
        if method.args.len() > MAX_ABI_ARGS {
            return fail(format!(
                "method {} has {} args, at most {MAX_ABI_ARGS} are allowed",
                method.name,
                method.args.len()
            ));
        }
        if method.optional > method.args.len() {
            return fail(format!(
                "method {} makes its last {} args optional but has {}",
                method.name,
                method.optional,
                method.args.len()
            ));
        }
    }
    Ok(())
}

fn check_method_name(name: &str) -> Result<(), String> {
    let len = name.chars().count();
    if len == 0 || len > MAX_METHOD_NAME_LEN {
        return Err(format!("method name \"{name}\" must be 1 to {MAX_METHOD_NAME_LEN} characters long"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("method name \"{name}\" may only contain letters A-Z a-z, digits and '_'"));
    }
    if name.starts_with('_') {
        return Err(format!("method {name} starts with '_', which marks it private"));
    }
    if name == "init" {
        return Err("init runs once at deploy and must not be listed in the ABI".to_string());
    }
    Ok(())
}
