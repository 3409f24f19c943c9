//! The one place that knows which EVMC ABI this build speaks (feature `abi9`, default,
//! `abi7` or `abi12`), plus raw-integer views of the EVMC function types whose C enums a host
//! may fill with values Rust enums cannot hold.
//!
//! evmc-sys generates Rust enums for C enums; a host returning an unknown `evmc_status_code`
//! (or passing an unknown `evmc_revision`) through such a type would be undefined behaviour.
//! So every enum that crosses from the host into the VM is read here as a plain integer.
//! Everything whose shape differs between the ABIs (message field names, result fields,
//! revision and storage-status numbering, the ABI 12 host functions and tx-context fields)
//! is built or read by a function of this module.

#[cfg(any(
    all(feature = "abi9", feature = "abi7"),
    all(feature = "abi9", feature = "abi12"),
    all(feature = "abi7", feature = "abi12")
))]
compile_error!(
    "features `abi9`, `abi7` and `abi12` are mutually exclusive: build ABI 7 with \
     `--no-default-features --features abi7`, ABI 12 with `--no-default-features --features abi12`"
);
#[cfg(not(any(feature = "abi9", feature = "abi7", feature = "abi12")))]
compile_error!("enable exactly one of the features `abi9` (default), `abi7` or `abi12`");

#[cfg(all(feature = "abi12", not(any(feature = "abi9", feature = "abi7"))))]
pub use super::sys12 as sys;
#[cfg(feature = "abi9")]
pub use evmc_sys as sys;
#[cfg(all(feature = "abi7", not(feature = "abi9")))]
pub use evmc_sys7 as sys;

use ewasm_host::{Address, Bytes32, Revision, StorageStatus, TxContext};

/// The EVMC ABI version of this build (9, 7 or 12), reported in `evmc_vm::abi_version`.
pub const ABI_VERSION: i32 = sys::EVMC_ABI_VERSION as i32;

/// The highest EVMC revision number this build runs: the header's `EVMC_MAX_REVISION`
/// (Shanghai 10 for ABI 9, Berlin 8 for ABI 7); Osaka 14 for ABI 12 (EWASM.md 3.4: its
/// `EVMC_EXPERIMENTAL` 15 is rejected).
#[cfg(not(feature = "abi12"))]
pub const MAX_REVISION: u32 = sys::evmc_revision::EVMC_MAX_REVISION as u32;
/// The highest EVMC revision number this build runs: Osaka (14) for ABI 12.
#[cfg(feature = "abi12")]
pub const MAX_REVISION: u32 = sys::evmc_revision::EVMC_OSAKA as u32;

/// The `EVMC_STATIC` message flag.
pub const FLAG_STATIC: u32 = sys::evmc_flags::EVMC_STATIC as u32;

/// The message flags a host may set: `EVMC_STATIC`, and under ABI 12 `EVMC_DELEGATED`
/// (EIP-7702: the code runs for a delegating account; the host's business, no effect on
/// the VM).
#[cfg(not(feature = "abi12"))]
pub const ACCEPTED_FLAGS: u32 = FLAG_STATIC;
/// The message flags a host may set: `EVMC_STATIC` and `EVMC_DELEGATED`.
#[cfg(feature = "abi12")]
pub const ACCEPTED_FLAGS: u32 = FLAG_STATIC | sys::evmc_flags::EVMC_DELEGATED as u32;

/// `evmc_result` with the status code as a raw `i32` (same layout, checked below).
#[repr(C)]
#[derive(Debug)]
pub struct RawResult {
    /// `evmc_status_code`, raw.
    pub status_code: i32,
    /// Gas left.
    pub gas_left: i64,
    /// Gas refund (ABI 12 only).
    #[cfg(feature = "abi12")]
    pub gas_refund: i64,
    /// Output buffer, may be null when `output_size` is 0.
    pub output_data: *const u8,
    /// Output size.
    pub output_size: usize,
    /// Optional release function of the result's creator.
    pub release: Option<unsafe extern "C" fn(result: *const RawResult)>,
    /// Created address.
    pub create_address: sys::evmc_address,
    /// Reserved.
    pub padding: [u8; 4],
}

