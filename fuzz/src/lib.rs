//! SSVM fuzzing harnesses: one module per cargo-fuzz target (each a `run(&[u8])` that panics
//! on a violated property), plus the shared wasm-smith configurations. The targets in
//! `fuzz_targets/` only call these, so `tests/regressions.rs` can replay saved inputs.

pub mod diff_wasmi;
pub mod evmc_abi;
pub mod gate;
pub mod smith;
pub mod smith_gas;
