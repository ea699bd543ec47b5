//! Signed `token.iost` transfers through a node's HTTP API, as a client sees them: each client signs a transfer,
//! POSTs it to `/sendTx` and polls `/getTxReceiptByTxHash` until its block is committed, then sends the next.
//! Throughput and the sent → committed latency (p50, p99) at 1 and 64 clients, beside the VM alone committing
//! the same signed transfers in blocks of the same size, so that what signatures' admission, HTTP and the mempool
//! cost is visible. The node runs in this process (`jsvm_node::start`) on 127.0.0.1; the clients are threads,
//! each with its own keep-alive connection.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use jsvm_tx::{Action, Algorithm, AmountLimit, KeyPair, Tx};
use jsvm_vm::{Status, Transaction, VmConfig, VmManager};
use serde_json::{json, Value};

use crate::Timing;

/// How often a client asks for its receipt while it waits.
const POLL: Duration = Duration::from_millis(1);
/// The longest a client waits for one receipt before the run fails.
const RECEIPT_WAIT: Duration = Duration::from_secs(30);
/// Gas limit of each transfer, as the SDK writes it (the signed bytes hold it ×100).
const GAS_LIMIT: i64 = 1_000_000;

/// One client count's figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HttpRow {
    /// Clients sending at once, each waiting for its transfer's commit before the next.
    pub clients: usize,
    /// Committed transfers per second through HTTP, all clients together.
    pub http: Timing,
    /// Median sent → committed latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile sent → committed latency, milliseconds.
    pub p99_ms: f64,
    /// The VM alone committing the same signed transfers in blocks of `clients`.
    pub vm_only: Timing,
}

fn now_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// A transaction signed by `publisher`'s `key`, as the SDK makes it (gas ratio 1, expiration in 90 s).
fn signed(publisher: &str, key: &KeyPair, actions: Vec<Action>, limits: Vec<AmountLimit>) -> Tx {
    let time = now_ns();
    let mut tx = Tx {
        time,
        expiration: time + 90_000_000_000,
        gas_ratio: 100,
        gas_limit: GAS_LIMIT * 100,
        chain_id: jsvm_node::DEFAULT_CHAIN_ID,
        actions,
        amount_limit: limits,
        ..Tx::default()
    };
    tx.add_publish_sign(publisher, key);
    tx
}

fn action(contract: &str, name: &str, data: Value) -> Action {
    Action { contract: contract.into(), action_name: name.into(), data: data.to_string() }
}

fn limit(token: &str, value: &str) -> AmountLimit {
    AmountLimit { token: token.into(), value: value.into() }
}

/// The body `POST /sendTx` takes, as IOST's SDK writes it (`JSON.stringify(tx)`).
fn sdk_json(tx: &Tx) -> Value {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let sigs = |list: &[jsvm_tx::Signature]| -> Vec<Value> {
        list.iter()
            .map(|s| {
                let (key, signature) = (b64(&s.public_key), b64(&s.signature));
                json!({"algorithm": s.algorithm.name(), "public_key": key, "signature": signature})
            })
            .collect()
    };
    json!({
        "time": tx.time, "expiration": tx.expiration, "gasRatio": tx.gas_ratio / 100, "gasLimit": tx.gas_limit / 100,
        "delay": tx.delay, "chain_id": tx.chain_id, "reserved": null, "signers": tx.signers,
        "actions": tx.actions.iter()
            .map(|a| json!({"contract": a.contract, "actionName": a.action_name, "data": a.data}))
            .collect::<Vec<_>>(),
        "amount_limit": tx.amount_limit.iter()
            .map(|l| json!({"token": l.token, "value": l.value}))
            .collect::<Vec<_>>(),
        "publisher": tx.publisher, "signatures": sigs(&tx.signatures), "publisher_sigs": sigs(&tx.publisher_sigs),
    })
}

/// A client of one node: a keep-alive agent and the base URL.
pub(crate) struct Client {
    agent: ureq::Agent,
    base: String,
}

impl Client {
    pub(crate) fn new(base: &str) -> Client {
        let config =
            ureq::Agent::config_builder().timeout_global(Some(RECEIPT_WAIT)).http_status_as_error(false).build();
        Client { agent: ureq::Agent::new_with_config(config), base: base.to_string() }
    }

