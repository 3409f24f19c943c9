//! The consensus test host: the rules for message frames (value transfer, nested calls and
//! creates through the VM, create addresses, code deposit and its size limit, revert on
//! failure) over an in-memory [`WorldState`], with what changes per fork asked from its
//! [`Rules`] (Byzantium unless set: storage classification, self-destruct, EIP-3541). The
//! EVMC function tables that expose it to the VM live in [`crate::host_abi`] and
//! [`crate::host_abi12`].

use crate::evmc_loader::{ExecutionResult, Vm};
use crate::keccak::keccak256;
use crate::rules::{Rules, StorageRule};
use crate::state::{Address, StorageChange, WorldState};
use ethnum::U256;
use evmc_sys::{
    evmc_address, evmc_bytes32, evmc_call_kind, evmc_message, evmc_revision, evmc_status_code,
};
use ewasm_host::Revision;
use std::cell::{Ref, RefCell};

/// Largest deployable code, EIP-170.
pub const MAX_CODE_SIZE: usize = 24_576;
/// Gas per byte of deployed code.
pub const CODE_DEPOSIT_GAS_PER_BYTE: i64 = 200;

/// Block and transaction context the VM reads through `get_tx_context` and `get_block_hash`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TxEnv {
    /// Transaction gas price.
    pub gas_price: U256,
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
    /// Block difficulty.
    pub difficulty: U256,
    /// Chain id.
    pub chain_id: U256,
    /// Block base fee.
    pub base_fee: U256,
    /// Blob base fee (Cancun on).
    pub blob_base_fee: U256,
    /// Versioned hashes of the transaction's blobs (Cancun on).
    pub blob_hashes: Vec<[u8; 32]>,
}

impl TxEnv {
    /// The test-suite block hash: keccak256 of the decimal number for the 256 blocks before
    /// the current one, else zero.
    pub fn block_hash(&self, number: i64) -> [u8; 32] {
        if number < self.number && number >= self.number.saturating_sub(256) {
            keccak256(number.to_string().as_bytes())
        } else {
            [0; 32]
        }
    }
}

/// A message in Rust form (EVMC ABI 9 meaning of `destination`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Call kind.
    pub kind: evmc_call_kind,
    /// Static flag.
    pub is_static: bool,
    /// Call depth.
    pub depth: i32,
    /// Gas.
    pub gas: i64,
    /// Destination: the callee (CALL), the code address (CALLCODE, DELEGATECALL) as the VM
    /// sends it; the account whose code runs and storage is used when the host runs a frame.
    pub destination: Address,
    /// Sender.
    pub sender: Address,
    /// Input data (init code for CREATE).
    pub input: Vec<u8>,
    /// Value.
    pub value: U256,
}

impl Message {
    /// Copies an EVMC message.
    ///
    /// # Safety
    /// `msg.input_data` must point to `msg.input_size` readable bytes or be null.
    pub unsafe fn from_evmc(msg: &evmc_message) -> Message {
        let input = if msg.input_data.is_null() || msg.input_size == 0 {
            Vec::new()
        } else {
            // SAFETY: guaranteed by the caller.
            unsafe { std::slice::from_raw_parts(msg.input_data, msg.input_size) }.to_vec()
        };
        Message {
            kind: msg.kind,
            is_static: msg.flags & evmc_sys::evmc_flags::EVMC_STATIC as u32 != 0,
            depth: msg.depth,
            gas: msg.gas,
            destination: msg.destination.bytes,
            sender: msg.sender.bytes,
            input,
            value: U256::from_be_bytes(msg.value.bytes),
        }
    }

    /// The EVMC form; it borrows `self.input`.
    pub fn to_evmc(&self) -> evmc_message {
        evmc_message {
            kind: self.kind,
            flags: if self.is_static {
                evmc_sys::evmc_flags::EVMC_STATIC as u32
            } else {
                0
            },
            depth: self.depth,
            gas: self.gas,
            destination: evmc_address {
                bytes: self.destination,
            },
            sender: evmc_address { bytes: self.sender },
            input_data: if self.input.is_empty() {
                std::ptr::null()
            } else {
                self.input.as_ptr()
            },
            input_size: self.input.len(),
            value: evmc_bytes32 {
                bytes: self.value.to_be_bytes(),
            },
            create2_salt: evmc_bytes32 { bytes: [0; 32] },
        }
    }
}

