// The ABI suite, included by `evmc_abi.rs` once per ABI into a module that defines `sys`
// (that ABI's evmc-sys crate or `ssvm::evmc::sys12`), `ABI` (its number), `MAX_REVISION`,
// `Refund` (the type of `evmc_result::gas_refund`, `()` where the ABI has none),
// `host_table()`, `get_tx_context`, `selfdestruct`, `new_message`, `target_of`,
// `storage_status` and `failure_result` (whose shapes differ between ABIs). Not a module of its own: `include!`d, so no `//!`.

use super::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::{c_char, CString};
use std::sync::Arc;

/// Byzantium's EVMC number.
const BYZANTIUM: u32 = 4;
/// `evmc_result` with the status as a raw integer, so a bad library status
/// cannot be undefined behaviour in the test either.
#[repr(C)]
struct RawResult {
    status_code: i32,
    gas_left: i64,
    gas_refund: Refund,
    output_data: *const u8,
    output_size: usize,
    release: Option<unsafe extern "C" fn(*const RawResult)>,
    create_address: sys::evmc_address,
    padding: [u8; 4],
}

const _: () = {
    assert!(std::mem::size_of::<RawResult>() == std::mem::size_of::<sys::evmc_result>());
    assert!(
        std::mem::offset_of!(RawResult, release) == std::mem::offset_of!(sys::evmc_result, release)
    );
    assert!(
        std::mem::offset_of!(RawResult, create_address)
            == std::mem::offset_of!(sys::evmc_result, create_address)
    );
};

/// `execute` with a raw revision and a raw result.
type RawExecute = unsafe extern "C" fn(
    *mut sys::evmc_vm,
    *const sys::evmc_host_interface,
    *mut sys::evmc_host_context,
    u32,
    *const sys::evmc_message,
    *const u8,
    usize,
) -> RawResult;
/// `set_option` with a raw result.
type RawSetOption = unsafe extern "C" fn(*mut sys::evmc_vm, *const c_char, *const c_char) -> u32;
/// The exported constructors.
type Create = unsafe extern "C" fn() -> *mut sys::evmc_vm;

/// The loaded library and its two entry points.
struct Lib {
    _lib: libloading::Library,
    create_ssvm: Create,
    create: Create,
}

/// Loads the library once.
fn lib() -> &'static Lib {
    static LIB: OnceLock<Lib> = OnceLock::new();
    LIB.get_or_init(|| {
        let path = library_path(ABI);
        // SAFETY: our own library; its initialisers are Rust's defaults.
        let lib = unsafe { libloading::Library::new(path) }
            .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()));
        // SAFETY: both symbols are `extern "C" fn() -> *mut evmc_vm`.
        let (create_ssvm, create) = unsafe {
            (
                *lib.get::<Create>(b"evmc_create_ssvm\0")
                    .expect("evmc_create_ssvm"),
                *lib.get::<Create>(b"evmc_create\0").expect("evmc_create"),
            )
        };
        Lib {
            _lib: lib,
            create_ssvm,
            create,
        }
    })
}

/// An owned VM instance, destroyed on drop.
struct Vm(*mut sys::evmc_vm);

// SAFETY: the library documents its instance as usable from several threads at
// once (EWASM.md section 7); these tests check exactly that.
unsafe impl Send for Vm {}
// SAFETY: as for `Send`.
unsafe impl Sync for Vm {}

impl Drop for Vm {
    fn drop(&mut self) {
        // SAFETY: a live instance, destroyed once.
        unsafe {
            let destroy = (*self.0).destroy.expect("destroy is set");
            destroy(self.0);
        }
    }
}

/// A copied and released result.
#[derive(Debug, PartialEq)]
struct Res {
    status: i32,
    gas_left: i64,
    output: Vec<u8>,
    create_address: [u8; 20],
}

impl Vm {
    fn new() -> Vm {
        // SAFETY: the constructor takes no arguments.
        let vm = unsafe { (lib().create_ssvm)() };
        assert!(!vm.is_null());
        Vm(vm)
    }

    fn set_option(&self, name: Option<&str>, value: Option<&str>) -> u32 {
        let name = name.map(|s| CString::new(s).unwrap());
        let value = value.map(|s| CString::new(s).unwrap());
        let ptr = |s: &Option<CString>| s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
        // SAFETY: the field holds the library's set_option; same C signature
        // with the result enum read as an integer.
        unsafe {
            let f: RawSetOption =
                std::mem::transmute((*self.0).set_option.expect("set_option is set"));
            f(self.0, ptr(&name), ptr(&value))
        }
    }

