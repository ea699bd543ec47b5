//! The native contracts: `system.iost` (deploying and updating code, [`system`]),
//! `token.iost` (tokens, [`token`]), `auth.iost` (accounts and permissions, [`auth`]),
//! `ram.iost` (the RAM market, [`ram`]), `gas.iost` (pledging IOST for gas, [`gas`]) and
//! `domain.iost` (names for contracts, [`domain`]).
//! They run in Rust, inside the caller's transaction, with the same storage,
//! RAM accounting, receipts and gas as any contract. A new native contract gets a
//! file here and a line in [`find`] (or, like `system.iost`, which needs the
//! invoker to compile and run constructors, its own entry in exec.rs).

mod auth;
pub(crate) mod domain;
pub(crate) mod fixed;
mod gas;
pub(crate) mod gas_state;
pub(crate) mod ram;
pub(crate) mod system;
pub(crate) mod token;

use jsvm_compiler::{decode_args, AbiMethod, ArgType};
use jsvm_runtime::{storage, AuthCheck, CallFrame, ReceiptEntry, MAX_CALL_HEIGHT};
use serde_json::Value;

use crate::exec::{Failure, TxRun};
use crate::unknown_method::unknown_method;

pub(crate) use auth::{sign_up, ACCOUNT_CONTRACT};
pub(crate) use token::TOKEN_CONTRACT;

/// A native contract's entry: (transaction, frame, JSON args) → return values.
pub(crate) type NativeFn = fn(&mut TxRun, &CallFrame, &str) -> Result<Vec<String>, Failure>;

/// The native contract called `contract`, if there is one.
pub(crate) fn find(contract: &str) -> Option<NativeFn> {
    match contract {
        TOKEN_CONTRACT => Some(token::call),
        ACCOUNT_CONTRACT => Some(auth::call),
        ram::RAM_CONTRACT => Some(ram::call),
        gas::GAS_CONTRACT => Some(gas::call),
        domain::DOMAIN_CONTRACT => Some(domain::call),
        _ => None,
    }
}

/// The argument types of native contract `contract`'s methods (its ABI), if there is one.
pub(crate) fn native_methods(contract: &str) -> Option<&'static [(&'static str, &'static [ArgType])]> {
    match contract {
        TOKEN_CONTRACT => Some(token::METHODS),
        ACCOUNT_CONTRACT => Some(auth::METHODS),
        ram::RAM_CONTRACT => Some(ram::METHODS),
        gas::GAS_CONTRACT => Some(gas::METHODS),
        domain::DOMAIN_CONTRACT => Some(domain::METHODS),
        _ => None,
    }
}

/// The argument types of `contract.method`, or IOST's message when there is no such method.
pub(crate) fn method_types(contract: &str, method: &str) -> Result<&'static [ArgType], Failure> {
    let methods = native_methods(contract).unwrap_or_default();
    methods
        .iter()
        .find(|(name, _)| *name == method)
        .map(|(_, t)| *t)
        .ok_or_else(|| fail(unknown_method(method, &format!(" in {contract}"), methods.iter().map(|(name, _)| *name))))
}

fn fail(m: impl Into<String>) -> Failure {
    Failure::Runtime(m.into())
}

