//! `jsvm pack`: a contract project directory into one [`Bundle`] (see docs/packing.md).
//!
//! A crate of its own because it reads the file system and runs npm, which the
//! consensus-path compiler (`jsvm-compiler`) never does: a node needs only that crate to
//! check, deploy and run a bundle; the pack runs on the author's machine (the CLI).
//!
//! The entry is `package.json`'s `main` (default `index.js`, else `index.ts`). From it the
//! pack follows every `require("…")` and `import … from "…"` with Node's resolution rules
//! (`resolve`), includes only the files it reaches, and records for each module where each
//! request leads. Each file is scanned (`scan`): TypeScript compiled as `tsc` emits it, ES
//! modules converted to CommonJS, with a source map for compiled files. Missing npm
//! dependencies are installed with npm first. Everything is deterministic: the same project
//! gives the same bytes.
//!
//! oxc (pinned, its API changes between releases) is used only inside `scan`; no oxc type
//! leaves it.

mod abi;
mod load;
mod resolve;
mod scan;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use thiserror::Error;

pub use load::{load_contract, ContractSource};

use jsvm_compiler::{
    compile_contract_metered, line_col, parse_abi, Abi, Bundle, BundleModule, CompileError, CompiledContract,
    MeterCosts, BUNDLE_VERSION,
};

/// Why a project cannot be packed. Positions are the author's `file:line:column`.
#[derive(Debug, Error)]
pub enum PackError {
    /// A rule broken at a place in a project file.
    #[error("{file}:{line}:{column}: {message}")]
    At {
        /// The file's path relative to the project directory, `/`-separated.
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column, in Unicode characters.
        column: u32,
        /// What is wrong there.
        message: String,
    },
    /// The project as a whole (package.json, the entry, the ABI, a file that cannot be read).
    #[error("{0}")]
    Project(String),
    /// npm is missing or failed.
    #[error("{0}")]
    Npm(String),
    /// The packed bundle does not compile as a contract.
    #[error("{0}")]
    Compile(#[from] CompileError),
}

/// A packed project.
#[derive(Debug)]
pub struct Packed {
    /// The bundle, ABI included.
    pub bundle: Bundle,
    /// The ABI (from `contract.abi` / `<entry>.abi`, or generated).
    pub abi: Abi,
    /// Whether the ABI was generated from the entry class's signatures.
    pub abi_generated: bool,
    /// The bundle compiled as a contract (proof that it deploys; its code hash).
    pub compiled: CompiledContract,
}

/// The built-in modules of the contract runtime.
const VM_BUILTINS: &[&str] = &["storage", "blockchain"];

/// Packs the project in `dir`: installs missing npm dependencies, walks the module graph
/// from the entry, builds the bundle and compiles it under the default metering costs.
pub fn pack_project(dir: &Path) -> Result<Packed, PackError> {
    let root = dir
        .canonicalize()
        .map_err(|e| PackError::Project(format!("cannot open project directory {}: {e}", dir.display())))?;
    if !root.is_dir() {
        return Err(PackError::Project(format!("{} is not a directory", dir.display())));
    }
    let manifest = read_manifest(&root)?;
    install_dependencies(&root, &manifest)?;
    let entry_path = entry_of(&root, &manifest)?;
    let entry = module_id(&root, &entry_path)?;
    let mut modules: BTreeMap<String, BundleModule> = BTreeMap::new();
    let mut scans: BTreeMap<String, scan::Scanned> = BTreeMap::new();
    let mut todo = vec![entry_path.clone()];
    let mut seen = BTreeSet::from([entry.clone()]);
    while let Some(path) = todo.pop() {
        let id = module_id(&root, &path)?;
        let text = std::fs::read_to_string(&path).map_err(|e| PackError::Project(format!("cannot read {id}: {e}")))?;
        let at = |offset: u32, message: String| {
            let (line, column) = line_col(&text, offset);
            PackError::At { file: id.clone(), line, column, message }
        };
        if has_extension(&path, "json") {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
                return Err(PackError::At {
                    file: id.clone(),
                    line: u32::try_from(e.line()).unwrap_or(0),
                    column: u32::try_from(e.column()).unwrap_or(0),
                    message: format!("invalid JSON: {e}"),
                });
            }
            modules.insert(
                id.clone(),
                BundleModule { source: scan::json_module(&text), deps: BTreeMap::new(), map: None },
            );
            continue;
        }
        let typescript = ["ts", "mts", "cts"].iter().any(|ext| has_extension(&path, ext));
        let scanned = scan::scan(&text, typescript).map_err(|e| at(e.offset, e.message))?;
        let mut deps = BTreeMap::new();
        for (request, offset) in &scanned.requests {
            if VM_BUILTINS.contains(&request.as_str()) {
                continue;
            }
            let target = match resolve::resolve(&root, &path, request) {
                Ok(target) => target,
                // Only inside `try` blocks: left out; the load check runs what the file does then.
                Err(_) if scanned.optional.contains(request) => continue,
                Err(message) => return Err(at(*offset, message)),
            };
            let target_id = module_id(&root, &target).map_err(|e| at(*offset, e.to_string()))?;
            if seen.insert(target_id.clone()) {
                todo.push(target);
            }
            deps.insert(request.clone(), target_id);
        }
        modules.insert(id.clone(), BundleModule { source: scanned.source.clone(), deps, map: scanned.map.clone() });
        scans.insert(id, scanned);
    }
    let (abi_value, abi_generated) = match abi_file(&root, &entry_path) {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| PackError::Project(format!("cannot read ABI {}: {e}", path.display())))?;
            let value: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| PackError::Project(format!("ABI {} is not valid JSON: {e}", path.display())))?;
            (value, false)
        }
        None => {
            let entry_text = std::fs::read_to_string(&entry_path).unwrap_or_default();
            (abi::generate_abi(&entry, &entry_text, &scans[&entry])?, true)
        }
    };
    let abi = parse_abi(&abi_value.to_string())?;
    let bundle = Bundle { jsvm_bundle: BUNDLE_VERSION, entry: entry.clone(), abi: Some(abi_value), modules };
    let compiled = compile_contract_metered(&bundle.code(), &abi, &entry, &MeterCosts::default())?;
    Ok(Packed { bundle, abi, abi_generated, compiled })
}

