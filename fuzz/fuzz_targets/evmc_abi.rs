//! Fuzz target `evmc_abi`: see [`ssvm_fuzz::evmc_abi`] for what it drives and which properties it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ssvm_fuzz::evmc_abi::run(data);
});
