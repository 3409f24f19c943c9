//! Test support for SSVM: hosts, runners and shared helpers used by the integration tests and tools.
pub mod cli;
pub mod contracts;
pub mod evmc_loader;
pub mod host;
pub mod host_abi;
pub mod host_abi12;
pub mod host_abi7;
#[cfg(test)]
mod host_frames_tests;
pub mod inject;
pub mod keccak;
pub mod modgen;
pub mod rng;
pub mod rules;
pub mod state;
pub mod statetest;
pub mod transaction;
pub mod wast;
