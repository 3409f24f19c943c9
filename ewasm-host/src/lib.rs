//! The Ethereum Environment Interface (EEI): Ethereum semantics over a contract's linear
//! memory, a gas counter and a [`HostContext`].

pub mod host;

pub use host::{
    AccessStatus, Address, Bytes32, CallKind, CallResult, HostContext, Message, Revision,
    StatusCode, StorageStatus, TxContext,
};
