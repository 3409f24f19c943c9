//! The command-line tools over the library modules: `ssvm run` (execute a contract against
//! an in-memory host, optionally create-then-call and benchmark) and `ssvm-statetest` (run
//! GeneralStateTests). Argument parsing is by hand; `main`s only forward `std::env::args`.

use crate::evmc_loader::{
    abi_revision_number, default_library_path, parse_option, parse_vm_spec, Vm, SUPPORTED_ABIS,
};
use crate::host::{Host, Message, TxEnv};
use crate::state::{Account, Address, WorldState};
use crate::statetest::runner::{run_paths, RunOptions};
use ethnum::U256;
use evmc_sys::{evmc_call_kind, evmc_status_code};
use ewasm_host::Revision;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Exit status for usage, input and library-loading errors.
pub const EXIT_USAGE: i32 = 2;

/// Revision names accepted by `--rev` (any case), every revision up to Osaka. Which of them a
/// library runs, and under which number, depends on its ABI ([`abi_revision_number`]).
pub const REVISION_NAMES: &[(&str, Revision)] = &[
    ("Frontier", Revision::Frontier),
    ("Homestead", Revision::Homestead),
    ("TangerineWhistle", Revision::TangerineWhistle),
    ("SpuriousDragon", Revision::SpuriousDragon),
    ("Byzantium", Revision::Byzantium),
    ("Constantinople", Revision::Constantinople),
    ("Petersburg", Revision::Petersburg),
    ("Istanbul", Revision::Istanbul),
    ("Berlin", Revision::Berlin),
    ("London", Revision::London),
    ("Paris", Revision::Paris),
    ("Shanghai", Revision::Shanghai),
    ("Cancun", Revision::Cancun),
    ("Prague", Revision::Prague),
    ("Osaka", Revision::Osaka),
];

/// The (name, EVMC number) table of revisions for a library of EVMC ABI `abi`.
fn revision_table(abi: i32) -> Vec<(&'static str, u32)> {
    REVISION_NAMES
        .iter()
        .filter_map(|(name, revision)| Some((*name, abi_revision_number(*revision, abi)?)))
        .collect()
}

/// The EVMC revision number of a `--rev` argument for a library of ABI `abi`: a number of
/// that ABI (passed as given), or a name (any case) looked up in that ABI's table.
pub fn revision_number(text: &str, abi: i32) -> Result<u32, String> {
    let table = revision_table(abi);
    if let Ok(n) = text.parse::<u32>() {
        return table
            .iter()
            .find(|(_, r)| *r == n)
            .map(|(_, r)| *r)
            .ok_or_else(|| format!("unknown revision number {n} for EVMC ABI {abi}"));
    }
    table
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(text))
        .map(|(_, r)| *r)
        .ok_or_else(|| format!("unknown revision `{text}` for EVMC ABI {abi}"))
}

/// The display name of EVMC revision number `raw` of ABI `abi`.
pub fn revision_number_name(raw: u32, abi: i32) -> &'static str {
    revision_table(abi)
        .into_iter()
        .find(|(_, r)| *r == raw)
        .map_or("unknown", |(name, _)| name)
}

/// Sender of the messages `ssvm run` sends.
pub const RUN_SENDER: Address = [
    0x5e, 0x4d, 0xe2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
];
/// Account that holds CODE when `ssvm run` calls it directly (without `--create`).
pub const RUN_CONTRACT: Address = [
    0xc0, 0xde, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
];

const RUN_USAGE: &str = "usage: ssvm run [--vm PATH[,K=V...]] [--abi N] [--rev N|NAME] [--gas N] [--input HEX] [--create] [--bench] [--option K=V]... CODE
  CODE       a .wasm file, a .wat file, or hex bytes
  --vm       EVMC library (default: $SSVM_LIB, else <workspace>/target/release/libssvm.so)
  --abi      refuse the library unless its EVMC ABI version is N (7, 9 or 12; default: any)
  --rev      revision number or name (default: Byzantium)
  --gas      gas limit (default: 1000000)
  --input    call data as hex
  --create   run CODE as init code first, then call the created contract (like `evmc run --create`)
  --bench    repeat the call and print the mean time per execute
  --option   VM option K=V (repeatable)
exit status: 0 on SUCCESS, 1 on any other result, 2 on usage or loading errors";