    fn capabilities(&self) -> u32 {
        // SAFETY: live instance; the library's own callback.
        unsafe { ((*self.0).get_capabilities.expect("get_capabilities is set"))(self.0) }
    }

    /// Executes and returns the raw result (not yet released).
    ///
    /// # Safety
    /// `msg` must be readable, `host` must outlive the call.
    unsafe fn execute_raw(
        &self,
        host: Option<&TestHost>,
        rev: u32,
        msg: *const sys::evmc_message,
        code: *const u8,
        code_size: usize,
    ) -> RawResult {
        let table = host_table();
        let (iface, ctx) = match host {
            Some(h) => (&table as *const sys::evmc_host_interface, h.ctx()),
            None => (std::ptr::null(), std::ptr::null_mut()),
        };
        // SAFETY: the library's execute, called with a raw revision (the
        // library declares it as an integer); arguments valid per the contract.
        unsafe {
            let f: RawExecute = std::mem::transmute((*self.0).execute.expect("execute is set"));
            f(self.0, iface, ctx, rev, msg, code, code_size)
        }
    }

    /// Executes, checks the vmtester invariants, copies and releases the result.
    fn execute(
        &self,
        host: Option<&TestHost>,
        rev: u32,
        msg: &sys::evmc_message,
        code: &[u8],
    ) -> Res {
        // SAFETY: `msg` and `code` are live references.
        let raw = unsafe { self.execute_raw(host, rev, msg, code.as_ptr(), code.len()) };
        take(raw)
    }
}

/// Checks what EVMC's vmtester checks, copies the result and releases it.
fn take(raw: RawResult) -> Res {
    if raw.status_code != status::SUCCESS && raw.status_code != status::REVERT {
        assert_eq!(raw.gas_left, 0, "non-success result with gas left");
        assert_eq!(raw.output_size, 0, "non-success result with output");
    }
    if raw.output_data.is_null() {
        assert_eq!(raw.output_size, 0, "null output with a size");
    }
    let output = if raw.output_size == 0 {
        Vec::new()
    } else {
        assert!(!raw.output_data.is_null(), "output size without data");
        // SAFETY: the library's output buffer of `output_size` bytes.
        unsafe { std::slice::from_raw_parts(raw.output_data, raw.output_size) }.to_vec()
    };
    let res = Res {
        status: raw.status_code,
        gas_left: raw.gas_left,
        output,
        create_address: raw.create_address.bytes,
    };
    assert!(raw.release.is_some(), "results carry a release function");
    if let Some(release) = raw.release {
        // SAFETY: the library's release, once, on its own result.
        unsafe { release(&raw) };
    }
    res
}

/// A message with `kind` and `gas` from `sender` 0x11.. to `recipient` 0xaa...
fn message(kind: sys::evmc_call_kind, gas: i64, input: &[u8]) -> sys::evmc_message {
    let data = if input.is_empty() {
        std::ptr::null()
    } else {
        input.as_ptr()
    };
    new_message(kind, gas, [0xaa; 20], data, input.len())
}

fn call(gas: i64) -> sys::evmc_message {
    message(sys::evmc_call_kind::EVMC_CALL, gas, &[])
}

/// A nested call the host received.
#[derive(Clone, Debug, PartialEq)]
struct Received {
    kind: u32,
    depth: i32,
    gas: i64,
    destination: [u8; 20],
    sender: [u8; 20],
    flags: u32,
}

/// A storage slot: (account, key).
type SlotKey = ([u8; 20], [u8; 32]);
/// A log: (account, data, topics).
type LogRecord = ([u8; 20], Vec<u8>, Vec<[u8; 32]>);

/// An in-memory host that records what the VM asks of it.
#[derive(Default)]
struct TestHost {
    /// The VM to run nested calls on (null: nested calls fail).
    vm: Option<*mut sys::evmc_vm>,
    /// Code by address.
    codes: HashMap<[u8; 20], Vec<u8>>,
    storage: RefCell<HashMap<SlotKey, [u8; 32]>>,
    logs: RefCell<Vec<LogRecord>>,
    calls: RefCell<Vec<Received>>,
}

