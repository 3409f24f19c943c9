//! Tests of the host's frame rules (value transfer, revert, failure, nested calls, create
//! addresses, nonce 1, code deposit and its size limit, collisions) through the real EVMC
//! host table, driven by an in-process scripted VM so they do not depend on the Wasm engine.
//!
//! The script VM reads its code as ops (each costs 100 gas): `05` store 1 in slot 0 of the
//! running account; `06 <addr:20> <value:1>` CALL addr with half the gas left; `07 <n:1>
//! <init:n>` CREATE with that init code; `09 <addr:20>` DELEGATECALL addr; `0a <addr:20>
//! <value:1>` CALLCODE addr; `01 <out...>` SUCCESS with output; `02 <out...>`
//! REVERT with output; `03` FAILURE. Running off the end is SUCCESS with no output.

use crate::evmc_loader::{ExecutionResult, Vm};
use crate::host::{create_address, Host, Message, TxEnv, CODE_DEPOSIT_GAS_PER_BYTE, MAX_CODE_SIZE};
use crate::host_abi::into_evmc_result;
use crate::state::{Account, Address, WorldState};
use ethnum::U256;
use evmc_sys::{
    evmc_address, evmc_bytes32, evmc_call_kind, evmc_host_context, evmc_host_interface,
    evmc_message, evmc_result, evmc_revision, evmc_status_code, evmc_vm,
};
use std::ptr::NonNull;

const OP_COST: i64 = 100;

/// Creates the script VM.
pub(crate) fn script_vm() -> Vm {
    let instance = Box::new(evmc_vm {
        abi_version: evmc_sys::EVMC_ABI_VERSION as i32,
        name: c"script".as_ptr(),
        version: c"0".as_ptr(),
        destroy: Some(destroy),
        execute: Some(execute),
        get_capabilities: None,
        set_option: None,
    });
    let raw = NonNull::from(Box::leak(instance));
    // SAFETY: a valid leaked instance, freed once by `destroy` when the `Vm` drops.
    unsafe { Vm::from_instance(raw, "script") }
}

unsafe extern "C" fn destroy(vm: *mut evmc_vm) {
    // SAFETY: `vm` came from `Box::leak` in `script_vm` and is destroyed once.
    drop(unsafe { Box::from_raw(vm) });
}

unsafe extern "C" fn execute(
    _vm: *mut evmc_vm,
    host: *const evmc_host_interface,
    context: *mut evmc_host_context,
    _rev: evmc_revision,
    msg: *const evmc_message,
    code: *const u8,
    code_size: usize,
) -> evmc_result {
    // SAFETY: the host passes valid pointers for the duration of the call.
    let (host, msg, code) = unsafe { (&*host, &*msg, std::slice::from_raw_parts(code, code_size)) };
    into_evmc_result(run_script(host, context, msg, code))
}

