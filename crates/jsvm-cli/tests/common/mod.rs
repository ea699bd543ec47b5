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
