//! What the CLI's integration tests that run `jsvm` as a process share.

use std::process::{Command, Output};

use serde_json::Value;

/// Runs the built `jsvm` with `args`.
pub(crate) fn jsvm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jsvm")).args(args).output().unwrap()
}

/// Expects exit 2, nothing on stdout and a message on stderr; returns the message.
pub(crate) fn refused(out: Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    stderr
}

/// `jsvm key new EXTRA...`'s JSON.
#[allow(dead_code)] // Not every test file makes keys.
pub(crate) fn new_key(extra: &[&str]) -> Value {
    let mut args = vec!["key", "new"];
    args.extend(extra);
    let out = jsvm(&args);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A data directory in a temporary directory of its own, and `jsvm` run on it.
#[allow(dead_code)] // Not every test file runs commands on a data directory.
pub(crate) struct Chain {
    pub(crate) dir: tempfile::TempDir,
}

#[allow(dead_code)]
impl Chain {
    pub(crate) fn new() -> Chain {
        Chain { dir: tempfile::tempdir().unwrap() }
    }

    pub(crate) fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    /// `jsvm --data DATA ARGS...`.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        let data = self.data();
        let mut all = vec!["--data", data.to_str().unwrap()];
        all.extend(args);
        jsvm(&all)
    }
}
