//! EEI data family: call data, code, external code and return data sizes and copies.

mod common;
use common::*;
use ewasm_host::host::{CallResult, StatusCode};
use ewasm_host::mock::Recorded;
use ewasm_host::{HostExit, HostFn, Revision};

const IMA: Res = Err(HostExit::InvalidMemoryAccess);

fn with_input(len: u8) -> Fx {
    let mut fx = Fx::new();
    fx.msg.input = (0..len).collect();
    fx
}

#[test]
fn call_data_size_and_copy() {
    let mut fx = with_input(100);
    assert_eq!(fx.call(HostFn::GetCallDataSize, &[]), Ok(Some(100)));
    assert_eq!(fx.call(HostFn::CallDataCopy, &[10, 5, 40]), Ok(None));
    let expected: Vec<u8> = (5..45).collect();
    assert_eq!(fx.get(10, 40), &expected[..]);
    assert_eq!(fx.get(50, 1), &[0]);
    // 2 + (3 + 3 * 2 words)
    assert_eq!(fx.used(), 2 + 9);
}

#[test]
fn copy_gas_counts_started_words() {
    for (len, gas) in [(0u64, 3), (1, 6), (32, 6), (33, 9), (64, 9), (65, 12)] {
        let mut fx = with_input(100);
        assert_eq!(
            fx.call(HostFn::CallDataCopy, &[0, 0, len]),
            Ok(None),
            "len {len}"
        );
        assert_eq!(fx.used(), gas, "len {len}");
    }
}

#[test]
fn call_data_copy_has_no_zero_padding() {
    // Partially outside the call data.
    let mut fx = with_input(100);
    fx.put(0, &[0xee; 20]);
    assert_eq!(fx.call(HostFn::CallDataCopy, &[0, 90, 20]), IMA);
    assert_eq!(fx.used(), 3 + 3);
    assert_eq!(fx.get(0, 20), &[0xee; 20], "nothing written");
    // Fully outside.
    let mut fx = with_input(100);
    assert_eq!(fx.call(HostFn::CallDataCopy, &[0, 200, 1]), IMA);
    // Offset wrapping u32.
    let mut fx = with_input(100);
    assert_eq!(fx.call(HostFn::CallDataCopy, &[0, 0xffff_ffff, 2]), IMA);
}

#[test]
fn zero_length_copies_still_need_offsets_inside() {
    let mut fx = with_input(100);
    assert_eq!(
        fx.call(HostFn::CallDataCopy, &[PAGE as u64, 100, 0]),
        Ok(None)
    );
    let mut fx = with_input(100);
    assert_eq!(fx.call(HostFn::CallDataCopy, &[0, 101, 0]), IMA);
    let mut fx = with_input(100);
    assert_eq!(fx.call(HostFn::CallDataCopy, &[PAGE as u64 + 1, 0, 0]), IMA);
    assert_eq!(fx.used(), 3);
}

#[test]
fn destination_must_lie_in_memory() {
    let mut fx = with_input(100);
    assert_eq!(
        fx.call(HostFn::CallDataCopy, &[(PAGE - 1) as u64, 0, 2]),
        IMA
    );
    let mut fx = with_input(100);
    assert_eq!(fx.call(HostFn::CallDataCopy, &[0xffff_ffff, 0, 2]), IMA);
    let mut fx = with_input(100);
    assert_eq!(
        fx.call(HostFn::CallDataCopy, &[(PAGE - 2) as u64, 98, 2]),
        Ok(None)
    );
    assert_eq!(fx.get(PAGE - 2, 2), &[98, 99]);
}

#[test]
fn huge_length_is_charged_before_any_check() {
    let mut fx = with_input(100);
    // 3 + 3 * ceil((2^32 - 1) / 32) = 402_653_187 > GAS.
    assert_eq!(
        fx.call(HostFn::CallDataCopy, &[0, 0, 0xffff_ffff]),
        Err(HostExit::OutOfGas)
    );
    assert_eq!(fx.gas, 0);
    let mut fx = with_input(100);
    fx.gas = 402_653_187;
    assert_eq!(fx.call(HostFn::CallDataCopy, &[0, 0, 0xffff_ffff]), IMA);
    assert_eq!(fx.gas, 0);
}

#[test]
fn code_size_and_copy_use_the_frame_code() {
    let mut fx = Fx::new();
    fx.code = b"\0asm\x01\0\0\0 body".to_vec();
    assert_eq!(fx.call(HostFn::GetCodeSize, &[]), Ok(Some(13)));
    assert_eq!(fx.call(HostFn::CodeCopy, &[0, 8, 5]), Ok(None));
    assert_eq!(fx.get(0, 5), b" body");
    assert_eq!(fx.used(), 2 + 6);
    assert_eq!(fx.call(HostFn::CodeCopy, &[0, 8, 6]), IMA);
    assert_eq!(fx.call(HostFn::CodeCopy, &[0, 14, 0]), IMA);
    assert!(fx.host.recorded.is_empty());
}

