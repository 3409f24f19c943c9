//! The host interface: a narrow Rust mirror of the EVMC host that the EEI talks to.
//!
//! Integers that EVMC passes as `uint256be` stay raw 32-byte **big-endian** arrays here
//! (`*_be` names); the EEI converts them to the little-endian encodings contracts see.

/// A 20-byte account address.
pub type Address = [u8; 20];
/// A raw 32-byte word (storage key/value, hash, topic) or a big-endian 256-bit integer.
pub type Bytes32 = [u8; 32];

/// Ethereum revision (hard fork), numbered as EVMC 12's `evmc_revision` (the ABI 9 header
/// numbers Shanghai 10 and has no Paris: `evmc-ssvm`'s `abi` module maps each build's numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Revision {
    /// Frontier (0).
    Frontier = 0,
    /// Homestead (1).
    Homestead = 1,
    /// Tangerine Whistle, EIP-150 (2).
    TangerineWhistle = 2,
    /// Spurious Dragon, EIP-158/161 (3).
    SpuriousDragon = 3,
    /// Byzantium (4): the reference schedule of the Ewasm consensus tests.
    Byzantium = 4,
    /// Constantinople (5).
    Constantinople = 5,
    /// Petersburg (6).
    Petersburg = 6,
    /// Istanbul (7).
    Istanbul = 7,
    /// Berlin (8).
    Berlin = 8,
    /// London (9).
    London = 9,
    /// Paris, the Merge (10): DIFFICULTY became PREVRANDAO.
    Paris = 10,
    /// Shanghai (11): EIP-3860 init-code limit and metering.
    Shanghai = 11,
    /// Cancun (12): transient storage, blob hashes, blob base fee.
    Cancun = 12,
    /// Prague (13).
    Prague = 13,
    /// Osaka (14).
    Osaka = 14,
}

impl Revision {
    /// Every revision, oldest first.
    pub const ALL: [Revision; 15] = [
        Revision::Frontier,
        Revision::Homestead,
        Revision::TangerineWhistle,
        Revision::SpuriousDragon,
        Revision::Byzantium,
        Revision::Constantinople,
        Revision::Petersburg,
        Revision::Istanbul,
        Revision::Berlin,
        Revision::London,
        Revision::Paris,
        Revision::Shanghai,
        Revision::Cancun,
        Revision::Prague,
        Revision::Osaka,
    ];

    /// The revision with EVMC 12 number `raw`, or `None` for a number above Osaka.
    pub fn from_raw(raw: u32) -> Option<Revision> {
        Revision::ALL.get(usize::try_from(raw).ok()?).copied()
    }
}

/// Kind of a message, numbered as EVMC's `evmc_call_kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum CallKind {
    /// CALL (also STATICCALL, with [`Message::is_static`]).
    Call = 0,
    /// DELEGATECALL.
    DelegateCall = 1,
    /// CALLCODE.
    CallCode = 2,
    /// CREATE.
    Create = 3,
    /// CREATE2.
    Create2 = 4,
}

/// Execution status, numbered as EVMC's `evmc_status_code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
pub enum StatusCode {
    /// Execution finished with success.
    Success = 0,
    /// Generic failure (e.g. a Wasm trap).
    Failure = 1,
    /// Execution reverted.
    Revert = 2,
    /// Out of gas.
    OutOfGas = 3,
    /// Invalid instruction (EVM only).
    InvalidInstruction = 4,
    /// Undefined instruction (EVM only).
    UndefinedInstruction = 5,
    /// Stack overflow (EVM only).
    StackOverflow = 6,
    /// Stack underflow (EVM only).
    StackUnderflow = 7,
    /// Bad jump destination (EVM only).
    BadJumpDestination = 8,
    /// A memory range outside the contract's memory or a host buffer.
    InvalidMemoryAccess = 9,
    /// Call depth exceeded.
    CallDepthExceeded = 10,
    /// State modification in static mode.
    StaticModeViolation = 11,
    /// Precompile failure.
    PrecompileFailure = 12,
    /// The contract failed the code gate.
    ContractValidationFailure = 13,
    /// An argument out of its allowed range.
    ArgumentOutOfRange = 14,
    /// Wasm unreachable instruction (unused: traps map to `Failure`).
    WasmUnreachableInstruction = 15,
    /// Wasm trap (unused: traps map to `Failure`).
    WasmTrap = 16,
    /// Insufficient balance for a transfer (host-side).
    InsufficientBalance = 17,
    /// A bug in the VM.
    InternalError = -1,
    /// The VM rejected the execution (e.g. unsupported code or revision).
    Rejected = -2,
    /// The VM ran out of memory.
    OutOfMemory = -3,
}

