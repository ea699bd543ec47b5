//! The consensus engine: commonware's simplex (Byzantine-fault-tolerant, ed25519-signed votes),
//! the one module that knows which engine orders jsvm's blocks (docs/replication.md says why
//! this one).
//!
//! simplex orders 32-byte digests and asks the application three things: a digest to propose
//! on a parent it names, whether a digest proposed on a parent may get this validator's vote,
//! and (through reports) which digests are final. A digest here is a block's hash in the VM
//! ([`crate::block`]). Blocks themselves travel on a p2p channel of their own ([`BLOCKS`],
//! `blocks`), transactions a node accepted on another ([`TXS`], `txs`), and `network` runs a
//! validator over real TCP.

mod blocks;
mod network;
mod txs;

pub use network::{spawn, NetworkConfig, PeerAddress, RunningValidator};

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use commonware_actor::Feedback;
use commonware_codec::DecodeExt;
use commonware_consensus::simplex::elector::RoundRobin;
use commonware_consensus::simplex::scheme::ed25519::Scheme;
use commonware_consensus::simplex::types::{Activity, Context};
use commonware_consensus::simplex::{Config, Engine, Floor, ForwardPolicy, Plan, SkipPolicy};
use commonware_consensus::types::{Epoch, ViewDelta};
use commonware_consensus::{Automaton, CertifiableAutomaton, Relay, Reporter};
use commonware_cryptography::ed25519::{PrivateKey, PublicKey};
use commonware_cryptography::sha256::Digest;
use commonware_cryptography::{Sha256, Signer};
use commonware_p2p::{Blocker, Receiver, Recipients, Sender};
use commonware_parallel::Sequential;
use commonware_runtime::buffer::paged::CacheRef;
use commonware_runtime::{Clock, Handle, IoBuf, Metrics, Spawner, Storage, Supervisor};
use commonware_utils::channel::{mpsc, oneshot};
use commonware_utils::ordered::Set;
use commonware_utils::{NZDuration, NZUsize, NZU16};
use jsvm_vm::{BlockOutcome, Transaction};

use crate::block::BlockDigest;
use crate::chain::{CommitError, ReplicaChain, Verdict};
use crate::genesis::{validator_key, Genesis};

/// The p2p channel of votes.
pub const VOTES: u64 = 0;
/// The p2p channel of certificates.
pub const CERTIFICATES: u64 = 1;
/// The p2p channel on which the engine fetches certificates it missed.
pub const RESOLVER: u64 = 2;
/// The p2p channel of blocks: pushed by proposers, asked for by validators missing one.
pub const BLOCKS: u64 = 3;
/// The p2p channel of transactions: each one a node admits is forwarded to its peers, so that
/// it reaches whichever validator leads next.
pub const TXS: u64 = 4;

/// Domain separation of every signature the validators make, followed by the genesis digest:
/// a vote for one chain is not a vote for another.
const NAMESPACE: &[u8] = b"jsvm-simplex-";
/// How often a validator waiting for a block asks its peers for it again.
const FETCH_RETRY: Duration = Duration::from_millis(200);

/// Where a validator's transactions come from and where its committed blocks go (the node's
/// mempool, event hub and history; a queue in tests).
pub trait TxSource: Send + Sync + 'static {
    /// Up to `max` waiting transactions, oldest first. They stay until a committed block holds
    /// them: a proposal that never becomes final must not lose them.
    fn pending(&self, max: usize) -> Vec<Transaction>;
    /// A block is committed (called in height order, once per block).
    fn committed(&self, outcome: &BlockOutcome);
    /// A transaction a peer forwarded: admit it as a transaction sent here would be (every
    /// check made again: a peer is trusted with nothing), without forwarding it again.
    fn received(&self, tx: Transaction);
}

/// How a validator takes part.
#[derive(Debug, Clone)]
pub struct ValidatorConfig {
    /// The chain's genesis (the validator set).
    pub genesis: Genesis,
    /// This validator's ed25519 seed (the first 32 bytes of `jsvm key new`'s 64-byte secret);
    /// its public key must be one of the genesis validators'.
    pub seed: [u8; 32],
    /// Most transactions a proposed block takes.
    pub max_block_txs: usize,
    /// How long a view waits for its leader's proposal.
    pub leader_timeout: Duration,
    /// How long a view waits for a certificate once it has a proposal (above `leader_timeout`).
    pub certification_timeout: Duration,
    /// How long a leader with no transaction waiting waits for one before it proposes an empty
    /// block (kept below `leader_timeout`): an idle chain makes a block about this often,
    /// and a transaction that arrives meanwhile goes in at once.
    pub empty_block_wait: Duration,
}