/// Address of a contract created by `sender` with `nonce`: keccak256(rlp([sender, nonce]))[12..].
pub fn create_address(sender: &Address, nonce: u64) -> Address {
    let mut stream = rlp::RlpStream::new_list(2);
    stream.append(&sender.as_slice()).append(&nonce);
    let hash = keccak256(&stream.out());
    let mut address = [0; 20];
    address.copy_from_slice(&hash[12..]);
    address
}

/// The host: a world state, the VM that runs every frame, and the transaction context.
#[derive(Debug)]
pub struct Host<'vm> {
    vm: &'vm Vm,
    /// The EVMC revision number in the library's ABI (see [`Vm::execute_rev`]).
    revision: u32,
    /// The fork rules of frames and transactions.
    rules: Rules,
    env: TxEnv,
    state: RefCell<WorldState>,
    /// Accounts whose code is running, innermost last (the storage context of DELEGATECALL).
    frames: RefCell<Vec<Address>>,
    trace: bool,
}

impl<'vm> Host<'vm> {
    /// A host over `state` that runs code on `vm` under `revision`.
    pub fn new(vm: &'vm Vm, revision: evmc_revision, env: TxEnv, state: WorldState) -> Self {
        Host::new_raw(vm, revision as u32, env, state)
    }

    /// A host running every frame under EVMC revision number `revision` of the library's
    /// ABI (ABI 12: Paris 10 .. Osaka 14), with Byzantium's frame rules until
    /// [`Host::with_rules`].
    pub fn new_raw(vm: &'vm Vm, revision: u32, env: TxEnv, state: WorldState) -> Self {
        Host {
            vm,
            revision,
            rules: Rules::new(Revision::Byzantium),
            env,
            state: RefCell::new(state),
            frames: RefCell::new(Vec::new()),
            trace: false,
        }
    }

    /// The same host applying the frame and transaction rules of `rules`.
    pub fn with_rules(mut self, rules: Rules) -> Self {
        self.rules = rules;
        self
    }

    /// The fork rules.
    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// Prints one stderr line per frame entry and exit when `on`.
    pub fn set_trace(&mut self, on: bool) {
        self.trace = on;
    }

    /// The EVMC revision number every frame runs under.
    pub fn revision(&self) -> u32 {
        self.revision
    }

    /// The transaction context.
    pub fn env(&self) -> &TxEnv {
        &self.env
    }

    /// Writes storage under the fork's rule: Byzantium (current value only) or net
    /// metering with the London refunds.
    pub fn set_storage(&self, addr: &Address, key: &[u8; 32], value: &[u8; 32]) -> StorageChange {
        let mut state = self.state.borrow_mut();
        match self.rules.storage() {
            StorageRule::Byzantium => state.set_storage(addr, key, value),
            StorageRule::NetLondon => state.set_storage_net(addr, key, value),
        }
    }

    /// Self-destructs `addr` for `beneficiary` under the fork's rules (EIP-6780 from
    /// Cancun: only an account created in this transaction is deleted). Returns whether
    /// the account had not self-destructed before in this transaction.
    pub fn selfdestruct(&self, addr: &Address, beneficiary: &Address) -> bool {
        let mut state = self.state.borrow_mut();
        let first = !state.is_destructed(addr);
        if self.rules.selfdestruct_only_if_created() && !state.is_created(addr) {
            state.selfdestruct_keep_account(addr, beneficiary);
        } else {
            state.selfdestruct(addr, beneficiary, self.rules.selfdestruct_refund());
        }
        first
    }

