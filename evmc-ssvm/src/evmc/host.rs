//! [`HostContext`] over an EVMC host table (`evmc_host_interface` + context pointer).
//!
//! A null table, or a null function in it, behaves as an empty world: no accounts, zero
//! storage, balances, hashes and context, writes ignored, nested calls fail. So a pure
//! contract can run with a null host, and a missing callback is never called through.

use ewasm_host::{
    AccessStatus, Address, Bytes32, CallResult, HostContext, Message, StatusCode, StorageStatus,
    TxContext,
};

use super::abi::{self, storage_status_from_raw, sys, Ctx};
use super::convert::{bytes_from_raw, message_to_sys};

/// A host table and its context, valid for one `execute` call.
#[derive(Debug)]
pub struct EvmcHost<'a> {
    table: Option<&'a sys::evmc_host_interface>,
    ctx: Ctx,
    /// The account the frame runs as (ABI 12 messages of CALLCODE/DELEGATECALL need it).
    own: Address,
}

impl<'a> EvmcHost<'a> {
    /// Wraps `table` (absent for a null host pointer) and the opaque `ctx` it takes, for a
    /// frame running as `own`.
    ///
    /// # Safety
    /// Every non-null function of `table` must be callable with `ctx` for as long as this
    /// value lives, following the EVMC host contract (pointers it returns stay valid as
    /// EVMC documents).
    pub unsafe fn new(table: Option<&'a sys::evmc_host_interface>, ctx: Ctx, own: Address) -> Self {
        EvmcHost { table, ctx, own }
    }

    /// The host function `pick` selects, if the table and the function exist.
    fn func<F>(&self, pick: impl FnOnce(&sys::evmc_host_interface) -> Option<F>) -> Option<F> {
        self.table.and_then(pick)
    }
}

/// The EVMC address for `addr`.
fn address(addr: &Address) -> sys::evmc_address {
    sys::evmc_address { bytes: *addr }
}

/// The EVMC bytes32 for `word`.
fn bytes32(word: &Bytes32) -> sys::evmc_bytes32 {
    sys::evmc_bytes32 { bytes: *word }
}

/// The status with EVMC number `raw`: 0 cold, 1 warm, unknown numbers count as cold.
fn access_status_from_raw(raw: u32) -> AccessStatus {
    if raw == 1 {
        AccessStatus::Warm
    } else {
        AccessStatus::Cold
    }
}

/// Copies a host's `evmc_result` into a [`CallResult`] and releases it.
///
/// # Safety
/// `res` is a result a host returned: its output pointer valid for its size, its release
/// function (if any) callable once on it.
unsafe fn take_result(res: abi::RawResult) -> CallResult {
    // SAFETY: per the contract, `output_data` points to `output_size` bytes (or is null).
    let output = unsafe { bytes_from_raw(res.output_data, res.output_size) }
        .map(<[u8]>::to_vec)
        .unwrap_or_default();
    let out = CallResult {
        status: StatusCode::from_raw(res.status_code),
        gas_left: res.gas_left,
        output,
        create_address: res.create_address.bytes,
    };
    if let Some(release) = res.release {
        // SAFETY: the host's release function, called once on its own result.
        unsafe { release(&res) };
    }
    out
}

