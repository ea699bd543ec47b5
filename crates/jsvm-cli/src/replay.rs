//! `jsvm replay --from DIR`: re-executes every block of a recorded chain, from its genesis, into a
//! new store, and checks each block against the record: every receipt and the state root (through
//! [`VmManager::validate_block`]), then the block record itself (its hash). It stops at the first
//! block that differs and says which block, transaction and field; at the end it prints how fast
//! the blocks ran.
//!
//! What shaped the chain is read from the chain itself, since no node writes its settings down:
//! the gas schedule is the one stored in state (only a chain's first block writes it); each block's
//! witness is its record's; the chain id is the one its signed transactions carry; and the admin
//! key and `charge_resources`, which only change what the genesis writes, are found by replaying
//! the first block with each candidate until one reproduces it (admin's keys at the head, the
//! development key a node gives by default, no key as the one-shot CLI makes it; charging off, then
//! on). Unsigned transactions are accepted, as on a node's data directory the one-shot CLI may
//! have extended; signed ones have their chain id and signatures checked.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use jsvm_engine::EngineKind;
use jsvm_state::{RocksStore, Store, TxState};
use jsvm_vm::{BlockOutcome, BlockRecord, ExecMode, ProposedBlock, VmConfig, VmError, VmManager, GENESIS_ADMIN};

use crate::commands::{CmdResult, Outcome};
use crate::new_chain_dir::NewChainDir;
use crate::output::{note, out};

/// `jsvm replay --help`'s description.
pub(crate) const LONG_ABOUT: &str = "\
Re-execute every block of the chain in --from DIR (a data directory written by `jsvm node` or by the
one-shot commands), from its genesis, into a new chain, and check each block against the record:
every receipt field, the state root and the block's hash. The source is opened read-only and never
changed; a running node's directory can be replayed as it was when replay opened it.

The new chain goes to --data NEWDIR, which must be empty or absent (it is kept); without --data, to a
temporary directory removed at the end ($JSVM_DATA is not read).

The settings the chain was made with are read from the chain: the gas schedule from its state, the
witness from each block, the chain id from its signed transactions, a validator's genesis accounts
from the genesis.json its directory keeps, and the genesis admin key and
charge_resources by trying the first block with admin's keys at the head, the development key that
`jsvm node` uses without --admin-key, and no key (the one-shot commands), with charging off and on.
--admin-key and --chain-id fix them instead (the same flags as `jsvm node`).

Exit 0: every block matched; it prints blocks, transactions, seconds, blocks/s, tx/s and how many
executions each transaction took. Exit 1: a block differs; stderr names the block, the transaction
and the field (with --json, so does the JSON on stdout). Exit 2: it could not run.";

/// `jsvm replay`'s options (the new chain's directory is the global --data; the engine the global --engine).
#[derive(Args, Debug)]
pub(crate) struct ReplayArgs {
    /// The data directory holding the chain to replay (opened read-only).
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// How each block's transactions are executed: parallel or sequential.
    #[arg(long, value_name = "MODE", default_value_t = ExecMode::Parallel)]
    pub exec: ExecMode,
    /// Worker threads. Default: the machine's cores, at least 2 and at most 16.
    #[arg(long, value_name = "N", value_parser = crate::args::parse_workers)]
    pub workers: Option<usize>,
    /// The genesis admin key the chain was made with (base58 public key), instead of finding it.
    #[arg(long, value_name = "PUBKEY")]
    pub admin_key: Option<String>,
    /// The chain id of the chain's signed transactions, instead of reading it from them.
    #[arg(long, value_name = "N")]
    pub chain_id: Option<u32>,
    /// Print one JSON object (the figures, or where the chain differs) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Why a replay stopped early.
enum Stop {
    /// Re-execution does not reproduce block `height` (exit 1).
    Differs { height: u64, message: String },
    /// The replay could not go on (exit 2).
    Error(String),
}

impl From<String> for Stop {
    fn from(e: String) -> Stop {
        Stop::Error(e)
    }
}

/// What the replayed blocks add up to.
#[derive(Default)]
struct Totals {
    blocks: u64,
    txs: u64,
    executions: u64,
    validations: u64,
    parallel_blocks: u64,
    most_workers: usize,
}

impl Totals {
    fn add(&mut self, outcome: &BlockOutcome) {
        self.blocks += 1;
        self.txs += outcome.receipts.len() as u64;
        self.executions += outcome.exec.executions;
        self.validations += outcome.exec.validations;
        self.parallel_blocks += u64::from(outcome.exec.parallel);
        self.most_workers = self.most_workers.max(outcome.exec.workers);
    }
}

/// The settings found for the chain, as the summary shows them.
#[derive(serde::Serialize)]
struct Found {
    admin_key: Option<String>,
    charge_resources: bool,
    chain_ids: Vec<u32>,
    witnesses: Vec<String>,
}

/// The VM that replays, remade when a block needs other settings (a witness, a chain id).
struct Replayer {
    store: Arc<dyn Store>,
    config: VmConfig,
    vm: Option<VmManager>,
    fixed_chain_id: bool,
    found: Found,
}

impl Replayer {
    /// Makes (or keeps) the VM for a block produced by `witness`, whose signed transactions carry `chain_id`.
    fn vm_for(&mut self, witness: &str, chain_id: Option<u32>) -> Result<&VmManager, String> {
        let mut changed = false;
        if self.config.witness != witness {
            self.config.witness = witness.to_string();
            changed = true;
        }
        if !self.found.witnesses.iter().any(|w| w == witness) {
            self.found.witnesses.push(witness.to_string());
        }
        if let Some(id) = chain_id.filter(|_| !self.fixed_chain_id) {
            changed |= self.config.chain_id != id;
            self.config.chain_id = id;
        }
        if let Some(id) = chain_id.map(|_| self.config.chain_id) {
            if !self.found.chain_ids.contains(&id) {
                self.found.chain_ids.push(id);
            }
        }
        if changed || self.vm.is_none() {
            // The old pool stops before the new one starts.
            self.vm = None;
            let vm = VmManager::new(self.store.clone(), self.config.clone()).map_err(|e| e.to_string())?;
            return Ok(self.vm.insert(vm));
        }
        match &self.vm {
            Some(vm) => Ok(vm),
            None => Err("the replaying VM is gone".into()),
        }
    }

