//! EEI call family (EWASM.md 3.1): call, callCode, callDelegate, callStatic.

mod common;
use common::*;
use ewasm_host::host::{CallKind, CallResult, Message, StatusCode};
use ewasm_host::mock::Recorded;
use ewasm_host::{HostExit, HostFn, Revision};

const ADDR: u64 = 0;
const VALUE: u64 = 32;
const DATA: u64 = 64;

/// OTHER at ADDR, value `value` (u128 LE) at VALUE, "input" at DATA.
fn call_fx(value: u128) -> Fx {
    let mut fx = Fx::new();
    fx.put(ADDR as usize, &OTHER);
    fx.put(VALUE as usize, &value.to_le_bytes());
    fx.put(DATA as usize, b"input");
    fx.host.set_balance(SELF, 1_000_000);
    fx.host.account(OTHER);
    fx
}

fn result(status: StatusCode, gas_left: i64, output: &[u8]) -> CallResult {
    CallResult {
        status,
        gas_left,
        output: output.to_vec(),
        create_address: [0; 20],
    }
}

fn only_message(fx: &Fx) -> Message {
    let msgs = fx.host.messages();
    assert_eq!(msgs.len(), 1, "{:?}", fx.host.recorded);
    msgs[0].clone()
}

#[test]
fn plain_call_builds_the_message_and_costs_700_when_the_callee_uses_nothing() {
    let mut fx = call_fx(0);
    assert_eq!(
        fx.call(HostFn::Call, &[10_000, ADDR, VALUE, DATA, 5]),
        Ok(Some(0))
    );
    assert_eq!(fx.used(), 700);
    let msg = only_message(&fx);
    assert_eq!(msg.kind, CallKind::Call);
    assert!(!msg.is_static);
    assert_eq!(msg.depth, 1);
    assert_eq!(msg.gas, 10_000);
    assert_eq!(msg.recipient, OTHER);
    assert_eq!(msg.sender, SELF);
    assert_eq!(msg.input, b"input");
    assert_eq!(msg.value_be, [0; 32]);
    // No value: no balance or existence lookups.
    assert_eq!(fx.host.recorded.len(), 1);
}

#[test]
fn unused_callee_gas_comes_back() {
    let mut fx = call_fx(0);
    fx.host
        .call_results
        .push_back(result(StatusCode::Success, 4_000, b""));
    fx.call(HostFn::Call, &[10_000, ADDR, VALUE, DATA, 0])
        .unwrap();
    assert_eq!(fx.used(), 700 + 6_000);
}

#[test]
fn the_63_64_rule_caps_forwarded_gas() {
    let mut fx = call_fx(0);
    fx.host
        .call_results
        .push_back(result(StatusCode::Success, 0, b""));
    fx.call(HostFn::Call, &[i64::MAX as u64, ADDR, VALUE, DATA, 0])
        .unwrap();
    // After 700: 999_300 left; all but floor(999_300 / 64) = 15_614 is forwarded.
    let forwarded = 999_300 - 15_614;
    assert_eq!(only_message(&fx).gas, forwarded);
    assert_eq!(fx.used(), 700 + forwarded);
    assert_eq!(fx.gas, 15_614);
}

#[test]
fn value_call_to_an_existing_account_charges_9000_and_gives_a_2300_stipend() {
    let mut fx = call_fx(0x1_0000_0000_0000_0000); // 2^64 fits u128
    fx.host.set_balance(SELF, 1 << 65);
    fx.host
        .call_results
        .push_back(result(StatusCode::Success, 0, b""));
    assert_eq!(
        fx.call(HostFn::Call, &[10_000, ADDR, VALUE, DATA, 0]),
        Ok(Some(0))
    );
    let msg = only_message(&fx);
    assert_eq!(msg.gas, 10_000 + 2_300);
    assert_eq!(msg.value_be, be32(1 << 64));
    assert_eq!(
        fx.used(),
        700 + 9_000 + 10_000,
        "the stipend is not charged"
    );
}

#[test]
fn the_unused_stipend_returns_to_the_caller() {
    let mut fx = call_fx(5);
    fx.call(HostFn::Call, &[10_000, ADDR, VALUE, DATA, 0])
        .unwrap();
    assert_eq!(fx.used(), 700 + 9_000 - 2_300);
}

#[test]
fn value_call_to_a_missing_account_charges_25000_more() {
    let mut fx = call_fx(5);
    fx.host.accounts.remove(&OTHER);
    fx.host
        .call_results
        .push_back(result(StatusCode::Success, 0, b""));
    fx.call(HostFn::Call, &[10_000, ADDR, VALUE, DATA, 0])
        .unwrap();
    assert_eq!(fx.used(), 700 + 9_000 + 25_000 + 10_000);
    assert!(fx.host.recorded.contains(&Recorded::AccountExists(OTHER)));
}