// `RawResult` must be `evmc_result` with an integer in place of the enum.
const _: () = {
    use std::mem::{align_of, offset_of, size_of};
    type R = sys::evmc_result;
    assert!(size_of::<RawResult>() == size_of::<R>());
    assert!(align_of::<RawResult>() == align_of::<R>());
    assert!(size_of::<sys::evmc_status_code>() == size_of::<i32>());
    assert!(size_of::<sys::evmc_revision>() == size_of::<u32>());
    assert!(size_of::<sys::evmc_call_kind>() == size_of::<u32>());
    assert!(size_of::<sys::evmc_storage_status>() == size_of::<u32>());
    assert!(offset_of!(RawResult, status_code) == offset_of!(R, status_code));
    assert!(offset_of!(RawResult, gas_left) == offset_of!(R, gas_left));
    #[cfg(feature = "abi12")]
    assert!(offset_of!(RawResult, gas_refund) == offset_of!(R, gas_refund));
    assert!(offset_of!(RawResult, output_data) == offset_of!(R, output_data));
    assert!(offset_of!(RawResult, output_size) == offset_of!(R, output_size));
    assert!(offset_of!(RawResult, release) == offset_of!(R, release));
    assert!(offset_of!(RawResult, create_address) == offset_of!(R, create_address));
    assert!(offset_of!(RawResult, padding) == offset_of!(R, padding));
};

/// Host context pointer type.
pub type Ctx = *mut sys::evmc_host_context;

/// `evmc_call_fn` returning the result with a raw status.
pub type RawCallFn = unsafe extern "C" fn(Ctx, *const sys::evmc_message) -> RawResult;
/// `evmc_set_storage_fn` returning a raw `evmc_storage_status`.
pub type RawSetStorageFn = unsafe extern "C" fn(
    Ctx,
    *const sys::evmc_address,
    *const sys::evmc_bytes32,
    *const sys::evmc_bytes32,
) -> u32;
/// `evmc_access_account_fn` returning a raw `evmc_access_status`.
pub type RawAccessAccountFn = unsafe extern "C" fn(Ctx, *const sys::evmc_address) -> u32;
/// `evmc_access_storage_fn` returning a raw `evmc_access_status`.
pub type RawAccessStorageFn =
    unsafe extern "C" fn(Ctx, *const sys::evmc_address, *const sys::evmc_bytes32) -> u32;
/// `evmc_execute_fn` taking the revision as a raw `u32`: the type of our `execute`.
pub type RawExecuteFn = unsafe extern "C" fn(
    *mut sys::evmc_vm,
    *const sys::evmc_host_interface,
    Ctx,
    u32,
    *const sys::evmc_message,
    *const u8,
    usize,
) -> sys::evmc_result;
/// The typed function pointer type evmc-sys expects in `evmc_vm::execute`.
type TypedExecuteFn = unsafe extern "C" fn(
    *mut sys::evmc_vm,
    *const sys::evmc_host_interface,
    Ctx,
    sys::evmc_revision,
    *const sys::evmc_message,
    *const u8,
    usize,
) -> sys::evmc_result;

/// The revision with EVMC number `raw`, if this ABI defines it. ABI 9 numbers Shanghai 10
/// (its header has no Paris); ABI 7 and 12 number as [`Revision`].
pub fn revision_from_raw(raw: u32) -> Option<Revision> {
    if raw > MAX_REVISION {
        return None;
    }
    #[cfg(feature = "abi9")]
    if raw == sys::evmc_revision::EVMC_SHANGHAI as u32 {
        return Some(Revision::Shanghai);
    }
    Revision::from_raw(raw)
}

/// Our raw-revision `execute` as the `evmc_vm::execute` field value.
pub fn execute_field(f: RawExecuteFn) -> sys::evmc_execute_fn {
    // SAFETY: only the declared type of the revision parameter differs (`u32` vs the
    // `#[repr(u32)]` enum `evmc_revision`, same size, same C calling convention: the C
    // header declares it as a plain C enum). Callers are C hosts, which pass an integer.
    Some(unsafe { std::mem::transmute::<RawExecuteFn, TypedExecuteFn>(f) })
}

/// The host's `call` with a raw status in the returned result.
pub fn call_fn(host: &sys::evmc_host_interface) -> Option<RawCallFn> {
    // SAFETY: `RawResult` has `evmc_result`'s layout with `i32` for the C enum (asserted
    // above); the pointee is a C function returning that struct by value.
    host.call.map(|f| unsafe {
        std::mem::transmute::<
            unsafe extern "C" fn(Ctx, *const sys::evmc_message) -> sys::evmc_result,
            RawCallFn,
        >(f)
    })
}

