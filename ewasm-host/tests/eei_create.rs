//! EEI create family (EWASM.md 3.2): create and create2.

mod common;
use common::*;
use ewasm_host::host::{CallKind, CallResult, StatusCode};
use ewasm_host::mock::Recorded;
use ewasm_host::{HostExit, HostFn, Revision};

const VALUE: u64 = 0;
const DATA: u64 = 32;
const RES: u64 = 128;
const SALT: u64 = 96;
const NEW: [u8; 20] = [0x99; 20];

fn create_fx(value: u128) -> Fx {
    let mut fx = Fx::new();
    fx.put(VALUE as usize, &value.to_le_bytes());
    fx.put(DATA as usize, b"\0asm\x01\0\0\0");
    fx.put(SALT as usize, &word(0x5a));
    fx.host.set_balance(SELF, 1_000);
    fx
}

fn result(status: StatusCode, gas_left: i64, output: &[u8]) -> CallResult {
    CallResult {
        status,
        gas_left,
        output: output.to_vec(),
        create_address: NEW,
    }
}

#[test]
fn create_forwards_all_but_one_64th_and_writes_the_address() {
    let mut fx = create_fx(10);
    fx.host
        .call_results
        .push_back(result(StatusCode::Success, 0, b"ignored"));
    let mut f = fx.frame();
    assert_eq!(f.call(HostFn::Create, &[VALUE, DATA, 8, RES]), Ok(Some(0)));
    assert!(f.eei.return_data().is_empty(), "success clears the buffer");
    // 1_000_000 - 32_000 = 968_000; forward 968_000 - 15_125.
    let forwarded = 968_000 - 15_125;
    assert_eq!(fx.used(), 32_000 + forwarded);
    assert_eq!(fx.get(RES as usize, 20), &NEW);
    let msgs = fx.host.messages();
    let msg = msgs[0];
    assert_eq!(msg.kind, CallKind::Create);
    assert_eq!(msg.gas, forwarded);
    assert_eq!(msg.depth, 1);
    assert_eq!(msg.sender, SELF);
    assert_eq!(msg.input, b"\0asm\x01\0\0\0");
    assert_eq!(msg.value_be, be32(10));
    assert!(!msg.is_static);
}

#[test]
fn unused_child_gas_comes_back() {
    let mut fx = create_fx(0);
    fx.call(HostFn::Create, &[VALUE, DATA, 8, RES]).unwrap();
    assert_eq!(fx.used(), 32_000);
}

#[test]
fn revert_and_failure_keep_the_address_unwritten() {
    let mut fx = create_fx(0);
    fx.host
        .call_results
        .push_back(result(StatusCode::Revert, 0, b"why"));
    let mut f = fx.frame();
    assert_eq!(f.call(HostFn::Create, &[VALUE, DATA, 8, RES]), Ok(Some(2)));
    assert_eq!(f.eei.return_data(), b"why");
    assert_eq!(fx.get(RES as usize, 20), &[0; 20]);
    let mut fx = create_fx(0);
    fx.host
        .call_results
        .push_back(result(StatusCode::Failure, 0, b""));
    assert_eq!(fx.call(HostFn::Create, &[VALUE, DATA, 8, RES]), Ok(Some(1)));
    assert_eq!(fx.get(RES as usize, 20), &[0; 20]);
}

#[test]
fn static_mode_is_a_violation_after_32000() {
    let mut fx = create_fx(0);
    fx.msg.is_static = true;
    let r = fx.call(HostFn::Create, &[VALUE, DATA, 8, RES]);
    assert_eq!(r, Err(HostExit::StaticModeViolation));
    assert_eq!(fx.used(), 32_000);
}

#[test]
fn depth_and_balance_failures_return_1() {
    let mut fx = create_fx(0);
    fx.msg.depth = 1024;
    assert_eq!(fx.call(HostFn::Create, &[VALUE, DATA, 8, RES]), Ok(Some(1)));
    assert_eq!(fx.used(), 32_000);
    assert!(fx.host.recorded.is_empty());
    let mut fx = create_fx(1_001);
    assert_eq!(fx.call(HostFn::Create, &[VALUE, DATA, 8, RES]), Ok(Some(1)));
    assert_eq!(fx.used(), 32_000);
    assert_eq!(fx.host.recorded, vec![Recorded::GetBalance(SELF)]);
    let mut fx = create_fx(1_000);
    assert_eq!(fx.call(HostFn::Create, &[VALUE, DATA, 8, RES]), Ok(Some(0)));
}

