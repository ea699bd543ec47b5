//! A seeded generator of chains for the parallel-equivalence test: a setup block (accounts,
//! funds, contracts), then random blocks that mix independent and hot-account transfers,
//! calls over shared counters and maps, cross-contract reads, nested calls that write, fail
//! and are caught, transactions that roll back whole, deploys and updates with calls to the
//! new code in the same block, out of gas, errors, overspending, new accounts, and (on a
//! chain that charges resources) publishers short of gas or RAM.
//!
//! Everything is a function of the seed: the same seed gives the same transactions, byte for
//! byte, so that a failure's seed reproduces it.

mod contracts;
mod kinds;

use jsvm_test_util::{action, set_code};
use jsvm_tx::{Algorithm, KeyPair};
use jsvm_vm::{Action, AmountLimit, Transaction};
use serde_json::json;

use contracts::{proxy_abi, store_abi, store_source, PROXY};
use jsvm_test_util::rng::Rng;

/// What a generated transaction is meant to exercise (for the coverage table and reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Setup,
    ColdTransfer,
    HotTransfer,
    Overspend,
    Freeze,
    StoreCall,
    Peek,
    Nested,
    Relay,
    Rollback,
    MultiAction,
    Deploy,
    BadDeploy,
    Update,
    CallNew,
    CallBeforeDeploy,
    OutOfGas,
    Error,
    SignUp,
    TokenContract,
    PayerRam,
    Poor,
    /// A signed transaction whose keys may satisfy its publisher only after (or before) a
    /// permission change earlier in the block: left out at its turn otherwise.
    Signed,
    /// A permission granted or revoked, or a contract's `requireAuth` that reads permissions.
    Permission,
}

/// The character of a block: which kinds of transaction it mostly holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavour {
    Setup,
    /// Transfers between distinct pairs of accounts: nothing conflicts.
    Independent,
    /// Transfers among a few hot accounts: nearly everything conflicts.
    Hot,
    /// Calls over the stores' shared keys and maps, nested calls, rollbacks.
    Contracts,
    /// Deploys and updates with calls to the new code.
    Code,
    Mixed,
    /// One to three transactions (run in order by the executor).
    Tiny,
}

pub(crate) struct GenBlock {
    pub(crate) txs: Vec<Transaction>,
    pub(crate) kinds: Vec<Kind>,
    pub(crate) time: u64,
    pub(crate) flavour: Flavour,
}

pub(crate) struct GenChain {
    pub(crate) seed: u64,
    pub(crate) charged: bool,
    pub(crate) blocks: Vec<GenBlock>,
}

struct Store {
    id: String,
    owner: String,
}

struct Gen {
    rng: Rng,
    charged: bool,
    clock: u64,
    time: u64,
    cold: Vec<String>,
    hot: Vec<String>,
    poor: Vec<String>,
    /// Accounts with real keys, for signed transactions.
    keyed: Vec<String>,
    stores: Vec<Store>,
    proxy: String,
    next_account: u32,
    next_version: u32,
    /// This block's transactions, their kinds, and the cold accounts its transfers used.
    txs: Vec<Transaction>,
    kinds: Vec<Kind>,
    used: Vec<String>,
    /// Stores deployed in this block, for calls after (and before) the deploy.
    new_stores: Vec<String>,
}

const ADMIN: &str = "admin";
const SECOND: u64 = 1_000_000_000;
const KEYED: usize = 3;
const COLD: usize = 16;
const HOT: usize = 3;
/// Gas limits low enough that a loop of `spin` runs out.
const LOW_GAS: [u64; 4] = [2_000, 20_000, 60_000, 150_000];

/// Keyed account `i`'s owner and active keys, and the keys permissions may grant.
fn owner_key(i: usize) -> KeyPair {
    KeyPair::from_seed(Algorithm::Ed25519, &[10 + i as u8; 32])
}

fn active_key(i: usize) -> KeyPair {
    KeyPair::from_seed(Algorithm::Ed25519, &[20 + i as u8; 32])
}

fn granted_key(j: u64) -> KeyPair {
    KeyPair::from_seed(Algorithm::Ed25519, &[30 + j as u8; 32])
}

fn public(k: KeyPair) -> String {
    k.public_key_b58()
}

fn unlimited() -> Vec<AmountLimit> {
    vec![AmountLimit { token: "*".into(), val: "unlimited".into() }]
}

fn iost_limit(val: &str) -> Vec<AmountLimit> {
    vec![AmountLimit { token: "iost".into(), val: val.into() }]
}

fn transfer(from: &str, to: &str, amount: &str, memo: &str) -> Action {
    action("token.iost", "transfer", json!(["iost", from, to, amount, memo]))
}

