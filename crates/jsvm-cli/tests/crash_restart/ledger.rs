//! The crash test's clients: threads that send a steady stream of signed token transfers to whichever
//! node process runs now, and the ledger of everything each sent and every receipt it was shown.
//! The test stops them (parks them) to check the chain, which then reads and corrects their ledgers.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use jsvm_test_util::rng::Rng;
use serde_json::Value;

use crate::common::signed::{self, Http, Signed};

/// Clients sending at once, and the accounts each one sends from.
pub(crate) const CLIENTS: usize = 4;
pub(crate) const ACCOUNTS_PER_CLIENT: usize = 2;
pub(crate) const ACCOUNTS: usize = CLIENTS * ACCOUNTS_PER_CLIENT;
/// Transactions a client has sent without having seen their receipt yet before it sends another.
const MAX_OUTSTANDING: usize = 3;
/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(3);

/// Test account number `i`.
pub(crate) fn account(i: usize) -> String {
    format!("crash{i}")
}

/// Where one transaction stands, as its client (or the test's check after a restart) knows it.
#[derive(Debug, Clone)]
pub(crate) enum Fate {
    /// To be sent: new, or found not on chain after a restart (the mempool does not survive one).
    ToSend,
    /// Sent (the node accepted it, or no answer came): on chain, waiting, or lost with the node.
    InFlight,
    /// Its receipt, as it was shown.
    Shown(Value),
    /// Refused as expired when sent again: it is on no chain and can never be.
    Abandoned,
}

/// One signed transfer a client made.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub(crate) tx: Signed,
    pub(crate) from: usize,
    pub(crate) to: usize,
    pub(crate) amount: u64,
    pub(crate) fate: Fate,
}

/// What the clients and the test share.
pub(crate) struct Control {
    /// The running node's URL; `None` while it is down.
    pub(crate) url: RwLock<Option<String>>,
    /// Raised by the test: clients finish their step and park.
    paused: AtomicBool,
    parked: AtomicUsize,
    stop: AtomicBool,
    /// Each client's transactions, in the order it made them.
    pub(crate) ledgers: Vec<Mutex<Vec<Sent>>>,
    /// What a client saw that must not happen.
    pub(crate) violations: Mutex<Vec<String>>,
}

impl Control {
    pub(crate) fn new() -> Control {
        Control {
            url: RwLock::new(None),
            paused: AtomicBool::new(false),
            parked: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            ledgers: (0..CLIENTS).map(|_| Mutex::new(Vec::new())).collect(),
            violations: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn set_url(&self, url: Option<String>) {
        *self.url.write().unwrap() = url;
    }

    /// Parks every client (at most `wait`): then no client sends or touches its ledger.
    pub(crate) fn pause(&self, wait: Duration) {
        self.paused.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + wait;
        while self.parked.load(Ordering::SeqCst) < CLIENTS {
            assert!(Instant::now() < deadline, "the clients did not park within {wait:?}");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    pub(crate) fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }

    pub(crate) fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.resume();
    }

    fn violation(&self, what: String) {
        self.violations.lock().unwrap().push(what);
    }
}

/// Stops the clients when dropped, also by a failing check's panic: the test then fails at once
/// rather than when its clients reach their deadline (a scope joins its threads before it unwinds).
pub(crate) struct StopClients<'a>(pub(crate) &'a Control);

impl Drop for StopClients<'_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// Client `id`: until stopped (or `deadline`), sends transfers from its accounts to any account,
/// re-sends what a restart lost, and records each receipt it is shown.
pub(crate) fn run_client(id: usize, control: &Control, seed: u64, deadline: Instant) {
    let http = Http::new(REQUEST_TIMEOUT);
    let mut rng = Rng::new(seed ^ (id as u64).wrapping_mul(0x1000_0001));
    let mut last_time = 0i64;
    let mut park = false;
    while !control.stop.load(Ordering::SeqCst) {
        if Instant::now() > deadline {
            control.violation(format!("client {id} still running at its deadline"));
            return;
        }
        if control.paused.load(Ordering::SeqCst) {
            if !park {
                park = true;
                control.parked.fetch_add(1, Ordering::SeqCst);
            }
            std::thread::sleep(Duration::from_millis(2));
            continue;
        }
        if park {
            park = false;
            control.parked.fetch_sub(1, Ordering::SeqCst);
        }
        let url = control.url.read().unwrap().clone();
        match url {
            Some(url) => {
                let mut ledger = control.ledgers[id].lock().unwrap();
                step(id, control, &http, &url, &mut ledger, &mut rng, &mut last_time);
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// One round of a client's work: send what is to be sent, look for receipts, make a new transfer.
/// Stops early when the node does not answer (it is down; the test restarts it).
fn step(
    id: usize,
    control: &Control,
    http: &Http,
    url: &str,
    ledger: &mut Vec<Sent>,
    rng: &mut Rng,
    last_time: &mut i64,
) {
    for sent in ledger.iter_mut().filter(|s| matches!(s.fate, Fate::ToSend)) {
        match http.post(url, "/sendTx", &sent.tx.body) {
            // Accepted, or already waiting or on chain (a send whose answer was lost): its receipt tells.
            Ok((200 | 409, _)) => sent.fate = Fate::InFlight,
            Ok((400, body)) if message(&body).contains("expired") => sent.fate = Fate::Abandoned,
            Ok((400, body)) => {
                control.violation(format!("client {id}: a valid transfer {} was refused: {body}", sent.tx.hash));
                sent.fate = Fate::Abandoned;
            }
            // The node is down, or busy (503, 429): sent again on the next step.
            _ => return,
        }
    }
    for sent in ledger.iter_mut().filter(|s| matches!(s.fate, Fate::InFlight)) {
        match http.get(url, &format!("/getTxReceiptByTxHash/{}", sent.tx.hash)) {
            Ok((200, receipt)) => {
                if receipt["status_code"] != "SUCCESS" {
                    control.violation(format!("client {id}: transfer {} did not succeed: {receipt}", sent.tx.hash));
                }
                sent.fate = Fate::Shown(receipt);
            }
            Ok((404, _)) => {}
            Ok(other) => control.violation(format!("client {id}: receipt of {}: {other:?}", sent.tx.hash)),
            Err(_) => return,
        }
    }
    let outstanding = ledger.iter().filter(|s| matches!(s.fate, Fate::ToSend | Fate::InFlight)).count();
    if outstanding < MAX_OUTSTANDING {
        ledger.push(new_transfer(id, rng, last_time));
    }
}

/// A transfer of 1 to 9 iost from one of client `id`'s accounts to another test account.
fn new_transfer(id: usize, rng: &mut Rng, last_time: &mut i64) -> Sent {
    let from = id * ACCOUNTS_PER_CLIENT + rng.below(ACCOUNTS_PER_CLIENT as u64) as usize;
    let to = (from + 1 + rng.below(ACCOUNTS as u64 - 1) as usize) % ACCOUNTS;
    let amount = 1 + rng.below(9);
    // Strictly increasing times: no two transfers of a client are the same transaction.
    *last_time = signed::now_ns().max(*last_time + 1);
    let tx = signed::transfer(&account(from), &signed::user_key(from), &account(to), amount, *last_time);
    Sent { tx, from, to, amount, fate: Fate::ToSend }
}

/// The `message` of a node's error body.
pub(crate) fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or_default()
}
