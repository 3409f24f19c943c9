//! Fuzz target `diff_wasmi`: see [`ssvm_fuzz::diff_wasmi`] for what it drives and which properties it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ssvm_fuzz::diff_wasmi::run(data);
});
