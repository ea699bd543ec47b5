//! A replicated chain beside a single node, as clients see them: signed `token.iost` transfers sent through the
//! HTTP API and awaited until committed (for validators: finalised by consensus, then committed), at each
//! client count. The single node is `jsvm node`'s producer; the cluster is N `jsvm node` validators (simplex over
//! authenticated p2p on loopback TCP, each with its own RocksDB store), clients spread over their endpoints. All
//! run in this process, on this machine's cores, so the cluster's rows include N validators re-executing every
//! block on the same cores.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsvm_node::{NodeConfig, RunningNode, ValidatorSetup};
use jsvm_replication::engine::PeerAddress;
use jsvm_replication::{Genesis, GenesisValidator};
use jsvm_tx::{Algorithm, KeyPair};

use crate::http::{through_http, Accounts, Client};
use crate::Timing;

/// The longest the validators may take to finalise their first block.
const FIRST_BLOCK: Duration = Duration::from_secs(60);

/// One setup's figures at one client count.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClusterRow {
    /// "single node" or "N validators".
    pub setup: String,
    /// Clients sending at once, each waiting for its transfer's commit before the next.
    pub clients: usize,
    /// Committed transfers per second, all clients together.
    pub timing: Timing,
    /// Median sent → committed latency, milliseconds.
    pub p50_ms: f64,
    /// 99th percentile sent → committed latency, milliseconds.
    pub p99_ms: f64,
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

/// `validators` validator nodes of one new chain whose `admin` is `admin`, in `dir`.
async fn start_validators(
    dir: &std::path::Path,
    admin: &KeyPair,
    validators: usize,
) -> Result<Vec<RunningNode>, String> {
    // Benchmark keys: fixed seeds are enough (nothing of value is signed).
    let seeds: Vec<[u8; 32]> = (0..validators).map(|i| [0x40 + i as u8; 32]).collect();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|e| e.to_string())?;
    let genesis = Genesis {
        chain_id: jsvm_node::DEFAULT_CHAIN_ID,
        time_ns: now.as_nanos() as u64,
        admin_key: admin.public_key_b58(),
        charge_resources: false,
        validators: seeds
            .iter()
            .enumerate()
            .map(|(i, seed)| GenesisValidator {
                name: format!("v{i}"),
                public_key: KeyPair::from_seed(Algorithm::Ed25519, seed).public_key_b58(),
            })
            .collect(),
        accounts: Vec::new(),
    };
    let ports = jsvm_test_util::free_loopback_ports(validators).map_err(|e| e.to_string())?;
    let peers = ports
        .iter()
        .enumerate()
        .map(|(i, port)| PeerAddress::parse(&format!("v{i}@{}", loopback(*port)), &genesis))
        .collect::<Result<Vec<_>, _>>()?;
    let mut nodes = Vec::new();
    for (i, seed) in seeds.iter().enumerate() {
        let mut config = NodeConfig::new(dir.join(format!("v{i}")));
        config.http = loopback(0);
        let (p2p, genesis) = (loopback(ports[i]), genesis.clone());
        config.validator = Some(ValidatorSetup { genesis, seed: *seed, p2p, peers: peers.clone() });
        nodes.push(jsvm_node::start(config).await.map_err(|e| e.to_string())?);
    }
    Ok(nodes)
}

/// Waits until every node at `urls` has committed a block.
fn wait_for_first_block(urls: &[String]) -> Result<(), String> {
    let started = Instant::now();
    for url in urls {
        let client = Client::new(url);
        while client.head()? < 1 {
            if started.elapsed() > FIRST_BLOCK {
                return Err(format!("{url} finalised no block within {FIRST_BLOCK:?}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Ok(())
}

/// The rows of one setup: `per_client` transfers per client at each client count (each ≤ 64).
fn rows(
    setup: &str,
    urls: &[String],
    admin: &KeyPair,
    clients: &[usize],
    per_client: usize,
) -> Result<Vec<ClusterRow>, String> {
    let most = clients.iter().copied().max().unwrap_or(1);
    let accounts = Arc::new(Accounts::create(&Client::new(&urls[0]), admin, most.max(2))?);
    let mut out = Vec::new();
    for &n in clients {
        through_http(urls, &accounts, n, per_client.min(10))?; // warm-up
        let (timing, p50_ms, p99_ms) = through_http(urls, &accounts, n, per_client)?;
        out.push(ClusterRow { setup: setup.to_string(), clients: n, timing, p50_ms, p99_ms });
    }
    Ok(out)
}

/// A single node's rows, then `validators` validators' rows, at each client count.
pub fn measure(validators: usize, clients: &[usize], per_client: usize) -> Result<Vec<ClusterRow>, String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let admin = KeyPair::generate(Algorithm::Ed25519);
    let mut all = Vec::new();

    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut config = NodeConfig::new(dir.path().join("single"));
    config.http = loopback(0);
    config.admin_key = Some(admin.public_key_b58());
    let node = runtime.block_on(jsvm_node::start(config)).map_err(|e| e.to_string())?;
    all.extend(rows("single node", &[format!("http://{}", node.addr())], &admin, clients, per_client)?);
    runtime.block_on(node.shutdown()).map_err(|e| e.to_string())?;

    let nodes = runtime.block_on(start_validators(dir.path(), &admin, validators))?;
    let urls: Vec<String> = nodes.iter().map(|n| format!("http://{}", n.addr())).collect();
    wait_for_first_block(&urls)?;
    all.extend(rows(&format!("{validators} validators"), &urls, &admin, clients, per_client)?);
    for node in nodes {
        runtime.block_on(node.shutdown()).map_err(|e| e.to_string())?;
    }
    Ok(all)
}

/// One line per setup and client count.
pub fn table(rows: &[ClusterRow]) -> String {
    let mut t = format!("{:<16} {:>8} {:>10} {:>9} {:>9}\n", "signed transfer", "clients", "tx/s", "p50 ms", "p99 ms");
    for r in rows {
        t.push_str(&format!(
            "{:<16} {:>8} {:>10.0} {:>9.2} {:>9.2}\n",
            r.setup, r.clients, r.timing.tps, r.p50_ms, r.p99_ms
        ));
    }
    t.push_str("(sendTx → receipt on the node it was sent to; validators: finalised by consensus, then committed)\n");
    t
}
