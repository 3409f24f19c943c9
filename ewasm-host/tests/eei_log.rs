//! EEI log family: gas before checks, static mode, topic count, topic pointers.

mod common;
use common::*;
use ewasm_host::mock::Recorded;
use ewasm_host::{HostExit, HostFn};

const BAD: u64 = 0xffff_ffff;

fn log_fx() -> Fx {
    let mut fx = Fx::new();
    fx.put(0, b"data");
    fx.put(100, &word(0xa1));
    fx.put(200, &word(0xa2));
    fx
}

#[test]
fn log_without_topics() {
    let mut fx = log_fx();
    assert_eq!(
        fx.call(HostFn::Log, &[0, 4, 0, BAD, BAD, BAD, BAD]),
        Ok(None)
    );
    assert_eq!(fx.used(), 375 + 8 * 4);
    assert_eq!(
        fx.host.recorded,
        vec![Recorded::EmitLog(SELF, b"data".to_vec(), vec![])]
    );
}

#[test]
fn log_reads_only_the_first_n_topic_pointers() {
    let mut fx = log_fx();
    assert_eq!(
        fx.call(HostFn::Log, &[0, 2, 2, 200, 100, BAD, BAD]),
        Ok(None)
    );
    assert_eq!(fx.used(), 375 + 2 * 375 + 2 * 8);
    assert_eq!(
        fx.host.recorded,
        vec![Recorded::EmitLog(
            SELF,
            b"da".to_vec(),
            vec![word(0xa2), word(0xa1)]
        )]
    );
}

#[test]
fn log_with_four_topics() {
    let mut fx = log_fx();
    assert_eq!(
        fx.call(HostFn::Log, &[0, 0, 4, 100, 100, 200, 200]),
        Ok(None)
    );
    assert_eq!(fx.used(), 375 * 5);
    let Recorded::EmitLog(_, data, topics) = &fx.host.recorded[0] else {
        panic!("no log");
    };
    assert!(data.is_empty());
    assert_eq!(
        topics,
        &vec![word(0xa1), word(0xa1), word(0xa2), word(0xa2)]
    );
}

#[test]
fn five_topics_is_a_validation_failure_after_the_charge() {
    let mut fx = log_fx();
    assert_eq!(
        fx.call(HostFn::Log, &[0, 0xff, 5, 8, 12, 16, 20]),
        Err(HostExit::ContractValidationFailure)
    );
    assert_eq!(fx.used(), 375 + 5 * 375 + 8 * 0xff);
    assert!(fx.host.recorded.is_empty());
}

#[test]
fn overflowing_topic_count_runs_out_of_gas() {
    let mut fx = log_fx();
    assert_eq!(
        fx.call(HostFn::Log, &[0, 0, BAD, 0, 0, 0, 0]),
        Err(HostExit::OutOfGas)
    );
    assert_eq!(fx.gas, 0);
}

#[test]
fn static_mode_is_checked_after_gas_and_before_topic_count() {
    let mut fx = log_fx();
    fx.msg.is_static = true;
    assert_eq!(
        fx.call(HostFn::Log, &[0, 4, 5, 0, 0, 0, 0]),
        Err(HostExit::StaticModeViolation)
    );
    assert_eq!(fx.used(), 375 * 6 + 32);
}

#[test]
fn bad_topic_or_data_pointers_are_invalid_memory_access() {
    let mut fx = log_fx();
    assert_eq!(
        fx.call(HostFn::Log, &[0, 0xff, 1, BAD, 12, 16, 20]),
        Err(HostExit::InvalidMemoryAccess)
    );
    assert!(fx.host.recorded.is_empty());
    let mut fx = log_fx();
    assert_eq!(
        fx.call(HostFn::Log, &[(PAGE - 3) as u64, 4, 0, 0, 0, 0, 0]),
        Err(HostExit::InvalidMemoryAccess)
    );
    let mut fx = log_fx();
    assert_eq!(
        fx.call(HostFn::Log, &[0, 0, 1, (PAGE - 31) as u64, 0, 0, 0]),
        Err(HostExit::InvalidMemoryAccess)
    );
}