/// The host's `set_storage` with a raw status.
pub fn set_storage_fn(host: &sys::evmc_host_interface) -> Option<RawSetStorageFn> {
    // SAFETY: the C function returns a C enum, an unsigned int; `evmc_storage_status` is
    // `#[repr(u32)]` and we only change the declared return type to `u32`.
    host.set_storage.map(|f| unsafe {
        std::mem::transmute::<
            unsafe extern "C" fn(
                Ctx,
                *const sys::evmc_address,
                *const sys::evmc_bytes32,
                *const sys::evmc_bytes32,
            ) -> sys::evmc_storage_status,
            RawSetStorageFn,
        >(f)
    })
}

/// The tx context in Rust form. ABI 7 has no base fee, ABI 7 and 9 no blob fields (zero and
/// empty); ABI 12's `block_prev_randao` is the difficulty field's successor.
///
/// # Safety
/// Under ABI 12, a non-null `tx.blob_hashes` points to `tx.blob_hashes_count` readable
/// hashes (the EVMC contract for the tx context the host returned).
pub unsafe fn tx_context_from_sys(tx: &sys::evmc_tx_context) -> TxContext {
    #[cfg(feature = "abi12")]
    let (difficulty_be, blob_base_fee_be, blob_hashes) = {
        let hashes = if tx.blob_hashes.is_null() || tx.blob_hashes_count == 0 {
            Vec::new()
        } else {
            // SAFETY: per the contract, `blob_hashes_count` readable `evmc_bytes32`.
            unsafe { std::slice::from_raw_parts(tx.blob_hashes, tx.blob_hashes_count) }
                .iter()
                .map(|h| h.bytes)
                .collect()
        };
        (tx.block_prev_randao.bytes, tx.blob_base_fee.bytes, hashes)
    };
    #[cfg(not(feature = "abi12"))]
    let (difficulty_be, blob_base_fee_be, blob_hashes) =
        (tx.block_difficulty.bytes, [0; 32], Vec::new());
    #[cfg(feature = "abi7")]
    let base_fee_be = [0; 32];
    #[cfg(not(feature = "abi7"))]
    let base_fee_be = tx.block_base_fee.bytes;
    TxContext {
        gas_price_be: tx.tx_gas_price.bytes,
        origin: tx.tx_origin.bytes,
        coinbase: tx.block_coinbase.bytes,
        number: tx.block_number,
        timestamp: tx.block_timestamp,
        gas_limit: tx.block_gas_limit,
        difficulty_be,
        chain_id_be: tx.chain_id.bytes,
        base_fee_be,
        blob_base_fee_be,
        blob_hashes,
    }
}

/// The storage status a host's `set_storage` returned, by this ABI's numbering. ABI 7/9:
/// 0 unchanged, 1 modified, 2 modified again, 3 added, 4 deleted. ABI 12 (EIP-2200 cases):
/// 0 assigned (unchanged), 1 added, 2 deleted, 3 modified, and 4–8 (a dirty slot written
/// again: deleted-added, modified-deleted, deleted-restored, added-deleted,
/// modified-restored) all cost what ABI 9's "modified again" costs. Unknown numbers count
/// as unchanged.
pub fn storage_status_from_raw(raw: u32) -> StorageStatus {
    #[cfg(not(feature = "abi12"))]
    return match raw {
        1 => StorageStatus::Modified,
        2 => StorageStatus::ModifiedAgain,
        3 => StorageStatus::Added,
        4 => StorageStatus::Deleted,
        _ => StorageStatus::Unchanged,
    };
    #[cfg(feature = "abi12")]
    match raw {
        1 => StorageStatus::Added,
        2 => StorageStatus::Deleted,
        3 => StorageStatus::Modified,
        4..=8 => StorageStatus::ModifiedAgain,
        _ => StorageStatus::Unchanged,
    }
}

/// The fields every ABI's `evmc_message` has, for [`message`].
#[derive(Debug)]
pub struct MessageFields {
    /// Call kind.
    pub kind: sys::evmc_call_kind,
    /// Flags.
    pub flags: u32,
    /// Depth.
    pub depth: i32,
    /// Gas.
    pub gas: i64,
    /// ABI 7/9 `destination`: the callee, or the code address of CALLCODE/DELEGATECALL.
    pub destination: Address,
    /// The account the running frame executes as (ABI 12 `recipient` of CALLCODE and
    /// DELEGATECALL, whose code address is `destination`).
    pub own: Address,
    /// Sender.
    pub sender: Address,
    /// Input pointer (null when empty).
    pub input_data: *const u8,
    /// Input size.
    pub input_size: usize,
    /// Value, big-endian.
    pub value: Bytes32,
    /// CREATE2 salt.
    pub create2_salt: Bytes32,
}

