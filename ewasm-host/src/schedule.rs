//! Gas constants and the revision-dependent costs (EWASM.md sections 3 and 3.3): the
//! table's Byzantium base gas, overridden where a later revision changed the opcode cost.

use crate::host::{Revision, StorageStatus};
use crate::table::HostFn;

/// Gas per started 32-byte word for the copy functions.
pub const COPY_GAS_PER_WORD: u64 = 3;
/// `log`: gas per topic (n as given).
pub const LOG_TOPIC_GAS: u64 = 375;
/// `log`: gas per data byte.
pub const LOG_DATA_GAS: u64 = 8;
/// `log`: the most topics allowed.
pub const MAX_LOG_TOPICS: u32 = 4;
/// `call`/`callCode` with a non-zero value.
pub const CALL_VALUE_GAS: u64 = 9000;
/// `call` with value to an account that does not exist; `selfDestruct` to a dead account.
pub const NEW_ACCOUNT_GAS: u64 = 25000;
/// Gas given to the callee on top of the forwarded gas for value calls (not charged).
pub const CALL_STIPEND: i64 = 2300;
/// Byzantium `storageStore`: extra gas when a zero slot becomes non-zero.
pub const SSTORE_SET_EXTRA_GAS: u64 = 15000;
/// `create2`: gas per started word of init code (hashing, EIP-1014).
pub const CREATE2_HASH_GAS_PER_WORD: u64 = 6;
/// EIP-3860 (Shanghai): gas per started word of init code for `create`/`create2`.
pub const INIT_CODE_GAS_PER_WORD: u64 = 2;
/// EIP-3860 (Shanghai): the longest init code (2 × the 24576-byte code limit).
pub const MAX_INIT_CODE_SIZE: u32 = 49152;
/// A frame at this depth or deeper cannot call or create.
pub const MAX_CALL_DEPTH: i32 = 1024;
/// EIP-2200 (Istanbul): `storageStore` needs more than this much gas left.
pub const SSTORE_SENTRY_GAS: i64 = 2300;
/// EIP-2929 (Berlin): cost of touching a warm account or slot.
pub const WARM_ACCESS_GAS: u64 = 100;
/// EIP-2929: extra cost of the first touch of an account (2600 − 100).
pub const COLD_ACCOUNT_EXTRA_GAS: u64 = 2500;
/// EIP-2929: extra cost of the first read of a slot (2100 − 100).
pub const COLD_SLOAD_EXTRA_GAS: u64 = 2000;
/// EIP-2929: extra cost of the first write of a slot.
pub const COLD_SSTORE_EXTRA_GAS: u64 = 2100;
/// EIP-2929: `selfDestruct` to a cold beneficiary.
pub const COLD_SELFDESTRUCT_EXTRA_GAS: u64 = 2600;

/// The base gas `func` charges first in revision `rev`: the table's Byzantium value, or
/// the later revision's opcode cost (EIP-1884 in Istanbul, EIP-2929 warm cost in Berlin;
/// the cold surcharge is charged separately once the address or key is known).
pub fn base_gas(func: HostFn, rev: Revision) -> u64 {
    use HostFn::*;
    let istanbul = rev >= Revision::Istanbul;
    let berlin = rev >= Revision::Berlin;
    match func {
        GetExternalBalance | StorageLoad | GetExternalCodeHash | ExternalCodeCopy
        | GetExternalCodeSize | Call | CallCode | CallDelegate | CallStatic
            if berlin =>
        {
            WARM_ACCESS_GAS
        }
        GetExternalBalance | GetExternalCodeHash if istanbul => 700,
        StorageLoad if istanbul => 800,
        _ => func.def().base_gas,
    }
}

/// Whether EIP-2929 warm/cold accounting applies.
pub fn has_access_lists(rev: Revision) -> bool {
    rev >= Revision::Berlin
}

/// Whether EIP-3860 init-code metering and limit apply.
pub fn has_init_code_limit(rev: Revision) -> bool {
    rev >= Revision::Shanghai
}

/// How `storageStore` is charged in a revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SstoreRule {
    /// 5000, +15000 for zero → non-zero, charged before the write (Byzantium, Petersburg).
    Byzantium,
    /// EIP-1283 net metering (Constantinople).
    Eip1283,
    /// EIP-2200 net metering with the 2300 sentry (Istanbul).
    Eip2200,
    /// EIP-2200 with EIP-2929 costs (Berlin and later).
    Eip2929,
}