/// A test script ready to run (see [`compile_script`]).
#[derive(Debug, Clone)]
pub struct Script {
    /// The JavaScript to run.
    pub code: String,
    /// For TypeScript: the author's 1-based line of each 0-based line of `code` (None: the
    /// lines are the author's).
    pub lines: Option<Vec<u32>>,
}

impl Script {
    /// The author's line of `code`'s 1-based `line`.
    pub fn author_line(&self, line: u32) -> u32 {
        match &self.lines {
            Some(lines) => lines.get(line.saturating_sub(1) as usize).copied().unwrap_or(line),
            None => line,
        }
    }
}

/// A standalone script (a `jsvm test` file, named `file` in errors) read as the pack reads
/// project files: JavaScript is checked for syntax, TypeScript (`typescript`) compiled as
/// `tsc` emits it. Module syntax is refused: such a script's API is in its globals.
pub fn compile_script(file: &str, source: &str, typescript: bool) -> Result<Script, PackError> {
    let script = scan::script(source, typescript).map_err(|e| {
        let (line, column) = line_col(source, e.offset);
        PackError::At { file: file.to_string(), line, column, message: e.message }
    })?;
    Ok(Script { code: script.code, lines: script.lines })
}

/// `package.json`, or an empty object when there is none.
fn read_manifest(root: &Path) -> Result<serde_json::Value, PackError> {
    let path = root.join("package.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            serde_json::from_str(&text).map_err(|e| PackError::Project(format!("package.json is not valid JSON: {e}")))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(serde_json::json!({})),
        Err(e) => Err(PackError::Project(format!("cannot read package.json: {e}"))),
    }
}

/// Whether packing `dir` will run `npm install` first (its package.json lists dependencies
/// and it has no `node_modules`), so that a caller can say so before it waits on npm.
pub fn needs_npm_install(dir: &Path) -> bool {
    read_manifest(dir).is_ok_and(|m| npm_install_pending(dir, &m))
}

fn npm_install_pending(root: &Path, manifest: &serde_json::Value) -> bool {
    let has_deps = manifest.get("dependencies").and_then(|d| d.as_object()).is_some_and(|d| !d.is_empty());
    has_deps && !root.join("node_modules").exists()
}

/// Runs `npm install` when package.json has dependencies and `node_modules` is absent.
fn install_dependencies(root: &Path, manifest: &serde_json::Value) -> Result<(), PackError> {
    if !npm_install_pending(root, manifest) {
        return Ok(());
    }
    let args = ["install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"];
    let out = Command::new("npm").args(args).current_dir(root).output().map_err(|e| {
        PackError::Npm(format!(
            "package.json lists dependencies and node_modules is absent, but npm cannot be run ({e}): \
             install Node.js and npm, or put the packages under node_modules yourself"
        ))
    })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(PackError::Npm(format!(
            "npm {} failed ({}); is the network reachable? npm said: {}",
            args.join(" "),
            out.status,
            tail.join(" | ")
        )));
    }
    Ok(())
}

fn entry_of(root: &Path, manifest: &serde_json::Value) -> Result<PathBuf, PackError> {
    match manifest.get("main") {
        Some(serde_json::Value::String(main)) => resolve::resolve_relative(root, root, main)
            .ok_or_else(|| PackError::Project(format!("package.json's main {main:?} names no file"))),
        Some(other) => Err(PackError::Project(format!("package.json's main must be a string, not {other}"))),
        None => ["index.js", "index.ts"].iter().map(|f| root.join(f)).find(|p| p.is_file()).ok_or_else(|| {
            PackError::Project("no entry: package.json has no main and there is no index.js or index.ts".into())
        }),
    }
}

/// `contract.abi`, else the entry's path with `.abi` in place of its extension.
fn abi_file(root: &Path, entry: &Path) -> Option<PathBuf> {
    [root.join("contract.abi"), entry.with_extension("abi")].into_iter().find(|p| p.is_file())
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e == ext)
}

/// A module's id: its path relative to the project, `/`-separated.
fn module_id(root: &Path, path: &Path) -> Result<String, PackError> {
    let rel = path
        .strip_prefix(root)
        .map_err(|_| PackError::Project(format!("{} is outside the project directory", path.display())))?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(p) => Ok(p.to_string_lossy().into_owned()),
            _ => Err(PackError::Project(format!("{} is outside the project directory", path.display()))),
        })
        .collect::<Result<_, _>>()?;
    Ok(parts.join("/"))
}