/// The `evmc_message` of this ABI. ABI 12 splits ABI 9's `destination` into `recipient`
/// (whose storage the frame uses: the caller's own account for CALLCODE and DELEGATECALL)
/// and `code_address`; its `code` is null (EOF only).
pub fn message(f: MessageFields) -> sys::evmc_message {
    #[cfg(feature = "abi12")]
    let is_code_call = matches!(
        f.kind,
        sys::evmc_call_kind::EVMC_CALLCODE | sys::evmc_call_kind::EVMC_DELEGATECALL
    );
    sys::evmc_message {
        kind: f.kind,
        flags: f.flags,
        depth: f.depth,
        gas: f.gas,
        #[cfg(not(feature = "abi12"))]
        destination: sys::evmc_address {
            bytes: f.destination,
        },
        #[cfg(feature = "abi12")]
        recipient: sys::evmc_address {
            bytes: if is_code_call { f.own } else { f.destination },
        },
        sender: sys::evmc_address { bytes: f.sender },
        input_data: f.input_data,
        input_size: f.input_size,
        value: sys::evmc_bytes32 { bytes: f.value },
        create2_salt: sys::evmc_bytes32 {
            bytes: f.create2_salt,
        },
        #[cfg(feature = "abi12")]
        code_address: sys::evmc_address {
            bytes: f.destination,
        },
        #[cfg(feature = "abi12")]
        code: std::ptr::null(),
        #[cfg(feature = "abi12")]
        code_size: 0,
    }
}

/// The recipient of a host's message (ABI 7/9 `destination`, ABI 12 `recipient`).
///
/// # Safety
/// `msg` points to a readable `evmc_message`.
pub unsafe fn message_recipient(msg: *const sys::evmc_message) -> Address {
    #[cfg(not(feature = "abi12"))]
    // SAFETY: readable per the contract; a plain-data field.
    return unsafe { (*msg).destination.bytes };
    #[cfg(feature = "abi12")]
    // SAFETY: readable per the contract; a plain-data field.
    unsafe {
        (*msg).recipient.bytes
    }
}

/// The `evmc_result` of this ABI. ABI 12's `gas_refund` is `gas_refund` (the caller passes 0
/// unless the status is SUCCESS); the older ABIs have no such field.
pub fn result(
    status_code: sys::evmc_status_code,
    gas_left: i64,
    gas_refund: i64,
    output_data: *const u8,
    output_size: usize,
    release: sys::evmc_release_result_fn,
    create_address: Address,
) -> sys::evmc_result {
    #[cfg(not(feature = "abi12"))]
    let _ = gas_refund;
    sys::evmc_result {
        status_code,
        gas_left,
        #[cfg(feature = "abi12")]
        gas_refund,
        output_data,
        output_size,
        release,
        create_address: sys::evmc_address {
            bytes: create_address,
        },
        padding: [0; 4],
    }
}

/// The host's `selfdestruct` as a function returning nothing we use (ABI 12 returns
/// whether the account was registered for the first time).
pub type SelfdestructFn =
    unsafe extern "C" fn(Ctx, *const sys::evmc_address, *const sys::evmc_address);

/// The host's `selfdestruct`, its ABI 12 `bool` result dropped.
pub fn selfdestruct_fn(host: &sys::evmc_host_interface) -> Option<SelfdestructFn> {
    #[cfg(not(feature = "abi12"))]
    return host.selfdestruct;
    #[cfg(feature = "abi12")]
    // SAFETY: only the declared return type changes, from C `bool` (returned in a register
    // under the C calling convention) to nothing; the caller ignores the register.
    host.selfdestruct.map(|f| unsafe {
        std::mem::transmute::<
            unsafe extern "C" fn(Ctx, *const sys::evmc_address, *const sys::evmc_address) -> bool,
            SelfdestructFn,
        >(f)
    })
}

/// `evmc_get_transient_storage_fn` (ABI 12).
pub type GetTransientFn = unsafe extern "C" fn(
    Ctx,
    *const sys::evmc_address,
    *const sys::evmc_bytes32,
) -> sys::evmc_bytes32;
/// `evmc_set_transient_storage_fn` (ABI 12).
pub type SetTransientFn = unsafe extern "C" fn(
    Ctx,
    *const sys::evmc_address,
    *const sys::evmc_bytes32,
    *const sys::evmc_bytes32,
);

/// The host's `get_transient_storage`; ABI 7 and 9 have none.
pub fn get_transient_storage_fn(host: &sys::evmc_host_interface) -> Option<GetTransientFn> {
    #[cfg(feature = "abi12")]
    return host.get_transient_storage;
    #[cfg(not(feature = "abi12"))]
    {
        let _ = host;
        None
    }
}