impl TestHost {
    fn ctx(&self) -> *mut sys::evmc_host_context {
        (self as *const TestHost).cast_mut().cast()
    }
}

/// The host behind a context pointer.
///
/// # Safety
/// `ctx` came from `TestHost::ctx` of a live host.
unsafe fn host<'a>(ctx: *mut sys::evmc_host_context) -> &'a TestHost {
    // SAFETY: per the contract; only shared references are made (interior
    // mutability), so nested calls do not alias a `&mut`.
    unsafe { &*ctx.cast::<TestHost>() }
}

unsafe extern "C" fn account_exists(
    ctx: *mut sys::evmc_host_context,
    a: *const sys::evmc_address,
) -> bool {
    // SAFETY: the VM passes back our context and a valid address.
    unsafe { host(ctx).codes.contains_key(&(*a).bytes) }
}

unsafe extern "C" fn get_storage(
    ctx: *mut sys::evmc_host_context,
    a: *const sys::evmc_address,
    k: *const sys::evmc_bytes32,
) -> sys::evmc_bytes32 {
    // SAFETY: as above.
    let (h, a, k) = unsafe { (host(ctx), (*a).bytes, (*k).bytes) };
    let v = h.storage.borrow().get(&(a, k)).copied().unwrap_or([0; 32]);
    sys::evmc_bytes32 { bytes: v }
}

unsafe extern "C" fn set_storage(
    ctx: *mut sys::evmc_host_context,
    a: *const sys::evmc_address,
    k: *const sys::evmc_bytes32,
    v: *const sys::evmc_bytes32,
) -> sys::evmc_storage_status {
    // SAFETY: as above.
    let (h, a, k, v) = unsafe { (host(ctx), (*a).bytes, (*k).bytes, (*v).bytes) };
    let old = h.storage.borrow_mut().insert((a, k), v).unwrap_or([0; 32]);
    storage_status(old == v, old == [0; 32], v == [0; 32])
}

unsafe extern "C" fn get_balance(
    _: *mut sys::evmc_host_context,
    _: *const sys::evmc_address,
) -> sys::evmc_bytes32 {
    sys::evmc_bytes32 { bytes: [0; 32] }
}

unsafe extern "C" fn get_code_size(
    ctx: *mut sys::evmc_host_context,
    a: *const sys::evmc_address,
) -> usize {
    // SAFETY: as above.
    unsafe { host(ctx).codes.get(&(*a).bytes).map_or(0, Vec::len) }
}

unsafe extern "C" fn get_code_hash(
    _: *mut sys::evmc_host_context,
    _: *const sys::evmc_address,
) -> sys::evmc_bytes32 {
    sys::evmc_bytes32 { bytes: [0; 32] }
}

unsafe extern "C" fn copy_code(
    ctx: *mut sys::evmc_host_context,
    a: *const sys::evmc_address,
    off: usize,
    buf: *mut u8,
    size: usize,
) -> usize {
    // SAFETY: as above; `buf` has `size` writable bytes.
    unsafe {
        let code = host(ctx)
            .codes
            .get(&(*a).bytes)
            .map_or(&[][..], Vec::as_slice);
        let src = code.get(off..).unwrap_or(&[]);
        let n = src.len().min(size);
        std::ptr::copy_nonoverlapping(src.as_ptr(), buf, n);
        n
    }
}

unsafe extern "C" fn call_host(
    ctx: *mut sys::evmc_host_context,
    msg: *const sys::evmc_message,
) -> sys::evmc_result {
    // SAFETY: as above; the VM's message is valid for the call.
    let (h, m) = unsafe { (host(ctx), &*msg) };
    h.calls.borrow_mut().push(Received {
        kind: m.kind as u32,
        depth: m.depth,
        gas: m.gas,
        destination: target_of(m),
        sender: m.sender.bytes,
        flags: m.flags,
    });
    let code = h
        .codes
        .get(&target_of(m))
        .cloned()
        .unwrap_or_default();
    let table = host_table();
    match h.vm {
        // SAFETY: re-enter the same VM with the same host, as a client does.
        Some(vm) => unsafe {
            ((*vm).execute.expect("execute is set"))(
                vm,
                &table,
                ctx,
                sys::evmc_revision::EVMC_BYZANTIUM,
                msg,
                code.as_ptr(),
                code.len(),
            )
        },
        None => failure_result(),
    }
}

