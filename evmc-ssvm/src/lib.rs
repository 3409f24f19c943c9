//! SSVM: an Ewasm virtual machine (Wasm engine, metering, bignum opcodes) and its EVMC face.
pub mod engine;
pub mod cache;
pub mod evmc;
pub mod options;
pub mod vm;
