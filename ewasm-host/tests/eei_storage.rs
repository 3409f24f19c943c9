//! EEI storage family: storageLoad and storageStore, Byzantium exactness and the later
//! net-metering revisions.

mod common;
use common::*;
use ewasm_host::mock::Recorded;
use ewasm_host::{HostExit, HostFn, Revision};

const KEY: usize = 0;
const VAL: usize = 32;

fn store_fx(current: [u8; 32], new: [u8; 32]) -> Fx {
    let mut fx = Fx::new();
    fx.put(KEY, &word(0x01));
    fx.put(VAL, &new);
    if current != [0; 32] {
        fx.host.account(SELF).storage.insert(word(0x01), current);
    }
    fx
}

#[test]
fn storage_load_reads_own_storage_for_200() {
    let mut fx = store_fx(word(9), word(0));
    assert_eq!(fx.call(HostFn::StorageLoad, &[KEY as u64, 64]), Ok(None));
    assert_eq!(fx.get(64, 32), &word(9));
    assert_eq!(fx.used(), 200);
    assert_eq!(
        fx.host.recorded,
        vec![Recorded::GetStorage(SELF, word(0x01))]
    );
}

#[test]
fn storage_load_bounds() {
    let mut fx = store_fx(word(9), word(0));
    assert_eq!(
        fx.call(HostFn::StorageLoad, &[(PAGE - 31) as u64, 64]),
        Err(HostExit::InvalidMemoryAccess)
    );
    assert!(fx.host.recorded.is_empty());
    assert_eq!(
        fx.call(HostFn::StorageLoad, &[0, (PAGE - 31) as u64]),
        Err(HostExit::InvalidMemoryAccess)
    );
}

#[test]
fn byzantium_store_costs() {
    let cases = [
        (word(0), word(5), 20000),
        (word(0), word(0), 5000),
        (word(3), word(5), 5000),
        (word(3), word(0), 5000),
        (word(3), word(3), 5000),
    ];
    for (current, new, gas) in cases {
        let mut fx = store_fx(current, new);
        assert_eq!(
            fx.call(HostFn::StorageStore, &[KEY as u64, VAL as u64]),
            Ok(None)
        );
        assert_eq!(fx.used(), gas, "{current:?} -> {new:?}");
        assert_eq!(fx.host.storage_at(&SELF, &word(1)), new);
        assert_eq!(
            fx.host.recorded,
            vec![
                Recorded::GetStorage(SELF, word(1)),
                Recorded::SetStorage(SELF, word(1), new)
            ]
        );
    }
}

#[test]
fn byzantium_store_charges_before_writing() {
    let mut fx = store_fx(word(0), word(5));
    fx.gas = 19999;
    assert_eq!(
        fx.call(HostFn::StorageStore, &[KEY as u64, VAL as u64]),
        Err(HostExit::OutOfGas)
    );
    assert_eq!(fx.gas, 0);
    assert_eq!(fx.host.storage_at(&SELF, &word(1)), word(0));
    assert!(!fx
        .host
        .recorded
        .iter()
        .any(|r| matches!(r, Recorded::SetStorage(..))));
}

#[test]
fn store_in_static_mode_is_a_violation_after_5000() {
    let mut fx = store_fx(word(0), word(5));
    fx.msg.is_static = true;
    assert_eq!(
        fx.call(HostFn::StorageStore, &[KEY as u64, VAL as u64]),
        Err(HostExit::StaticModeViolation)
    );
    assert_eq!(fx.used(), 5000);
    assert!(fx.host.recorded.is_empty());
}

#[test]
fn store_bounds() {
    let mut fx = store_fx(word(0), word(5));
    assert_eq!(
        fx.call(HostFn::StorageStore, &[KEY as u64, (PAGE - 1) as u64]),
        Err(HostExit::InvalidMemoryAccess)
    );
    assert_eq!(fx.used(), 5000);
    assert!(fx.host.recorded.is_empty());
}

