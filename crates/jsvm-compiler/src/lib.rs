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
//! All parsing goes through oxc, and all oxc use stays in the private `parse`, `meter_walk`
//! and `meter_strip` modules because oxc's API changes between releases.
//!
//! This crate is on the consensus path: it reads no files and runs no programs. `jsvm pack`
//! (the `jsvm-pack` crate) turns a project directory into a [`Bundle`] that this crate
//! compiles; a module compiled from TypeScript carries a [`SourceMap`] back to its `.ts`
//! file, which errors and the node's log use.

mod abi;
mod args;
mod bundle;
mod column_map;
mod contract;
mod error;
mod meter;
mod meter_strip;
mod meter_walk;
mod nesting;
mod parse;
mod position;
mod source_map;

pub use abi::{
    parse_abi, validate_abi, Abi, AbiMethod, AmountLimit, ArgType, ABI_LANG, MAX_ABI_ARGS, MAX_ABI_METHODS,
    MAX_METHOD_NAME_LEN,
};
pub use args::{decode_args, ArgError, MAX_ARGS_BYTES};
pub use bundle::{
    bundle_lines, map_positions, parse_bundle, rewrite_positions, Bundle, BundleLines, BundleModule, BUNDLE_VERSION,
    MAX_MODULES,
};
pub use column_map::ColumnMap;
pub use contract::{
    compile_contract, compile_contract_metered, prepared_columns, unmetered_program, CompiledContract, MethodInfo,
    MAX_CODE_BYTES,
};
pub use error::CompileError;
pub use meter::{MeterCosts, MAX_CALL_DEPTH, MAX_METERED_LIMIT, WRAPPER_PREFIX, WRAPPER_SUFFIX};
pub use meter_walk::check_regex_pattern;
pub use nesting::MAX_NESTING;
pub use position::line_col;
pub use source_map::SourceMap;
