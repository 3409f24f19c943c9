//! The official EVMC tools against `libssvm.so`: `evmc-vmtester` and `evmc run` of EVMC
//! 7.5.0, 9.0.0 and 12.1.0, built by `make evmc-tools` (tests/evmc-tools/build.sh) into
//! `target/evmc-tools/<version>/bin`. Each release is one row of [`RELEASES`]. The expected
//! `evmc run` results come from our own `ssvm run` on the same library, never from constants.
//!
//! Without `../shared` or the built tools the tests print `SKIP:` and pass, unless `CI` is
//! set: then they fail and say what is missing.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// One EVMC release with the library of its ABI.
struct Release {
    /// EVMC release (folder `target/evmc-tools/<version>`).
    version: &'static str,
    /// Its EVMC ABI version.
    abi: u32,
    /// The library of that ABI, relative to the workspace root.
    library: &'static str,
    /// A library of another ABI, which this release's loader must reject.
    other_abi_library: &'static str,
    /// The ABI of [`Release::other_abi_library`].
    other_abi: u32,
}

const ABI9_LIB: &str = "target/release/libssvm.so";
const ABI7_LIB: &str = "target/abi7/release/libssvm.so";
const ABI12_LIB: &str = "target/abi12/release/libssvm.so";

const RELEASES: &[Release] = &[
    Release {
        version: "7.5.0",
        abi: 7,
        library: ABI7_LIB,
        other_abi_library: ABI9_LIB,
        other_abi: 9,
    },
    Release {
        version: "9.0.0",
        abi: 9,
        library: ABI9_LIB,
        other_abi_library: ABI7_LIB,
        other_abi: 7,
    },
    Release {
        version: "12.1.0",
        abi: 12,
        library: ABI12_LIB,
        other_abi_library: ABI9_LIB,
        other_abi: 9,
    },
];

/// The demo call of the Makefile: a = 2^128 + 3, b = 2^128 + 5 (DEMO_A DEMO_B).
const DEMO_INPUT: &str = concat!(
    "0000000000000000000000000000000100000000000000000000000000000003",
    "0000000000000000000000000000000100000000000000000000000000000005"
);

/// EVM1 bytecode (PUSH1 0 PUSH1 0 SSTORE), not Wasm.
const EVM_CODE: &str = "6000600055";

/// Istanbul's number in every EVMC release (`evmc run --rev` takes the number).
const ISTANBUL: &str = "7";

/// evmc loader error codes (loader.h, the same in all three releases).
const LOADER_ABI_VERSION_MISMATCH: i32 = 5;
const LOADER_INVALID_OPTION_NAME: i32 = 6;
const LOADER_INVALID_OPTION_VALUE: i32 = 7;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// Skips (returns `None` after a `SKIP:` line) or, under `CI`, fails with `what`.
fn missing<T>(what: String) -> Option<T> {
    if std::env::var_os("CI").is_some() {
        panic!(
            "CI must run the official EVMC tools, but {what}: run `make evmc-tools` / `make build`"
        );
    }
    eprintln!("SKIP: {what}");
    None
}

/// The paths one row needs.
struct Tools {
    evmc: PathBuf,
    vmtester: PathBuf,
}

/// The tools of `release`, or `None` when they (or `../shared`) are absent.
fn tools(release: &Release) -> Option<Tools> {
    let root = root();
    let shared = root.join("../shared/third_party/evmc");
    if !shared.is_dir() {
        return missing(format!("{} not found", shared.display()));
    }
    let bin = root
        .join("target/evmc-tools")
        .join(release.version)
        .join("bin");
    let tools = Tools {
        evmc: bin.join("evmc"),
        vmtester: bin.join("evmc-vmtester"),
    };
    for tool in [&tools.evmc, &tools.vmtester] {
        if !tool.is_file() {
            return missing(format!("{} not built", tool.display()));
        }
    }
    Some(tools)
}

/// An existing library (relative to the root), or `None` after a skip message.
fn library(path: &str) -> Option<PathBuf> {
    let full = root().join(path);
    if full.is_file() {
        Some(full)
    } else {
        missing(format!("{} not built", full.display()))
    }
}

