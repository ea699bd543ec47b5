//! A validator over real networking: commonware's tokio runtime on a thread of its own (it
//! builds its own tokio runtime, so it cannot run inside a host's), and the authenticated p2p
//! network (`lookup`: every peer's key and address known up front, ed25519 handshakes,
//! encrypted links) on TCP.

use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use commonware_codec::DecodeExt;
use commonware_cryptography::ed25519::PublicKey;
use commonware_cryptography::{ChaCha20Poly1305, Signer};
use commonware_p2p::authenticated::lookup;
use commonware_p2p::{Address, AddressableManager};
use commonware_runtime::{tokio, Quota, Runner, Spawner, Supervisor};
use commonware_stream::cups::{self, Cups};
use commonware_stream::sake::{self, Sake};
use commonware_utils::channel::{mpsc, oneshot};
use commonware_utils::ordered::Map;
use commonware_utils::{NZUsize, NZU32};
use jsvm_vm::Transaction;

use super::{private_key, start, Channels, TxSource, ValidatorConfig, BLOCKS, CERTIFICATES, RESOLVER, TXS, VOTES};
use crate::block::MAX_WIRE_BLOCK_BYTES;
use crate::chain::ReplicaChain;
use crate::genesis::{validator_key, Genesis};

/// Largest message on any channel: a block with its tag, and room for framing.
const MAX_MESSAGE_BYTES: u32 = (MAX_WIRE_BLOCK_BYTES + 1024) as u32;
/// Messages per second one peer may send on the consensus and transaction channels.
const MESSAGES_PER_SECOND: u32 = 10_000;
/// Blocks per second one peer may push or ask for: a validator catching up asks for many.
const BLOCKS_PER_SECOND: u32 = 1_000;
/// How long a stopping validator waits for its tasks to end.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// A peer to dial: a genesis validator's public key and where its p2p network listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerAddress {
    /// The validator's ed25519 public key.
    pub public_key: [u8; 32],
    /// Its p2p address.
    pub addr: SocketAddr,
}

impl PeerAddress {
    /// `NAME@HOST:PORT` or `PUBKEY@HOST:PORT`: a validator of `genesis` by name or base58
    /// public key, and its address. An address alone is not enough: the network dials a known
    /// key at a known address, and refuses whoever else answers there.
    pub fn parse(text: &str, genesis: &Genesis) -> Result<PeerAddress, String> {
        let (who, host) = text
            .split_once('@')
            .ok_or_else(|| format!("peer {text:?}: expected NAME@HOST:PORT (a genesis validator's name or key)"))?;
        let public_key = match genesis.validators.iter().find(|v| v.name == who) {
            Some(v) => validator_key(&v.public_key)?,
            None => {
                let key =
                    validator_key(who).map_err(|_| format!("peer {text:?}: {who:?} is not a genesis validator"))?;
                genesis
                    .validator_by_key(&key)
                    .ok_or_else(|| format!("peer {text:?}: key {who} is not a genesis validator's"))?;
                key
            }
        };
        let addr = host
            .to_socket_addrs()
            .map_err(|e| format!("peer {text:?}: {host:?} is not a reachable HOST:PORT: {e}"))?
            .next()
            .ok_or_else(|| format!("peer {text:?}: {host:?} resolves to no address"))?;
        Ok(PeerAddress { public_key, addr })
    }
}

/// Where a validator listens, whom it dials, and where the engine keeps its journal.
#[derive(Debug, Clone)]
pub struct NetworkConfig {
    /// The p2p listening address (its port must be free: peers dial it).
    pub listen: SocketAddr,
    /// The other validators (this one's own entry, if present, is replaced by `listen`).
    pub peers: Vec<PeerAddress>,
    /// The consensus journal's directory (votes and certificates, what a restart recovers from);
    /// locked while the validator runs.
    pub storage: PathBuf,
}

/// A validator running on its own thread.
pub struct RunningValidator {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningValidator {
    /// Whether the validator's thread still runs (it ends only when stopped, or when the
    /// runtime failed: a listener that could not bind, a task that panicked).
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stops the engine and the network and waits for the thread to end (a blocking call).
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the consensus thread panicked");
            }
        }
    }
}

