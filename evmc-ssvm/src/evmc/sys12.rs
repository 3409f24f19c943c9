//! The EVMC ABI 12 types, written by hand from EVMC 12.1.0's `include/evmc/evmc.h` (no evmc
//! crate on crates.io goes past ABI 9). Same names as the bindgen output of `evmc-sys`, so
//! `abi` can offer this module as `sys` under feature `abi12` and the rest of the crate
//! does not change. Always compiled (plain `#[repr(C)]` data, no code) so that the test
//! hosts can speak ABI 12 to a built `libssvm.so` while linking the ABI 9 rlib.
//!
//! Every struct here is checked field by field by the `ssvm-tests` test `evmc_abi12_layout`
//! against the header's layout facts recorded in `../shared/docs/EVMC12.md` (sizeof,
//! alignof and offsetof as a C compiler reports them, enum values, host-table order).
//! Enums that a host fills (status, revision, storage and access status) are declared as
//! Rust enums like bindgen does, but `abi` reads them from hosts as plain integers.

#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int};

/// `EVMC_ABI_VERSION`: the ABI version of EVMC 12.x.
pub const EVMC_ABI_VERSION: u32 = 12;

/// `evmc_bytes32`: a 32-byte value (hash, storage key or value, big-endian integer).
#[repr(C)]
#[derive(Debug, Copy, Clone, Default, Hash, PartialEq, Eq)]
pub struct evmc_bytes32 {
    /// The 32 bytes.
    pub bytes: [u8; 32],
}

/// `evmc_uint256be`: a 256-bit big-endian integer.
pub type evmc_uint256be = evmc_bytes32;

/// `evmc_address`: a 160-bit account address.
#[repr(C)]
#[derive(Debug, Copy, Clone, Default, Hash, PartialEq, Eq)]
pub struct evmc_address {
    /// The 20 bytes.
    pub bytes: [u8; 20],
}

/// `enum evmc_call_kind`: the kind of a call-like instruction.
#[repr(u32)]
#[derive(Debug, Copy, Clone, Hash, PartialEq, Eq)]
pub enum evmc_call_kind {
    /// CALL.
    EVMC_CALL = 0,
    /// DELEGATECALL (since Homestead).
    EVMC_DELEGATECALL = 1,
    /// CALLCODE.
    EVMC_CALLCODE = 2,
    /// CREATE.
    EVMC_CREATE = 3,
    /// CREATE2 (since Constantinople).
    EVMC_CREATE2 = 4,
    /// EOFCREATE (since Osaka; never sent or accepted by SSVM).
    EVMC_EOFCREATE = 5,
}

/// `enum evmc_flags`: the message flags.
#[repr(u32)]
#[derive(Debug, Copy, Clone, Hash, PartialEq, Eq)]
pub enum evmc_flags {
    /// Static call mode.
    EVMC_STATIC = 1,
    /// Delegated call mode (EIP-7702, since Prague).
    EVMC_DELEGATED = 2,
}

/// `struct evmc_message`: the message parameters (ABI 12: `recipient`, `code_address`,
/// `code`).
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct evmc_message {
    /// The kind of the call (an `evmc_call_kind` value).
    pub kind: evmc_call_kind,
    /// Additional flags (`evmc_flags` bits).
    pub flags: u32,
    /// The present depth of the message call stack.
    pub depth: i32,
    /// The amount of gas available to the message execution.
    pub gas: i64,
    /// The recipient: the account whose storage and balance the execution uses.
    pub recipient: evmc_address,
    /// The sender of the message.
    pub sender: evmc_address,
    /// The message input data (may be null when `input_size` is 0).
    pub input_data: *const u8,
    /// The size of the input data.
    pub input_size: usize,
    /// The amount of Ether transferred with the message.
    pub value: evmc_uint256be,
    /// The optional value used in new contract address construction (CREATE2).
    pub create2_salt: evmc_bytes32,
    /// The address of the code to be executed (differs from `recipient` for CALLCODE and
    /// DELEGATECALL, and under EIP-7702 delegation).
    pub code_address: evmc_address,
    /// The code to be executed (EOFCREATE; null otherwise).
    pub code: *const u8,
    /// The length of `code`.
    pub code_size: usize,
}

