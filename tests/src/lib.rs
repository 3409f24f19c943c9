//! Test support for SSVM: hosts, runners and shared helpers used by the integration tests and tools.
pub mod wast;