    /// The answer's status and JSON body.
    fn answer(answer: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<(u16, Value), String> {
        let mut response = answer.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_json::<Value>().map_err(|e| e.to_string())?;
        Ok((status, body))
    }

    /// Sends `tx`; its hash.
    fn send(&self, tx: &Tx) -> Result<String, String> {
        let answer = self.agent.post(format!("{}/sendTx", self.base)).send(sdk_json(tx).to_string());
        match Client::answer(answer)? {
            (200, body) => body["hash"].as_str().map(str::to_string).ok_or_else(|| format!("sendTx answered {body}")),
            (status, body) => Err(format!("sendTx refused ({status}): {}", body["message"])),
        }
    }

    /// Polls until `hash` is committed; its receipt must be a success.
    fn wait(&self, hash: &str) -> Result<(), String> {
        let deadline = Instant::now() + RECEIPT_WAIT;
        while Instant::now() < deadline {
            let answer = self.agent.get(format!("{}/getTxReceiptByTxHash/{hash}", self.base)).call();
            match Client::answer(answer)? {
                (200, receipt) if receipt["status_code"] == "SUCCESS" => return Ok(()),
                (200, receipt) => return Err(format!("transfer {hash} failed: {}", receipt["message"])),
                _ => std::thread::sleep(POLL),
            }
        }
        Err(format!("no receipt for {hash} within {RECEIPT_WAIT:?}"))
    }

    /// The node's committed height.
    pub(crate) fn head(&self) -> Result<u64, String> {
        match Client::answer(self.agent.get(format!("{}/getChainInfo", self.base)).call())? {
            (200, info) => {
                info["head_block"].as_str().and_then(|h| h.parse().ok()).ok_or(format!("getChainInfo: {info}"))
            }
            (status, body) => Err(format!("getChainInfo answered {status}: {body}")),
        }
    }

    fn send_and_wait(&self, tx: &Tx) -> Result<(), String> {
        self.wait(&self.send(tx)?)
    }
}

/// The accounts the clients send from: `benchNN`, each with its own ed25519 key and 1,000,000 iost.
pub(crate) struct Accounts {
    keys: Vec<KeyPair>,
}

impl Accounts {
    fn name(i: usize) -> String {
        format!("bench{i:02}")
    }

    pub(crate) fn create(client: &Client, admin: &KeyPair, count: usize) -> Result<Accounts, String> {
        let keys: Vec<KeyPair> = (0..count).map(|_| KeyPair::generate(Algorithm::Ed25519)).collect();
        for (chunk, keys) in keys.chunks(8).enumerate() {
            let actions = keys
                .iter()
                .enumerate()
                .flat_map(|(i, key)| {
                    let (name, public) = (Accounts::name(chunk * 8 + i), key.public_key_b58());
                    [
                        action("auth.iost", "signUp", json!([name, public, public])),
                        action("token.iost", "transfer", json!(["iost", "admin", name, "1000000", ""])),
                    ]
                })
                .collect();
            client.send_and_wait(&signed("admin", admin, actions, vec![limit("*", "unlimited")]))?;
        }
        Ok(Accounts { keys })
    }

