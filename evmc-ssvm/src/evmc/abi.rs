//! The one place that knows which EVMC ABI this build speaks (feature `abi9`, default, or
//! `abi7`), plus raw-integer views of the EVMC function types whose C enums a host may fill
//! with values Rust enums cannot hold.
//!
//! evmc-sys generates Rust enums for C enums; a host returning an unknown `evmc_status_code`
//! (or passing an unknown `evmc_revision`) through such a type would be undefined behaviour.
//! So every enum that crosses from the host into the VM is read here as a plain integer.

#[cfg(all(feature = "abi9", feature = "abi7"))]
compile_error!(
    "features `abi9` and `abi7` are mutually exclusive: build ABI 7 with \
     `--no-default-features --features abi7`"
);
#[cfg(not(any(feature = "abi9", feature = "abi7")))]
compile_error!("enable exactly one of the features `abi9` (default) or `abi7`");

#[cfg(feature = "abi9")]
pub use evmc_sys as sys;
#[cfg(all(feature = "abi7", not(feature = "abi9")))]
pub use evmc_sys7 as sys;

use ewasm_host::{Bytes32, Revision};

/// The EVMC ABI version of this build (9 or 7), reported in `evmc_vm::abi_version`.
pub const ABI_VERSION: i32 = sys::EVMC_ABI_VERSION as i32;

/// The newest revision this ABI defines (Shanghai for ABI 9, Berlin for ABI 7).
pub const MAX_REVISION: u32 = sys::evmc_revision::EVMC_MAX_REVISION as u32;

/// The `EVMC_STATIC` message flag.
pub const FLAG_STATIC: u32 = sys::evmc_flags::EVMC_STATIC as u32;

/// `evmc_result` with the status code as a raw `i32` (same layout, checked below).
#[repr(C)]
#[derive(Debug)]
pub struct RawResult {
    /// `evmc_status_code`, raw.
    pub status_code: i32,
    /// Gas left.
    pub gas_left: i64,
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

/// The revision with EVMC number `raw`, if this ABI defines it.
pub fn revision_from_raw(raw: u32) -> Option<Revision> {
    if raw > MAX_REVISION {
        return None;
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

/// The block base fee, big-endian (ABI 7 has none: zero).
pub fn base_fee_be(tx: &sys::evmc_tx_context) -> Bytes32 {
    #[cfg(feature = "abi9")]
    return tx.block_base_fee.bytes;
    #[cfg(not(feature = "abi9"))]
    {
        let _ = tx;
        [0; 32]
    }
}

/// The host's `access_account` (EIP-2929) with a raw status; ABI 7 has none.
pub fn access_account_fn(host: &sys::evmc_host_interface) -> Option<RawAccessAccountFn> {
    #[cfg(feature = "abi9")]
    // SAFETY: `evmc_access_status` is a `#[repr(u32)]` C enum; only the declared return
    // type changes to `u32`.
    return host.access_account.map(|f| unsafe {
        std::mem::transmute::<
            unsafe extern "C" fn(Ctx, *const sys::evmc_address) -> sys::evmc_access_status,
            RawAccessAccountFn,
        >(f)
    });
    #[cfg(not(feature = "abi9"))]
    {
        let _ = host;
        None
    }
}

/// The host's `access_storage` (EIP-2929) with a raw status; ABI 7 has none.
pub fn access_storage_fn(host: &sys::evmc_host_interface) -> Option<RawAccessStorageFn> {
    #[cfg(feature = "abi9")]
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
    #[cfg(not(feature = "abi9"))]
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
            assert_eq!(MAX_REVISION, Revision::Shanghai as u32);
        } else {
            assert_eq!(ABI_VERSION, 7);
            assert_eq!(MAX_REVISION, Revision::Berlin as u32);
        }
        assert_eq!(FLAG_STATIC, 1);
    }

    #[test]
    fn revisions_beyond_the_abi_are_unknown() {
        for raw in 0..=MAX_REVISION {
            assert_eq!(revision_from_raw(raw).map(|r| r as u32), Some(raw));
        }
        assert_eq!(revision_from_raw(MAX_REVISION + 1), None);
        assert_eq!(revision_from_raw(u32::MAX), None);
    }
}
