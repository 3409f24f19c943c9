//! Loading an EVMC VM library with dlopen like a real client: create the instance, check
//! the ABI, set options, execute, copy and release results, destroy. The safe wrapper is [`Vm`].

use evmc_sys::{
    evmc_host_context, evmc_host_interface, evmc_message, evmc_result, evmc_revision,
    evmc_set_option_result, evmc_status_code, evmc_vm, EVMC_ABI_VERSION,
};
use ewasm_host::Revision;
use std::ffi::{CStr, CString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;

/// Environment variable that overrides the default library path.
pub const LIBRARY_ENV: &str = "SSVM_LIB";

/// How to build the library, quoted in error messages.
pub const BUILD_HINT: &str =
    "build it with `cargo build --release -p evmc-ssvm` (or pass --vm PATH / set SSVM_LIB)";

/// The library path used when none is given: `$SSVM_LIB`, else
/// `<workspace>/target/release/libssvm.so`.
pub fn default_library_path() -> PathBuf {
    match std::env::var_os(LIBRARY_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../target/release/libssvm.so"
        )),
    }
}

/// The libraries `make build` produces, by EVMC ABI version, relative to the workspace.
pub const BUILT_LIBRARIES: [(i32, &str); 3] = [
    (9, "target/release/libssvm.so"),
    (7, "target/abi7/release/libssvm.so"),
    (12, "target/abi12/release/libssvm.so"),
];

/// Every library of [`BUILT_LIBRARIES`] that is built, as (ABI, path). A missing one is
/// skipped with a `SKIP:` line, or panics when `CI` is set (`make test` builds all three
/// first): tests that must run on every build call this.
pub fn built_libraries() -> Vec<(i32, PathBuf)> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    BUILT_LIBRARIES
        .iter()
        .filter_map(|&(abi, rel)| {
            let path = root.join(rel);
            if path.is_file() {
                return Some((abi, path));
            }
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but {} is not built (make build)",
                path.display()
            );
            eprintln!("SKIP: {} not built (make build)", path.display());
            None
        })
        .collect()
}

/// Why a library could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// No file at the path.
    Missing(PathBuf),
    /// dlopen failed.
    Open(PathBuf, String),
    /// Neither `evmc_create_ssvm` nor `evmc_create` is exported.
    NoCreateFunction(PathBuf),
    /// The create function returned null.
    CreateFailed(PathBuf),
    /// The instance reports an EVMC ABI version other than the expected one(s).
    AbiMismatch {
        /// Library path.
        path: PathBuf,
        /// ABI version the library reported.
        found: i32,
        /// The versions the loader accepts.
        expected: Vec<i32>,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Missing(p) => {
                write!(f, "VM library not found at {}: {BUILD_HINT}", p.display())
            }
            LoadError::Open(p, e) => write!(f, "cannot load VM library {}: {e}", p.display()),
            LoadError::NoCreateFunction(p) => write!(
                f,
                "{} exports neither evmc_create_ssvm nor evmc_create",
                p.display()
            ),
            LoadError::CreateFailed(p) => {
                write!(f, "{}: the EVMC create function returned null", p.display())
            }
            LoadError::AbiMismatch {
                path,
                found,
                expected,
            } => {
                let versions: Vec<String> = expected.iter().map(i32::to_string).collect();
                write!(
                    f,
                    "EVMC ABI version {found} of {} mismatches the expected version {}",
                    path.display(),
                    versions.join(" or ")
                )
            }
        }
    }
}

impl std::error::Error for LoadError {}

/// Why `set_option` failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionError {
    /// The VM does not know the option name.
    InvalidName(String),
    /// The VM rejected the value.
    InvalidValue(String, String),
    /// The name or value contains a NUL byte, or the VM has no `set_option`.
    Unsupported(String),
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionError::InvalidName(n) => write!(f, "unknown VM option `{n}`"),
            OptionError::InvalidValue(n, v) => write!(f, "invalid value `{v}` for VM option `{n}`"),
            OptionError::Unsupported(n) => write!(f, "VM option `{n}` cannot be set"),
        }
    }
}