impl Drop for RunningValidator {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// The peer set the network tracks: every peer given, and this validator at `listen`.
fn peer_set(me: &PublicKey, network: &NetworkConfig) -> Result<Map<PublicKey, Address>, String> {
    let mut peers = vec![(me.clone(), Address::from(network.listen))];
    for p in &network.peers {
        let key = PublicKey::decode(p.public_key.to_vec()).map_err(|e| format!("a peer's key: {e}"))?;
        if peers.iter().any(|(k, _)| *k == key) {
            if key != *me {
                return Err(format!("peer {} is given twice", p.addr));
            }
            continue;
        }
        peers.push((key, Address::from(p.addr)));
    }
    peers.try_into().map_err(|e| format!("the peer list is not usable: {e:?}"))
}

/// Starts validator `config` on a thread of its own: the p2p network on `network.listen`
/// dialing `network.peers`, and consensus over it (see [`start`]). Returns once the engine
/// runs, or with the reason it cannot (a key not in the genesis set, an address in use).
pub fn spawn(
    config: ValidatorConfig,
    network: NetworkConfig,
    chain: ReplicaChain,
    txs: Arc<dyn TxSource>,
    forwarded: mpsc::Receiver<Transaction>,
) -> Result<RunningValidator, String> {
    config.genesis.check()?;
    let key = private_key(&config.seed)?;
    if config.genesis.validator_by_key(key.public_key().as_ref()).is_none() {
        return Err("the validator key is not one of the genesis validators' keys".into());
    }
    let peers = peer_set(&key.public_key(), &network)?;
    // The network's listener panics on an address in use: say so here instead.
    drop(TcpListener::bind(network.listen).map_err(|e| format!("cannot listen on {} for peers: {e}", network.listen))?);
    std::fs::create_dir_all(&network.storage)
        .map_err(|e| format!("cannot create the consensus directory {}: {e}", network.storage.display()))?;
    let validators = config.genesis.validators.len();
    let namespace = [b"jsvm-p2p-".as_slice(), hex::encode(config.genesis.digest()).as_bytes()].concat();
    let runtime = tokio::Config::new().with_worker_threads(2).with_storage_directory(&network.storage);
    let (stop, stopped) = oneshot::channel::<()>();
    let (started, start_result) = std::sync::mpsc::channel::<Result<(), String>>();
    let thread = std::thread::Builder::new()
        .name("consensus".into())
        .spawn(move || {
            tokio::Runner::new(runtime).start(|context| async move {
                let handshake = Cups::<_, ChaCha20Poly1305>::new(
                    Sake {
                        signer: key,
                        synchrony_bound: Duration::from_secs(5),
                        max_handshake_age: Duration::from_secs(10),
                        version: sake::Version::V1,
                    },
                    cups::Version::V1,
                );
                let mut p2p = lookup::Config::local(
                    handshake,
                    &namespace,
                    network.listen,
                    NZUsize!(validators.max(1)),
                    MAX_MESSAGE_BYTES,
                    NZUsize!(1024),
                );
                // Validators on one machine (a loopback cluster) all dial from one address.
                p2p.allowed_handshake_rate_per_ip = Quota::per_second(NZU32!(128));
                p2p.peer_connection_cooldown = Duration::from_millis(250);
                p2p.dial_frequency = Duration::from_millis(200);
                let (mut net, mut oracle) = lookup::Network::new(context.child("network"), p2p);
                let _ = oracle.track(0, peers);
                let quota = Quota::per_second(NZU32!(MESSAGES_PER_SECOND));
                let channels = Channels {
                    votes: net.register(VOTES, quota),
                    certificates: net.register(CERTIFICATES, quota),
                    resolver: net.register(RESOLVER, quota),
                    blocks: net.register(BLOCKS, Quota::per_second(NZU32!(BLOCKS_PER_SECOND))),
                    txs: net.register(TXS, quota),
                };
                net.start();
                match start(context.child("consensus"), config, chain, txs, oracle, channels, forwarded) {
                    Ok(_engine) => {
                        let _ = started.send(Ok(()));
                        let _ = stopped.await;
                        let _ = context.stop(0, Some(STOP_GRACE)).await;
                    }
                    Err(e) => {
                        let _ = started.send(Err(e));
                    }
                }
            });
        })
        .map_err(|e| format!("cannot start the consensus thread: {e}"))?;
    let running = RunningValidator { stop: Some(stop), thread: Some(thread) };
    match start_result.recv() {
        Ok(Ok(())) => Ok(running),
        Ok(Err(e)) => Err(e),
        Err(_) => Err("the consensus runtime ended while starting (see the log)".into()),
    }
}
