//! The one error type of contract compilation.

use thiserror::Error;

/// Why a contract (source plus ABI) was rejected.
///
/// Each message is one line meant for the contract author; positions are 1-based
/// `line:column` in the author's source (see [`crate::line_col`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CompileError {
    /// The source is empty or only whitespace.
    #[error("contract source is empty")]
    Empty,
    /// The source is longer than [`crate::MAX_CODE_BYTES`].
    #[error("contract source is {size} bytes, more than the limit of {max} bytes")]
    TooLarge {
        /// The source's size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The source is not a valid ECMAScript script.
    #[error("{file}:{line}:{column}: syntax error: {message}")]
    Parse {
        /// The author's file.
        file: String,
        /// Line, 1-based.
        line: u32,
        /// Column, 1-based.
        column: u32,
        /// The parser's words.
        message: String,
    },
    /// Brackets nest deeper than [`crate::MAX_NESTING`], which would make parsing slow.
    #[error("{file}:{line}:{column}: brackets, braces and parentheses nest more than {max} deep")]
    TooDeep {
        /// The author's file.
        file: String,
        /// Line, 1-based.
        line: u32,
        /// Column, 1-based.
        column: u32,
        /// The deepest nesting allowed.
        max: usize,
    },
    /// Syntax that is valid JavaScript but not accepted in contracts (see the message).
    #[error("{file}:{line}:{column}: {message}")]
    Unsupported {
        /// The author's file.
        file: String,
        /// Line, 1-based.
        line: u32,
        /// Column, 1-based.
        column: u32,
        /// What is not accepted, and why.
        message: String,
    },
    /// The source uses an identifier the VM keeps for itself.
    #[error(
        "{file}:{line}:{column}: identifier '{name}' is reserved \
         (names starting with '__jsvm' or '_IOST', and 'IOSTInstruction', belong to the VM)"
    )]
    Reserved {
        /// The author's file.
        file: String,
        /// The reserved identifier.
        name: String,
        /// Line, 1-based.
        line: u32,
        /// Column, 1-based.
        column: u32,
    },
    /// The source parses but is not shaped like a contract (class, `init`, `module.exports`).
    #[error("{0}")]
    Shape(String),
    /// The ABI is well-formed JSON but breaks an ABI rule or disagrees with the source.
    #[error("invalid ABI: {0}")]
    Abi(String),
    /// The ABI text is not JSON.
    #[error("ABI is not valid JSON: {0}")]
    Json(String),
    /// A bundle (see `jsvm pack`) that is not well-formed.
    #[error("{0}")]
    Bundle(String),
    /// The compiler itself failed (e.g. the parser thread could not start); not the author's fault.
    #[error("internal compiler error: {0}")]
    Internal(String),
}

impl CompileError {
    /// The line and column of an error that points into a source file, to be moved (for
    /// instance to the author's `.ts` file through a source map); `None` for the others.
    pub fn position_mut(&mut self) -> Option<(&mut u32, &mut u32)> {
        match self {
            CompileError::Parse { line, column, .. }
            | CompileError::TooDeep { line, column, .. }
            | CompileError::Unsupported { line, column, .. }
            | CompileError::Reserved { line, column, .. } => Some((line, column)),
            _ => None,
        }
    }
}
