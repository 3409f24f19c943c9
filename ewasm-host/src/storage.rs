//! The storage family: `storageLoad` and `storageStore`, with Byzantium gas charged before
//! the write and the later revisions' net metering (EIP-1283/2200/2929); and Cancun's
//! `transientStorageLoad` / `transientStorageStore` (EIP-1153).

use crate::eei::{Eei, HostResult, Invocation};
use crate::encoding::is_zero;
use crate::host::{AccessStatus, Bytes32};
use crate::outcome::HostExit;
use crate::schedule::{
    has_access_lists, sstore_net_gas, sstore_rule, SstoreRule, COLD_SLOAD_EXTRA_GAS,
    COLD_SSTORE_EXTRA_GAS, SSTORE_SENTRY_GAS, SSTORE_SET_EXTRA_GAS,
};
use crate::table::HostFn;

/// EIP-2929: from Berlin, charges `extra` if the slot was cold (marking it warm).
fn charge_cold_slot(
    eei: &mut Eei<'_>,
    key: &Bytes32,
    extra: u64,
    inv: &mut Invocation<'_>,
) -> Result<(), HostExit> {
    if has_access_lists(eei.revision) {
        let own = eei.self_address();
        if eei.host.access_storage(&own, key) == AccessStatus::Cold {
            inv.charge(extra)?;
        }
    }
    Ok(())
}

/// `storageLoad(i32 key, i32 res)`: 200 (800 from Istanbul; 100 + 2000 cold from Berlin).
pub(crate) fn storage_load(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::StorageLoad, inv)?;
    let key = inv.read_at::<32>(0)?;
    charge_cold_slot(eei, &key, COLD_SLOAD_EXTRA_GAS, inv)?;
    let own = eei.self_address();
    let value = eei.host.get_storage(&own, &key);
    inv.write_at(1, &value)?;
    Ok(None)
}

/// `storageStore(i32 key, i32 value)`.
pub(crate) fn storage_store(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    match sstore_rule(eei.revision) {
        SstoreRule::Byzantium => store_byzantium(eei, inv),
        rule => store_net_metered(eei, inv, rule),
    }
}

/// Byzantium: 5000; static → 11; +15000 if the current value is zero and the new one is
/// not; all charged before the write.
fn store_byzantium(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::StorageStore, inv)?;
    eei.ensure_not_static()?;
    let key = inv.read_at::<32>(0)?;
    let value = inv.read_at::<32>(1)?;
    let own = eei.self_address();
    let current = eei.host.get_storage(&own, &key);
    if is_zero(&current) && !is_zero(&value) {
        inv.charge(SSTORE_SET_EXTRA_GAS)?;
    }
    eei.host.set_storage(&own, &key, &value);
    Ok(None)
}

/// Net metering: the cost depends on the original value, which only the host knows, so it
/// is charged from the status the write reports (as evmone does over EVMC ABI 7–9). A
/// charge that then fails ends the frame with OUT_OF_GAS, which reverts the write.
fn store_net_metered(eei: &mut Eei<'_>, inv: &mut Invocation<'_>, rule: SstoreRule) -> HostResult {
    if rule != SstoreRule::Eip1283 && *inv.gas <= SSTORE_SENTRY_GAS {
        *inv.gas = 0;
        return Err(HostExit::OutOfGas);
    }
    eei.ensure_not_static()?;
    let key = inv.read_at::<32>(0)?;
    let value = inv.read_at::<32>(1)?;
    charge_cold_slot(eei, &key, COLD_SSTORE_EXTRA_GAS, inv)?;
    let own = eei.self_address();
    let status = eei.host.set_storage(&own, &key, &value);
    inv.charge(sstore_net_gas(rule, status))?;
    Ok(None)
}

/// `transientStorageLoad(i32 key, i32 res)` (Cancun): 100; the 32 raw bytes the host holds
/// for the own account's `key`.
pub(crate) fn transient_storage_load(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::TransientStorageLoad, inv)?;
    let key = inv.read_at::<32>(0)?;
    let own = eei.self_address();
    let value = eei.host.get_transient_storage(&own, &key);
    inv.write_at(1, &value)?;
    Ok(None)
}

/// `transientStorageStore(i32 key, i32 value)` (Cancun): 100, then static → 11.
pub(crate) fn transient_storage_store(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::TransientStorageStore, inv)?;
    eei.ensure_not_static()?;
    let key = inv.read_at::<32>(0)?;
    let value = inv.read_at::<32>(1)?;
    let own = eei.self_address();
    eei.host.set_transient_storage(&own, &key, &value);
    Ok(None)
}
