//! A contract's code and ABI from what an author points at: a single `.js` contract
//! file beside its `.abi`, a project directory (packed here, in memory), or a
//! bundle file that `jsvm pack` wrote.

use std::path::Path;

use crate::{needs_npm_install, pack_project};

/// A contract ready for `system.iost`'s `setCode`: its code and its ABI as JSON.
#[derive(Debug, Clone)]
pub struct ContractSource {
    /// The code a deploy carries (a bundle's code for a project or a bundle).
    pub code: String,
    /// The ABI: `abi` when given, else the file's own (`FILE.abi`, the project's, the bundle's).
    pub abi: serde_json::Value,
}

/// Reads the contract at `path`; `abi` overrides the ABI found beside it. `on_npm` is told
/// before a project's npm dependencies are installed (it can take a while). Errors name the
/// file and say what is wrong.
pub fn load_contract(path: &Path, abi: Option<&Path>, on_npm: impl FnOnce()) -> Result<ContractSource, String> {
    if path.is_dir() {
        if needs_npm_install(path) {
            on_npm();
        }
        let packed = pack_project(path).map_err(|e| format!("cannot pack {}: {e}", path.display()))?;
        let abi = match abi {
            Some(abi) => read_abi(abi)?,
            None => packed.bundle.abi.clone().unwrap_or_default(),
        };
        return Ok(ContractSource { code: packed.bundle.code(), abi });
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read contract {}: {e}", path.display()))?;
    match jsvm_compiler::parse_bundle(&text) {
        Some(bundle) => {
            let bundle = bundle.map_err(|e| format!("{}: {e}", path.display()))?;
            let abi = match (abi, &bundle.abi) {
                (Some(abi), _) => read_abi(abi)?,
                (None, Some(own)) => own.clone(),
                (None, None) => {
                    return Err(format!(
                        "bundle {} has no ABI: give one (--abi FILE to the CLI, `abi` to chain.deploy)",
                        path.display()
                    ))
                }
            };
            Ok(ContractSource { code: bundle.code(), abi })
        }
        None => {
            let abi = read_abi(&abi.map(Path::to_path_buf).unwrap_or_else(|| path.with_extension("abi")))?;
            Ok(ContractSource { code: text, abi })
        }
    }
}

fn read_abi(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read ABI {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("ABI {} is not valid JSON: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::load_contract;

    #[test]
    fn a_file_takes_its_abi_from_beside_it_and_a_missing_one_is_named() {
        let dir = tempfile_dir();
        std::fs::write(dir.join("c.js"), "class C { f() {} }\nmodule.exports = C;\n").unwrap();
        let e = load_contract(&dir.join("c.js"), None, || {}).unwrap_err();
        assert!(e.starts_with("cannot read ABI ") && e.contains("c.abi"), "{e}");
        std::fs::write(dir.join("c.abi"), r#"{"lang":"javascript","version":"1.0.0","abi":[]}"#).unwrap();
        let c = load_contract(&dir.join("c.js"), None, || {}).unwrap();
        assert_eq!((c.code.starts_with("class C"), c.abi["lang"].as_str()), (true, Some("javascript")));
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("jsvm-pack-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
