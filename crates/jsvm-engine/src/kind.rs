//! Choosing an engine at run time.

use std::fmt;
use std::str::FromStr;

use crate::Engine;

/// The JavaScript engines jsvm can run contracts on.
///
/// ```
/// use jsvm_engine::EngineKind;
/// assert_eq!("v8".parse::<EngineKind>(), Ok(EngineKind::V8));
/// assert_eq!(EngineKind::QuickJs.to_string(), "quickjs");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EngineKind {
    /// QuickJS (quickjs-ng), always built.
    #[default]
    QuickJs,
    /// V8 10.2 from libnode; built with the `v8` feature.
    V8,
}

/// The environment variable [`EngineKind::from_env`] reads.
pub const ENGINE_ENV: &str = "JSVM_ENGINE";

impl EngineKind {
    /// Every kind, built or not.
    pub const ALL: [EngineKind; 2] = [EngineKind::QuickJs, EngineKind::V8];

    /// `$JSVM_ENGINE` ("quickjs" or "v8"); QuickJS when it is unset or empty.
    ///
    /// # Panics
    /// When the variable holds anything else: a misspelt engine must not silently run
    /// the other one.
    pub fn from_env() -> EngineKind {
        match std::env::var(ENGINE_ENV) {
            Ok(v) if !v.trim().is_empty() => v.parse().unwrap_or_else(|e| panic!("{ENGINE_ENV}: {e}")),
            _ => EngineKind::QuickJs,
        }
    }

    /// Whether this build of jsvm has the engine.
    pub fn is_built(self) -> bool {
        match self {
            EngineKind::QuickJs => true,
            EngineKind::V8 => cfg!(feature = "v8"),
        }
    }

    /// The engine's name, as `FromStr` reads it.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::QuickJs => "quickjs",
            EngineKind::V8 => "v8",
        }
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EngineKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "quickjs" => Ok(EngineKind::QuickJs),
            "v8" => Ok(EngineKind::V8),
            other => Err(format!("unknown engine '{other}' (quickjs or v8)")),
        }
    }
}

/// The message for an engine this build does not have.
pub const V8_NOT_BUILT: &str = "this jsvm was built without V8 (build with --features v8)";

/// A new engine of `kind`, on the calling thread (engines are not `Send`).
///
/// ```
/// use jsvm_engine::{new_engine, EngineKind};
/// let engine = new_engine(EngineKind::QuickJs).unwrap();
/// assert!(engine.version().starts_with("quickjs"));
/// ```
pub fn new_engine(kind: EngineKind) -> Result<Box<dyn Engine>, String> {
    match kind {
        EngineKind::QuickJs => Ok(Box::new(crate::QuickJs::new()?)),
        #[cfg(feature = "v8")]
        EngineKind::V8 => Ok(Box::new(crate::V8::new()?)),
        #[cfg(not(feature = "v8"))]
        EngineKind::V8 => Err(V8_NOT_BUILT.to_string()),
    }
}
