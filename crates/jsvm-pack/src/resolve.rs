//! Where a request leads, by Node's rules: relative paths with the `.js`, `.json` and `.ts`
//! extensions and `index` files, and packages under `node_modules` with their `main`.

use std::path::{Path, PathBuf};

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

/// Extensions tried after a request, in order (Node's `.js`, `.json`, then TypeScript).
const EXTENSIONS: &[&str] = &["js", "json", "ts"];

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

pub(crate) fn resolve_relative(root: &Path, base: &Path, request: &str) -> Option<PathBuf> {
    let path = join_inside(root, base, request)?;
    as_file(&path).or_else(|| as_directory(&path))
}

/// Where `request`, written in `from`, leads (Node's rules); the message says why not.
pub(crate) fn resolve(root: &Path, from: &Path, request: &str) -> Result<PathBuf, String> {
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
