//! The halting family: `finish`, `revert` and `selfDestruct` end execution.

use crate::eei::{Eei, HostResult, Invocation};
use crate::encoding::is_zero;
use crate::memory::slice;
use crate::outcome::HostExit;
use crate::schedule::{COLD_SELFDESTRUCT_EXTRA_GAS, NEW_ACCOUNT_GAS};
use crate::table::HostFn;

/// Copies `(off, len)` into the output buffer and ends with `exit`.
fn end_with_output(
    eei: &mut Eei<'_>,
    inv: &mut Invocation<'_>,
    func: HostFn,
    exit: HostExit,
) -> HostResult {
    eei.charge_base(func, inv)?;
    let data = slice(inv.mem(), inv.u32_arg(0), inv.u32_arg(1))?;
    eei.output = data.to_vec();
    Err(exit)
}

/// `finish(i32 off, i32 len)`: ends with SUCCESS and that output.
pub(crate) fn finish(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    end_with_output(eei, inv, HostFn::Finish, HostExit::Finish)
}

/// `revert(i32 off, i32 len)`: ends with REVERT and that output.
pub(crate) fn revert(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    end_with_output(eei, inv, HostFn::Revert, HostExit::Revert)
}

/// `selfDestruct(i32 addr)`: 5000, +25000 if a non-zero balance would go to an account
/// that does not exist (EIP-161), +2600 for a cold beneficiary from Berlin; then static →
/// 11; registers the self-destruct and ends with SUCCESS and empty output.
pub(crate) fn self_destruct(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::SelfDestruct, inv)?;
    let beneficiary = inv.read_at::<20>(0)?;
    eei.charge_cold_account(&beneficiary, COLD_SELFDESTRUCT_EXTRA_GAS, inv)?;
    let own = eei.self_address();
    if !is_zero(&eei.host.get_balance(&own)) && !eei.host.account_exists(&beneficiary) {
        inv.charge(NEW_ACCOUNT_GAS)?;
    }
    eei.ensure_not_static()?;
    eei.host.selfdestruct(&own, &beneficiary);
    eei.output.clear();
    Err(HostExit::SelfDestruct)
}