unsafe extern "C" fn get_block_hash(_: *mut sys::evmc_host_context, n: i64) -> sys::evmc_bytes32 {
    sys::evmc_bytes32 {
        bytes: [n as u8; 32],
    }
}

unsafe extern "C" fn emit_log(
    ctx: *mut sys::evmc_host_context,
    a: *const sys::evmc_address,
    data: *const u8,
    size: usize,
    topics: *const sys::evmc_bytes32,
    n: usize,
) {
    // SAFETY: as above; `data`/`topics` point to `size`/`n` items (or are
    // unused when the count is 0).
    unsafe {
        let data = if size == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(data, size).to_vec()
        };
        let topics = if n == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(topics, n)
                .iter()
                .map(|t| t.bytes)
                .collect()
        };
        host(ctx).logs.borrow_mut().push(((*a).bytes, data, topics));
    }
}

#[test]
fn identity_abi_name_version() {
    let vm = Vm::new();
    // SAFETY: live instance; name and version are static C strings.
    unsafe {
        assert_eq!((*vm.0).abi_version, ABI as i32);
        assert_eq!(std::ffi::CStr::from_ptr((*vm.0).name).to_str(), Ok("ssvm"));
        assert_eq!(
            std::ffi::CStr::from_ptr((*vm.0).version).to_str(),
            Ok(env!("CARGO_PKG_VERSION"))
        );
        assert!((*vm.0).destroy.is_some() && (*vm.0).execute.is_some());
    }
    // The generic entry point makes an equivalent, distinct instance.
    // SAFETY: the constructor takes no arguments.
    let other = Vm(unsafe { (lib().create)() });
    assert!(!other.0.is_null() && other.0 != vm.0);
    // SAFETY: live instance.
    assert_eq!(unsafe { (*other.0).abi_version }, ABI as i32);
}

#[test]
fn capabilities_are_ewasm_plus_evm1_in_fallback() {
    let vm = Vm::new();
    assert_eq!(vm.capabilities(), 2, "EVMC_CAPABILITY_EWASM");
    assert_eq!(vm.set_option(Some("evm1mode"), Some("fallback")), OK);
    assert_eq!(vm.capabilities(), 3, "EWASM | EVM1");
    assert_eq!(vm.set_option(Some("evm1mode"), Some("reject")), OK);
    assert_eq!(vm.capabilities(), 2);
}

#[test]
fn set_option_every_case() {
    let vm = Vm::new();
    for &(name, value, expected) in SET_OPTION_CASES {
        assert_eq!(vm.set_option(name, value), expected, "{name:?}={value:?}");
    }
}

#[test]
fn failed_set_option_leaves_the_vm_unchanged() {
    let vm = Vm::new();
    assert_eq!(vm.set_option(Some("evm1mode"), Some("fallback")), OK);
    assert_eq!(vm.set_option(Some("evm1mode"), Some("bogus")), BAD_VALUE);
    assert_eq!(vm.set_option(Some("evm1mode"), None), BAD_VALUE);
    assert_eq!(vm.capabilities(), 3);
    let h = TestHost::default();
    assert_eq!(
        vm.execute(Some(&h), BYZANTIUM, &call(1000), &EVM1_FE00)
            .status,
        status::REJECTED
    );
}

