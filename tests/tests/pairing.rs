//! The EIP-197 BN254 pairing-check contracts of `fixtures/bn254` (`pairing_bignum.wasm`, on
//! the `bignum` Montgomery opcodes, and `pairing_plain.wasm`, plain Wasm): the five
//! vectors of `../shared/ewasm-bench/bn256Pairing.json` through `ssvm run` with exact
//! output and EEI gas; every case `constants.py` generated into `test_vectors.h` (its own
//! Python model's results: matches, perturbations, infinities, and each invalid-input rule)
//! through the engine; and random pairing checks computed natively by `substrate-bn`.

use std::path::{Path, PathBuf};
use std::process::Command;

use ewasm_host::mock::MockHost;
use ewasm_host::{EeiOptions, Message, Revision, StatusCode};
use ssvm::contract::{CompileOptions, Contract};
use ssvm::engine::MemoryBudget;
use ssvm_tests::rng::Rng;
use substrate_bn::{AffineG1, AffineG2, Fq, Fr, Group, G1, G2};

/// Both builds of the contract.
const BUILDS: [&str; 2] = ["pairing_bignum.wasm", "pairing_plain.wasm"];

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/bn254")
}

/// A contract's answer: `Some(true/false)` for SUCCESS with output 1/0, `None` for REVERT
/// with empty output; anything else fails the test.
fn answer(status: StatusCode, output: &[u8], what: &str) -> Option<bool> {
    match status {
        StatusCode::Success => {
            assert_eq!(output.len(), 32, "{what}: output {}", hex::encode(output));
            assert!(output[..31].iter().all(|&b| b == 0), "{what}");
            assert!(output[31] <= 1, "{what}");
            Some(output[31] == 1)
        }
        StatusCode::Revert => {
            assert!(output.is_empty(), "{what}: revert data");
            None
        }
        other => panic!("{what}: status {other:?}"),
    }
}

/// The compiled contracts, default options (metering off, bignum on).
fn contracts() -> Vec<(&'static str, Contract)> {
    let options = CompileOptions {
        metering: false,
        bignum: true,
        debug: false,
        reject_floats: false,
        max_memory_pages: 4096,
        revision: Revision::Byzantium,
        wasm: ssvm::options::WasmVersion::V2,
        translation: ssvm::options::Translation::Lazy,
    };
    BUILDS
        .iter()
        .map(|name| {
            let code = std::fs::read(fixtures().join(name)).expect("built contract");
            let contract = Contract::compile(&code, &options).expect("passes the gate");
            (*name, contract)
        })
        .collect()
}

/// Runs `contract` on `input`; its answer.
fn check(contract: &Contract, input: &[u8], what: &str) -> Option<bool> {
    let msg = Message::call([2; 20], [1; 20], 1_000_000, input.to_vec());
    let out = contract.execute(
        &msg,
        &[],
        &mut MockHost::new(),
        Revision::Byzantium,
        EeiOptions::default(),
        &MemoryBudget::default(),
    );
    answer(out.status, &out.output, what)
}

/// The EEI gas of a successful check of `len` bytes with metering off (EWASM.md section 3):
/// getCallDataSize 2, then one callDataCopy per 192-byte pair as the contract reads them,
/// 3 + 3 per started 32-byte word (6 words), and finish 0.
fn eei_gas(len: usize) -> u64 {
    let pairs = (len / 192) as u64;
    2 + pairs * (3 + 3 * 6)
}

/// One vector: name, input, expected output.
type Vector = (String, Vec<u8>, Vec<u8>);

/// The vectors of `bn256Pairing.json`, or `None` (with a SKIP line; a failure under `CI`)
/// without `../shared`.
fn vectors() -> Option<Vec<Vector>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/ewasm-bench/bn256Pairing.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {} is missing",
            path.display()
        );
        eprintln!("SKIP: {} not found", path.display());
        return None;
    };
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let vectors = json["vectors"].as_array().expect("vectors");
    Some(
        vectors
            .iter()
            .map(|v| {
                let field = |k: &str| hex::decode(v[k].as_str().expect(k)).expect("hex");
                let name = v["Name"].as_str().expect("Name").to_string();
                (name, field("Input"), field("Expected"))
            })
            .collect(),
    )
}

#[test]
fn the_five_vectors_through_ssvm_run_on_both_builds() {
    let Some(vectors) = vectors() else { return };
    assert_eq!(vectors.len(), 5);
    let Some(lib) = ssvm_tests::evmc_loader::built_libraries()
        .into_iter()
        .find(|(abi, _)| *abi == 9)
    else {
        return;
    };
    for build in BUILDS {
        let wasm = fixtures().join(build);
        for (name, input, expected) in &vectors {
            let out = Command::new(env!("CARGO_BIN_EXE_ssvm"))
                .arg("run")
                .arg("--vm")
                .arg(&lib.1)
                .arg("--input")
                .arg(hex::encode(input))
                .arg(&wasm)
                .output()
                .expect("ssvm runs");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{build} {name}: {text}");
            assert!(
                text.contains("Result:   EVMC_SUCCESS"),
                "{build} {name}: {text}"
            );
            let gas = format!("Gas used: {}\n", eei_gas(input.len()));
            assert!(text.contains(&gas), "{build} {name}: {text}");
            let output = format!("Output:   {}\n", hex::encode(expected));
            assert!(text.contains(&output), "{build} {name}: {text}");
        }
    }
}

