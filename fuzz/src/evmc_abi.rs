//! Target `evmc_abi`: `execute` through the C ABI. The VM comes from the rlib's exported
//! `evmc_create_ssvm()` (no dlopen) and is driven through its `execute` function pointer by
//! the in-memory consensus test host of `ssvm-tests` (`host`, `host_abi`, `state`), so nested
//! calls and creates re-enter the same VM.
//!
//! The code is either arbitrary bytes (behind the Wasm preamble) or a wasm-smith Ewasm
//! contract whose imports come from the EEI table. The contract is installed at two
//! addresses (so calls to either run code) and run by a CALL or a CREATE from a funded
//! account with arbitrary input, gas and options (metering always on so every run ends).
//!
//! Properties: no panic anywhere (a panic inside the VM is caught and reported as
//! INTERNAL_ERROR, which is itself a failure here); gas left within `0..=gas`; statuses other
//! than SUCCESS and REVERT carry no gas and no output.

use std::ptr::NonNull;

use arbitrary::{Result, Unstructured};
use ethnum::U256;
use evmc_sys::{evmc_call_kind, evmc_revision, evmc_status_code};
use ssvm_tests::evmc_loader::Vm;
use ssvm_tests::host::{Host, Message, TxEnv};
use ssvm_tests::state::{Account, Address, WorldState};

use crate::gate::PREAMBLE;
use crate::smith;

/// The account whose code runs.
pub const CONTRACT: Address = [0xc0; 20];
/// A second account with the same code (a call target).
pub const OTHER: Address = [0xc1; 20];
/// The funded caller.
pub const CALLER: Address = [0xca; 20];
/// Gas limit upper bound.
const MAX_GAS: i64 = 3_000_000;

/// The revisions SSVM runs (Byzantium and later).
const REVISIONS: [evmc_revision; 6] = [
    evmc_revision::EVMC_BYZANTIUM,
    evmc_revision::EVMC_CONSTANTINOPLE,
    evmc_revision::EVMC_PETERSBURG,
    evmc_revision::EVMC_ISTANBUL,
    evmc_revision::EVMC_BERLIN,
    evmc_revision::EVMC_LONDON,
];

/// Runs one input; panics on a violated property.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let _ = run_unstructured(&mut u);
}

fn run_unstructured(u: &mut Unstructured<'_>) -> Result<()> {
    let vm = new_vm();
    set_options(&vm, u)?;
    let revision = *u.choose(&REVISIONS)?;
    let code = if u.arbitrary::<bool>()? {
        let len = u.int_in_range(0..=2048usize)?;
        [&PREAMBLE[..], u.bytes(len)?].concat()
    } else {
        smith::contract_module(u, 4)?.to_bytes()
    };
    let create = u.ratio(1u8, 4u8)?;
    let gas = u.int_in_range(0..=MAX_GAS)?;
    let input_len = u.int_in_range(0..=128usize)?;
    let input = u.bytes(input_len)?.to_vec();
    let value = U256::from(u.int_in_range(0..=3u8)?);
    let msg = Message {
        kind: if create {
            evmc_call_kind::EVMC_CREATE
        } else {
            evmc_call_kind::EVMC_CALL
        },
        is_static: !create && u.ratio(1u8, 8u8)?,
        depth: 0,
        gas,
        destination: CONTRACT,
        sender: CALLER,
        input: if create { code.clone() } else { input },
        value,
    };
    let host = Host::new(&vm, revision, TxEnv::default(), world(&code));
    let result = host.call(&msg);
    assert_ne!(
        result.status,
        evmc_status_code::EVMC_INTERNAL_ERROR,
        "the VM reported an internal error (a caught panic)"
    );
    assert!(
        (0..=gas).contains(&result.gas_left),
        "gas_left {} outside 0..={gas}",
        result.gas_left
    );
    if !matches!(
        result.status,
        evmc_status_code::EVMC_SUCCESS | evmc_status_code::EVMC_REVERT
    ) {
        assert_eq!(result.gas_left, 0, "{:?} kept gas", result.status);
        assert!(result.output.is_empty(), "{:?} kept output", result.status);
    }
    Ok(())
}

/// A fresh VM from the rlib's exported create function, wrapped by the test loader.
pub fn new_vm() -> Vm {
    let raw = ssvm::evmc::evmc_create_ssvm();
    let Some(instance) = NonNull::new(raw) else {
        panic!("evmc_create_ssvm returned null");
    };
    // SAFETY: `instance` was just created by this process's SSVM (same EVMC ABI as the test
    // host) and is destroyed exactly once, by the returned `Vm`'s drop.
    unsafe { Vm::from_instance(instance.cast(), "ssvm (in-process rlib)") }
}

/// Options through `set_option`: metering always on (termination), the rest arbitrary.
fn set_options(vm: &Vm, u: &mut Unstructured<'_>) -> Result<()> {
    let set = |name: &str, value: &str| {
        if let Err(e) = vm.set_option(name, value) {
            panic!("set_option({name}, {value}) failed: {e:?}");
        }
    };
    set("metering", "true");
    set("bignum", if u.arbitrary()? { "true" } else { "false" });
    set(
        "floats",
        if u.ratio(1u8, 4u8)? {
            "reject"
        } else {
            "allow"
        },
    );
    let pages = u.int_in_range(1..=16u32)?;
    set("max_memory_pages", &pages.to_string());
    Ok(())
}

/// The world: the code at [`CONTRACT`] and [`OTHER`], a funded [`CALLER`].
fn world(code: &[u8]) -> WorldState {
    let mut state = WorldState::new();
    let contract = Account {
        nonce: 1,
        balance: U256::from(1_000u32),
        code: code.into(),
        ..Account::default()
    };
    state.insert_account(CONTRACT, contract.clone());
    state.insert_account(OTHER, contract);
    state.insert_account(
        CALLER,
        Account {
            balance: U256::from(1_000_000u32),
            ..Account::default()
        },
    );
    state
}
