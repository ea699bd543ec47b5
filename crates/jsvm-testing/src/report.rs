//! What a run found, per file and test, and how it is printed: a line per test, the failures'
//! details, a summary and the gas table; or one JSON document.

use serde::{Deserialize, Serialize};

use crate::gas::GasReport;

/// How a test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// It ran to its end.
    Passed,
    /// It (or a hook it needs) threw: an assertion or any other error.
    Failed,
    /// `test.skip`, or left out by a `.only` elsewhere.
    Skipped,
}

/// One test's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    /// The test's name after its `describe` names, joined by ` > `.
    pub name: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it failed: the error's message (an assertion's expected and actual values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Where in the test file, `file:line` (the author's line, for TypeScript too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The line in the script that ran (mapped to `at` by the runner).
    #[serde(default, skip_serializing)]
    pub line: Option<u32>,
    /// Wall-clock milliseconds.
    #[serde(default)]
    pub ms: u64,
}

/// A test result or a line the test printed, in the order they came.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Entry {
    /// A test ended.
    Test(TestResult),
    /// `console.log` in the test file.
    Log(String),
}

/// One test file's run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileReport {
    /// The file as given or found.
    pub file: String,
    /// Results and printed lines, in order.
    pub entries: Vec<Entry>,
    /// Why the file could not run at all (unreadable, a syntax error, no chain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Gas of the file's successful calls.
    #[serde(skip)]
    pub gas: GasReport,
}

impl FileReport {
    /// The file's test results.
    pub fn tests(&self) -> impl Iterator<Item = &TestResult> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Test(t) => Some(t),
            Entry::Log(_) => None,
        })
    }
}

/// Counts over a whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
    /// Tests skipped.
    pub skipped: usize,
    /// Files that could not run.
    pub broken_files: usize,
}

impl Summary {
    /// Counts `files`' results.
    pub fn of(files: &[FileReport]) -> Summary {
        let mut s = Summary::default();
        for f in files {
            s.broken_files += usize::from(f.error.is_some());
            for t in f.tests() {
                match t.outcome {
                    Outcome::Passed => s.passed += 1,
                    Outcome::Failed => s.failed += 1,
                    Outcome::Skipped => s.skipped += 1,
                }
            }
        }
        s
    }

    /// The exit code: 2 when a file could not run, else 1 when a test failed, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.broken_files > 0 {
            2
        } else if self.failed > 0 {
            1
        } else {
            0
        }
    }
}

/// A file's lines as the text report shows them.
pub(crate) fn file_text(f: &FileReport) -> String {
    let mut out = format!("{}\n", f.file);
    if let Some(e) = &f.error {
        out.push_str(&format!("  cannot run: {e}\n"));
    }
    for entry in &f.entries {
        match entry {
            Entry::Log(line) => out.push_str(&format!("    | {line}\n")),
            Entry::Test(t) => {
                let mark = match t.outcome {
                    Outcome::Passed => "ok  ",
                    Outcome::Failed => "FAIL",
                    Outcome::Skipped => "skip",
                };
                out.push_str(&format!("  {mark} {} ({} ms)\n", t.name, t.ms));
                if t.outcome == Outcome::Failed {
                    for line in t.message.as_deref().unwrap_or("").lines() {
                        out.push_str(&format!("       {line}\n"));
                    }
                    if let Some(at) = &t.at {
                        out.push_str(&format!("       at {at}\n"));
                    }
                }
            }
        }
    }
    out
}

/// The closing lines: the summary, then the gas table.
pub(crate) fn summary_text(summary: &Summary, gas: &GasReport) -> String {
    let mut out = format!("\n{} passed, {} failed, {} skipped", summary.passed, summary.failed, summary.skipped);
    if summary.broken_files > 0 {
        out.push_str(&format!(", {} file(s) could not run", summary.broken_files));
    }
    out.push('\n');
    let table = gas.table();
    if !table.is_empty() {
        out.push_str("\ngas (successful single-call transactions)\n");
        out.push_str(&table);
    }
    out
}

/// The whole run as one JSON document: files, summary and gas rows.
pub(crate) fn json_report(files: &[FileReport], summary: &Summary, gas: &GasReport) -> serde_json::Value {
    let gas: Vec<_> = gas
        .rows()
        .map(|(contract, method, s)| {
            serde_json::json!({
                "contract": contract, "method": method, "calls": s.calls,
                "min": s.min, "avg": s.avg(), "max": s.max,
            })
        })
        .collect();
    serde_json::json!({ "files": files, "summary": summary, "gas": gas })
}