/// `evmc_tx_initcode`: a hashed init code of the transaction (TXCREATE).
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct evmc_tx_initcode {
    /// The init code hash.
    pub hash: evmc_bytes32,
    /// The code.
    pub code: *const u8,
    /// The length of the code.
    pub code_size: usize,
}

/// `struct evmc_tx_context`: the transaction and block data.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct evmc_tx_context {
    /// The transaction gas price.
    pub tx_gas_price: evmc_uint256be,
    /// The transaction origin account.
    pub tx_origin: evmc_address,
    /// The miner of the block.
    pub block_coinbase: evmc_address,
    /// The block number.
    pub block_number: i64,
    /// The block timestamp.
    pub block_timestamp: i64,
    /// The block gas limit.
    pub block_gas_limit: i64,
    /// The block previous RANDAO (EIP-4399); the difficulty before Paris.
    pub block_prev_randao: evmc_uint256be,
    /// The blockchain's chain id.
    pub chain_id: evmc_uint256be,
    /// The block base fee per gas (EIP-1559, EIP-3198).
    pub block_base_fee: evmc_uint256be,
    /// The blob base fee (EIP-7516).
    pub blob_base_fee: evmc_uint256be,
    /// The array of blob hashes (EIP-4844); may be null when the count is 0.
    pub blob_hashes: *const evmc_bytes32,
    /// The number of blob hashes.
    pub blob_hashes_count: usize,
    /// The array of transaction init codes (TXCREATE).
    pub initcodes: *const evmc_tx_initcode,
    /// The number of transaction init codes.
    pub initcodes_count: usize,
}

/// `struct evmc_host_context`: opaque, only ever behind a pointer.
#[repr(C)]
#[derive(Debug)]
pub struct evmc_host_context {
    _opaque: [u8; 0],
}

/// `evmc_get_tx_context_fn`.
pub type evmc_get_tx_context_fn =
    Option<unsafe extern "C" fn(context: *mut evmc_host_context) -> evmc_tx_context>;

/// `evmc_get_block_hash_fn`.
pub type evmc_get_block_hash_fn =
    Option<unsafe extern "C" fn(context: *mut evmc_host_context, number: i64) -> evmc_bytes32>;

/// `enum evmc_status_code`: the execution status.
#[repr(i32)]
#[derive(Debug, Copy, Clone, Hash, PartialEq, Eq)]
pub enum evmc_status_code {
    /// Execution finished with success.
    EVMC_SUCCESS = 0,
    /// Generic execution failure.
    EVMC_FAILURE = 1,
    /// Execution terminated with REVERT.
    EVMC_REVERT = 2,
    /// Out of gas.
    EVMC_OUT_OF_GAS = 3,
    /// Designated INVALID instruction.
    EVMC_INVALID_INSTRUCTION = 4,
    /// An undefined instruction.
    EVMC_UNDEFINED_INSTRUCTION = 5,
    /// Stack overflow.
    EVMC_STACK_OVERFLOW = 6,
    /// Stack underflow.
    EVMC_STACK_UNDERFLOW = 7,
    /// Bad jump destination.
    EVMC_BAD_JUMP_DESTINATION = 8,
    /// Invalid memory access.
    EVMC_INVALID_MEMORY_ACCESS = 9,
    /// Call depth exceeded.
    EVMC_CALL_DEPTH_EXCEEDED = 10,
    /// State modification in static mode.
    EVMC_STATIC_MODE_VIOLATION = 11,
    /// A precompile failed.
    EVMC_PRECOMPILE_FAILURE = 12,
    /// Contract validation failed (Ewasm).
    EVMC_CONTRACT_VALIDATION_FAILURE = 13,
    /// An argument out of range.
    EVMC_ARGUMENT_OUT_OF_RANGE = 14,
    /// WebAssembly `unreachable`.
    EVMC_WASM_UNREACHABLE_INSTRUCTION = 15,
    /// WebAssembly trap.
    EVMC_WASM_TRAP = 16,
    /// The caller does not have enough funds for the value transfer.
    EVMC_INSUFFICIENT_BALANCE = 17,
    /// EVM implementation generic internal error.
    EVMC_INTERNAL_ERROR = -1,
    /// The execution of the given code and/or message has been rejected.
    EVMC_REJECTED = -2,
    /// The VM failed to allocate memory.
    EVMC_OUT_OF_MEMORY = -3,
}