#[test]
fn call_code_with_value_never_pays_for_a_new_account() {
    let mut fx = call_fx(5);
    fx.host.accounts.remove(&OTHER);
    fx.host
        .call_results
        .push_back(result(StatusCode::Success, 0, b""));
    fx.call(HostFn::CallCode, &[10_000, ADDR, VALUE, DATA, 0])
        .unwrap();
    assert_eq!(fx.used(), 700 + 9_000 + 10_000);
    let msg = only_message(&fx);
    assert_eq!(msg.kind, CallKind::CallCode);
    assert_eq!(msg.sender, SELF);
    assert_eq!(msg.recipient, OTHER);
    assert_eq!(msg.gas, 12_300);
}

#[test]
fn insufficient_balance_returns_1_and_clears_return_data() {
    let mut fx = call_fx(2_000_000);
    fx.host
        .call_results
        .push_back(result(StatusCode::Success, 0, b"old"));
    let mut f = fx.frame();
    f.call(HostFn::CallStatic, &[0, ADDR, DATA, 0]).unwrap();
    assert_eq!(f.eei.return_data(), b"old");
    let before = *f.gas;
    assert_eq!(
        f.call(HostFn::Call, &[10_000, ADDR, VALUE, DATA, 0]),
        Ok(Some(1))
    );
    assert_eq!(before - *f.gas, 700 + 9_000);
    assert!(f.eei.return_data().is_empty());
    assert_eq!(fx.host.messages().len(), 1);
}

#[test]
fn own_balance_of_2_pow_128_is_argument_out_of_range() {
    let mut fx = call_fx(0xbeef);
    fx.host.account(SELF).balance_be = [0; 32];
    fx.host.account(SELF).balance_be[15] = 1;
    assert_eq!(
        fx.call(HostFn::Call, &[200_000, ADDR, VALUE, DATA, 0]),
        Err(HostExit::ArgumentOutOfRange)
    );
    assert!(fx.host.messages().is_empty());
}

#[test]
fn depth_1024_returns_1_after_700_and_clears_return_data() {
    let mut fx = call_fx(5);
    fx.msg.depth = 1024;
    assert_eq!(
        fx.call(HostFn::Call, &[10_000, ADDR, VALUE, DATA, 5]),
        Ok(Some(1))
    );
    assert_eq!(fx.used(), 700);
    assert!(fx.host.recorded.is_empty());
    // Depth 1023 may still call, the callee runs at 1024.
    let mut fx = call_fx(0);
    fx.msg.depth = 1023;
    assert_eq!(
        fx.call(HostFn::CallDelegate, &[10, ADDR, DATA, 0]),
        Ok(Some(0))
    );
    assert_eq!(only_message(&fx).depth, 1024);
}

#[test]
fn negative_gas_is_argument_out_of_range_before_any_charge() {
    for (f, args) in [
        (HostFn::Call, vec![u64::MAX, ADDR, VALUE, DATA, 0]),
        (HostFn::CallCode, vec![u64::MAX, ADDR, VALUE, DATA, 0]),
        (HostFn::CallDelegate, vec![u64::MAX, ADDR, DATA, 0]),
        (HostFn::CallStatic, vec![i64::MIN as u64, ADDR, DATA, 0]),
    ] {
        let mut fx = call_fx(0);
        assert_eq!(
            fx.call(f, &args),
            Err(HostExit::ArgumentOutOfRange),
            "{f:?}"
        );
        assert_eq!(fx.used(), 0);
    }
}

#[test]
fn bad_address_or_value_pointers_fail_before_the_charge() {
    // callOOB1: address pointer 0xffffffff.
    let mut fx = call_fx(0);
    let r = fx.call(HostFn::Call, &[100_000, 0xffff_ffff, VALUE, VALUE, 0]);
    assert_eq!(r, Err(HostExit::InvalidMemoryAccess));
    assert_eq!(fx.used(), 0);
    // callOOB2: value pointer 0xffffffff.
    let mut fx = call_fx(0);
    let r = fx.call(HostFn::Call, &[100_000, ADDR, 0xffff_ffff, VALUE, 0]);
    assert_eq!(r, Err(HostExit::InvalidMemoryAccess));
    assert!(fx.host.recorded.is_empty());
}

#[test]
fn input_is_unchecked_when_empty_and_checked_otherwise() {
    let mut fx = call_fx(0);
    assert_eq!(
        fx.call(HostFn::Call, &[0, ADDR, VALUE, 0xffff_ffff, 0]),
        Ok(Some(0))
    );
    assert!(only_message(&fx).input.is_empty());
    let mut fx = call_fx(0);
    let r = fx.call(HostFn::Call, &[0, ADDR, VALUE, (PAGE - 2) as u64, 3]);
    assert_eq!(r, Err(HostExit::InvalidMemoryAccess));
    let mut fx = call_fx(0);
    let r = fx.call(HostFn::CallStatic, &[0, ADDR, 0xffff_fffe, 3]);
    assert_eq!(r, Err(HostExit::InvalidMemoryAccess));
}

