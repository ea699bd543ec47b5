//! The EVM peer of jsvm's benchmark: an ERC-20 token on [revm], run in the same process.
//!
//! jsvm's benchmark compares its JavaScript token transfers with what an EVM node does for
//! the same work. This crate deploys the project's own ERC-20 contract (`contracts/ERC20.sol`,
//! compiled by `compile.sh`; the committed hex is included at build time, so building needs
//! neither node nor solc) into an in-memory revm state and sends `transfer(address,uint256)`
//! transactions to it, one at a time, each committed to the state as a node would
//! (`transact_commit`).
//!
//! The transactions are real revm transactions without signatures: the caller is the holder's
//! address, the nonce is the holder's next nonce, gas price and base fee are 0 (so no ether
//! balances are needed), and the calldata is the ABI encoding of the call.
//!
//! ```
//! let mut chain = jsvm_revm_peer::Erc20Chain::new(2).unwrap();
//! let gas = chain.transfer(0, 1, 5).unwrap();
//! assert!(gas > 21_000);
//! assert_eq!(chain.balance_of(1).unwrap(), jsvm_revm_peer::HOLDER_FUNDING + 5);
//! ```

use std::time::Instant;

/// The revm this crate runs on, for callers that need its types (addresses, logs).
pub use revm;

use revm::{
    context::{
        result::{ExecutionResult, Output},
        Context, TxEnv,
    },
    database::{CacheDB, EmptyDB},
    handler::{MainBuilder, MainContext, MainnetContext, MainnetEvm},
    primitives::{hardfork::SpecId, Address, Bytes, Log, TxKind, U256},
    ExecuteCommitEvm, ExecuteEvm,
};

/// Creation bytecode of `contracts/ERC20.sol` (hex, as solc wrote it).
pub const ERC20_CREATION_HEX: &str = include_str!("../contracts/ERC20.bin");
/// Runtime bytecode of `contracts/ERC20.sol` (hex): what the deployment must leave at the token's address.
pub const ERC20_RUNTIME_HEX: &str = include_str!("../contracts/ERC20.bin-runtime");

/// The token's total supply (10^9 tokens of 18 decimals), minted to the deployer.
pub const TOTAL_SUPPLY: u128 = 1_000_000_000 * 10u128.pow(18);
/// What [`Erc20Chain::new`] transfers from the deployer to each holder (10^12 units: well
/// within the `u64` amounts of [`Erc20Chain::transfer`], so a transfer can exceed a balance).
pub const HOLDER_FUNDING: u128 = 1_000_000_000_000;
/// Holders used by [`measure_transfers`].
pub const DEFAULT_HOLDERS: usize = 1_000;

/// Selector of `transfer(address,uint256)`.
pub const SELECTOR_TRANSFER: [u8; 4] = [0xa9, 0x05, 0x9c, 0xbb];
/// Selector of `approve(address,uint256)`.
pub const SELECTOR_APPROVE: [u8; 4] = [0x09, 0x5e, 0xa7, 0xb3];
/// Selector of `transferFrom(address,address,uint256)`.
pub const SELECTOR_TRANSFER_FROM: [u8; 4] = [0x23, 0xb8, 0x72, 0xdd];
/// Selector of `balanceOf(address)`.
pub const SELECTOR_BALANCE_OF: [u8; 4] = [0x70, 0xa0, 0x82, 0x31];
/// Selector of `totalSupply()`.
pub const SELECTOR_TOTAL_SUPPLY: [u8; 4] = [0x18, 0x16, 0x0d, 0xdd];
/// Selector of `allowance(address,address)`.
pub const SELECTOR_ALLOWANCE: [u8; 4] = [0xdd, 0x62, 0xed, 0x3e];

/// Gas limit of every transaction (below Osaka's per-transaction cap of 2^24).
const TX_GAS_LIMIT: u64 = 5_000_000;

type Db = CacheDB<EmptyDB>;
type Evm = MainnetEvm<MainnetContext<Db>>;