    /// Read access to the state (do not hold across [`Host::call`]).
    pub fn state(&self) -> Ref<'_, WorldState> {
        self.state.borrow()
    }

    /// Runs `f` on the state (short borrow; never held while the VM runs).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut WorldState) -> R) -> R {
        f(&mut self.state.borrow_mut())
    }

    /// Gives the state back.
    pub fn into_state(self) -> WorldState {
        self.state.into_inner()
    }

    /// Executes a message with full frame semantics: CREATE computes the address and bumps
    /// the sender's nonce, every other kind is a call. CREATE2 (Constantinople) is outside
    /// this Byzantium host and answered with REJECTED.
    pub fn call(&self, msg: &Message) -> ExecutionResult {
        match msg.kind {
            evmc_call_kind::EVMC_CREATE => self.create(msg),
            evmc_call_kind::EVMC_CREATE2 => {
                ExecutionResult::new(evmc_status_code::EVMC_REJECTED, 0)
            }
            _ => self.call_frame(msg),
        }
    }

    /// CALL, CALLCODE, DELEGATECALL: snapshot, transfer the value (insufficient balance →
    /// failure without running, gas returned), empty code → success with all gas, else run;
    /// any non-success reverts the snapshot.
    fn call_frame(&self, msg: &Message) -> ExecutionResult {
        let code_address = msg.destination;
        let context = match msg.kind {
            evmc_call_kind::EVMC_CALL => msg.destination,
            evmc_call_kind::EVMC_CALLCODE => msg.sender,
            _ => self.frames.borrow().last().copied().unwrap_or(msg.sender),
        };
        let snapshot = self.state.borrow().snapshot();
        if msg.kind != evmc_call_kind::EVMC_DELEGATECALL {
            let mut state = self.state.borrow_mut();
            let skip = msg.kind == evmc_call_kind::EVMC_CALL
                && !state.exists(&context)
                && msg.value == U256::ZERO;
            if !skip && state.transfer(&msg.sender, &context, msg.value).is_err() {
                return ExecutionResult::new(evmc_status_code::EVMC_INSUFFICIENT_BALANCE, msg.gas);
            }
        }
        let code = self.state.borrow().code(&code_address);
        if code.is_empty() {
            return ExecutionResult::new(evmc_status_code::EVMC_SUCCESS, msg.gas);
        }
        let frame_msg = Message {
            destination: context,
            ..msg.clone()
        };
        let result = self.run(&frame_msg, &code);
        self.settle(snapshot, result)
    }

    /// Nested CREATE: balance check (failure, gas returned), address from the sender's
    /// nonce, nonce bump (kept even when the creation fails), then [`Host::create_at`].
    fn create(&self, msg: &Message) -> ExecutionResult {
        let address = {
            let mut state = self.state.borrow_mut();
            if state.balance(&msg.sender) < msg.value {
                return ExecutionResult::new(evmc_status_code::EVMC_INSUFFICIENT_BALANCE, msg.gas);
            }
            let nonce = state.nonce(&msg.sender);
            let Some(next) = nonce.checked_add(1) else {
                return ExecutionResult::new(evmc_status_code::EVMC_FAILURE, msg.gas);
            };
            state.set_nonce(&msg.sender, next);
            create_address(&msg.sender, nonce)
        };
        self.create_at(msg, address)
    }

    /// Creates a contract at `address` running `msg.input` as init code: collision (nonce or
    /// code present) → failure; new account nonce 1 with the value; empty init code runs
    /// nothing and succeeds with all gas; on success the output
    /// is deposited (more than [`MAX_CODE_SIZE`] bytes, or fewer than 200 gas per byte left
    /// → failure) and `create_address` is set.
    pub fn create_at(&self, msg: &Message, address: Address) -> ExecutionResult {
        let snapshot = {
            let mut state = self.state.borrow_mut();
            if state.nonce(&address) != 0 || !state.code(&address).is_empty() {
                return ExecutionResult::new(evmc_status_code::EVMC_FAILURE, 0);
            }
            let snapshot = state.snapshot();
            state.reset_as_contract(&address);
            state.mark_created(&address);
            if self.rules.has_access_lists() {
                state.access_account(&address);
            }
            if state.transfer(&msg.sender, &address, msg.value).is_err() {
                state.revert(snapshot);
                return ExecutionResult::new(evmc_status_code::EVMC_INSUFFICIENT_BALANCE, msg.gas);
            }
            snapshot
        };
        let frame_msg = Message {
            kind: evmc_call_kind::EVMC_CREATE,
            destination: address,
            input: Vec::new(),
            ..msg.clone()
        };
        // Empty init code runs nothing and succeeds with all gas (like a call to an account
        // without code): the account is created with no code.
        let mut result = if msg.input.is_empty() {
            ExecutionResult::new(evmc_status_code::EVMC_SUCCESS, msg.gas)
        } else {
            self.run(&frame_msg, &msg.input)
        };
        if result.status == evmc_status_code::EVMC_SUCCESS {
            let deposit = i64::try_from(result.output.len())
                .ok()
                .and_then(|len| len.checked_mul(CODE_DEPOSIT_GAS_PER_BYTE))
                .unwrap_or(i64::MAX);
            let starts_ef = result.output.first() == Some(&0xef);
            if starts_ef && self.rules.rejects_ef_code_and_code_senders() {
                result = ExecutionResult::new(evmc_status_code::EVMC_FAILURE, 0);
            } else if result.output.len() > MAX_CODE_SIZE || deposit > result.gas_left {
                result = ExecutionResult::new(evmc_status_code::EVMC_OUT_OF_GAS, 0);
            } else {
                self.state.borrow_mut().set_code(&address, &result.output);
                result.gas_left -= deposit;
                result.output.clear();
                result.create_address = address;
            }
        }
        self.settle(snapshot, result)
    }

    /// Keeps the state on success; otherwise reverts it (REVERT keeps gas and output, any
    /// other status leaves no gas and no output).
    fn settle(
        &self,
        snapshot: crate::state::Snapshot,
        mut result: ExecutionResult,
    ) -> ExecutionResult {
        match result.status {
            evmc_status_code::EVMC_SUCCESS => {}
            evmc_status_code::EVMC_REVERT => self.state.borrow_mut().revert(snapshot),
            _ => {
                self.state.borrow_mut().revert(snapshot);
                result.gas_left = 0;
                result.output.clear();
            }
        }
        result
    }

    /// Runs `code` on the VM for `msg`, with `msg.destination` as the running account.
    fn run(&self, msg: &Message, code: &[u8]) -> ExecutionResult {
        if self.trace {
            eprintln!(
                "{:indent$}> {:?} depth={} gas={} {} -> {} value={} input={}B code={}B",
                "",
                msg.kind,
                msg.depth,
                msg.gas,
                hex::encode(msg.sender),
                hex::encode(msg.destination),
                msg.value,
                msg.input.len(),
                code.len(),
                indent = depth_indent(msg.depth)
            );
        }
        self.frames.borrow_mut().push(msg.destination);
        let evmc_msg = msg.to_evmc();
        let context = self as *const Host<'vm> as *mut evmc_sys::evmc_host_context;
        // SAFETY: the host table's callbacks cast `context` back to `&Host` and only take
        // short `RefCell` borrows, so re-entry through nested calls is sound; `evmc_msg`
        // borrows `msg.input`, which outlives the call.
        let result = unsafe {
            self.vm.execute_rev(
                &crate::host_abi::HOST_INTERFACE,
                context,
                self.revision,
                &evmc_msg,
                code,
            )
        };
        self.frames.borrow_mut().pop();
        if self.trace {
            eprintln!(
                "{:indent$}< {:?} gas_left={} output={}",
                "",
                result.status,
                result.gas_left,
                hex::encode(&result.output),
                indent = depth_indent(msg.depth)
            );
        }
        result
    }
}

