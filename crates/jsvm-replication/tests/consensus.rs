//! Validators running the real consensus engine (commonware's simplex) in its deterministic
//! runtime over its simulated network, each with its own VM: they finalise blocks of signed
//! transfers with identical blocks and state roots; the chain goes on without a crashed
//! validator, which catches up when it comes back; a validator whose VM computes otherwise is
//! outvoted. Seeded: a failure replays exactly.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use common::{call, seed, transfer, Committed, Pool, SECOND};
use commonware_cryptography::ed25519::PublicKey;
use commonware_p2p::simulated::{self, Link, Network};
use commonware_runtime::{deterministic, Clock, Handle, Quota, Runner, Supervisor};
use commonware_utils::channel::mpsc;
use commonware_utils::{probability, NZUsize, NZU32};
use jsvm_replication::engine::{self, Channels, ValidatorConfig};
use jsvm_replication::{Genesis, ReplicaChain};
use jsvm_state::MemStore;
use jsvm_vm::{Transaction, VmConfig, VmManager};
use serde_json::json;

/// The simulated clock starts at the epoch; the chain a millisecond after.
const GENESIS_NS: u64 = 1_000_000;

fn genesis(n: usize) -> Genesis {
    common::genesis(n, GENESIS_NS)
}

struct Validator {
    vm: Arc<VmManager>,
    pool: Arc<Pool>,
    handle: Option<Handle<()>>,
    /// Transactions this validator's node admitted, for its peers.
    forward: Option<mpsc::Sender<Transaction>>,
}

struct Cluster {
    genesis: Genesis,
    validators: Vec<Validator>,
    oracle: simulated::Oracle<PublicKey, deterministic::Context>,
}

const QUOTA: Quota = Quota::per_second(NZU32!(100_000));

impl Cluster {
    /// `n` validators on a network whose links are `link`; `faulty` VMs compute otherwise.
    async fn start(context: &deterministic::Context, n: usize, faulty: &[usize], link: Link) -> Cluster {
        let genesis = genesis(n);
        let keys: Vec<_> = (0..n).map(|i| engine::public_key(&seed(i)).unwrap()).collect();
        let (network, oracle) = Network::new_with_peers(
            context.child("network"),
            simulated::Config {
                max_size: 32 << 20,
                max_peers_per_set: NZUsize!(n),
                disconnect_on_block: true,
                tracked_peer_sets: NZUsize!(1),
            },
            keys.iter().cloned(),
        )
        .await;
        network.start();
        for a in &keys {
            for b in &keys {
                if a != b {
                    oracle.add_link(a.clone(), b.clone(), link.clone()).await.unwrap();
                }
            }
        }
        let mut validators = Vec::new();
        for i in 0..n {
            let mut own = genesis.clone();
            // A faulty VM: it charges gas where the chain does not, so its receipts differ.
            own.charge_resources = faulty.contains(&i);
            let vm = Arc::new(VmManager::new(Arc::new(MemStore::new()), own.vm_config(VmConfig::default())).unwrap());
            validators.push(Validator { vm, pool: Arc::default(), handle: None, forward: None });
        }
        let mut cluster = Cluster { genesis, validators, oracle };
        for i in 0..n {
            cluster.start_validator(context, i).await;
        }
        cluster
    }

    async fn start_validator(&mut self, context: &deterministic::Context, i: usize) {
        let key = engine::public_key(&seed(i)).unwrap();
        let control = self.oracle.control(key.clone());
        let channel = |c| {
            let control = control.clone();
            async move { control.register(c, QUOTA).await.unwrap() }
        };
        let channels = Channels {
            votes: channel(engine::VOTES).await,
            certificates: channel(engine::CERTIFICATES).await,
            resolver: channel(engine::RESOLVER).await,
            blocks: channel(engine::BLOCKS).await,
            txs: channel(engine::TXS).await,
        };
        let v = &mut self.validators[i];
        let chain = ReplicaChain::new(v.vm.clone(), &self.genesis);
        let mut config = ValidatorConfig::new(self.genesis.clone(), seed(i));
        config.max_block_txs = 50;
        let ctx = context.child("validator").with_attribute("index", i);
        let (forward, forwarded) = mpsc::channel(1024);
        let handle = engine::start(ctx, config, chain, v.pool.clone(), control, channels, forwarded).unwrap();
        v.handle = Some(handle);
        v.forward = Some(forward);
    }

    fn submit(&self, txs: &[Transaction]) {
        for v in &self.validators {
            v.pool.waiting.lock().unwrap().extend(txs.iter().cloned());
        }
    }