#[test]
fn petersburg_stores_like_byzantium() {
    let mut fx = store_fx(word(3), word(3));
    fx.rev = Revision::Petersburg;
    fx.call(HostFn::StorageStore, &[KEY as u64, VAL as u64])
        .unwrap();
    assert_eq!(fx.used(), 5000);
}

/// Runs two stores to the same slot (current -> a -> b) and returns the gas of each.
fn two_stores(rev: Revision, current: [u8; 32], a: [u8; 32], b: [u8; 32]) -> (i64, i64) {
    let mut fx = store_fx(current, a);
    fx.put(64, &b);
    fx.rev = rev;
    let mut f = fx.frame();
    f.call(HostFn::StorageStore, &[KEY as u64, VAL as u64])
        .unwrap();
    let first = GAS - *f.gas;
    f.call(HostFn::StorageStore, &[KEY as u64, 64]).unwrap();
    (first, GAS - *f.gas - first)
}

#[test]
fn constantinople_net_metering_eip1283() {
    // Fresh zero slot set: 20000, then dirty re-set: 200.
    assert_eq!(
        two_stores(Revision::Constantinople, word(0), word(1), word(2)),
        (20000, 200)
    );
    // Fresh non-zero slot changed: 5000; no-op: 200.
    assert_eq!(
        two_stores(Revision::Constantinople, word(3), word(4), word(4)),
        (5000, 200)
    );
}

#[test]
fn istanbul_net_metering_eip2200_with_sentry() {
    assert_eq!(
        two_stores(Revision::Istanbul, word(0), word(1), word(2)),
        (20000, 800)
    );
    assert_eq!(
        two_stores(Revision::Istanbul, word(3), word(0), word(0)),
        (5000, 800)
    );
    let mut fx = store_fx(word(3), word(3));
    fx.rev = Revision::Istanbul;
    fx.gas = 2300;
    assert_eq!(
        fx.call(HostFn::StorageStore, &[KEY as u64, VAL as u64]),
        Err(HostExit::OutOfGas)
    );
    assert!(fx.host.recorded.is_empty());
    let mut fx = store_fx(word(3), word(3));
    fx.rev = Revision::Istanbul;
    fx.gas = 2301;
    assert_eq!(
        fx.call(HostFn::StorageStore, &[KEY as u64, VAL as u64]),
        Ok(None)
    );
    assert_eq!(
        fx.gas,
        2301 - 800,
        "2301 passes the sentry, the no-op costs 800"
    );
    let mut fx = store_fx(word(0), word(3));
    fx.rev = Revision::Istanbul;
    fx.gas = 2301;
    assert_eq!(
        fx.call(HostFn::StorageStore, &[KEY as u64, VAL as u64]),
        Err(HostExit::OutOfGas),
        "2301 passes the sentry but not the 20000 set cost"
    );
    assert_eq!(fx.gas, 0);
}

#[test]
fn istanbul_storage_load_is_800() {
    let mut fx = store_fx(word(9), word(0));
    fx.rev = Revision::Istanbul;
    fx.call(HostFn::StorageLoad, &[KEY as u64, 64]).unwrap();
    assert_eq!(fx.used(), 800);
}

#[test]
fn berlin_storage_access_lists_eip2929() {
    // Cold store of a fresh zero slot: 2100 + 20000; then warm dirty: 100.
    assert_eq!(
        two_stores(Revision::Berlin, word(0), word(1), word(2)),
        (22100, 100)
    );
    // Cold reset of a non-zero slot: 2100 + 2900.
    assert_eq!(
        two_stores(Revision::Berlin, word(3), word(4), word(4)),
        (5000, 100)
    );
    // Load: 2100 cold, then 100 warm.
    let mut fx = store_fx(word(9), word(0));
    fx.rev = Revision::Berlin;
    let mut f = fx.frame();
    f.call(HostFn::StorageLoad, &[KEY as u64, 64]).unwrap();
    f.call(HostFn::StorageLoad, &[KEY as u64, 64]).unwrap();
    assert_eq!(fx.used(), 2100 + 100);
    assert_eq!(fx.host.recorded[0], Recorded::AccessStorage(SELF, word(1)));
}
