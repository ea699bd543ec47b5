//! The history index: which committed transactions concern an account or a contract, and which
//! transaction deployed a contract. Node-local (the store's Index key space, never part of
//! consensus), written after each block commits and caught up from the blocks at start, so a chain
//! written by the one-shot CLI, or a crash between a commit and its index, loses nothing.
//!
//! | key | value |
//! |---|---|
//! | `a` account NUL height(u64 BE) position(u32 BE) | the transaction's summary (JSON) |
//! | `c` contract NUL height(u64 BE) position(u32 BE) | the transaction's summary (JSON) |
//! | `d` contract | its deployment `{tx_hash, block_number, owner}` (JSON) |
//! | `l` transaction hash (base58) | its lines for the node's log (JSON array; blocks this node made) |
//! | `h` | the last height indexed (u64 BE) |
//!
//! Names and ids hold no NUL byte, so one name's entries never run into another's. A page is read
//! backwards from a cursor, `height.position` of the last entry shown, newest first.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use jsvm_events::CommittedBlock;
use jsvm_state::{StateError, Store};
use jsvm_vm::views::{self, NameKind};
use jsvm_vm::{valid_name, BlockRecord, Receipt, Status, Transaction, TxLog, VmManager};
use serde_json::{json, Value};

/// The most entries one page holds.
pub(crate) const MAX_PAGE: usize = 100;

/// How many of an action's (or a receipt entry's) arguments are looked at for names.
const ARGS_LOOKED_AT: usize = 16;

const LAST_INDEXED: &[u8] = b"h";

/// Whose history a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    Account,
    Contract,
}

impl Subject {
    fn tag(self) -> u8 {
        match self {
            Subject::Account => b'a',
            Subject::Contract => b'c',
        }
    }

    fn prefix(self, name: &str) -> Vec<u8> {
        let mut key = vec![self.tag()];
        key.extend_from_slice(name.as_bytes());
        key.push(0);
        key
    }
}

/// Where a transaction sits in the chain; the order of history pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Cursor {
    height: u64,
    position: u32,
}

impl Cursor {
    fn to_bytes(self) -> [u8; 12] {
        let mut b = [0; 12];
        b[..8].copy_from_slice(&self.height.to_be_bytes());
        b[8..].copy_from_slice(&self.position.to_be_bytes());
        b
    }

    fn from_bytes(b: &[u8]) -> Option<Cursor> {
        Some(Cursor {
            height: u64::from_be_bytes(b.get(..8)?.try_into().ok()?),
            position: u32::from_be_bytes(b.get(8..12)?.try_into().ok()?),
        })
    }

    /// `height.position`, as a page's `next` writes it.
    pub(crate) fn parse(text: &str) -> Option<Cursor> {
        let (height, position) = text.split_once('.')?;
        Some(Cursor { height: height.parse().ok()?, position: position.parse().ok()? })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.height, self.position)
    }
}

/// One page, newest first, and the cursor of the page after it (`None` at the chain's start).
pub(crate) struct Page {
    pub(crate) items: Vec<Value>,
    pub(crate) next: Option<String>,
}

/// The index over one node's store.
pub(crate) struct History {
    vm: Arc<VmManager>,
    /// The last height whose transactions are indexed.
    last: AtomicU64,
}

impl History {
    pub(crate) fn open(vm: Arc<VmManager>) -> Result<History, StateError> {
        let last = match vm.store().index_get(LAST_INDEXED)? {
            Some(b) => b.as_slice().try_into().map(u64::from_be_bytes).unwrap_or(0),
            None => 0,
        };
        Ok(History { vm, last: AtomicU64::new(last) })
    }

    fn store(&self) -> &Arc<dyn Store> {
        self.vm.store()
    }

    /// Indexes every committed block not indexed yet; returns how many it indexed.
    pub(crate) fn catch_up(&self) -> Result<u64, String> {
        let head = self.vm.head().height;
        let mut done = 0;
        while self.last.load(Ordering::SeqCst) < head {
            let height = self.last.load(Ordering::SeqCst) + 1;
            let record = self.record(height)?;
            let receipts = self.vm.block_receipts(&record).map_err(|e| e.to_string())?;
            self.index(&record, &receipts, &[])?;
            done += 1;
        }
        Ok(done)
    }

    fn record(&self, height: u64) -> Result<BlockRecord, String> {
        self.vm.block(height).map_err(|e| e.to_string())?.ok_or_else(|| format!("block {height} is not in the store"))
    }

    /// Indexes a block the producer has just committed (and any the index missed before it), with
    /// its transactions' log lines. An index that cannot be written is logged, not fatal: the next
    /// start catches it up (without log lines, which only the producing run has).
    pub(crate) fn index_committed(&self, block: &CommittedBlock, logs: &[TxLog]) {
        let written = if block.height > self.last.load(Ordering::SeqCst) + 1 {
            self.catch_up().map(|_| ())
        } else {
            // The receipts came with the block; its transactions are in its record.
            self.record(block.height).and_then(|record| self.index(&record, &block.receipts, logs))
        };
        if let Err(e) = written {
            tracing::error!(height = block.height, "the history index could not be written: {e}");
        }
    }

