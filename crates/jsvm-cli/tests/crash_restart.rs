//! Kill -9 under load (issue 20): a `jsvm node` process takes a steady stream of signed token
//! transfers from four client threads and is killed again and again — by SIGKILL after a random
//! delay, and by aborting in the middle of a block's commit (the `JSVM_FAULT_CRASH_IN_COMMIT` test
//! hook in jsvm-state) — then restarted on the same data directory. After every restart, with the
//! clients parked, the chain must keep the promises docs/node.md makes about crashes:
//!
//! - the head is a whole block: `getChainInfo` names the block stored at its height, every block up
//!   to it is served and links to its parent, none after it, and no block seen before changed;
//!   after a crash in a commit, the head is the block whose batch was written;
//! - every receipt a client was shown is still served, identically;
//! - supply is conserved and nothing is applied twice: each account's balance is its funding plus
//!   exactly the transfers that have a receipt, the accounts together hold what genesis minted, and
//!   re-sending a committed transaction is refused as already on chain;
//! - the history index has caught up with every block (a crash in a commit leaves one unindexed);
//! - every few restarts, and at the end, `jsvm replay` re-executes the chain from genesis to the same
//!   block hashes and state roots, with as many transactions as have receipts.
//!
//! The schedule of kills and the transfers come from a fixed seed. Set `CRASH_ROUNDS` to run
//! more rounds than the default.

mod common;
#[path = "crash_restart/ledger.rs"]
mod ledger;

use std::collections::BTreeSet;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::time::{Duration, Instant};

use common::signed::{self, Http};
use common::{jsvm, NodeProcess};
use jsvm_test_util::rng::Rng;
use ledger::{account, message, run_client, Control, Fate, StopClients, ACCOUNTS, CLIENTS};
use serde_json::Value;

const SEED: u64 = 0x2026_1203_0c0f_fee0;
/// Rounds of load then a kill; every third aborts in a commit, the others are SIGKILLed.
const ROUNDS: usize = 30;
/// A replay of the whole chain after every this many rounds (and after the last).
const REPLAY_EVERY: usize = 15;
/// What each test account is funded with, in whole iost.
const FUND: u64 = 1_000_000;
/// Receipts verified before that each check verifies again, besides the new ones.
const RESAMPLED: usize = 16;
/// Transactions on chain of each client that each check sends again (expecting a refusal), at most:
/// all of them would double the checks' time, and the balances already prove each was applied once.
const RESENT: usize = 10;
/// Bound of the whole test: clients stop by then whatever happens.
const TEST_BOUND: Duration = Duration::from_secs(600);
const ABORT_LINE: &str = "JSVM_FAULT_CRASH_IN_COMMIT: aborting in the commit of block ";

/// How a round ends.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// SIGKILL after this long under load.
    After(Duration),
    /// The node aborts itself in the middle of the Nth block it commits.
    InCommit(u64),
}

fn kill_for_round(round: usize, rng: &mut Rng) -> Kill {
    if round % 3 == 2 {
        Kill::InCommit(1 + rng.below(3))
    } else {
        Kill::After(Duration::from_millis(200 + rng.below(1000)))
    }
}

/// What the checks know of the chain across restarts, and what they counted.
#[derive(Default)]
struct Known {
    /// Block hashes by height (index 0 is block 1, the genesis block).
    hashes: Vec<String>,
    /// The iost genesis minted (admin's balance before funding).
    minted: f64,
    /// Transactions of the funding (sign-ups and transfers from admin).
    funding_txs: u64,
    /// Receipts verified at least once after a restart.
    verified: BTreeSet<String>,
    checks: usize,
    receipts_compared: usize,
    duplicates_refused: usize,
    replays: usize,
    /// Where the time went: starting nodes, checking, replaying.
    starting: Duration,
    checking: Duration,
    replaying: Duration,
}

/// The node's stderr so far.
fn read_log(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

/// The block the last crash-in-commit had written when the process aborted, from the node's log.
fn aborted_in_block(log: &Path, crashes: usize) -> u64 {
    let text = read_log(log);
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(ABORT_LINE)).collect();
    assert_eq!(lines.len(), crashes, "one abort line per crash in a commit");
    let rest = &lines[crashes - 1][lines[crashes - 1].find(ABORT_LINE).unwrap() + ABORT_LINE.len()..];
    rest.split(',').next().unwrap().parse().unwrap()
}

