//! jsvm-runtime: what a contract sees and pays for.
//!
//! - the class libraries (`prelude.js`: storage, blockchain, console, require,
//!   block/tx) and the host functions behind them ([`ContractHost`]);
//! - the contract state layout ([`layout`]) and RAM accounting;
//! - the gas schedule ([`GasSchedule`]) and meter;
//! - contract records ([`ContractRecord`]).
//!
//! Engine-independent: the host speaks [`jsvm_engine::Host`].

mod auth;
mod calls;
mod context;
mod contract;
mod gas;
mod host;
mod host_op;
mod key_auth;
pub mod layout;
pub mod library;
mod random;
mod run_context;
pub mod storage;

pub use auth::{
    is_contract_id, load_account, parse_signer, valid_name, Account, AuthCheck, Group, Permission, PermissionItem,
    Signer, ACCOUNT_MAP, AUTH_CONTRACT,
};
pub use calls::{NestedCalls, TxCtx, MAX_CALL_HEIGHT};
pub use context::{
    BlockEnv, CallFrame, Effects, EffectsMark, Event, ReceiptEntry, TxEnv, MAX_TX_RECEIPT_BYTES, MAX_TX_WRITE_BYTES,
};
pub use contract::{contract_id_for, ContractRecord, RecordCache, SYSTEM_CONTRACT};
pub use gas::{GasMeter, GasSchedule, OutOfGas};
pub use host::ContractHost;
pub use key_auth::{keys_satisfy, KeyRole, SigningKeys};
pub use random::random_seed;
pub use run_context::RunContext;
pub use storage::{validate_key, MAX_VALUE_BYTES};

/// The class libraries, evaluated in every realm before the contract.
/// `errors.js` (errors the same on every engine), `math.js` and `text.js` (numbers
/// and case mapping the same on every engine), `sort.js` (one sorting algorithm on
/// every engine), `classlib.js` (the number classes and IOSTCrypto), `regexp.js` (the
/// checked RegExp constructor) and `pricing.js` (built-ins priced by size) come first;
/// prelude.js installs them.
pub const PRELUDE_SOURCE: &str = concat!(
    include_str!("errors.js"),
    include_str!("math.js"),
    include_str!("text.js"),
    include_str!("sort.js"),
    include_str!("classlib.js"),
    include_str!("regexp.js"),
    include_str!("pricing.js"),
    include_str!("prelude.js")
);
/// `sort.js` alone, for tests that compare its two forms (interpreted and native).
#[doc(hidden)]
pub const SORT_SOURCE: &str = include_str!("sort.js");
/// The file name contract code is compiled under. Compiled code is cached by code
/// hash and shared by every deployment of the same code, so it cannot carry a
/// contract id; the VM writes the id of the contract that ran in its place when it
/// forms a message.
pub const CODE_FILENAME: &str = "__contract__.js";
/// The global entry function the prelude defines (see `prelude.js`).
pub const ENTRY: &str = "__jsvm_invoke";
/// Longest method result, in bytes.
pub const MAX_RESULT_BYTES: usize = 65_536;
