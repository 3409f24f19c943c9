//! Fuzz target `smith_gas`: see [`ssvm_fuzz::smith_gas`] for what it drives and which properties it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ssvm_fuzz::smith_gas::run(data);
});
