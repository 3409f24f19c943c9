//! One execution from the EVMC face's point of view: the code gate of EWASM.md section 1
//! (steps 1–4 here; validation and interface checks in [`crate::contract`]), the compiled
//! module cache, the CREATE output gate, and the outcome the face turns into an
//! `evmc_result`.

use ewasm_host::gate::{check_preamble, Preamble, WASM_MAGIC};
use ewasm_host::{Address, CallKind, EeiOptions, HostContext, Message, Revision, StatusCode};

use crate::cache::{CacheKey, ModuleCache};
use crate::contract::{CompileOptions, Contract, ContractError};
use crate::options::{Evm1Mode, Floats, Options};
use crate::tree::TreeMember;

/// What one execution produced (EWASM.md section 2). The EVMC face enforces that a status
/// other than SUCCESS or REVERT carries gas_left 0 and no output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Final status.
    pub status: StatusCode,
    /// Gas left (meaningful for SUCCESS and REVERT only).
    pub gas_left: i64,
    /// Return or revert data.
    pub output: Vec<u8>,
    /// Address of a created account (only for results of nested creates; zero here).
    pub create_address: Address,
}

impl Outcome {
    /// An outcome with `status`, no gas left and no output.
    pub fn status(status: StatusCode) -> Outcome {
        Outcome {
            status,
            gas_left: 0,
            output: Vec::new(),
            create_address: [0; 20],
        }
    }
}

/// The compiled-contract cache type the VM instance holds.
pub type ContractCache = ModuleCache<Contract>;

/// Steps 1–4 of the code gate. `Err` carries the status that ends the execution.
pub fn gate(opts: &Options, rev: Revision, msg: &Message, code: &[u8]) -> Result<(), StatusCode> {
    if msg.gas < 0 {
        return Err(StatusCode::Failure);
    }
    if rev < Revision::Byzantium {
        return Err(StatusCode::Rejected);
    }
    match check_preamble(code) {
        Preamble::Wasm => Ok(()),
        Preamble::BadVersion => Err(StatusCode::ContractValidationFailure),
        Preamble::NotWasm => Err(match opts.evm1mode {
            Evm1Mode::Reject => StatusCode::Failure,
            Evm1Mode::Fallback => StatusCode::Rejected,
        }),
    }
}

/// The compile-relevant part of `opts` for revision `rev`.
pub fn compile_options(opts: &Options, rev: Revision) -> CompileOptions {
    CompileOptions {
        metering: opts.metering,
        bignum: opts.bignum,
        debug: opts.debug,
        reject_floats: opts.floats == Floats::Reject,
        max_memory_pages: opts.max_memory_pages,
        revision: rev,
        wasm: opts.wasm,
        translation: opts.translation,
    }
}

/// The compiled contract for `code`, from `cache` or compiled now (and cached).
pub fn compiled(
    cache: &ContractCache,
    opts: &Options,
    rev: Revision,
    code: &[u8],
) -> Result<std::sync::Arc<Contract>, ContractError> {
    cache.get_or_try_insert_with(CacheKey::new(code, rev, opts), code, || {
        Contract::compile(code, &compile_options(opts, rev))
    })
}

/// Executes `code` for `msg` at revision `rev` with host `host`, compiling through `cache`.
///
/// Flags other than STATIC are rejected by the EVMC face before this is called (a
/// [`Message`] has only `is_static`).
pub fn execute(
    opts: &Options,
    cache: &ContractCache,
    rev: Revision,
    msg: &Message,
    code: &[u8],
    host: &mut dyn HostContext,
) -> Outcome {
    if let Err(status) = gate(opts, rev, msg, code) {
        return Outcome::status(status);
    }
    let contract = match compiled(cache, opts, rev, code) {
        Ok(contract) => contract,
        Err(err) => {
            if opts.trace {
                eprintln!("ssvm: depth {}: code rejected: {err}", msg.depth);
            }
            return Outcome::status(StatusCode::ContractValidationFailure);
        }
    };
    let eei_opts = EeiOptions {
        debug: opts.debug,
        trace: opts.trace,
    };
    // The VM instance owns `cache`: its address names the VM's call tree on this thread.
    let tree = TreeMember::join(std::ptr::from_ref(cache).addr(), opts.max_tree_memory_pages);
    let outcome = contract.execute(msg, code, host, rev, eei_opts, tree.budget());
    if is_create(msg.kind) && outcome.status == StatusCode::Success {
        return gate_create_output(opts, cache, rev, msg.depth, outcome);
    }
    outcome
}

fn is_create(kind: CallKind) -> bool {
    matches!(kind, CallKind::Create | CallKind::Create2)
}