fn number(v: &Value) -> u64 {
    v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or_else(|| panic!("not a number: {v}"))
}

/// `jsvm replay --from DATA --json` on the stopped node's directory: its blocks and transactions.
fn replay(data: &Path) -> (u64, u64) {
    let out = jsvm(&["replay", "--from", data.to_str().unwrap(), "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "replay: {stderr} {}", String::from_utf8_lossy(&out.stdout));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["ok"], true, "{r}");
    (number(&r["blocks"]), number(&r["txs"]))
}

/// Creates the test accounts and funds each with [`FUND`] from admin; returns the genesis supply.
fn fund(http: &Http, url: &str) -> f64 {
    let minted = http.balance(url, "admin");
    let info = http.ok(url, "/getTokenInfo/iost/true");
    assert_eq!(info["current_supply_float"].as_f64(), Some(minted), "admin holds the whole supply: {info}");
    let wait = Duration::from_secs(30);
    let base = signed::now_ns();
    let sign_ups: Vec<_> =
        (0..ACCOUNTS).map(|i| signed::sign_up(&account(i), &signed::user_key(i), base + i as i64)).collect();
    let funds: Vec<_> = (0..ACCOUNTS)
        .map(|i| signed::transfer("admin", &signed::admin_key(), &account(i), FUND, base + 100 + i as i64))
        .collect();
    for batch in [sign_ups, funds] {
        for tx in &batch {
            assert_eq!(http.post(url, "/sendTx", &tx.body).map(|r| r.0), Ok(200), "{}", tx.hash);
        }
        for tx in &batch {
            let receipt = http.receipt(url, &tx.hash, wait).unwrap_or_else(|| panic!("no receipt for {}", tx.hash));
            assert_eq!(receipt["status_code"], "SUCCESS", "{receipt}");
        }
    }
    minted
}

/// The head is a whole block, the chain links up to it, and no block known before changed. From the
/// last known height on (`full`: from the genesis). Returns the head's height.
fn check_blocks(http: &Http, url: &str, known: &mut Known, full: bool) -> u64 {
    let info = http.ok(url, "/getChainInfo");
    let head = number(&info["head_block"]);
    assert!(head as usize >= known.hashes.len(), "the head went back from {} to {head}", known.hashes.len());
    let top = http.ok(url, &format!("/getBlockByNumber/{head}/false"));
    assert_eq!(top["block"]["hash"], info["head_block_hash"], "chain info and its head block disagree");
    let after = http.get(url, &format!("/getBlockByNumber/{}/false", head + 1)).unwrap();
    assert_eq!(after.0, 404, "a block after the head is served: {after:?}");
    let from = if full { 1 } else { known.hashes.len().max(1) as u64 };
    for height in from..=head {
        let block = &http.ok(url, &format!("/getBlockByNumber/{height}/false"))["block"];
        assert_eq!(number(&block["number"]), height, "{block}");
        let hash = block["hash"].as_str().unwrap().to_string();
        if height >= 2 {
            let parent = &known.hashes[height as usize - 2];
            assert_eq!(block["parent_hash"].as_str(), Some(parent.as_str()), "block {height}'s parent");
        }
        match known.hashes.get(height as usize - 1) {
            Some(before) => assert_eq!(&hash, before, "block {height} changed across a restart"),
            None => known.hashes.push(hash),
        }
    }
    head
}

/// Every receipt a client was shown is served identically; what was in flight at the crash is either
/// on chain (then shown from now on) or gone (then to be sent again); re-sending what is on chain is
/// refused ([`RESENT`] of each client's a check). `full`: every receipt is compared, not only those new since the last check.
fn check_receipts(http: &Http, url: &str, control: &Control, known: &mut Known, head: u64, full: bool) {
    // A different few of the receipts verified before each time.
    let skip = (known.checks * RESAMPLED) % known.verified.len().max(1);
    let again: BTreeSet<String> = known.verified.iter().cycle().skip(skip).take(RESAMPLED).cloned().collect();
    for ledger in &control.ledgers {
        let mut resent = 0;
        for sent in ledger.lock().unwrap().iter_mut() {
            let path = format!("/getTxReceiptByTxHash/{}", sent.tx.hash);
            if let Fate::Shown(shown) = &sent.fate {
                let new = !known.verified.contains(&sent.tx.hash);
                if !(new || full || again.contains(&sent.tx.hash)) {
                    continue;
                }
                let served = http.get(url, &path).unwrap();
                assert_eq!(served, (200, shown.clone()), "the receipt shown of {} is not served so", sent.tx.hash);
                known.receipts_compared += 1;
                if new && resent < RESENT {
                    resent += 1;
                    let answer = http.post(url, "/sendTx", &sent.tx.body).unwrap();
                    assert_eq!((answer.0, message(&answer.1)), (409, "tx exists in chain"), "{}", sent.tx.hash);
                    known.duplicates_refused += 1;
                }
                known.verified.insert(sent.tx.hash.clone());
                continue;
            }
            match http.get(url, &path).unwrap() {
                (200, receipt) => {
                    assert!(!matches!(sent.fate, Fate::Abandoned), "an expired transfer is on chain: {receipt}");
                    assert_eq!(receipt["status_code"], "SUCCESS", "{receipt}");
                    assert!(number(&receipt["block_number"]) <= head, "{receipt}");
                    sent.fate = Fate::Shown(receipt);
                }
                (404, _) if matches!(sent.fate, Fate::Abandoned) => {}
                // Not on chain: lost with the mempool. The client sends the same bytes again.
                (404, _) => sent.fate = Fate::ToSend,
                other => panic!("receipt of {}: {other:?}", sent.tx.hash),
            }
        }
    }
}

/// Each account holds its funding plus exactly the transfers that have receipts; together with
/// admin, the genesis supply. Returns how many transfers are on chain.
fn check_balances(http: &Http, url: &str, control: &Control, known: &Known) -> u64 {
    let mut expected = [FUND as f64; ACCOUNTS];
    let mut committed = 0;
    for ledger in &control.ledgers {
        for sent in ledger.lock().unwrap().iter().filter(|s| matches!(s.fate, Fate::Shown(_))) {
            expected[sent.from] -= sent.amount as f64;
            expected[sent.to] += sent.amount as f64;
            committed += 1;
        }
    }
    let mut total = http.balance(url, "admin");
    assert_eq!(total, known.minted - (ACCOUNTS as u64 * FUND) as f64, "admin's balance");
    for (i, want) in expected.iter().enumerate() {
        let got = http.balance(url, &account(i));
        assert_eq!(got, *want, "{}'s balance is not its funding plus its receipts' transfers", account(i));
        total += got;
    }
    assert_eq!(total, known.minted, "the accounts do not hold what genesis minted");
    let info = http.ok(url, "/getTokenInfo/iost/true");
    assert_eq!(info["current_supply_float"].as_f64(), Some(known.minted), "{info}");
    committed
}

/// The node's history index caught up over the blocks a crash left unindexed: each account's newest
/// entry is in the block of its newest transfer on chain.
fn check_history(http: &Http, url: &str, control: &Control) {
    let mut newest = [0u64; ACCOUNTS];
    for ledger in &control.ledgers {
        for sent in ledger.lock().unwrap().iter() {
            if let Fate::Shown(receipt) = &sent.fate {
                let block = number(&receipt["block_number"]);
                for i in [sent.from, sent.to] {
                    newest[i] = newest[i].max(block);
                }
            }
        }
    }
    for (i, block) in newest.iter().enumerate().filter(|(_, b)| **b > 0) {
        let page = http.ok(url, &format!("/jsvm/history/account/{}?limit=1", account(i)));
        assert_eq!(number(&page["items"][0]["block_number"]), *block, "{}'s history: {page}", account(i));
    }
}

/// All checks on a freshly restarted node, the clients parked.
fn check(
    url: &str,
    control: &Control,
    known: &mut Known,
    expect_head: Option<u64>,
    replayed: Option<(u64, u64)>,
    full: bool,
) {
    let http = Http::new(Duration::from_secs(10));
    let head = check_blocks(&http, url, known, full);
    if let Some(h) = expect_head {
        assert_eq!(head, h, "the block written when the commit aborted is not the head");
    }
    check_receipts(&http, url, control, known, head, full);
    let committed = check_balances(&http, url, control, known);
    check_history(&http, url, control);
    if let Some(r) = replayed {
        assert_eq!(r, (head, known.funding_txs + committed), "replay's (blocks, txs) against the chain's");
    }
    known.checks += 1;
}

#[test]
fn a_node_killed_under_load_keeps_every_promise_about_crashes() {
    let started = Instant::now();
    let rounds = std::env::var("CRASH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(ROUNDS);
    let dir = tempfile::tempdir().unwrap();
    let (data, log) = (dir.path().join("data"), dir.path().join("node.log"));
    let start = |env: &[(&str, &str)]| NodeProcess::try_start(&data, &[], env, Some(&log)).unwrap();
    let mut node = start(&[]);
    let http = Http::new(Duration::from_secs(10));
    let mut known = Known { minted: fund(&http, &node.url), funding_txs: 2 * ACCOUNTS as u64, ..Known::default() };
    check_blocks(&http, &node.url, &mut known, true);

    let control = Control::new();
    let mut rng = Rng::new(SEED);
    let (mut sigkills, mut commit_crashes) = (0, 0);
    let deadline = started + TEST_BOUND;
    std::thread::scope(|scope| {
        let _stop = StopClients(&control);
        for id in 0..CLIENTS {
            let control = &control;
            scope.spawn(move || run_client(id, control, SEED, deadline));
        }
        control.set_url(Some(node.url.clone()));
        let mut kill = kill_for_round(0, &mut rng);
        for round in 0..rounds {
            let expect_head = match kill {
                Kill::After(delay) => {
                    std::thread::sleep(delay);
                    control.set_url(None);
                    let status = node.kill();
                    assert_eq!(status.signal(), Some(9), "round {round}: the node had exited before the kill");
                    sigkills += 1;
                    None
                }
                Kill::InCommit(_) => {
                    let status = node.wait_exit(Duration::from_secs(60)).expect("the armed node never aborted");
                    control.set_url(None);
                    assert_eq!(status.signal(), Some(6), "round {round}: not the commit hook's abort: {status:?}");
                    commit_crashes += 1;
                    Some(aborted_in_block(&log, commit_crashes))
                }
            };
            control.pause(Duration::from_secs(30));
            let last = round + 1 == rounds;
            let t = Instant::now();
            let replayed = (last || round % REPLAY_EVERY == REPLAY_EVERY - 1).then(|| replay(&data));
            known.replays += usize::from(replayed.is_some());
            known.replaying += t.elapsed();
            kill = kill_for_round(round + 1, &mut rng);
            let armed = match kill {
                Kill::InCommit(n) if !last => Some(n.to_string()),
                _ => None,
            };
            let env: Vec<(&str, &str)> = armed.iter().map(|n| (jsvm_state::CRASH_IN_COMMIT_ENV, n.as_str())).collect();
            let t = Instant::now();
            node = start(&env);
            known.starting += t.elapsed();
            let t = Instant::now();
            check(&node.url, &control, &mut known, expect_head, replayed, last);
            known.checking += t.elapsed();
            if !last {
                control.set_url(Some(node.url.clone()));
                control.resume();
            }
        }
    });
    let violations = control.violations.lock().unwrap().clone();
    assert!(violations.is_empty(), "{violations:#?}");

    // A clean stop after all that: SIGTERM ends the node (exit 0) promptly.
    node.signal("TERM");
    let stopped = node.wait_exit(Duration::from_secs(15)).expect("the node did not stop on SIGTERM");
    assert_eq!(stopped.code(), Some(0), "{stopped:?}");
    let log_text = read_log(&log);
    assert!(!log_text.contains("panicked"), "the node panicked: {log_text}");

    let shown = known.verified.len();
    println!(
        "crash_restart: {rounds} rounds, {sigkills} SIGKILLs, {commit_crashes} crashes in a commit, {} checks passed, \
         {} blocks, {shown} transfers on chain, {} receipts compared, {} duplicates refused, {} replays, {:.1} s \
         (starting nodes {:.1} s, checks {:.1} s, replays {:.1} s)",
        known.checks,
        known.hashes.len(),
        known.receipts_compared,
        known.duplicates_refused,
        known.replays,
        started.elapsed().as_secs_f64(),
        known.starting.as_secs_f64(),
        known.checking.as_secs_f64(),
        known.replaying.as_secs_f64(),
    );
    assert!(sigkills + commit_crashes >= 20 || rounds < ROUNDS, "too few kills");
    assert!(shown > rounds, "too little load: {shown} transfers in {rounds} rounds");
}
