//! Running state tests: one fresh host per post entry, the transaction of its indexes, then
//! the post-state root and logs hash compared with the expectation; one line per case,
//! progress counters, a diff on root mismatches and a closing summary.

use super::diff::explain_root_mismatch;
use super::loader::{collect_files, load_file, PostEntry, StateTest};
use crate::evmc_loader::{abi_revision_number, Vm};
use crate::host::{Host, TxEnv};
use crate::rules::Rules;
use crate::state::{Bytes32, WorldState};
use crate::transaction::{execute, InvalidTx, Transaction};
use ethnum::U256;
use evmc_sys::evmc_status_code;
use ewasm_host::Revision;
use regex::Regex;
use std::io::Write;
use std::path::PathBuf;

/// Fork names of the test format and their revisions (single source of truth). Which of
/// them the host implements is [`Rules::implemented`]'s answer.
pub const FORKS: &[(&str, Revision)] = &[
    ("Frontier", Revision::Frontier),
    ("Homestead", Revision::Homestead),
    ("EIP150", Revision::TangerineWhistle),
    ("EIP158", Revision::SpuriousDragon),
    ("Byzantium", Revision::Byzantium),
    ("Constantinople", Revision::Constantinople),
    ("ConstantinopleFix", Revision::Petersburg),
    ("Petersburg", Revision::Petersburg),
    ("Istanbul", Revision::Istanbul),
    ("Berlin", Revision::Berlin),
    ("London", Revision::London),
    ("Paris", Revision::Paris),
    ("Merge", Revision::Paris),
    ("Shanghai", Revision::Shanghai),
    ("Cancun", Revision::Cancun),
    ("Prague", Revision::Prague),
    ("Osaka", Revision::Osaka),
];

/// The revision of a fork name.
pub fn fork_revision(name: &str) -> Option<Revision> {
    FORKS.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
}

/// Runner options.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Only tests whose name matches.
    pub filter: Option<Regex>,
    /// Print host frames and ask the VM for its EEI trace (`trace=true`).
    pub trace: bool,
}

/// A difference from the expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// Post-state root.
    Root {
        /// Computed.
        got: Bytes32,
        /// Expected.
        want: Bytes32,
    },
    /// Logs hash.
    Logs {
        /// Computed.
        got: Bytes32,
        /// Expected.
        want: Bytes32,
    },
}

/// The verdict on one post entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Root and logs match.
    Pass,
    /// At least one mismatch.
    Fail(Vec<Mismatch>),
    /// Not run, with the reason.
    Skip(String),
}

/// Result of one post entry.
#[derive(Clone, Debug)]
pub struct CaseResult {
    /// `name Fork[i] dD gG vV`.
    pub label: String,
    /// Verdict.
    pub verdict: Verdict,
    /// Top-level status, or why the transaction was invalid.
    pub outcome: Result<(evmc_status_code, u64), InvalidTx>,
    /// The post state (finalised).
    pub post_state: WorldState,
}

/// Counts of a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Passed cases.
    pub passed: usize,
    /// Failed cases (and unreadable files).
    pub failed: usize,
    /// Skipped cases.
    pub skipped: usize,
}

impl Summary {
    /// The closing line: "N passed, N failed" (plus skipped when any).
    pub fn line(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed, self.failed);
        if self.skipped > 0 {
            line.push_str(&format!(", {} skipped", self.skipped));
        }
        line
    }
}

/// The transaction a post entry selects.
pub fn build_transaction(test: &StateTest, post: &PostEntry) -> Transaction {
    let tx = &test.tx;
    Transaction {
        sender: tx.sender,
        to: tx.to,
        nonce: tx.nonce,
        gas_limit: tx.gas_limit.get(post.gas).copied().unwrap_or(0),
        gas_price: tx.gas_price,
        max_priority_fee: tx.max_priority_fee,
        value: tx.value.get(post.value).copied().unwrap_or(U256::ZERO),
        data: tx.data.get(post.data).cloned().unwrap_or_default(),
        blob_hashes: tx.blob_hashes.clone(),
        max_fee_per_blob_gas: tx.max_fee_per_blob_gas,
    }
}