#[test]
fn code_gate_statuses() {
    let vm = Vm::new();
    let h = TestHost::default();
    let cases: &[(&[u8], u32, i64, i32)] = &[
        (&EVM1_FE00, BYZANTIUM, 1000, status::FAILURE),
        (&[], BYZANTIUM, 1000, status::FAILURE),
        (&WASM_V1[..7], BYZANTIUM, 1000, status::FAILURE),
        (
            &WASM_V2,
            BYZANTIUM,
            1000,
            status::CONTRACT_VALIDATION_FAILURE,
        ),
        (
            &WASM_V2,
            MAX_REVISION,
            1000,
            status::CONTRACT_VALIDATION_FAILURE,
        ),
        (&WASM_V1, 0, 1000, status::REJECTED),
        (&WASM_V1, 3, 1000, status::REJECTED),
        (&WASM_V1, BYZANTIUM, -1, status::FAILURE),
        (&WASM_V2, BYZANTIUM, i64::MIN, status::FAILURE),
    ];
    for &(code, rev, gas, expected) in cases {
        let res = vm.execute(Some(&h), rev, &call(gas), code);
        assert_eq!(res.status, expected, "code {code:02x?} rev {rev} gas {gas}");
        assert_eq!((res.gas_left, res.output.len()), (0, 0));
    }
    let mut static_bad_flags = call(1000);
    static_bad_flags.flags = 1 | 4;
    let res = vm.execute(Some(&h), BYZANTIUM, &static_bad_flags, &WASM_V2);
    assert_eq!(res.status, status::FAILURE, "flags other than STATIC");
    // EVMC_DELEGATED (2, EIP-7702) exists in ABI 12 only: accepted there with no effect,
    // an unknown flag (FAILURE) in ABI 7 and 9.
    let plain = vm.execute(Some(&h), BYZANTIUM, &call(1000), &WASM_V2);
    let mut delegated = call(1000);
    delegated.flags = 2;
    let res = vm.execute(Some(&h), BYZANTIUM, &delegated, &WASM_V2);
    if ABI == 12 {
        assert_eq!(res, plain, "EVMC_DELEGATED under ABI 12");
    } else {
        assert_eq!(res.status, status::FAILURE, "EVMC_DELEGATED under ABI {ABI}");
    }
    let mut static_ok = call(1000);
    static_ok.flags = 1;
    let res = vm.execute(Some(&h), BYZANTIUM, &static_ok, &WASM_V2);
    assert_eq!(
        res.status,
        status::CONTRACT_VALIDATION_FAILURE,
        "STATIC is a valid flag"
    );
    assert_eq!(vm.set_option(Some("evm1mode"), Some("fallback")), OK);
    for code in [&EVM1_FE00[..], &[]] {
        assert_eq!(
            vm.execute(Some(&h), BYZANTIUM, &call(1000), code).status,
            status::REJECTED
        );
    }
}

#[test]
fn unknown_revision_and_call_kind_are_rejected_not_ub() {
    let vm = Vm::new();
    let h = TestHost::default();
    for rev in [MAX_REVISION + 1, 99, u32::MAX] {
        let res = vm.execute(Some(&h), rev, &call(1000), &WASM_V1);
        assert_eq!(res.status, status::REJECTED, "revision {rev}");
    }
    let mut storage = std::mem::MaybeUninit::<sys::evmc_message>::uninit();
    let p = storage.as_mut_ptr();
    // SAFETY: `p` is aligned storage for a message; its kind field gets 77, a
    // value no Rust enum holds, and it is only read by the library.
    let res = unsafe {
        p.write(call(1000));
        std::ptr::addr_of_mut!((*p).kind).cast::<u32>().write(77);
        take(vm.execute_raw(Some(&h), BYZANTIUM, p, WASM_V1.as_ptr(), WASM_V1.len()))
    };
    assert_eq!(res.status, status::REJECTED);
}

#[test]
fn null_pointers_allowed_by_evmc_are_not_ub() {
    let vm = Vm::new();
    let h = TestHost::default();
    // Null host, null code with size 0, null input with size 0.
    let res = vm.execute(None, BYZANTIUM, &call(1000), &EVM1_FE00);
    assert_eq!(res.status, status::FAILURE);
    // SAFETY: null code with size 0 is allowed; the message is live.
    let res =
        unsafe { take(vm.execute_raw(Some(&h), BYZANTIUM, &call(1000), std::ptr::null(), 0)) };
    assert_eq!(
        res.status,
        status::FAILURE,
        "empty code under evm1mode=reject"
    );
    // Invalid nulls are refused, not dereferenced.
    // SAFETY: the library checks null pointers with non-zero sizes.
    let res =
        unsafe { take(vm.execute_raw(Some(&h), BYZANTIUM, &call(1000), std::ptr::null(), 8)) };
    assert_eq!(res.status, status::FAILURE, "null code with a size");
    let mut bad_input = call(1000);
    bad_input.input_size = 4;
    let res = vm.execute(Some(&h), BYZANTIUM, &bad_input, &WASM_V2);
    assert_eq!(res.status, status::FAILURE, "null input with a size");
    // SAFETY: as above, for a null message.
    let res =
        unsafe { take(vm.execute_raw(Some(&h), BYZANTIUM, std::ptr::null(), WASM_V2.as_ptr(), 8)) };
    assert_eq!(res.status, status::FAILURE, "null message");
}

