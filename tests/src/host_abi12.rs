//! The test host's function table in EVMC ABI 12 (`ssvm::evmc::sys12` types), for a
//! `libssvm.so` built with feature `abi12`. Every callback converts the ABI 12 arguments and
//! runs the host logic of [`crate::host::Host`] that the ABI 9 table of [`crate::host_abi`]
//! runs too: world, frame and fork rules are the same for both ABIs. What ABI 12 adds: storage
//! statuses in its numbering (all nine under net metering), `selfdestruct` returning a bool,
//! the tx context with `block_prev_randao` and the blob fields of [`crate::host::TxEnv`],
//! transient storage (in the host's world state: reverted with its frame), messages with
//! `recipient` and `code_address`, and results with `gas_refund` (this host keeps its own
//! refund counter, so it ignores the VM's).

use crate::evmc_loader::ExecutionResult;
use crate::host::TxEnv;
use crate::host_abi;
use crate::state::StorageChange;
use ethnum::U256;
use evmc_sys::{evmc_bytes32, evmc_call_kind, evmc_message};
use ssvm::evmc::sys12 as sys;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The ABI 12 host table handed to the VM with a `*const Host` as context.
pub static HOST_INTERFACE_12: sys::evmc_host_interface = sys::evmc_host_interface {
    account_exists: Some(account_exists),
    get_storage: Some(get_storage),
    set_storage: Some(set_storage),
    get_balance: Some(get_balance),
    get_code_size: Some(get_code_size),
    get_code_hash: Some(get_code_hash),
    copy_code: Some(copy_code),
    selfdestruct: Some(selfdestruct),
    call: Some(call),
    get_tx_context: Some(get_tx_context),
    get_block_hash: Some(get_block_hash),
    emit_log: Some(emit_log),
    access_account: Some(access_account),
    access_storage: Some(access_storage),
    get_transient_storage: Some(get_transient_storage),
    set_transient_storage: Some(set_transient_storage),
};

type Ctx = *mut sys::evmc_host_context;
type Addr = *const sys::evmc_address;
type Word = *const sys::evmc_bytes32;

// The address and bytes32 structs of both ABIs are `#[repr(C)]` byte arrays of the same
// length, so a pointer to one is a pointer to the other.
const _: () = {
    assert!(std::mem::size_of::<sys::evmc_address>() == 20);
    assert!(std::mem::size_of::<sys::evmc_bytes32>() == 32);
};

unsafe extern "C" fn account_exists(c: Ctx, a: Addr) -> bool {
    // SAFETY: same context and layout-identical address (see above), forwarded.
    unsafe { host_abi::account_exists(c.cast(), a.cast()) }
}

unsafe extern "C" fn get_storage(c: Ctx, a: Addr, k: Word) -> sys::evmc_bytes32 {
    // SAFETY: as in `account_exists`.
    let w = unsafe { host_abi::get_storage(c.cast(), a.cast(), k.cast()) };
    sys::evmc_bytes32 { bytes: w.bytes }
}

/// A storage write classified by the host's fork rules, in ABI 12 numbering.
unsafe extern "C" fn set_storage(c: Ctx, a: Addr, k: Word, v: Word) -> sys::evmc_storage_status {
    use sys::evmc_storage_status as S;
    use StorageChange as C;
    // SAFETY: pointers from the VM per the EVMC contract; the context is our host.
    let change = unsafe {
        let (addr, key, value) = ((*a).bytes, (*k).bytes, (*v).bytes);
        host_abi::with_host(c.cast(), C::Unchanged, |host| {
            host.set_storage(&addr, &key, &value)
        })
    };
    match change {
        C::Unchanged | C::ModifiedAgain => S::EVMC_STORAGE_ASSIGNED,
        C::Added => S::EVMC_STORAGE_ADDED,
        C::Deleted => S::EVMC_STORAGE_DELETED,
        C::Modified => S::EVMC_STORAGE_MODIFIED,
        C::DeletedAdded => S::EVMC_STORAGE_DELETED_ADDED,
        C::ModifiedDeleted => S::EVMC_STORAGE_MODIFIED_DELETED,
        C::DeletedRestored => S::EVMC_STORAGE_DELETED_RESTORED,
        C::AddedDeleted => S::EVMC_STORAGE_ADDED_DELETED,
        C::ModifiedRestored => S::EVMC_STORAGE_MODIFIED_RESTORED,
    }
}