/// Checks `data` against a method's argument types (the rules and messages of
/// contract ABIs) and returns the values.
pub(crate) fn args(method: &str, types: &[ArgType], data: &str) -> Result<Vec<Value>, Failure> {
    let abi = AbiMethod { name: method.into(), args: types.to_vec(), amount_limit: Vec::new(), optional: 0 };
    let text = decode_args(&abi, data).map_err(|e| fail(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| Failure::Unknown(e.to_string()))
}

pub(crate) fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

/// A native contract's view of the transaction: storage under its own name,
/// charged like a JS contract's host calls.
pub(crate) struct Native<'r, 'a> {
    pub run: &'r mut TxRun<'a>,
    pub frame: &'r CallFrame,
    pub me: &'static str,
}

impl Native<'_, '_> {
    pub(crate) fn charge(&mut self, gas: u64) -> Result<(), Failure> {
        self.run.gas.charge(gas).map_err(|_| Failure::OutOfGas)
    }

    fn charge_bytes(&mut self, flat: u64, bytes: usize) -> Result<(), Failure> {
        self.charge(flat + self.run.schedule.storage_per_10_bytes * (bytes as u64 / 10))
    }

    pub(crate) fn get(&mut self, key: &str, field: &str) -> Result<Option<String>, Failure> {
        let v = storage::map_get(self.run.state, self.me, key, field).map_err(Failure::Unknown)?;
        self.charge(self.run.schedule.storage_read_gas(key.len() + field.len() + v.as_ref().map_or(0, String::len)))?;
        Ok(v)
    }

    /// Writes `key[field]`; RAM goes to `payer`, else to whoever paid before, else to this contract.
    pub(crate) fn put(&mut self, key: &str, field: &str, value: &str, payer: Option<&str>) -> Result<(), Failure> {
        let bytes = key.len() + field.len() + value.len();
        self.charge(self.run.schedule.storage_write_gas(bytes))?;
        self.run.effects.count_write(bytes).map_err(fail)?;
        storage::map_put(self.run.state, self.run.effects, self.me, self.me, key, field, value, payer).map_err(fail)
    }

    pub(crate) fn require_auth(&mut self, id: &str, perm: &str) -> Result<bool, Failure> {
        let mut check = AuthCheck {
            state: self.run.state,
            publisher: &self.run.tx.publisher,
            signers: &self.run.tx.signers,
            auth_contracts: &self.frame.auth_contracts,
            bytes_read: 0,
        };
        let ok = check.require(id, perm).map_err(fail)?;
        let read = check.bytes_read;
        self.charge_bytes(self.run.schedule.context, read)?;
        Ok(ok)
    }

    /// Calls native contract `contract.method(args)` from this one, as `blockchain.call` does;
    /// `with_auth` lends this contract's authority to the callee (`blockchain.callWithAuth`).
    pub(crate) fn call_native(
        &mut self,
        contract: &str,
        method: &str,
        args: &Value,
        with_auth: bool,
    ) -> Result<Vec<String>, Failure> {
        self.charge(self.run.schedule.call_base)?;
        if self.frame.height >= MAX_CALL_HEIGHT {
            return Err(fail(format!("stack height exceed, at most {MAX_CALL_HEIGHT}")));
        }
        let callee = find(contract).ok_or_else(|| Failure::Unknown(format!("{contract} is not a native contract")))?;
        let mut auth_contracts = self.frame.auth_contracts.clone();
        if with_auth {
            auth_contracts.push(self.me.to_string());
        }
        let mut nested = self.frame.nested.clone();
        nested.push(format!("{contract}/{method}"));
        let frame = CallFrame {
            contract: contract.into(),
            method: method.into(),
            owner: contract.into(),
            caller: self.me.into(),
            caller_is_account: false,
            height: self.frame.height + 1,
            auth_contracts,
            nested,
        };
        callee(self.run, &frame, &args.to_string())
    }

    /// Whether `id` is an existing account or a contract id (IOST's `IsValidAccount`).
    pub(crate) fn valid_account(&mut self, id: &str) -> Result<bool, Failure> {
        if jsvm_runtime::is_contract_id(id) {
            return Ok(true);
        }
        self.charge(self.run.schedule.storage_read)?;
        Ok(jsvm_runtime::load_account(self.run.state, id).map_err(Failure::Unknown)?.is_some())
    }

    /// Records `content` as a receipt of `<me>/<method>`.
    pub(crate) fn receipt(&mut self, content: String) -> Result<(), Failure> {
        self.charge(self.run.schedule.receipt_base + content.len() as u64)?;
        let func_name = format!("{}/{}", self.me, self.frame.method);
        self.run.effects.push_receipt(ReceiptEntry { func_name, content }).map_err(fail)
    }
}

/// The account the development genesis creates and gives the native token's supply.
pub const GENESIS_ADMIN: &str = "admin";
/// Whole units of the native token in existence, all held by [`GENESIS_ADMIN`] at genesis
/// (IOST's total supply).
pub const NATIVE_SUPPLY: i64 = 90_000_000_000;
/// Decimals of the native token.
pub const NATIVE_DECIMALS: u32 = 8;

/// IOST pledged for `admin`'s gas, and RAM bought for it, at genesis on a chain that charges
/// resources (IOST's genesis figures): without them nobody could send the first transaction.
const GENESIS_GAS_PLEDGE: &str = "100";
const GENESIS_ADMIN_RAM: i64 = 100_000;

/// Writes the genesis accounts and tokens into `state`: account `admin` (with `admin_key` as its
/// owner and active key; with none, it signs only as an unsigned transaction's listed signer or
/// publisher) and the native token `iost`; with `charge_resources`, also `admin`'s first gas and RAM.
pub(crate) fn genesis(
    state: &mut jsvm_state::TxState,
    schedule: &jsvm_runtime::GasSchedule,
    config: &crate::VmConfig,
) -> Result<(), String> {
    let (admin_key, charge_resources) = (config.admin_key.as_deref(), config.charge_resources);
    use jsvm_runtime::{BlockEnv, Effects, GasMeter, TxEnv};
    let mut gas = GasMeter::new(u64::MAX / 2);
    let mut effects = Effects::default();
    // Time 1, not 0: a gas record refreshed at time 0 would read as never pledged.
    let block = BlockEnv { number: 0, parent_hash: String::new(), witness: String::new(), time: 1 };
    let env = TxEnv {
        hash: String::new(),
        publisher: GENESIS_ADMIN.into(),
        signers: Vec::new(),
        time: 0,
        gas_limit: 0,
        actions: Vec::new(),
    };
    let mut run = TxRun { state, gas: &mut gas, effects: &mut effects, schedule, block: &block, tx: &env };
    let frame = CallFrame {
        contract: ACCOUNT_CONTRACT.into(),
        method: "signUp".into(),
        owner: ACCOUNT_CONTRACT.into(),
        caller: GENESIS_ADMIN.into(),
        caller_is_account: true,
        height: 1,
        auth_contracts: Vec::new(),
        nested: Vec::new(),
    };
    let describe = |f: Failure| format!("genesis failed: {f:?}");
    sign_up(
        &mut Native { run: &mut run, frame: &frame, me: ACCOUNT_CONTRACT },
        GENESIS_ADMIN,
        admin_key.unwrap_or_default(),
        admin_key.unwrap_or_default(),
        ACCOUNT_CONTRACT,
    )
    .map_err(describe)?;
    token::genesis(&mut run, GENESIS_ADMIN, NATIVE_SUPPLY, NATIVE_DECIMALS).map_err(describe)?;
    for account in &config.genesis_accounts {
        let describe = |f: Failure| format!("genesis account {:?} failed: {f:?}", account.name);
        let key = account.public_key.as_str();
        sign_up(
            &mut Native { run: &mut run, frame: &frame, me: ACCOUNT_CONTRACT },
            &account.name,
            key,
            key,
            ACCOUNT_CONTRACT,
        )
        .map_err(describe)?;
        let transfer = CallFrame {
            contract: token::TOKEN_CONTRACT.into(),
            method: "transfer".into(),
            owner: token::TOKEN_CONTRACT.into(),
            ..frame.clone()
        };
        let args = serde_json::json!([token::NATIVE_TOKEN, GENESIS_ADMIN, account.name, account.iost, "genesis"]);
        token::call(&mut run, &transfer, &args.to_string()).map_err(describe)?;
    }
    if charge_resources {
        let frame = |contract: &str, method: &str| CallFrame {
            contract: contract.into(),
            method: method.into(),
            owner: contract.into(),
            ..frame.clone()
        };
        let pledge = serde_json::json!([GENESIS_ADMIN, GENESIS_ADMIN, GENESIS_GAS_PLEDGE]).to_string();
        gas::call(&mut run, &frame(gas::GAS_CONTRACT, "pledge"), &pledge).map_err(describe)?;
        let buy = serde_json::json!([GENESIS_ADMIN, GENESIS_ADMIN, GENESIS_ADMIN_RAM]).to_string();
        ram::call(&mut run, &frame(ram::RAM_CONTRACT, "buy"), &buy).map_err(describe)?;
    }
    Ok(())
}