impl std::error::Error for OptionError {}

/// An execution result with the output copied out and the VM's buffer released.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionResult {
    /// Status code.
    pub status: evmc_status_code,
    /// Gas left.
    pub gas_left: i64,
    /// Output (return or revert data; deployed code for CREATE).
    pub output: Vec<u8>,
    /// Address of the created account (CREATE results of hosts).
    pub create_address: [u8; 20],
}

impl ExecutionResult {
    /// A result without output.
    pub fn new(status: evmc_status_code, gas_left: i64) -> Self {
        ExecutionResult {
            status,
            gas_left,
            output: Vec::new(),
            create_address: [0; 20],
        }
    }

    /// Copies an `evmc_result` and calls its `release`.
    ///
    /// # Safety
    /// `result` must be a valid EVMC result whose output buffer (if any) is readable and
    /// that has not been released yet.
    pub unsafe fn take(result: evmc_result) -> Self {
        let output = if result.output_data.is_null() || result.output_size == 0 {
            Vec::new()
        } else {
            // SAFETY: the caller guarantees the buffer holds `output_size` readable bytes.
            unsafe { std::slice::from_raw_parts(result.output_data, result.output_size) }.to_vec()
        };
        if let Some(release) = result.release {
            // SAFETY: released exactly once, after the copy; the caller owns `result`.
            unsafe { release(&result) };
        }
        ExecutionResult {
            status: result.status_code,
            gas_left: result.gas_left,
            output,
            create_address: result.create_address.bytes,
        }
    }
}

impl ExecutionResult {
    /// Like [`ExecutionResult::take`] for a result whose status is still a raw integer;
    /// an unknown status becomes INTERNAL_ERROR.
    ///
    /// # Safety
    /// As for [`ExecutionResult::take`].
    unsafe fn take_raw(result: RawResult) -> Self {
        let output = if result.output_data.is_null() || result.output_size == 0 {
            Vec::new()
        } else {
            // SAFETY: the caller guarantees the buffer holds `output_size` readable bytes.
            unsafe { std::slice::from_raw_parts(result.output_data, result.output_size) }.to_vec()
        };
        if let Some(release) = result.release {
            // SAFETY: released exactly once, after the copy. `RawResult` has the layout of
            // `evmc_result`; no Rust reference to an `evmc_result` is created here.
            unsafe { release((&result as *const RawResult).cast::<evmc_result>()) };
        }
        ExecutionResult {
            status: status_from_raw(result.status_code),
            gas_left: result.gas_left,
            output,
            create_address: result.create_address.bytes,
        }
    }
}

/// `evmc_result` with the status as a plain C int, so that a VM returning an unknown
/// status code cannot produce an invalid Rust enum value.
#[repr(C)]
struct RawResult {
    status_code: i32,
    gas_left: i64,
    output_data: *const u8,
    output_size: usize,
    release: evmc_sys::evmc_release_result_fn,
    create_address: evmc_sys::evmc_address,
    padding: [u8; 4],
}

const _: () = assert!(std::mem::size_of::<RawResult>() == std::mem::size_of::<evmc_result>());
const _: () = assert!(std::mem::align_of::<RawResult>() == std::mem::align_of::<evmc_result>());
const _: () = assert!(
    std::mem::offset_of!(RawResult, create_address)
        == std::mem::offset_of!(evmc_result, create_address)
);

/// The EVMC ABI version of libraries built with feature `abi12`.
pub const ABI12: i32 = 12;
/// The EVMC ABI version of libraries built with feature `abi7`.
pub const ABI7: i32 = 7;
/// The EVMC ABI versions this host speaks: 7, 9 and 12.
pub const SUPPORTED_ABIS: [i32; 3] = [ABI7, EVMC_ABI_VERSION as i32, ABI12];

