//! Consensus: the state-test runner over `../shared/ewasm-tests` (relative to the workspace
//! root) and over the project's own `fixtures/state`, with the library's default options
//! (`fixtures/state/MeteringStateTests` with `metering=true`).
//! Skips with a message when the suite folder or the built `libssvm.so` is missing.

use ssvm_tests::cli::on_large_stack;
use ssvm_tests::evmc_loader::{default_library_path, Vm};
use ssvm_tests::statetest::loader::{collect_files, load_file, load_post_state};
use ssvm_tests::statetest::runner::{run_paths, RunOptions};
use std::path::{Path, PathBuf};

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
            "SKIP: {} not found; the public consensus state tests were not run",
            dir.display()
        );
        None
    }
}

/// `<workspace>/fixtures/state`.
fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/state"))
}

/// Every expected-poststate file under `dir` hashes to the root it states.
fn check_expected_roots(dir: &Path) {
    let files = collect_files(&[dir.join("expected-poststate")]).unwrap();
    assert!(
        !files.is_empty(),
        "no expected-poststate files in {}",
        dir.display()
    );
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

/// Runs every case under `tests` on the default library with the VM `options`; `None` when
/// it is not built.
fn run_suite(
    tests: PathBuf,
    options: &'static [(&'static str, &'static str)],
) -> Option<(usize, usize, String)> {
    run_suite_on(default_library_path(), tests, options).map(|s| (s.passed, s.failed, s.report))
}

/// What a run of the state-test runner counted and printed.
struct SuiteRun {
    passed: usize,
    failed: usize,
    skipped: usize,
    report: String,
}

/// Runs every case under `tests` on `library` with the VM `options`; `None` (after a SKIP
/// line) when the library cannot be loaded.
fn run_suite_on(
    library: PathBuf,
    tests: PathBuf,
    options: &'static [(&'static str, &'static str)],
) -> Option<SuiteRun> {
    if let Err(e) = Vm::load(&library) {
        eprintln!("SKIP: {e}");
        return None;
    }
    // Nested calls re-enter the VM natively once per call depth (callDepth goes to 1024):
    // load and run on a large stack.
    let (summary, out) = on_large_stack(move || {
        let vm = Vm::load(&library).map_err(|e| e.to_string())?;
        for (name, value) in options {
            vm.set_option(name, value).map_err(|e| e.to_string())?;
        }
        let mut out = Vec::new();
        let summary = run_paths(&vm, &[tests], &RunOptions::default(), &mut out)
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((summary, out))
    })
    .unwrap();
    Some(SuiteRun {
        passed: summary.passed,
        failed: summary.failed,
        skipped: summary.skipped,
        report: String::from_utf8_lossy(&out).into_owned(),
    })
}

#[test]
fn expected_post_states_hash_to_their_roots() {
    // The suite's expected-poststate files carry the post state and the root it must hash
    // to: an end-to-end check of the account RLP and secure trie without any VM.
    let Some(dir) = suite_dir() else { return };
    check_expected_roots(&dir);
}

#[test]
fn published_state_root_is_recomputed_from_its_post_state() {
    // `callCode`'s filled test publishes its post state root (post.Byzantium[0].hash);
    // the account RLP and the secure tries over expected-poststate/callCode.json (a
    // contract with code and a storage slot) must reproduce it.
    let Some(dir) = suite_dir() else { return };
    let state = load_post_state(&dir.join("expected-poststate/callCode.json")).unwrap();
    let contract: [u8; 20] = hex::decode("abcdabcdabcdabcdabcdabcdabcdabcdabcdabcd")
        .unwrap()
        .try_into()
        .unwrap();
    assert!(!state.account(&contract).unwrap().storage.is_empty());
    let filled: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("GeneralStateTests/stEWASMTests/callCode.json")).unwrap(),
    )
    .unwrap();
    let published = filled["callCode"]["post"]["Byzantium"][0]["hash"]
        .as_str()
        .unwrap();
    assert_eq!(format!("0x{}", hex::encode(state.state_root())), published);
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
    let Some((passed, failed, report)) = run_suite(dir.join("GeneralStateTests"), &[]) else {
        return;
    };
    let failures: Vec<&str> = report.lines().filter(|l| !l.contains(" PASS ")).collect();
    assert!(passed > 0, "no case ran:\n{report}");
    assert_eq!(failed, 0, "state tests failed:\n{}", failures.join("\n"));
}

