//! The Wasm engine: compile (validate + translate), instantiate into a `Store`, execute.
//! It never mentions EVMC; the `evmc` layer and the tests use this public API.

pub mod bignum;
pub mod budget;
mod code;
pub mod config;
mod exec;
pub mod host;
pub mod isa;
pub mod memory;
pub mod module;
pub mod ops;
pub(crate) mod pool;
pub mod store;
pub mod table;
mod translate;
pub mod trap;
pub mod types;

pub use budget::MemoryBudget;
pub use config::{Config, Translation, WasmVersion};
pub use host::{Host, HostCallContext, HostFuncId, NoHost};
pub use memory::{Dirty, Memory};
pub use module::{CompileError, Module};
pub use store::{Extern, InstanceId, InstantiateError, InvokeError, SegmentInit, Store};
pub use trap::Trap;
pub use types::{
    ExportType, ExternType, FuncType, GlobalType, ImportType, Limits, RefType, TableType, ValType,
    Value,
};

#[cfg(test)]
mod tests;
