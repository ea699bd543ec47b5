//! `jsvm pack`: a contract project directory into one [`Bundle`] (see docs/packing.md).
//!
//! The entry is `package.json`'s `main` (default `index.js`, else `index.ts`). From it the
//! pack follows every `require("…")` and `import … from "…"` with Node's resolution rules
//! (relative paths; `.js`, `.json`, `.ts` extensions; `index` files; packages under
//! `node_modules` with their `main`), includes only the files it reaches, and records for
//! each module where each request leads. Missing npm dependencies are installed with npm
//! first. Everything is deterministic: the same project gives the same bytes.

mod scan;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use thiserror::Error;

use crate::abi::parse_abi;
use crate::bundle::{Bundle, BundleModule, BUNDLE_VERSION};
use crate::contract::{compile_contract_metered, CompiledContract};
use crate::meter::MeterCosts;
use crate::{line_col, Abi, CompileError};

/// Why a project cannot be packed. Positions are the author's `file:line:column`.
#[derive(Debug, Error)]
pub enum PackError {
    /// A rule broken at a place in a project file.
    #[error("{file}:{line}:{column}: {message}")]
    At { file: String, line: u32, column: u32, message: String },
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

/// Node's built-in modules: never available in a contract.
const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "constants",
    "crypto",
    "dgram",
    "diagnostics_channel",
    "dns",
    "domain",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "punycode",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "sys",
    "timers",
    "tls",
    "trace_events",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "wasi",
    "worker_threads",
    "zlib",
];

/// The built-in modules of the contract runtime.
const VM_BUILTINS: &[&str] = &["storage", "blockchain"];

/// Extensions tried after a request, in order (Node's `.js`, `.json`, then TypeScript).
const EXTENSIONS: &[&str] = &["js", "json", "ts"];

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
            modules.insert(id.clone(), BundleModule { source: scan::json_module(&text), deps: BTreeMap::new() });
            continue;
        }
        let typescript = ["ts", "mts", "cts"].iter().any(|ext| has_extension(&path, ext));
        let scanned = scan::scan(&text, typescript).map_err(|e| at(e.offset, e.message))?;
        let mut deps = BTreeMap::new();
        for (request, offset) in &scanned.requests {
            if VM_BUILTINS.contains(&request.as_str()) {
                continue;
            }
            let target = resolve(&root, &path, request).map_err(|message| at(*offset, message))?;
            let target_id = module_id(&root, &target).map_err(|e| at(*offset, e.to_string()))?;
            if seen.insert(target_id.clone()) {
                todo.push(target);
            }
            deps.insert(request.clone(), target_id);
        }
        modules.insert(id.clone(), BundleModule { source: scanned.source.clone(), deps });
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
            (generate_abi(&entry, &entry_text, &scans[&entry])?, true)
        }
    };
    let abi = parse_abi(&abi_value.to_string())?;
    let bundle = Bundle { jsvm_bundle: BUNDLE_VERSION, entry: entry.clone(), abi: Some(abi_value), modules };
    let compiled = compile_contract_metered(&bundle.code(), &abi, &entry, &MeterCosts::default())?;
    Ok(Packed { bundle, abi, abi_generated, compiled })
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
        Some(serde_json::Value::String(main)) => resolve_relative(root, root, main)
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

/// `base` joined with a `/`-separated relative request, `.` and `..` folded; `None` when it
/// leaves `root`.
fn join_inside(root: &Path, base: &Path, request: &str) -> Option<PathBuf> {
    let mut path = base.to_path_buf();
    for part in request.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if !path.pop() || !path.starts_with(root) {
                    return None;
                }
            }
            p => path.push(p),
        }
    }
    path.starts_with(root).then_some(path)
}

fn as_file(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    let name = path.file_name()?.to_string_lossy().into_owned();
    EXTENSIONS.iter().map(|ext| path.with_file_name(format!("{name}.{ext}"))).find(|p| p.is_file())
}