/// `evmc_release_result_fn`.
pub type evmc_release_result_fn = Option<unsafe extern "C" fn(result: *const evmc_result)>;

/// `struct evmc_result`: the execution result (ABI 12 adds `gas_refund`).
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct evmc_result {
    /// The execution status code.
    pub status_code: evmc_status_code,
    /// Gas left; 0 unless SUCCESS or REVERT.
    pub gas_left: i64,
    /// The refund accumulated by this execution and its sub-calls; 0 unless SUCCESS.
    pub gas_refund: i64,
    /// The output data (may be null when `output_size` is 0).
    pub output_data: *const u8,
    /// The output size.
    pub output_size: usize,
    /// The function releasing the result's resources, if any.
    pub release: evmc_release_result_fn,
    /// The address of a successfully created contract.
    pub create_address: evmc_address,
    /// Reserved.
    pub padding: [u8; 4],
}

/// `evmc_account_exists_fn`.
pub type evmc_account_exists_fn = Option<
    unsafe extern "C" fn(context: *mut evmc_host_context, address: *const evmc_address) -> bool,
>;

/// `evmc_get_storage_fn`.
pub type evmc_get_storage_fn = Option<
    unsafe extern "C" fn(
        context: *mut evmc_host_context,
        address: *const evmc_address,
        key: *const evmc_bytes32,
    ) -> evmc_bytes32,
>;

/// `evmc_get_transient_storage_fn` (EIP-1153).
pub type evmc_get_transient_storage_fn = Option<
    unsafe extern "C" fn(
        context: *mut evmc_host_context,
        address: *const evmc_address,
        key: *const evmc_bytes32,
    ) -> evmc_bytes32,
>;

/// `enum evmc_storage_status`: the effect of a storage write (ABI 10+ meanings, with the
/// original value `O`, current `C` and new `N` of EIP-2200).
#[repr(u32)]
#[derive(Debug, Copy, Clone, Hash, PartialEq, Eq)]
pub enum evmc_storage_status {
    /// Assigned without affecting the cost structure (catch-all).
    EVMC_STORAGE_ASSIGNED = 0,
    /// 0 -> 0 -> Z.
    EVMC_STORAGE_ADDED = 1,
    /// X -> X -> 0.
    EVMC_STORAGE_DELETED = 2,
    /// X -> X -> Z.
    EVMC_STORAGE_MODIFIED = 3,
    /// X -> 0 -> Z.
    EVMC_STORAGE_DELETED_ADDED = 4,
    /// X -> Y -> 0.
    EVMC_STORAGE_MODIFIED_DELETED = 5,
    /// X -> 0 -> X.
    EVMC_STORAGE_DELETED_RESTORED = 6,
    /// 0 -> Y -> 0.
    EVMC_STORAGE_ADDED_DELETED = 7,
    /// X -> Y -> X.
    EVMC_STORAGE_MODIFIED_RESTORED = 8,
}

/// `evmc_set_storage_fn`.
pub type evmc_set_storage_fn = Option<
    unsafe extern "C" fn(
        context: *mut evmc_host_context,
        address: *const evmc_address,
        key: *const evmc_bytes32,
        value: *const evmc_bytes32,
    ) -> evmc_storage_status,
>;

/// `evmc_set_transient_storage_fn` (EIP-1153).
pub type evmc_set_transient_storage_fn = Option<
    unsafe extern "C" fn(
        context: *mut evmc_host_context,
        address: *const evmc_address,
        key: *const evmc_bytes32,
        value: *const evmc_bytes32,
    ),
>;

/// `evmc_get_balance_fn`.
pub type evmc_get_balance_fn = Option<
    unsafe extern "C" fn(
        context: *mut evmc_host_context,
        address: *const evmc_address,
    ) -> evmc_uint256be,
>;

/// `evmc_get_code_size_fn`.
pub type evmc_get_code_size_fn = Option<
    unsafe extern "C" fn(context: *mut evmc_host_context, address: *const evmc_address) -> usize,
