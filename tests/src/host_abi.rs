//! The `evmc_host_interface` function table over [`Host`]: every callback converts the C
//! arguments, runs inside `catch_unwind` (a panic never unwinds into the VM; it is reported
//! on stderr and the callback returns a neutral value or an INTERNAL_ERROR result), and
//! takes only short borrows of the state so nested calls can re-enter.

use crate::evmc_loader::ExecutionResult;
use crate::host::{Host, Message};
use crate::state::Log;
use evmc_sys::{
    evmc_access_status, evmc_address, evmc_bytes32, evmc_host_context, evmc_host_interface,
    evmc_message, evmc_result, evmc_revision, evmc_status_code, evmc_storage_status,
    evmc_tx_context, evmc_uint256be,
};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The host function table handed to the VM with a `*const Host` as context.
pub static HOST_INTERFACE: evmc_host_interface = evmc_host_interface {
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
};

/// Runs `f` on the host behind `context`, returning `fallback` on a null pointer or a panic.
///
/// # Safety
/// `context` must be null or the pointer [`Host`] passed to the VM, still alive.
pub(crate) unsafe fn with_host<R>(
    context: *mut evmc_host_context,
    fallback: R,
    f: impl FnOnce(&Host<'_>) -> R,
) -> R {
    // SAFETY: per this function's contract the pointer is a live `Host`, only shared
    // references are created, and all mutation goes through its `RefCell`s.
    let Some(host) = (unsafe { (context as *const Host<'_>).as_ref() }) else {
        return fallback;
    };
    match catch_unwind(AssertUnwindSafe(|| f(host))) {
        Ok(value) => value,
        Err(_) => {
            eprintln!("ssvm-tests host: a host callback panicked; returning a neutral value");
            fallback
        }
    }
}

/// Reads a 20-byte address the VM passed (zero address for null).
///
/// # Safety
/// `ptr` must be null or point to a valid `evmc_address`.
unsafe fn address(ptr: *const evmc_address) -> [u8; 20] {
    // SAFETY: per contract.
    unsafe { ptr.as_ref() }.map_or([0; 20], |a| a.bytes)
}

/// Reads a 32-byte word the VM passed (zero for null).
///
/// # Safety
/// `ptr` must be null or point to a valid `evmc_bytes32`.
unsafe fn word(ptr: *const evmc_bytes32) -> [u8; 32] {
    // SAFETY: per contract.
    unsafe { ptr.as_ref() }.map_or([0; 32], |w| w.bytes)
}

/// Borrows `len` bytes at `ptr` (empty for null or zero length).
///
/// # Safety
/// `ptr` must be null or point to `len` readable bytes that outlive the returned slice.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: per contract.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

/// EIP-161 (Spurious Dragon on): an empty account counts as non-existent.
pub(crate) unsafe extern "C" fn account_exists(
    context: *mut evmc_host_context,
    addr: *const evmc_address,
) -> bool {
    // SAFETY: pointers come from the VM per the EVMC contract.
    let addr = unsafe { address(addr) };
    // SAFETY: `context` is our `Host`.
    unsafe {
        with_host(context, false, |host| {
            let state = host.state();
            if host.revision() >= evmc_revision::EVMC_SPURIOUS_DRAGON as u32 {
                !state.is_dead(&addr)
            } else {
                state.exists(&addr)
            }
        })
    }
}

pub(crate) unsafe extern "C" fn get_storage(
    context: *mut evmc_host_context,
    addr: *const evmc_address,
    key: *const evmc_bytes32,
) -> evmc_bytes32 {
    // SAFETY: pointers come from the VM per the EVMC contract.
    let (addr, key) = unsafe { (address(addr), word(key)) };
    // SAFETY: `context` is our `Host`.
    let value = unsafe { with_host(context, [0; 32], |host| host.state().storage(&addr, &key)) };
    evmc_bytes32 { bytes: value }
}

pub(crate) unsafe extern "C" fn set_storage(
    context: *mut evmc_host_context,
    addr: *const evmc_address,
    key: *const evmc_bytes32,
    value: *const evmc_bytes32,
) -> evmc_storage_status {
    use crate::state::StorageChange;
    // SAFETY: pointers come from the VM per the EVMC contract.
    let (addr, key, value) = unsafe { (address(addr), word(key), word(value)) };
    // SAFETY: `context` is our `Host`.
    let change = unsafe {
        with_host(context, StorageChange::Unchanged, |host| {
            host.set_storage(&addr, &key, &value)
        })
    };
    // ABI 9 has one status for every write to a dirty slot (EIP-2200's cheap case).
    match change {
        StorageChange::Unchanged => evmc_storage_status::EVMC_STORAGE_UNCHANGED,
        StorageChange::Modified => evmc_storage_status::EVMC_STORAGE_MODIFIED,
        StorageChange::Added => evmc_storage_status::EVMC_STORAGE_ADDED,
        StorageChange::Deleted => evmc_storage_status::EVMC_STORAGE_DELETED,
        StorageChange::ModifiedAgain
        | StorageChange::DeletedAdded
        | StorageChange::ModifiedDeleted
        | StorageChange::DeletedRestored
        | StorageChange::AddedDeleted
        | StorageChange::ModifiedRestored => evmc_storage_status::EVMC_STORAGE_MODIFIED_AGAIN,
    }
}

pub(crate) unsafe extern "C" fn get_balance(
    context: *mut evmc_host_context,
    addr: *const evmc_address,
) -> evmc_uint256be {
    // SAFETY: pointer from the VM per the EVMC contract.
    let addr = unsafe { address(addr) };
    // SAFETY: `context` is our `Host`.
    let balance = unsafe {
        with_host(context, [0; 32], |host| {
            host.state().balance(&addr).to_be_bytes()
        })
    };
    evmc_uint256be { bytes: balance }
}

pub(crate) unsafe extern "C" fn get_code_size(
    context: *mut evmc_host_context,
    addr: *const evmc_address,
) -> usize {
    // SAFETY: pointer from the VM per the EVMC contract.
    let addr = unsafe { address(addr) };
    // SAFETY: `context` is our `Host`.
    unsafe { with_host(context, 0, |host| host.state().code(&addr).len()) }
}

/// keccak256 of the code; zero for a dead account (EIP-1052).
pub(crate) unsafe extern "C" fn get_code_hash(
    context: *mut evmc_host_context,
    addr: *const evmc_address,
) -> evmc_bytes32 {
    // SAFETY: pointer from the VM per the EVMC contract.
    let addr = unsafe { address(addr) };
    // SAFETY: `context` is our `Host`.
    let hash = unsafe {
        with_host(context, [0; 32], |host| {
            let state = host.state();
            if state.is_dead(&addr) {
                [0; 32]
            } else {
                crate::keccak::keccak256(&state.code(&addr))
            }
        })
    };
    evmc_bytes32 { bytes: hash }
}

pub(crate) unsafe extern "C" fn copy_code(
    context: *mut evmc_host_context,
    addr: *const evmc_address,
    code_offset: usize,
    buffer_data: *mut u8,
    buffer_size: usize,
) -> usize {
    // SAFETY: pointer from the VM per the EVMC contract.
    let addr = unsafe { address(addr) };
    // SAFETY: `context` is our `Host`.
    let code = unsafe { with_host(context, None, |host| Some(host.state().code(&addr))) };
    let Some(code) = code else { return 0 };
    let available = code.get(code_offset..).unwrap_or_default();
    let n = available.len().min(buffer_size);
    if n > 0 && !buffer_data.is_null() {
        // SAFETY: the VM guarantees `buffer_size` writable bytes; `n <= buffer_size` and the
        // source is our own allocation, so the ranges cannot overlap.
        unsafe { std::ptr::copy_nonoverlapping(available.as_ptr(), buffer_data, n) };
    }
    n
}

pub(crate) unsafe extern "C" fn selfdestruct(
    context: *mut evmc_host_context,
    addr: *const evmc_address,
    beneficiary: *const evmc_address,
) {
    // SAFETY: pointers from the VM per the EVMC contract.
    let (addr, beneficiary) = unsafe { (address(addr), address(beneficiary)) };
    // SAFETY: `context` is our `Host`.
    unsafe {
        with_host(context, (), |host| {
            host.selfdestruct(&addr, &beneficiary);
        })
    }
}

/// Nested call or create: runs the full frame rules of [`Host::call`].
unsafe extern "C" fn call(
    context: *mut evmc_host_context,
    msg: *const evmc_message,
) -> evmc_result {
    // SAFETY: forwarded contract (a message from the VM or null, our `Host`).
    into_evmc_result(unsafe { call_host(context, msg) })
}

/// [`call`] before the result goes back to the VM (shared with the ABI 12 table).
///
/// # Safety
/// `msg` is null or a valid message whose input is readable; `context` is our `Host`.
pub(crate) unsafe fn call_host(
    context: *mut evmc_host_context,
    msg: *const evmc_message,
) -> ExecutionResult {
    // SAFETY: the VM passes a valid message whose input is readable for the call.
    let Some(msg) = (unsafe { msg.as_ref() }).map(|m| unsafe { Message::from_evmc(m) }) else {
        return ExecutionResult::new(evmc_status_code::EVMC_INTERNAL_ERROR, 0);
    };
    let fallback = ExecutionResult::new(evmc_status_code::EVMC_INTERNAL_ERROR, 0);
    // SAFETY: `context` is our `Host`.
    unsafe { with_host(context, fallback, |host| host.call(&msg)) }
}

pub(crate) unsafe extern "C" fn get_tx_context(context: *mut evmc_host_context) -> evmc_tx_context {
    // SAFETY: `context` is our `Host`.
    let env =
        unsafe { with_host(context, None, |host| Some(host.env().clone())) }.unwrap_or_default();
    evmc_tx_context {
        tx_gas_price: evmc_uint256be {
            bytes: env.gas_price.to_be_bytes(),
        },
        tx_origin: evmc_address { bytes: env.origin },
        block_coinbase: evmc_address {
            bytes: env.coinbase,
        },
        block_number: env.number,
        block_timestamp: env.timestamp,
        block_gas_limit: env.gas_limit,
        block_difficulty: evmc_uint256be {
            bytes: env.difficulty.to_be_bytes(),
        },
        chain_id: evmc_uint256be {
            bytes: env.chain_id.to_be_bytes(),
        },
        block_base_fee: evmc_uint256be {
            bytes: env.base_fee.to_be_bytes(),
        },
    }
}

pub(crate) unsafe extern "C" fn get_block_hash(
    context: *mut evmc_host_context,
    number: i64,
) -> evmc_bytes32 {
    // SAFETY: `context` is our `Host`.
    let hash = unsafe { with_host(context, [0; 32], |host| host.env().block_hash(number)) };
    evmc_bytes32 { bytes: hash }
}

pub(crate) unsafe extern "C" fn emit_log(
    context: *mut evmc_host_context,
    addr: *const evmc_address,
    data: *const u8,
    data_size: usize,
    topics: *const evmc_bytes32,
    topics_count: usize,
) {
    // SAFETY: pointers from the VM per the EVMC contract: `data_size` bytes at `data` and
    // `topics_count` words at `topics`.
    let log = unsafe {
        let topics: &[evmc_bytes32] = if topics.is_null() || topics_count == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(topics, topics_count)
        };
        Log {
            address: address(addr),
            topics: topics.iter().map(|t| t.bytes).collect(),
            data: bytes(data, data_size).to_vec(),
        }
    };
    // SAFETY: `context` is our `Host`.
    unsafe { with_host(context, (), |host| host.with_state(|s| s.push_log(log))) }
}

pub(crate) unsafe extern "C" fn access_account(
    context: *mut evmc_host_context,
    addr: *const evmc_address,
) -> evmc_access_status {
    // SAFETY: pointer from the VM per the EVMC contract.
    let addr = unsafe { address(addr) };
    // SAFETY: `context` is our `Host`.
    let warm = unsafe {
        with_host(context, false, |host| {
            host.with_state(|s| s.access_account(&addr))
        })
    };
    access_status(warm)
}

pub(crate) unsafe extern "C" fn access_storage(
    context: *mut evmc_host_context,
    addr: *const evmc_address,
    key: *const evmc_bytes32,
) -> evmc_access_status {
    // SAFETY: pointers from the VM per the EVMC contract.
    let (addr, key) = unsafe { (address(addr), word(key)) };
    // SAFETY: `context` is our `Host`.
    let warm = unsafe {
        with_host(context, false, |host| {
            host.with_state(|s| s.access_storage(&addr, &key))
        })
    };
    access_status(warm)
}

fn access_status(warm: bool) -> evmc_access_status {
    if warm {
        evmc_access_status::EVMC_ACCESS_WARM
    } else {
        evmc_access_status::EVMC_ACCESS_COLD
    }
}

/// Hands a result to the VM: the output moves into a leaked boxed slice that
/// [`release_output`] frees.
pub(crate) fn into_evmc_result(result: ExecutionResult) -> evmc_result {
    let output: Box<[u8]> = result.output.into_boxed_slice();
    let output_size = output.len();
    let output_data = Box::into_raw(output) as *const u8;
    evmc_result {
        status_code: result.status,
        gas_left: result.gas_left,
        output_data,
        output_size,
        release: Some(release_output),
        create_address: evmc_address {
            bytes: result.create_address,
        },
        padding: [0; 4],
    }
}

/// Frees the output of a result made by [`into_evmc_result`].
unsafe extern "C" fn release_output(result: *const evmc_result) {
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
    // exactly that length in `into_evmc_result`, and are released once.
    drop(unsafe { Box::from_raw(slice) });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_output_round_trip_and_release() {
        let result = ExecutionResult {
            status: evmc_status_code::EVMC_REVERT,
            gas_left: 77,
            output: vec![1, 2, 3],
            create_address: [5; 20],
        };
        let raw = into_evmc_result(result.clone());
        // SAFETY: a fresh result from `into_evmc_result`, released once by `take`.
        let back = unsafe { ExecutionResult::take(raw) };
        assert_eq!(back, result);
        let empty = into_evmc_result(ExecutionResult::new(evmc_status_code::EVMC_SUCCESS, 1));
        // SAFETY: as above.
        let back = unsafe { ExecutionResult::take(empty) };
        assert!(back.output.is_empty());
    }

    #[test]
    fn null_context_gives_neutral_values() {
        let addr = evmc_address { bytes: [1; 20] };
        // SAFETY: a null context is handled without dereferencing.
        unsafe {
            assert!(!account_exists(std::ptr::null_mut(), &addr));
            assert_eq!(get_code_size(std::ptr::null_mut(), &addr), 0);
            assert_eq!(get_balance(std::ptr::null_mut(), &addr).bytes, [0; 32]);
            let r = call(std::ptr::null_mut(), std::ptr::null());
            assert_eq!(r.status_code, evmc_status_code::EVMC_INTERNAL_ERROR);
        }
    }
}