    /// Writes the entries of block `record` (whose receipts are `receipts`) and the log lines of its
    /// transactions in `logs` (a transaction the block left out is not in it), in one batch.
    fn index(&self, record: &BlockRecord, receipts: &[Receipt], logs: &[TxLog]) -> Result<(), String> {
        let height = record.height;
        if height <= self.last.load(Ordering::SeqCst) {
            return Ok(());
        }
        // A string in an argument counts as a name only if the chain has that account or contract (at the
        // head: a block being caught up on sees names made after it too).
        let (_, state) = self.store().snapshot();
        let mut known: HashMap<String, Option<NameKind>> = HashMap::new();
        let mut kind_of = |name: &str| -> Option<NameKind> {
            *known.entry(name.to_string()).or_insert_with(|| views::name_kind(&state, name).ok().flatten())
        };
        let mut entries = Vec::new();
        for (position, (tx, receipt)) in record.txs.iter().zip(receipts).enumerate() {
            let at = Cursor { height, position: u32::try_from(position).unwrap_or(u32::MAX) };
            let summary = summary(tx, receipt, record.time).to_string().into_bytes();
            let (accounts, contracts) = concerned(tx, receipt, &mut kind_of);
            for (subject, names) in [(Subject::Account, accounts), (Subject::Contract, contracts)] {
                for name in names {
                    let mut key = subject.prefix(&name);
                    key.extend_from_slice(&at.to_bytes());
                    entries.push((key, summary.clone()));
                }
            }
            for id in deployed(tx, receipt) {
                let key = [b"d", id.as_bytes()].concat();
                let first = self.store().index_get(&key).map_err(|e| e.to_string())?.is_none();
                if first && !entries.iter().any(|(k, _)| *k == key) {
                    let deployment =
                        json!({"tx_hash": receipt.tx_hash, "block_number": height.to_string(), "owner": tx.publisher});
                    entries.push((key, deployment.to_string().into_bytes()));
                }
            }
        }
        let held: HashSet<&str> = receipts.iter().map(|r| r.tx_hash.as_str()).collect();
        for log in logs.iter().filter(|l| held.contains(l.tx_hash.as_str())) {
            let lines = serde_json::to_vec(&log.lines).map_err(|e| e.to_string())?;
            entries.push(([b"l", log.tx_hash.as_bytes()].concat(), lines));
        }
        entries.push((LAST_INDEXED.to_vec(), height.to_be_bytes().to_vec()));
        self.store().index_put(&entries).map_err(|e| e.to_string())?;
        self.last.store(height, Ordering::SeqCst);
        Ok(())
    }

    /// Up to `limit` (1 to [`MAX_PAGE`]) transactions of `name`, newest first, older than `before`.
    pub(crate) fn page(
        &self,
        subject: Subject,
        name: &str,
        before: Option<Cursor>,
        limit: usize,
    ) -> Result<Page, StateError> {
        let limit = limit.clamp(1, MAX_PAGE);
        let before = before.map(Cursor::to_bytes);
        let prefix = subject.prefix(name);
        let mut found = self.store().index_scan_back(&prefix, before.as_ref().map(|b| b.as_slice()), limit + 1)?;
        let more = found.len() > limit;
        found.truncate(limit);
        let next = if more { found.last().and_then(|(k, _)| Cursor::from_bytes(&k[prefix.len()..])) } else { None };
        let items = found.iter().filter_map(|(_, v)| serde_json::from_slice(v).ok()).collect();
        Ok(Page { items, next: next.map(|c| c.to_string()) })
    }

    /// The log lines of transaction `tx_hash` (base58), as this node wrote them when it made the
    /// transaction's block; empty when there were none or another run made it.
    pub(crate) fn log_lines(&self, tx_hash: &str) -> Result<Vec<String>, StateError> {
        let found = self.store().index_get(&[b"l", tx_hash.as_bytes()].concat())?;
        Ok(found.and_then(|v| serde_json::from_slice(&v).ok()).unwrap_or_default())
    }

    /// The transaction that deployed contract `id`, if this chain did.
    pub(crate) fn deployment(&self, id: &str) -> Result<Option<Value>, StateError> {
        let found = self.store().index_get(&[b"d", id.as_bytes()].concat())?;
        Ok(found.and_then(|v| serde_json::from_slice(&v).ok()))
    }
}

/// What a history page shows of a transaction.
fn summary(tx: &Transaction, receipt: &Receipt, time: u64) -> Value {
    let actions: Vec<Value> =
        tx.actions.iter().map(|a| json!({"contract": a.contract, "action_name": a.action_name})).collect();
    json!({
        "tx_hash": receipt.tx_hash,
        "block_number": receipt.block.to_string(),
        "time": time.to_string(),
        "status_code": receipt.status.name(),
        "actions": actions,
    })
}