    /// Waits (simulated time) until every validator in `which` has committed `height`.
    async fn wait_for(&self, context: &deterministic::Context, which: &[usize], height: u64) {
        while which.iter().any(|&i| self.validators[i].pool.height() < height) {
            context.sleep(Duration::from_millis(50)).await;
        }
    }

    /// Asserts that the validators in `which` committed the same blocks up to the lowest head
    /// among them, and that each one's store holds exactly what it reported.
    fn assert_agree(&self, which: &[usize]) -> u64 {
        let chains: Vec<Vec<Committed>> =
            which.iter().map(|&i| self.validators[i].pool.committed.lock().unwrap().clone()).collect();
        let common = chains.iter().map(Vec::len).min().unwrap();
        for (c, &i) in chains.iter().zip(which) {
            assert_eq!(&c[..common], &chains[0][..common], "validator {i} committed other blocks");
            let heights: Vec<u64> = c.iter().map(|b| b.0).collect();
            assert_eq!(
                heights,
                (1..=c.len() as u64).collect::<Vec<_>>(),
                "validator {i} committed every height once, in order"
            );
            let head = self.validators[i].vm.head();
            assert_eq!((head.height, head.state_root), (c.len() as u64, c.last().unwrap().2));
        }
        common as u64
    }
}

/// Links of 20 ms (±5 ms) that lose nothing.
fn lan() -> Link {
    Link { latency: Duration::from_millis(20), jitter: Duration::from_millis(5), success_rate: probability!(1.0) }
}

/// `count` transfers admin → admin of 1, 2, … iost, each with a time of its own from `from`.
fn transfers(count: u64, from: u64) -> Vec<Transaction> {
    (0..count).map(|i| transfer("admin", 1 + i, from + i)).collect()
}

impl Cluster {
    /// Waits until no validator in `which` has a transaction waiting, then until all of them
    /// have reached the highest head among them; returns that height.
    async fn settle(&self, context: &deterministic::Context, which: &[usize]) -> u64 {
        while which.iter().any(|&i| !self.validators[i].pool.waiting.lock().unwrap().is_empty()) {
            context.sleep(Duration::from_millis(100)).await;
        }
        let head = which.iter().map(|&i| self.validators[i].pool.height()).max().unwrap();
        self.wait_for(context, which, head).await;
        head
    }

    /// Transactions in blocks 1..=height of validator `i`'s store.
    fn txs_in_blocks(&self, i: usize, height: u64) -> usize {
        (1..=height).map(|h| self.validators[i].vm.block(h).unwrap().unwrap().txs.len()).sum()
    }
}

/// Runs `f` in the deterministic runtime seeded with `seed`, for at most 15 simulated minutes.
fn run<F, Fut>(seed: u64, f: F) -> Fut::Output
where
    F: FnOnce(deterministic::Context) -> Fut,
    Fut: std::future::Future,
{
    let config = deterministic::Config::new().with_seed(seed).with_timeout(Some(Duration::from_secs(900)));
    deterministic::Runner::new(config).start(f)
}

const COUNTER: &str = r#"
class Counter {
    init() { storage.put("n", "0"); }
    bump(by) {
        const n = Number(storage.get("n")) + by;
        storage.put("n", String(n));
        return n;
    }
}
module.exports = Counter;
"#;

#[test]
fn four_validators_finalise_a_hundred_blocks_of_transfers_and_contract_calls() {
    run(7, |context| async move {
        let cluster = Cluster::start(&context, 4, &[], lan()).await;
        let abi = json!({"lang": "javascript", "version": "1.0.0", "abi": [{"name": "bump", "args": ["number"]}]});
        let code = json!({"info": abi, "code": COUNTER}).to_string();
        let deploy = call("system.iost", "setCode", json!([code]), GENESIS_NS + SECOND);
        cluster.submit(std::slice::from_ref(&deploy));
        cluster.settle(&context, &[0, 1, 2, 3]).await;
        let receipt = cluster.validators[0].vm.receipt(&bs58::encode(deploy.hash()).into_string()).unwrap().unwrap();
        let id = receipt.returns[0].trim_matches('"').to_string();
        // A hundred rounds, each a transfer and a call sent together and committed before the next.
        for round in 0..100u64 {
            let time = GENESIS_NS + 2 * SECOND + round * 1_000;
            cluster.submit(&[transfer("admin", 1 + round, time), call(&id, "bump", json!([round]), time + 1)]);
            cluster.settle(&context, &[0, 1, 2, 3]).await;
        }
        let head = cluster.settle(&context, &[0, 1, 2, 3]).await;
        assert_eq!(cluster.assert_agree(&[0, 1, 2, 3]), head);
        assert!(head >= 100, "a hundred blocks at least ({head})");
        assert_eq!(cluster.txs_in_blocks(0, head), 201, "every transaction in exactly one block");
        let mut witnesses = HashMap::new();
        for h in 1..=head {
            *witnesses.entry(cluster.validators[0].vm.block(h).unwrap().unwrap().witness).or_insert(0) += 1;
        }
        assert_eq!(witnesses.len(), 4, "every validator led blocks: {witnesses:?}");
        for v in &cluster.validators {
            let q = Transaction::new("admin", vec![jsvm_vm::Action::new(&id, "bump", "[0]")]);
            let r = v.vm.query(q).unwrap().0;
            assert_eq!(r.returns[0], "4950", "{}", r.message);
        }
    });
}