#[test]
fn bad_value_pointer_is_invalid_memory_access() {
    // createOOB1.
    let mut fx = create_fx(0);
    let r = fx.call(HostFn::Create, &[0xffff_ffff, 0, 0, 0]);
    assert_eq!(r, Err(HostExit::InvalidMemoryAccess));
    assert!(fx.host.recorded.is_empty());
}

#[test]
fn bad_result_pointer_fails_after_the_child_ran() {
    // createOOB3.
    let mut fx = create_fx(0);
    let r = fx.call(HostFn::Create, &[0, 0, 0, 0xffff_ffff]);
    assert_eq!(r, Err(HostExit::InvalidMemoryAccess));
    assert_eq!(fx.host.messages().len(), 1);
}

#[test]
fn init_code_range_is_unchecked_when_empty() {
    let mut fx = create_fx(0);
    assert_eq!(
        fx.call(HostFn::Create, &[VALUE, 0xffff_ffff, 0, RES]),
        Ok(Some(0))
    );
    assert!(fx.host.messages()[0].input.is_empty());
    let mut fx = create_fx(0);
    let r = fx.call(HostFn::Create, &[VALUE, (PAGE - 4) as u64, 8, RES]);
    assert_eq!(r, Err(HostExit::InvalidMemoryAccess));
}

#[test]
fn create2_charges_hashing_and_passes_the_raw_salt() {
    let mut fx = create_fx(0);
    fx.rev = Revision::Constantinople;
    fx.host
        .call_results
        .push_back(result(StatusCode::Success, 0, b""));
    assert_eq!(
        fx.call(HostFn::Create2, &[VALUE, DATA, 33, SALT, RES]),
        Ok(Some(0))
    );
    // 32000 + 6 per word of 33 bytes, then all but 1/64 of 967_988 forwarded.
    assert_eq!(fx.used(), 32_000 + 6 * 2 + (967_988 - 15_124));
    let msg = fx.host.messages()[0].clone();
    assert_eq!(msg.kind, CallKind::Create2);
    assert_eq!(msg.create2_salt, word(0x5a));
    assert_eq!(msg.input.len(), 33);
    assert_eq!(fx.get(RES as usize, 20), &NEW);
}

#[test]
fn shanghai_meters_and_limits_init_code() {
    // 33 bytes: 32000 + 2 * 2 words (EIP-3860), child returns all its gas.
    let mut fx = create_fx(0);
    fx.rev = Revision::Shanghai;
    assert_eq!(
        fx.call(HostFn::Create, &[VALUE, DATA, 33, RES]),
        Ok(Some(0))
    );
    assert_eq!(fx.used(), 32_000 + 4);
    // create2 pays hashing and init-code words: 32000 + 6 * 2 + 2 * 2.
    let mut fx = create_fx(0);
    fx.rev = Revision::Shanghai;
    assert_eq!(
        fx.call(HostFn::Create2, &[VALUE, DATA, 33, SALT, RES]),
        Ok(Some(0))
    );
    assert_eq!(fx.used(), 32_000 + 12 + 4);
    // 49153 bytes is over the limit: FAILURE with no gas before anything runs (EWASM.md 3.4).
    let mut fx = create_fx(0);
    fx.rev = Revision::Shanghai;
    let r = fx.call(HostFn::Create, &[VALUE, 0, 49_153, RES]);
    assert_eq!(r, Err(HostExit::Failure));
    assert_eq!(fx.gas, 0);
    assert!(fx.host.recorded.is_empty());
    // London has no init-code charge.
    let mut fx = create_fx(0);
    fx.rev = Revision::London;
    fx.call(HostFn::Create, &[VALUE, DATA, 33, RES]).unwrap();
    assert_eq!(fx.used(), 32_000);
}