fn depth_indent(depth: i32) -> usize {
    usize::try_from(depth).unwrap_or(0).min(64) * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_address_of_known_sender() {
        // The address of the first contract created by the suite's sender with nonce 0,
        // as listed in the create tests' post states.
        let sender: Address = hex::decode("a94f5374fce5edbc8e2a8697c15331677e6ebf0b")
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(
            hex::encode(create_address(&sender, 0)),
            "6295ee1b4f6dd65047762f924ecd367c17eabf8f"
        );
        // Widely published vector: 0x6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0 with nonce 0.
        let sender: Address = hex::decode("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0")
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(
            hex::encode(create_address(&sender, 0)),
            "cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d"
        );
        assert_eq!(
            hex::encode(create_address(&sender, 1)),
            "343c43a37d37dff08ae8c4a11544c718abb4fcf8"
        );
    }

    #[test]
    fn block_hash_window() {
        let env = TxEnv {
            number: 300,
            ..TxEnv::default()
        };
        assert_eq!(env.block_hash(300), [0; 32]);
        assert_eq!(env.block_hash(43), [0; 32]);
        assert_eq!(env.block_hash(44), keccak256(b"44"));
        assert_eq!(env.block_hash(299), keccak256(b"299"));
        assert_eq!(env.block_hash(-1), [0; 32]);
    }

    #[test]
    fn message_round_trips_through_evmc() {
        let msg = Message {
            kind: evmc_call_kind::EVMC_CALLCODE,
            is_static: true,
            depth: 3,
            gas: 1234,
            destination: [1; 20],
            sender: [2; 20],
            input: vec![9, 8, 7],
            value: U256::new(0x1_0000_0000_0000_0000),
        };
        let raw = msg.to_evmc();
        assert_eq!(raw.value.bytes[23], 1);
        // SAFETY: `raw` borrows `msg.input`, alive here.
        let back = unsafe { Message::from_evmc(&raw) };
        assert_eq!(back, msg);
    }
}
