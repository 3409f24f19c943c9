//! The EVMC ABI of `libssvm.so`, driven like a client: `libloading` opens each built library
//! (ABI 9 at `target/release/libssvm.so`, ABI 7 at `target/abi7/release/libssvm.so`, ABI 12
//! at `target/abi12/release/libssvm.so`; the test builds them first, as `make build` does,
//! unless `SSVM_ABI9_LIB`/`SSVM_ABI7_LIB`/`SSVM_ABI12_LIB` name other files) and calls it
//! through the C ABI with a host table written in Rust. The same suite runs against the three
//! ABIs (modules `abi9`, `abi7`, `abi12`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

#[path = "evmc_abi/floats.rs"]
mod floats;

/// Set this variable to use the libraries as they are instead of running `cargo build`.
const NO_BUILD_ENV: &str = "SSVM_ABI_TEST_NO_BUILD";

/// Set these to the path of a library to load that file as it is (no build), for ABI 9,
/// ABI 7 and ABI 12: e.g. a build with AddressSanitizer (fuzz/README.md, "Sanitizers and
/// miri").
const LIB_OVERRIDE_ENV: (&str, &str, &str) = ("SSVM_ABI9_LIB", "SSVM_ABI7_LIB", "SSVM_ABI12_LIB");

/// The path of the library for EVMC ABI `abi` (9, 7 or 12): the file named by its
/// [`LIB_OVERRIDE_ENV`] variable, else the fixed build, built first unless [`NO_BUILD_ENV`]
/// is set.
fn library_path(abi: u32) -> &'static Path {
    static ABI9: OnceLock<PathBuf> = OnceLock::new();
    static ABI7: OnceLock<PathBuf> = OnceLock::new();
    static ABI12: OnceLock<PathBuf> = OnceLock::new();
    let (cell, var) = match abi {
        9 => (&ABI9, LIB_OVERRIDE_ENV.0),
        7 => (&ABI7, LIB_OVERRIDE_ENV.1),
        _ => (&ABI12, LIB_OVERRIDE_ENV.2),
    };
    cell.get_or_init(|| match std::env::var_os(var) {
        Some(path) => PathBuf::from(path),
        None => build_library(abi),
    })
}

/// Runs `cargo build --release -p evmc-ssvm` for `abi` into its fixed target directory.
fn build_library(abi: u32) -> PathBuf {
    // One build at a time: the machine is small.
    static BUILD: Mutex<()> = Mutex::new(());
    let _guard = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf();
    let target_dir = match abi {
        9 => root.join("target"),
        7 => root.join("target").join("abi7"),
        12 => root.join("target").join("abi12"),
        _ => panic!("no such ABI build: {abi}"),
    };
    let lib = target_dir.join("release").join("libssvm.so");
    if std::env::var_os(NO_BUILD_ENV).is_none() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&root)
            .args(["build", "--release", "-p", "evmc-ssvm", "--target-dir"])
            .arg(&target_dir);
        if abi == 7 {
            cmd.args(["--no-default-features", "--features", "abi7"]);
        } else if abi == 12 {
            cmd.args(["--no-default-features", "--features", "abi12"]);
        }
        let status = cmd.status().expect("cannot run cargo");
        assert!(status.success(), "building the ABI {abi} library failed");
    }
    assert!(
        lib.exists(),
        "{} is missing: run `make build` (or unset {NO_BUILD_ENV})",
        lib.display()
    );
    lib
}

/// A contract that returns the 4 bytes `de ad be ef` with `finish`.
const FINISH_WAT: &str = r#"(module
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "\de\ad\be\ef")
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main (call $finish (i32.const 0) (i32.const 4))))"#;

/// A contract that reverts with the 2 bytes `0b ad`.
const REVERT_WAT: &str = r#"(module
  (import "ethereum" "revert" (func $revert (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "\0b\ad")
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main (call $revert (i32.const 0) (i32.const 2))))"#;

/// Stores 0x2a.. at key 0x01.., loads it back and returns it: gas 20000 + 200.
const STORAGE_WAT: &str = r#"(module
  (import "ethereum" "storageStore" (func $store (param i32 i32)))
  (import "ethereum" "storageLoad" (func $load (param i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "\01")
  (data (i32.const 32) "\2a")
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main
    (call $store (i32.const 0) (i32.const 32))
    (call $load (i32.const 0) (i32.const 64))
    (call $finish (i32.const 64) (i32.const 32))))"#;