#[test]
fn not_enough_gas_for_the_base_charge() {
    let mut fx = call_fx(0);
    fx.gas = 699;
    let r = fx.call(HostFn::Call, &[0, ADDR, VALUE, DATA, 0]);
    assert_eq!(r, Err(HostExit::OutOfGas));
    assert_eq!(fx.gas, 0);
    assert!(fx.host.recorded.is_empty());
}

#[test]
fn statuses_map_to_0_2_1_and_fill_the_return_data_buffer() {
    let cases = [
        (StatusCode::Success, 0, &b"ok"[..]),
        (StatusCode::Revert, 2, &b"no"[..]),
        (StatusCode::Failure, 1, &b""[..]),
        (StatusCode::OutOfGas, 1, &b""[..]),
        (StatusCode::InvalidMemoryAccess, 1, &b""[..]),
    ];
    for (status, code, out) in cases {
        let mut fx = call_fx(0);
        fx.host.call_results.push_back(result(status, 50, out));
        let mut f = fx.frame();
        assert_eq!(
            f.call(HostFn::Call, &[100, ADDR, VALUE, DATA, 0]),
            Ok(Some(code))
        );
        assert_eq!(f.eei.return_data(), out);
        assert_eq!(fx.used(), 700 + 50, "{status:?}");
    }
}

#[test]
fn a_host_returning_more_gas_than_given_is_capped() {
    let mut fx = call_fx(0);
    fx.host
        .call_results
        .push_back(result(StatusCode::Success, 1 << 40, b""));
    fx.call(HostFn::Call, &[100, ADDR, VALUE, DATA, 0]).unwrap();
    assert_eq!(fx.used(), 700);
    let mut fx = call_fx(0);
    fx.host
        .call_results
        .push_back(result(StatusCode::Success, -7, b""));
    fx.call(HostFn::Call, &[100, ADDR, VALUE, DATA, 0]).unwrap();
    assert_eq!(fx.used(), 800);
}

#[test]
fn static_mode_rules() {
    // call with value in static mode: violation after 700 + 9000.
    let mut fx = call_fx(5);
    fx.msg.is_static = true;
    let r = fx.call(HostFn::Call, &[100, ADDR, VALUE, DATA, 0]);
    assert_eq!(r, Err(HostExit::StaticModeViolation));
    assert_eq!(fx.used(), 9_700);
    // call without value: allowed, flag inherited.
    let mut fx = call_fx(0);
    fx.msg.is_static = true;
    assert_eq!(
        fx.call(HostFn::Call, &[100, ADDR, VALUE, DATA, 0]),
        Ok(Some(0))
    );
    assert!(only_message(&fx).is_static);
    // callCode with value: allowed (the value stays with the caller).
    let mut fx = call_fx(5);
    fx.msg.is_static = true;
    assert_eq!(
        fx.call(HostFn::CallCode, &[100, ADDR, VALUE, DATA, 0]),
        Ok(Some(0))
    );
    assert!(only_message(&fx).is_static);
}

#[test]
fn call_static_sends_a_static_call_without_value() {
    let mut fx = call_fx(0);
    fx.msg.value_be = be32(77);
    assert_eq!(
        fx.call(HostFn::CallStatic, &[100, ADDR, DATA, 2]),
        Ok(Some(0))
    );
    let msg = only_message(&fx);
    assert_eq!(msg.kind, CallKind::Call);
    assert!(msg.is_static);
    assert_eq!(msg.value_be, [0; 32]);
    assert_eq!(msg.sender, SELF);
    assert_eq!(msg.input, b"in");
    assert_eq!(msg.gas, 100);
    assert_eq!(fx.used(), 700);
}

#[test]
fn call_delegate_keeps_the_callers_sender_and_value_without_stipend() {
    let mut fx = call_fx(0);
    fx.msg.value_be = be32(77);
    fx.host
        .call_results
        .push_back(result(StatusCode::Success, 0, b""));
    assert_eq!(
        fx.call(HostFn::CallDelegate, &[100, ADDR, DATA, 0]),
        Ok(Some(0))
    );
    let msg = only_message(&fx);
    assert_eq!(msg.kind, CallKind::DelegateCall);
    assert_eq!(msg.sender, CALLER);
    assert_eq!(msg.recipient, OTHER);
    assert_eq!(msg.value_be, be32(77));
    assert_eq!(msg.gas, 100);
    assert_eq!(fx.used(), 800, "no 9000, no stipend");
    assert!(!fx
        .host
        .recorded
        .iter()
        .any(|r| matches!(r, Recorded::GetBalance(_))));
}

#[test]
fn berlin_calls_pay_cold_access_once() {
    let mut fx = call_fx(0);
    fx.rev = Revision::Berlin;
    let mut f = fx.frame();
    f.call(HostFn::Call, &[0, ADDR, VALUE, DATA, 0]).unwrap();
    f.call(HostFn::CallStatic, &[0, ADDR, DATA, 0]).unwrap();
    assert_eq!(fx.used(), 2_600 + 100);
}
