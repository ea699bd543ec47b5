use crate::Halt;

/// A value crossing the realm boundary. Kept to primitives so that any engine
/// can carry it; structured data crosses as JSON text.
#[derive(Debug, Clone, PartialEq)]
pub enum HostValue {
    /// JS `undefined`.
    Undefined,
    /// JS `null`.
    Null,
    /// A JS boolean.
    Bool(bool),
    /// A JS number (an IEEE double, as JS holds it).
    Number(f64),
    /// A JS string.
    String(String),
}

impl HostValue {
    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HostValue::String(s) => Some(s),
            _ => None,
        }
    }
}

/// The `TypeError` both engines throw when a host call is passed a string that UTF-8 cannot
/// carry (one with an unpaired UTF-16 surrogate): the host's strings are UTF-8.
pub(crate) const LONE_SURROGATE: &str =
    "a string with a lone surrogate (\\uD800 to \\uDFFF unpaired) cannot reach the host";

/// How a run ends whose result is such a string: as if the entry had thrown the `TypeError`.
pub(crate) fn lone_surrogate_result() -> Halt {
    Halt::Uncaught(format!("TypeError: {LONE_SURROGATE}"))
}

/// How a host call fails.
#[derive(Debug, Clone, PartialEq)]
pub enum HostError {
    /// Thrown into the realm as a JS `Error(message)`; contract code may catch it.
    Throw(String),
    /// Ends the whole run; no contract `catch` or `finally` can intercept it.
    Halt(Halt),
}

impl From<Halt> for HostError {
    fn from(halt: Halt) -> Self {
        HostError::Halt(halt)
    }
}

/// The outside world, as the realm sees it: one dispatch by operation name.
pub trait Host {
    /// Performs `op` with `args`.
    fn call(&mut self, op: &str, args: &[HostValue]) -> Result<HostValue, HostError>;
}