unsafe extern "C" fn get_balance(c: Ctx, a: Addr) -> sys::evmc_bytes32 {
    // SAFETY: as in `account_exists`.
    let w = unsafe { host_abi::get_balance(c.cast(), a.cast()) };
    sys::evmc_bytes32 { bytes: w.bytes }
}

unsafe extern "C" fn get_code_size(c: Ctx, a: Addr) -> usize {
    // SAFETY: as in `account_exists`.
    unsafe { host_abi::get_code_size(c.cast(), a.cast()) }
}

unsafe extern "C" fn get_code_hash(c: Ctx, a: Addr) -> sys::evmc_bytes32 {
    // SAFETY: as in `account_exists`.
    let w = unsafe { host_abi::get_code_hash(c.cast(), a.cast()) };
    sys::evmc_bytes32 { bytes: w.bytes }
}

unsafe extern "C" fn copy_code(c: Ctx, a: Addr, off: usize, buf: *mut u8, size: usize) -> usize {
    // SAFETY: as in `account_exists`; the buffer is the VM's, forwarded unchanged.
    unsafe { host_abi::copy_code(c.cast(), a.cast(), off, buf, size) }
}

unsafe extern "C" fn selfdestruct(c: Ctx, a: Addr, b: Addr) -> bool {
    // SAFETY: pointers from the VM per the EVMC contract; the context is our host.
    unsafe {
        let (addr, beneficiary) = ((*a).bytes, (*b).bytes);
        host_abi::with_host(c.cast(), false, |host| {
            host.selfdestruct(&addr, &beneficiary)
        })
    }
}

/// A nested call: the ABI 12 message becomes the ABI 9 message the host understands (its
/// `destination` is the code address for CALLCODE/DELEGATECALL, the recipient otherwise).
unsafe extern "C" fn call(c: Ctx, msg: *const sys::evmc_message) -> sys::evmc_result {
    // SAFETY: the VM passes a valid message (or null).
    let Some(m) = (unsafe { msg.as_ref() }) else {
        return into_result12(ExecutionResult::new(
            evmc_sys::evmc_status_code::EVMC_INTERNAL_ERROR,
            0,
        ));
    };
    let Some(kind) = call_kind9(m.kind as u32) else {
        return into_result12(ExecutionResult::new(
            evmc_sys::evmc_status_code::EVMC_REJECTED,
            0,
        ));
    };
    let code_call = matches!(
        kind,
        evmc_call_kind::EVMC_CALLCODE | evmc_call_kind::EVMC_DELEGATECALL
    );
    let msg9 = evmc_message {
        kind,
        flags: m.flags & evmc_sys::evmc_flags::EVMC_STATIC as u32,
        depth: m.depth,
        gas: m.gas,
        destination: evmc_sys::evmc_address {
            bytes: if code_call {
                m.code_address.bytes
            } else {
                m.recipient.bytes
            },
        },
        sender: evmc_sys::evmc_address {
            bytes: m.sender.bytes,
        },
        input_data: m.input_data,
        input_size: m.input_size,
        value: evmc_bytes32 {
            bytes: m.value.bytes,
        },
        create2_salt: evmc_bytes32 {
            bytes: m.create2_salt.bytes,
        },
    };
    // SAFETY: `msg9` borrows the VM's input for the call; the context is our host.
    let result = unsafe { host_abi::call_host(c.cast(), &msg9) };
    into_result12(result)
}

