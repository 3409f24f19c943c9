//! The call family: `call`, `callCode`, `callDelegate`, `callStatic` (EWASM.md 3.1) and
//! `create`, `create2` (3.2), with the 63/64 rule, the value stipend and the per-frame
//! return-data buffer.

use crate::eei::{Eei, HostResult, Invocation};
use crate::encoding::{be32_from_u128, u128_from_be32};
use crate::host::{Address, Bytes32, CallKind, CallResult, Message, StatusCode};
use crate::memory::{copy_gas, slice};
use crate::outcome::HostExit;
use crate::schedule::{
    self, CALL_STIPEND, CALL_VALUE_GAS, COLD_ACCOUNT_EXTRA_GAS, CREATE2_HASH_GAS_PER_WORD,
    INIT_CODE_GAS_PER_WORD, MAX_CALL_DEPTH, MAX_INIT_CODE_SIZE, NEW_ACCOUNT_GAS,
};
use crate::table::HostFn;

/// The four call flavours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavour {
    Call,
    CallCode,
    Delegate,
    Static,
}

impl Flavour {
    fn func(self) -> HostFn {
        match self {
            Flavour::Call => HostFn::Call,
            Flavour::CallCode => HostFn::CallCode,
            Flavour::Delegate => HostFn::CallDelegate,
            Flavour::Static => HostFn::CallStatic,
        }
    }

    fn has_value(self) -> bool {
        matches!(self, Flavour::Call | Flavour::CallCode)
    }
}

/// `call(i64 gas, i32 addr, i32 value, i32 data, i32 len) -> i32`.
pub(crate) fn call(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    call_any(eei, inv, Flavour::Call)
}

/// `callCode(i64 gas, i32 addr, i32 value, i32 data, i32 len) -> i32`.
pub(crate) fn call_code(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    call_any(eei, inv, Flavour::CallCode)
}

/// `callDelegate(i64 gas, i32 addr, i32 data, i32 len) -> i32`.
pub(crate) fn call_delegate(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    call_any(eei, inv, Flavour::Delegate)
}

/// `callStatic(i64 gas, i32 addr, i32 data, i32 len) -> i32`.
pub(crate) fn call_static(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    call_any(eei, inv, Flavour::Static)
}

/// Reads `len` bytes at `off` for a call/create input; a zero length is not checked.
fn read_input(inv: &Invocation<'_>, off: u32, len: u32) -> Result<Vec<u8>, HostExit> {
    if len == 0 {
        return Ok(Vec::new());
    }
    Ok(slice(inv.mem(), off, len)?.to_vec())
}

/// Reads a u128 LE value from memory.
fn read_value(inv: &Invocation<'_>, arg: usize) -> Result<u128, HostExit> {
    Ok(u128::from_le_bytes(inv.read_at::<16>(arg)?))
}

/// Whether the own balance is below `value` (a balance >= 2^128 is
/// `ArgumentOutOfRange`, as Hera's 128-bit balance read).
fn balance_below(eei: &mut Eei<'_>, value: u128) -> Result<bool, HostExit> {
    let own = eei.self_address();
    Ok(u128_from_be32(&eei.host.get_balance(&own))? < value)
}

/// Ends a call/create early with result 1 and an empty return-data buffer.
fn fail_early(eei: &mut Eei<'_>) -> HostResult {
    eei.return_data.clear();
    Ok(Some(1))
}

/// All but one 64th of the gas left, capped at `requested`.
fn forwardable(gas_left: i64, requested: i64) -> i64 {
    let left = gas_left.max(0);
    requested.min(left - left / 64)
}

/// Section 3.1 for every flavour.
fn call_any(eei: &mut Eei<'_>, inv: &mut Invocation<'_>, flavour: Flavour) -> HostResult {
    // Step 1: argument checks and memory reads, before any charge.
    let gas = inv.i64_arg(0);
    if gas < 0 {
        return Err(HostExit::ArgumentOutOfRange);
    }
    let target: Address = inv.read_at::<20>(1)?;
    let (value, data_arg) = if flavour.has_value() {
        (read_value(inv, 2)?, 3)
    } else {
        (0, 2)
    };
    let input = read_input(inv, inv.u32_arg(data_arg), inv.u32_arg(data_arg + 1))?;
    // Step 2: base gas (EIP-2929 cold surcharge from Berlin).
    eei.charge_base(flavour.func(), inv)?;
    eei.charge_cold_account(&target, COLD_ACCOUNT_EXTRA_GAS, inv)?;
    // Step 3: depth.
    if eei.msg.depth >= MAX_CALL_DEPTH {
        return fail_early(eei);
    }
    // Step 4: value transfer.
    if value != 0 {
        inv.charge(CALL_VALUE_GAS)?;
        if flavour == Flavour::Call {
            eei.ensure_not_static()?;
        }
        if balance_below(eei, value)? {
            return fail_early(eei);
        }
        if flavour == Flavour::Call && !eei.host.account_exists(&target) {
            inv.charge(NEW_ACCOUNT_GAS)?;
        }
    }
    // Step 5: the 63/64 rule; the stipend is given, not charged.
    let forwarded = forwardable(*inv.gas, gas);
    inv.charge(forwarded.unsigned_abs())?;
    let stipend = if value != 0 { CALL_STIPEND } else { 0 };
    // Step 6: the message.
    let msg = call_message(
        eei,
        flavour,
        target,
        value,
        input,
        forwarded.saturating_add(stipend),
    );
    // Step 7: the result.
    let result = eei.host.call(&msg);
    inv.refund(result.gas_left.min(msg.gas));
    eei.return_data = result.output;
    Ok(Some(match result.status {
        StatusCode::Success => 0,
        StatusCode::Revert => 2,
        _ => 1,
    }))
}

