//! Where a command that makes a new chain (`demo`, `replay`) puts it: `--data DIR`, kept, which must
//! be empty or absent; else a temporary directory removed when the command ends.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// A new chain's directory; a temporary one lives as long as this value.
pub(crate) struct NewChainDir {
    path: PathBuf,
    _temp: Option<TempDir>,
}

impl NewChainDir {
    /// `keep` (checked to hold nothing), else a new temporary directory. `what` says what the
    /// command does there, for the refusal of a directory in use ("the demo makes a new chain").
    pub(crate) fn new(keep: Option<&Path>, what: &str) -> Result<NewChainDir, String> {
        match keep {
            Some(dir) => {
                check_unused(dir, what)?;
                Ok(NewChainDir { path: dir.to_path_buf(), _temp: None })
            }
            None => {
                let temp = tempfile::tempdir().map_err(|e| e.to_string())?;
                Ok(NewChainDir { path: temp.path().join("data"), _temp: Some(temp) })
            }
        }
    }

    /// The chain's directory.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

/// Refuses a `--data` directory that holds anything: the command makes a new chain there.
fn check_unused(dir: &Path, what: &str) -> Result<(), String> {
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_none()) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot read --data {}: {e}", dir.display())),
        Ok(true) => Ok(()),
        Ok(false) => Err(format!(
            "--data {}: {what}, and this directory is not empty; give a new one, or leave --data out for a \
             temporary one",
            dir.display()
        )),
    }
}