#[test]
fn fixture_expected_post_states_hash_to_their_roots() {
    check_expected_roots(&fixtures_dir());
}

#[test]
fn fixture_code_matches_the_wat_sources() {
    let dir = fixtures_dir();
    let tests = collect_files(&[
        dir.join("GeneralStateTests"),
        dir.join("MeteringStateTests"),
    ])
    .unwrap();
    let texts: Vec<String> = tests
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let sources: Vec<PathBuf> = std::fs::read_dir(dir.join("src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!sources.is_empty());
    for source in sources
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "wat"))
    {
        let code = hex::encode(wat::parse_file(source).unwrap());
        assert!(
            texts.iter().any(|t| t.contains(&code)),
            "{} is not used by any fixture",
            source.display()
        );
    }
}

#[test]
fn fixture_state_tests_pass_with_default_options() {
    let Some((passed, failed, report)) = run_suite(fixtures_dir().join("GeneralStateTests"), &[])
    else {
        return;
    };
    assert!(passed > 0, "no case ran:\n{report}");
    assert_eq!(failed, 0, "fixture state tests failed:\n{report}");
}

#[test]
fn fixture_metering_state_tests_pass_with_metering_on() {
    let tests = fixtures_dir().join("MeteringStateTests");
    let Some((passed, failed, report)) = run_suite(tests, &[("metering", "true")]) else {
        return;
    };
    assert!(passed > 0, "no case ran:\n{report}");
    assert_eq!(failed, 0, "metering fixture state tests failed:\n{report}");
}

/// `fixtures/state/GeneralStateTests/stCancun`: transactions at Paris to Prague.
fn cancun_dir() -> PathBuf {
    fixtures_dir().join("GeneralStateTests/stCancun")
}

/// The library of `make <target>` (`abi7`, `abi12`) at `target/<target>/release`; under `CI`
/// it must be built.
fn built_library(target: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../target/{target}/release/libssvm.so"));
    if path.is_file() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the state tests on every build: {} not built (make {target})",
        path.display()
    );
    eprintln!("SKIP: {} not built (make {target})", path.display());
    None
}

#[test]
fn consensus_suites_pass_on_the_abi7_and_abi12_libraries() {
    // The public suite (when present) and ours, then ours with metering, on the two builds
    // the tests above do not load; the only skips are revisions the ABI lacks.
    for target in ["abi7", "abi12"] {
        let Some(library) = built_library(target) else {
            continue;
        };
        if let Some(suite) = suite_dir() {
            let run = run_suite_on(library.clone(), suite.join("GeneralStateTests"), &[])
                .expect("the library loads");
            assert_eq!((run.failed, run.skipped), (0, 0), "{}", run.report);
            assert!(run.passed >= 151, "{}", run.report);
            eprintln!("{target}: public suite {} passed", run.passed);
        }
        for (tests, options) in [
            (fixtures_dir().join("GeneralStateTests"), &[][..]),
            (
                fixtures_dir().join("MeteringStateTests"),
                &[("metering", "true")][..],
            ),
        ] {
            let run = run_suite_on(library.clone(), tests, options).expect("the library loads");
            let report = &run.report;
            assert_eq!(run.failed, 0, "{report}");
            let unexplained = report
                .lines()
                .filter(|l| l.contains(" SKIP ") && !l.contains("is not a revision of EVMC ABI"))
                .count();
            assert_eq!(unexplained, 0, "{report}");
            eprintln!("{target}: {} passed, {} skipped", run.passed, run.skipped);
        }
    }
}

