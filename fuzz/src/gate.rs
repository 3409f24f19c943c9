//! Target `gate`: arbitrary bytes through the whole code gate and, when they pass, one
//! metered execution against the recording mock host (`ssvm::vm::execute`).
//!
//! Input layout: byte 0 option flags, bytes 1..4 gas (little-endian, reduced), byte 4
//! revision, the rest the code (with the Wasm preamble prepended when flag bit 7 is set).
//!
//! Properties: no panic; a module the gate accepts is valid for wasmparser with SSVM's
//! feature set; gas left never exceeds the gas given and is never negative; failures other
//! than REVERT return no gas and no output... as far as `vm::execute` promises (see
//! [`check_outcome`]).

use ewasm_host::mock::MockHost;
use ewasm_host::{CallKind, Message, Revision, StatusCode};
use ssvm::contract::Contract;
use ssvm::options::{Evm1Mode, Floats, Options};
use ssvm::vm::{self, ContractCache, Outcome};

/// The Wasm preamble: magic and version 1.
pub const PREAMBLE: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/// Gas is at most this, so a metered infinite loop ends quickly.
const MAX_GAS: u32 = 5_000_000;

/// Runs one input; panics on a violated property.
pub fn run(data: &[u8]) {
    let [flags, g0, g1, g2, rev, code @ ..] = data else {
        return;
    };
    let opts = options(*flags);
    let gas = i64::from(u32::from_le_bytes([*g0, *g1, *g2, 0]) % (MAX_GAS + 1));
    let revision = Revision::ALL[usize::from(*rev) % Revision::ALL.len()];
    let code = if flags & 0x80 != 0 {
        [&PREAMBLE[..], code].concat()
    } else {
        code.to_vec()
    };
    check_gate_soundness(&opts, revision, &code);
    let msg = Message {
        kind: if flags & 0x40 != 0 {
            CallKind::Create
        } else {
            CallKind::Call
        },
        is_static: flags & 0x20 != 0,
        depth: 0,
        gas,
        recipient: [0x11; 20],
        sender: [0x22; 20],
        input: code.iter().take(64).copied().collect(),
        value_be: [0; 32],
        create2_salt: [0; 32],
    };
    let mut host = MockHost::new();
    let cache = ContractCache::new(4);
    let outcome = vm::execute(&opts, &cache, revision, &msg, &code, &mut host);
    check_outcome(&outcome, gas);
    // A second run hits the cache and must give the same outcome.
    let mut host2 = MockHost::new();
    let again = vm::execute(&opts, &cache, revision, &msg, &code, &mut host2);
    assert_eq!(outcome, again, "cached execution differs from the first");
}

/// Options from the flag byte; metering is always on so every execution terminates.
pub fn options(flags: u8) -> Options {
    Options {
        metering: true,
        bignum: flags & 0x01 != 0,
        floats: if flags & 0x02 != 0 {
            Floats::Reject
        } else {
            Floats::Allow
        },
        evm1mode: if flags & 0x04 != 0 {
            Evm1Mode::Fallback
        } else {
            Evm1Mode::Reject
        },
        max_memory_pages: 1 + u32::from((flags >> 3) & 0x03) * 8,
        ..Options::default()
    }
}

/// A contract the gate accepts must be a valid module under SSVM's wasmparser features.
fn check_gate_soundness(opts: &Options, revision: Revision, code: &[u8]) {
    let compiled = Contract::compile(code, &vm::compile_options(opts, revision));
    if compiled.is_ok() {
        let mut validator = wasmparser::Validator::new_with_features(opts.wasm.features());
        if let Err(e) = validator.validate_all(code) {
            panic!("gate accepted a module wasmparser rejects: {e}");
        }
    }
}

/// Outcome invariants of EWASM.md section 2.
fn check_outcome(outcome: &Outcome, gas: i64) {
    assert_ne!(
        outcome.status,
        StatusCode::InternalError,
        "engine bug (internal error)"
    );
    assert!(
        (0..=gas).contains(&outcome.gas_left),
        "gas_left {} outside 0..={gas}",
        outcome.gas_left
    );
    if !matches!(outcome.status, StatusCode::Success | StatusCode::Revert) {
        assert_eq!(outcome.gas_left, 0, "{:?} kept gas", outcome.status);
        assert!(
            outcome.output.is_empty(),
            "{:?} kept output",
            outcome.status
        );
    }
}
