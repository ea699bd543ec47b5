//! A one-line progress bar on stderr for the long benchmark parts.

use std::io::Write;
use std::time::Instant;

pub(crate) struct Progress {
    total: usize,
    done: usize,
    start: Instant,
}

impl Progress {
    pub(crate) fn new(total: usize) -> Progress {
        Progress { total, done: 0, start: Instant::now() }
    }

    fn draw(&self, label: &str) {
        let width = 24;
        let filled = width * self.done / self.total.max(1);
        let bar: String = "#".repeat(filled) + &"-".repeat(width - filled);
        let secs = self.start.elapsed().as_secs();
        eprint!("\r\x1b[2K[{bar}] {}/{} {label} ({secs} s)", self.done, self.total);
        let _ = std::io::stderr().flush();
    }

    /// Starts the next part.
    pub(crate) fn step(&mut self, label: &str) {
        self.draw(label);
        self.done += 1;
    }

    /// Names what the current part is doing now, without advancing.
    pub(crate) fn note(&self, label: &str) {
        self.draw(label);
    }

    pub(crate) fn done(&mut self) {
        self.done = self.total;
        self.draw("done");
        eprintln!();
    }
}
