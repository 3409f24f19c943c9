//! A recording in-memory [`HostContext`] for tests (feature `mock`): accounts with balance,
//! code, code hash, storage and transient storage; a tx context (with blob hashes and blob
//! base fee); block hashes; scripted call results; and a log of every host call in order.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::host::{
    AccessStatus, Address, Bytes32, CallResult, HostContext, Message, StatusCode, StorageStatus,
    TxContext,
};

/// One recorded host call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// `account_exists(addr)`.
    AccountExists(Address),
    /// `get_storage(addr, key)`.
    GetStorage(Address, Bytes32),
    /// `set_storage(addr, key, value)`.
    SetStorage(Address, Bytes32, Bytes32),
    /// `get_balance(addr)`.
    GetBalance(Address),
    /// `get_code_size(addr)`.
    GetCodeSize(Address),
    /// `get_code_hash(addr)`.
    GetCodeHash(Address),
    /// `copy_code(addr, offset, buffer length)`.
    CopyCode(Address, usize, usize),
    /// `selfdestruct(addr, beneficiary)`.
    SelfDestruct(Address, Address),
    /// `call(msg)`.
    Call(Message),
    /// `get_tx_context()`.
    GetTxContext,
    /// `get_block_hash(number)`.
    GetBlockHash(i64),
    /// `emit_log(addr, data, topics)`.
    EmitLog(Address, Vec<u8>, Vec<Bytes32>),
    /// `access_account(addr)`.
    AccessAccount(Address),
    /// `access_storage(addr, key)`.
    AccessStorage(Address, Bytes32),
    /// `get_transient_storage(addr, key)`.
    GetTransientStorage(Address, Bytes32),
    /// `set_transient_storage(addr, key, value)`.
    SetTransientStorage(Address, Bytes32, Bytes32),
}

/// One account of the mock world.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MockAccount {
    /// Balance, big-endian.
    pub balance_be: Bytes32,
    /// Code.
    pub code: Vec<u8>,
    /// What `get_code_hash` answers.
    pub code_hash: Bytes32,
    /// Storage.
    pub storage: BTreeMap<Bytes32, Bytes32>,
    /// Transient storage (EIP-1153).
    pub transient: BTreeMap<Bytes32, Bytes32>,
}

/// The recording mock host.
#[derive(Clone, Debug, Default)]
pub struct MockHost {
    /// Accounts; an account exists iff it is in the map.
    pub accounts: BTreeMap<Address, MockAccount>,
    /// The tx context `get_tx_context` returns.
    pub tx_context: TxContext,
    /// Known block hashes (others are zero).
    pub block_hashes: BTreeMap<i64, Bytes32>,
    /// Results for the next `call`s, in order; when empty a call succeeds with all its gas
    /// left and no output.
    pub call_results: VecDeque<CallResult>,
    /// Accounts already warm (EIP-2929).
    pub warm_accounts: BTreeSet<Address>,
    /// Slots already warm (EIP-2929).
    pub warm_slots: BTreeSet<(Address, Bytes32)>,
    /// Slots written in this transaction (for `ModifiedAgain`).
    pub dirty_slots: BTreeSet<(Address, Bytes32)>,
    /// Every host call, in order.
    pub recorded: Vec<Recorded>,
}

impl MockHost {
    /// An empty world.
    pub fn new() -> MockHost {
        MockHost::default()
    }

    /// The account at `addr`, created empty if absent.
    pub fn account(&mut self, addr: Address) -> &mut MockAccount {
        self.accounts.entry(addr).or_default()
    }

    /// Sets the balance of `addr` (creating it) to `value`.
    pub fn set_balance(&mut self, addr: Address, value: u128) {
        self.account(addr).balance_be = crate::encoding::be32_from_u128(value);
    }

    /// The storage value at `key` of `addr` (zero if absent).
    pub fn storage_at(&self, addr: &Address, key: &Bytes32) -> Bytes32 {
        self.accounts
            .get(addr)
            .and_then(|a| a.storage.get(key))
            .copied()
            .unwrap_or([0; 32])
    }

    /// The transient storage value at `key` of `addr` (zero if absent).
    pub fn transient_at(&self, addr: &Address, key: &Bytes32) -> Bytes32 {
        self.accounts
            .get(addr)
            .and_then(|a| a.transient.get(key))
            .copied()
            .unwrap_or([0; 32])
    }