impl StatusCode {
    /// The status with EVMC number `raw`; any unknown number is treated as `Failure`
    /// (hosts are not trusted to send valid enum values).
    pub fn from_raw(raw: i32) -> StatusCode {
        use StatusCode::*;
        match raw {
            0 => Success,
            2 => Revert,
            3 => OutOfGas,
            4 => InvalidInstruction,
            5 => UndefinedInstruction,
            6 => StackOverflow,
            7 => StackUnderflow,
            8 => BadJumpDestination,
            9 => InvalidMemoryAccess,
            10 => CallDepthExceeded,
            11 => StaticModeViolation,
            12 => PrecompileFailure,
            13 => ContractValidationFailure,
            14 => ArgumentOutOfRange,
            15 => WasmUnreachableInstruction,
            16 => WasmTrap,
            17 => InsufficientBalance,
            -1 => InternalError,
            -2 => Rejected,
            -3 => OutOfMemory,
            _ => Failure,
        }
    }
}

/// A message: the input of one execution frame (EVMC `evmc_message`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The kind of call.
    pub kind: CallKind,
    /// Static mode: no state changes allowed (EVMC_STATIC flag).
    pub is_static: bool,
    /// Call depth, 0 for the transaction's own frame.
    pub depth: i32,
    /// Gas available to this frame.
    pub gas: i64,
    /// The account whose code runs and whose storage is used (EVMC ABI <= 9 `destination`).
    pub recipient: Address,
    /// The caller.
    pub sender: Address,
    /// Call data (for CREATE: empty; the init code is the code).
    ///
    /// A CREATE/CREATE2 message the EEI *sends* through [`HostContext::call`] carries the
    /// init code here (the EVMC convention); the host runs it as code with empty input.
    pub input: Vec<u8>,
    /// Value transferred, big-endian.
    pub value_be: Bytes32,
    /// CREATE2 salt.
    pub create2_salt: Bytes32,
}

impl Message {
    /// A transaction-level CALL (depth 0, not static, no value) from `sender` to
    /// `recipient` with `gas` and call data `input`.
    pub fn call(sender: Address, recipient: Address, gas: i64, input: Vec<u8>) -> Message {
        Message {
            kind: CallKind::Call,
            is_static: false,
            depth: 0,
            gas,
            recipient,
            sender,
            input,
            value_be: [0; 32],
            create2_salt: [0; 32],
        }
    }
}

/// The result of a nested call or create (EVMC `evmc_result`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallResult {
    /// Outcome.
    pub status: StatusCode,
    /// Gas left in the callee.
    pub gas_left: i64,
    /// Output (return or revert data).
    pub output: Vec<u8>,
    /// For a successful create: the new account's address.
    pub create_address: Address,
}

/// Transaction and block context (EVMC `evmc_tx_context`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TxContext {
    /// Gas price, big-endian.
    pub gas_price_be: Bytes32,
    /// Transaction origin.
    pub origin: Address,
    /// Block coinbase.
    pub coinbase: Address,
    /// Block number.
    pub number: i64,
    /// Block timestamp.
    pub timestamp: i64,
    /// Block gas limit.
    pub gas_limit: i64,
    /// Block difficulty, big-endian; from Paris the PREVRANDAO value (EVMC 12
    /// `block_prev_randao`, the same field of the tx context).
    pub difficulty_be: Bytes32,
    /// Chain id, big-endian.
    pub chain_id_be: Bytes32,
    /// Base fee, big-endian (London and later; zero where the ABI has none).
    pub base_fee_be: Bytes32,
    /// Blob base fee, big-endian (EIP-7516, Cancun; zero where the ABI has none).
    pub blob_base_fee_be: Bytes32,
    /// The transaction's blob versioned hashes (EIP-4844, Cancun; empty where the ABI has
    /// none).
    pub blob_hashes: Vec<Bytes32>,
}