/// An in-memory chain with one deployed ERC-20 token and a number of funded holders.
///
/// The state is a revm `CacheDB` over an empty database; every transaction is executed with
/// `transact_commit`, so its state changes are committed before the next one runs.
pub struct Erc20Chain {
    evm: Evm,
    deployer: Address,
    token: Address,
    holders: Vec<Address>,
    /// Next nonce of the deployer (index 0) and of each holder (index `1 + i`).
    nonces: Vec<u64>,
    /// Logs of the last successful transaction.
    last_logs: Vec<Log>,
}

/// The outcome of [`measure_transfers`].
#[derive(Clone, Debug, PartialEq)]
pub struct PeerTiming {
    /// Transfers timed (the warm-up is not counted).
    pub transfers: usize,
    /// Wall-clock seconds of the timed transfers.
    pub seconds: f64,
    /// Transfers per second.
    pub tps: f64,
    /// Microseconds per transfer.
    pub us_per_tx: f64,
    /// Gas used by one transfer (the receipt's gas; all timed transfers cost the same).
    pub gas_per_tx: u64,
}

/// The address of holder `i`: `0x00000000000000000000000000000001_0000_0000 + i`, never a precompile.
fn holder_address(i: usize) -> Address {
    let mut bytes = [0u8; 20];
    bytes[11] = 1;
    bytes[12..].copy_from_slice(&(i as u64).to_be_bytes());
    Address::from(bytes)
}

fn deployer_address() -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0xde;
    bytes[19] = 0x01;
    Address::from(bytes)
}

/// An address that only reads (view calls are executed but never committed, so its nonce stays 0).
fn reader_address() -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = 0x7e;
    bytes[19] = 0x01;
    Address::from(bytes)
}

fn decode_hex(hex: &str) -> Result<Vec<u8>, String> {
    let hex = hex.trim();
    let hex = hex.strip_prefix("0x").unwrap_or(hex);
    if !hex.len().is_multiple_of(2) {
        return Err("odd number of hex digits".into());
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|e| format!("bad hex: {e}")))
        .collect()
}

fn word_address(out: &mut Vec<u8>, address: Address) {
    out.extend_from_slice(&[0u8; 12]);
    out.extend_from_slice(address.as_slice());
}

fn word_u256(out: &mut Vec<u8>, value: U256) {
    out.extend_from_slice(&value.to_be_bytes::<32>());
}

/// ABI encoding of `transfer(to, amount)`.
pub fn encode_transfer(to: Address, amount: U256) -> Bytes {
    let mut data = Vec::with_capacity(4 + 64);
    data.extend_from_slice(&SELECTOR_TRANSFER);
    word_address(&mut data, to);
    word_u256(&mut data, amount);
    data.into()
}