/// The host's `set_transient_storage`; ABI 7 and 9 have none.
pub fn set_transient_storage_fn(host: &sys::evmc_host_interface) -> Option<SetTransientFn> {
    #[cfg(feature = "abi12")]
    return host.set_transient_storage;
    #[cfg(not(feature = "abi12"))]
    {
        let _ = host;
        None
    }
}

/// The host's `access_account` (EIP-2929) with a raw status; ABI 7 has none.
pub fn access_account_fn(host: &sys::evmc_host_interface) -> Option<RawAccessAccountFn> {
    #[cfg(not(feature = "abi7"))]
    // SAFETY: `evmc_access_status` is a `#[repr(u32)]` C enum; only the declared return
    // type changes to `u32`.
    return host.access_account.map(|f| unsafe {
        std::mem::transmute::<
            unsafe extern "C" fn(Ctx, *const sys::evmc_address) -> sys::evmc_access_status,
            RawAccessAccountFn,
        >(f)
    });
    #[cfg(feature = "abi7")]
    {
        let _ = host;
        None
    }
}

/// The host's `access_storage` (EIP-2929) with a raw status; ABI 7 has none.
pub fn access_storage_fn(host: &sys::evmc_host_interface) -> Option<RawAccessStorageFn> {
    #[cfg(not(feature = "abi7"))]
    // SAFETY: as for `access_account_fn`.
    return host.access_storage.map(|f| unsafe {
        std::mem::transmute::<
            unsafe extern "C" fn(
                Ctx,
                *const sys::evmc_address,
                *const sys::evmc_bytes32,
            ) -> sys::evmc_access_status,
            RawAccessStorageFn,
        >(f)
    });
    #[cfg(feature = "abi7")]
    {
        let _ = host;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abi_constants_match_the_feature() {
        if cfg!(feature = "abi9") {
            assert_eq!(ABI_VERSION, 9);
            assert_eq!(MAX_REVISION, 10);
        } else if cfg!(feature = "abi12") {
            assert_eq!(ABI_VERSION, 12);
            assert_eq!(MAX_REVISION, Revision::Osaka as u32);
        } else {
            assert_eq!(ABI_VERSION, 7);
            assert_eq!(MAX_REVISION, Revision::Berlin as u32);
        }
        assert_eq!(FLAG_STATIC, 1);
    }

    #[test]
    fn revisions_beyond_the_abi_are_unknown() {
        for raw in 0..=MAX_REVISION {
            let expected = if cfg!(feature = "abi9") && raw == 10 {
                Revision::Shanghai
            } else {
                Revision::ALL[raw as usize]
            };
            assert_eq!(revision_from_raw(raw), Some(expected));
        }
        assert_eq!(revision_from_raw(MAX_REVISION + 1), None);
        assert_eq!(revision_from_raw(u32::MAX), None);
    }

    #[test]
    fn revision_names_of_this_abi() {
        if cfg!(feature = "abi12") {
            let names = [
                (10, "Paris"),
                (11, "Shanghai"),
                (12, "Cancun"),
                (13, "Prague"),
            ];
            for (raw, name) in names {
                assert_eq!(format!("{:?}", revision_from_raw(raw).unwrap()), name);
            }
            assert_eq!(revision_from_raw(14), Some(Revision::Osaka));
            assert_eq!(revision_from_raw(15), None, "EVMC_EXPERIMENTAL");
        } else if cfg!(feature = "abi9") {
            assert_eq!(revision_from_raw(9), Some(Revision::London));
            assert_eq!(revision_from_raw(10), Some(Revision::Shanghai));
            assert_eq!(revision_from_raw(11), None);
        } else {
            assert_eq!(revision_from_raw(8), Some(Revision::Berlin));
            assert_eq!(revision_from_raw(9), None);
        }
    }

    #[test]
    fn storage_status_follows_this_abis_numbering() {
        use StorageStatus::*;
        let expected: &[StorageStatus] = if cfg!(feature = "abi12") {
            &[
                Unchanged,
                Added,
                Deleted,
                Modified,
                ModifiedAgain,
                ModifiedAgain,
                ModifiedAgain,
                ModifiedAgain,
                ModifiedAgain,
            ]
        } else {
            &[Unchanged, Modified, ModifiedAgain, Added, Deleted]
        };
        for (raw, status) in expected.iter().enumerate() {
            assert_eq!(storage_status_from_raw(raw as u32), *status, "{raw}");
        }
        assert_eq!(storage_status_from_raw(99), Unchanged);
    }
}