fn run_script(
    host: &evmc_host_interface,
    ctx: *mut evmc_host_context,
    msg: &evmc_message,
    code: &[u8],
) -> ExecutionResult {
    let mut gas = msg.gas;
    let mut pc = 0;
    let done = |status, gas_left, output: &[u8]| ExecutionResult {
        status,
        gas_left,
        output: output.to_vec(),
        create_address: [0; 20],
    };
    while let Some(&op) = code.get(pc) {
        gas -= OP_COST;
        match op {
            0x01 => return done(evmc_status_code::EVMC_SUCCESS, gas, &code[pc + 1..]),
            0x02 => return done(evmc_status_code::EVMC_REVERT, gas, &code[pc + 1..]),
            0x03 => return done(evmc_status_code::EVMC_FAILURE, 0, &[]),
            0x05 => {
                let key = evmc_bytes32 { bytes: [0; 32] };
                let mut one = [0; 32];
                one[31] = 1;
                // SAFETY: calling the host's own table with its context.
                unsafe {
                    host.set_storage.unwrap()(
                        ctx,
                        &msg.destination,
                        &key,
                        &evmc_bytes32 { bytes: one },
                    )
                };
                pc += 1;
            }
            0x06 | 0x07 | 0x09 | 0x0a => {
                let addr_at = |at: usize| -> [u8; 20] { code[at..at + 20].try_into().unwrap() };
                let (kind, destination, value, input, next) = match op {
                    0x06 => (
                        evmc_call_kind::EVMC_CALL,
                        addr_at(pc + 1),
                        code[pc + 21],
                        Vec::new(),
                        pc + 22,
                    ),
                    0x09 => (
                        evmc_call_kind::EVMC_DELEGATECALL,
                        addr_at(pc + 1),
                        0,
                        Vec::new(),
                        pc + 21,
                    ),
                    0x0a => (
                        evmc_call_kind::EVMC_CALLCODE,
                        addr_at(pc + 1),
                        code[pc + 21],
                        Vec::new(),
                        pc + 22,
                    ),
                    _ => {
                        let n = usize::from(code[pc + 1]);
                        (
                            evmc_call_kind::EVMC_CREATE,
                            [0; 20],
                            0,
                            code[pc + 2..pc + 2 + n].to_vec(),
                            pc + 2 + n,
                        )
                    }
                };
                let forwarded = gas / 2;
                let mut value_be = [0; 32];
                value_be[31] = value;
                // DELEGATECALL keeps the caller's sender and value (EVMC ABI 9 meaning).
                let (sender, value) = if kind == evmc_call_kind::EVMC_DELEGATECALL {
                    (msg.sender, msg.value)
                } else {
                    (msg.destination, evmc_bytes32 { bytes: value_be })
                };
                let child = evmc_message {
                    kind,
                    flags: 0,
                    depth: msg.depth + 1,
                    gas: forwarded,
                    destination: evmc_address { bytes: destination },
                    sender,
                    input_data: input.as_ptr(),
                    input_size: input.len(),
                    value,
                    create2_salt: evmc_bytes32 { bytes: [0; 32] },
                };
                // SAFETY: the host's own call with its context; the result is released once.
                let result = unsafe { ExecutionResult::take(host.call.unwrap()(ctx, &child)) };
                gas = gas - forwarded + result.gas_left;
                pc = next;
            }
            other => panic!("script VM: unknown op {other:#x}"),
        }
    }
    done(evmc_status_code::EVMC_SUCCESS, gas, &[])
}

const SENDER: Address = [0x5e; 20];
const A: Address = [0xaa; 20];
const B: Address = [0xbb; 20];

fn world(accounts: &[(Address, u128, u64, Vec<u8>)]) -> WorldState {
    let mut state = WorldState::new();
    for (address, balance, nonce, code) in accounts {
        let account = Account {
            balance: U256::new(*balance),
            nonce: *nonce,
            code: code.clone().into(),
            ..Account::default()
        };
        state.insert_account(*address, account);
    }
    state
}

fn call(to: Address, value: u128, gas: i64) -> Message {
    Message {
        kind: evmc_call_kind::EVMC_CALL,
        is_static: false,
        depth: 0,
        gas,
        destination: to,
        sender: SENDER,
        input: Vec::new(),
        value: U256::new(value),
    }
}

fn create(init: Vec<u8>, gas: i64) -> Message {
    Message {
        kind: evmc_call_kind::EVMC_CREATE,
        input: init,
        ..call([0; 20], 0, gas)
    }
}

fn host(vm: &Vm, state: WorldState) -> Host<'_> {
    Host::new(vm, evmc_revision::EVMC_BYZANTIUM, TxEnv::default(), state)
}

fn slot0(host: &Host<'_>, address: &Address) -> u8 {
    host.state().storage(address, &[0; 32])[31]
}

#[test]
fn call_moves_value_and_keeps_state_on_success() {
    let vm = script_vm();
    let h = host(
        &vm,
        world(&[(SENDER, 10, 0, vec![]), (A, 0, 0, vec![0x05, 0x01, 0x77])]),
    );
    let r = h.call(&call(A, 4, 1000));
    assert_eq!(
        (r.status, r.gas_left, r.output),
        (evmc_status_code::EVMC_SUCCESS, 800, vec![0x77])
    );
    assert_eq!(h.state().balance(&A), U256::new(4));
    assert_eq!(h.state().balance(&SENDER), U256::new(6));
    assert_eq!(slot0(&h, &A), 1);
}

