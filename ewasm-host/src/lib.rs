//! The Ethereum Environment Interface (EEI): Ethereum semantics over a contract's linear
//! memory, a gas counter and a [`HostContext`].
//!
//! Map of the crate:
//! - [`host`]: the [`HostContext`] trait and the message/result types (a mirror of EVMC).
//! - [`table`]: the ONE import table (namespace, name, signature, gas, revision, id).
//! - [`gate`]: the contract-interface checks (ECI) and the wasm preamble check.
//! - [`outcome`]: [`HostExit`], [`Ending`] and the single mapping to an EVMC status.
//! - [`Eei`]: per-frame state and the dispatcher; one file per EEI family
//!   (`gas`, `env`, `data`, `storage`, `log`, `call`, `halt`, `debug`).
//! - [`memory`], [`encoding`], [`schedule`]: bounds-checked ranges, byte orders, gas costs.

pub mod host;

mod call;
mod data;
mod debug;
mod eei;
pub mod encoding;
mod env;
pub mod gas;
pub mod gate;
mod halt;
mod log;
pub mod memory;
#[cfg(any(test, feature = "mock"))]
pub mod mock;
pub mod outcome;
pub mod schedule;
mod storage;
pub mod table;

pub use eei::{Eei, EeiOptions};
pub use host::{
    AccessStatus, Address, Bytes32, CallKind, CallResult, HostContext, Message, Revision,
    StatusCode, StorageStatus, TxContext,
};
pub use outcome::{to_status, Ending, HostExit};
pub use table::{HostFn, ImportDef, Namespace, Signature, ValType};
