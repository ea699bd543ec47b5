#!/usr/bin/env bash
# Regenerates contracts/ERC20.{bin,bin-runtime,abi} from contracts/ERC20.sol.
#
# Compiler: solc 0.8.26 (solcjs, the npm package `solc@0.8.26`), optimizer on,
# 200 runs, EVM version cancun. Needs node and npm; the crate's build does not:
# it includes the committed hex files.
#
# Usage: crates/jsvm-revm-peer/compile.sh   (from anywhere)
set -euo pipefail
SOLC_VERSION=0.8.26
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm install --silent --no-save "solc@$SOLC_VERSION" >/dev/null)

cat > "$tmp/compile.js" <<'JS'
const fs = require("fs");
const path = require("path");
const solc = require(path.join(process.argv[2], "node_modules", "solc"));
const dir = process.argv[3];
const input = {
  language: "Solidity",
  sources: { "ERC20.sol": { content: fs.readFileSync(path.join(dir, "ERC20.sol"), "utf8") } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "cancun",
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
  },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter((e) => e.severity === "error");
for (const e of out.errors || []) console.error(e.formattedMessage);
if (errors.length) process.exit(1);
const c = out.contracts["ERC20.sol"]["ERC20"];
console.error("compiled with solc " + solc.version());
fs.writeFileSync(path.join(dir, "ERC20.bin"), c.evm.bytecode.object + "\n");
fs.writeFileSync(path.join(dir, "ERC20.bin-runtime"), c.evm.deployedBytecode.object + "\n");
fs.writeFileSync(path.join(dir, "ERC20.abi"), JSON.stringify(c.abi, null, 2) + "\n");
JS

node "$tmp/compile.js" "$tmp" "$here/contracts"