/// The `storageStore` rule of `rev`.
pub fn sstore_rule(rev: Revision) -> SstoreRule {
    match rev {
        Revision::Constantinople => SstoreRule::Eip1283,
        Revision::Istanbul => SstoreRule::Eip2200,
        r if r >= Revision::Berlin => SstoreRule::Eip2929,
        _ => SstoreRule::Byzantium,
    }
}

/// Net-metering cost of a write that had effect `status` (EVMC ABI 7–9 status meanings,
/// as evmone charges them); cold surcharges are not included.
pub fn sstore_net_gas(rule: SstoreRule, status: StorageStatus) -> u64 {
    let (noop, reset) = match rule {
        SstoreRule::Byzantium => (5000, 5000),
        SstoreRule::Eip1283 => (200, 5000),
        SstoreRule::Eip2200 => (800, 5000),
        SstoreRule::Eip2929 => (WARM_ACCESS_GAS, 5000 - 2100),
    };
    match status {
        StorageStatus::Unchanged | StorageStatus::ModifiedAgain => noop,
        StorageStatus::Added => 20000,
        StorageStatus::Modified | StorageStatus::Deleted => reset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Revision::*;

    #[test]
    fn byzantium_uses_the_table() {
        for def in crate::table::IMPORTS {
            assert_eq!(base_gas(def.func, Byzantium), def.base_gas, "{}", def.name);
            assert_eq!(base_gas(def.func, Petersburg), def.base_gas, "{}", def.name);
        }
    }

    #[test]
    fn istanbul_and_berlin_reprice_state_access() {
        assert_eq!(base_gas(HostFn::StorageLoad, Istanbul), 800);
        assert_eq!(base_gas(HostFn::GetExternalBalance, Istanbul), 700);
        assert_eq!(base_gas(HostFn::GetExternalCodeHash, Constantinople), 400);
        assert_eq!(base_gas(HostFn::GetExternalCodeHash, Istanbul), 700);
        assert_eq!(base_gas(HostFn::GetExternalCodeSize, Istanbul), 700);
        assert_eq!(base_gas(HostFn::Call, Istanbul), 700);
        for f in [HostFn::StorageLoad, HostFn::Call, HostFn::ExternalCodeCopy] {
            assert_eq!(base_gas(f, Berlin), 100);
            assert_eq!(base_gas(f, London), 100);
        }
        assert_eq!(base_gas(HostFn::GetBlockHash, London), 800);
        assert_eq!(base_gas(HostFn::GetSelfBalance, Istanbul), 5);
    }

    #[test]
    fn sstore_rules_per_revision() {
        assert_eq!(sstore_rule(Byzantium), SstoreRule::Byzantium);
        assert_eq!(sstore_rule(Constantinople), SstoreRule::Eip1283);
        assert_eq!(sstore_rule(Petersburg), SstoreRule::Byzantium);
        assert_eq!(sstore_rule(Istanbul), SstoreRule::Eip2200);
        assert_eq!(sstore_rule(Berlin), SstoreRule::Eip2929);
        assert_eq!(sstore_rule(Shanghai), SstoreRule::Eip2929);
    }

    #[test]
    fn net_metering_costs_match_the_eips() {
        use StorageStatus::*;
        // EIP-1283 table: no-op 200, fresh slot 20000 / 5000, dirty 200.
        assert_eq!(sstore_net_gas(SstoreRule::Eip1283, Unchanged), 200);
        assert_eq!(sstore_net_gas(SstoreRule::Eip1283, Added), 20000);
        assert_eq!(sstore_net_gas(SstoreRule::Eip1283, Deleted), 5000);
        assert_eq!(sstore_net_gas(SstoreRule::Eip1283, ModifiedAgain), 200);
        // EIP-2200: SLOAD_GAS 800.
        assert_eq!(sstore_net_gas(SstoreRule::Eip2200, ModifiedAgain), 800);
        assert_eq!(sstore_net_gas(SstoreRule::Eip2200, Modified), 5000);
        // EIP-2929: warm read 100, reset 5000 - 2100.
        assert_eq!(sstore_net_gas(SstoreRule::Eip2929, Unchanged), 100);
        assert_eq!(sstore_net_gas(SstoreRule::Eip2929, Modified), 2900);
        assert_eq!(sstore_net_gas(SstoreRule::Eip2929, Added), 20000);
    }
}