#[test]
fn revert_restores_state_and_keeps_gas_and_output() {
    let vm = script_vm();
    let h = host(
        &vm,
        world(&[(SENDER, 10, 0, vec![]), (A, 0, 0, vec![0x05, 0x02, 0x78])]),
    );
    let r = h.call(&call(A, 4, 1000));
    assert_eq!(
        (r.status, r.gas_left, r.output),
        (evmc_status_code::EVMC_REVERT, 800, vec![0x78])
    );
    assert_eq!(h.state().balance(&A), U256::ZERO);
    assert_eq!(h.state().balance(&SENDER), U256::new(10));
    assert_eq!(slot0(&h, &A), 0);
}

#[test]
fn failure_restores_state_and_leaves_no_gas() {
    let vm = script_vm();
    let h = host(
        &vm,
        world(&[(SENDER, 10, 0, vec![]), (A, 0, 0, vec![0x05, 0x03])]),
    );
    let r = h.call(&call(A, 4, 1000));
    assert_eq!((r.status, r.gas_left), (evmc_status_code::EVMC_FAILURE, 0));
    assert_eq!(h.state().balance(&A), U256::ZERO);
    assert_eq!(slot0(&h, &A), 0);
}

#[test]
fn insufficient_balance_fails_without_running_and_returns_gas() {
    let vm = script_vm();
    let h = host(&vm, world(&[(SENDER, 3, 0, vec![]), (A, 0, 0, vec![0x05])]));
    let r = h.call(&call(A, 4, 1000));
    assert_eq!(
        (r.status, r.gas_left),
        (evmc_status_code::EVMC_INSUFFICIENT_BALANCE, 1000)
    );
    assert_eq!(slot0(&h, &A), 0);
    assert_eq!(h.state().balance(&SENDER), U256::new(3));
}

#[test]
fn empty_code_succeeds_with_all_gas_and_zero_value_creates_nothing() {
    let vm = script_vm();
    let h = host(&vm, world(&[(SENDER, 10, 0, vec![])]));
    let r = h.call(&call(B, 0, 1000));
    assert_eq!(
        (r.status, r.gas_left),
        (evmc_status_code::EVMC_SUCCESS, 1000)
    );
    assert!(!h.state().exists(&B));
    let r = h.call(&call(B, 2, 1000));
    assert_eq!(
        (r.status, r.gas_left),
        (evmc_status_code::EVMC_SUCCESS, 1000)
    );
    assert_eq!(h.state().balance(&B), U256::new(2));
}

#[test]
fn nested_failure_reverts_only_the_inner_frame() {
    let vm = script_vm();
    let mut a_code = vec![0x06];
    a_code.extend_from_slice(&B);
    a_code.extend_from_slice(&[0x01, 0x05, 0x01]);
    let h = host(
        &vm,
        world(&[
            (SENDER, 0, 0, vec![]),
            (A, 5, 0, a_code),
            (B, 0, 0, vec![0x05, 0x03]),
        ]),
    );
    let r = h.call(&call(A, 0, 10_000));
    // A: 100 (call op) - 4950 forwarded (lost: B failed) - 100 (store) - 100 (finish).
    assert_eq!(
        (r.status, r.gas_left),
        (evmc_status_code::EVMC_SUCCESS, 10_000 - 100 - 4950 - 200)
    );
    assert_eq!(slot0(&h, &A), 1);
    assert_eq!(slot0(&h, &B), 0);
    assert_eq!(
        h.state().balance(&A),
        U256::new(5),
        "the inner value transfer was reverted"
    );
}

#[test]
fn create_deploys_output_with_nonce_one_and_charges_the_deposit() {
    let vm = script_vm();
    let h = host(&vm, world(&[(SENDER, 0, 7, vec![])]));
    let r = h.call(&create(vec![0x01, 0xca, 0xfe], 10_000));
    let expected = create_address(&SENDER, 7);
    assert_eq!(r.status, evmc_status_code::EVMC_SUCCESS);
    assert_eq!(r.gas_left, 10_000 - 100 - 2 * CODE_DEPOSIT_GAS_PER_BYTE);
    assert_eq!(r.create_address, expected);
    let state = h.state();
    assert_eq!(state.nonce(&SENDER), 8);
    let account = state.account(&expected).unwrap();
    assert_eq!((account.nonce, &account.code[..]), (1, &[0xca, 0xfe][..]));
}