/// The ABI 9 call kind with number `raw` (EOFCREATE and unknown numbers: none).
fn call_kind9(raw: u32) -> Option<evmc_call_kind> {
    use evmc_call_kind::*;
    [
        EVMC_CALL,
        EVMC_DELEGATECALL,
        EVMC_CALLCODE,
        EVMC_CREATE,
        EVMC_CREATE2,
    ]
    .into_iter()
    .find(|k| *k as u32 == raw)
}

unsafe extern "C" fn get_tx_context(c: Ctx) -> sys::evmc_tx_context {
    // SAFETY: the context is our host; the context built points into its `TxEnv` (blob
    // hashes), which lives for the whole execution.
    unsafe { host_abi::with_host(c.cast(), None, |host| Some(tx_context12(host.env()))) }
        .unwrap_or_else(|| tx_context12(&TxEnv::default()))
}

/// The ABI 12 tx context of `env`: `block_prev_randao` is its difficulty field, and
/// `blob_hashes` points into `env` (null when there are none; a `[u8; 32]` has the layout
/// of the `#[repr(C)]` `evmc_bytes32`).
fn tx_context12(env: &TxEnv) -> sys::evmc_tx_context {
    let word = |value: &U256| sys::evmc_bytes32 {
        bytes: value.to_be_bytes(),
    };
    sys::evmc_tx_context {
        tx_gas_price: word(&env.gas_price),
        tx_origin: sys::evmc_address { bytes: env.origin },
        block_coinbase: sys::evmc_address {
            bytes: env.coinbase,
        },
        block_number: env.number,
        block_timestamp: env.timestamp,
        block_gas_limit: env.gas_limit,
        block_prev_randao: word(&env.difficulty),
        chain_id: word(&env.chain_id),
        block_base_fee: word(&env.base_fee),
        blob_base_fee: word(&env.blob_base_fee),
        blob_hashes: if env.blob_hashes.is_empty() {
            std::ptr::null()
        } else {
            env.blob_hashes.as_ptr().cast::<sys::evmc_bytes32>()
        },
        blob_hashes_count: env.blob_hashes.len(),
        initcodes: std::ptr::null(),
        initcodes_count: 0,
    }
}

unsafe extern "C" fn get_block_hash(c: Ctx, number: i64) -> sys::evmc_bytes32 {
    // SAFETY: the context is our host.
    let w = unsafe { host_abi::get_block_hash(c.cast(), number) };
    sys::evmc_bytes32 { bytes: w.bytes }
}

unsafe extern "C" fn emit_log(c: Ctx, a: Addr, data: *const u8, size: usize, t: Word, n: usize) {
    // SAFETY: as in `account_exists`; topics are layout-identical words.
    unsafe { host_abi::emit_log(c.cast(), a.cast(), data, size, t.cast(), n) }
}

unsafe extern "C" fn access_account(c: Ctx, a: Addr) -> sys::evmc_access_status {
    // SAFETY: as in `account_exists`.
    let warm = unsafe { host_abi::access_account(c.cast(), a.cast()) };
    access12(warm as u32)
}

unsafe extern "C" fn access_storage(c: Ctx, a: Addr, k: Word) -> sys::evmc_access_status {
    // SAFETY: as in `account_exists`.
    let warm = unsafe { host_abi::access_storage(c.cast(), a.cast(), k.cast()) };
    access12(warm as u32)
}

fn access12(raw: u32) -> sys::evmc_access_status {
    if raw == 1 {
        sys::evmc_access_status::EVMC_ACCESS_WARM
    } else {
        sys::evmc_access_status::EVMC_ACCESS_COLD
    }
}

unsafe extern "C" fn get_transient_storage(c: Ctx, a: Addr, k: Word) -> sys::evmc_bytes32 {
    // SAFETY: pointers from the VM per the EVMC contract; the context is our host.
    let value = unsafe {
        let (addr, key) = ((*a).bytes, (*k).bytes);
        host_abi::with_host(c.cast(), [0; 32], |host| {
            host.state().transient(&addr, &key)
        })
    };
    sys::evmc_bytes32 { bytes: value }
}