fn run(program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts a normal exit (no signal) with `code`.
fn assert_exit(output: &Output, code: i32, what: &str) {
    assert_eq!(output.status.signal(), None, "{what} died of a signal");
    assert_eq!(
        output.status.code(),
        Some(code),
        "{what}: stdout {} stderr {}",
        text(&output.stdout),
        text(&output.stderr)
    );
}

/// What `evmc run` and `ssvm run` both print about the call.
#[derive(Debug, PartialEq, Eq)]
struct RunResult {
    /// The revision name without spaces (`Istanbul`, `TangerineWhistle`).
    revision: String,
    /// The status in EVMC's enum spelling without the prefix (`SUCCESS`, `OUT_OF_GAS`).
    status: String,
    gas_used: u64,
    /// Present for success and revert only.
    output: Option<String>,
}

/// Parses the report of `evmc run` (`Result:   out of gas`) or `ssvm run`
/// (`Result:   EVMC_OUT_OF_GAS`).
fn parse_run(stdout: &str) -> RunResult {
    let field = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    let revision = stdout
        .lines()
        .find_map(|l| l.split_once("xecuting on "))
        .and_then(|(_, rest)| rest.split_once(" with "))
        .map(|(rev, _)| rev.replace(' ', ""))
        .unwrap_or_else(|| panic!("no revision in {stdout}"));
    let status = field("Result:").unwrap_or_else(|| panic!("no Result in {stdout}"));
    let status = status.strip_prefix("EVMC_").unwrap_or(&status);
    let gas_used = field("Gas used:")
        .and_then(|g| g.parse().ok())
        .unwrap_or_else(|| panic!("no Gas used in {stdout}"));
    RunResult {
        revision,
        status: status.to_uppercase().replace(' ', "_"),
        gas_used,
        output: field("Output:"),
    }
}

/// `evmc run` with `vm_spec` (`PATH[,K=V]`), an optional `--rev` number, and the rest.
fn evmc_run(tools: &Tools, vm_spec: &str, rev: Option<&str>, rest: &[&str]) -> RunResult {
    let mut args = vec!["run", "--vm", vm_spec];
    if let Some(rev) = rev {
        args.extend(["--rev", rev]);
    }
    args.extend(rest);
    let output = run(&tools.evmc, &args);
    assert_exit(&output, 0, &format!("evmc {args:?}"));
    parse_run(&text(&output.stdout))
}

/// `ssvm run` with `vm_spec` at the revision `evmc` reported.
fn ssvm_run(vm_spec: &str, revision: &str, rest: &[&str]) -> RunResult {
    let mut args = vec!["run", "--vm", vm_spec, "--rev", revision];
    args.extend(rest);
    let output = run(Path::new(env!("CARGO_BIN_EXE_ssvm")), &args);
    let stdout = text(&output.stdout);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "ssvm {args:?}: {stdout}"
    );
    parse_run(&stdout)
}

/// `fixtures/demo.wat` as an absolute path.
fn demo_path() -> String {
    root()
        .join("fixtures/demo.wat")
        .to_string_lossy()
        .into_owned()
}

/// `fixtures/demo.wat` as hex Wasm bytes, as `evmc run` takes code.
fn demo_hex() -> String {
    let wasm = wat::parse_file(root().join("fixtures/demo.wat")).expect("demo.wat assembles");
    hex::encode(wasm)
}

/// The `Output:` line of the demo as README.md documents it.
fn readme_demo_output() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md readable");
    let after = readme
        .split_once("The demo prints:")
        .expect("README documents the demo")
        .1;
    after
        .lines()
        .find_map(|l| l.strip_prefix("Output:"))
        .expect("README's demo shows its output")
        .trim()
        .to_string()
}

/// Each row whose tools and library exist, with them.
fn rows() -> Vec<(&'static Release, Tools, PathBuf)> {
    RELEASES
        .iter()
        .filter_map(|r| {
            let tools = tools(r)?;
            let lib = library(r.library)?;
            Some((r, tools, lib))
        })
        .collect()
}

#[test]
fn vmtester_passes_on_its_own_abi() {
    for (release, tools, lib) in rows() {
        let output = run(&tools.vmtester, &[lib.to_str().expect("UTF-8 path")]);
        let stdout = text(&output.stdout);
        assert_exit(&output, 0, &format!("evmc-vmtester {}", release.version));
        let ran: u32 = stdout
            .lines()
            .filter(|l| l.ends_with(" ran.") || l.contains(" ran. ("))
            .find_map(|l| l.strip_prefix("[==========] "))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no gtest summary: {stdout}"));
        assert!(ran >= 10, "only {ran} vmtester tests: {stdout}");
        assert!(
            stdout.contains(&format!("[  PASSED  ] {ran} tests.")) && !stdout.contains("FAILED"),
            "{stdout}"
        );
        eprintln!(
            "evmc-vmtester {} on ABI {}: {ran} tests passed",
            release.version, release.abi
        );
    }
}

#[test]
fn vmtester_rejects_another_abi_cleanly() {
    for release in RELEASES {
        let Some(tools) = tools(release) else {
            continue;
        };
        let Some(other) = library(release.other_abi_library) else {
            continue;
        };
        let other = other.to_str().expect("UTF-8 path");
        let output = run(&tools.vmtester, &[other]);
        assert_exit(
            &output,
            LOADER_ABI_VERSION_MISMATCH,
            "crossed evmc-vmtester",
        );
        let expected = format!(
            "EVMC ABI version {} of {other} mismatches the expected version {}",
            release.other_abi, release.abi
        );
        let stderr = text(&output.stderr);
        assert!(stderr.contains(&expected), "{stderr}");
        eprintln!("evmc-vmtester {}: {expected}", release.version);
    }
}