/// Generates a chain from `seed`: the setup block and `blocks` random blocks.
pub(crate) fn generate(seed: u64, charged: bool, blocks: usize) -> GenChain {
    let mut g = Gen {
        // The stream the generator has always drawn for `seed`.
        rng: Rng::new(seed ^ 0x5851_f42d_4c95_7f2d),
        charged,
        clock: 1_000 + seed % 1_000_000,
        time: 10 * SECOND,
        cold: (0..COLD).map(|i| format!("cold{i}")).collect(),
        hot: (0..HOT).map(|i| format!("hot{i}")).collect(),
        poor: if charged { vec!["poor0".into(), "poor1".into()] } else { Vec::new() },
        keyed: (0..KEYED).map(|i| format!("key{i}")).collect(),
        stores: Vec::new(),
        proxy: String::new(),
        next_account: 0,
        next_version: 2,
        txs: Vec::new(),
        kinds: Vec::new(),
        used: Vec::new(),
        new_stores: Vec::new(),
    };
    let mut out = vec![g.setup()];
    for _ in 0..blocks {
        out.push(g.block());
    }
    GenChain { seed, charged, blocks: out }
}

impl Gen {
    fn tx(&mut self, publisher: &str, actions: Vec<Action>) -> Transaction {
        self.clock += 1;
        Transaction::new(publisher, actions).with_time(self.clock).with_amount_limit(unlimited())
    }

    fn push(&mut self, kind: Kind, tx: Transaction) {
        self.txs.push(tx);
        self.kinds.push(kind);
    }

    fn finish(&mut self, flavour: Flavour) -> GenBlock {
        let block = GenBlock {
            txs: std::mem::take(&mut self.txs),
            kinds: std::mem::take(&mut self.kinds),
            time: self.time,
            flavour,
        };
        self.time += self.rng.range(1, 3) as u64 * SECOND;
        self.used.clear();
        self.new_stores.clear();
        block
    }

    /// Accounts (signed up and funded; on a charged chain with RAM and gas as well), the
    /// stores and the proxy, the proxy funded.
    fn setup(&mut self) -> GenBlock {
        if self.charged {
            // Genesis gives admin 100,000 gas: enough for a transaction that pledges more.
            let boost = vec![
                action("gas.iost", "pledge", json!([ADMIN, ADMIN, "100000"])),
                action("ram.iost", "buy", json!([ADMIN, ADMIN, 3_000_000])),
            ];
            let tx = self.tx(ADMIN, boost).with_gas_limit(100_000);
            self.push(Kind::Setup, tx);
        }
        let accounts: Vec<(String, &str)> = self
            .cold
            .iter()
            .map(|a| (a.clone(), "100000"))
            .chain(self.hot.iter().map(|a| (a.clone(), "3000")))
            .chain(self.poor.iter().map(|a| (a.clone(), "50")))
            .collect();
        for (name, funds) in accounts {
            let poor = name.starts_with("poor");
            let keys = (format!("{name}-owner"), format!("{name}-active"));
            let actions = self.new_account(&name, &keys, funds, if poor { ("60", "3") } else { ("20000", "20000") });
            let tx = self.tx(ADMIN, actions);
            self.push(Kind::Setup, tx);
        }
        for (i, name) in self.keyed.clone().iter().enumerate() {
            let keys = (public(owner_key(i)), public(active_key(i)));
            let actions = self.new_account(name, &keys, "5000", ("20000", "20000"));
            let tx = self.tx(ADMIN, actions);
            self.push(Kind::Setup, tx);
        }
        for i in 0..3 {
            // The third store belongs to an account: its RAM pays for the store's storage.
            let owner = if i == 2 { self.cold[0].clone() } else { ADMIN.to_string() };
            let tx = self.tx(&owner, vec![set_code(&store_source(1), &store_abi(1))]);
            self.stores.push(Store { id: jsvm_runtime::contract_id_for(&tx.hash()), owner });
            self.push(Kind::Setup, tx);
        }
        let tx = self.tx(ADMIN, vec![set_code(PROXY, &proxy_abi())]);
        self.proxy = jsvm_runtime::contract_id_for(&tx.hash());
        self.push(Kind::Setup, tx);
        let tx = self.tx(ADMIN, vec![transfer(ADMIN, &self.proxy.clone(), "100000", "")]);
        self.push(Kind::Setup, tx);
        self.finish(Flavour::Setup)
    }

    /// Signs `name` up with `keys` (owner, active) and gives it `funds` IOST; on a charged chain also RAM bytes and pledged
    /// IOST (`resources`).
    fn new_account(&self, name: &str, keys: &(String, String), funds: &str, resources: (&str, &str)) -> Vec<Action> {
        let mut actions = vec![action("auth.iost", "signUp", json!([name, keys.0, keys.1]))];
        if self.charged {
            let ram: u64 = resources.0.parse().unwrap();
            actions.push(action("ram.iost", "buy", json!([ADMIN, name, ram])));
            actions.push(action("gas.iost", "pledge", json!([ADMIN, name, resources.1])));
        }
        actions.push(transfer(ADMIN, name, funds, "welcome"));
        actions
    }