    /// Replays the first block, which writes the genesis, with each candidate admin key and
    /// resource setting until one reproduces it; the VM that did stays for the blocks after.
    fn first_block(
        &mut self,
        block: &ProposedBlock,
        witness: &str,
        chain_id: Option<u32>,
        keys: &[Option<String>],
    ) -> Result<BlockOutcome, Stop> {
        let mut first_error = None;
        for charge_resources in [false, true] {
            for key in keys {
                self.config.admin_key = key.clone();
                self.config.charge_resources = charge_resources;
                self.vm = None;
                let vm = self.vm_for(witness, chain_id)?;
                match vm.validate_block(block) {
                    Ok(outcome) => {
                        self.found.admin_key = key.clone();
                        self.found.charge_resources = charge_resources;
                        return Ok(outcome);
                    }
                    Err(e @ (VmError::BlockMismatch(_) | VmError::InvalidTx(_))) => {
                        first_error.get_or_insert(e);
                    }
                    Err(e) => return Err(Stop::Error(format!("block 1: {e}"))),
                }
            }
        }
        self.vm = None;
        let tried: Vec<&str> = keys.iter().map(|k| k.as_deref().unwrap_or("no key")).collect();
        Err(Stop::Differs {
            height: 1,
            message: format!(
                "{} (the genesis was tried with the admin keys {}, with and without charge_resources; \
                 --admin-key gives the chain's own)",
                mismatch_text(first_error),
                tried.join(", ")
            ),
        })
    }
}

fn mismatch_text(e: Option<VmError>) -> String {
    match e {
        Some(VmError::BlockMismatch(m)) => m,
        Some(other) => other.to_string(),
        None => "it was not reproduced".into(),
    }
}

/// The chain in `dir`, opened read-only (a running node may hold it).
fn open_source(dir: &Path, engine: EngineKind) -> Result<VmManager, String> {
    if !dir.is_dir() {
        return Err(format!("--from {}: no such directory", dir.display()));
    }
    let store = RocksStore::open_read_only(dir)
        .map_err(|e| format!("cannot open the chain in --from {} read-only: {e}", dir.display()))?;
    let config = VmConfig { workers: 1, engine, ..VmConfig::default() };
    VmManager::new(Arc::new(store), config).map_err(|e| e.to_string())
}

/// The replaying VM's settings: the source's gas schedule, the execution mode and workers asked for.
fn base_config(source: &VmManager, args: &ReplayArgs, engine: EngineKind) -> Result<VmConfig, String> {
    let mut config = VmConfig { engine, exec: args.exec, ..VmConfig::default() };
    if let Some(workers) = args.workers {
        config.workers = workers;
    }
    if let Some(id) = args.chain_id {
        config.chain_id = id;
    }
    // A validator's directory keeps its chain's genesis file (docs/replication.md): the accounts
    // block 1 made besides admin are read from it.
    if let Some(genesis) = jsvm_replication::Genesis::read(&args.from.join("genesis.json"))? {
        config.genesis_accounts = genesis.accounts;
    }
    let (_, snapshot) = source.store().snapshot();
    let state = TxState::new(snapshot);
    let text = jsvm_runtime::storage::get(&state, jsvm_runtime::SYSTEM_CONTRACT, jsvm_vm::GAS_SCHEDULE_KEY)?;
    if let Some(text) = text {
        config.schedule =
            serde_json::from_str(&text).map_err(|e| format!("the chain's stored gas schedule is unreadable: {e}"))?;
    }
    Ok(config)
}

/// The admin keys to try the genesis with: the one given, else admin's keys in the source's head
/// state, the development key and none.
fn candidate_keys(source: &VmManager, given: Option<&str>) -> Result<Vec<Option<String>>, String> {
    if let Some(key) = given {
        jsvm_tx::decode_public_key(key).map_err(|e| format!("--admin-key {key:?}: {e}"))?;
        return Ok(vec![Some(key.to_string())]);
    }
    let (_, snapshot) = source.store().snapshot();
    let mut keys: Vec<Option<String>> = Vec::new();
    if let Some((account, _)) = jsvm_runtime::load_account(&TxState::new(snapshot), GENESIS_ADMIN)? {
        for perm in ["owner", "active"] {
            let items = account.permissions.get(perm).map(|p| p.items.as_slice()).unwrap_or_default();
            for item in items.iter().filter(|i| i.is_key_pair && !i.id.is_empty()) {
                keys.push(Some(item.id.clone()));
            }
        }
    }
    keys.push(Some(jsvm_node::DEV_ADMIN_PUBLIC_B58.to_string()));
    keys.push(None);
    let mut unique = Vec::new();
    for key in keys {
        if !unique.contains(&key) && key.as_deref().is_none_or(|k| jsvm_tx::decode_public_key(k).is_ok()) {
            unique.push(key);
        }
    }
    Ok(unique)
}

/// The chain id the block's signed transactions carry (the first one's), if any is signed.
fn signed_chain_id(record: &BlockRecord) -> Option<u32> {
    record.txs.iter().find_map(|tx| tx.signed().map(|s| s.chain_id))
}

/// The first of `block`'s transactions signed for another chain than `chain_id` (--chain-id), as a sentence.
fn foreign_chain_id(block: &ProposedBlock, chain_id: u32) -> Option<String> {
    block.txs.iter().zip(&block.receipts).enumerate().find_map(|(i, (tx, receipt))| {
        let signed = tx.signed().map(|s| s.chain_id).filter(|&id| id != chain_id)?;
        Some(format!(
            "transaction #{i} {}: chain id differs: signed for {signed}, --chain-id {chain_id}",
            receipt.tx_hash
        ))
    })
}

fn root_bytes(hex_root: &str) -> Option<[u8; 32]> {
    hex::decode(hex_root).ok()?.try_into().ok()
}

/// Replays every block of `source` through `replayer`, adding each to `totals`.
fn replay_blocks(
    source: &VmManager,
    replayer: &mut Replayer,
    keys: &[Option<String>],
    totals: &mut Totals,
    head: u64,
) -> Result<(), Stop> {
    let mut last_note = Instant::now();
    let started = Instant::now();
    for height in 1..=head {
        let read = |e: VmError| Stop::Error(format!("cannot read block {height} of the source: {e}"));
        let (record, hash) = source
            .block_with_hash(height)
            .map_err(read)?
            .ok_or_else(|| read(VmError::Internal("it is missing".into())))?;
        let receipts = source.block_receipts(&record).map_err(|e| Stop::Differs { height, message: e.to_string() })?;
        let state_root = root_bytes(&record.state_root).ok_or_else(|| Stop::Differs {
            height,
            message: format!("its recorded state root {:?} is not 32 bytes of hex", record.state_root),
        })?;
        let block = ProposedBlock {
            txs: record.txs.clone(),
            time: record.time,
            witness: record.witness.clone(),
            receipts,
            state_root,
        };
        let chain_id = signed_chain_id(&record);
        if replayer.fixed_chain_id {
            if let Some(message) = foreign_chain_id(&block, replayer.config.chain_id) {
                return Err(Stop::Differs { height, message });
            }
        }
        let outcome = if height == 1 {
            replayer.first_block(&block, &record.witness, chain_id, keys)?
        } else {
            match replayer.vm_for(&record.witness, chain_id)?.validate_block(&block) {
                Ok(outcome) => outcome,
                Err(VmError::BlockMismatch(message)) => return Err(Stop::Differs { height, message }),
                Err(e @ VmError::InvalidTx(_)) => return Err(Stop::Differs { height, message: e.to_string() }),
                Err(e) => return Err(Stop::Error(format!("block {height}: {e}"))),
            }
        };
        if outcome.block_hash != hash {
            return Err(Stop::Differs { height, message: record_difference(replayer, &record, height) });
        }
        totals.add(&outcome);
        if last_note.elapsed() >= Duration::from_secs(5) {
            last_note = Instant::now();
            let rate = height as f64 / started.elapsed().as_secs_f64();
            note(format_args!("jsvm replay: block {height} of {head} ({rate:.1} blocks/s)"));
        }
    }
    Ok(())
}

/// Which field of block `height`'s record re-execution wrote otherwise, as a sentence.
fn record_difference(replayer: &Replayer, recorded: &BlockRecord, height: u64) -> String {
    let made = replayer.vm.as_ref().and_then(|vm| vm.block(height).ok().flatten());
    let Some(made) = made else { return "the block's hash differs".into() };
    let fields: [(&str, String, String); 5] = [
        ("parent_hash", recorded.parent_hash.clone(), made.parent_hash),
        ("time", recorded.time.to_string(), made.time.to_string()),
        ("witness", recorded.witness.clone(), made.witness),
        ("parent_root", recorded.parent_root.clone(), made.parent_root),
        ("state_root", recorded.state_root.clone(), made.state_root),
    ];
    match fields.into_iter().find(|(_, a, b)| a != b) {
        Some((field, given, got)) => format!("block record: {field} differs: given {given}, re-executed {got}"),
        None => "block record: its hash differs (the transactions as stored)".into(),
    }
}

/// Where a mismatch message points: the transaction (its index and hash) and the field.
#[derive(Debug, Default, PartialEq, Eq)]
struct Pointer {
    tx_index: Option<u64>,
    tx_hash: Option<String>,
    field: Option<String>,
}

/// Reads [`VmManager::validate_block`]'s and [`record_difference`]'s sentences back into their parts.
fn pointer(message: &str) -> Pointer {
    let mut p = Pointer::default();
    let rest = if let Some(rest) = message.strip_prefix("transaction #") {
        let (index, rest) = rest.split_once(' ').unwrap_or((rest, ""));
        p.tx_index = index.parse().ok();
        let (hash, rest) = rest.split_once(": ").unwrap_or((rest, ""));
        p.tx_hash = Some(hash.to_string());
        rest
    } else if let Some(rest) = message.strip_prefix("block record: ") {
        rest
    } else if let Some(rest) = message.strip_prefix("invalid transaction: transaction ") {
        p.tx_hash = rest.split([' ', ':']).next().map(str::to_string);
        return p;
    } else if let Some(rest) = message.strip_prefix("transaction ") {
        p.tx_hash = rest.split(' ').next().map(str::to_string);
        return p;
    } else {
        message
    };
    p.field = rest.split_once(" differs").map(|(field, _)| field.replace(' ', "_"));
    p
}

/// Runs `jsvm replay`.
pub(crate) fn run(args: ReplayArgs, keep: Option<PathBuf>, engine: EngineKind) -> CmdResult {
    let source = open_source(&args.from, engine)?;
    let head = source.head().height;
    if head == 0 {
        return Err(format!("--from {}: the chain there has no blocks to replay", args.from.display()));
    }
    // A temporary one is removed at the end, with the chain in it.
    let dir = NewChainDir::new(keep.as_deref(), "replay writes a new chain there")?;
    let data = dir.path().to_path_buf();
    let keys = candidate_keys(&source, args.admin_key.as_deref())?;
    let config = base_config(&source, &args, engine)?;
    let store = RocksStore::open(&data).map_err(|e| format!("cannot make the new chain in {}: {e}", data.display()))?;
    let workers = config.max_workers();
    let found = Found { admin_key: None, charge_resources: false, chain_ids: Vec::new(), witnesses: Vec::new() };
    let mut replayer =
        Replayer { store: Arc::new(store), config, vm: None, fixed_chain_id: args.chain_id.is_some(), found };
    if !args.json {
        out!(
            "jsvm replay: {} blocks of {} into {} ({}, {workers} workers)",
            head,
            args.from.display(),
            if keep.is_some() { data.display().to_string() } else { "a temporary directory".into() },
            args.exec
        )?;
    }
    let mut totals = Totals::default();
    let started = Instant::now();
    let result = replay_blocks(&source, &mut replayer, &keys, &mut totals, head);
    let seconds = started.elapsed().as_secs_f64();
    // The replaying VM's workers stop here, before the figures are printed.
    let Replayer { found, .. } = replayer;
    match result {
        Ok(()) => summary(&args, &totals, seconds, workers, &found),
        Err(Stop::Error(e)) => Err(e),
        Err(Stop::Differs { height, message }) => differs(&args, &totals, height, &message),
    }
}

/// `n` a second over `seconds`.
fn per_second(n: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        n as f64 / seconds
    } else {
        0.0
    }
}