/// What a storage write did (EVMC `evmc_storage_status`, ABI 7–9 meanings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum StorageStatus {
    /// The value was not changed, or other cases not listed below.
    Unchanged = 0,
    /// An already modified value was modified again.
    ModifiedAgain = 1,
    /// A new value was stored in a slot that was zero.
    Added = 2,
    /// A non-zero value was modified.
    Modified = 3,
    /// A non-zero value was set to zero.
    Deleted = 4,
}

/// EIP-2929 access status (EVMC `evmc_access_status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum AccessStatus {
    /// First access in this transaction.
    Cold = 0,
    /// Accessed before.
    Warm = 1,
}

/// The host services an executing contract can ask for: a narrow mirror of the EVMC host
/// interface. Implemented over EVMC's C host table by `evmc-ssvm`, and by mocks in tests.
pub trait HostContext {
    /// Whether the account exists (EIP-161 meaning: not empty).
    fn account_exists(&mut self, addr: &Address) -> bool;
    /// Storage value at `key` of account `addr`.
    fn get_storage(&mut self, addr: &Address, key: &Bytes32) -> Bytes32;
    /// Sets storage `key` of `addr` to `value`.
    fn set_storage(&mut self, addr: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus;
    /// Balance of `addr`, big-endian.
    fn get_balance(&mut self, addr: &Address) -> Bytes32;
    /// Size of the code of `addr` in bytes.
    fn get_code_size(&mut self, addr: &Address) -> usize;
    /// keccak256 of the code of `addr` (zero for a non-existent account).
    fn get_code_hash(&mut self, addr: &Address) -> Bytes32;
    /// Copies code of `addr` starting at `code_offset` into `buf`; returns the bytes copied.
    fn copy_code(&mut self, addr: &Address, code_offset: usize, buf: &mut [u8]) -> usize;
    /// Registers `addr` as self-destructed with `beneficiary` receiving its balance.
    fn selfdestruct(&mut self, addr: &Address, beneficiary: &Address);
    /// Runs a nested call or create.
    fn call(&mut self, msg: &Message) -> CallResult;
    /// The transaction and block context.
    fn get_tx_context(&mut self) -> TxContext;
    /// Hash of block `number`, or all zeros when unknown.
    fn get_block_hash(&mut self, number: i64) -> Bytes32;
    /// Appends a log record.
    fn emit_log(&mut self, addr: &Address, data: &[u8], topics: &[Bytes32]);
    /// EIP-2929: marks `addr` warm and returns its previous status.
    fn access_account(&mut self, addr: &Address) -> AccessStatus;
    /// EIP-2929: marks storage `key` of `addr` warm and returns its previous status.
    fn access_storage(&mut self, addr: &Address, key: &Bytes32) -> AccessStatus;
    /// EIP-1153: transient storage value at `key` of `addr` (zero when unset).
    fn get_transient_storage(&mut self, addr: &Address, key: &Bytes32) -> Bytes32;
    /// EIP-1153: sets transient storage `key` of `addr` to `value`.
    fn set_transient_storage(&mut self, addr: &Address, key: &Bytes32, value: &Bytes32);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_numbers_round_trip() {
        for (i, rev) in Revision::ALL.iter().enumerate() {
            assert_eq!(*rev as usize, i);
            assert_eq!(Revision::from_raw(i as u32), Some(*rev));
        }
        assert_eq!(Revision::from_raw(Revision::ALL.len() as u32), None);
        assert_eq!(Revision::from_raw(u32::MAX), None);
    }

    #[test]
    fn status_codes_round_trip() {
        for raw in -3..=17 {
            assert_eq!(StatusCode::from_raw(raw) as i32, raw);
        }
        assert_eq!(StatusCode::from_raw(12345), StatusCode::Failure);
        assert_eq!(StatusCode::from_raw(-100), StatusCode::Failure);
    }
}