impl ValidatorConfig {
    /// `seed`'s validator in `genesis`, with a second's leader timeout.
    pub fn new(genesis: Genesis, seed: [u8; 32]) -> ValidatorConfig {
        ValidatorConfig {
            genesis,
            seed,
            max_block_txs: 1_000,
            leader_timeout: Duration::from_secs(1),
            certification_timeout: Duration::from_secs(2),
            empty_block_wait: Duration::from_millis(500),
        }
    }
}

/// The genesis validators as the engine knows them (sorted, as simplex indexes signers), and
/// each one's name.
fn participants(genesis: &Genesis) -> Result<(Set<PublicKey>, HashMap<PublicKey, String>), String> {
    let mut keys = Vec::with_capacity(genesis.validators.len());
    let mut names = HashMap::new();
    for v in &genesis.validators {
        let bytes = validator_key(&v.public_key)?;
        let key = PublicKey::decode(bytes.to_vec()).map_err(|e| format!("validator {:?}: {e}", v.name))?;
        names.insert(key.clone(), v.name.clone());
        keys.push(key);
    }
    let set = Set::try_from(keys).map_err(|e| format!("the validator set is not usable: {e:?}"))?;
    Ok((set, names))
}

/// The engine's public key of a validator seed.
pub fn public_key(seed: &[u8; 32]) -> Result<PublicKey, String> {
    Ok(private_key(seed)?.public_key())
}

fn private_key(seed: &[u8; 32]) -> Result<PrivateKey, String> {
    PrivateKey::decode(seed.to_vec()).map_err(|e| format!("not an ed25519 seed: {e}"))
}

/// How often an idle leader looks for transactions.
const IDLE_POLL: Duration = Duration::from_millis(20);

/// The transactions a leader proposes: those waiting, or, when none does, the first to arrive
/// within the empty-block wait (nothing when the engine gives up on the proposal first).
async fn waiting_txs<T>(clock: &impl Clock, shared: &Shared, answer: &oneshot::Sender<T>) -> Vec<Transaction> {
    let deadline = clock.current() + shared.empty_block_wait;
    loop {
        let txs = shared.txs.pending(shared.max_block_txs);
        if !txs.is_empty() || clock.current() >= deadline || answer.is_closed() {
            return txs;
        }
        clock.sleep(IDLE_POLL).await;
    }
}

