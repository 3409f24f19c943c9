//! The data family: sizes of and copies out of call data, own code, external code and the
//! return-data buffer (copies lie wholly inside their source: no zero padding).

use crate::eei::{Eei, HostResult, Invocation};
use crate::memory::{copy_gas, slice};
use crate::outcome::HostExit;
use crate::schedule::{COLD_ACCOUNT_EXTRA_GAS, COPY_GAS_PER_WORD};
use crate::table::HostFn;

fn size_result(len: usize) -> HostResult {
    Ok(Some(u64::from(u32::try_from(len).unwrap_or(u32::MAX))))
}

/// Charges `func`'s base gas plus the per-word copy gas for the length argument `len_arg`.
fn charge_copy(
    eei: &Eei<'_>,
    func: HostFn,
    inv: &mut Invocation<'_>,
    len_arg: usize,
) -> HostResult {
    eei.charge_base(func, inv)?;
    inv.charge(copy_gas(inv.u32_arg(len_arg), COPY_GAS_PER_WORD))?;
    Ok(None)
}

/// `(i32 res, i32 off, i32 len)` copy out of `src`.
fn copy_out(inv: &mut Invocation<'_>, src: &[u8]) -> HostResult {
    let (res, off, len) = (inv.u32_arg(0), inv.u32_arg(1), inv.u32_arg(2));
    let from = slice(src, off, len)?;
    inv.mem_at(res, len)?.copy_from_slice(from);
    Ok(None)
}

/// `getCallDataSize() -> i32`.
pub(crate) fn get_call_data_size(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetCallDataSize, inv)?;
    size_result(eei.msg.input.len())
}

/// `callDataCopy(i32 res, i32 off, i32 len)`: 3 + 3·⌈len/32⌉.
pub(crate) fn call_data_copy(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    charge_copy(eei, HostFn::CallDataCopy, inv, 2)?;
    copy_out(inv, &eei.msg.input)
}

/// `getCodeSize() -> i32`: size of the running code (during CREATE: the init code).
pub(crate) fn get_code_size(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetCodeSize, inv)?;
    size_result(eei.code.len())
}

/// `codeCopy(i32 res, i32 off, i32 len)`: 3 + 3·⌈len/32⌉.
pub(crate) fn code_copy(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    charge_copy(eei, HostFn::CodeCopy, inv, 2)?;
    copy_out(inv, eei.code)
}

/// `getReturnDataSize() -> i32`.
pub(crate) fn get_return_data_size(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetReturnDataSize, inv)?;
    size_result(eei.return_data.len())
}

/// `returnDataCopy(i32 res, i32 off, i32 len)`: 3 + 3·⌈len/32⌉.
pub(crate) fn return_data_copy(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    charge_copy(eei, HostFn::ReturnDataCopy, inv, 2)?;
    copy_out(inv, &eei.return_data)
}

/// `getExternalCodeSize(i32 addr) -> i32`.
pub(crate) fn get_external_code_size(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetExternalCodeSize, inv)?;
    let addr = inv.read_at::<20>(0)?;
    eei.charge_cold_account(&addr, COLD_ACCOUNT_EXTRA_GAS, inv)?;
    size_result(eei.host.get_code_size(&addr))
}

/// `getExternalCodeHash(i32 addr, i32 res)` (Constantinople): the raw 32-byte hash.
pub(crate) fn get_external_code_hash(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetExternalCodeHash, inv)?;
    let addr = inv.read_at::<20>(0)?;
    eei.charge_cold_account(&addr, COLD_ACCOUNT_EXTRA_GAS, inv)?;
    let hash = eei.host.get_code_hash(&addr);
    inv.write_at(1, &hash)?;
    Ok(None)
}

/// `externalCodeCopy(i32 addr, i32 res, i32 off, i32 len)`: 700 + 3·⌈len/32⌉; fewer code
/// bytes available than `len` is `InvalidMemoryAccess` (as in Hera, a zero length never
/// fails on the code side).
pub(crate) fn external_code_copy(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    charge_copy(eei, HostFn::ExternalCodeCopy, inv, 3)?;
    let addr = inv.read_at::<20>(0)?;
    eei.charge_cold_account(&addr, COLD_ACCOUNT_EXTRA_GAS, inv)?;
    let (res, off, len) = (inv.u32_arg(1), inv.u32_arg(2), inv.u32_arg(3));
    let dst = inv.mem_at(res, len)?;
    let code_offset = usize::try_from(off).map_err(|_| HostExit::InvalidMemoryAccess)?;
    let copied = eei.host.copy_code(&addr, code_offset, dst);
    if copied != dst.len() {
        return Err(HostExit::InvalidMemoryAccess);
    }
    Ok(None)
}
