//! Conversions between EVMC structs and the Rust types of `ewasm-host`: messages in both
//! directions (host enums read as raw integers), statuses, and the VM's `evmc_result` with
//! its output buffer and `release` callback.

use std::ptr;

use ewasm_host::{Address, CallKind, Message, StatusCode};

use super::abi::{self, sys};
use crate::vm::Outcome;

/// The call kind with EVMC number `raw`, if it is one.
pub fn call_kind_from_raw(raw: u32) -> Option<CallKind> {
    match raw {
        0 => Some(CallKind::Call),
        1 => Some(CallKind::DelegateCall),
        2 => Some(CallKind::CallCode),
        3 => Some(CallKind::Create),
        4 => Some(CallKind::Create2),
        _ => None,
    }
}

/// The evmc-sys value of a call kind.
pub fn call_kind_to_sys(kind: CallKind) -> sys::evmc_call_kind {
    use sys::evmc_call_kind::*;
    match kind {
        CallKind::Call => EVMC_CALL,
        CallKind::DelegateCall => EVMC_DELEGATECALL,
        CallKind::CallCode => EVMC_CALLCODE,
        CallKind::Create => EVMC_CREATE,
        CallKind::Create2 => EVMC_CREATE2,
    }
}

/// The evmc-sys value of a status (exhaustive: one arm per [`StatusCode`] variant).
pub fn status_to_sys(status: StatusCode) -> sys::evmc_status_code {
    use sys::evmc_status_code::*;
    match status {
        StatusCode::Success => EVMC_SUCCESS,
        StatusCode::Failure => EVMC_FAILURE,
        StatusCode::Revert => EVMC_REVERT,
        StatusCode::OutOfGas => EVMC_OUT_OF_GAS,
        StatusCode::InvalidInstruction => EVMC_INVALID_INSTRUCTION,
        StatusCode::UndefinedInstruction => EVMC_UNDEFINED_INSTRUCTION,
        StatusCode::StackOverflow => EVMC_STACK_OVERFLOW,
        StatusCode::StackUnderflow => EVMC_STACK_UNDERFLOW,
        StatusCode::BadJumpDestination => EVMC_BAD_JUMP_DESTINATION,
        StatusCode::InvalidMemoryAccess => EVMC_INVALID_MEMORY_ACCESS,
        StatusCode::CallDepthExceeded => EVMC_CALL_DEPTH_EXCEEDED,
        StatusCode::StaticModeViolation => EVMC_STATIC_MODE_VIOLATION,
        StatusCode::PrecompileFailure => EVMC_PRECOMPILE_FAILURE,
        StatusCode::ContractValidationFailure => EVMC_CONTRACT_VALIDATION_FAILURE,
        StatusCode::ArgumentOutOfRange => EVMC_ARGUMENT_OUT_OF_RANGE,
        StatusCode::WasmUnreachableInstruction => EVMC_WASM_UNREACHABLE_INSTRUCTION,
        StatusCode::WasmTrap => EVMC_WASM_TRAP,
        StatusCode::InsufficientBalance => EVMC_INSUFFICIENT_BALANCE,
        StatusCode::InternalError => EVMC_INTERNAL_ERROR,
        StatusCode::Rejected => EVMC_REJECTED,
        StatusCode::OutOfMemory => EVMC_OUT_OF_MEMORY,
    }
}

/// Reads the host's message at `msg` without ever loading a C enum as a Rust enum.
///
/// Errors: unknown call kind → REJECTED (the VM cannot run such a message); flags other
/// than [`abi::ACCEPTED_FLAGS`], or a null input pointer with a non-zero size → FAILURE.
///
/// # Safety
/// `msg` must point to a readable `evmc_message` whose `input_data` (when non-null) points
/// to `input_size` readable bytes.
pub unsafe fn message_from_raw(msg: *const sys::evmc_message) -> Result<Message, StatusCode> {
    // SAFETY: the caller guarantees `msg` is readable; `evmc_call_kind` is a 4-byte C enum
    // (asserted in `abi`), read as the integer it is.
    let kind_raw = unsafe { ptr::addr_of!((*msg).kind).cast::<u32>().read() };
    let kind = call_kind_from_raw(kind_raw).ok_or(StatusCode::Rejected)?;
    // SAFETY: as above; each read loads one plain-data field.
    let (flags, depth, gas, recipient, sender, data, size, value, salt) = unsafe {
        (
            (*msg).flags,
            (*msg).depth,
            (*msg).gas,
            abi::message_recipient(msg),
            (*msg).sender.bytes,
            (*msg).input_data,
            (*msg).input_size,
            (*msg).value.bytes,
            (*msg).create2_salt.bytes,
        )
    };
    if flags & !abi::ACCEPTED_FLAGS != 0 {
        return Err(StatusCode::Failure);
    }
    // SAFETY: the caller guarantees `data` points to `size` bytes when it is non-null.
    let input = unsafe { bytes_from_raw(data, size) }.ok_or(StatusCode::Failure)?;
    Ok(Message {
        kind,
        is_static: flags & abi::FLAG_STATIC != 0,
        depth,
        gas,
        recipient,
        sender,
        input: input.to_vec(),
        value_be: value,
        create2_salt: salt,
    })
}