    /// The messages passed to `call`, in order.
    pub fn messages(&self) -> Vec<&Message> {
        self.recorded
            .iter()
            .filter_map(|r| match r {
                Recorded::Call(m) => Some(m),
                _ => None,
            })
            .collect()
    }
}

impl HostContext for MockHost {
    fn account_exists(&mut self, addr: &Address) -> bool {
        self.recorded.push(Recorded::AccountExists(*addr));
        self.accounts.contains_key(addr)
    }

    fn get_storage(&mut self, addr: &Address, key: &Bytes32) -> Bytes32 {
        self.recorded.push(Recorded::GetStorage(*addr, *key));
        self.storage_at(addr, key)
    }

    fn set_storage(&mut self, addr: &Address, key: &Bytes32, value: &Bytes32) -> StorageStatus {
        self.recorded
            .push(Recorded::SetStorage(*addr, *key, *value));
        let current = self.storage_at(addr, key);
        if current == *value {
            return StorageStatus::Unchanged;
        }
        let status = if !self.dirty_slots.insert((*addr, *key)) {
            StorageStatus::ModifiedAgain
        } else if current == [0; 32] {
            StorageStatus::Added
        } else if *value == [0; 32] {
            StorageStatus::Deleted
        } else {
            StorageStatus::Modified
        };
        self.account(*addr).storage.insert(*key, *value);
        status
    }

    fn get_balance(&mut self, addr: &Address) -> Bytes32 {
        self.recorded.push(Recorded::GetBalance(*addr));
        self.accounts.get(addr).map_or([0; 32], |a| a.balance_be)
    }

    fn get_code_size(&mut self, addr: &Address) -> usize {
        self.recorded.push(Recorded::GetCodeSize(*addr));
        self.accounts.get(addr).map_or(0, |a| a.code.len())
    }

    fn get_code_hash(&mut self, addr: &Address) -> Bytes32 {
        self.recorded.push(Recorded::GetCodeHash(*addr));
        self.accounts.get(addr).map_or([0; 32], |a| a.code_hash)
    }

    fn copy_code(&mut self, addr: &Address, code_offset: usize, buf: &mut [u8]) -> usize {
        self.recorded
            .push(Recorded::CopyCode(*addr, code_offset, buf.len()));
        let code = self.accounts.get(addr).map_or(&[][..], |a| &a.code[..]);
        let available = code.get(code_offset..).unwrap_or(&[]);
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        n
    }

    fn selfdestruct(&mut self, addr: &Address, beneficiary: &Address) {
        self.recorded
            .push(Recorded::SelfDestruct(*addr, *beneficiary));
    }

    fn call(&mut self, msg: &Message) -> CallResult {
        self.recorded.push(Recorded::Call(msg.clone()));
        self.call_results.pop_front().unwrap_or(CallResult {
            status: StatusCode::Success,
            gas_left: msg.gas,
            output: Vec::new(),
            create_address: [0; 20],
        })
    }

    fn get_tx_context(&mut self) -> TxContext {
        self.recorded.push(Recorded::GetTxContext);
        self.tx_context.clone()
    }

    fn get_block_hash(&mut self, number: i64) -> Bytes32 {
        self.recorded.push(Recorded::GetBlockHash(number));
        self.block_hashes.get(&number).copied().unwrap_or([0; 32])
    }

    fn emit_log(&mut self, addr: &Address, data: &[u8], topics: &[Bytes32]) {
        self.recorded
            .push(Recorded::EmitLog(*addr, data.to_vec(), topics.to_vec()));
    }

    fn access_account(&mut self, addr: &Address) -> AccessStatus {
        self.recorded.push(Recorded::AccessAccount(*addr));
        if self.warm_accounts.insert(*addr) {
            AccessStatus::Cold
        } else {
            AccessStatus::Warm
        }
    }

    fn access_storage(&mut self, addr: &Address, key: &Bytes32) -> AccessStatus {
        self.recorded.push(Recorded::AccessStorage(*addr, *key));
        if self.warm_slots.insert((*addr, *key)) {
            AccessStatus::Cold
        } else {
            AccessStatus::Warm
        }
    }

    fn get_transient_storage(&mut self, addr: &Address, key: &Bytes32) -> Bytes32 {
        self.recorded
            .push(Recorded::GetTransientStorage(*addr, *key));
        self.transient_at(addr, key)
    }

    fn set_transient_storage(&mut self, addr: &Address, key: &Bytes32, value: &Bytes32) {
        self.recorded
            .push(Recorded::SetTransientStorage(*addr, *key, *value));
        self.account(*addr).transient.insert(*key, *value);
    }
}
