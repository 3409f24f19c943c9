//! `U256`: a 256-bit unsigned integer with EVM semantics.
