//! stdout and stderr without a panic when the reader has gone away: `jsvm demo | head` stops reading
//! after ten lines, and the rest of the output is dropped quietly instead of aborting the command
//! (whose exit code still says how the command went).

use std::fmt::Display;
use std::io::{ErrorKind, Write};

/// Writes `text` and a newline to stdout. A closed pipe is not an error: what the reader no longer
/// wants is dropped. Any other failure (a full disk behind `>`) is.
pub(crate) fn line(text: impl Display) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(format!("cannot write to stdout: {e}")),
        _ => Ok(()),
    }
}

/// Writes `text` and a newline to stderr, ignoring failure: there is nowhere left to report it.
pub(crate) fn note(text: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// stdout as a writer for reports written in pieces (`jsvm test`): a closed pipe drops the rest,
/// as [`line`] does.
pub(crate) struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match std::io::stdout().lock().write(buf) {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(buf.len()),
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match std::io::stdout().lock().flush() {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

/// `out!("…", args)`: [`line`] with `format!`'s arguments.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::line(format_args!($($arg)*))
    };
}
pub(crate) use out;