/// The EVMC message for `msg` sent by the frame running as `own` (ABI 12 puts `own` in
/// `recipient` for CALLCODE and DELEGATECALL); `input_data` borrows `msg.input` (null when
/// empty).
pub fn message_to_sys(msg: &Message, own: &Address) -> sys::evmc_message {
    abi::message(abi::MessageFields {
        kind: call_kind_to_sys(msg.kind),
        flags: if msg.is_static { abi::FLAG_STATIC } else { 0 },
        depth: msg.depth,
        gas: msg.gas,
        destination: msg.recipient,
        own: *own,
        sender: msg.sender,
        input_data: if msg.input.is_empty() {
            ptr::null()
        } else {
            msg.input.as_ptr()
        },
        input_size: msg.input.len(),
        value: msg.value_be,
        create2_salt: msg.create2_salt,
    })
}

/// A byte slice from a C (pointer, size) pair: empty when `size` is 0 (any pointer, also
/// null), `None` for a null pointer with a non-zero size.
///
/// # Safety
/// A non-null `data` must point to `size` readable bytes that outlive `'a`.
pub unsafe fn bytes_from_raw<'a>(data: *const u8, size: usize) -> Option<&'a [u8]> {
    if size == 0 {
        Some(&[])
    } else if data.is_null() {
        None
    } else {
        // SAFETY: non-null and `size` readable bytes per the caller's contract.
        Some(unsafe { std::slice::from_raw_parts(data, size) })
    }
}

/// Applies the EVMC result rules: a status other than SUCCESS or REVERT carries gas_left 0
/// and no output; gas_left is never negative.
pub fn normalize(mut outcome: Outcome) -> Outcome {
    match outcome.status {
        StatusCode::Success | StatusCode::Revert => outcome.gas_left = outcome.gas_left.max(0),
        _ => {
            outcome.gas_left = 0;
            outcome.output = Vec::new();
        }
    }
    outcome
}

/// The `evmc_result` for `outcome` (normalized first). A non-empty output is moved into a
/// heap buffer that [`release_result`] frees; an empty one is a null pointer with size 0.
pub fn outcome_to_sys(outcome: Outcome) -> sys::evmc_result {
    let outcome = normalize(outcome);
    let (output_data, output_size) = if outcome.output.is_empty() {
        (ptr::null(), 0)
    } else {
        let buf = outcome.output.into_boxed_slice();
        let len = buf.len();
        (Box::into_raw(buf).cast::<u8>().cast_const(), len)
    };
    abi::result(
        status_to_sys(outcome.status),
        outcome.gas_left,
        0,
        output_data,
        output_size,
        Some(release_result),
        outcome.create_address,
    )
}

