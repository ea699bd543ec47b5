//! `jsvm key new` and the key files `--key FILE` reads.

use std::path::Path;

use jsvm_tx::{Algorithm, KeyPair};

use crate::args::KeyCmd;
use crate::commands::{CmdResult, Outcome};
use crate::output::out;

/// The algorithm's name in key files: lower case, as iwallet writes it (`ed25519`, `secp256k1`).
fn algorithm_name(algorithm: Algorithm) -> String {
    algorithm.name().to_ascii_lowercase()
}

/// A key pair as `jsvm key new` prints it and `--key FILE` reads it.
pub(crate) fn key_json(key: &KeyPair) -> serde_json::Value {
    serde_json::json!({
        "algorithm": algorithm_name(key.algorithm()),
        "public_key": key.public_key_b58(),
        "secret_key": key.secret_key_b58(),
    })
}

pub(crate) fn run(what: KeyCmd) -> CmdResult {
    match what {
        KeyCmd::New { secp256k1 } => {
            let algorithm = if secp256k1 { Algorithm::Secp256k1 } else { Algorithm::Ed25519 };
            out!("{}", key_json(&KeyPair::generate(algorithm)))?;
            Ok(Outcome::Success)
        }
    }
}

/// The key in `path`: the JSON `jsvm key new` prints (its public key and algorithm must be the
/// secret's) or a bare base58 secret (64 bytes: ed25519, 32 bytes: secp256k1).
pub(crate) fn read_key_file(path: &Path) -> Result<KeyPair, String> {
    let what = || format!("key file {}", path.display());
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", what()))?;
    let text = text.trim();
    if !text.starts_with('{') {
        return KeyPair::from_secret_b58(text).map_err(|e| format!("{}: not a base58 secret key: {e}", what()));
    }
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("{}: not valid JSON: {e}", what()))?;
    let field = |name: &str| json.get(name).and_then(serde_json::Value::as_str);
    let secret = field("secret_key").ok_or_else(|| format!("{}: no \"secret_key\" string", what()))?;
    let key =
        KeyPair::from_secret_b58(secret).map_err(|e| format!("{}: \"secret_key\" is not a secret key: {e}", what()))?;
    if let Some(public) = field("public_key") {
        if public != key.public_key_b58() {
            return Err(format!("{}: \"public_key\" is not the public key of \"secret_key\"", what()));
        }
    }
    if let Some(algorithm) = field("algorithm") {
        if !algorithm.eq_ignore_ascii_case(&algorithm_name(key.algorithm())) {
            return Err(format!(
                "{}: \"algorithm\" is {algorithm} but \"secret_key\" is a key of {}",
                what(),
                algorithm_name(key.algorithm())
            ));
        }
    }
    Ok(key)
}