#[test]
fn evmc_run_demo_equals_ssvm_run() {
    let code = demo_hex();
    let documented = readme_demo_output();
    for (release, tools, lib) in rows() {
        let lib = lib.to_str().expect("UTF-8 path");
        // `ssvm run` loads the same library (it hosts ABI 7, 9 and 12).

        let reference = lib;
        for rev in [Some(ISTANBUL), None] {
            let ours = evmc_run(
                &tools,
                lib,
                rev,
                &["--create", "--input", DEMO_INPUT, &code],
            );
            let expected = ssvm_run(
                reference,
                &ours.revision,
                &["--create", "--input", DEMO_INPUT, &demo_path()],
            );
            assert_eq!(ours, expected, "evmc {} vs ssvm run", release.version);
            assert_eq!(ours.status, "SUCCESS");
            assert_eq!(ours.output.as_deref(), Some(documented.as_str()));
            eprintln!("evmc {} run demo: {ours:?}", release.version);
        }
    }
}

#[test]
fn evmc_run_metering_option_equals_ssvm_run() {
    let code = demo_hex();
    for (release, tools, lib) in rows() {
        let lib = lib.to_str().expect("UTF-8 path");
        // `ssvm run` loads the same library (it hosts ABI 7, 9 and 12).

        let reference = lib;
        let args = ["--create", "--input", DEMO_INPUT, &code];
        let metered = evmc_run(&tools, &format!("{lib},metering=true"), None, &args);
        let expected = ssvm_run(
            &format!("{reference},metering=true"),
            &metered.revision,
            &["--create", "--input", DEMO_INPUT, &demo_path()],
        );
        assert_eq!(metered, expected, "evmc {} metering=true", release.version);
        let unmetered = evmc_run(&tools, lib, None, &args);
        assert!(
            metered.gas_used > unmetered.gas_used,
            "metering=true charges the Wasm blocks: {metered:?} vs {unmetered:?}"
        );
        eprintln!(
            "evmc {} run demo metering=true: {metered:?}",
            release.version
        );
    }
}

#[test]
fn evmc_run_bad_options_fail_as_documented() {
    let code = demo_hex();
    for (release, tools, lib) in rows() {
        let lib = lib.to_str().expect("UTF-8 path");
        // README: a bad value is EVMC_SET_OPTION_INVALID_VALUE, an unknown name
        // EVMC_SET_OPTION_INVALID_NAME; the loader exits with its matching error code.
        for (option, code_expected, message) in [
            (
                "metering=maybe",
                LOADER_INVALID_OPTION_VALUE,
                "unsupported value 'maybe' for option 'metering'",
            ),
            (
                "no_such_option=1",
                LOADER_INVALID_OPTION_NAME,
                "unknown option 'no_such_option'",
            ),
        ] {
            let spec = format!("{lib},{option}");
            let output = run(&tools.evmc, &["run", "--vm", &spec, &code]);
            assert_exit(&output, code_expected, &format!("evmc {}", release.version));
            let stderr = text(&output.stderr);
            assert!(stderr.contains(message), "{stderr}");
            eprintln!(
                "evmc {} run --vm ...,{option}: {}",
                release.version,
                stderr.trim()
            );
        }
        // Our tool refuses the same value.
        // `ssvm run` loads the same library (it hosts ABI 7, 9 and 12).

        let reference = lib;
        let ours = run(
            Path::new(env!("CARGO_BIN_EXE_ssvm")),
            &[
                "run",
                "--vm",
                &format!("{reference},metering=maybe"),
                "0x00",
            ],
        );
        assert_exit(&ours, 2, "ssvm run metering=maybe");
        let stdout = text(&ours.stdout);
        assert!(
            stdout.contains("invalid value `maybe` for VM option `metering`"),
            "{stdout}"
        );
    }
}

#[test]
fn evmc_run_evm_bytecode_as_documented() {
    for (release, tools, lib) in rows() {
        let lib = lib.to_str().expect("UTF-8 path");
        // `ssvm run` loads the same library (it hosts ABI 7, 9 and 12).

        let reference = lib;
        // README: non-Wasm code is FAILURE, or REJECTED with evm1mode=fallback; EWASM.md
        // section 7: no output and no gas left.
        for (option, status) in [("", "FAILURE"), (",evm1mode=fallback", "REJECTED")] {
            let ours = evmc_run(&tools, &format!("{lib}{option}"), None, &[EVM_CODE]);
            let expected = ssvm_run(&format!("{reference}{option}"), &ours.revision, &[EVM_CODE]);
            assert_eq!(ours, expected, "evmc {} EVM code{option}", release.version);
            assert_eq!(ours.status, status);
            assert_eq!(ours.gas_used, 1_000_000);
            assert_eq!(ours.output, None);
            eprintln!("evmc {} run EVM code{option}: {ours:?}", release.version);
        }
    }
}
