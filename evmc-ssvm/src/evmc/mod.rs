//! The EVMC face of `libssvm.so`: the VM instance, the exported `evmc_create_ssvm` /
//! `evmc_create`, and the `destroy`, `execute`, `get_capabilities` and `set_option`
//! callbacks. The only module that converts EVMC structs to Rust types (with `abi`,
//! `convert` and `host`); nothing here panics across the C boundary.

pub mod abi;
pub mod convert;
pub mod host;
pub mod sys12;

use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{PoisonError, RwLock};

use ewasm_host::StatusCode;

use crate::options::{Evm1Mode, OptionError, Options, OPTION_NAMES};
use crate::vm::{self, Outcome};
use abi::sys;
use host::EvmcHost;

/// The VM name reported in `evmc_vm::name`.
pub const NAME: &CStr = c"ssvm";

/// The VM version reported in `evmc_vm::version`: the crate version.
pub const VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => panic!("crate version contains a NUL byte"),
    };

/// The VM instance handed to hosts. `#[repr(C)]` with `evmc_vm` first, so a pointer to the
/// instance is a valid `evmc_vm*` and back; the remaining fields are ours alone.
#[repr(C)]
#[derive(Debug)]
pub struct SsvmVm {
    /// The EVMC part the host sees.
    evmc: sys::evmc_vm,
    /// Current options: read (copied) at the start of each execute, written by set_option.
    options: RwLock<Options>,
    /// Compiled contracts, shared by every execute on this instance.
    cache: vm::ContractCache,
}

impl SsvmVm {
    /// A fresh instance with default options.
    fn new() -> SsvmVm {
        SsvmVm {
            evmc: sys::evmc_vm {
                abi_version: abi::ABI_VERSION,
                name: NAME.as_ptr(),
                version: VERSION.as_ptr(),
                destroy: Some(destroy),
                execute: abi::execute_field(execute),
                get_capabilities: Some(get_capabilities),
                set_option: Some(set_option),
            },
            options: RwLock::new(Options::default()),
            cache: vm::ContractCache::default(),
        }
    }

    /// A snapshot of the options (a poisoned lock still holds a consistent value: writes
    /// are single assignments of a validated `Options`).
    fn options(&self) -> Options {
        *self.options.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sets one option atomically; on error nothing changes.
    fn set_option(&self, name: &str, value: &str) -> Result<(), OptionError> {
        let mut guard = self.options.write().unwrap_or_else(PoisonError::into_inner);
        let mut next = *guard;
        next.set(name, value)?;
        *guard = next;
        Ok(())
    }
}

/// The EVMC capability flags for `opts`: EWASM, plus EVM1 when `evm1mode=fallback`.
pub fn capabilities(opts: &Options) -> u32 {
    let ewasm = sys::evmc_capabilities::EVMC_CAPABILITY_EWASM as u32;
    match opts.evm1mode {
        Evm1Mode::Reject => ewasm,
        Evm1Mode::Fallback => ewasm | sys::evmc_capabilities::EVMC_CAPABILITY_EVM1 as u32,
    }
}

/// Creates a VM instance (the name EVMC loaders derive from `libssvm.so`).
#[no_mangle]
pub extern "C" fn evmc_create_ssvm() -> *mut sys::evmc_vm {
    Box::into_raw(Box::new(SsvmVm::new())).cast::<sys::evmc_vm>()
}

/// Creates a VM instance (the generic EVMC entry point).
#[no_mangle]
pub extern "C" fn evmc_create() -> *mut sys::evmc_vm {
    evmc_create_ssvm()
}

/// The instance behind `vm`, if non-null.
///
/// # Safety
/// `vm` is null or was returned by [`evmc_create_ssvm`] and not destroyed yet.
unsafe fn instance<'a>(vm: *mut sys::evmc_vm) -> Option<&'a SsvmVm> {
    // SAFETY: a non-null `vm` points to the first field of a live `#[repr(C)] SsvmVm`.
    unsafe { vm.cast::<SsvmVm>().as_ref() }
}

/// `evmc_vm::destroy`: frees the instance.
///
/// # Safety
/// `vm` is null or came from [`evmc_create_ssvm`]; no execute is running on it and it is
/// not used afterwards.
unsafe extern "C" fn destroy(vm: *mut sys::evmc_vm) {
    if !vm.is_null() {
        // SAFETY: `vm` is the pointer made by `Box::into_raw` in `evmc_create_ssvm`.
        drop(unsafe { Box::from_raw(vm.cast::<SsvmVm>()) });
    }
}

/// `evmc_vm::get_capabilities`.
///
/// # Safety
/// As for [`instance`].
unsafe extern "C" fn get_capabilities(vm: *mut sys::evmc_vm) -> u32 {
    // SAFETY: forwarded contract.
    let opts = unsafe { instance(vm) }
        .map(SsvmVm::options)
        .unwrap_or_default();
    capabilities(&opts)
}

/// `evmc_vm::set_option`: SUCCESS, INVALID_NAME or INVALID_VALUE; the VM is unchanged on
/// error. A name is checked before its value.
///
/// # Safety
/// As for [`instance`]; `name` and `value` are null or NUL-terminated strings.
unsafe extern "C" fn set_option(
    vm: *mut sys::evmc_vm,
    name: *const c_char,
    value: *const c_char,
) -> sys::evmc_set_option_result {
    use sys::evmc_set_option_result::*;
    // SAFETY: forwarded contract.
    let run = || unsafe { set_option_checked(vm, name, value) };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok(())) => EVMC_SET_OPTION_SUCCESS,
        Ok(Err(OptionError::InvalidName)) => EVMC_SET_OPTION_INVALID_NAME,
        Ok(Err(OptionError::InvalidValue)) | Err(_) => EVMC_SET_OPTION_INVALID_VALUE,
    }
}

