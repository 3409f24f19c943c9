//! Replays every saved fuzz input in `fixtures/fuzz/<target>/` through its target's `run`
//! (a crash or divergence found by fuzzing stays fixed), and a few hand-made seeds.

use std::fs;
use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/fuzz")
        .join(target);
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, bytes)
        })
        .collect()
}

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let all = inputs(target);
    for (path, bytes) in &all {
        eprintln!("replaying {}", path.display());
        run(bytes);
    }
    all.len()
}

#[test]
fn gate_regressions() {
    replay("gate", ssvm_fuzz::gate::run);
}

#[test]
fn smith_gas_regressions() {
    replay("smith_gas", ssvm_fuzz::smith_gas::run);
}

#[test]
fn evmc_abi_regressions() {
    replay("evmc_abi", ssvm_fuzz::evmc_abi::run);
}

#[test]
fn diff_wasmi_regressions() {
    replay("diff_wasmi", ssvm_fuzz::diff_wasmi::run);
}

/// The smallest valid contract runs through the gate target (SUCCESS, gas kept).
#[test]
fn gate_accepts_minimal_contract() {
    let wasm = wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "main")))"#)
        .expect("wat");
    let mut input = vec![0x00, 0x10, 0x27, 0x00, 4];
    input.extend_from_slice(&wasm);
    ssvm_fuzz::gate::run(&input);
}

/// Pseudo-random byte strings drive every target without a property failure.
#[test]
fn every_target_survives_pseudo_random_inputs() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for len in [0usize, 1, 7, 64, 512, 4096] {
        for _ in 0..8 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 24) as u8
                })
                .collect();
            ssvm_fuzz::gate::run(&bytes);
            ssvm_fuzz::smith_gas::run(&bytes);
            ssvm_fuzz::evmc_abi::run(&bytes);
            ssvm_fuzz::diff_wasmi::run(&bytes);
        }
    }
}