const STATETEST_USAGE: &str = "usage: ssvm-statetest [--vm PATH[,K=V...]] [--option K=V]... [--filter REGEX] [--trace] PATH...
  PATH       GeneralStateTests JSON files or folders (searched recursively)
  --vm       EVMC library (default: $SSVM_LIB, else <workspace>/target/release/libssvm.so)
  --option   VM option K=V (repeatable)
  --filter   run only tests whose name matches REGEX
  --trace    print host frames and ask the VM for its EEI trace (trace=true)
exit status: 0 when every case passed, 1 on a failure, 2 on usage or loading errors";

/// Stack size for running contracts: nested calls re-enter the VM natively once per call
/// depth (up to 1024 frames), far deeper than a default thread stack allows.
pub const LARGE_STACK_BYTES: usize = 512 << 20;

/// Runs `f` on a fresh thread with a [`LARGE_STACK_BYTES`] stack and returns its result
/// (a panic in `f` is resumed in the caller).
pub fn on_large_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let spawned = std::thread::Builder::new()
        .name("ssvm-large-stack".into())
        .stack_size(LARGE_STACK_BYTES)
        .spawn(f);
    match spawned {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        Err(e) => panic!("cannot spawn a thread with a {LARGE_STACK_BYTES}-byte stack: {e}"),
    }
}

/// Contract bytes from a CODE argument: a `.wat` file (assembled), another existing file
/// (binary Wasm, or hex text), or hex (optional `0x`, whitespace ignored). An argument
/// that looks like a path ([`looks_like_path`]) and names no file is refused as such.
pub fn load_code(arg: &str) -> Result<Vec<u8>, String> {
    let path = Path::new(arg);
    if path.is_file() {
        if path.extension().is_some_and(|e| e == "wat" || e == "wast") {
            return wat::parse_file(path).map_err(|e| format!("{arg}: {e}"));
        }
        let bytes = std::fs::read(path).map_err(|e| format!("{arg}: {e}"))?;
        if bytes.starts_with(b"\0asm") {
            return Ok(bytes);
        }
        return parse_hex(&String::from_utf8_lossy(&bytes)).map_err(|e| format!("{arg}: {e}"));
    }
    if looks_like_path(arg) {
        return Err(if path.exists() {
            format!("not a file: {arg}")
        } else {
            format!("no such file: {arg}")
        });
    }
    parse_hex(arg).map_err(|e| format!("CODE is not a file and {e}"))
}

/// Whether a CODE argument was meant as a path rather than hex: it contains `/` or ends in
/// `.wasm`, `.wat` or `.hex` (none of which hex text can).
pub fn looks_like_path(arg: &str) -> bool {
    arg.contains('/')
        || [".wasm", ".wat", ".hex"]
            .iter()
            .any(|ext| arg.ends_with(ext))
}

/// Hex bytes with an optional `0x` and any whitespace.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: String = text.split_whitespace().collect();
    let digits = digits.strip_prefix("0x").unwrap_or(&digits);
    hex::decode(digits).map_err(|e| format!("not valid hex: {e}"))
}

/// Loads the VM from a `--vm` spec (or the default path), refuses it unless its EVMC ABI
/// version is `abi` (any of [`SUPPORTED_ABIS`] when `None`), and applies the options.
pub fn open_vm(
    spec: Option<&str>,
    abi: Option<i32>,
    options: &[(String, String)],
) -> Result<Vm, String> {
    let (path, mut all) = match spec {
        Some(spec) => parse_vm_spec(spec)?,
        None => (default_library_path(), Vec::new()),
    };
    all.extend(options.iter().cloned());
    let vm = match abi {
        Some(abi) => Vm::load_expecting(&path, &[abi]),
        None => Vm::load(&path),
    }
    .map_err(|e| e.to_string())?;
    for (name, value) in &all {
        vm.set_option(name, value).map_err(|e| e.to_string())?;
    }
    Ok(vm)
}

/// Parsed `ssvm run` arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunArgs {
    /// `--vm`.
    pub vm: Option<String>,
    /// `--abi`: the EVMC ABI version the library must have.
    pub abi: Option<i32>,
    /// `--rev`, as given (resolved with the loaded library's ABI, see [`revision_number`]).
    pub revision: String,
    /// `--gas`.
    pub gas: i64,
    /// `--input`.
    pub input: Vec<u8>,
    /// `--create`.
    pub create: bool,
    /// `--bench`.
    pub bench: bool,
    /// `--option`s.
    pub options: Vec<(String, String)>,
    /// CODE.
    pub code: String,
}