/// Nanoseconds since the epoch on the runtime's clock.
fn now_ns(clock: &impl Clock) -> u64 {
    clock.current().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

fn digest_bytes(d: &Digest) -> BlockDigest {
    d.0
}

/// What a validator's tasks share.
struct Shared {
    chain: Mutex<ReplicaChain>,
    /// Blocks something waits for and this validator has not received.
    wanted: Mutex<HashSet<BlockDigest>>,
    names: HashMap<PublicKey, String>,
    me: String,
    txs: Arc<dyn TxSource>,
    max_block_txs: usize,
    empty_block_wait: Duration,
    /// Set when a finalised block does not re-execute here: this validator stops voting.
    diverged: Mutex<Option<String>>,
}

impl Shared {
    fn chain(&self) -> MutexGuard<'_, ReplicaChain> {
        self.chain.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn want(&self, digest: BlockDigest) {
        self.wanted.lock().unwrap_or_else(|e| e.into_inner()).insert(digest);
    }

    fn diverged(&self) -> Option<String> {
        self.diverged.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The application simplex drives: proposes, verifies and relays blocks.
struct App<E, S> {
    context: Arc<E>,
    shared: Arc<Shared>,
    blocks: S,
}

impl<E, S: Clone> Clone for App<E, S> {
    fn clone(&self) -> Self {
        App { context: self.context.clone(), shared: self.shared.clone(), blocks: self.blocks.clone() }
    }
}

impl<E, S> Automaton for App<E, S>
where
    E: Spawner + Clock,
    S: Sender<PublicKey = PublicKey> + Clone,
{
    type Context = Context<Digest, PublicKey>;
    type Digest = Digest;

    async fn propose(&mut self, context: Self::Context) -> oneshot::Receiver<Digest> {
        let (answer, receiver) = oneshot::channel();
        let shared = self.shared.clone();
        let parent = digest_bytes(&context.parent.1);
        self.context.child("propose").spawn(move |clock| async move {
            while !answer.is_closed() && shared.diverged().is_none() {
                let verdict = shared.chain().ready(parent);
                match verdict {
                    Verdict::Valid => {
                        let txs = waiting_txs(&clock, &shared, &answer).await;
                        let made = shared.chain().propose(parent, txs, now_ns(&clock), &shared.me);
                        match made {
                            Ok(block) => {
                                let _ = answer.send(Digest(block.claimed_digest().unwrap_or_default()));
                            }
                            Err(e) => tracing::warn!("cannot propose: {e}"),
                        }
                        return;
                    }
                    Verdict::Missing(d) => shared.want(d),
                    Verdict::Invalid(reason) => {
                        tracing::warn!("cannot propose on {}: {reason}", hex::encode(parent));
                        return;
                    }
                }
                clock.sleep(FETCH_RETRY).await;
            }
        });
        receiver
    }

    async fn verify(&mut self, context: Self::Context, payload: Digest) -> oneshot::Receiver<bool> {
        let (answer, receiver) = oneshot::channel();
        let shared = self.shared.clone();
        let parent = digest_bytes(&context.parent.1);
        let digest = digest_bytes(&payload);
        let leader = shared.names.get(&context.leader).cloned().unwrap_or_default();
        self.context.child("verify").spawn(move |clock| async move {
            while !answer.is_closed() {
                if shared.diverged().is_some() {
                    let _ = answer.send(false);
                    return;
                }
                let verdict = shared.chain().verify(parent, digest, &leader, now_ns(&clock));
                match verdict {
                    Verdict::Valid => {
                        let _ = answer.send(true);
                        return;
                    }
                    Verdict::Invalid(reason) => {
                        tracing::warn!(block = %hex::encode(digest), "refused a proposal: {reason}");
                        let _ = answer.send(false);
                        return;
                    }
                    // Not here yet: ask for it, and look again.
                    Verdict::Missing(d) => shared.want(d),
                }
                clock.sleep(FETCH_RETRY).await;
            }
        });
        receiver
    }
}

// The default certification (every notarised proposal is certified) is what jsvm wants: a
// block is checked in full before the vote.
impl<E, S> CertifiableAutomaton for App<E, S>
where
    E: Spawner + Clock,
    S: Sender<PublicKey = PublicKey> + Clone,
{
}

impl<E, S> Relay for App<E, S>
where
    E: Send + Sync + 'static,
    S: Sender<PublicKey = PublicKey> + Clone,
{
    type Digest = Digest;
    type PublicKey = PublicKey;
    type Plan = Plan<PublicKey>;

    fn broadcast(&mut self, payload: Digest, plan: Plan<PublicKey>) -> Feedback {
        let block = self.shared.chain().block_bytes(&digest_bytes(&payload)).ok().flatten();
        let Some(bytes) = block else { return Feedback::Ok };
        let recipients = match plan {
            Plan::Prepare { .. } | Plan::Propose { .. } => Recipients::All,
            Plan::Forward { recipients, .. } => recipients,
        };
        self.blocks.send(recipients, IoBuf::from(blocks::tagged(blocks::TAG_BLOCK, &bytes)), false);
        Feedback::Ok
    }
}

/// Hands each finalised digest to the committer, in the order the engine reports them.
#[derive(Clone)]
struct Finality {
    finalized: mpsc::UnboundedSender<BlockDigest>,
}

impl Reporter for Finality {
    type Activity = Activity<Scheme, Digest>;

    fn report(&mut self, activity: Self::Activity) -> Feedback {
        if let Activity::Finalization(f) = activity {
            let _ = self.finalized.send(digest_bytes(&f.proposal.payload));
        }
        Feedback::Ok
    }
}

/// Commits each finalised block (with the held blocks below it), fetching any block it lacks.
async fn commit_finalized<E: Clock>(
    clock: E,
    shared: Arc<Shared>,
    mut finalized: mpsc::UnboundedReceiver<BlockDigest>,
) {
    while let Some(digest) = finalized.recv().await {
        loop {
            let result = shared.chain().finalize(digest);
            match result {
                Ok(outcomes) => {
                    for outcome in &outcomes {
                        shared.txs.committed(outcome);
                    }
                    break;
                }
                Err(CommitError::Missing(d)) => shared.want(d),
                Err(e @ CommitError::Diverged(..)) => {
                    tracing::error!("{e}; this validator stops voting and commits nothing more");
                    *shared.diverged.lock().unwrap_or_else(|e| e.into_inner()) = Some(e.to_string());
                    return;
                }
                Err(e) => tracing::error!("cannot commit block {}: {e}; retrying", hex::encode(digest)),
            }
            clock.sleep(FETCH_RETRY).await;
        }
    }
}

/// The network a validator is given: a sender and receiver per channel.
pub struct Channels<S, R> {
    /// [`VOTES`].
    pub votes: (S, R),
    /// [`CERTIFICATES`].
    pub certificates: (S, R),
    /// [`RESOLVER`].
    pub resolver: (S, R),
    /// [`BLOCKS`].
    pub blocks: (S, R),
    /// [`TXS`].
    pub txs: (S, R),
}

/// Starts a validator on `context`: simplex over `channels`, its blocks executed and committed
/// by `chain` (whose VM must hold this genesis's chain), its transactions from `txs`; those on
/// `forwarded` (admitted by this node) go to its peers. `blocker`
/// is the network's way to shut out a peer that signs conflicting votes. The returned handle
/// runs until aborted (aborting it stops every task it started).
pub fn start<E, B, S, R>(
    context: E,
    config: ValidatorConfig,
    chain: ReplicaChain,
    txs: Arc<dyn TxSource>,
    blocker: B,
    channels: Channels<S, R>,
    forwarded: mpsc::Receiver<Transaction>,
) -> Result<Handle<()>, String>
where
    E: Spawner + Clock + Storage + Metrics + Supervisor + rand_core::CryptoRng,
    B: Blocker<PublicKey = PublicKey>,
    S: Sender<PublicKey = PublicKey> + Clone,
    R: Receiver<PublicKey = PublicKey>,
{
    config.genesis.check()?;
    let key = private_key(&config.seed)?;
    let (participants, names) = participants(&config.genesis)?;
    let me = names.get(&key.public_key()).cloned().ok_or("this validator's key is not in the genesis validator set")?;
    let namespace = [NAMESPACE, hex::encode(config.genesis.digest()).as_bytes()].concat();
    let scheme = Scheme::signer(&namespace, participants, key.clone())
        .ok_or("this validator's key is not in the genesis validator set")?;
    let genesis_digest = chain.genesis_digest();
    let shared = Arc::new(Shared {
        chain: Mutex::new(chain),
        wanted: Mutex::default(),
        names,
        me: me.clone(),
        txs,
        max_block_txs: config.max_block_txs,
        empty_block_wait: config.empty_block_wait.min(config.leader_timeout / 2),
        diverged: Mutex::default(),
    });
    let partition = format!("jsvm-simplex-{}", hex::encode(key.public_key().as_ref()));
    Ok(context.spawn(move |context| async move {
        let (block_sender, block_receiver) = channels.blocks;
        context.child("blocks").spawn({
            let (shared, sender) = (shared.clone(), block_sender.clone());
            move |_| blocks::serve_blocks(shared, sender, block_receiver)
        });
        context.child("fetch").spawn({
            let (shared, sender) = (shared.clone(), block_sender.clone());
            move |clock| blocks::fetch_wanted(clock, shared, sender)
        });
        let (tx_sender, tx_receiver) = channels.txs;
        context.child("forward").spawn(move |_| txs::forward(tx_sender, forwarded));
        context.child("admit").spawn({
            let shared = shared.clone();
            move |_| txs::admit(shared, tx_receiver)
        });
        let (finalized, to_commit) = mpsc::unbounded_channel();
        context.child("commit").spawn({
            let shared = shared.clone();
            move |clock| commit_finalized(clock, shared, to_commit)
        });
        let app = App { context: Arc::new(context.child("app")), shared, blocks: block_sender };
        let engine = Engine::new(
            context.child("engine"),
            Config {
                scheme,
                elector: RoundRobin::<Sha256>::default(),
                blocker,
                automaton: app.clone(),
                relay: app,
                reporter: Finality { finalized },
                track_historical_votes: false,
                strategy: Sequential,
                partition,
                mailbox_size: NZUsize!(1024),
                epoch: Epoch::new(0),
                floor: Floor::Genesis(Digest(genesis_digest)),
                replay_buffer: NZUsize!(1 << 20),
                write_buffer: NZUsize!(1 << 20),
                page_cache: CacheRef::new(NZU16!(1024), NZUsize!(10)),
                leader_timeout: config.leader_timeout,
                certification_timeout: config.certification_timeout,
                timeout_retry: config.certification_timeout * 2,
                view_retention: ViewDelta::new(256),
                skip: SkipPolicy::Disabled,
                fetch_timeout: NZDuration!(Duration::from_secs(1)),
                fetch_retry_delay: Duration::from_millis(100),
                forward: ForwardPolicy::SilentVoters,
            },
        );
        tracing::info!(validator = %me, "consensus starts");
        let _ = engine.start(channels.votes, channels.certificates, channels.resolver).await;
    }))
}