/// `evmc_result::release` of results made by [`outcome_to_sys`]: frees the output buffer.
///
/// # Safety
/// `result` is null or points to a result made by [`outcome_to_sys`] (or a bitwise copy of
/// one), released at most once.
pub unsafe extern "C" fn release_result(result: *const sys::evmc_result) {
    if result.is_null() {
        return;
    }
    // SAFETY: `result` is readable per the contract; only the two plain fields are loaded.
    let (data, size) = unsafe { ((*result).output_data, (*result).output_size) };
    if !data.is_null() && size != 0 {
        let slice = ptr::slice_from_raw_parts_mut(data.cast_mut(), size);
        // SAFETY: `data`/`size` come from `Box::into_raw` of a `Box<[u8]>` of that length in
        // `outcome_to_sys`, and the contract says it is released once.
        drop(unsafe { Box::from_raw(slice) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_STATUS_RAW: std::ops::RangeInclusive<i32> = -3..=17;

    #[test]
    fn every_status_maps_to_the_same_evmc_number() {
        for raw in ALL_STATUS_RAW {
            let status = StatusCode::from_raw(raw);
            assert_eq!(status as i32, raw);
            assert_eq!(status_to_sys(status) as i32, raw, "{status:?}");
        }
    }

    #[test]
    fn call_kinds_round_trip_and_unknown_is_none() {
        for raw in 0..=4u32 {
            let kind = call_kind_from_raw(raw).unwrap();
            assert_eq!(kind as u32, raw);
            assert_eq!(call_kind_to_sys(kind) as u32, raw);
        }
        assert_eq!(call_kind_from_raw(5), None);
        assert_eq!(call_kind_from_raw(u32::MAX), None);
    }

    fn sample_message() -> Message {
        Message {
            kind: CallKind::DelegateCall,
            is_static: true,
            depth: 3,
            gas: 12345,
            recipient: [0xaa; 20],
            sender: [0xbb; 20],
            input: vec![1, 2, 3],
            value_be: [0xcc; 32],
            create2_salt: [0xdd; 32],
        }
    }

    #[test]
    fn message_round_trips() {
        let msg = sample_message();
        // A delegate call sent by the frame running as the recipient (ABI 12 names it).
        let raw = message_to_sys(&msg, &msg.recipient);
        assert_eq!(raw.flags, 1);
        assert_eq!(raw.kind as u32, 1);
        // SAFETY: `raw` is a valid message borrowing `msg.input`.
        let back = unsafe { message_from_raw(&raw) };
        assert_eq!(back, Ok(msg));
    }

    #[test]
    fn empty_input_is_null_and_null_input_with_size_fails() {
        let mut msg = sample_message();
        msg.input.clear();
        let mut raw = message_to_sys(&msg, &[0xee; 20]);
        assert!(raw.input_data.is_null());
        // SAFETY: `raw` is a valid message.
        let parsed = unsafe { message_from_raw(&raw) };
        assert_eq!(parsed.map(|m| m.input), Ok(vec![]));
        raw.input_size = 4;
        // SAFETY: the pointer is null, which `message_from_raw` checks before reading.
        assert_eq!(unsafe { message_from_raw(&raw) }, Err(StatusCode::Failure));
    }

    #[test]
    fn unknown_flags_fail() {
        let msg = sample_message();
        let mut raw = message_to_sys(&msg, &[0xee; 20]);
        raw.flags = 4;
        // SAFETY: `raw` is a valid message borrowing `msg.input`.
        assert_eq!(unsafe { message_from_raw(&raw) }, Err(StatusCode::Failure));
        // EVMC_DELEGATED (2): an ABI 12 flag (EIP-7702), unknown to ABI 7 and 9.
        raw.flags = 2 | 1;
        // SAFETY: as above.
        let parsed = unsafe { message_from_raw(&raw) };
        if cfg!(feature = "abi12") {
            assert_eq!(parsed.map(|m| m.is_static), Ok(true));
        } else {
            assert_eq!(parsed, Err(StatusCode::Failure));
        }
    }

    #[test]
    fn code_calls_name_the_own_account_as_recipient_under_abi12() {
        let msg = Message {
            kind: CallKind::CallCode,
            ..sample_message()
        };
        let own = [0xee; 20];
        let raw = message_to_sys(&msg, &own);
        // SAFETY: `raw` is a valid message borrowing `msg.input`.
        let recipient = unsafe { abi::message_recipient(&raw) };
        if cfg!(feature = "abi12") {
            assert_eq!(recipient, own);
        } else {
            assert_eq!(recipient, msg.recipient);
        }
        let call = Message {
            kind: CallKind::Call,
            ..sample_message()
        };
        let raw = message_to_sys(&call, &own);
        // SAFETY: as above.
        assert_eq!(unsafe { abi::message_recipient(&raw) }, call.recipient);
    }

    #[test]
    fn unknown_kind_is_read_as_an_integer_and_rejected() {
        let mut storage = std::mem::MaybeUninit::<sys::evmc_message>::uninit();
        let p = storage.as_mut_ptr();
        // SAFETY: `p` is valid, aligned storage for a message. After the writes its kind
        // field holds 77, which no Rust enum value has; it is only read through
        // `message_from_raw`, which loads the kind as a `u32`.
        let got = unsafe {
            p.write(message_to_sys(
                &Message {
                    input: Vec::new(),
                    ..sample_message()
                },
                &[0xee; 20],
            ));
            ptr::addr_of_mut!((*p).kind).cast::<u32>().write(77);
            message_from_raw(p)
        };
        assert_eq!(got, Err(StatusCode::Rejected));
    }

    #[test]
    fn non_success_results_lose_gas_and_output() {
        for raw in ALL_STATUS_RAW {
            let status = StatusCode::from_raw(raw);
            let out = normalize(Outcome {
                status,
                gas_left: 77,
                output: vec![9],
                create_address: [0; 20],
            });
            if matches!(status, StatusCode::Success | StatusCode::Revert) {
                assert_eq!((out.gas_left, out.output), (77, vec![9]));
            } else {
                assert_eq!((out.gas_left, out.output), (0, vec![]), "{status:?}");
            }
        }
        let negative = normalize(Outcome {
            status: StatusCode::Success,
            gas_left: -5,
            output: vec![],
            create_address: [0; 20],
        });
        assert_eq!(negative.gas_left, 0);
    }

    #[test]
    fn result_owns_its_output_until_released() {
        let res = outcome_to_sys(Outcome {
            status: StatusCode::Revert,
            gas_left: 10,
            output: vec![4, 5, 6],
            create_address: [7; 20],
        });
        assert_eq!(res.status_code as i32, 2);
        assert_eq!(res.gas_left, 10);
        assert_eq!(res.output_size, 3);
        // SAFETY: the buffer was made by `outcome_to_sys` with 3 bytes.
        let output = unsafe { std::slice::from_raw_parts(res.output_data, 3) };
        assert_eq!(output, &[4, 5, 6]);
        assert_eq!(res.create_address.bytes, [7; 20]);
        let release = res.release.unwrap();
        // SAFETY: released exactly once.
        unsafe { release(&res) };
        let empty = outcome_to_sys(Outcome::status(StatusCode::OutOfGas));
        assert!(empty.output_data.is_null());
        assert_eq!((empty.output_size, empty.gas_left), (0, 0));
        // SAFETY: releasing an empty result (and a null pointer) is a no-op.
        unsafe {
            release(&empty);
            release(ptr::null());
        }
    }
}
