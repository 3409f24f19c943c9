//! EEI debug namespace: no gas, bounds checked, storage read only when enabled.

mod common;
use common::*;
use ewasm_host::mock::Recorded;
use ewasm_host::{EeiOptions, HostExit, HostFn};

fn debug_fx() -> Fx {
    let mut fx = Fx::new();
    fx.opts = EeiOptions {
        debug: true,
        trace: true,
    };
    fx.put(0, b"hello");
    fx.host.account(SELF).storage.insert([0; 32], word(0x41));
    fx
}

#[test]
fn debug_functions_cost_nothing() {
    let mut fx = debug_fx();
    let mut f = fx.frame();
    assert_eq!(f.call(HostFn::Print32, &[0xffff_ffff]), Ok(None));
    assert_eq!(f.call(HostFn::Print64, &[u64::MAX]), Ok(None));
    assert_eq!(f.call(HostFn::PrintMem, &[0, 5]), Ok(None));
    assert_eq!(f.call(HostFn::PrintMemHex, &[0, 5]), Ok(None));
    assert_eq!(f.call(HostFn::PrintStorage, &[100]), Ok(None));
    assert_eq!(f.call(HostFn::PrintStorageHex, &[100]), Ok(None));
    assert_eq!(fx.used(), 0);
    assert_eq!(
        fx.host.recorded,
        vec![Recorded::GetStorage(SELF, [0; 32]); 2]
    );
}

#[test]
fn debug_ranges_are_checked() {
    let mut fx = debug_fx();
    let ima = Err(HostExit::InvalidMemoryAccess);
    assert_eq!(fx.call(HostFn::PrintMem, &[(PAGE - 1) as u64, 2]), ima);
    assert_eq!(fx.call(HostFn::PrintMemHex, &[0xffff_ffff, 1]), ima);
    assert_eq!(fx.call(HostFn::PrintStorage, &[(PAGE - 1) as u64]), ima);
    assert_eq!(fx.call(HostFn::PrintStorageHex, &[(PAGE - 1) as u64]), ima);
}

#[test]
fn disabled_debug_does_not_touch_the_host() {
    let mut fx = debug_fx();
    fx.opts = EeiOptions::default();
    assert_eq!(fx.call(HostFn::PrintStorage, &[100]), Ok(None));
    assert!(fx.host.recorded.is_empty());
}