/// The EVMC revision number of `revision` in a library of EVMC ABI `abi`, or `None` when
/// that ABI's header does not define it: ABI 12 numbers as [`Revision`] (Paris 10 ..
/// Osaka 14); ABI 9 has no Paris, numbers Shanghai 10 and ends there; ABI 7 ends at Berlin.
pub fn abi_revision_number(revision: Revision, abi: i32) -> Option<u32> {
    match (abi, revision) {
        (ABI12, _) => Some(revision as u32),
        (ABI7, _) => (revision <= Revision::Berlin).then_some(revision as u32),
        (_, Revision::Shanghai) => Some(evmc_revision::EVMC_SHANGHAI as u32),
        _ => (revision <= Revision::London).then_some(revision as u32),
    }
}

type RawExecuteFn = unsafe extern "C" fn(
    *mut evmc_vm,
    *const evmc_host_interface,
    *mut evmc_host_context,
    u32,
    *const evmc_message,
    *const u8,
    usize,
) -> RawResult;

/// Every status code of EVMC ABI 9 (the table raw codes are decoded with).
pub const STATUS_CODES: [evmc_status_code; 21] = [
    evmc_status_code::EVMC_SUCCESS,
    evmc_status_code::EVMC_FAILURE,
    evmc_status_code::EVMC_REVERT,
    evmc_status_code::EVMC_OUT_OF_GAS,
    evmc_status_code::EVMC_INVALID_INSTRUCTION,
    evmc_status_code::EVMC_UNDEFINED_INSTRUCTION,
    evmc_status_code::EVMC_STACK_OVERFLOW,
    evmc_status_code::EVMC_STACK_UNDERFLOW,
    evmc_status_code::EVMC_BAD_JUMP_DESTINATION,
    evmc_status_code::EVMC_INVALID_MEMORY_ACCESS,
    evmc_status_code::EVMC_CALL_DEPTH_EXCEEDED,
    evmc_status_code::EVMC_STATIC_MODE_VIOLATION,
    evmc_status_code::EVMC_PRECOMPILE_FAILURE,
    evmc_status_code::EVMC_CONTRACT_VALIDATION_FAILURE,
    evmc_status_code::EVMC_ARGUMENT_OUT_OF_RANGE,
    evmc_status_code::EVMC_WASM_UNREACHABLE_INSTRUCTION,
    evmc_status_code::EVMC_WASM_TRAP,
    evmc_status_code::EVMC_INSUFFICIENT_BALANCE,
    evmc_status_code::EVMC_INTERNAL_ERROR,
    evmc_status_code::EVMC_REJECTED,
    evmc_status_code::EVMC_OUT_OF_MEMORY,
];

/// The status with C value `raw`; unknown values become INTERNAL_ERROR.
pub fn status_from_raw(raw: i32) -> evmc_status_code {
    STATUS_CODES
        .iter()
        .copied()
        .find(|s| *s as i32 == raw)
        .unwrap_or(evmc_status_code::EVMC_INTERNAL_ERROR)
}

/// A loaded EVMC VM instance; destroyed on drop before the library is unloaded.
pub struct Vm {
    instance: NonNull<evmc_vm>,
    path: PathBuf,
    /// The instance's EVMC ABI version: 9, 7 or 12 (then `execute` speaks ABI 7 or 12
    /// through [`crate::host_abi7`] or [`crate::host_abi12`]).
    abi: i32,
    // Declared last so it is dropped after `destroy` ran in `Drop`.
    _library: Option<libloading::Library>,
}

impl fmt::Debug for Vm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vm")
            .field("path", &self.path)
            .field("name", &self.name())
            .finish()
    }
}

type CreateFn = unsafe extern "C" fn() -> *mut evmc_vm;

impl Vm {
    /// Loads the library at `path`, creates an instance and checks that its ABI version is
    /// one this host speaks ([`SUPPORTED_ABIS`]).
    pub fn load(path: &Path) -> Result<Vm, LoadError> {
        Vm::load_expecting(path, &SUPPORTED_ABIS)
    }