/// A readable message for a reverted call: the `Error(string)` reason where there is one.
fn revert_message(output: &[u8]) -> String {
    const ERROR_STRING: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];
    if output.len() >= 4 + 64 && output[..4] == ERROR_STRING {
        let len = U256::from_be_slice(&output[36..68]);
        if let Ok(len) = usize::try_from(len) {
            if let Some(text) = output.get(68..68 + len) {
                return format!("reverted: {}", String::from_utf8_lossy(text));
            }
        }
    }
    format!("reverted with 0x{}", to_hex(output))
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Erc20Chain {
    /// Deploys the token (the whole supply goes to the deployer) and funds `accounts` holders
    /// with [`HOLDER_FUNDING`] each, by one committed transfer per holder.
    pub fn new(accounts: usize) -> Result<Self, String> {
        if (accounts as u128).saturating_mul(HOLDER_FUNDING) > TOTAL_SUPPLY {
            return Err(format!("{accounts} holders: the supply cannot fund that many"));
        }
        let ctx = Context::mainnet()
            .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(SpecId::OSAKA))
            .with_db(CacheDB::new(EmptyDB::default()));
        let evm = ctx.build_mainnet();
        let mut chain = Erc20Chain {
            evm,
            deployer: deployer_address(),
            token: Address::ZERO,
            holders: (0..accounts).map(holder_address).collect(),
            nonces: vec![0; accounts + 1],
            last_logs: Vec::new(),
        };

        let mut init = decode_hex(ERC20_CREATION_HEX)?;
        word_u256(&mut init, U256::from(TOTAL_SUPPLY));
        let tx = chain.tx(0, TxKind::Create, init.into());
        let result = chain.evm.transact_commit(tx).map_err(|e| format!("deployment: {e:?}"))?;
        chain.nonces[0] += 1;
        chain.token = match result {
            ExecutionResult::Success { output: Output::Create(_, Some(address)), .. } => address,
            other => return Err(format!("deployment failed: {other:?}")),
        };

        let funding = U256::from(HOLDER_FUNDING);
        for i in 0..accounts {
            let data = encode_transfer(chain.holders[i], funding);
            chain.send(0, data).map_err(|e| format!("funding holder {i}: {e}"))?;
        }
        Ok(chain)
    }

    /// The token contract's address.
    pub fn token(&self) -> Address {
        self.token
    }

    /// The deployer's address (it holds what the holders were not given).
    pub fn deployer(&self) -> Address {
        self.deployer
    }

    /// Holder `i`'s address.
    pub fn holder(&self, i: usize) -> Result<Address, String> {
        self.holders.get(i).copied().ok_or_else(|| format!("no holder {i} (there are {})", self.holders.len()))
    }

    /// Number of holders.
    pub fn holders(&self) -> usize {
        self.holders.len()
    }

    /// The code stored at the token's address.
    pub fn token_code(&mut self) -> Result<Bytes, String> {
        use revm::database_interface::Database;
        let db = &mut self.evm.ctx.journaled_state.database;
        let info = db.basic(self.token).map_err(|e| format!("{e:?}"))?.ok_or("no token account")?;
        match info.code {
            Some(code) => Ok(code.original_bytes()),
            None => Ok(db.code_by_hash(info.code_hash).map_err(|e| format!("{e:?}"))?.original_bytes()),
        }
    }

    /// Logs emitted by the last successful transaction.
    pub fn last_logs(&self) -> &[Log] {
        &self.last_logs
    }

    /// One committed `transfer(holder[to], amount)` sent by holder `from`. Returns the gas the
    /// transaction used, or an error (with the revert reason) when it did not succeed; a
    /// reverted transfer is committed too (the nonce moves on), but changes no balance.
    pub fn transfer(&mut self, from: usize, to: usize, amount: u64) -> Result<u64, String> {
        self.holder(from)?;
        let data = encode_transfer(self.holder(to)?, U256::from(amount));
        self.send(1 + from, data)
    }

    /// One committed `approve(holder[spender], amount)` sent by holder `owner`.
    pub fn approve(&mut self, owner: usize, spender: usize, amount: u64) -> Result<u64, String> {
        self.holder(owner)?;
        let mut data = SELECTOR_APPROVE.to_vec();
        word_address(&mut data, self.holder(spender)?);
        word_u256(&mut data, U256::from(amount));
        self.send(1 + owner, data.into())
    }

    /// One committed `transferFrom(holder[from], holder[to], amount)` sent by holder `spender`.
    pub fn transfer_from(&mut self, spender: usize, from: usize, to: usize, amount: u64) -> Result<u64, String> {
        self.holder(spender)?;
        let mut data = SELECTOR_TRANSFER_FROM.to_vec();
        word_address(&mut data, self.holder(from)?);
        word_address(&mut data, self.holder(to)?);
        word_u256(&mut data, U256::from(amount));
        self.send(1 + spender, data.into())
    }

    /// Holder `who`'s balance, read by a `balanceOf` call that is executed but not committed.
    pub fn balance_of(&mut self, who: usize) -> Result<u128, String> {
        let address = self.holder(who)?;
        self.balance_of_address(address)
    }

    /// The balance of any address, read by a `balanceOf` call (not committed).
    pub fn balance_of_address(&mut self, address: Address) -> Result<u128, String> {
        let mut data = SELECTOR_BALANCE_OF.to_vec();
        word_address(&mut data, address);
        self.view_u128(data.into())
    }

    /// `totalSupply()`, read by a call that is not committed.
    pub fn total_supply(&mut self) -> Result<u128, String> {
        self.view_u128(SELECTOR_TOTAL_SUPPLY.to_vec().into())
    }

    /// `allowance(holder[owner], holder[spender])`, read by a call that is not committed.
    pub fn allowance(&mut self, owner: usize, spender: usize) -> Result<u128, String> {
        let mut data = SELECTOR_ALLOWANCE.to_vec();
        word_address(&mut data, self.holder(owner)?);
        word_address(&mut data, self.holder(spender)?);
        self.view_u128(data.into())
    }

    /// A transaction from account `sender` (0: the deployer, `1 + i`: holder `i`) with its next nonce.
    fn tx(&self, sender: usize, kind: TxKind, data: Bytes) -> TxEnv {
        let caller = if sender == 0 { self.deployer } else { self.holders[sender - 1] };
        TxEnv::builder()
            .caller(caller)
            .kind(kind)
            .data(data)
            .nonce(self.nonces[sender])
            .gas_limit(TX_GAS_LIMIT)
            .gas_price(0)
            .build_fill()
    }

    /// Sends a call to the token from account `sender` and commits it; `Ok(gas used)` on success.
    fn send(&mut self, sender: usize, data: Bytes) -> Result<u64, String> {
        let tx = self.tx(sender, TxKind::Call(self.token), data);
        let result = self.evm.transact_commit(tx).map_err(|e| format!("transaction rejected: {e:?}"))?;
        // Executed, successful or not: the transaction was committed and used the nonce.
        self.nonces[sender] += 1;
        match result {
            ExecutionResult::Success { gas, logs, .. } => {
                self.last_logs = logs;
                Ok(gas.tx_gas_used())
            }
            ExecutionResult::Revert { output, .. } => Err(revert_message(&output)),
            ExecutionResult::Halt { reason, .. } => Err(format!("halted: {reason:?}")),
        }
    }

    /// Executes a view call and decodes its output as one `uint256` that fits in a `u128`.
    fn view_u128(&mut self, data: Bytes) -> Result<u128, String> {
        let tx = TxEnv::builder()
            .caller(reader_address())
            .kind(TxKind::Call(self.token))
            .data(data)
            .nonce(0)
            .gas_limit(TX_GAS_LIMIT)
            .gas_price(0)
            .build_fill();
        // `transact` executes and returns the state changes without committing them.
        let result = self.evm.transact(tx).map_err(|e| format!("call rejected: {e:?}"))?.result;
        match result {
            ExecutionResult::Success { output: Output::Call(bytes), .. } if bytes.len() == 32 => {
                u128::try_from(U256::from_be_slice(&bytes)).map_err(|_| "value does not fit in u128".to_string())
            }
            ExecutionResult::Revert { output, .. } => Err(revert_message(&output)),
            other => Err(format!("unexpected call result: {other:?}")),
        }
    }
}