/// The transaction context of a test under `rules`: from Paris `currentRandom` (when given)
/// in place of the difficulty, from London the base fee, from Cancun the blob base fee of
/// `currentExcessBlobGas` and the transaction's blob hashes.
pub fn tx_env(test: &StateTest, tx: &Transaction, rules: &Rules) -> TxEnv {
    let clamp = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let env = &test.env;
    let base_fee = if rules.has_base_fee() {
        env.base_fee
    } else {
        U256::ZERO
    };
    let difficulty = match env.random {
        Some(random) if rules.revision() >= Revision::Paris => U256::from_be_bytes(random),
        _ => env.difficulty,
    };
    TxEnv {
        gas_price: tx.effective_gas_price(base_fee),
        origin: tx.sender,
        coinbase: env.coinbase,
        number: clamp(env.number),
        timestamp: clamp(env.timestamp),
        gas_limit: clamp(env.gas_limit),
        difficulty,
        chain_id: U256::ONE,
        base_fee,
        blob_base_fee: rules.blob_base_fee(env.excess_blob_gas),
        blob_hashes: tx.blob_hashes.clone(),
    }
}

/// Runs one post entry on a fresh copy of the pre-state.
pub fn run_case(vm: &Vm, test: &StateTest, post: &PostEntry, trace: bool) -> CaseResult {
    let label = format!(
        "{} {}[{}] d{} g{} v{}",
        test.name, post.fork, post.position, post.data, post.gas, post.value
    );
    let skip = |reason: String| CaseResult {
        label: label.clone(),
        verdict: Verdict::Skip(reason),
        outcome: Ok((evmc_status_code::EVMC_REJECTED, 0)),
        post_state: WorldState::new(),
    };
    let Some(revision) = fork_revision(&post.fork) else {
        return skip(format!("unknown fork `{}`", post.fork));
    };
    let rules = Rules::new(revision);
    if let Err(reason) = rules.implemented() {
        return skip(reason);
    }
    let Some(number) = abi_revision_number(revision, vm.abi_version()) else {
        return skip(format!(
            "{} is not a revision of EVMC ABI {} (this library); the ABI 12 library has it",
            post.fork,
            vm.abi_version()
        ));
    };
    let tx = build_transaction(test, post);
    let env = tx_env(test, &tx, &rules);
    let mut host = Host::new_raw(vm, number, env, test.pre.clone()).with_rules(rules);
    host.set_trace(trace);
    let outcome = execute(&host, &tx).map(|o| (o.status, o.gas_used));
    let post_state = host.into_state();
    let mut mismatches = Vec::new();
    let root = post_state.state_root();
    if root != post.hash {
        mismatches.push(Mismatch::Root {
            got: root,
            want: post.hash,
        });
    }
    let logs = post_state.logs_hash();
    if logs != post.logs {
        mismatches.push(Mismatch::Logs {
            got: logs,
            want: post.logs,
        });
    }
    let verdict = if mismatches.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(mismatches)
    };
    CaseResult {
        label,
        verdict,
        outcome,
        post_state,
    }
}

/// Loads every test under `paths` and runs every post entry, writing one line per case,
/// diffs for root mismatches and the closing summary line to `out`.
pub fn run_paths(
    vm: &Vm,
    paths: &[PathBuf],
    options: &RunOptions,
    out: &mut dyn Write,
) -> std::io::Result<Summary> {
    let mut summary = Summary::default();
    let files = match collect_files(paths) {
        Ok(files) => files,
        Err(e) => {
            writeln!(out, "FAIL {e}")?;
            summary.failed += 1;
            writeln!(out, "{}", summary.line())?;
            return Ok(summary);
        }
    };
    let mut tests = Vec::new();
    for file in &files {
        match load_file(file) {
            Ok(loaded) => tests.extend(loaded),
            Err(e) => {
                writeln!(out, "FAIL {e}")?;
                summary.failed += 1;
            }
        }
    }
    tests.retain(|t| {
        options
            .filter
            .as_ref()
            .is_none_or(|re| re.is_match(&t.name))
    });
    let total: usize = tests.iter().map(|t| t.posts.len()).sum();
    let width = total.to_string().len();
    let mut done = 0;
    for test in &tests {
        for post in &test.posts {
            done += 1;
            let case = run_case(vm, test, post, options.trace);
            let progress = format!("[{done:>width$}/{total}]");
            report_case(out, &progress, test, &case, &mut summary)?;
        }
    }
    writeln!(out, "{}", summary.line())?;
    Ok(summary)
}

