//! GeneralStateTests: loading the JSON format ([`loader`]), running every post entry
//! against a VM loaded like a client ([`runner`]), and explaining root mismatches ([`diff`]).

pub mod diff;
pub mod loader;
pub mod runner;