#[test]
fn a_crashed_validator_is_not_needed_and_catches_up_when_it_returns() {
    run(11, |context| async move {
        let mut cluster = Cluster::start(&context, 4, &[], lan()).await;
        cluster.submit(&transfers(30, GENESIS_NS + SECOND));
        cluster.settle(&context, &[0, 1, 2, 3]).await;
        let before = cluster.assert_agree(&[0, 1, 2, 3]);
        // Validator 3 crashes: its engine and tasks stop; its store stays (as RocksDB would).
        cluster.validators[3].handle.take().unwrap().abort();
        let more = transfers(30, GENESIS_NS + 100 * SECOND);
        for v in &cluster.validators[..3] {
            v.pool.waiting.lock().unwrap().extend(more.iter().cloned());
        }
        let head = cluster.settle(&context, &[0, 1, 2]).await;
        assert!(head > before, "the other three went on without it ({before} → {head})");
        assert_eq!(cluster.validators[3].pool.height(), before, "the crashed validator committed nothing meanwhile");
        assert_eq!(cluster.txs_in_blocks(0, head), 60);
        // It comes back on the same store and catches up.
        cluster.start_validator(&context, 3).await;
        cluster.submit(&transfers(5, GENESIS_NS + 200 * SECOND));
        let head = cluster.settle(&context, &[0, 1, 2, 3]).await;
        assert_eq!(cluster.assert_agree(&[0, 1, 2, 3]), head);
        assert_eq!(cluster.txs_in_blocks(3, head), 65);
    });
}

#[test]
fn a_validator_down_for_hundreds_of_blocks_catches_up_in_runs_of_blocks() {
    run(13, |context| async move {
        let mut cluster = Cluster::start(&context, 4, &[], lan()).await;
        cluster.submit(&transfers(10, GENESIS_NS + SECOND));
        cluster.settle(&context, &[0, 1, 2, 3]).await;
        let before = cluster.assert_agree(&[0, 1, 2, 3]);
        cluster.validators[3].handle.take().unwrap().abort();
        // The other three go on, mostly with empty blocks, for more blocks than one request
        // answers (64) and more than a validator once held above its head (256).
        cluster.wait_for(&context, &[0, 1, 2], before + 300).await;
        // Signed now: a transaction expires 90 s after its time.
        let now = context.current().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
        let more = transfers(10, now);
        for v in &cluster.validators[..3] {
            v.pool.waiting.lock().unwrap().extend(more.iter().cloned());
        }
        let head = cluster.settle(&context, &[0, 1, 2]).await;
        assert_eq!(cluster.validators[3].pool.height(), before);
        cluster.start_validator(&context, 3).await;
        cluster.wait_for(&context, &[3], head).await;
        let head = cluster.settle(&context, &[0, 1, 2, 3]).await;
        assert_eq!(cluster.assert_agree(&[0, 1, 2, 3]), head);
        assert_eq!(cluster.txs_in_blocks(3, head), 20);
    });
}

#[test]
fn a_validator_whose_vm_computes_otherwise_is_outvoted() {
    run(5, |context| async move {
        let cluster = Cluster::start(&context, 4, &[2], lan()).await;
        cluster.submit(&transfers(40, GENESIS_NS + SECOND));
        let head = cluster.settle(&context, &[0, 1, 3]).await;
        assert_eq!(cluster.assert_agree(&[0, 1, 3]), head);
        assert_eq!(cluster.txs_in_blocks(0, head), 40);
        let witnesses: std::collections::HashSet<String> =
            (1..=head).map(|h| cluster.validators[0].vm.block(h).unwrap().unwrap().witness).collect();
        assert!(!witnesses.contains("v2"), "no block of the faulty validator is final: {witnesses:?}");
        assert_eq!(cluster.validators[2].pool.height(), 0, "the faulty validator committed nothing");
    });
}