    /// Loads the library at `path`, creates an instance and refuses it (destroying the
    /// instance) unless its `abi_version` is one of `expected`, as an EVMC loader does.
    pub fn load_expecting(path: &Path, expected: &[i32]) -> Result<Vm, LoadError> {
        if !path.is_file() {
            return Err(LoadError::Missing(path.to_path_buf()));
        }
        // SAFETY: loading a library runs its initialisers; an EVMC VM library is meant to be
        // loaded this way and has no initialisers with preconditions.
        let library = unsafe { libloading::Library::new(path) }
            .map_err(|e| LoadError::Open(path.to_path_buf(), e.to_string()))?;
        let create = [&b"evmc_create_ssvm\0"[..], &b"evmc_create\0"[..]]
            .into_iter()
            .find_map(|name| {
                // SAFETY: the EVMC create functions have exactly the signature `CreateFn`.
                unsafe { library.get::<CreateFn>(name) }
                    .ok()
                    .map(|sym| *sym)
            })
            .ok_or_else(|| LoadError::NoCreateFunction(path.to_path_buf()))?;
        // SAFETY: `create` is the library's EVMC create function and takes no arguments.
        let raw = unsafe { create() };
        let instance =
            NonNull::new(raw).ok_or_else(|| LoadError::CreateFailed(path.to_path_buf()))?;
        // SAFETY: a non-null instance returned by create points to a valid `evmc_vm`.
        let abi = unsafe { instance.as_ref() }.abi_version;
        let vm = Vm {
            instance,
            path: path.to_path_buf(),
            abi,
            _library: Some(library),
        };
        if !expected.contains(&abi) {
            // `vm` is dropped here: destroying an instance is fine whatever its ABI, as
            // `abi_version` and `destroy` come first in every EVMC ABI's layout.
            return Err(LoadError::AbiMismatch {
                path: path.to_path_buf(),
                found: abi,
                expected: expected.to_vec(),
            });
        }
        Ok(vm)
    }

    /// Wraps a VM instance that lives in this process (no library), e.g. a test double.
    ///
    /// # Safety
    /// `instance` must point to a valid `evmc_vm` of this ABI version that stays valid until
    /// its `destroy` is called by the returned `Vm`'s drop.
    pub unsafe fn from_instance(instance: NonNull<evmc_vm>, label: &str) -> Vm {
        Vm {
            instance,
            path: PathBuf::from(label),
            abi: EVMC_ABI_VERSION as i32,
            _library: None,
        }
    }

    fn raw(&self) -> &evmc_vm {
        // SAFETY: `instance` stays valid until `Drop`.
        unsafe { self.instance.as_ref() }
    }

    /// The instance's EVMC ABI version (9, 7 or 12).
    pub fn abi_version(&self) -> i32 {
        self.abi
    }

    /// Path the library was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The VM's name.
    pub fn name(&self) -> String {
        c_str_or_empty(self.raw().name)
    }

    /// The VM's version.
    pub fn version(&self) -> String {
        c_str_or_empty(self.raw().version)
    }

    /// The capability flags (`evmc_capabilities` bits).
    pub fn capabilities(&self) -> u32 {
        match self.raw().get_capabilities {
            // SAFETY: the instance is valid and the function belongs to it.
            Some(get) => unsafe { get(self.instance.as_ptr()) },
            None => 0,
        }
    }

    /// Sets one VM option.
    pub fn set_option(&self, name: &str, value: &str) -> Result<(), OptionError> {
        let unsupported = || OptionError::Unsupported(name.to_string());
        let set = self.raw().set_option.ok_or_else(unsupported)?;
        let c_name = CString::new(name).map_err(|_| unsupported())?;
        let c_value = CString::new(value).map_err(|_| unsupported())?;
        // SAFETY: valid instance and NUL-terminated strings that outlive the call.
        let result = unsafe { set(self.instance.as_ptr(), c_name.as_ptr(), c_value.as_ptr()) };
        match result {
            evmc_set_option_result::EVMC_SET_OPTION_SUCCESS => Ok(()),
            evmc_set_option_result::EVMC_SET_OPTION_INVALID_NAME => {
                Err(OptionError::InvalidName(name.into()))
            }
            evmc_set_option_result::EVMC_SET_OPTION_INVALID_VALUE => {
                Err(OptionError::InvalidValue(name.into(), value.into()))
            }
        }
    }

