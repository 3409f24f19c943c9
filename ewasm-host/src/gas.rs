//! The gas family (`useGas`, `getGasLeft`) and the one charging primitive every EEI
//! function uses on the gas counter it shares with the VM.

use crate::eei::{Eei, HostResult, Invocation};
use crate::outcome::HostExit;
use crate::table::HostFn;

/// Charges `amount` from `gas_left`. More than is left sets it to 0 and fails with
/// `OutOfGas`.
pub fn charge(gas_left: &mut i64, amount: u64) -> Result<(), HostExit> {
    let left = u64::try_from(*gas_left).unwrap_or(0);
    match left.checked_sub(amount) {
        Some(rest) => {
            // rest <= left <= i64::MAX, so the conversion cannot fail.
            *gas_left = i64::try_from(rest).unwrap_or(0);
            Ok(())
        }
        None => {
            *gas_left = 0;
            Err(HostExit::OutOfGas)
        }
    }
}

/// `useGas(i64 amount)`: charges the amount; a negative amount is `ArgumentOutOfRange`.
pub(crate) fn use_gas(_eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    let amount = u64::try_from(inv.i64_arg(0)).map_err(|_| HostExit::ArgumentOutOfRange)?;
    inv.charge(amount)?;
    Ok(None)
}

/// `getGasLeft() -> i64`: the gas left after its own charge.
pub(crate) fn get_gas_left(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetGasLeft, inv)?;
    Ok(Some(inv.gas_left_u64()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charge_exactly_all_leaves_zero() {
        let mut gas = 10;
        assert_eq!(charge(&mut gas, 10), Ok(()));
        assert_eq!(gas, 0);
    }

    #[test]
    fn charge_more_than_left_zeroes_the_counter() {
        let mut gas = 10;
        assert_eq!(charge(&mut gas, 11), Err(HostExit::OutOfGas));
        assert_eq!(gas, 0);
        let mut gas = i64::MAX;
        assert_eq!(charge(&mut gas, u64::MAX), Err(HostExit::OutOfGas));
        assert_eq!(gas, 0);
    }

    #[test]
    fn negative_counter_counts_as_empty() {
        let mut gas = -5;
        assert_eq!(charge(&mut gas, 0), Ok(()));
        assert_eq!(gas, 0);
        let mut gas = -5;
        assert_eq!(charge(&mut gas, 1), Err(HostExit::OutOfGas));
    }
}