/// CREATE success: output that starts with the Wasm magic must pass the whole gate (it is
/// compiled and cached, as it is likely called next); other output is returned unchanged.
fn gate_create_output(
    opts: &Options,
    cache: &ContractCache,
    rev: Revision,
    depth: i32,
    outcome: Outcome,
) -> Outcome {
    let code = &outcome.output;
    if !code.starts_with(&WASM_MAGIC) {
        return outcome;
    }
    let verdict = match check_preamble(code) {
        Preamble::Wasm => compiled(cache, opts, rev, code)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Preamble::BadVersion => Err("unsupported wasm version".to_string()),
        Preamble::NotWasm => Err("truncated wasm preamble".to_string()),
    };
    match verdict {
        Ok(()) => outcome,
        Err(reason) => {
            if opts.trace {
                eprintln!("ssvm: depth {depth}: created code rejected: {reason}");
            }
            Outcome::status(StatusCode::ContractValidationFailure)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ewasm_host::CallKind;

    fn msg(gas: i64) -> Message {
        Message::call([2; 20], [1; 20], gas, Vec::new())
    }

    /// The smallest valid module: preamble and version 1.
    const EMPTY_MODULE: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

    #[test]
    fn gate_order_and_statuses() {
        let o = Options::default();
        let fallback = Options {
            evm1mode: Evm1Mode::Fallback,
            ..Options::default()
        };
        let byz = Revision::Byzantium;
        assert_eq!(
            gate(&o, byz, &msg(-1), &EMPTY_MODULE),
            Err(StatusCode::Failure)
        );
        // Negative gas comes before the revision check.
        let homestead = Revision::Homestead;
        assert_eq!(
            gate(&o, homestead, &msg(-1), &EMPTY_MODULE),
            Err(StatusCode::Failure)
        );
        for rev in [Revision::Frontier, homestead, Revision::SpuriousDragon] {
            assert_eq!(
                gate(&o, rev, &msg(0), &EMPTY_MODULE),
                Err(StatusCode::Rejected)
            );
        }
        assert_eq!(gate(&o, byz, &msg(0), &[]), Err(StatusCode::Failure));
        assert_eq!(
            gate(&o, byz, &msg(0), &[0xfe, 0x00]),
            Err(StatusCode::Failure)
        );
        assert_eq!(
            gate(&fallback, byz, &msg(0), &[0xfe]),
            Err(StatusCode::Rejected)
        );
        assert_eq!(
            gate(&fallback, byz, &msg(0), &[]),
            Err(StatusCode::Rejected)
        );
        let v2 = b"\0asm\x02\0\0\0";
        assert_eq!(
            gate(&o, byz, &msg(0), v2),
            Err(StatusCode::ContractValidationFailure)
        );
        assert_eq!(gate(&o, byz, &msg(0), &EMPTY_MODULE), Ok(()));
        // Seven bytes of a module are not Ewasm (detection needs at least eight).
        assert_eq!(
            gate(&o, byz, &msg(0), &EMPTY_MODULE[..7]),
            Err(StatusCode::Failure)
        );
        assert_eq!(gate(&o, Revision::Shanghai, &msg(5), &EMPTY_MODULE), Ok(()));
    }

    /// An init contract that finishes with the bytes of its data segment.
    fn init_code_returning(output: &[u8]) -> Vec<u8> {
        let data: String = output.iter().map(|b| format!("\\{b:02x}")).collect();
        let wat = format!(
            r#"(module
              (import "ethereum" "finish" (func $finish (param i32 i32)))
              (memory 1) (data (i32.const 0) "{data}")
              (export "memory" (memory 0)) (export "main" (func $main))
              (func $main (call $finish (i32.const 0) (i32.const {len}))))"#,
            len = output.len()
        );
        wat::parse_str(wat).expect("valid init contract")
    }

    fn create(output: &[u8]) -> Outcome {
        let mut m = msg(100_000);
        m.kind = CallKind::Create;
        let code = init_code_returning(output);
        let cache = ContractCache::new(4);
        let mut host = ewasm_host::mock::MockHost::new();
        execute(
            &Options::default(),
            &cache,
            Revision::Byzantium,
            &m,
            &code,
            &mut host,
        )
    }

    #[test]
    fn create_output_that_is_not_wasm_passes_through() {
        for output in [&b""[..], b"\x60\x00", b"\0as"] {
            let out = create(output);
            assert_eq!(out.status, StatusCode::Success);
            assert_eq!(out.output, output);
            assert_eq!(out.gas_left, 100_000);
        }
    }

    #[test]
    fn create_output_that_is_a_valid_contract_is_accepted() {
        let runtime = wat::parse_str(
            r#"(module (memory 1) (export "memory" (memory 0)) (export "main" (func 0)) (func))"#,
        )
        .expect("valid runtime contract");
        let out = create(&runtime);
        assert_eq!(out.status, StatusCode::Success);
        assert_eq!(out.output, runtime);
    }

    #[test]
    fn create_output_that_is_invalid_wasm_fails_validation() {
        let no_main =
            wat::parse_str(r#"(module (memory 1) (export "memory" (memory 0)))"#).expect("wat");
        for output in [
            &no_main[..],
            b"\0asm",
            b"\0asm\x02\0\0\0",
            b"\0asm\x01\0\0\0\xff",
        ] {
            let out = create(output);
            assert_eq!(
                out.status,
                StatusCode::ContractValidationFailure,
                "{output:?}"
            );
            assert_eq!((out.gas_left, out.output.len()), (0, 0));
        }
    }
}