    /// Executes `code` for `msg`, copies the result and releases the VM's buffer.
    ///
    /// # Safety
    /// `host` and `context` must form a valid EVMC host for the duration of the call (the
    /// VM calls back into them, possibly re-entering this `Vm`), and `msg.input_data` must
    /// point to `msg.input_size` readable bytes (or be null with size 0).
    pub unsafe fn execute(
        &self,
        host: &evmc_host_interface,
        context: *mut evmc_host_context,
        revision: evmc_revision,
        msg: &evmc_message,
        code: &[u8],
    ) -> ExecutionResult {
        // SAFETY: forwarded contract.
        unsafe { self.execute_rev(host, context, revision as u32, msg, code) }
    }

    /// [`Vm::execute`] with the revision as the EVMC number of the library's ABI (ABI 12
    /// numbers Paris 10 .. Osaka 14; ABI 9 Shanghai 10; ABI 7 stops at Berlin 8). An ABI 7
    /// or ABI 12 library is driven with [`crate::host_abi7::HOST_INTERFACE_7`] or
    /// [`crate::host_abi12::HOST_INTERFACE_12`], which only serve this crate's
    /// [`crate::host::Host`]: `host` must then be [`crate::host_abi::HOST_INTERFACE`] (any
    /// other table gets INTERNAL_ERROR without running).
    ///
    /// # Safety
    /// As for [`Vm::execute`].
    pub unsafe fn execute_rev(
        &self,
        host: &evmc_host_interface,
        context: *mut evmc_host_context,
        revision: u32,
        msg: &evmc_message,
        code: &[u8],
    ) -> ExecutionResult {
        let Some(execute) = self.raw().execute else {
            return ExecutionResult::new(evmc_status_code::EVMC_INTERNAL_ERROR, 0);
        };
        if self.abi == ABI12 {
            if !std::ptr::eq(host, &crate::host_abi::HOST_INTERFACE) {
                return ExecutionResult::new(evmc_status_code::EVMC_INTERNAL_ERROR, 0);
            }
            // SAFETY: an ABI 12 instance's `execute` has the ABI 12 signature; only the
            // revision (a C enum, passed as an unsigned int) and the status (read as `i32`
            // in `RawResult12`, same layout) are declared as plain integers.
            let execute12 = unsafe {
                std::mem::transmute::<
                    unsafe extern "C" fn(
                        *mut evmc_vm,
                        *const evmc_host_interface,
                        *mut evmc_host_context,
                        evmc_revision,
                        *const evmc_message,
                        *const u8,
                        usize,
                    ) -> evmc_result,
                    crate::host_abi12::RawExecute12,
                >(execute)
            };
            // SAFETY: forwarded contract; `context` is the `Host` the ABI 9 table serves.
            return unsafe {
                crate::host_abi12::execute12(
                    self.instance.as_ptr().cast(),
                    execute12,
                    context,
                    revision,
                    msg,
                    code,
                )
            };
        }
        let host: *const evmc_host_interface = if self.abi == ABI7 {
            if !std::ptr::eq(host, &crate::host_abi::HOST_INTERFACE) {
                return ExecutionResult::new(evmc_status_code::EVMC_INTERNAL_ERROR, 0);
            }
            // An ABI 7 VM reads the table as ABI 7's `evmc_host_interface`, which
            // `HostInterface7` is (asserted in `host_abi7`).
            std::ptr::from_ref(&crate::host_abi7::HOST_INTERFACE_7).cast()
        } else {
            host
        };
        // SAFETY: only the declared types of the revision and the returned status change (C
        // enums, read as integers); `RawResult` has `evmc_result`'s layout (asserted below),
        // and ABI 7's `execute`, message and result have ABI 9's layout (`host_abi7`).
        let execute: RawExecuteFn = unsafe { std::mem::transmute(execute) };
        let code_ptr = if code.is_empty() {
            std::ptr::null()
        } else {
            code.as_ptr()
        };
        // SAFETY: valid instance; host, context and msg per this function's contract; the
        // code slice outlives the call.
        let result = unsafe {
            execute(
                self.instance.as_ptr(),
                host,
                context,
                revision,
                msg,
                code_ptr,
                code.len(),
            )
        };
        // SAFETY: a fresh result from `execute`, released once by `take_raw`.
        unsafe { ExecutionResult::take_raw(result) }
    }
}