/// Prints the figures of a replay in which every block matched.
fn summary(args: &ReplayArgs, t: &Totals, seconds: f64, workers: usize, found: &Found) -> CmdResult {
    let per_tx = if t.txs == 0 { 0.0 } else { t.executions as f64 / t.txs as f64 };
    let (blocks_per_s, tx_per_s) = (per_second(t.blocks, seconds), per_second(t.txs, seconds));
    if args.json {
        let json = serde_json::json!({
            "ok": true,
            "blocks": t.blocks,
            "txs": t.txs,
            "seconds": seconds,
            "blocks_per_s": blocks_per_s,
            "tx_per_s": tx_per_s,
            "exec": args.exec.to_string(),
            "workers": workers,
            "executions": t.executions,
            "executions_per_tx": per_tx,
            "validations": t.validations,
            "parallel_blocks": t.parallel_blocks,
            "most_workers": t.most_workers,
            "chain": found,
        });
        out!("{json}")?;
        return Ok(Outcome::Success);
    }
    out!("every block matched: its receipts, its state root and its hash")?;
    out!("{} blocks, {} txs in {seconds:.3} s: {blocks_per_s:.1} blocks/s, {tx_per_s:.1} tx/s", t.blocks, t.txs)?;
    out!(
        "{} executions ({per_tx:.2} per tx), {} validations; blocks run in parallel: {} of {}; most workers a block used: {}",
        t.executions,
        t.validations,
        t.parallel_blocks,
        t.blocks,
        t.most_workers
    )?;
    out!(
        "chain: admin key {}, charge_resources {}, chain id {}, witness {}",
        found.admin_key.as_deref().unwrap_or("none"),
        if found.charge_resources { "on" } else { "off" },
        list(&found.chain_ids, "(no signed transactions)"),
        list(&found.witnesses, "")
    )?;
    Ok(Outcome::Success)
}