/// Parses the arguments after `run`.
pub fn parse_run_args(args: &[String]) -> Result<RunArgs, String> {
    let mut parsed = RunArgs {
        vm: None,
        abi: None,
        revision: "Byzantium".to_string(),
        gas: 1_000_000,
        input: Vec::new(),
        create: false,
        bench: false,
        options: Vec::new(),
        code: String::new(),
    };
    let mut code = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--vm" => parsed.vm = Some(value("--vm")?),
            "--abi" => {
                let text = value("--abi")?;
                let abi = text.parse().ok().filter(|a| SUPPORTED_ABIS.contains(a));
                parsed.abi = Some(abi.ok_or_else(|| {
                    format!(
                        "--abi: `{text}` is not an EVMC ABI version this tool speaks (7, 9, 12)"
                    )
                })?);
            }
            "--rev" => {
                let text = value("--rev")?;
                // Any ABI's name or number; the loaded library's ABI decides in `run_on_vm`.
                revision_number(&text, crate::evmc_loader::ABI12)?;
                parsed.revision = text;
            }
            "--gas" => {
                let text = value("--gas")?;
                parsed.gas = text
                    .parse()
                    .map_err(|_| format!("--gas: `{text}` is not a gas amount"))?;
                if parsed.gas < 0 {
                    return Err("--gas must not be negative".into());
                }
            }
            "--input" => {
                parsed.input = parse_hex(&value("--input")?).map_err(|e| format!("--input: {e}"))?
            }
            "--option" => parsed.options.push(parse_option(&value("--option")?)?),
            "--create" => parsed.create = true,
            "--bench" => parsed.bench = true,
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}")),
            positional if code.is_none() => code = Some(positional.to_string()),
            extra => return Err(format!("unexpected argument `{extra}`")),
        }
    }
    parsed.code = code.ok_or("missing CODE")?;
    Ok(parsed)
}

/// `ssvm` entry point: `args` excludes the program name. Returns the exit status.
pub fn ssvm_main(args: &[String], out: &mut dyn Write) -> i32 {
    match args.split_first() {
        Some((cmd, rest)) if cmd == "run" => {
            if rest.iter().any(|a| a == "--help" || a == "-h") {
                let _ = writeln!(out, "{RUN_USAGE}");
                return 0;
            }
            match parse_run_args(rest) {
                Ok(parsed) => run_command(&parsed, out).unwrap_or_else(|e| fail(out, &e)),
                Err(e) => fail(out, &format!("{e}\n{RUN_USAGE}")),
            }
        }
        Some((cmd, _)) if cmd == "--help" || cmd == "-h" || cmd == "help" => {
            let _ = writeln!(out, "{RUN_USAGE}");
            0
        }
        _ => fail(out, &format!("expected the `run` command\n{RUN_USAGE}")),
    }
}

fn fail(out: &mut dyn Write, message: &str) -> i32 {
    let _ = writeln!(out, "error: {message}");
    EXIT_USAGE
}

/// Executes `ssvm run`: optional create, then the call; prints status, gas used and output.
pub fn run_command(args: &RunArgs, out: &mut dyn Write) -> Result<i32, String> {
    let code = load_code(&args.code)?;
    let vm = open_vm(args.vm.as_deref(), args.abi, &args.options)?;
    run_on_vm(&vm, args, code, out)
}

