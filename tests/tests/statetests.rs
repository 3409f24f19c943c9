//! Consensus: the state-test runner over `../shared/ewasm-tests` (relative to the workspace
//! root) with the library's default options. Skips with a message when the suite folder or
//! the built `libssvm.so` is missing.

use ssvm_tests::cli::on_large_stack;
use ssvm_tests::evmc_loader::{default_library_path, Vm};
use ssvm_tests::statetest::loader::{collect_files, load_file, load_post_state};
use ssvm_tests::statetest::runner::{run_paths, RunOptions};
use std::path::PathBuf;

/// `<workspace>/../shared/ewasm-tests`, when present.
fn suite_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/ewasm-tests"
    ));
    if dir.join("GeneralStateTests").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIP: {} not found; the consensus state tests were not run",
            dir.display()
        );
        None
    }
}

#[test]
fn expected_post_states_hash_to_their_roots() {
    // The suite's expected-poststate files carry the post state and the root it must hash
    // to: an end-to-end check of the account RLP and secure trie without any VM.
    let Some(dir) = suite_dir() else { return };
    let files = collect_files(&[dir.join("expected-poststate")]).unwrap();
    assert!(!files.is_empty());
    for file in &files {
        let state = load_post_state(file).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let want = json["hash"]
            .as_str()
            .unwrap()
            .trim_start_matches("0x")
            .to_string();
        assert_eq!(hex::encode(state.state_root()), want, "{}", file.display());
    }
}

#[test]
fn every_suite_file_loads_with_all_post_entries() {
    let Some(dir) = suite_dir() else { return };
    let files = collect_files(&[dir.join("GeneralStateTests")]).unwrap();
    assert!(!files.is_empty());
    for file in &files {
        let tests = load_file(file).unwrap_or_else(|e| panic!("{e}"));
        for test in tests {
            assert!(
                !test.posts.is_empty(),
                "{}: no post entries",
                file.display()
            );
            assert_eq!(
                hex::encode(test.tx.sender),
                "a94f5374fce5edbc8e2a8697c15331677e6ebf0b"
            );
        }
    }
}

#[test]
fn general_state_tests_pass_with_default_options() {
    let Some(dir) = suite_dir() else { return };
    let library = default_library_path();
    if let Err(e) = Vm::load(&library) {
        eprintln!("SKIP: {e}");
        return;
    }
    // Nested calls re-enter the VM natively once per call depth (callDepth goes to 1024):
    // load and run on a large stack.
    let (summary, out) = on_large_stack(move || {
        let vm = Vm::load(&library).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        let paths = [dir.join("GeneralStateTests")];
        let summary =
            run_paths(&vm, &paths, &RunOptions::default(), &mut out).map_err(|e| e.to_string())?;
        Ok::<_, String>((summary, out))
    })
    .unwrap();
    let report = String::from_utf8_lossy(&out);
    let failures: Vec<&str> = report.lines().filter(|l| !l.contains(" PASS ")).collect();
    assert!(summary.passed > 0, "no case ran:\n{report}");
    assert_eq!(
        summary.failed,
        0,
        "state tests failed:\n{}",
        failures.join("\n")
    );
}