/// [`set_option`] in Rust types.
///
/// # Safety
/// As for [`set_option`].
unsafe fn set_option_checked(
    vm: *mut sys::evmc_vm,
    name: *const c_char,
    value: *const c_char,
) -> Result<(), OptionError> {
    // SAFETY: forwarded contract.
    let name = unsafe { c_str(name) }.ok_or(OptionError::InvalidName)?;
    if !OPTION_NAMES.contains(&name) {
        return Err(OptionError::InvalidName);
    }
    // SAFETY: forwarded contract.
    let value = unsafe { c_str(value) }.ok_or(OptionError::InvalidValue)?;
    // SAFETY: forwarded contract.
    let vm = unsafe { instance(vm) }.ok_or(OptionError::InvalidName)?;
    vm.set_option(name, value)
}

/// A UTF-8 string from a C string, `None` for null or invalid UTF-8.
///
/// # Safety
/// `s` is null or a NUL-terminated string.
unsafe fn c_str<'a>(s: *const c_char) -> Option<&'a str> {
    if s.is_null() {
        return None;
    }
    // SAFETY: non-null and NUL-terminated per the contract.
    unsafe { CStr::from_ptr(s) }.to_str().ok()
}

/// `evmc_vm::execute`, with the revision taken as a raw integer. Never unwinds: a panic
/// anywhere becomes INTERNAL_ERROR with gas 0 and no output.
///
/// # Safety
/// The EVMC execute contract: `vm` from [`evmc_create_ssvm`]; `host` null or a host table
/// whose functions accept `ctx`; `msg` null or a readable message; `code` null or
/// `code_size` readable bytes.
unsafe extern "C" fn execute(
    vm: *mut sys::evmc_vm,
    host: *const sys::evmc_host_interface,
    ctx: abi::Ctx,
    rev: u32,
    msg: *const sys::evmc_message,
    code: *const u8,
    code_size: usize,
) -> sys::evmc_result {
    // SAFETY: forwarded contract.
    let outcome = guarded(|| unsafe { execute_checked(vm, host, ctx, rev, msg, code, code_size) });
    convert::outcome_to_sys(outcome)
}

/// Runs `f`; a panic becomes INTERNAL_ERROR with gas 0 and no output.
fn guarded(f: impl FnOnce() -> Outcome) -> Outcome {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Outcome::status(StatusCode::InternalError))
}

