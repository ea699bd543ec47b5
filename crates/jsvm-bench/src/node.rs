//! The same token contract on Node's V8, when `node` is installed: one realm, one
//! contract instance per call, state in a Map, no meter and no commit — the
//! fastest this JavaScript can go, for scale.

use std::process::Command;

use crate::token::TOKEN_JS;
use crate::Timing;

const DRIVER: &str = r#"
const fs = require("fs");
const source = fs.readFileSync(process.argv[2], "utf8");
const n = Number(process.argv[3]);
const values = new Map();
globalThis.storage = {
    get(k) { const v = values.get(k); return v === undefined ? null : v; },
    put(k, v) { values.set(k, v); },
    mapGet(k, f) { const v = values.get(k + "\0" + f); return v === undefined ? null : v; },
    mapPut(k, f, v) { values.set(k + "\0" + f, v); },
};
globalThis.blockchain = {
    requireAuth() { return true; }, receipt() {}, event() {}, publisher() { return "admin"; },
};
const contract = { exports: {} };
new Function("module", "exports", source)(contract, contract.exports);
const Token = contract.exports;
for (let i = 0; i < 100; i++) values.set("balances\0holder" + i, "1000000000");
const call = (i) => new Token().transfer("holder" + (i % 100), "holder" + ((i + 1) % 100), "1", "");
for (let i = 0; i < Math.min(n, 2000); i++) call(i);
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) call(i);
const ns = Number(process.hrtime.bigint() - t0);
console.log(JSON.stringify({ ns, n }));
"#;

/// `node --version`, or `None` when Node is not on the PATH.
pub(crate) fn version() -> Option<String> {
    let out = Command::new("node").arg("--version").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Transfers per second on Node, or `Ok(None)` without Node.
pub(crate) fn measure(n: usize) -> Result<Option<Timing>, String> {
    if version().is_none() {
        return Ok(None);
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (driver, contract) = (dir.path().join("driver.cjs"), dir.path().join("token.js"));
    std::fs::write(&driver, DRIVER).map_err(|e| e.to_string())?;
    std::fs::write(&contract, TOKEN_JS).map_err(|e| e.to_string())?;
    let out =
        Command::new("node").arg(&driver).arg(&contract).arg(n.to_string()).output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("node failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("node's output: {e}"))?;
    let ns = v["ns"].as_f64().ok_or("node's output has no time")?;
    Ok(Some(Timing::new(n, ns / 1e9)))
}