fn report_case(
    out: &mut dyn Write,
    progress: &str,
    test: &StateTest,
    case: &CaseResult,
    summary: &mut Summary,
) -> std::io::Result<()> {
    match &case.verdict {
        Verdict::Pass => {
            summary.passed += 1;
            writeln!(out, "{progress} PASS {}", case.label)
        }
        Verdict::Skip(reason) => {
            summary.skipped += 1;
            writeln!(out, "{progress} SKIP {}: {reason}", case.label)
        }
        Verdict::Fail(mismatches) => {
            summary.failed += 1;
            let reasons: Vec<String> = mismatches.iter().map(describe).collect();
            let outcome = match &case.outcome {
                Ok((status, gas_used)) => format!("status {status:?}, gas used {gas_used}"),
                Err(invalid) => format!("transaction invalid: {invalid}"),
            };
            writeln!(
                out,
                "{progress} FAIL {}: {} ({outcome})",
                case.label,
                reasons.join("; ")
            )?;
            if mismatches
                .iter()
                .any(|m| matches!(m, Mismatch::Root { .. }))
            {
                for line in explain_root_mismatch(&test.file, &test.name, &case.post_state) {
                    writeln!(out, "    {line}")?;
                }
            }
            Ok(())
        }
    }
}

fn describe(mismatch: &Mismatch) -> String {
    match mismatch {
        Mismatch::Root { got, want } => {
            format!(
                "root mismatch: got 0x{}, want 0x{}",
                hex::encode(got),
                hex::encode(want)
            )
        }
        Mismatch::Logs { got, want } => {
            format!(
                "logs mismatch: got 0x{}, want 0x{}",
                hex::encode(got),
                hex::encode(want)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fork_table_covers_every_revision_once_per_name() {
        let names: std::collections::BTreeSet<&str> = FORKS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), FORKS.len(), "duplicate fork name");
        for revision in Revision::ALL {
            assert!(
                FORKS.iter().any(|(_, r)| *r == revision),
                "{revision:?} has no fork name"
            );
        }
        assert_eq!(fork_revision("Byzantium"), Some(Revision::Byzantium));
        assert_eq!(fork_revision("Cancun"), Some(Revision::Cancun));
        assert_eq!(fork_revision("byzantium"), None);
    }

    #[test]
    fn revision_numbers_per_abi() {
        use crate::evmc_loader::ABI12;
        let abi9 = evmc_sys::EVMC_ABI_VERSION as i32;
        assert_eq!(abi_revision_number(Revision::Byzantium, abi9), Some(4));
        assert_eq!(abi_revision_number(Revision::Byzantium, ABI12), Some(4));
        assert_eq!(abi_revision_number(Revision::Shanghai, abi9), Some(10));
        assert_eq!(abi_revision_number(Revision::Shanghai, ABI12), Some(11));
        assert_eq!(abi_revision_number(Revision::Paris, abi9), None);
        assert_eq!(abi_revision_number(Revision::Cancun, abi9), None);
        assert_eq!(abi_revision_number(Revision::Cancun, ABI12), Some(12));
        assert_eq!(abi_revision_number(Revision::Prague, ABI12), Some(13));
    }

    #[test]
    fn runs_a_file_end_to_end_on_the_script_vm() {
        use crate::state::{Account, WorldState};
        // Contract code `05 01` on the script VM (host_frames_tests): store 1 in slot 0
        // (100 gas), finish (100 gas). Hand-derived post state: gas used 21000 + 200.
        let contract = [0xc0; 20];
        let sender: [u8; 20] = hex::decode("a94f5374fce5edbc8e2a8697c15331677e6ebf0b")
            .unwrap()
            .try_into()
            .unwrap();
        let coinbase = [0x2a; 20];
        let mut post = WorldState::new();
        post.insert_account(
            sender,
            Account {
                balance: U256::new(1_000_000 - 21_200),
                nonce: 1,
                ..Account::default()
            },
        );
        post.insert_account(
            coinbase,
            Account {
                balance: U256::new(21_200),
                ..Account::default()
            },
        );
        let mut storage = std::collections::BTreeMap::new();
        let mut one = [0; 32];
        one[31] = 1;
        storage.insert([0; 32], one);
        post.insert_account(
            contract,
            Account {
                code: vec![0x05, 0x01].into(),
                storage,
                ..Account::default()
            },
        );
        let good = hex::encode(post.state_root());
        let logs = hex::encode(crate::state::logs_hash(&[]));
        let entry = |hash: &str| {
            format!(
                r#"{{"hash": "0x{hash}", "logs": "0x{logs}", "indexes": {{"data": 0, "gas": 0, "value": 0}}}}"#
            )
        };
        let json = format!(
            r#"{{"scripted": {{
              "env": {{"currentCoinbase": "0x{cb}", "currentDifficulty": "0x1", "currentGasLimit": "0x989680",
                       "currentNumber": "0x1", "currentTimestamp": "0x1"}},
              "pre": {{"0x{s}": {{"balance": "0x0f4240", "nonce": "0x0", "code": "0x", "storage": {{}}}},
                       "0x{c}": {{"balance": "0x0", "nonce": "0x0", "code": "0x0501", "storage": {{}}}}}},
              "transaction": {{"data": ["0x"], "gasLimit": ["0x0186a0"], "value": ["0x0"], "gasPrice": "0x1", "nonce": "0x0",
                       "secretKey": "0x45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8", "to": "0x{c}"}},
              "post": {{"Byzantium": [{good_entry}, {bad_entry}], "Istanbul": [{good_entry}]}} }} }}"#,
            cb = hex::encode(coinbase),
            s = hex::encode(sender),
            c = hex::encode(contract),
            good_entry = entry(&good),
            bad_entry = entry(&"0".repeat(64)),
        );
        let path = std::env::temp_dir().join(format!("ssvm-runner-{}.json", std::process::id()));
        std::fs::write(&path, json).unwrap();
        let vm = crate::host_frames_tests::script_vm();
        let mut out = Vec::new();
        let summary = run_paths(
            &vm,
            std::slice::from_ref(&path),
            &RunOptions::default(),
            &mut out,
        )
        .unwrap();
        let _ = std::fs::remove_file(&path);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            summary,
            Summary {
                passed: 1,
                failed: 1,
                skipped: 1
            },
            "{text}"
        );
        assert!(
            text.contains("[1/3] PASS scripted Byzantium[0] d0 g0 v0"),
            "{text}"
        );
        assert!(
            text.contains(&format!(
                "[2/3] FAIL scripted Byzantium[1] d0 g0 v0: root mismatch: got 0x{good}"
            )),
            "{text}"
        );
        assert!(
            text.contains("(status EVMC_SUCCESS, gas used 21200)"),
            "{text}"
        );
        assert!(
            text.contains("computed post state (no expected-poststate file found):"),
            "{text}"
        );
        assert!(text.contains("[3/3] SKIP scripted Istanbul[0]"), "{text}");
        assert!(
            text.trim_end().ends_with("1 passed, 1 failed, 1 skipped"),
            "{text}"
        );
    }

    #[test]
    fn summary_line() {
        let s = Summary {
            passed: 3,
            failed: 1,
            skipped: 0,
        };
        assert_eq!(s.line(), "3 passed, 1 failed");
        let s = Summary {
            passed: 0,
            failed: 0,
            skipped: 2,
        };
        assert_eq!(s.line(), "0 passed, 0 failed, 2 skipped");
    }
}