>;

/// `evmc_get_code_hash_fn`.
pub type evmc_get_code_hash_fn = Option<
    unsafe extern "C" fn(
        context: *mut evmc_host_context,
        address: *const evmc_address,
    ) -> evmc_bytes32,
>;

/// `evmc_copy_code_fn`.
pub type evmc_copy_code_fn = Option<
    unsafe extern "C" fn(
        context: *mut evmc_host_context,
        address: *const evmc_address,
        code_offset: usize,
        buffer_data: *mut u8,
        buffer_size: usize,
    ) -> usize,
>;

/// `evmc_selfdestruct_fn`: returns true when the account was registered for the first time.
pub type evmc_selfdestruct_fn = Option<
    unsafe extern "C" fn(
        context: *mut evmc_host_context,
        address: *const evmc_address,
        beneficiary: *const evmc_address,
    ) -> bool,
>;

/// `evmc_emit_log_fn`.
pub type evmc_emit_log_fn = Option<
    unsafe extern "C" fn(
        context: *mut evmc_host_context,
        address: *const evmc_address,
        data: *const u8,
        data_size: usize,
        topics: *const evmc_bytes32,
        topics_count: usize,
    ),
>;

/// `enum evmc_access_status` (EIP-2929).
#[repr(u32)]
#[derive(Debug, Copy, Clone, Hash, PartialEq, Eq)]
pub enum evmc_access_status {
    /// First access.
    EVMC_ACCESS_COLD = 0,
    /// Accessed before.
    EVMC_ACCESS_WARM = 1,
}

/// `evmc_access_account_fn`.
pub type evmc_access_account_fn = Option<
    unsafe extern "C" fn(
        context: *mut evmc_host_context,
        address: *const evmc_address,
    ) -> evmc_access_status,
>;

/// `evmc_access_storage_fn`.
pub type evmc_access_storage_fn = Option<
    unsafe extern "C" fn(
        context: *mut evmc_host_context,
        address: *const evmc_address,
        key: *const evmc_bytes32,
    ) -> evmc_access_status,
>;

/// `evmc_call_fn`.
pub type evmc_call_fn = Option<
    unsafe extern "C" fn(context: *mut evmc_host_context, msg: *const evmc_message) -> evmc_result,
>;

/// `struct evmc_host_interface`: the host callbacks, in the 12.1 order.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct evmc_host_interface {
    /// Check account existence.
    pub account_exists: evmc_account_exists_fn,
    /// Get storage value.
    pub get_storage: evmc_get_storage_fn,
    /// Set storage value.
    pub set_storage: evmc_set_storage_fn,
    /// Get balance.
    pub get_balance: evmc_get_balance_fn,
    /// Get code size.
    pub get_code_size: evmc_get_code_size_fn,
    /// Get code hash.
    pub get_code_hash: evmc_get_code_hash_fn,
    /// Copy code.
    pub copy_code: evmc_copy_code_fn,
    /// Selfdestruct.
    pub selfdestruct: evmc_selfdestruct_fn,
    /// Call or create.
    pub call: evmc_call_fn,
    /// Get transaction context.
    pub get_tx_context: evmc_get_tx_context_fn,
    /// Get block hash.
    pub get_block_hash: evmc_get_block_hash_fn,
    /// Emit log.
    pub emit_log: evmc_emit_log_fn,
    /// Access account (EIP-2929).
    pub access_account: evmc_access_account_fn,
    /// Access storage (EIP-2929).
    pub access_storage: evmc_access_storage_fn,
    /// Get transient storage (EIP-1153).
    pub get_transient_storage: evmc_get_transient_storage_fn,
    /// Set transient storage (EIP-1153).
    pub set_transient_storage: evmc_set_transient_storage_fn,
}

/// `evmc_destroy_fn`.
pub type evmc_destroy_fn = Option<unsafe extern "C" fn(vm: *mut evmc_vm)>;

/// `enum evmc_set_option_result`.
#[repr(u32)]
#[derive(Debug, Copy, Clone, Hash, PartialEq, Eq)]
pub enum evmc_set_option_result {
    /// The option was set.
    EVMC_SET_OPTION_SUCCESS = 0,
    /// Unknown option name.
    EVMC_SET_OPTION_INVALID_NAME = 1,
    /// Invalid value.
    EVMC_SET_OPTION_INVALID_VALUE = 2,
}

