//! EEI halting family: finish, revert, selfDestruct.

mod common;
use common::*;
use ewasm_host::mock::Recorded;
use ewasm_host::{to_status, Ending, HostExit, HostFn, Revision, StatusCode};

#[test]
fn finish_keeps_its_data_and_ends_with_success() {
    let mut fx = Fx::new();
    fx.put(2048, b"\xde\xad\xbe\xef");
    let mut f = fx.frame();
    assert_eq!(f.call(HostFn::Finish, &[2048, 4]), Err(HostExit::Finish));
    assert_eq!(f.eei.output(), b"\xde\xad\xbe\xef");
    assert_eq!(f.eei.take_output(), b"\xde\xad\xbe\xef".to_vec());
    assert!(f.eei.output().is_empty());
    assert_eq!(fx.used(), 0);
    assert_eq!(
        to_status(Ending::Exit(HostExit::Finish)),
        (StatusCode::Success, true, true)
    );
}

#[test]
fn revert_keeps_its_data_and_ends_with_revert() {
    let mut fx = Fx::new();
    fx.put(0, b"no");
    let mut f = fx.frame();
    assert_eq!(f.call(HostFn::Revert, &[0, 2]), Err(HostExit::Revert));
    assert_eq!(f.eei.output(), b"no");
}

#[test]
fn finish_and_revert_ranges() {
    for (f, exit) in [
        (HostFn::Finish, HostExit::Finish),
        (HostFn::Revert, HostExit::Revert),
    ] {
        let mut fx = Fx::new();
        assert_eq!(fx.call(f, &[PAGE as u64, 0]), Err(exit));
        assert_eq!(
            fx.call(f, &[(PAGE - 1) as u64, 2]),
            Err(HostExit::InvalidMemoryAccess)
        );
        assert_eq!(
            fx.call(f, &[1, 0xffff_ffff]),
            Err(HostExit::InvalidMemoryAccess)
        );
        let mut frame = fx.frame();
        assert_eq!(
            frame.call(f, &[(PAGE + 1) as u64, 0]),
            Err(HostExit::InvalidMemoryAccess)
        );
        assert!(frame.eei.output().is_empty());
    }
}

#[test]
fn self_destruct_registers_and_ends_with_empty_output() {
    let mut fx = Fx::new();
    fx.put(32, &CALLER);
    fx.host.account(CALLER);
    fx.host.set_balance(SELF, 0);
    assert_eq!(
        fx.call(HostFn::SelfDestruct, &[32]),
        Err(HostExit::SelfDestruct)
    );
    assert_eq!(fx.used(), 5_000);
    assert_eq!(
        fx.host.recorded.last(),
        Some(&Recorded::SelfDestruct(SELF, CALLER))
    );
    assert_eq!(
        to_status(Ending::Exit(HostExit::SelfDestruct)),
        (StatusCode::Success, true, false)
    );
}

#[test]
fn self_destruct_to_a_dead_account_with_balance_costs_25000_more() {
    let mut fx = Fx::new();
    fx.put(0, &OTHER);
    fx.host.set_balance(SELF, 1);
    assert_eq!(
        fx.call(HostFn::SelfDestruct, &[0]),
        Err(HostExit::SelfDestruct)
    );
    assert_eq!(fx.used(), 30_000);
    // No balance: no surcharge even for a missing beneficiary.
    let mut fx = Fx::new();
    fx.put(0, &OTHER);
    assert_eq!(
        fx.call(HostFn::SelfDestruct, &[0]),
        Err(HostExit::SelfDestruct)
    );
    assert_eq!(fx.used(), 5_000);
}

#[test]
fn self_destruct_in_static_mode_is_a_violation_after_the_gas() {
    let mut fx = Fx::new();
    fx.msg.is_static = true;
    fx.put(0, &OTHER);
    fx.host.set_balance(SELF, 1);
    let r = fx.call(HostFn::SelfDestruct, &[0]);
    assert_eq!(r, Err(HostExit::StaticModeViolation));
    assert_eq!(fx.used(), 30_000);
    assert!(!fx
        .host
        .recorded
        .iter()
        .any(|r| matches!(r, Recorded::SelfDestruct(..))));
}

#[test]
fn self_destruct_bad_pointer_and_berlin_cold_beneficiary() {
    let mut fx = Fx::new();
    let r = fx.call(HostFn::SelfDestruct, &[(PAGE - 19) as u64]);
    assert_eq!(r, Err(HostExit::InvalidMemoryAccess));
    assert_eq!(fx.used(), 5_000);
    let mut fx = Fx::new();
    fx.rev = Revision::Berlin;
    fx.put(0, &OTHER);
    fx.host.account(OTHER);
    assert_eq!(
        fx.call(HostFn::SelfDestruct, &[0]),
        Err(HostExit::SelfDestruct)
    );
    assert_eq!(fx.used(), 5_000 + 2_600);
}