#[test]
fn validators_agree_over_links_that_lose_and_delay_messages() {
    // Seeded schedules: each seed is another order of deliveries, delays and losses.
    for seed in [1, 2, 3] {
        run(seed, |context| async move {
            let lossy = Link {
                latency: Duration::from_millis(40),
                jitter: Duration::from_millis(30),
                success_rate: probability!(0.9),
            };
            let cluster = Cluster::start(&context, 4, &[], lossy).await;
            cluster.submit(&transfers(40, GENESIS_NS + SECOND));
            let head = cluster.settle(&context, &[0, 1, 2, 3]).await;
            assert_eq!(cluster.assert_agree(&[0, 1, 2, 3]), head, "seed {seed}");
            assert_eq!(cluster.txs_in_blocks(0, head), 40, "seed {seed}");
        });
    }
}

#[test]
fn a_partition_heals_and_the_cut_off_validator_catches_up() {
    run(13, |context| async move {
        let cluster = Cluster::start(&context, 4, &[], lan()).await;
        cluster.submit(&transfers(20, GENESIS_NS + SECOND));
        cluster.settle(&context, &[0, 1, 2, 3]).await;
        let before = cluster.assert_agree(&[0, 1, 2, 3]);
        let keys: Vec<PublicKey> = (0..4).map(|i| engine::public_key(&seed(i)).unwrap()).collect();
        for other in &keys[..3] {
            cluster.oracle.remove_link(keys[3].clone(), other.clone()).await.unwrap();
            cluster.oracle.remove_link(other.clone(), keys[3].clone()).await.unwrap();
        }
        cluster.submit(&transfers(20, GENESIS_NS + 100 * SECOND));
        let head = cluster.settle(&context, &[0, 1, 2]).await;
        assert!(head > before);
        assert!(cluster.validators[3].pool.height() <= before + 1, "the cut-off validator could not follow");
        for other in &keys[..3] {
            cluster.oracle.add_link(keys[3].clone(), other.clone(), lan()).await.unwrap();
            cluster.oracle.add_link(other.clone(), keys[3].clone(), lan()).await.unwrap();
        }
        cluster.submit(&transfers(5, GENESIS_NS + 200 * SECOND));
        let head = cluster.settle(&context, &[0, 1, 2, 3]).await;
        assert_eq!(cluster.assert_agree(&[0, 1, 2, 3]), head);
        assert_eq!(cluster.txs_in_blocks(3, head), 45);
    });
}

#[test]
fn a_transaction_admitted_by_one_validator_reaches_the_others_and_commits() {
    run(11, |context| async move {
        let cluster = Cluster::start(&context, 4, &[], lan()).await;
        cluster.wait_for(&context, &[0, 1, 2, 3], 1).await;
        // Only validator 2's node admits them: it keeps them and forwards them to its peers,
        // so that each leader has them, not only validator 2 when it leads.
        let txs = transfers(20, GENESIS_NS + SECOND);
        let origin = &cluster.validators[2];
        origin.pool.waiting.lock().unwrap().extend(txs.iter().cloned());
        for tx in &txs {
            origin.forward.as_ref().unwrap().send(tx.clone()).await.unwrap();
        }
        let height = cluster.settle(&context, &[0, 1, 2, 3]).await;
        for (i, v) in cluster.validators.iter().enumerate() {
            let received = v.pool.received.lock().unwrap().len();
            if i == 2 {
                assert_eq!(received, 0, "a validator is not sent back what it forwarded");
            } else {
                assert_eq!(received, 20, "validator {i} received every forwarded transaction");
            }
        }
        assert_eq!(cluster.assert_agree(&[0, 1, 2, 3]), height);
        assert_eq!(cluster.txs_in_blocks(0, height), 20);
        let leaders: std::collections::HashSet<String> = (2..=height)
            .map(|h| cluster.validators[0].vm.block(h).unwrap().unwrap())
            .filter(|b| !b.txs.is_empty())
            .map(|b| b.witness)
            .collect();
        assert!(leaders.iter().any(|w| w != "v2"), "a block led by another validator held some: {leaders:?}");
    });
}
