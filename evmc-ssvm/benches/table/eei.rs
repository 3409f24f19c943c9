//! Section 4: the ERC20-style transfer through the EEI (`kernels/erc20.wasm`, the cases of
//! `kernels/expected.json`): `ssvm::vm::execute` (the code gate, the module cache and the
//! EEI, everything of an EVMC `execute` but the C conversions) against `ewasm-host`'s
//! in-memory mock host. Each case is checked first (status, output, storage after, the
//! Transfer log, gas); the timed call builds the case's fresh host state and executes.

use std::time::Duration;

use ewasm_host::mock::{MockHost, Recorded};
use ewasm_host::{Message, Revision, StatusCode};
use ssvm::options::Options;
use ssvm::vm::{self, ContractCache};

use crate::common::{bench_dir, kernels, min_times, read, STATISTIC};

/// Interleaved rounds.
const RUNS: usize = 21;
/// Transfers per timed sample (one sample is too short for the timer).
const CALLS: u32 = 200;
/// Gas of every call (ample for any case).
const GAS: i64 = 1_000_000;
/// The token contract's address.
const TOKEN: [u8; 20] = [0x70; 20];

/// One case of `expected.json`, decoded.
struct Case {
    name: String,
    msg: Message,
    storage_before: Vec<([u8; 32], [u8; 32])>,
    status: StatusCode,
    output: Vec<u8>,
    storage_after: Vec<([u8; 32], [u8; 32])>,
    logs: Vec<(Vec<u8>, Vec<[u8; 32]>)>,
    eei_gas: i64,
}

fn bytes(v: &serde_json::Value) -> Vec<u8> {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("expected a hex string: {v}"));
    hex::decode(s.trim_start_matches("0x")).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn fixed<const N: usize>(v: &serde_json::Value) -> [u8; N] {
    bytes(v)
        .try_into()
        .unwrap_or_else(|b: Vec<u8>| panic!("{v}: {} bytes, expected {N}", b.len()))
}

fn slots(v: &serde_json::Value) -> Vec<([u8; 32], [u8; 32])> {
    let map = v.as_object().into_iter().flatten();
    map.map(|(k, v)| (fixed(&serde_json::Value::from(k.as_str())), fixed(v)))
        .collect()
}

fn cases() -> Vec<Case> {
    let (_, erc20) = kernels()
        .into_iter()
        .find(|(name, _)| name == "erc20")
        .unwrap_or_else(|| panic!("expected.json has no erc20 kernel"));
    let cases = erc20["cases"].as_array().cloned().unwrap_or_default();
    cases
        .iter()
        .map(|c| Case {
            name: c["name"].as_str().unwrap_or_default().to_string(),
            msg: Message::call(fixed(&c["caller"]), TOKEN, GAS, bytes(&c["calldata"])),
            storage_before: slots(&c["storage_before"]),
            status: match c["status"].as_str() {
                Some("success") => StatusCode::Success,
                Some("revert") => StatusCode::Revert,
                other => panic!("{}: unknown status {other:?}", c["name"]),
            },
            output: bytes(&c["output"]),
            storage_after: slots(&c["storage_after"]),
            logs: c["logs"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| {
                    let topics = l["topics"].as_array().into_iter().flatten();
                    (bytes(&l["data"]), topics.map(fixed).collect())
                })
                .collect(),
            eei_gas: c["eei_gas"].as_i64().unwrap_or(-1),
        })
        .collect()
}

/// The host state before `case`: the token's storage.
fn host_for(case: &Case) -> MockHost {
    let mut host = MockHost::new();
    host.account(TOKEN).storage = case.storage_before.iter().copied().collect();
    host
}

/// Checks one execution of `case` against the expected values (gas only with metering off,
/// where it is the EEI's alone).
fn check(case: &Case, opts: &Options, cache: &ContractCache, code: &[u8]) {
    let mut host = host_for(case);
    let out = vm::execute(opts, cache, Revision::Byzantium, &case.msg, code, &mut host);
    let name = &case.name;
    assert_eq!(out.status, case.status, "{name}: status");
    assert_eq!(out.output, case.output, "{name}: output");
    if !opts.metering {
        assert_eq!(GAS - out.gas_left, case.eei_gas, "{name}: gas used");
    }
    for (key, value) in &case.storage_after {
        assert_eq!(host.storage_at(&TOKEN, key), *value, "{name}: storage");
    }
    let logs: Vec<(Vec<u8>, Vec<[u8; 32]>)> = host
        .recorded
        .iter()
        .filter_map(|r| match r {
            Recorded::EmitLog(_, data, topics) => Some((data.clone(), topics.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(logs, case.logs, "{name}: logs");
}

/// `calls` transfers of `case`, each on a fresh copy of its storage (the timed unit).
fn transfers(opts: &Options, cache: &ContractCache, case: &Case, code: &[u8], calls: u32) {
    for _ in 0..calls {
        let mut host = host_for(case);
        let out = vm::execute(opts, cache, Revision::Byzantium, &case.msg, code, &mut host);
        std::hint::black_box(out);
    }
}

/// `profile-erc20 [CALLS]`: checks every case, then makes `CALLS` more transfers of the first
/// case with metering off (each on a fresh copy of its storage, as the table times them),
/// e.g. under `valgrind --tool=callgrind`.
pub fn profile(args: &[String]) {
    let calls: u32 = args.first().map_or(0, |c| {
        c.parse().unwrap_or_else(|e| panic!("CALLS {c}: {e}"))
    });
    let code = read(&bench_dir().join("kernels/erc20.wasm"));
    let cases = cases();
    let off = Options::default();
    let cache = ContractCache::new(4);
    for case in &cases {
        check(case, &off, &cache, &code);
    }
    let case = cases
        .first()
        .unwrap_or_else(|| panic!("expected.json: no erc20 case"));
    transfers(&off, &cache, case, &code, calls);
    println!(
        "erc20 {}: checked, then {calls} more transfer(s)",
        case.name
    );
}

/// Prints the ERC20 table: per case, metering off and on, microseconds per transfer.
pub fn print() {
    let code = read(&bench_dir().join("kernels/erc20.wasm"));
    let cases = cases();
    let off = Options::default();
    let on = Options {
        metering: true,
        ..Options::default()
    };
    let cache = ContractCache::new(4);
    for case in &cases {
        check(case, &off, &cache, &code);
        check(case, &on, &cache, &code);
    }
    println!("\n## ERC20-style transfer through the EEI (`kernels/erc20.wasm`)\n");
    println!(
        "`ssvm::vm::execute` (gate, warm module cache, EEI) against the in-memory mock host, \
         Byzantium; each case checked first (status, output, storage, Transfer log, gas). One \
         sample = {CALLS} transfers, each on a fresh copy of the case's storage. Time: \
         {STATISTIC} ({RUNS} rounds) / {CALLS}.\n"
    );
    println!("| case | bytes | EEI gas | metering off | metering on | on / off |");
    println!("|---|--:|--:|--:|--:|--:|");
    for case in &cases {
        let run = |opts: &Options| transfers(opts, &cache, case, &code, CALLS);
        let (mut a, mut b) = (|| run(&off), || run(&on));
        let t = min_times(RUNS, &mut [&mut a, &mut b]);
        let per = |d: Duration| d / CALLS;
        println!(
            "| {} | {} | {} | {:.2?} | {:.2?} | {:.3} |",
            case.name,
            code.len(),
            case.eei_gas,
            per(t[0]),
            per(t[1]),
            t[1].as_secs_f64() / t[0].as_secs_f64()
        );
    }
}
