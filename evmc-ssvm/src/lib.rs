//! SSVM: an Ewasm virtual machine (Wasm engine, metering, bignum opcodes) and its EVMC face.
pub mod engine;
