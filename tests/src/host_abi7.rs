//! The test host's function table in EVMC ABI 7, for a `libssvm.so` built with feature
//! `abi7` (aleth, core-geth). ABI 7 differs from ABI 9 for a host only in two places
//! (EVMC 7.5.0's `evmc.h`, as the `evmc-sys` 7.5.0 crate has it): the host table ends before
//! `access_account`/`access_storage` (Berlin came with ABI 8), and `evmc_tx_context` has no
//! `block_base_fee`, so `get_tx_context` returns a shorter struct. Messages, results, status
//! and storage-status numbers, and every other callback are the same: the table below is the
//! ABI 9 table of [`crate::host_abi`] with its own `get_tx_context`.

use crate::host_abi;
use evmc_sys::{evmc_host_context, evmc_host_interface};
use evmc_sys7 as sys7;

/// The ABI 7 host table: the first twelve entries of [`host_abi::HOST_INTERFACE`], with a
/// `get_tx_context` that returns the ABI 7 struct.
#[repr(C)]
#[derive(Debug)]
pub struct HostInterface7 {
    account_exists: evmc_sys::evmc_account_exists_fn,
    get_storage: evmc_sys::evmc_get_storage_fn,
    set_storage: evmc_sys::evmc_set_storage_fn,
    get_balance: evmc_sys::evmc_get_balance_fn,
    get_code_size: evmc_sys::evmc_get_code_size_fn,
    get_code_hash: evmc_sys::evmc_get_code_hash_fn,
    copy_code: evmc_sys::evmc_copy_code_fn,
    selfdestruct: evmc_sys::evmc_selfdestruct_fn,
    call: evmc_sys::evmc_call_fn,
    get_tx_context: Option<unsafe extern "C" fn(*mut evmc_host_context) -> sys7::evmc_tx_context>,
    get_block_hash: evmc_sys::evmc_get_block_hash_fn,
    emit_log: evmc_sys::evmc_emit_log_fn,
}

// The ABI 7 table is `HostInterface7`: twelve function pointers in this order.
const _: () = {
    use std::mem::{offset_of, size_of};
    assert!(size_of::<HostInterface7>() == size_of::<sys7::evmc_host_interface>());
    assert!(
        offset_of!(HostInterface7, get_tx_context)
            == offset_of!(sys7::evmc_host_interface, get_tx_context)
    );
    assert!(
        offset_of!(HostInterface7, emit_log) == offset_of!(sys7::evmc_host_interface, emit_log)
    );
    // The ABI 7 messages and results the callbacks exchange are the ABI 9 ones.
    assert!(size_of::<sys7::evmc_message>() == size_of::<evmc_sys::evmc_message>());
    assert!(size_of::<sys7::evmc_result>() == size_of::<evmc_sys::evmc_result>());
    // What ABI 9 added to the tx context: one trailing 32-byte word.
    assert!(size_of::<sys7::evmc_tx_context>() + 32 == size_of::<evmc_sys::evmc_tx_context>());
};

/// The ABI 7 table handed to the VM with a `*const Host` as context.
pub static HOST_INTERFACE_7: HostInterface7 = {
    let t: &evmc_host_interface = &host_abi::HOST_INTERFACE;
    HostInterface7 {
        account_exists: t.account_exists,
        get_storage: t.get_storage,
        set_storage: t.set_storage,
        get_balance: t.get_balance,
        get_code_size: t.get_code_size,
        get_code_hash: t.get_code_hash,
        copy_code: t.copy_code,
        selfdestruct: t.selfdestruct,
        call: t.call,
        get_tx_context: Some(get_tx_context),
        get_block_hash: t.get_block_hash,
        emit_log: t.emit_log,
    }
};

/// The ABI 9 tx context without its trailing `block_base_fee`.
unsafe extern "C" fn get_tx_context(c: *mut evmc_host_context) -> sys7::evmc_tx_context {
    // SAFETY: the context is our host, forwarded.
    let tx = unsafe { host_abi::get_tx_context(c) };
    sys7::evmc_tx_context {
        tx_gas_price: sys7::evmc_uint256be {
            bytes: tx.tx_gas_price.bytes,
        },
        tx_origin: sys7::evmc_address {
            bytes: tx.tx_origin.bytes,
        },
        block_coinbase: sys7::evmc_address {
            bytes: tx.block_coinbase.bytes,
        },
        block_number: tx.block_number,
        block_timestamp: tx.block_timestamp,
        block_gas_limit: tx.block_gas_limit,
        block_difficulty: sys7::evmc_uint256be {
            bytes: tx.block_difficulty.bytes,
        },
        chain_id: sys7::evmc_uint256be {
            bytes: tx.chain_id.bytes,
        },
    }
}