#[test]
fn nested_create_runs_init_code_in_the_new_account() {
    let vm = script_vm();
    let init = [0x05, 0x01, 0xab];
    let mut a_code = vec![0x07, init.len() as u8];
    a_code.extend_from_slice(&init);
    let h = host(&vm, world(&[(SENDER, 0, 0, vec![]), (A, 0, 1, a_code)]));
    let r = h.call(&call(A, 0, 100_000));
    assert_eq!(r.status, evmc_status_code::EVMC_SUCCESS);
    let created = create_address(&A, 1);
    assert_eq!(
        slot0(&h, &created),
        1,
        "init code stored into the new account"
    );
    assert_eq!(&h.state().code(&created)[..], &[0xab]);
    assert_eq!(h.state().nonce(&A), 2);
}

#[test]
fn create_failures_keep_the_nonce_bump_and_leave_no_account() {
    let vm = script_vm();
    let too_long = [vec![0x01], vec![0x61; MAX_CODE_SIZE + 1]].concat();
    let cases = [
        (too_long, 100_000_000, "over the size limit"),
        (
            [vec![0x01], vec![0x61; 100]].concat(),
            10_000,
            "deposit out of gas",
        ),
        (vec![0x05, 0x02], 10_000, "revert"),
    ];
    for (init, gas, what) in cases {
        let h = host(&vm, world(&[(SENDER, 0, 0, vec![])]));
        let r = h.call(&create(init, gas));
        assert_ne!(r.status, evmc_status_code::EVMC_SUCCESS, "{what}");
        assert_eq!(h.state().nonce(&SENDER), 1, "{what}");
        assert!(!h.state().exists(&create_address(&SENDER, 0)), "{what}");
        if r.status != evmc_status_code::EVMC_REVERT {
            assert_eq!(r.gas_left, 0, "{what}");
        }
    }
}

#[test]
fn create_with_empty_init_code_succeeds_without_running() {
    let vm = script_vm();
    let h = host(&vm, world(&[(SENDER, 0, 3, vec![])]));
    let r = h.call(&create(Vec::new(), 10_000));
    let expected = create_address(&SENDER, 3);
    assert_eq!(
        (r.status, r.gas_left, r.create_address),
        (evmc_status_code::EVMC_SUCCESS, 10_000, expected)
    );
    let state = h.state();
    let account = state.account(&expected).unwrap();
    assert_eq!((account.nonce, account.code.len()), (1, 0));
}

#[test]
fn create_collision_fails_with_no_gas() {
    let vm = script_vm();
    let target = create_address(&SENDER, 0);
    let h = host(
        &vm,
        world(&[(SENDER, 0, 0, vec![]), (target, 0, 1, vec![])]),
    );
    let r = h.call(&create(vec![0x01], 10_000));
    assert_eq!((r.status, r.gas_left), (evmc_status_code::EVMC_FAILURE, 0));
    assert_eq!(h.state().nonce(&SENDER), 1);
}

#[test]
fn delegatecall_and_callcode_run_foreign_code_on_the_callers_storage() {
    let vm = script_vm();
    for (op, value_byte) in [(0x09u8, None), (0x0a, Some(3u8))] {
        let mut a_code = vec![op];
        a_code.extend_from_slice(&B);
        a_code.extend(value_byte);
        let h = host(
            &vm,
            world(&[
                (SENDER, 0, 0, vec![]),
                (A, 5, 0, a_code),
                (B, 0, 0, vec![0x05]),
            ]),
        );
        let r = h.call(&call(A, 0, 10_000));
        assert_eq!(r.status, evmc_status_code::EVMC_SUCCESS, "op {op:#x}");
        assert_eq!(slot0(&h, &A), 1, "op {op:#x}: B's code wrote A's storage");
        assert_eq!(slot0(&h, &B), 0, "op {op:#x}");
        assert_eq!(
            h.state().balance(&A),
            U256::new(5),
            "op {op:#x}: CALLCODE value goes to itself"
        );
        assert_eq!(h.state().balance(&B), U256::ZERO, "op {op:#x}");
    }
}
