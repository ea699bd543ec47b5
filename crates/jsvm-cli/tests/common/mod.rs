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
        use std::io::{BufRead, BufReader};
        const LISTENING: &str = "jsvm node listening on ";
        let child = Command::new(env!("CARGO_BIN_EXE_jsvm"))
            .arg("--data")
            .arg(data)
            .args(["node", "--http", "127.0.0.1:0"])
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Owned from here on, so that a failed start still kills the process.
        let mut node = NodeProcess { child, url: String::new(), banner: String::new() };
        let stdout = BufReader::new(node.child.stdout.take().unwrap());
        let (lines, seen) = std::sync::mpsc::channel();
        // Reads the node's stdout to its end, so that the node never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        loop {
            let line =
                seen.recv_timeout(std::time::Duration::from_secs(30)).expect("the node printed no listening line");
            if let Some(url) = line.strip_prefix(LISTENING) {
                node.url = url.trim().to_string();
                return node;
            }
            node.banner.push_str(&line);
            node.banner.push('\n');
        }
    }
}

impl Drop for NodeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