/// The body of `ssvm run` on an already loaded VM with the contract bytes.
pub fn run_on_vm(
    vm: &Vm,
    args: &RunArgs,
    code: Vec<u8>,
    out: &mut dyn Write,
) -> Result<i32, String> {
    let io = |e: std::io::Error| e.to_string();
    let abi = vm.abi_version();
    let revision = revision_number(&args.revision, abi)?;
    writeln!(
        out,
        "Executing on {} with {} gas limit",
        revision_number_name(revision, abi),
        args.gas
    )
    .map_err(io)?;
    let mut state = WorldState::new();
    state.insert_account(
        RUN_SENDER,
        Account {
            balance: U256::new(u128::MAX),
            ..Account::default()
        },
    );
    let recipient = if args.create {
        let host = Host::new_raw(vm, revision, run_env(args), state);
        let msg = run_message(args, evmc_call_kind::EVMC_CREATE, RUN_SENDER, code);
        let result = host.call(&msg);
        if result.status != evmc_status_code::EVMC_SUCCESS {
            writeln!(out, "Contract creation failed: {:?}", result.status).map_err(io)?;
            return Ok(1);
        }
        writeln!(
            out,
            "Created:  0x{} (gas used {})",
            hex::encode(result.create_address),
            args.gas - result.gas_left
        )
        .map_err(io)?;
        state = host.into_state();
        result.create_address
    } else {
        state.insert_account(
            RUN_CONTRACT,
            Account {
                code: code.into(),
                ..Account::default()
            },
        );
        RUN_CONTRACT
    };
    let msg = Message {
        destination: recipient,
        ..run_message(
            args,
            evmc_call_kind::EVMC_CALL,
            RUN_SENDER,
            args.input.clone(),
        )
    };
    let host = Host::new_raw(vm, revision, run_env(args), state.clone());
    let result = host.call(&msg);
    writeln!(out, "Result:   {:?}", result.status).map_err(io)?;
    writeln!(out, "Gas used: {}", args.gas - result.gas_left).map_err(io)?;
    if matches!(
        result.status,
        evmc_status_code::EVMC_SUCCESS | evmc_status_code::EVMC_REVERT
    ) {
        writeln!(out, "Output:   {}", hex::encode(&result.output)).map_err(io)?;
    }
    if args.bench {
        let (runs, mean) = bench(vm, args, revision, &state, &msg);
        writeln!(
            out,
            "Bench:    {runs} runs, mean {:.3} us per execute",
            mean.as_secs_f64() * 1e6
        )
        .map_err(io)?;
    }
    Ok(if result.status == evmc_status_code::EVMC_SUCCESS {
        0
    } else {
        1
    })
}

/// Repeats the call on fresh copies of `state` for about a second (at least 10 runs,
/// after one warm-up run) and returns the run count and mean time per call.
fn bench(
    vm: &Vm,
    args: &RunArgs,
    revision: u32,
    state: &WorldState,
    msg: &Message,
) -> (u32, Duration) {
    let host = Host::new_raw(vm, revision, run_env(args), state.clone());
    let _warm_up = host.call(msg);
    let mut total = Duration::ZERO;
    let mut runs = 0u32;
    while runs < 10 || (total < Duration::from_secs(1) && runs < 1_000_000) {
        let host = Host::new_raw(vm, revision, run_env(args), state.clone());
        let start = Instant::now();
        let _result = host.call(msg);
        total += start.elapsed();
        runs += 1;
    }
    (runs, total / runs)
}

fn run_env(args: &RunArgs) -> TxEnv {
    TxEnv {
        origin: RUN_SENDER,
        number: 1,
        gas_limit: args.gas.max(1),
        chain_id: U256::ONE,
        ..TxEnv::default()
    }
}

fn run_message(args: &RunArgs, kind: evmc_call_kind, sender: Address, input: Vec<u8>) -> Message {
    Message {
        kind,
        is_static: false,
        depth: 0,
        gas: args.gas,
        destination: [0; 20],
        sender,
        input,
        value: U256::ZERO,
    }
}

/// Parsed `ssvm-statetest` arguments.
#[derive(Clone, Debug)]
pub struct StatetestArgs {
    /// `--vm`.
    pub vm: Option<String>,
    /// `--option`s.
    pub options: Vec<(String, String)>,
    /// `--filter` and `--trace`.
    pub run: RunOptions,
    /// Files and folders.
    pub paths: Vec<PathBuf>,
}

/// Parses `ssvm-statetest` arguments.
pub fn parse_statetest_args(args: &[String]) -> Result<StatetestArgs, String> {
    let mut parsed = StatetestArgs {
        vm: None,
        options: Vec::new(),
        run: RunOptions::default(),
        paths: Vec::new(),
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--vm" => parsed.vm = Some(value("--vm")?),
            "--option" => parsed.options.push(parse_option(&value("--option")?)?),
            "--filter" => {
                let text = value("--filter")?;
                let re = regex::Regex::new(&text).map_err(|e| format!("--filter: {e}"))?;
                parsed.run.filter = Some(re);
            }
            "--trace" => parsed.run.trace = true,
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}")),
            path => parsed.paths.push(PathBuf::from(path)),
        }
    }
    if parsed.paths.is_empty() {
        return Err("no test PATH given".into());
    }
    Ok(parsed)
}