#[test]
fn vmtester_execute_call_and_create_with_fe00() {
    let vm = Vm::new();
    let h = TestHost::default();
    let input = [0x42u8; 3];
    for kind in [
        sys::evmc_call_kind::EVMC_CALL,
        sys::evmc_call_kind::EVMC_CREATE,
    ] {
        let msg = message(
            kind,
            65536,
            if kind == sys::evmc_call_kind::EVMC_CALL {
                &input
            } else {
                &[]
            },
        );
        // `take` checks: non-success → gas 0 and no output; pointer/size agree.
        let res = vm.execute(Some(&h), MAX_REVISION, &msg, &EVM1_FE00);
        assert_ne!(res.status, status::SUCCESS);
        assert_eq!(res.create_address, [0; 20]);
    }
}

#[test]
fn eight_threads_execute_on_one_instance() {
    let vm = Arc::new(Vm::new());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let vm = Arc::clone(&vm);
            std::thread::spawn(move || {
                let h = TestHost::default();
                for i in 0..200 {
                    if t == 0 {
                        // One thread flips an option while the others execute.
                        let mode = if i % 2 == 0 { "fallback" } else { "reject" };
                        assert_eq!(vm.set_option(Some("evm1mode"), Some(mode)), OK);
                    }
                    let res = vm.execute(Some(&h), BYZANTIUM, &call(1000 + i), &WASM_V2);
                    assert_eq!(res.status, status::CONTRACT_VALIDATION_FAILURE);
                    let res = vm.execute(Some(&h), 2, &call(1000), &WASM_V1);
                    assert_eq!(res.status, status::REJECTED);
                    let res = vm.execute(Some(&h), BYZANTIUM, &call(1000), &EVM1_FE00);
                    assert!(matches!(res.status, status::FAILURE | status::REJECTED));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread finished without panicking");
    }
    assert_eq!(vm.set_option(Some("evm1mode"), Some("reject")), OK);
    assert_eq!(vm.capabilities(), 2);
}

#[test]
fn create_and_destroy_many_instances() {
    let vms: Vec<Vm> = (0..100).map(|_| Vm::new()).collect();
    for (i, vm) in vms.iter().enumerate() {
        let mode = if i % 2 == 0 { "fallback" } else { "reject" };
        assert_eq!(vm.set_option(Some("evm1mode"), Some(mode)), OK);
    }
    // Instances are independent.
    for (i, vm) in vms.iter().enumerate() {
        assert_eq!(vm.capabilities(), if i % 2 == 0 { 3 } else { 2 });
    }
}

#[test]
fn finish_returns_output_and_all_gas() {
    let vm = Vm::new();
    let h = TestHost::default();
    let res = vm.execute(Some(&h), BYZANTIUM, &call(50_000), &wasm(FINISH_WAT));
    let expected = Res {
        status: status::SUCCESS,
        gas_left: 50_000,
        output: vec![0xde, 0xad, 0xbe, 0xef],
        create_address: [0; 20],
    };
    assert_eq!(res, expected);
}

#[test]
fn revert_returns_output_and_gas() {
    let vm = Vm::new();
    let h = TestHost::default();
    let res = vm.execute(Some(&h), BYZANTIUM, &call(50_000), &wasm(REVERT_WAT));
    assert_eq!(
        (res.status, res.gas_left, res.output),
        (status::REVERT, 50_000, vec![0x0b, 0xad])
    );
}

#[test]
fn storage_store_and_load_through_the_host() {
    let vm = Vm::new();
    let h = TestHost::default();
    let res = vm.execute(Some(&h), BYZANTIUM, &call(100_000), &wasm(STORAGE_WAT));
    let mut value = [0u8; 32];
    value[0] = 0x2a;
    let mut key = [0u8; 32];
    key[0] = 0x01;
    assert_eq!(res.status, status::SUCCESS);
    assert_eq!(res.gas_left, 100_000 - 20_000 - 200);
    assert_eq!(res.output, value.to_vec());
    assert_eq!(h.storage.borrow().get(&([0xaa; 20], key)), Some(&value));
}

#[test]
fn log_reaches_the_host() {
    let vm = Vm::new();
    let h = TestHost::default();
    let res = vm.execute(Some(&h), BYZANTIUM, &call(10_000), &wasm(LOG_WAT));
    assert_eq!((res.status, res.gas_left), (status::SUCCESS, 10_000 - 774));
    let mut topic = [0u8; 32];
    topic[0] = 7;
    assert_eq!(
        *h.logs.borrow(),
        vec![([0xaa; 20], b"abc".to_vec(), vec![topic])]
    );
}

#[test]
fn nested_call_reenters_the_same_vm() {
    let vm = Vm::new();
    let mut h = TestHost {
        vm: Some(vm.0),
        ..TestHost::default()
    };
    h.codes.insert(CALLEE, wasm(FINISH_WAT));
    let res = vm.execute(Some(&h), BYZANTIUM, &call(1_000_000), &wasm(CALLER_WAT));
    assert_eq!(res.status, status::SUCCESS);
    assert_eq!(res.output, vec![0xde, 0xad, 0xbe, 0xef, 0]);
    assert_eq!(res.gas_left, 1_000_000 - 706);
    let expected = Received {
        kind: 0,
        depth: 1,
        gas: 100_000,
        destination: CALLEE,
        sender: [0xaa; 20],
        flags: 0,
    };
    assert_eq!(*h.calls.borrow(), vec![expected]);
}

#[test]
fn create_returns_the_runtime_code() {
    let vm = Vm::new();
    let h = TestHost::default();
    let runtime = wasm(FINISH_WAT);
    let msg = message(sys::evmc_call_kind::EVMC_CREATE, 100_000, &[]);
    let res = vm.execute(Some(&h), BYZANTIUM, &msg, &init_code_returning(&runtime));
    assert_eq!((res.status, res.gas_left), (status::SUCCESS, 100_000));
    assert_eq!(res.output, runtime);
}

#[test]
fn eight_threads_run_contracts_on_one_instance() {
    let vm = Arc::new(Vm::new());
    let code = Arc::new(wasm(STORAGE_WAT));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (vm, code) = (Arc::clone(&vm), Arc::clone(&code));
            std::thread::spawn(move || {
                for _ in 0..50 {
                    let h = TestHost::default();
                    let res = vm.execute(Some(&h), BYZANTIUM, &call(100_000), &code);
                    assert_eq!((res.status, res.gas_left), (status::SUCCESS, 79_800));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread finished without panicking");
    }
}

// The concurrency stress test (8 threads x 10,000 nested executes), in its own file.
include!("stress.rs");

// The modular bignum operations of EWASM.md 5.1, in their own file.
include!("modular.rs");

#[test]
fn every_nan_result_is_the_positive_canonical_nan() {
    let cases = crate::floats::cases();
    let (wat, len) = crate::floats::contract(&cases);
    for metering in ["false", "true"] {
        let vm = Vm::new();
        assert_eq!(vm.set_option(Some("metering"), Some(metering)), 0);
        let h = TestHost::default();
        let res = vm.execute(Some(&h), BYZANTIUM, &call(10_000_000), &wasm(&wat));
        assert_eq!(res.status, status::SUCCESS, "metering={metering}");
        assert_eq!(res.output.len(), len);
        let bad = crate::floats::mismatches(&cases, &res.output);
        assert!(
            bad.is_empty(),
            "metering={metering}: {} of {} NaN results are not canonical:\n{}",
            bad.len(),
            cases.len(),
            bad.join("\n")
        );
    }
}

#[test]
fn option_wasm_selects_the_accepted_webassembly() {
    let h = TestHost::default();
    let run = |wasm_option: Option<&str>, wat: &str| {
        let vm = Vm::new();
        if let Some(v) = wasm_option {
            assert_eq!(vm.set_option(Some("wasm"), Some(v)), 0);
        }
        let res = vm.execute(Some(&h), BYZANTIUM, &call(50_000), &wasm(wat));
        (res.status, res.gas_left, res.output)
    };
    let bulk_ok = (status::SUCCESS, 50_000, vec![0xab; 4]);
    let rejected = (status::CONTRACT_VALIDATION_FAILURE, 0, Vec::new());
    // Bulk memory runs by default (2.0) and with wasm=2.0, and fails the gate under mvp.
    assert_eq!(run(None, BULK_WAT), bulk_ok);
    assert_eq!(run(Some("2.0"), BULK_WAT), bulk_ok);
    assert_eq!(run(Some("mvp"), BULK_WAT), rejected);
    // SIMD is rejected in either mode.
    assert_eq!(run(None, SIMD_WAT), rejected);
    assert_eq!(run(Some("mvp"), SIMD_WAT), rejected);
}