unsafe extern "C" fn set_transient_storage(c: Ctx, a: Addr, k: Word, v: Word) {
    // SAFETY: pointers from the VM per the EVMC contract; the context is our host.
    unsafe {
        let (addr, key, value) = ((*a).bytes, (*k).bytes, (*v).bytes);
        host_abi::with_host(c.cast(), (), |host| {
            host.with_state(|s| s.set_transient(&addr, &key, &value))
        })
    }
}

/// Hands a result to an ABI 12 VM: output in a leaked boxed slice freed by [`release12`],
/// `gas_refund` 0 (this host keeps its own refund counter).
pub(crate) fn into_result12(result: ExecutionResult) -> sys::evmc_result {
    let output: Box<[u8]> = result.output.into_boxed_slice();
    let output_size = output.len();
    let output_data = Box::into_raw(output) as *const u8;
    sys::evmc_result {
        status_code: status12(result.status as i32),
        gas_left: result.gas_left,
        gas_refund: 0,
        output_data,
        output_size,
        release: Some(release12),
        create_address: sys::evmc_address {
            bytes: result.create_address,
        },
        padding: [0; 4],
    }
}

/// The ABI 12 status with number `raw` (the numbers are those of ABI 9).
fn status12(raw: i32) -> sys::evmc_status_code {
    use sys::evmc_status_code::*;
    [
        EVMC_SUCCESS,
        EVMC_FAILURE,
        EVMC_REVERT,
        EVMC_OUT_OF_GAS,
        EVMC_INVALID_INSTRUCTION,
        EVMC_UNDEFINED_INSTRUCTION,
        EVMC_STACK_OVERFLOW,
        EVMC_STACK_UNDERFLOW,
        EVMC_BAD_JUMP_DESTINATION,
        EVMC_INVALID_MEMORY_ACCESS,
        EVMC_CALL_DEPTH_EXCEEDED,
        EVMC_STATIC_MODE_VIOLATION,
        EVMC_PRECOMPILE_FAILURE,
        EVMC_CONTRACT_VALIDATION_FAILURE,
        EVMC_ARGUMENT_OUT_OF_RANGE,
        EVMC_WASM_UNREACHABLE_INSTRUCTION,
        EVMC_WASM_TRAP,
        EVMC_INSUFFICIENT_BALANCE,
        EVMC_INTERNAL_ERROR,
        EVMC_REJECTED,
        EVMC_OUT_OF_MEMORY,
    ]
    .into_iter()
    .find(|s| *s as i32 == raw)
    .unwrap_or(EVMC_INTERNAL_ERROR)
}

/// Frees the output of a result made by [`into_result12`].
unsafe extern "C" fn release12(result: *const sys::evmc_result) {
    let run = || {
        // SAFETY: the VM passes back a result we produced, once.
        let Some(result) = (unsafe { result.as_ref() }) else {
            return;
        };
        if result.output_data.is_null() {
            return;
        }
        let slice =
            std::ptr::slice_from_raw_parts_mut(result.output_data as *mut u8, result.output_size);
        // SAFETY: `output_data`/`output_size` come from `Box::into_raw` of a `Box<[u8]>` of
        // exactly that length in `into_result12`, released once.
        drop(unsafe { Box::from_raw(slice) });
    };
    let _ = catch_unwind(AssertUnwindSafe(run));
}