    /// Transfer number `n` of client `i`: 1 iost to the next account.
    fn transfer(&self, i: usize, n: usize) -> Tx {
        let (from, to) = (Accounts::name(i), Accounts::name((i + 1) % self.keys.len().max(2)));
        let data = json!(["iost", from, to, "1", format!("{n}")]);
        signed(&from, &self.keys[i], vec![action("token.iost", "transfer", data)], vec![limit("iost", "1")])
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(rank).copied().unwrap_or(0.0)
}

/// `clients` threads, each sending `per_client` transfers one after another, client `i` to node
/// `urls[i % urls.len()]`; (timing, p50 ms, p99 ms).
pub(crate) fn through_http(
    urls: &[String],
    accounts: &Arc<Accounts>,
    clients: usize,
    per_client: usize,
) -> Result<(Timing, f64, f64), String> {
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let (accounts, client) = (accounts.clone(), Client::new(&urls[i % urls.len()]));
            std::thread::spawn(move || -> Result<Vec<f64>, String> {
                (0..per_client)
                    .map(|n| {
                        let tx = accounts.transfer(i, n);
                        let sent = Instant::now();
                        client.send_and_wait(&tx)?;
                        Ok(sent.elapsed().as_secs_f64() * 1e3)
                    })
                    .collect()
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for t in threads {
        latencies.extend(t.join().map_err(|_| "a client thread panicked".to_string())??);
    }
    let timing = Timing::new(latencies.len(), start.elapsed().as_secs_f64());
    latencies.sort_by(f64::total_cmp);
    Ok((timing, percentile(&latencies, 0.5), percentile(&latencies, 0.99)))
}

/// The VM alone on the node's chain: `blocks` blocks of `per_block` signed transfers (one per client account),
/// each verified, run and committed by `execute_block`.
fn vm_only(vm: &VmManager, accounts: &Accounts, per_block: usize, blocks: usize) -> Result<Timing, String> {
    let mut seconds = 0.0;
    for b in 0..blocks {
        let txs = (0..per_block)
            .map(|i| Transaction::from_iost(accounts.transfer(i, 1_000_000 + b)).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        let t = Instant::now();
        let outcome = vm.execute_block(txs, u64::try_from(now_ns()).unwrap_or(0)).map_err(|e| e.to_string())?;
        seconds += t.elapsed().as_secs_f64();
        if let Some(r) = outcome.receipts.iter().find(|r| r.status != Status::Success) {
            return Err(format!("a VM-only transfer failed: {}", r.message));
        }
        if outcome.receipts.len() != per_block {
            return Err(format!(
                "{} of {per_block} VM-only transfers were left out",
                per_block - outcome.receipts.len()
            ));
        }
    }
    Ok(Timing::new(per_block * blocks, seconds))
}

/// The rows for each client count in `clients` (each ≤ 64), `per_client` transfers per client.
pub fn measure(clients: &[usize], per_client: usize) -> Result<Vec<HttpRow>, String> {
    let most = clients.iter().copied().max().unwrap_or(1);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let admin = KeyPair::generate(Algorithm::Ed25519);
    let mut config = jsvm_node::NodeConfig::new(dir.path());
    config.http = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    config.admin_key = Some(admin.public_key_b58());
    let vm_config = VmConfig { chain_id: config.chain_id, require_signatures: true, ..config.vm.clone() };
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let node = runtime.block_on(jsvm_node::start(config)).map_err(|e| e.to_string())?;
    let url = format!("http://{}", node.addr());
    let accounts = Arc::new(Accounts::create(&Client::new(&url), &admin, most.max(2))?);
    let mut http = Vec::new();
    for &n in clients {
        let urls = std::slice::from_ref(&url);
        through_http(urls, &accounts, n, per_client.min(20))?; // warm-up
        http.push((n, through_http(urls, &accounts, n, per_client)?));
    }
    runtime.block_on(node.shutdown()).map_err(|e| e.to_string())?;
    drop(runtime);

    let store = jsvm_state::RocksStore::open(dir.path()).map_err(|e| e.to_string())?;
    let vm = VmManager::new(Arc::new(store), vm_config).map_err(|e| e.to_string())?;
    http.into_iter()
        .map(|(n, (timing, p50_ms, p99_ms))| {
            let blocks = (n * per_client).div_ceil(n).max(1);
            Ok(HttpRow { clients: n, http: timing, p50_ms, p99_ms, vm_only: vm_only(&vm, &accounts, n, blocks)? })
        })
        .collect()
}

/// Signed transfers through HTTP beside the VM alone, one line per client count.
pub fn table(rows: &[HttpRow]) -> String {
    let mut t = format!(
        "{:<28} {:>8} {:>10} {:>9} {:>9} {:>12} {:>8}\n",
        "signed transfer, HTTP", "clients", "tx/s", "p50 ms", "p99 ms", "VM-only tx/s", "÷ VM"
    );
    for r in rows {
        t.push_str(&format!(
            "{:<28} {:>8} {:>10.0} {:>9.2} {:>9.2} {:>12.0} {:>8.3}\n",
            "sendTx → committed",
            r.clients,
            r.http.tps,
            r.p50_ms,
            r.p99_ms,
            r.vm_only.tps,
            r.http.tps / r.vm_only.tps
        ));
    }
    t.push_str("(VM-only: the same signed transfers, blocks of as many as there are clients, execute_block alone)\n\n");
    t
}