/// `evmc_set_option_fn`.
pub type evmc_set_option_fn = Option<
    unsafe extern "C" fn(
        vm: *mut evmc_vm,
        name: *const c_char,
        value: *const c_char,
    ) -> evmc_set_option_result,
>;

/// `enum evmc_revision`: the EVM revisions of EVMC 12.
#[repr(u32)]
#[derive(Debug, Copy, Clone, Hash, PartialEq, Eq)]
pub enum evmc_revision {
    /// Frontier.
    EVMC_FRONTIER = 0,
    /// Homestead.
    EVMC_HOMESTEAD = 1,
    /// Tangerine Whistle.
    EVMC_TANGERINE_WHISTLE = 2,
    /// Spurious Dragon.
    EVMC_SPURIOUS_DRAGON = 3,
    /// Byzantium.
    EVMC_BYZANTIUM = 4,
    /// Constantinople.
    EVMC_CONSTANTINOPLE = 5,
    /// Petersburg.
    EVMC_PETERSBURG = 6,
    /// Istanbul.
    EVMC_ISTANBUL = 7,
    /// Berlin.
    EVMC_BERLIN = 8,
    /// London.
    EVMC_LONDON = 9,
    /// Paris (The Merge).
    EVMC_PARIS = 10,
    /// Shanghai.
    EVMC_SHANGHAI = 11,
    /// Cancun.
    EVMC_CANCUN = 12,
    /// Prague.
    EVMC_PRAGUE = 13,
    /// Osaka.
    EVMC_OSAKA = 14,
    /// The unspecified experimental revision (`EVMC_MAX_REVISION`).
    EVMC_EXPERIMENTAL = 15,
}

impl evmc_revision {
    /// `EVMC_MAX_REVISION` (= `EVMC_EXPERIMENTAL`).
    pub const EVMC_MAX_REVISION: evmc_revision = evmc_revision::EVMC_EXPERIMENTAL;
    /// `EVMC_LATEST_STABLE_REVISION` (= `EVMC_CANCUN`).
    pub const EVMC_LATEST_STABLE_REVISION: evmc_revision = evmc_revision::EVMC_CANCUN;
}

/// `evmc_execute_fn`.
pub type evmc_execute_fn = Option<
    unsafe extern "C" fn(
        vm: *mut evmc_vm,
        host: *const evmc_host_interface,
        context: *mut evmc_host_context,
        rev: evmc_revision,
        msg: *const evmc_message,
        code: *const u8,
        code_size: usize,
    ) -> evmc_result,
>;

/// `enum evmc_capabilities`.
#[repr(u32)]
#[derive(Debug, Copy, Clone, Hash, PartialEq, Eq)]
pub enum evmc_capabilities {
    /// EVM1 bytecode.
    EVMC_CAPABILITY_EVM1 = 1,
    /// Ewasm bytecode.
    EVMC_CAPABILITY_EWASM = 2,
    /// Precompiled contracts.
    EVMC_CAPABILITY_PRECOMPILES = 4,
}

/// `evmc_capabilities_flagset`.
pub type evmc_capabilities_flagset = u32;

/// `evmc_get_capabilities_fn`.
pub type evmc_get_capabilities_fn =
    Option<unsafe extern "C" fn(vm: *mut evmc_vm) -> evmc_capabilities_flagset>;

/// `struct evmc_vm`: the VM instance.
#[repr(C)]
#[derive(Debug, Copy, Clone)]
pub struct evmc_vm {
    /// The EVMC ABI version of the VM (12).
    pub abi_version: c_int,
    /// The VM name.
    pub name: *const c_char,
    /// The VM version.
    pub version: *const c_char,
    /// Destroys the instance.
    pub destroy: evmc_destroy_fn,
    /// Executes a message.
    pub execute: evmc_execute_fn,
    /// Reports the capabilities.
    pub get_capabilities: evmc_get_capabilities_fn,
    /// Sets an option (optional).
    pub set_option: evmc_set_option_fn,
}
