//! What the CLI's integration tests that run `jsvm` as a process share.

#[allow(dead_code)] // Only the tests that drive a node process with signed transactions use it.
pub(crate) mod signed;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// Runs the built `jsvm` with `args`.
pub(crate) fn jsvm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jsvm")).args(args).output().unwrap()
}

/// Every file under `dir` with its bytes: a directory's state, to show a command left it unchanged.
#[allow(dead_code)] // Only the tests that check a data directory is untouched.
pub(crate) fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(files(&path));
        } else {
            all.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    all
}

/// Expects exit 2, nothing on stdout and a message on stderr; returns the message.
#[allow(dead_code)] // Not every test file runs commands that fail.
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

/// A `jsvm node` process on a free port over `--data DIR`, killed when dropped.
#[allow(dead_code)] // Not every test file starts a node.
pub(crate) struct NodeProcess {
    child: std::process::Child,
    /// The URL the node printed it listens on.
    pub(crate) url: String,
    /// What the node printed on stdout up to its listening line.
    pub(crate) banner: String,
}

#[allow(dead_code)]
impl NodeProcess {
    /// Starts `jsvm --data DATA node --http 127.0.0.1:0 EXTRA…` and waits (at most 30 s) for its
    /// listening line.
    pub(crate) fn start(data: &std::path::Path, extra: &[&str]) -> NodeProcess {
        NodeProcess::try_start(data, extra, &[], None).unwrap_or_else(|e| panic!("{e}"))
    }

    /// As [`NodeProcess::start`], with `env` added to the node's environment and its stderr (its log)
    /// appended to `log` (else dropped); with a log it runs in the log's directory, so that a core
    /// dump of a node the crash tests abort lands there (a temporary directory). A node that exits or
    /// prints no listening line in 30 s is an error that says how it exited.
    pub(crate) fn try_start(
        data: &std::path::Path,
        extra: &[&str],
        env: &[(&str, &str)],
        log: Option<&std::path::Path>,
    ) -> Result<NodeProcess, String> {
        use std::io::{BufRead, BufReader};
        const LISTENING: &str = "jsvm node listening on ";
        let mut command = Command::new(env!("CARGO_BIN_EXE_jsvm"));
        let stderr = match log {
            Some(path) => {
                if let Some(dir) = path.parent() {
                    command.current_dir(dir);
                }
                let file = std::fs::OpenOptions::new().create(true).append(true).open(path);
                std::process::Stdio::from(file.map_err(|e| e.to_string())?)
            }
            None => std::process::Stdio::null(),
        };
        let child = command
            .arg("--data")
            .arg(data)
            .args(["node", "--http", "127.0.0.1:0"])
            .args(extra)
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| e.to_string())?;
        // Owned from here on, so that a failed start still kills the process.
        let mut node = NodeProcess { child, url: String::new(), banner: String::new() };
        let stdout = BufReader::new(node.child.stdout.take().ok_or("the node has no stdout")?);
        let (lines, seen) = std::sync::mpsc::channel();
        // Reads the node's stdout to its end, so that the node never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        loop {
            let Ok(line) = seen.recv_timeout(std::time::Duration::from_secs(30)) else {
                let exited = node.wait_exit(std::time::Duration::from_secs(5));
                return Err(format!("the node printed no listening line (exit: {exited:?})"));
            };
            if let Some(url) = line.strip_prefix(LISTENING) {
                node.url = url.trim().to_string();
                return Ok(node);
            }
            node.banner.push_str(&line);
            node.banner.push('\n');
        }
    }

    /// The node's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL, then its exit status.
    pub(crate) fn kill(&mut self) -> std::process::ExitStatus {
        let _ = self.child.kill();
        self.child.wait().unwrap()
    }

    /// Sends `signal` (e.g. `TERM`) with kill(1).
    pub(crate) fn signal(&self, signal: &str) {
        let sent = Command::new("kill").arg(format!("-{signal}")).arg(self.pid().to_string()).status().unwrap();
        assert!(sent.success(), "kill -{signal} {} failed", self.pid());
    }

    /// Its exit status once it has exited, waiting at most `timeout`; `None` while it still runs.
    pub(crate) fn wait_exit(&mut self, timeout: std::time::Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if std::time::Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