#[test]
fn return_data_comes_from_the_last_call() {
    let mut fx = Fx::new();
    fx.host.call_results.push_back(CallResult {
        status: StatusCode::Success,
        gas_left: 0,
        output: vec![1, 2, 3, 4, 5],
        create_address: [0; 20],
    });
    let mut f = fx.frame();
    assert_eq!(f.call(HostFn::GetReturnDataSize, &[]), Ok(Some(0)));
    assert_eq!(f.call(HostFn::CallStatic, &[100, 0, 0, 0]), Ok(Some(0)));
    assert_eq!(f.eei.return_data(), &[1, 2, 3, 4, 5]);
    assert_eq!(f.call(HostFn::GetReturnDataSize, &[]), Ok(Some(5)));
    assert_eq!(f.call(HostFn::ReturnDataCopy, &[1000, 1, 3]), Ok(None));
    // One byte too long, as returnDataCopyTooLongOOB.
    assert_eq!(f.call(HostFn::ReturnDataCopy, &[2000, 0, 6]), IMA);
    assert_eq!(fx.get(1000, 3), &[2, 3, 4]);
    assert_eq!(fx.get(2000, 5), &[0; 5]);
}

#[test]
fn return_data_copy_when_empty_only_allows_zero_length_at_zero() {
    let mut fx = Fx::new();
    assert_eq!(fx.call(HostFn::ReturnDataCopy, &[0, 0, 0]), Ok(None));
    assert_eq!(fx.call(HostFn::ReturnDataCopy, &[0, 1, 0]), IMA);
    assert_eq!(fx.call(HostFn::ReturnDataCopy, &[0, 0, 1]), IMA);
}

fn with_other_code() -> Fx {
    let mut fx = Fx::new();
    fx.host.account(OTHER).code = b"abcdef".to_vec();
    fx.host.account(OTHER).code_hash = word(0x42);
    fx.put(0, &OTHER);
    fx
}

#[test]
fn external_code_size_and_copy() {
    let mut fx = with_other_code();
    assert_eq!(fx.call(HostFn::GetExternalCodeSize, &[0]), Ok(Some(6)));
    assert_eq!(fx.used(), 700);
    assert_eq!(fx.call(HostFn::ExternalCodeCopy, &[0, 100, 2, 3]), Ok(None));
    assert_eq!(fx.get(100, 3), b"cde");
    assert_eq!(fx.used(), 700 + 703);
    assert_eq!(
        fx.host.recorded,
        vec![
            Recorded::GetCodeSize(OTHER),
            Recorded::CopyCode(OTHER, 2, 3)
        ]
    );
}

#[test]
fn external_code_copy_with_fewer_bytes_than_asked_fails() {
    let mut fx = with_other_code();
    assert_eq!(fx.call(HostFn::ExternalCodeCopy, &[0, 100, 4, 3]), IMA);
    let mut fx = with_other_code();
    assert_eq!(fx.call(HostFn::ExternalCodeCopy, &[0, 100, 10, 1]), IMA);
    // A missing account has no code.
    let mut fx = Fx::new();
    assert_eq!(fx.call(HostFn::ExternalCodeCopy, &[0, 100, 0, 1]), IMA);
    // Zero bytes are always available.
    let mut fx = with_other_code();
    assert_eq!(
        fx.call(HostFn::ExternalCodeCopy, &[0, 100, 10, 0]),
        Ok(None)
    );
    assert_eq!(fx.used(), 700);
}

#[test]
fn external_code_copy_checks_memory_before_asking_the_host() {
    let mut fx = with_other_code();
    assert_eq!(
        fx.call(HostFn::ExternalCodeCopy, &[0, (PAGE - 1) as u64, 0, 2]),
        IMA
    );
    assert!(fx.host.recorded.is_empty());
    let mut fx = with_other_code();
    assert_eq!(
        fx.call(HostFn::ExternalCodeCopy, &[(PAGE - 1) as u64, 0, 0, 2]),
        IMA
    );
    assert_eq!(fx.used(), 703);
}

#[test]
fn external_code_hash_from_constantinople() {
    let mut fx = with_other_code();
    fx.rev = Revision::Constantinople;
    assert_eq!(fx.call(HostFn::GetExternalCodeHash, &[0, 32]), Ok(None));
    assert_eq!(fx.get(32, 32), &word(0x42));
    assert_eq!(fx.used(), 400);
    let mut fx = with_other_code();
    fx.rev = Revision::Istanbul;
    fx.call(HostFn::GetExternalCodeHash, &[0, 32]).unwrap();
    assert_eq!(fx.used(), 700);
}

#[test]
fn berlin_external_code_access_is_cold_then_warm() {
    let mut fx = with_other_code();
    fx.rev = Revision::Berlin;
    let mut f = fx.frame();
    f.call(HostFn::GetExternalCodeSize, &[0]).unwrap();
    f.call(HostFn::ExternalCodeCopy, &[0, 100, 0, 6]).unwrap();
    assert_eq!(fx.used(), 2600 + (100 + 3));
}