/// Logs "abc" with one topic 0x07..: gas 375 + 375 + 8 * 3 = 774.
const LOG_WAT: &str = r#"(module
  (import "ethereum" "log" (func $log (param i32 i32 i32 i32 i32 i32 i32)))
  (memory 1)
  (data (i32.const 0) "abc")
  (data (i32.const 32) "\07")
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main
    (call $log (i32.const 0) (i32.const 3) (i32.const 1)
               (i32.const 32) (i32.const 0) (i32.const 0) (i32.const 0))))"#;

/// Calls account `bb..bb` with 100000 gas and no value, copies 4 bytes of its return data
/// and returns them followed by the call's result code (1 byte).
/// Gas: 700 (call) + 3 + 3 (returnDataCopy of 4 bytes) when the callee uses none.
const CALLER_WAT: &str = r#"(module
  (import "ethereum" "call" (func $call (param i64 i32 i32 i32 i32) (result i32)))
  (import "ethereum" "returnDataCopy" (func $rdc (param i32 i32 i32)))
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "\bb\bb\bb\bb\bb\bb\bb\bb\bb\bb\bb\bb\bb\bb\bb\bb\bb\bb\bb\bb")
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main
    (i32.store8 (i32.const 68)
      (call $call (i64.const 100000) (i32.const 0) (i32.const 32) (i32.const 0) (i32.const 0)))
    (call $rdc (i32.const 64) (i32.const 0) (i32.const 4))
    (call $finish (i32.const 64) (i32.const 5))))"#;

/// Fills 4 bytes with `ab` by `memory.fill` (bulk memory, WebAssembly 2.0) and returns them.
const BULK_WAT: &str = r#"(module
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main
    (memory.fill (i32.const 0) (i32.const 0xab) (i32.const 4))
    (call $finish (i32.const 0) (i32.const 4))))"#;

/// Uses a SIMD instruction (never accepted).
const SIMD_WAT: &str = r#"(module
  (memory 1)
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main (drop (v128.const i64x2 0 0))))"#;

/// The callee address used by [`CALLER_WAT`].
const CALLEE: [u8; 20] = [0xbb; 20];

/// Compiles WAT to a Wasm binary.
fn wasm(wat_src: &str) -> Vec<u8> {
    wat::parse_str(wat_src).expect("test contract is valid WAT")
}

/// Init code that returns `runtime` with `finish`.
fn init_code_returning(runtime: &[u8]) -> Vec<u8> {
    let escaped: String = runtime.iter().map(|b| format!("\\{b:02x}")).collect();
    wasm(&format!(
        r#"(module
  (import "ethereum" "finish" (func $finish (param i32 i32)))
  (memory 1)
  (data (i32.const 0) "{escaped}")
  (export "memory" (memory 0))
  (export "main" (func $main))
  (func $main (call $finish (i32.const 0) (i32.const {len}))))"#,
        len = runtime.len()
    ))
}

/// Code that is EVM1 (not Wasm): the vmtester's `fe00` (INVALID, STOP).
const EVM1_FE00: [u8; 2] = [0xfe, 0x00];
/// The Wasm preamble with version 2: Ewasm by detection, then CVF.
const WASM_V2: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00];
/// The Wasm preamble with version 1 (an empty module).
const WASM_V1: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/// EVMC status numbers (from evmc.h; independent of the library).
mod status {
    pub const SUCCESS: i32 = 0;
    pub const FAILURE: i32 = 1;
    pub const REVERT: i32 = 2;
    pub const CONTRACT_VALIDATION_FAILURE: i32 = 13;
    pub const REJECTED: i32 = -2;
}

/// EVMC_SET_OPTION_SUCCESS (from evmc.h).
const OK: u32 = 0;
/// EVMC_SET_OPTION_INVALID_NAME.
const BAD_NAME: u32 = 1;
/// EVMC_SET_OPTION_INVALID_VALUE.
const BAD_VALUE: u32 = 2;

