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
