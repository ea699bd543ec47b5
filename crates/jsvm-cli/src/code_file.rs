//! The chain names a contract's code after the contract (`Contract<tx hash>.js` for a deploy,
//! `<id>.js` for an update): that is what its compile errors and stack traces say, in the receipt
//! and the log. The author knows the code by the file they gave `deploy` or `update`, so what this
//! process prints on stderr names that file instead. The receipt on stdout stays the chain's,
//! byte for byte.

use std::path::Path;
use std::sync::OnceLock;

use jsvm_vm::Receipt;

use crate::output::note;

/// The deployed file, and the contract id it goes to (`None`: a new contract, named after the
/// transaction's hash).
struct CodeFile {
    shown: String,
    id: Option<String>,
}

static CODE_FILE: OnceLock<CodeFile> = OnceLock::new();

/// Remembers that this command deploys `file` (to contract `id` for an update).
pub(crate) fn deploying(file: &Path, id: Option<&str>) {
    let _ = CODE_FILE.set(CodeFile { shown: file.display().to_string(), id: id.map(str::to_string) });
}

/// The name the chain gave the deployed code in `receipt`, and the author's, when this command
/// deploys a file.
fn names(receipt: &Receipt) -> Option<(String, &'static str)> {
    let file = CODE_FILE.get()?;
    let id = file.id.clone().unwrap_or_else(|| format!("Contract{}", receipt.tx_hash));
    Some((format!("{id}.js"), file.shown.as_str()))
}

/// `line` with the chain's name of the deployed code replaced by the author's file.
pub(crate) fn in_author_terms(receipt: &Receipt, line: &str) -> String {
    match names(receipt) {
        Some((chain, author)) => line.replace(&chain, author),
        None => line.to_string(),
    }
}

/// When the receipt's message names the deployed code as the chain does, says it again on stderr
/// with the author's file, as a compiler would (`jsvm: hello.js:5:5: syntax error: …`).
pub(crate) fn restate_message(receipt: &Receipt) {
    if let Some((chain, author)) = names(receipt) {
        if receipt.message.contains(&chain) {
            note(format_args!("jsvm: {}", receipt.message.replace(&chain, author)));
        }
    }
}
