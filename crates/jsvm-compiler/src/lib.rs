//! Compile-time checks for IOST-style JavaScript smart contracts.
//!
//! A contract is a classic script that declares a class and ends with
//! `module.exports = Class;`. [`compile_contract`] checks the source and its [`Abi`] and
//! wraps the source as a CommonJS module function for the engine; [`decode_args`] checks
//! the arguments of each call against the ABI.
//!
//! Gas metering is injected here too (`meter`): one charge per basic block, spliced into the
//! source text so that line numbers stay the same.
//!
//! All parsing goes through oxc, and all oxc use stays in the private `parse` and
//! `meter_walk` modules because oxc's API changes between releases.

mod abi;
mod args;
mod bundle;
mod contract;
mod error;
mod meter;
mod meter_strip;
mod meter_walk;
mod nesting;
mod pack;
mod parse;
mod position;

pub use abi::{
    parse_abi, validate_abi, Abi, AbiMethod, AmountLimit, ArgType, ABI_LANG, MAX_ABI_ARGS, MAX_ABI_METHODS,
    MAX_METHOD_NAME_LEN,
};
pub use args::{decode_args, ArgError, MAX_ARGS_BYTES};
pub use bundle::{
    bundle_lines, map_positions, parse_bundle, Bundle, BundleLines, BundleModule, BUNDLE_VERSION, MAX_MODULES,
};
pub use contract::{
    compile_contract, compile_contract_metered, unmetered_program, CompiledContract, MethodInfo, MAX_CODE_BYTES,
};
pub use error::CompileError;
pub use meter::{prepare_unmetered_for_benchmark, MeterCosts, MAX_CALL_DEPTH, MAX_METERED_LIMIT, WRAPPER_PREFIX};
pub use meter_walk::check_regex_pattern;
pub use nesting::MAX_NESTING;
pub use pack::{needs_npm_install, pack_project, PackError, Packed};
pub use position::line_col;