fn as_directory(path: &Path) -> Option<PathBuf> {
    if !path.is_dir() {
        return None;
    }
    let manifest = std::fs::read_to_string(path.join("package.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
    if let Some(main) = manifest.as_ref().and_then(|m| m.get("main")).and_then(|m| m.as_str()) {
        let target = path.join(main);
        if let Some(found) = as_file(&target).or_else(|| index_of(&target)) {
            return Some(found);
        }
    }
    index_of(path)
}

fn index_of(dir: &Path) -> Option<PathBuf> {
    EXTENSIONS.iter().map(|ext| dir.join(format!("index.{ext}"))).find(|p| p.is_file())
}

fn resolve_relative(root: &Path, base: &Path, request: &str) -> Option<PathBuf> {
    let path = join_inside(root, base, request)?;
    as_file(&path).or_else(|| as_directory(&path))
}

/// Where `request`, written in `from`, leads (Node's rules); the message says why not.
fn resolve(root: &Path, from: &Path, request: &str) -> Result<PathBuf, String> {
    let dir = from.parent().unwrap_or(root);
    if request.starts_with("./") || request.starts_with("../") || request == "." || request == ".." {
        return resolve_relative(root, dir, request)
            .ok_or_else(|| format!("cannot find module '{request}' (no such file inside the project)"));
    }
    if request.starts_with('/') {
        return Err(format!("absolute require path '{request}' is not supported: use a relative path"));
    }
    let name_end = if request.starts_with('@') { 2 } else { 1 };
    let package: Vec<&str> = request.splitn(name_end + 1, '/').collect();
    let name = package[..name_end.min(package.len())].join("/");
    let bare = request.strip_prefix("node:").unwrap_or(request);
    if request.starts_with("node:") || NODE_BUILTINS.contains(&bare.split('/').next().unwrap_or(bare)) {
        return Err(format!(
            "Node built-in module '{request}' is not available in a contract (only 'storage' and 'blockchain' are built in)"
        ));
    }
    let mut at = dir.to_path_buf();
    loop {
        let candidate = at.join("node_modules");
        if candidate.is_dir() {
            if let Some(found) = resolve_relative(root, &candidate, request) {
                return Ok(found);
            }
        }
        if at == root || !at.pop() {
            break;
        }
    }
    Err(format!("cannot find package '{name}' for require('{request}'): not under node_modules (run npm install?)"))
}

/// The ABI from the entry class's methods: every public method but `init` and names
/// starting with `_`; argument types from TypeScript types, else JSDoc `@param {type}` tags.
fn generate_abi(id: &str, text: &str, scanned: &scan::Scanned) -> Result<serde_json::Value, PackError> {
    let at = |offset: u32, message: String| {
        let (line, column) = line_col(text, offset);
        PackError::At { file: id.to_string(), line, column, message }
    };
    let class_name = scanned.exported_class.as_ref().ok_or_else(|| {
        PackError::Project(format!(
            "{id}: cannot generate the ABI: the entry must end with 'module.exports = CLASS;' or use \
             'export default class CLASS' (or write contract.abi)"
        ))
    })?;
    let class =
        scanned.classes.iter().find(|c| &c.name == class_name).ok_or_else(|| {
            PackError::Project(format!("{id}: exported class {class_name} is not declared at top level"))
        })?;
    let mut methods = Vec::new();
    for m in class.methods.iter().filter(|m| m.name != "init" && !m.name.starts_with('_')) {
        let mut args = Vec::new();
        for (i, (name, ts)) in m.params.iter().enumerate() {
            let doc = m.doc.iter().find(|(n, _)| !name.is_empty() && n == name).or_else(|| m.doc.get(i));
            let ty = ts.or_else(|| doc.map(|(_, t)| *t)).ok_or_else(|| {
                let which = if name.is_empty() { format!("#{}", i + 1) } else { name.clone() };
                at(
                    m.offset,
                    format!(
                        "cannot generate the ABI: parameter {which} of {} has no type; add a JSDoc \
                         '@param {{string}} {which}' tag (or a TypeScript type, or write contract.abi)",
                        m.name
                    ),
                )
            })?;
            args.push(ty);
        }
        methods.push(serde_json::json!({"name": m.name, "args": args}));
    }
    Ok(serde_json::json!({"lang": "javascript", "version": "1.0.0", "abi": methods}))
}