#[test]
fn cancun_and_prague_state_tests_pass_on_the_abi12_library() {
    let Some(library) = built_library("abi12") else {
        return;
    };
    let run = run_suite_on(library, cancun_dir(), &[]).expect("the ABI 12 library loads");
    let report = &run.report;
    assert_eq!((run.failed, run.skipped), (0, 0), "{report}");
    for fork in ["Paris", "Shanghai", "Cancun", "Prague"] {
        assert!(
            report.contains(&format!(" {fork}[")),
            "no {fork} case:\n{report}"
        );
    }
    let cancun_or_prague = report
        .lines()
        .filter(|l| l.contains(" PASS ") && (l.contains(" Cancun[") || l.contains(" Prague[")))
        .filter_map(|l| l.split(" PASS ").nth(1)?.split_whitespace().next())
        .collect::<std::collections::BTreeSet<_>>();
    assert!(
        cancun_or_prague.len() >= 5,
        "fewer than five tests pass at Cancun or Prague:\n{report}"
    );
    eprintln!(
        "stCancun on ABI 12: {} passed ({} tests at Cancun or Prague)",
        run.passed,
        cancun_or_prague.len()
    );
}

#[test]
fn cancun_state_tests_are_skipped_by_name_on_an_abi9_library() {
    let Some(run) = run_suite_on(default_library_path(), cancun_dir(), &[]) else {
        return;
    };
    let report = &run.report;
    assert_eq!(run.failed, 0, "{report}");
    assert!(
        report.contains("SKIP cancunTransientStorage Cancun[0] d0 g0 v0: Cancun is not a revision of EVMC ABI 9 (this library); the ABI 12 library has it"),
        "{report}"
    );
    // Shanghai exists in ABI 9 (its revision 10): that case runs.
    assert!(
        report.contains("PASS cancunSelfDestructOnlyInCreatingTx Shanghai[0]"),
        "{report}"
    );
}

/// `<workspace>/fixtures/clang22`.
fn clang22_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/clang22"))
}

#[test]
fn clang22_wasm_has_its_source_and_is_used_by_a_state_test() {
    let dir = clang22_dir();
    assert!(dir.join("build.sh").is_file(), "fixtures/clang22/build.sh");
    let tests = collect_files(&[fixtures_dir().join("GeneralStateTests/stClang22")]).unwrap();
    let texts: Vec<String> = tests
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let mut wasm_files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "wasm") {
            continue;
        }
        wasm_files += 1;
        assert!(
            path.with_extension("c").is_file(),
            "{} has no C source",
            path.display()
        );
        let code = hex::encode(std::fs::read(&path).unwrap());
        assert!(
            texts.iter().any(|t| t.contains(&code)),
            "{} is not the code of any stClang22 state test",
            path.display()
        );
    }
    assert!(wasm_files >= 2, "expected at least two clang 22 fixtures");
}

#[test]
fn clang22_wasm_rebuilds_byte_identical() {
    // build.sh run on a copy of the sources, so the worktree is not written.
    let tools = ["clang-22", "wasm-ld-22", "wasm-validate"];
    if let Some(missing) = tools.iter().find(|t| {
        std::process::Command::new(t)
            .arg("--version")
            .output()
            .is_err()
    }) {
        eprintln!("SKIP: {missing} not installed; fixtures/clang22 not rebuilt");
        return;
    }
    let dir = clang22_dir();
    let copy = std::env::temp_dir().join(format!("ssvm-clang22-{}", std::process::id()));
    std::fs::create_dir_all(&copy).unwrap();
    let mut built = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        match path.extension().and_then(|e| e.to_str()) {
            Some("c" | "h" | "sh") => {
                std::fs::copy(&path, copy.join(&name)).unwrap();
            }
            Some("wasm") => built.push(name),
            _ => {}
        }
    }
    let status = std::process::Command::new("sh")
        .arg(copy.join("build.sh"))
        .status()
        .unwrap();
    assert!(status.success(), "build.sh failed");
    for name in &built {
        let rebuilt = std::fs::read(copy.join(name)).unwrap();
        let committed = std::fs::read(dir.join(name)).unwrap();
        assert!(
            rebuilt == committed,
            "{}: rebuilt bytes differ from the committed file",
            name.to_string_lossy()
        );
    }
    let _ = std::fs::remove_dir_all(&copy);
}