/// The cases of `test_vectors.h`: `{ "name", "\x..\x..", len, expect }` with expect 1, 0
/// or -1 (revert).
fn generated_cases() -> Vec<(String, Vec<u8>, i32)> {
    let text = std::fs::read_to_string(fixtures().join("test_vectors.h")).expect("test_vectors.h");
    let row = regex::Regex::new(r#"\{ "([^"]*)", "((?:\\x[0-9a-f]{2})*)", (\d+), (-?\d) \}"#)
        .expect("regex");
    row.captures_iter(&text)
        .map(|c| {
            let bytes: Vec<u8> = c[2]
                .split("\\x")
                .filter(|h| !h.is_empty())
                .map(|h| u8::from_str_radix(h, 16).expect("hex byte"))
                .collect();
            let len: usize = c[3].parse().expect("length");
            assert_eq!(bytes.len(), len, "{}", &c[1]);
            (c[1].to_string(), bytes, c[4].parse().expect("expect"))
        })
        .collect()
}

#[test]
fn every_generated_case_on_both_builds() {
    let cases = generated_cases();
    let rules = [
        "bad length",
        "coordinate",
        "off curve",
        "off twist",
        "outside G2",
    ];
    for rule in rules {
        assert!(
            cases
                .iter()
                .any(|(name, _, e)| name.contains(rule) && *e == -1),
            "no invalid case for {rule}"
        );
    }
    for (build, contract) in contracts() {
        for (name, input, expect) in &cases {
            let expected = match expect {
                1 => Some(true),
                0 => Some(false),
                _ => None,
            };
            let what = format!("{build}: {name}");
            assert_eq!(check(&contract, input, &what), expected, "{what}");
        }
    }
    assert!(cases.len() >= 30, "{} cases", cases.len());
}

/// The 64 input bytes of a G1 point (x, y big-endian; infinity as zeros).
fn g1_bytes(p: G1) -> Vec<u8> {
    let mut out = vec![0u8; 64];
    if let Some(a) = AffineG1::from_jacobian(p) {
        a.x().to_big_endian(&mut out[..32]).expect("32 bytes");
        a.y().to_big_endian(&mut out[32..]).expect("32 bytes");
    }
    out
}

/// The 128 input bytes of a G2 point: x imaginary, x real, y imaginary, y real.
fn g2_bytes(q: G2) -> Vec<u8> {
    let mut out = vec![0u8; 128];
    if let Some(a) = AffineG2::from_jacobian(q) {
        let parts: [Fq; 4] = [
            a.x().imaginary(),
            a.x().real(),
            a.y().imaginary(),
            a.y().real(),
        ];
        for (k, part) in parts.iter().enumerate() {
            part.to_big_endian(&mut out[32 * k..32 * (k + 1)])
                .expect("32 bytes");
        }
    }
    out
}

/// A scalar from 128 random bits.
fn scalar(rng: &mut Rng) -> Fr {
    let value = (u128::from(rng.next_u64()) << 64) | u128::from(rng.next_u64());
    Fr::from_str(&value.to_string()).expect("below r")
}

#[test]
fn random_pairing_checks_agree_with_substrate_bn() {
    let contracts = contracts();
    let mut rng = Rng::new(0xb254);
    for round in 0..6 {
        let (a, b, c) = (scalar(&mut rng), scalar(&mut rng), scalar(&mut rng));
        let (p, q) = (G1::one(), G2::one());
        // e(aP, bQ) * e(-abP, Q) = 1; with (ab + c) instead of ab it is e(P, Q)^-c != 1.
        let cases = [
            vec![(p * a, q * b), (-(p * (a * b)), q)],
            vec![(p * a, q * b), (-(p * (a * b + c)), q)],
            vec![(p * c, q), (p * a, q * b), (-(p * (a * b + c)), q)],
        ];
        for (k, pairs) in cases.iter().enumerate() {
            let native = substrate_bn::pairing_batch(pairs) == substrate_bn::Gt::one();
            let input: Vec<u8> = pairs
                .iter()
                .flat_map(|&(g1, g2)| [g1_bytes(g1), g2_bytes(g2)].concat())
                .collect();
            for (build, contract) in &contracts {
                let what = format!("{build}: round {round} case {k}");
                assert_eq!(check(contract, &input, &what), Some(native), "{what}");
            }
            // The construction is what it claims: the first and third hold, the second not.
            assert_eq!(native, k != 1, "round {round} case {k}");
        }
    }
}

#[test]
fn the_wasm_builds_rebuild_byte_identical() {
    // build.sh on a copy of the sources, so the worktree is not written.
    let tools = ["clang-22", "wasm-ld-22", "wasm-validate", "wasm-objdump"];
    if let Some(missing) = tools.iter().find(|t| !on_path(t)) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but {missing} is not installed (make deps)"
        );
        eprintln!("SKIP: {missing} not installed; fixtures/bn254 not rebuilt");
        return;
    }
    let copy = std::env::temp_dir().join(format!("ssvm-bn254-{}", std::process::id()));
    std::fs::create_dir_all(&copy).expect("temp dir");
    for file in ["pairing.c", "bn254_consts.h", "build.sh"] {
        std::fs::copy(fixtures().join(file), copy.join(file)).expect("copy source");
    }
    let status = Command::new("sh")
        .arg(copy.join("build.sh"))
        .status()
        .expect("sh runs");
    assert!(status.success(), "build.sh failed");
    for build in BUILDS {
        let rebuilt = std::fs::read(copy.join(build)).expect("rebuilt");
        let committed = std::fs::read(fixtures().join(build)).expect("committed");
        assert!(rebuilt == committed, "{build} differs from its rebuild");
    }
    let _ = std::fs::remove_dir_all(&copy);
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| Path::new(&dir).join(tool).is_file())
    })
}
