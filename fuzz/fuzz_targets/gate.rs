//! Fuzz target `gate`: see [`ssvm_fuzz::gate`] for what it drives and which properties it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ssvm_fuzz::gate::run(data);
});
