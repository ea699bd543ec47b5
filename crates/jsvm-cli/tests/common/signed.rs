//! Signed IOST transactions for the tests that drive a `jsvm node` process over HTTP: fixed keys for
//! test accounts, token transfers signed by their publisher, and a small blocking HTTP client whose
//! every request is bounded in time.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use jsvm_tx::{Action, Algorithm, AmountLimit, KeyPair, Tx};
use serde_json::{json, Value};

/// The node's default chain id, which these tests' transactions carry.
pub(crate) const CHAIN_ID: u32 = 1024;
/// Gas limit of every transaction (IOST's range is 6,000 to 4,000,000).
const GAS_LIMIT: i64 = 1_000_000;

/// The test clock: ns since the epoch (the node runs on the same machine and clock).
pub(crate) fn now_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i64)
}

/// Genesis `admin`'s development key (the node's without `--admin-key`).
pub(crate) fn admin_key() -> KeyPair {
    KeyPair::from_secret_b58(jsvm_node::DEV_ADMIN_SECRET_B58).unwrap()
}

/// The ed25519 key of test account number `i`, the same on every run.
pub(crate) fn user_key(i: usize) -> KeyPair {
    let mut seed = [0x5a; 32];
    seed[..8].copy_from_slice(&(i as u64).to_be_bytes());
    KeyPair::from_seed(Algorithm::Ed25519, &seed)
}

/// A signed transaction: its hash (base58) and the body `POST /sendTx` takes.
#[derive(Debug, Clone)]
pub(crate) struct Signed {
    pub(crate) hash: String,
    pub(crate) body: String,
}

/// `actions` published by `publisher`, signed with `key`, made at `time` (ns): 90 s to live, gas
/// ratio 1, any amount of any token.
pub(crate) fn signed(publisher: &str, key: &KeyPair, time: i64, actions: &[(&str, &str, Value)]) -> Signed {
    let actions = actions.iter().map(|(c, m, d)| Action::new(*c, *m, d.to_string())).collect();
    let mut tx = Tx::new(time, CHAIN_ID, GAS_LIMIT, actions);
    tx.amount_limit = vec![AmountLimit { token: "*".into(), value: "unlimited".into() }];
    tx.add_publish_sign(publisher, key);
    // The body as the SDK writes it: jsvm's JSON form with the gas figures as the user gives them.
    let mut body = serde_json::to_value(&tx).unwrap();
    body["gas_ratio"] = json!(tx.gas_ratio as f64 / 100.0);
    body["gas_limit"] = json!(tx.gas_limit as f64 / 100.0);
    Signed { hash: tx.hash_b58(), body: body.to_string() }
}

/// `amount` whole iost from `from` to `to`, signed by `from`.
pub(crate) fn transfer(from: &str, key: &KeyPair, to: &str, amount: u64, time: i64) -> Signed {
    let data = json!(["iost", from, to, amount.to_string(), ""]);
    signed(from, key, time, &[("token.iost", "transfer", data)])
}

/// `auth.iost signUp`: account `name` whose owner and active key is `key`, published by admin.
pub(crate) fn sign_up(name: &str, key: &KeyPair, time: i64) -> Signed {
    let k = key.public_key_b58();
    signed("admin", &admin_key(), time, &[("auth.iost", "signUp", json!([name, k, k]))])
}

/// What a request got: the HTTP status and the body (`Null` when it is not JSON).
pub(crate) type Reply = (u16, Value);

/// A blocking HTTP client of a node's API; every request ends within its timeout.
pub(crate) struct Http {
    agent: ureq::Agent,
}

impl Http {
    pub(crate) fn new(timeout: Duration) -> Http {
        let config = ureq::Agent::config_builder().timeout_global(Some(timeout)).http_status_as_error(false).build();
        Http { agent: ureq::Agent::new_with_config(config) }
    }

    /// `GET base/path`; `Err` when no answer came (the node is down, the time ran out).
    pub(crate) fn get(&self, base: &str, path: &str) -> Result<Reply, String> {
        Self::reply(self.agent.get(format!("{base}{path}")).call())
    }

    /// `POST base/path` with a JSON body.
    pub(crate) fn post(&self, base: &str, path: &str, body: &str) -> Result<Reply, String> {
        let request = self.agent.post(format!("{base}{path}")).header("Content-Type", "application/json");
        Self::reply(request.send(body))
    }

    fn reply(answer: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Result<Reply, String> {
        let mut response = answer.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().map_err(|e| e.to_string())?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// `GET base/path`, expecting 200: the body.
    pub(crate) fn ok(&self, base: &str, path: &str) -> Value {
        match self.get(base, path) {
            Ok((200, body)) => body,
            other => panic!("GET {path}: {other:?}"),
        }
    }

    /// Sends `tx` (expecting it accepted) and polls its receipt for at most `wait`: the receipt.
    pub(crate) fn commit(&self, base: &str, tx: &Signed, wait: Duration) -> Value {
        let sent = self.post(base, "/sendTx", &tx.body);
        assert!(matches!(&sent, Ok((200, _))), "sendTx {}: {sent:?}", tx.hash);
        self.receipt(base, &tx.hash, wait).unwrap_or_else(|| panic!("no receipt for {} in {wait:?}", tx.hash))
    }

    /// The receipt of `hash`, polled until it is served or `wait` has passed.
    pub(crate) fn receipt(&self, base: &str, hash: &str, wait: Duration) -> Option<Value> {
        let deadline = Instant::now() + wait;
        loop {
            if let Ok((200, receipt)) = self.get(base, &format!("/getTxReceiptByTxHash/{hash}")) {
                return Some(receipt);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `account`'s iost balance at the head, in whole iost.
    pub(crate) fn balance(&self, base: &str, account: &str) -> f64 {
        let body = self.ok(base, &format!("/getTokenBalance/{account}/iost/true"));
        body["balance"].as_f64().unwrap_or_else(|| panic!("{account}'s balance: {body}"))
    }
}
