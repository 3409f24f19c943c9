//! SSVM: an Ewasm virtual machine (Wasm engine, metering, bignum opcodes) and its EVMC face.

pub mod cache;
pub mod contract;
pub mod engine;
pub mod evmc;
pub mod options;
pub mod tree;
pub mod vm;