    fn block(&mut self) -> GenBlock {
        let flavour = match self.rng.below(20) {
            0..=3 => Flavour::Independent,
            4..=7 => Flavour::Hot,
            8..=11 => Flavour::Contracts,
            12..=14 => Flavour::Code,
            15..=17 => Flavour::Mixed,
            _ => Flavour::Tiny,
        };
        let n = if flavour == Flavour::Tiny { self.rng.range(1, 3) } else { self.rng.range(4, 48) };
        for _ in 0..n {
            self.one(flavour);
        }
        self.finish(flavour)
    }

    /// One transaction (sometimes two: a deploy's early caller) of a kind `flavour` favours.
    fn one(&mut self, flavour: Flavour) {
        use Kind::*;
        let table: &[(Kind, u64)] = match flavour {
            Flavour::Independent => &[(ColdTransfer, 12), (PayerRam, 1), (StoreCall, 1), (SignUp, 1)],
            Flavour::Hot => {
                &[(HotTransfer, 10), (Overspend, 2), (Freeze, 1), (TokenContract, 2), (Signed, 3), (Permission, 2)]
            }
            Flavour::Contracts => &[
                (StoreCall, 8),
                (Peek, 2),
                (Nested, 3),
                (Relay, 2),
                (Rollback, 2),
                (MultiAction, 2),
                (OutOfGas, 2),
                (Error, 1),
            ],
            Flavour::Code => &[(Deploy, 3), (BadDeploy, 1), (Update, 3), (CallNew, 6), (StoreCall, 2), (Nested, 1)],
            _ => &[
                (ColdTransfer, 3),
                (HotTransfer, 3),
                (Overspend, 1),
                (Freeze, 1),
                (StoreCall, 4),
                (Peek, 1),
                (Nested, 2),
                (Relay, 1),
                (Rollback, 1),
                (MultiAction, 1),
                (Deploy, 1),
                (Update, 1),
                (CallNew, 1),
                (OutOfGas, 1),
                (Error, 1),
                (SignUp, 1),
                (TokenContract, 1),
                (PayerRam, 1),
                (Poor, 2),
                (Signed, 1),
                (Permission, 1),
            ],
        };
        let total: u64 = table.iter().map(|(_, w)| w).sum();
        let mut at = self.rng.below(total);
        for &(kind, weight) in table {
            if at < weight {
                return self.make(kind);
            }
            at -= weight;
        }
    }

    fn amount(&mut self, max: u64) -> String {
        let whole = self.rng.below(max);
        match self.rng.below(4) {
            0 => format!("{}", whole + 1),
            1 => format!("{whole}.{}", self.rng.range(1, 9)),
            2 => format!("{whole}.{:02}", self.rng.range(1, 99)),
            _ => format!("{whole}.{:08}", self.rng.range(1, 99_999_999)),
        }
    }

    /// A publisher for contract calls: admin, a cold or a hot account.
    fn anyone(&mut self) -> String {
        match self.rng.below(4) {
            0 => ADMIN.into(),
            1 => self.rng.pick(&self.hot).clone(),
            _ => self.rng.pick(&self.cold).clone(),
        }
    }

    fn store(&mut self) -> String {
        self.rng.pick(&self.stores).id.clone()
    }

    /// A cold account no transfer of this block has used yet.
    fn unused_cold(&mut self) -> Option<String> {
        let free: Vec<String> = self.cold.iter().filter(|a| !self.used.contains(a)).cloned().collect();
        if free.is_empty() {
            return None;
        }
        let a = self.rng.pick(&free).clone();
        self.used.push(a.clone());
        Some(a)
    }

    /// A store method call that reads and writes shared keys.
    fn store_action(&mut self, id: &str) -> Action {
        let k = self.rng.below(5);
        let m = self.rng.below(3);
        let f = format!("f{}", self.rng.below(6));
        match self.rng.below(10) {
            0 | 1 => action(id, "inc", json!([k, self.rng.range(1, 9)])),
            2 => action(id, "add", json!([k, self.rng.range(1, 9)])),
            3 | 4 => action(id, "put", json!([m, f, format!("v{}", self.rng.below(1000))])),
            5 => action(id, "del", json!([m, f])),
            6 => action(id, "fold", json!([m])),
            7 => action(id, "stamp", json!([k])),
            8 => action(id, "roll", json!([k])),
            _ => action(id, "version", json!([])),
        }
    }
}