/// `ssvm-statetest` entry point: `args` excludes the program name. Returns the exit status.
pub fn statetest_main(args: &[String], out: &mut dyn Write) -> i32 {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        let _ = writeln!(out, "{STATETEST_USAGE}");
        return 0;
    }
    let parsed = match parse_statetest_args(args) {
        Ok(parsed) => parsed,
        Err(e) => return fail(out, &format!("{e}\n{STATETEST_USAGE}")),
    };
    let vm = match open_vm(parsed.vm.as_deref(), None, &parsed.options) {
        Ok(vm) => vm,
        Err(e) => return fail(out, &e),
    };
    if parsed.run.trace {
        if let Err(e) = vm.set_option("trace", "true") {
            let _ = writeln!(out, "warning: {e}; tracing host frames only");
        }
    }
    match run_paths(&vm, &parsed.paths, &parsed.run, out) {
        Ok(summary) if summary.failed == 0 => 0,
        Ok(_) => 1,
        Err(e) => fail(out, &format!("writing the report: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn revision_names_and_numbers() {
        let abi9 = evmc_sys::EVMC_ABI_VERSION as i32;
        assert_eq!(revision_number("byzantium", abi9), Ok(4));
        assert_eq!(revision_number("4", abi9), Ok(4));
        assert_eq!(revision_number("Istanbul", abi9), Ok(7));
        assert_eq!(revision_number_name(4, abi9), "Byzantium");
        assert!(revision_number("11", abi9).is_err());
        assert!(revision_number("Prague", abi9).is_err());
        for raw in 0..=evmc_sys::evmc_revision::EVMC_MAX_REVISION as u32 {
            assert!(
                revision_number(&raw.to_string(), abi9).is_ok(),
                "revision {raw} missing from the table"
            );
        }
    }

    #[test]
    fn revision_names_follow_the_librarys_abi() {
        use crate::evmc_loader::ABI12;
        assert_eq!(revision_number("Shanghai", 9), Ok(10));
        assert_eq!(revision_number("Shanghai", ABI12), Ok(11));
        assert_eq!(revision_number("cancun", ABI12), Ok(12));
        assert_eq!(revision_number("Paris", ABI12), Ok(10));
        assert_eq!(revision_number("Osaka", ABI12), Ok(14));
        let abi7 = crate::evmc_loader::ABI7;
        assert_eq!(revision_number("Berlin", abi7), Ok(8));
        assert!(revision_number("London", abi7).is_err());
        assert!(revision_number("9", abi7).is_err());
        assert_eq!(revision_number("12", ABI12), Ok(12));
        assert!(revision_number("15", ABI12).is_err());
        assert!(revision_number("Cancun", 9).is_err());
        assert!(revision_number("11", 9).is_err());
        assert_eq!(revision_number_name(10, ABI12), "Paris");
        assert_eq!(revision_number_name(10, 9), "Shanghai");
        for (name, revision) in REVISION_NAMES {
            let raw = *revision as u32;
            assert_eq!(revision_number(&raw.to_string(), ABI12), Ok(raw), "{name}");
            assert_eq!(revision_number(name, ABI12), Ok(raw), "{name}");
        }
        // `ssvm run --rev` accepts a name of either ABI; the library's decides.
        assert!(parse_run_args(&strings(&["--rev", "Prague", "00"])).is_ok());
        assert!(parse_run_args(&strings(&["--rev", "Amsterdam", "00"])).is_err());
    }

    #[test]
    fn run_args_defaults_and_flags() {
        let parsed = parse_run_args(&strings(&["00"])).unwrap();
        assert_eq!(parsed.revision, "Byzantium");
        assert_eq!(parsed.gas, 1_000_000);
        assert!(!parsed.create && !parsed.bench);
        let parsed = parse_run_args(&strings(&[
            "--rev",
            "7",
            "--gas",
            "5",
            "--input",
            "0xab",
            "--create",
            "--bench",
            "--option",
            "metering=true",
            "c.wat",
        ]))
        .unwrap();
        assert_eq!(parsed.revision, "7");
        assert_eq!(parsed.gas, 5);
        assert_eq!(parsed.input, vec![0xab]);
        assert!(parsed.create && parsed.bench);
        assert_eq!(
            parsed.options,
            vec![("metering".to_string(), "true".to_string())]
        );
        assert_eq!(parsed.code, "c.wat");
        assert!(parse_run_args(&strings(&[])).is_err());
        assert!(parse_run_args(&strings(&["--gas"])).is_err());
        assert!(parse_run_args(&strings(&["--gas", "-1", "00"])).is_err());
        assert!(parse_run_args(&strings(&["--nope", "00"])).is_err());
        assert!(parse_run_args(&strings(&["00", "11"])).is_err());
    }

    #[test]
    fn code_from_hex_wat_and_wasm_files() {
        assert_eq!(load_code("0x0061 736d").unwrap(), vec![0, 0x61, 0x73, 0x6d]);
        assert!(load_code("not-hex-and-no-file").is_err());
        assert_eq!(
            load_code("/no/such/file.wasm"),
            Err("no such file: /no/such/file.wasm".to_string())
        );
        let dir = std::env::temp_dir();
        let dir_arg = dir.to_str().unwrap();
        assert_eq!(load_code(dir_arg), Err(format!("not a file: {dir_arg}")));
        let wat_path = dir.join(format!("ssvm-cli-{}.wat", std::process::id()));
        std::fs::write(&wat_path, "(module)").unwrap();
        let from_wat = load_code(wat_path.to_str().unwrap()).unwrap();
        let _ = std::fs::remove_file(&wat_path);
        assert_eq!(from_wat, vec![0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
        let wasm_path = dir.join(format!("ssvm-cli-{}.wasm", std::process::id()));
        std::fs::write(&wasm_path, &from_wat).unwrap();
        let from_wasm = load_code(wasm_path.to_str().unwrap()).unwrap();
        let _ = std::fs::remove_file(&wasm_path);
        assert_eq!(from_wasm, from_wat);
    }

    #[test]
    fn statetest_args() {
        let parsed =
            parse_statetest_args(&strings(&["--filter", "^call", "--trace", "a", "b"])).unwrap();
        assert_eq!(parsed.paths, vec![PathBuf::from("a"), PathBuf::from("b")]);
        assert!(parsed.run.trace);
        assert!(parsed.run.filter.unwrap().is_match("callValue"));
        assert!(parse_statetest_args(&strings(&["--filter", "("])).is_err());
        assert!(parse_statetest_args(&strings(&[])).is_err());
    }

    #[test]
    fn large_stack_runs_deep_recursion() {
        fn depth(n: u32) -> u32 {
            let pad = std::hint::black_box([0u8; 4096]);
            if n == 0 {
                u32::from(pad[0])
            } else {
                depth(n - 1) + 1
            }
        }
        // 4096 frames of over 4 KiB: far beyond a default 2 MiB test-thread stack.
        assert_eq!(on_large_stack(|| depth(4096)), 4096);
    }

    #[test]
    fn run_calls_and_creates_on_the_script_vm() {
        // Script VM (see host_frames_tests): every op costs 100 gas; `01 <out>` finishes.
        let vm = crate::host_frames_tests::script_vm();
        let mut args = parse_run_args(&strings(&["--gas", "1000", "--bench", "unused"])).unwrap();
        let mut out = Vec::new();
        assert_eq!(run_on_vm(&vm, &args, vec![0x01, 0xab], &mut out), Ok(0));
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("Executing on Byzantium with 1000 gas limit"),
            "{text}"
        );
        assert!(
            text.contains("Result:   EVMC_SUCCESS\nGas used: 100\nOutput:   ab\n"),
            "{text}"
        );
        assert!(
            text.contains("Bench:    ") && text.contains(" us per execute"),
            "{text}"
        );
        // Create: init code `01 05 01 cd` deploys `05 01 cd` (3 bytes: 100 + 600 gas), then
        // the call stores (100) and finishes with cd (100).
        args.create = true;
        args.bench = false;
        let mut out = Vec::new();
        assert_eq!(
            run_on_vm(&vm, &args, vec![0x01, 0x05, 0x01, 0xcd], &mut out),
            Ok(0)
        );
        let text = String::from_utf8(out).unwrap();
        let created = hex::encode(crate::host::create_address(&RUN_SENDER, 0));
        assert!(
            text.contains(&format!("Created:  0x{created} (gas used 700)")),
            "{text}"
        );
        assert!(text.contains("Gas used: 200\nOutput:   cd"), "{text}");
        // A failing contract: exit status 1, no output line.
        args.create = false;
        let mut out = Vec::new();
        assert_eq!(run_on_vm(&vm, &args, vec![0x03], &mut out), Ok(1));
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("Result:   EVMC_FAILURE\nGas used: 1000\n") && !text.contains("Output"),
            "{text}"
        );
    }

    #[test]
    fn missing_library_is_a_clear_error() {
        let mut out = Vec::new();
        let status = statetest_main(
            &strings(&["--vm", "/nonexistent/libssvm.so", "x.json"]),
            &mut out,
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(status, EXIT_USAGE);
        assert!(
            text.contains("/nonexistent/libssvm.so")
                && text.contains("cargo build --release -p evmc-ssvm"),
            "{text}"
        );
    }
}