/// [`execute`] after the boundary: checks and converts the inputs, then runs [`vm::execute`].
///
/// # Safety
/// As for [`execute`].
unsafe fn execute_checked(
    vm: *mut sys::evmc_vm,
    host: *const sys::evmc_host_interface,
    ctx: abi::Ctx,
    rev: u32,
    msg: *const sys::evmc_message,
    code: *const u8,
    code_size: usize,
) -> Outcome {
    // SAFETY: forwarded contract.
    let Some(vm) = (unsafe { instance(vm) }) else {
        return Outcome::status(StatusCode::Rejected);
    };
    let Some(rev) = abi::revision_from_raw(rev) else {
        return Outcome::status(StatusCode::Rejected);
    };
    if msg.is_null() {
        return Outcome::status(StatusCode::Failure);
    }
    // SAFETY: non-null and readable per the contract.
    let message = match unsafe { convert::message_from_raw(msg) } {
        Ok(m) => m,
        Err(status) => return Outcome::status(status),
    };
    // SAFETY: `code` points to `code_size` bytes (or is null) per the contract.
    let Some(code) = (unsafe { convert::bytes_from_raw(code, code_size) }) else {
        return Outcome::status(StatusCode::Failure);
    };
    // SAFETY: `host` is null or a valid table whose functions accept `ctx` for this call.
    let mut host = unsafe { EvmcHost::new(host.as_ref(), ctx, message.recipient) };
    let opts = vm.options();
    vm::execute(&opts, &vm.cache, rev, &message, code, &mut host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_crate_version() {
        assert_eq!(VERSION.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(NAME.to_str().unwrap(), "ssvm");
    }

    #[test]
    fn capabilities_follow_evm1mode() {
        let mut o = Options::default();
        assert_eq!(capabilities(&o), 2);
        o.evm1mode = Evm1Mode::Fallback;
        assert_eq!(capabilities(&o), 3);
    }

    #[test]
    fn set_option_rejects_invalid_utf8_and_null() {
        use sys::evmc_set_option_result::*;
        let vm = evmc_create_ssvm();
        let bad = c"\xff";
        // SAFETY: `vm` is live; every string is NUL-terminated or null; destroyed once.
        unsafe {
            assert_eq!(
                set_option(vm, bad.as_ptr(), c"true".as_ptr()),
                EVMC_SET_OPTION_INVALID_NAME
            );
            assert_eq!(
                set_option(vm, c"trace".as_ptr(), bad.as_ptr()),
                EVMC_SET_OPTION_INVALID_VALUE
            );
            let null = std::ptr::null();
            assert_eq!(
                set_option(vm, c"trace".as_ptr(), null),
                EVMC_SET_OPTION_INVALID_VALUE
            );
            assert_eq!(set_option(vm, null, null), EVMC_SET_OPTION_INVALID_NAME);
            let name = c"trace".as_ptr();
            let value = c"true".as_ptr();
            let nothing = std::ptr::null_mut();
            assert_eq!(
                set_option(nothing, name, value),
                EVMC_SET_OPTION_INVALID_NAME
            );
            assert_eq!(instance(vm).unwrap().options(), Options::default());
            assert_eq!(set_option(vm, name, value), EVMC_SET_OPTION_SUCCESS);
            assert!(instance(vm).unwrap().options().trace);
            destroy(vm);
        }
    }

    #[test]
    fn a_panic_becomes_internal_error() {
        let outcome = guarded(|| panic!("deliberate panic in a test"));
        assert_eq!(outcome, Outcome::status(StatusCode::InternalError));
        let res = convert::outcome_to_sys(outcome);
        assert_eq!(res.status_code as i32, -1);
        assert_eq!((res.gas_left, res.output_size), (0, 0));
        assert!(res.output_data.is_null());
        let fine = guarded(|| Outcome::status(StatusCode::Revert));
        assert_eq!(fine.status, StatusCode::Revert);
    }

    #[test]
    fn instance_pointer_is_its_evmc_vm() {
        let vm = evmc_create_ssvm();
        // SAFETY: `vm` is a live instance; destroyed once at the end.
        unsafe {
            assert_eq!((*vm).abi_version, abi::ABI_VERSION);
            let inst = instance(vm).unwrap();
            assert!(std::ptr::eq(&inst.evmc, vm));
            assert_eq!(inst.options(), Options::default());
            ((*vm).destroy.unwrap())(vm);
        }
    }
}