/// Measures `n` committed transfers among [`DEFAULT_HOLDERS`] holders; see [`measure_transfers_among`].
pub fn measure_transfers(n: usize) -> Result<PeerTiming, String> {
    measure_transfers_among(DEFAULT_HOLDERS, n)
}

/// Deploys the token, funds `holders` holders (at least 2) and runs [`Erc20Chain::measure`].
pub fn measure_transfers_among(holders: usize, n: usize) -> Result<PeerTiming, String> {
    if holders < 2 {
        return Err("at least 2 holders are needed".into());
    }
    Erc20Chain::new(holders)?.measure(n)
}

impl Erc20Chain {
    /// Runs a warm-up of one transfer per holder, then times `n` transfers of 1 unit, transfer
    /// `k` going from holder `k % holders` to holder `(k + 1) % holders`, each one a transaction
    /// committed on its own. The timing covers building each transaction (ABI encoding
    /// included), executing it and committing its state changes.
    pub fn measure(&mut self, n: usize) -> Result<PeerTiming, String> {
        let holders = self.holders.len();
        if holders < 2 {
            return Err("at least 2 holders are needed".into());
        }
        for k in 0..holders {
            self.transfer(k, (k + 1) % holders, 1)?;
        }
        let mut gas_per_tx = 0;
        let start = Instant::now();
        for k in 0..n {
            gas_per_tx = self.transfer(k % holders, (k + 1) % holders, 1)?;
        }
        let seconds = start.elapsed().as_secs_f64();
        let (tps, us_per_tx) =
            if n == 0 || seconds == 0.0 { (0.0, 0.0) } else { (n as f64 / seconds, seconds * 1e6 / n as f64) };
        Ok(PeerTiming { transfers: n, seconds, tps, us_per_tx, gas_per_tx })
    }
}