/// Runs `code` for `msg` on an ABI 12 VM's `execute` with [`HOST_INTERFACE_12`] over `host`.
///
/// # Safety
/// `execute` is the `execute` of a live ABI 12 instance `vm`; `msg.input_data` points to
/// `msg.input_size` readable bytes (or is null); `context` is a live [`Host`] for the call.
pub(crate) unsafe fn execute12(
    vm: *mut sys::evmc_vm,
    execute: RawExecute12,
    context: *mut evmc_sys::evmc_host_context,
    revision: u32,
    msg: &evmc_message,
    code: &[u8],
) -> ExecutionResult {
    let m = sys::evmc_message {
        kind: match msg.kind {
            evmc_call_kind::EVMC_CALL => sys::evmc_call_kind::EVMC_CALL,
            evmc_call_kind::EVMC_DELEGATECALL => sys::evmc_call_kind::EVMC_DELEGATECALL,
            evmc_call_kind::EVMC_CALLCODE => sys::evmc_call_kind::EVMC_CALLCODE,
            evmc_call_kind::EVMC_CREATE => sys::evmc_call_kind::EVMC_CREATE,
            evmc_call_kind::EVMC_CREATE2 => sys::evmc_call_kind::EVMC_CREATE2,
        },
        flags: msg.flags,
        depth: msg.depth,
        gas: msg.gas,
        // The host runs a frame with `destination` = the running account.
        recipient: sys::evmc_address {
            bytes: msg.destination.bytes,
        },
        sender: sys::evmc_address {
            bytes: msg.sender.bytes,
        },
        input_data: msg.input_data,
        input_size: msg.input_size,
        value: sys::evmc_bytes32 {
            bytes: msg.value.bytes,
        },
        create2_salt: sys::evmc_bytes32 {
            bytes: msg.create2_salt.bytes,
        },
        // The code comes with the execute call; SSVM does not read this field.
        code_address: sys::evmc_address {
            bytes: msg.destination.bytes,
        },
        code: std::ptr::null(),
        code_size: 0,
    };
    let code_ptr = if code.is_empty() {
        std::ptr::null()
    } else {
        code.as_ptr()
    };
    // SAFETY: per this function's contract; the table's callbacks cast `context` back to
    // `&Host` with short borrows only.
    let r = unsafe {
        execute(
            vm,
            &HOST_INTERFACE_12,
            context.cast(),
            revision,
            &m,
            code_ptr,
            code.len(),
        )
    };
    let output = if r.output_data.is_null() || r.output_size == 0 {
        Vec::new()
    } else {
        // SAFETY: the VM's output buffer of `output_size` bytes, alive until released.
        unsafe { std::slice::from_raw_parts(r.output_data, r.output_size) }.to_vec()
    };
    if let Some(release) = r.release {
        // SAFETY: released once after the copy; `RawResult12` has `evmc_result`'s layout.
        unsafe { release((&r as *const RawResult12).cast::<sys::evmc_result>()) };
    }
    ExecutionResult {
        status: crate::evmc_loader::status_from_raw(r.status_code),
        gas_left: r.gas_left,
        output,
        create_address: r.create_address.bytes,
    }
}

/// An ABI 12 `evmc_execute_fn` with the revision and the result's status as integers.
pub type RawExecute12 = unsafe extern "C" fn(
    *mut sys::evmc_vm,
    *const sys::evmc_host_interface,
    *mut sys::evmc_host_context,
    u32,
    *const sys::evmc_message,
    *const u8,
    usize,
) -> RawResult12;

/// ABI 12 `evmc_result` with the status as a plain C int (a VM's unknown status stays an
/// integer).
#[repr(C)]
#[derive(Debug)]
pub struct RawResult12 {
    status_code: i32,
    gas_left: i64,
    /// The VM's refund (ignored by this host, see the module comment).
    pub(crate) gas_refund: i64,
    output_data: *const u8,
    output_size: usize,
    release: sys::evmc_release_result_fn,
    create_address: sys::evmc_address,
    padding: [u8; 4],
}

const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(size_of::<RawResult12>() == size_of::<sys::evmc_result>());
    assert!(offset_of!(RawResult12, gas_refund) == offset_of!(sys::evmc_result, gas_refund));
    assert!(
        offset_of!(RawResult12, create_address) == offset_of!(sys::evmc_result, create_address)
    );
};