fn is_contract_id(s: &str) -> bool {
    (s.starts_with("Contract") || s.ends_with(".iost")) && valid_name(s)
}

/// A name an account could have: jsvm's account names (a contract id has a dot or is `Contract…`).
fn is_account_name(s: &str) -> bool {
    valid_name(s) && !s.contains('.')
}

/// The strings among the first arguments of a JSON array's text (an action's data, a receipt entry).
fn string_args(text: &str) -> Vec<String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(args)) => {
            args.into_iter().take(ARGS_LOOKED_AT).filter_map(|a| a.as_str().map(str::to_string)).collect()
        }
        _ => Vec::new(),
    }
}

/// The accounts and contracts a transaction concerns: its publisher and signers, who paid RAM, the
/// contracts it called and that wrote receipts or events, and the names its actions' arguments and
/// its receipt entries carry (a transfer's recipient, a contract's payout), as `kind_of` tells them
/// from other strings.
fn concerned(
    tx: &Transaction,
    receipt: &Receipt,
    kind_of: &mut impl FnMut(&str) -> Option<NameKind>,
) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut accounts = BTreeSet::from([tx.publisher.clone()]);
    accounts.extend(tx.signers.iter().filter_map(|s| s.split_once('@').map(|(name, _)| name.to_string())));
    accounts.extend(receipt.ram_usage.keys().cloned());
    let mut contracts: BTreeSet<String> = tx.actions.iter().map(|a| a.contract.clone()).collect();
    contracts.extend(receipt.events.iter().map(|e| e.contract.clone()));
    let mut texts: Vec<&str> = tx.actions.iter().map(|a| a.data.as_str()).collect();
    for entry in &receipt.receipts {
        contracts.insert(entry.func_name.rsplit_once('/').map_or(&*entry.func_name, |(c, _)| c).to_string());
        texts.push(&entry.content);
    }
    for name in texts.into_iter().flat_map(string_args).filter(|s| valid_name(s)) {
        match kind_of(&name) {
            Some(NameKind::Account) => accounts.insert(name),
            Some(NameKind::Contract) => contracts.insert(name),
            None => false,
        };
    }
    contracts.extend(deployed(tx, receipt));
    contracts.retain(|c| !c.is_empty());
    accounts.retain(|a| is_account_name(a));
    (accounts, contracts)
}

/// The contracts a successful transaction deployed: the ids its `system.iost setCode` actions returned.
fn deployed(tx: &Transaction, receipt: &Receipt) -> Vec<String> {
    if receipt.status != Status::Success {
        return Vec::new();
    }
    tx.actions
        .iter()
        .zip(&receipt.returns)
        .filter(|(a, _)| a.contract == "system.iost" && a.action_name == "setCode")
        .filter_map(|(_, returned)| returned_id(returned))
        .collect()
}

/// A contract id as an action's return carries it: the JSON text of a string or of an array holding
/// one, or the bare id.
fn returned_id(returned: &str) -> Option<String> {
    let id = match serde_json::from_str::<Value>(returned) {
        Ok(Value::String(id)) => id,
        Ok(Value::Array(values)) => values.first()?.as_str()?.to_string(),
        _ => returned.to_string(),
    };
    is_contract_id(&id).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_order_as_the_chain() {
        let a = Cursor { height: 7, position: 2 };
        assert_eq!(Cursor::parse(&a.to_string()), Some(a));
        assert_eq!(Cursor::from_bytes(&a.to_bytes()), Some(a));
        assert!(Cursor { height: 7, position: 3 }.to_bytes() > a.to_bytes());
        assert!(Cursor { height: 8, position: 0 }.to_bytes() > a.to_bytes());
        assert_eq!(Cursor::parse("7"), None);
        assert_eq!(Cursor::parse("x.1"), None);
    }

    #[test]
    fn returned_ids_are_read_in_each_form() {
        assert_eq!(returned_id("\"ContractAbc\""), Some("ContractAbc".into()));
        assert_eq!(returned_id("[\"ContractAbc\"]"), Some("ContractAbc".into()));
        assert_eq!(returned_id("ContractAbc"), Some("ContractAbc".into()));
        assert_eq!(returned_id("\"alice\""), None);
        assert_eq!(returned_id(""), None);
    }

    #[test]
    fn names_in_arguments_are_told_apart() {
        assert!(is_account_name("alice_1"));
        assert!(!is_account_name("token.iost"));
        assert!(!is_account_name("a b"));
        assert!(is_contract_id("token.iost"));
        assert!(is_contract_id("Contract9xYz"));
        assert_eq!(string_args(r#"["iost", "alice", "bob", "10", {"x": 1}]"#), ["iost", "alice", "bob", "10"]);
        assert!(string_args("not json").is_empty());
    }
}