impl HostContext for EvmcHost<'_> {
    fn account_exists(&mut self, addr: &Address) -> bool {
        let Some(f) = self.func(|t| t.account_exists) else {
            return false;
        };
        // SAFETY: host function called with its context and a live address (`new`'s contract).
        unsafe { f(self.ctx, &address(addr)) }
    }

    fn get_storage(&mut self, addr: &Address, key: &Bytes32) -> Bytes32 {
        let Some(f) = self.func(|t| t.get_storage) else {
            return [0; 32];
        };
        // SAFETY: as in `account_exists`.
        unsafe { f(self.ctx, &address(addr), &bytes32(key)) }.bytes
    }

    fn set_storage(&mut self, addr: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus {
        let Some(f) = self.func(abi::set_storage_fn) else {
            return StorageStatus::Unchanged;
        };
        // SAFETY: as in `account_exists`; the status comes back as a raw integer.
        let raw = unsafe { f(self.ctx, &address(addr), &bytes32(key), &bytes32(value)) };
        storage_status_from_raw(raw)
    }

    fn get_balance(&mut self, addr: &Address) -> Bytes32 {
        let Some(f) = self.func(|t| t.get_balance) else {
            return [0; 32];
        };
        // SAFETY: as in `account_exists`.
        unsafe { f(self.ctx, &address(addr)) }.bytes
    }

    fn get_code_size(&mut self, addr: &Address) -> usize {
        let Some(f) = self.func(|t| t.get_code_size) else {
            return 0;
        };
        // SAFETY: as in `account_exists`.
        unsafe { f(self.ctx, &address(addr)) }
    }

    fn get_code_hash(&mut self, addr: &Address) -> Bytes32 {
        let Some(f) = self.func(|t| t.get_code_hash) else {
            return [0; 32];
        };
        // SAFETY: as in `account_exists`.
        unsafe { f(self.ctx, &address(addr)) }.bytes
    }

    fn copy_code(&mut self, addr: &Address, code_offset: usize, buf: &mut [u8]) -> usize {
        let Some(f) = self.func(|t| t.copy_code) else {
            return 0;
        };
        // SAFETY: as in `account_exists`; the host writes at most `buf.len()` bytes.
        let copied = unsafe {
            f(
                self.ctx,
                &address(addr),
                code_offset,
                buf.as_mut_ptr(),
                buf.len(),
            )
        };
        copied.min(buf.len())
    }

    fn selfdestruct(&mut self, addr: &Address, beneficiary: &Address) {
        if let Some(f) = self.func(abi::selfdestruct_fn) {
            // SAFETY: as in `account_exists`.
            unsafe { f(self.ctx, &address(addr), &address(beneficiary)) }
        }
    }

    fn call(&mut self, msg: &Message) -> CallResult {
        let Some(f) = self.func(abi::call_fn) else {
            return CallResult {
                status: StatusCode::Failure,
                gas_left: 0,
                output: Vec::new(),
                create_address: [0; 20],
            };
        };
        let raw_msg = message_to_sys(msg, &self.own);
        // SAFETY: as in `account_exists`; `raw_msg` borrows `msg.input`, alive during the
        // call. The result is the host's, consumed once by `take_result`.
        unsafe { take_result(f(self.ctx, &raw_msg)) }
    }

    fn get_tx_context(&mut self) -> TxContext {
        let Some(f) = self.func(|t| t.get_tx_context) else {
            return TxContext::default();
        };
        // SAFETY: as in `account_exists`; the blob hashes the context points to are valid
        // while we copy them (EVMC: the tx context lives for the execution).
        unsafe { abi::tx_context_from_sys(&f(self.ctx)) }
    }

    fn get_block_hash(&mut self, number: i64) -> Bytes32 {
        let Some(f) = self.func(|t| t.get_block_hash) else {
            return [0; 32];
        };
        // SAFETY: as in `account_exists`.
        unsafe { f(self.ctx, number) }.bytes
    }

    fn emit_log(&mut self, addr: &Address, data: &[u8], topics: &[Bytes32]) {
        let Some(f) = self.func(|t| t.emit_log) else {
            return;
        };
        // `evmc_bytes32` is `#[repr(C)] { bytes: [u8; 32] }`: same layout as `Bytes32`.
        let topics_ptr = topics.as_ptr().cast::<sys::evmc_bytes32>();
        // SAFETY: as in `account_exists`; `data` and `topics` are live for the call and
        // `Bytes32` has the layout of `evmc_bytes32` (size 32, align 1).
        unsafe {
            f(
                self.ctx,
                &address(addr),
                data.as_ptr(),
                data.len(),
                topics_ptr,
                topics.len(),
            )
        }
    }

    fn access_account(&mut self, addr: &Address) -> AccessStatus {
        let Some(f) = self.func(abi::access_account_fn) else {
            return AccessStatus::Cold;
        };
        // SAFETY: as in `account_exists`; the status comes back as a raw integer.
        access_status_from_raw(unsafe { f(self.ctx, &address(addr)) })
    }

    fn access_storage(&mut self, addr: &Address, key: &Bytes32) -> AccessStatus {
        let Some(f) = self.func(abi::access_storage_fn) else {
            return AccessStatus::Cold;
        };
        // SAFETY: as in `account_exists`; the status comes back as a raw integer.
        access_status_from_raw(unsafe { f(self.ctx, &address(addr), &bytes32(key)) })
    }

    fn get_transient_storage(&mut self, addr: &Address, key: &Bytes32) -> Bytes32 {
        let Some(f) = self.func(abi::get_transient_storage_fn) else {
            return [0; 32];
        };
        // SAFETY: as in `account_exists`.
        unsafe { f(self.ctx, &address(addr), &bytes32(key)) }.bytes
    }

    fn set_transient_storage(&mut self, addr: &Address, key: &Bytes32, value: &Bytes32) {
        if let Some(f) = self.func(abi::set_transient_storage_fn) {
            // SAFETY: as in `account_exists`.
            unsafe { f(self.ctx, &address(addr), &bytes32(key), &bytes32(value)) }
        }
    }
}

// `emit_log` reinterprets `&[Bytes32]` as `*const evmc_bytes32`.
const _: () = {
    assert!(std::mem::size_of::<sys::evmc_bytes32>() == 32);
    assert!(std::mem::align_of::<sys::evmc_bytes32>() == 1);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_host_is_an_empty_world() {
        // SAFETY: no table, nothing is ever called.
        let mut host = unsafe { EvmcHost::new(None, std::ptr::null_mut(), [0; 20]) };
        let a = [1u8; 20];
        assert!(!host.account_exists(&a));
        assert_eq!(host.get_storage(&a, &[2; 32]), [0; 32]);
        assert_eq!(
            host.set_storage(&a, &[2; 32], &[3; 32]),
            StorageStatus::Unchanged
        );
        assert_eq!(host.get_balance(&a), [0; 32]);
        assert_eq!(host.get_code_size(&a), 0);
        let mut buf = [9u8; 4];
        assert_eq!(host.copy_code(&a, 0, &mut buf), 0);
        assert_eq!(buf, [9; 4]);
        assert_eq!(host.get_tx_context(), TxContext::default());
        assert_eq!(host.get_block_hash(1), [0; 32]);
        assert_eq!(host.access_account(&a), AccessStatus::Cold);
        assert_eq!(host.get_transient_storage(&a, &[2; 32]), [0; 32]);
        host.set_transient_storage(&a, &[2; 32], &[3; 32]);
        host.emit_log(&a, &[1], &[[0; 32]]);
        host.selfdestruct(&a, &a);
        let res = host.call(&Message {
            kind: ewasm_host::CallKind::Call,
            is_static: false,
            depth: 1,
            gas: 100,
            recipient: a,
            sender: a,
            input: vec![],
            value_be: [0; 32],
            create2_salt: [0; 32],
        });
        assert_eq!(
            (res.status, res.gas_left, res.output),
            (StatusCode::Failure, 0, vec![])
        );
    }

    #[test]
    fn access_status_numbers() {
        assert_eq!(access_status_from_raw(0), AccessStatus::Cold);
        assert_eq!(access_status_from_raw(1), AccessStatus::Warm);
        assert_eq!(access_status_from_raw(7), AccessStatus::Cold);
    }
}