impl Drop for Vm {
    fn drop(&mut self) {
        if let Some(destroy) = self.raw().destroy {
            // SAFETY: the instance is valid and destroyed exactly once; the library is
            // still loaded because `_library` is dropped after this.
            unsafe { destroy(self.instance.as_ptr()) };
        }
    }
}

fn c_str_or_empty(ptr: *const std::os::raw::c_char) -> String {
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: EVMC names and versions are NUL-terminated static strings.
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

/// Splits `path,k=v,k2=v2` (the `--vm` syntax of EVMC clients) into the path and options.
pub fn parse_vm_spec(spec: &str) -> Result<(PathBuf, Vec<(String, String)>), String> {
    let mut parts = spec.split(',');
    let path = parts.next().unwrap_or_default();
    let options = parts.map(parse_option).collect::<Result<Vec<_>, _>>()?;
    Ok((PathBuf::from(path), options))
}

/// Parses one `K=V` option.
pub fn parse_option(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("option `{text}` is not of the form K=V")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_status_codes_decode_completely() {
        // ABI 9 defines -3..=17; every one round-trips, anything else is INTERNAL_ERROR.
        for raw in -3..=17 {
            assert_eq!(status_from_raw(raw) as i32, raw);
        }
        assert_eq!(STATUS_CODES.len(), 21);
        assert_eq!(status_from_raw(99), evmc_status_code::EVMC_INTERNAL_ERROR);
        assert_eq!(status_from_raw(-4), evmc_status_code::EVMC_INTERNAL_ERROR);
    }

    #[test]
    fn vm_spec_splits_path_and_options() {
        let (path, options) = parse_vm_spec("./libssvm.so,metering=true,debug=false").unwrap();
        assert_eq!(path, PathBuf::from("./libssvm.so"));
        assert_eq!(
            options,
            vec![
                ("metering".into(), "true".into()),
                ("debug".into(), "false".into())
            ]
        );
        assert!(parse_vm_spec("x.so,novalue").is_err());
        assert!(parse_option("=v").is_err());
        assert_eq!(parse_option("a=b=c").unwrap(), ("a".into(), "b=c".into()));
    }

    #[test]
    fn missing_library_names_path_and_build_command() {
        let err = Vm::load(Path::new("/nonexistent/libssvm.so")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("/nonexistent/libssvm.so"), "{text}");
        assert!(
            text.contains("cargo build --release -p evmc-ssvm"),
            "{text}"
        );
    }

    #[test]
    fn non_library_file_fails_to_open() {
        let path = std::env::temp_dir().join(format!("ssvm-not-a-lib-{}.so", std::process::id()));
        std::fs::write(&path, b"not an ELF file").unwrap();
        let err = Vm::load(&path).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert!(matches!(err, LoadError::Open(..)), "{err}");
    }

    #[test]
    fn default_path_points_into_workspace_target() {
        if std::env::var_os(LIBRARY_ENV).is_none() {
            let path = default_library_path();
            assert!(
                path.ends_with("target/release/libssvm.so"),
                "{}",
                path.display()
            );
        }
    }
}