/// Every `set_option` case: (name, value, expected result). `None` is a null pointer.
const SET_OPTION_CASES: &[(Option<&str>, Option<&str>, u32)] = &[
    (Some("metering"), Some("true"), OK),
    (Some("metering"), Some("false"), OK),
    (Some("metering"), Some("yes"), BAD_VALUE),
    (Some("evm1mode"), Some("reject"), OK),
    (Some("evm1mode"), Some("fallback"), OK),
    (Some("evm1mode"), Some("allow"), BAD_VALUE),
    (Some("debug"), Some("true"), OK),
    (Some("debug"), Some("false"), OK),
    (Some("debug"), Some("1"), BAD_VALUE),
    (Some("bignum"), Some("false"), OK),
    (Some("bignum"), Some("true"), OK),
    (Some("bignum"), Some("True"), BAD_VALUE),
    (Some("floats"), Some("reject"), OK),
    (Some("floats"), Some("allow"), OK),
    (Some("floats"), Some("deny"), BAD_VALUE),
    (Some("max_memory_pages"), Some("1"), OK),
    (Some("max_memory_pages"), Some("65536"), OK),
    (Some("max_memory_pages"), Some("0"), BAD_VALUE),
    (Some("max_memory_pages"), Some("65537"), BAD_VALUE),
    (Some("max_memory_pages"), Some("-1"), BAD_VALUE),
    (Some("max_memory_pages"), Some("ten"), BAD_VALUE),
    (Some("trace"), Some("true"), OK),
    (Some("trace"), Some("false"), OK),
    (Some("trace"), Some(""), BAD_VALUE),
    (Some("wasm"), Some("mvp"), OK),
    (Some("wasm"), Some("2.0"), OK),
    (Some("wasm"), Some("1.0"), BAD_VALUE),
    (Some("metering"), None, BAD_VALUE),
    (Some("unknown_option_csk9twq"), Some("v"), BAD_NAME),
    (Some("unknown_option_csk9twq"), None, BAD_NAME),
    (Some(""), Some("true"), BAD_NAME),
    (Some("METERING"), Some("true"), BAD_NAME),
    (None, Some("true"), BAD_NAME),
    (None, None, BAD_NAME),
];

/// The suite's ABI-shaped helpers for ABI 7 and 9 (same message and result fields).
macro_rules! abi7_9_shape {
    () => {
        /// The newest revision the header defines.
        const MAX_REVISION: u32 = sys::evmc_revision::EVMC_MAX_REVISION as u32;

        /// No `gas_refund` in this ABI's result.
        type Refund = ();

        /// A message to `target` (`destination`).
        fn new_message(
            kind: sys::evmc_call_kind,
            gas: i64,
            target: [u8; 20],
            input_data: *const u8,
            input_size: usize,
        ) -> sys::evmc_message {
            sys::evmc_message {
                kind,
                flags: 0,
                depth: 0,
                gas,
                destination: sys::evmc_address { bytes: target },
                sender: sys::evmc_address { bytes: [0x11; 20] },
                input_data,
                input_size,
                value: sys::evmc_bytes32 { bytes: [0; 32] },
                create2_salt: sys::evmc_bytes32 { bytes: [0; 32] },
            }
        }

        /// The account a message runs as.
        fn target_of(m: &sys::evmc_message) -> [u8; 20] {
            m.destination.bytes
        }

        /// ABI 7/9 numbering of a write: unchanged, added, deleted, modified.
        fn storage_status(same: bool, old_zero: bool, new_zero: bool) -> sys::evmc_storage_status {
            use sys::evmc_storage_status::*;
            match (old_zero, new_zero) {
                _ if same => EVMC_STORAGE_UNCHANGED,
                (true, false) => EVMC_STORAGE_ADDED,
                (false, true) => EVMC_STORAGE_DELETED,
                _ => EVMC_STORAGE_MODIFIED,
            }
        }

        unsafe extern "C" fn selfdestruct(
            _: *mut sys::evmc_host_context,
            _: *const sys::evmc_address,
            _: *const sys::evmc_address,
        ) {
        }

        /// The result of a nested call without a VM.
        fn failure_result() -> sys::evmc_result {
            sys::evmc_result {
                status_code: sys::evmc_status_code::EVMC_FAILURE,
                gas_left: 0,
                output_data: std::ptr::null(),
                output_size: 0,
                release: None,
                create_address: sys::evmc_address { bytes: [0; 20] },
                padding: [0; 4],
            }
        }
    };
}

/// The suite against the ABI 9 library (`target/release/libssvm.so`).
mod abi9 {
    use evmc_sys as sys;

    /// The EVMC ABI number of this suite.
    const ABI: u32 = 9;

    abi7_9_shape!();
    include!("evmc_abi/suite.rs");