fn list<T: std::fmt::Display>(items: &[T], empty: &str) -> String {
    if items.is_empty() {
        return empty.to_string();
    }
    items.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
}

/// Says where the chain differs: on stderr, and with --json as one JSON object on stdout. Exit 1.
fn differs(args: &ReplayArgs, t: &Totals, height: u64, message: &str) -> CmdResult {
    let p = pointer(message);
    if args.json {
        let json = serde_json::json!({
            "ok": false,
            "height": height,
            "tx_index": p.tx_index,
            "tx_hash": p.tx_hash,
            "field": p.field,
            "message": message,
            "blocks": t.blocks,
            "txs": t.txs,
        });
        out!("{json}")?;
    }
    let matched = match t.blocks {
        0 => "no block before it was replayed".to_string(),
        1 => "block 1 before it matched".to_string(),
        n => format!("blocks 1 to {n} before it matched"),
    };
    note(format_args!("jsvm: block {height} differs from the recorded chain: {message} ({matched})"));
    Ok(Outcome::Failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mismatch_message_points_at_its_transaction_and_field() {
        let p = pointer("transaction #2 AbC: gas_used differs: given 1, re-executed 2");
        assert_eq!(p, Pointer { tx_index: Some(2), tx_hash: Some("AbC".into()), field: Some("gas_used".into()) });
        let p = pointer("state root differs: given 00, re-executed ff");
        assert_eq!(p, Pointer { field: Some("state_root".into()), ..Pointer::default() });
        let p = pointer("block record: time differs: given 1, re-executed 2");
        assert_eq!(p.field.as_deref(), Some("time"));
        let p = pointer("invalid transaction: transaction XyZ: invalid chain_id, should be 1, yours: 2");
        assert_eq!(p.tx_hash.as_deref(), Some("XyZ"));
        assert_eq!(pointer("2 receipts given for 3 transactions"), Pointer::default());
    }
}
