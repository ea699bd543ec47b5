//! Validators over real networking: commonware's tokio runtime and its authenticated p2p
//! network (ed25519 handshakes, encrypted links) on loopback TCP, each validator with its own
//! RocksDB store. Four of them finalise signed transfers with identical blocks. Bounded: the
//! test gives up after a minute of wall time.

mod common;

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{seed, transfer, Committed, Pool, SECOND};
use commonware_codec::DecodeExt;
use commonware_cryptography::ed25519::{PrivateKey, PublicKey};
use commonware_cryptography::{ChaCha20Poly1305, Signer};
use commonware_p2p::authenticated::lookup;
use commonware_p2p::{Address, AddressableManager};
use commonware_runtime::{tokio, Clock, Quota, Runner, Supervisor};
use commonware_stream::cups::{self, Cups};
use commonware_stream::sake::{self, Sake};
use commonware_utils::ordered::Map;
use commonware_utils::{NZUsize, NZU32};
use jsvm_replication::engine::{self, Channels, TxSource, ValidatorConfig};
use jsvm_replication::ReplicaChain;
use jsvm_state::RocksStore;
use jsvm_vm::{Transaction, VmConfig, VmManager};

const VALIDATORS: usize = 4;
const DEADLINE: Duration = Duration::from_secs(60);

/// Free loopback ports, all held until all are read so that they differ (the network must be
/// told its address up front: it does not report the port of a listener on port 0).
fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..n).map(|_| TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap()).collect();
    listeners.iter().map(|l| l.local_addr().unwrap().port()).collect()
}

#[test]
fn four_validators_finalise_signed_transfers_over_loopback_tcp() {
    let dirs: Vec<tempfile::TempDir> = (0..=VALIDATORS).map(|_| tempfile::tempdir().unwrap()).collect();
    // The chain starts now: transactions are stamped with the wall clock the runtime reads.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64;
    let genesis = common::genesis(VALIDATORS, now - SECOND);
    let ports = free_ports(VALIDATORS);
    let keys: Vec<PrivateKey> = (0..VALIDATORS).map(|i| PrivateKey::decode(seed(i).to_vec()).unwrap()).collect();
    let peers: Vec<(PublicKey, SocketAddr)> = keys
        .iter()
        .zip(&ports)
        .map(|(k, port)| (k.public_key(), SocketAddr::from((Ipv4Addr::LOCALHOST, *port))))
        .collect();
    let pools: Vec<Arc<Pool>> = (0..VALIDATORS).map(|_| Arc::default()).collect();
    let vms: Vec<Arc<VmManager>> = (0..VALIDATORS)
        .map(|i| {
            let store = Arc::new(RocksStore::open(&dirs[i].path().join("data")).unwrap());
            Arc::new(VmManager::new(store, genesis.vm_config(VmConfig::default())).unwrap())
        })
        .collect();
    let txs: Vec<Transaction> = (0..40).map(|i| transfer("admin", 1 + i, now + i)).collect();
    for pool in &pools {
        pool.waiting.lock().unwrap().extend(txs.iter().cloned());
    }
    let runtime = tokio::Config::new().with_worker_threads(2).with_storage_directory(dirs[VALIDATORS].path());
    let started = Instant::now();
    tokio::Runner::new(runtime).start(|context| {
        let (pools, vms, genesis) = (pools.clone(), vms.clone(), genesis.clone());
        async move {
            let mut handles = Vec::new();
            for i in 0..VALIDATORS {
                let ctx = context.child("validator").with_attribute("index", i);
                let handshake = Cups::<_, ChaCha20Poly1305>::new(
                    Sake {
                        signer: keys[i].clone(),
                        synchrony_bound: Duration::from_secs(5),
                        max_handshake_age: Duration::from_secs(10),
                        version: sake::Version::V1,
                    },
                    cups::Version::V1,
                );
                let mut p2p = lookup::Config::local(
                    handshake,
                    b"jsvm-p2p-test",
                    peers[i].1,
                    NZUsize!(VALIDATORS),
                    (16 << 20) + 1024,
                    NZUsize!(1024),
                );
                p2p.peer_connection_cooldown = Duration::from_millis(250);
                p2p.dial_frequency = Duration::from_millis(200);
                // Every validator dials from 127.0.0.1.
                p2p.allowed_handshake_rate_per_ip = Quota::per_second(NZU32!(128));
                let (mut network, mut oracle) = lookup::Network::new(ctx.child("network"), p2p);
                let set: Map<PublicKey, Address> =
                    peers.iter().map(|(k, a)| (k.clone(), Address::from(*a))).collect::<Vec<_>>().try_into().unwrap();
                let _ = oracle.track(0, set);
                let quota = Quota::per_second(NZU32!(10_000));
                let channels = Channels {
                    votes: network.register(engine::VOTES, quota),
                    certificates: network.register(engine::CERTIFICATES, quota),
                    resolver: network.register(engine::RESOLVER, quota),
                    blocks: network.register(engine::BLOCKS, Quota::per_second(NZU32!(1_000))),
                };
                network.start();
                let chain = ReplicaChain::new(vms[i].clone(), &genesis);
                let config = ValidatorConfig::new(genesis.clone(), seed(i));
                let source: Arc<dyn TxSource> = pools[i].clone();
                handles.push(engine::start(ctx.child("consensus"), config, chain, source, oracle, channels).unwrap());
            }
            let done = || pools.iter().all(|p| p.waiting.lock().unwrap().is_empty());
            while !done() && started.elapsed() < DEADLINE {
                context.sleep(Duration::from_millis(100)).await;
            }
            // The others finish the block the first to finish saw.
            let head = pools.iter().map(|p| p.committed.lock().unwrap().len()).max().unwrap();
            while pools.iter().any(|p| p.committed.lock().unwrap().len() < head) && started.elapsed() < DEADLINE {
                context.sleep(Duration::from_millis(100)).await;
            }
            // Returning ends every task the runtime runs.
        }
    });
    // Validators go on finalising (empty) blocks until the runtime stops, so they may stop a
    // block apart: they agree on what all of them committed.
    let chains: Vec<Vec<Committed>> = pools.iter().map(|p| p.committed.lock().unwrap().clone()).collect();
    let common = chains.iter().map(Vec::len).min().unwrap();
    for (i, pool) in pools.iter().enumerate() {
        assert!(pool.waiting.lock().unwrap().is_empty(), "validator {i} still waits for transfers after {DEADLINE:?}");
        assert_eq!(chains[i][..common], chains[0][..common], "validator {i} committed other blocks");
        let head = vms[i].head();
        assert_eq!((head.height, head.state_root), (chains[i].len() as u64, chains[i].last().unwrap().2));
    }
    let in_blocks: usize = (1..=common as u64).map(|h| vms[0].block(h).unwrap().unwrap().txs.len()).sum();
    assert_eq!(in_blocks, 40, "every transfer is in one of the blocks all validators committed");
}
