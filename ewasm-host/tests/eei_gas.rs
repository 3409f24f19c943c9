//! EEI gas family: useGas and getGasLeft.

mod common;
use common::*;
use ewasm_host::{HostExit, HostFn};

#[test]
fn use_gas_charges_the_amount() {
    let mut fx = Fx::new();
    assert_eq!(fx.call(HostFn::UseGas, &[12345]), Ok(None));
    assert_eq!(fx.used(), 12345);
    assert!(fx.host.recorded.is_empty());
}

#[test]
fn use_gas_of_everything_leaves_zero_and_one_more_is_out_of_gas() {
    let mut fx = Fx::new();
    assert_eq!(fx.call(HostFn::UseGas, &[GAS as u64]), Ok(None));
    assert_eq!(fx.gas, 0);
    let mut fx = Fx::new();
    assert_eq!(
        fx.call(HostFn::UseGas, &[GAS as u64 + 1]),
        Err(HostExit::OutOfGas)
    );
    assert_eq!(fx.gas, 0);
}

#[test]
fn negative_use_gas_is_argument_out_of_range() {
    let mut fx = Fx::new();
    assert_eq!(
        fx.call(HostFn::UseGas, &[(-1i64) as u64]),
        Err(HostExit::ArgumentOutOfRange)
    );
    assert_eq!(
        fx.call(HostFn::UseGas, &[i64::MIN as u64]),
        Err(HostExit::ArgumentOutOfRange)
    );
}

#[test]
fn get_gas_left_reports_the_gas_after_its_own_charge() {
    let mut fx = Fx::new();
    fx.call(HostFn::UseGas, &[1_000]).unwrap();
    assert_eq!(
        fx.call(HostFn::GetGasLeft, &[]),
        Ok(Some(1_000_000 - 1_000 - 2))
    );
    assert_eq!(fx.used(), 1_002);
}

#[test]
fn get_gas_left_with_one_gas_is_out_of_gas() {
    let mut fx = Fx::new();
    fx.gas = 1;
    assert_eq!(fx.call(HostFn::GetGasLeft, &[]), Err(HostExit::OutOfGas));
    assert_eq!(fx.gas, 0);
}

#[test]
fn bignum_functions_are_not_executed_by_the_eei() {
    let mut fx = Fx::new();
    assert_eq!(
        fx.call(HostFn::Add256, &[0, 32, 64]),
        Err(HostExit::ContractValidationFailure)
    );
    assert_eq!(fx.used(), 0);
    assert!(fx.mem.iter().all(|&b| b == 0));
}