    /// This ABI's host table over [`TestHost`].
    fn host_table() -> sys::evmc_host_interface {
        sys::evmc_host_interface {
            account_exists: Some(account_exists),
            get_storage: Some(get_storage),
            set_storage: Some(set_storage),
            get_balance: Some(get_balance),
            get_code_size: Some(get_code_size),
            get_code_hash: Some(get_code_hash),
            copy_code: Some(copy_code),
            selfdestruct: Some(selfdestruct),
            call: Some(call_host),
            get_tx_context: Some(get_tx_context),
            get_block_hash: Some(get_block_hash),
            emit_log: Some(emit_log),
            access_account: Some(access_account),
            access_storage: Some(access_storage),
        }
    }

    /// A fixed transaction context.
    unsafe extern "C" fn get_tx_context(_: *mut sys::evmc_host_context) -> sys::evmc_tx_context {
        sys::evmc_tx_context {
            tx_gas_price: sys::evmc_bytes32 { bytes: [0; 32] },
            tx_origin: sys::evmc_address { bytes: [0x11; 20] },
            block_coinbase: sys::evmc_address { bytes: [0xcc; 20] },
            block_number: 7,
            block_timestamp: 1_600_000_000,
            block_gas_limit: 8_000_000,
            block_difficulty: sys::evmc_bytes32 { bytes: [0; 32] },
            chain_id: sys::evmc_bytes32 { bytes: [0; 32] },
            block_base_fee: sys::evmc_bytes32 { bytes: [0; 32] },
        }
    }

    /// EIP-2929: every access is cold.
    unsafe extern "C" fn access_account(
        _: *mut sys::evmc_host_context,
        _: *const sys::evmc_address,
    ) -> sys::evmc_access_status {
        sys::evmc_access_status::EVMC_ACCESS_COLD
    }

    /// EIP-2929: every access is cold.
    unsafe extern "C" fn access_storage(
        _: *mut sys::evmc_host_context,
        _: *const sys::evmc_address,
        _: *const sys::evmc_bytes32,
    ) -> sys::evmc_access_status {
        sys::evmc_access_status::EVMC_ACCESS_COLD
    }
}

/// The suite against the ABI 7 library (`target/abi7/release/libssvm.so`): no EIP-2929
/// callbacks, no base fee.
mod abi7 {
    use evmc_sys7 as sys;

    /// The EVMC ABI number of this suite.
    const ABI: u32 = 7;

    abi7_9_shape!();
    include!("evmc_abi/suite.rs");

    /// This ABI's host table over [`TestHost`].
    fn host_table() -> sys::evmc_host_interface {
        sys::evmc_host_interface {
            account_exists: Some(account_exists),
            get_storage: Some(get_storage),
            set_storage: Some(set_storage),
            get_balance: Some(get_balance),
            get_code_size: Some(get_code_size),
            get_code_hash: Some(get_code_hash),
            copy_code: Some(copy_code),
            selfdestruct: Some(selfdestruct),
            call: Some(call_host),
            get_tx_context: Some(get_tx_context),
            get_block_hash: Some(get_block_hash),
            emit_log: Some(emit_log),
        }
    }

    /// A fixed transaction context.
    unsafe extern "C" fn get_tx_context(_: *mut sys::evmc_host_context) -> sys::evmc_tx_context {
        sys::evmc_tx_context {
            tx_gas_price: sys::evmc_bytes32 { bytes: [0; 32] },
            tx_origin: sys::evmc_address { bytes: [0x11; 20] },
            block_coinbase: sys::evmc_address { bytes: [0xcc; 20] },
            block_number: 7,
            block_timestamp: 1_600_000_000,
            block_gas_limit: 8_000_000,
            block_difficulty: sys::evmc_bytes32 { bytes: [0; 32] },
            chain_id: sys::evmc_bytes32 { bytes: [0; 32] },
        }
    }
}

/// The suite against the ABI 12 library (`target/abi12/release/libssvm.so`): messages with
/// `recipient` and `code_address`, results with `gas_refund`, the transient-storage
/// callbacks absent (null: the library treats them as an empty transient store).
mod abi12 {
    use ssvm::evmc::sys12 as sys;

    /// The EVMC ABI number of this suite.
    const ABI: u32 = 12;

    /// The newest revision the library runs: Osaka (EWASM.md 3.4; 15, EXPERIMENTAL, is
    /// rejected).
    const MAX_REVISION: u32 = sys::evmc_revision::EVMC_OSAKA as u32;

    /// ABI 12 results carry the refund.
    type Refund = i64;

    include!("evmc_abi/suite.rs");