fn call_message(
    eei: &Eei<'_>,
    flavour: Flavour,
    target: Address,
    value: u128,
    input: Vec<u8>,
    gas: i64,
) -> Message {
    let parent = eei.msg;
    let (kind, sender, value_be) = match flavour {
        Flavour::Call | Flavour::Static => {
            (CallKind::Call, parent.recipient, be32_from_u128(value))
        }
        Flavour::CallCode => (CallKind::CallCode, parent.recipient, be32_from_u128(value)),
        Flavour::Delegate => (CallKind::DelegateCall, parent.sender, parent.value_be),
    };
    Message {
        kind,
        is_static: parent.is_static || flavour == Flavour::Static,
        depth: parent.depth.saturating_add(1),
        gas,
        recipient: target,
        sender,
        input,
        value_be,
        create2_salt: [0; 32],
    }
}

/// `create(i32 value, i32 data, i32 len, i32 res) -> i32`: 32000 (+ EIP-3860 init-code
/// gas from Shanghai).
pub(crate) fn create(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::Create, inv)?;
    charge_init_code(eei, inv)?;
    create_any(eei, inv, None)
}

/// `create2(i32 value, i32 data, i32 len, i32 salt, i32 res) -> i32` (Constantinople):
/// 32000 + 6·⌈len/32⌉ (+ EIP-3860 init-code gas from Shanghai); the salt is 32 raw bytes.
pub(crate) fn create2(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::Create2, inv)?;
    inv.charge(copy_gas(inv.u32_arg(2), CREATE2_HASH_GAS_PER_WORD))?;
    charge_init_code(eei, inv)?;
    create_any(eei, inv, Some(3))
}

/// EIP-3860 (Shanghai): init code longer than 49152 bytes ends the calling frame with
/// FAILURE and no gas (EWASM.md section 3.4); otherwise 2 gas per started word.
fn charge_init_code(eei: &Eei<'_>, inv: &mut Invocation<'_>) -> Result<(), HostExit> {
    if !schedule::has_init_code_limit(eei.revision) {
        return Ok(());
    }
    let len = inv.u32_arg(2);
    if len > MAX_INIT_CODE_SIZE {
        *inv.gas = 0;
        return Err(HostExit::Failure);
    }
    inv.charge(copy_gas(len, INIT_CODE_GAS_PER_WORD))
}

/// Section 3.2 after the base charge; `salt_arg` is the salt pointer's argument index for
/// `create2` (the result pointer is the argument after it).
fn create_any(eei: &mut Eei<'_>, inv: &mut Invocation<'_>, salt_arg: Option<usize>) -> HostResult {
    eei.ensure_not_static()?;
    let value = read_value(inv, 0)?;
    let salt: Bytes32 = match salt_arg {
        Some(arg) => inv.read_at::<32>(arg)?,
        None => [0; 32],
    };
    if eei.msg.depth >= MAX_CALL_DEPTH {
        return fail_early(eei);
    }
    if value != 0 && balance_below(eei, value)? {
        return fail_early(eei);
    }
    let input = read_input(inv, inv.u32_arg(1), inv.u32_arg(2))?;
    let forwarded = forwardable(*inv.gas, i64::MAX);
    inv.charge(forwarded.unsigned_abs())?;
    let msg = Message {
        kind: if salt_arg.is_some() {
            CallKind::Create2
        } else {
            CallKind::Create
        },
        is_static: false,
        depth: eei.msg.depth.saturating_add(1),
        gas: forwarded,
        recipient: [0; 20],
        sender: eei.self_address(),
        input,
        value_be: be32_from_u128(value),
        create2_salt: salt,
    };
    let result = eei.host.call(&msg);
    inv.refund(result.gas_left.min(msg.gas));
    let res_arg = salt_arg.map_or(3, |arg| arg + 1);
    finish_create(eei, inv, result, res_arg)
}

/// SUCCESS: write the address (bounds checked now), clear the buffer, 0. REVERT: buffer =
/// output, 2. Otherwise buffer = output (empty), 1.
fn finish_create(
    eei: &mut Eei<'_>,
    inv: &mut Invocation<'_>,
    result: CallResult,
    res_arg: usize,
) -> HostResult {
    match result.status {
        StatusCode::Success => {
            inv.write_at(res_arg, &result.create_address)?;
            eei.return_data.clear();
            Ok(Some(0))
        }
        StatusCode::Revert => {
            eei.return_data = result.output;
            Ok(Some(2))
        }
        _ => {
            eei.return_data = result.output;
            Ok(Some(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwardable_keeps_one_64th() {
        assert_eq!(forwardable(6400, i64::MAX), 6300);
        assert_eq!(forwardable(6400, 100), 100);
        assert_eq!(forwardable(63, i64::MAX), 63);
        assert_eq!(forwardable(64, i64::MAX), 63);
        assert_eq!(forwardable(0, 5), 0);
    }
}