    /// A message to `target` (`recipient` and `code_address`).
    fn new_message(
        kind: sys::evmc_call_kind,
        gas: i64,
        target: [u8; 20],
        input_data: *const u8,
        input_size: usize,
    ) -> sys::evmc_message {
        sys::evmc_message {
            kind,
            flags: 0,
            depth: 0,
            gas,
            recipient: sys::evmc_address { bytes: target },
            sender: sys::evmc_address { bytes: [0x11; 20] },
            input_data,
            input_size,
            value: sys::evmc_bytes32 { bytes: [0; 32] },
            create2_salt: sys::evmc_bytes32 { bytes: [0; 32] },
            code_address: sys::evmc_address { bytes: target },
            code: std::ptr::null(),
            code_size: 0,
        }
    }

    /// The account whose code runs (the suite only sends CALLs: the recipient).
    fn target_of(m: &sys::evmc_message) -> [u8; 20] {
        m.code_address.bytes
    }

    /// ABI 12 numbering of a write by the current value: assigned, added, deleted,
    /// modified.
    fn storage_status(same: bool, old_zero: bool, new_zero: bool) -> sys::evmc_storage_status {
        use sys::evmc_storage_status::*;
        match (old_zero, new_zero) {
            _ if same => EVMC_STORAGE_ASSIGNED,
            (true, false) => EVMC_STORAGE_ADDED,
            (false, true) => EVMC_STORAGE_DELETED,
            _ => EVMC_STORAGE_MODIFIED,
        }
    }

    unsafe extern "C" fn selfdestruct(
        _: *mut sys::evmc_host_context,
        _: *const sys::evmc_address,
        _: *const sys::evmc_address,
    ) -> bool {
        true
    }

    /// The result of a nested call without a VM.
    fn failure_result() -> sys::evmc_result {
        sys::evmc_result {
            status_code: sys::evmc_status_code::EVMC_FAILURE,
            gas_left: 0,
            gas_refund: 0,
            output_data: std::ptr::null(),
            output_size: 0,
            release: None,
            create_address: sys::evmc_address { bytes: [0; 20] },
            padding: [0; 4],
        }
    }

    /// This ABI's host table over [`TestHost`].
    fn host_table() -> sys::evmc_host_interface {
        sys::evmc_host_interface {
            account_exists: Some(account_exists),
            get_storage: Some(get_storage),
            set_storage: Some(set_storage),
            get_balance: Some(get_balance),
            get_code_size: Some(get_code_size),
            get_code_hash: Some(get_code_hash),
            copy_code: Some(copy_code),
            selfdestruct: Some(selfdestruct),
            call: Some(call_host),
            get_tx_context: Some(get_tx_context),
            get_block_hash: Some(get_block_hash),
            emit_log: Some(emit_log),
            access_account: Some(access_account),
            access_storage: Some(access_storage),
            get_transient_storage: None,
            set_transient_storage: None,
        }
    }

    /// A fixed transaction context.
    unsafe extern "C" fn get_tx_context(_: *mut sys::evmc_host_context) -> sys::evmc_tx_context {
        sys::evmc_tx_context {
            tx_gas_price: sys::evmc_bytes32 { bytes: [0; 32] },
            tx_origin: sys::evmc_address { bytes: [0x11; 20] },
            block_coinbase: sys::evmc_address { bytes: [0xcc; 20] },
            block_number: 7,
            block_timestamp: 1_600_000_000,
            block_gas_limit: 8_000_000,
            block_prev_randao: sys::evmc_bytes32 { bytes: [0; 32] },
            chain_id: sys::evmc_bytes32 { bytes: [0; 32] },
            block_base_fee: sys::evmc_bytes32 { bytes: [0; 32] },
            blob_base_fee: sys::evmc_bytes32 { bytes: [0; 32] },
            blob_hashes: std::ptr::null(),
            blob_hashes_count: 0,
            initcodes: std::ptr::null(),
            initcodes_count: 0,
        }
    }

    /// EIP-2929: every access is cold.
    unsafe extern "C" fn access_account(
        _: *mut sys::evmc_host_context,
        _: *const sys::evmc_address,
    ) -> sys::evmc_access_status {
        sys::evmc_access_status::EVMC_ACCESS_COLD
    }

    /// EIP-2929: every access is cold.
    unsafe extern "C" fn access_storage(
        _: *mut sys::evmc_host_context,
        _: *const sys::evmc_address,
        _: *const sys::evmc_bytes32,
    ) -> sys::evmc_access_status {
        sys::evmc_access_status::EVMC_ACCESS_COLD
    }
}
