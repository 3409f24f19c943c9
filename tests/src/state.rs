//! The in-memory world state of the test host: accounts, the transaction substate (touched
//! and self-destructed accounts, logs, refund counter, access sets) and whole-state
//! snapshots, plus the post-state root and logs hash of the consensus tests.
//!
//! Snapshots are full copies (code is shared through `Arc`): test states hold a handful of
//! accounts, so a copy per call frame is cheap and cannot get out of step with the state the
//! way an incomplete undo journal can.

use crate::keccak::{keccak256, secure_trie_root, EMPTY_TRIE_ROOT};
use ethnum::U256;
use rlp::RlpStream;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// A 20-byte account address.
pub type Address = [u8; 20];
/// A raw 32-byte word: storage key or value, hash, topic.
pub type Bytes32 = [u8; 32];

/// keccak256 of the empty string: the code hash of an account without code.
pub const EMPTY_CODE_HASH: Bytes32 = [
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70,
];

/// Refund for clearing a storage slot (non-zero to zero), Byzantium.
pub const SSTORE_CLEAR_REFUND: u64 = 15_000;
/// Refund for the first self-destruct of an account in a transaction, Byzantium.
pub const SELFDESTRUCT_REFUND: u64 = 24_000;

/// One account.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Account {
    /// Nonce.
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Code (shared between snapshots).
    pub code: Arc<[u8]>,
    /// Storage; zero values are never stored.
    pub storage: BTreeMap<Bytes32, Bytes32>,
}

impl Account {
    /// EIP-161 emptiness: nonce 0, balance 0 and no code.
    pub fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance == U256::ZERO && self.code.is_empty()
    }

    /// RLP of the account leaf: `[nonce, balance, storageRoot, codeHash]`.
    pub fn leaf_rlp(&self) -> Vec<u8> {
        let balance = self.balance.to_be_bytes();
        let mut stream = RlpStream::new_list(4);
        stream
            .append(&self.nonce)
            .append(&scalar(&balance))
            .append(&self.storage_root().as_slice())
            .append(&keccak256(&self.code).as_slice());
        stream.out().to_vec()
    }

    /// Root of the storage trie: keys keccak256(slot), values rlp(scalar), zeros absent.
    pub fn storage_root(&self) -> Bytes32 {
        if self.storage.is_empty() {
            return EMPTY_TRIE_ROOT;
        }
        secure_trie_root(
            self.storage
                .iter()
                .filter(|(_, v)| **v != [0; 32])
                .map(|(k, v)| (k, rlp::encode(&scalar(v)))),
        )
    }
}

/// A big-endian integer as RLP wants a scalar: without leading zero bytes (zero is empty).
fn scalar(big_endian: &[u8]) -> &[u8] {
    let first_non_zero = big_endian
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(big_endian.len());
    big_endian.get(first_non_zero..).unwrap_or_default()
}

/// One log record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log {
    /// Emitting account.
    pub address: Address,
    /// Topics (0 to 4).
    pub topics: Vec<Bytes32>,
    /// Data.
    pub data: Vec<u8>,
}

/// Per-transaction side effects that snapshots cover together with the accounts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Substate {
    touched: BTreeSet<Address>,
    destructed: BTreeSet<Address>,
    logs: Vec<Log>,
    refund: u64,
    accessed_accounts: BTreeSet<Address>,
    accessed_slots: BTreeSet<(Address, Bytes32)>,
    /// Values of the slots written in this transaction as they were before its first
    /// write (EIP-2200's "original value").
    originals: BTreeMap<(Address, Bytes32), Bytes32>,
    /// EIP-1153 transient storage; reverted with its frame, gone at the end of the
    /// transaction.
    transient: BTreeMap<(Address, Bytes32), Bytes32>,
    /// Accounts created in this transaction (EIP-6780).
    created: BTreeSet<Address>,
}

/// The world state with its transaction substate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorldState {
    accounts: BTreeMap<Address, Account>,
    substate: Substate,
}

/// A saved copy of the whole state; [`WorldState::revert`] returns to it.
#[derive(Clone, Debug)]
pub struct Snapshot(WorldState);

/// How a storage write changed the slot (mirrors EVMC's `evmc_storage_status`). The first
/// four are the clean cases (current = original, or any write under Byzantium rules); the
/// rest exist only under net metering, named as in EVMC 12 (original → current → new).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageChange {
    /// The new value equals the current one.
    Unchanged,
    /// Non-zero to a different non-zero value (X → X → Z).
    Modified,
    /// Zero to non-zero (0 → 0 → Z).
    Added,
    /// Non-zero to zero (X → X → 0).
    Deleted,
    /// A dirty slot written again, no other case (0 → Y → Z, X → Y → Z).
    ModifiedAgain,
    /// X → 0 → Z.
    DeletedAdded,
    /// X → Y → 0.
    ModifiedDeleted,
    /// X → 0 → X.
    DeletedRestored,
    /// 0 → Y → 0.
    AddedDeleted,
    /// X → Y → X.
    ModifiedRestored,
}

/// EIP-3529 (London) amounts of net-metered storage writes, with EIP-2929's costs.
pub mod net_gas {
    /// Refund for clearing a slot.
    pub const CLEAR_REFUND: u64 = 4_800;
    /// Cost of adding a slot (0 → 0 → Z).
    pub const SET: u64 = 20_000;
    /// Cost of changing a clean non-zero slot (5000 − the 2100 cold load).
    pub const RESET: u64 = 2_900;
    /// Cost of a warm access, what a dirty write pays.
    pub const WARM: u64 = 100;
}

/// A balance was too small for a debit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InsufficientBalance;

impl WorldState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts a pre-state account (not counted as touched).
    pub fn insert_account(&mut self, address: Address, mut account: Account) {
        account.storage.retain(|_, v| *v != [0; 32]);
        self.accounts.insert(address, account);
    }

    /// Removes an account entirely.
    pub fn remove_account(&mut self, address: &Address) {
        self.accounts.remove(address);
    }

    /// The account at `address`, if it exists.
    pub fn account(&self, address: &Address) -> Option<&Account> {
        self.accounts.get(address)
    }

    /// All accounts, ordered by address.
    pub fn accounts(&self) -> impl Iterator<Item = (&Address, &Account)> {
        self.accounts.iter()
    }

    /// Whether an account exists at `address` (possibly empty).
    pub fn exists(&self, address: &Address) -> bool {
        self.accounts.contains_key(address)
    }

    /// Whether `address` is dead under EIP-161: absent or empty.
    pub fn is_dead(&self, address: &Address) -> bool {
        self.accounts.get(address).is_none_or(Account::is_empty)
    }

    /// Balance (zero when absent).
    pub fn balance(&self, address: &Address) -> U256 {
        self.accounts.get(address).map_or(U256::ZERO, |a| a.balance)
    }

    /// Nonce (zero when absent).
    pub fn nonce(&self, address: &Address) -> u64 {
        self.accounts.get(address).map_or(0, |a| a.nonce)
    }

    /// Code (empty when absent).
    pub fn code(&self, address: &Address) -> Arc<[u8]> {
        self.accounts
            .get(address)
            .map_or_else(|| Arc::from(&[][..]), |a| Arc::clone(&a.code))
    }

    /// Storage value (zero when absent).
    pub fn storage(&self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.accounts
            .get(address)
            .and_then(|a| a.storage.get(key).copied())
            .unwrap_or([0; 32])
    }

    /// The account at `address` for modification: created if absent, marked touched.
    fn account_mut(&mut self, address: &Address) -> &mut Account {
        self.substate.touched.insert(*address);
        self.accounts.entry(*address).or_default()
    }

    /// Marks `address` touched, creating an empty account when absent (EIP-161 touch).
    pub fn touch(&mut self, address: &Address) {
        self.account_mut(address);
    }

    /// Adds to a balance (creates and touches the account; saturates at 2^256 - 1).
    pub fn add_balance(&mut self, address: &Address, amount: U256) {
        let account = self.account_mut(address);
        account.balance = account.balance.saturating_add(amount);
    }

    /// Subtracts from a balance, or fails without any change when it is too small.
    pub fn sub_balance(
        &mut self,
        address: &Address,
        amount: U256,
    ) -> Result<(), InsufficientBalance> {
        let balance = self.balance(address);
        let rest = balance.checked_sub(amount).ok_or(InsufficientBalance)?;
        self.account_mut(address).balance = rest;
        Ok(())
    }

    /// Moves `amount` from one account to another (touching both), or fails without change.
    pub fn transfer(
        &mut self,
        from: &Address,
        to: &Address,
        amount: U256,
    ) -> Result<(), InsufficientBalance> {
        self.sub_balance(from, amount)?;
        self.add_balance(to, amount);
        Ok(())
    }

    /// Sets a balance (creates and touches the account).
    pub fn set_balance(&mut self, address: &Address, balance: U256) {
        self.account_mut(address).balance = balance;
    }

    /// Sets a nonce (creates and touches the account).
    pub fn set_nonce(&mut self, address: &Address, nonce: u64) {
        self.account_mut(address).nonce = nonce;
    }

    /// Sets the code (creates and touches the account).
    pub fn set_code(&mut self, address: &Address, code: &[u8]) {
        self.account_mut(address).code = Arc::from(code);
    }

    /// Turns `address` into a fresh contract account: balance kept, nonce 1, no code, no
    /// storage (EIP-161 nonce for new contracts).
    pub fn reset_as_contract(&mut self, address: &Address) {
        let account = self.account_mut(address);
        let balance = account.balance;
        *account = Account {
            nonce: 1,
            balance,
            ..Account::default()
        };
    }

    /// Writes a storage slot with Byzantium semantics: clearing a non-zero slot earns the
    /// [`SSTORE_CLEAR_REFUND`]. Returns how the slot changed.
    pub fn set_storage(
        &mut self,
        address: &Address,
        key: &Bytes32,
        value: &Bytes32,
    ) -> StorageChange {
        let current = self.storage(address, key);
        let zero = [0u8; 32];
        let change = match (current == *value, current == zero, *value == zero) {
            (true, _, _) => StorageChange::Unchanged,
            (false, true, _) => StorageChange::Added,
            (false, false, true) => StorageChange::Deleted,
            (false, false, false) => StorageChange::Modified,
        };
        if change == StorageChange::Deleted {
            self.add_refund(SSTORE_CLEAR_REFUND);
        }
        self.write_slot(address, key, value);
        change
    }

    /// Stores `value` in a slot (zero removes it), touching the account.
    fn write_slot(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) {
        let account = self.account_mut(address);
        if *value == [0; 32] {
            account.storage.remove(key);
        } else {
            account.storage.insert(*key, *value);
        }
    }

    /// Writes a storage slot with net metering (EIP-2200) and the London refunds (EIP-3529)
    /// against the slot's value at the start of the transaction. Returns the change.
    pub fn set_storage_net(
        &mut self,
        address: &Address,
        key: &Bytes32,
        value: &Bytes32,
    ) -> StorageChange {
        use net_gas::{CLEAR_REFUND, RESET, SET, WARM};
        let current = self.storage(address, key);
        let original = *self
            .substate
            .originals
            .entry((*address, *key))
            .or_insert(current);
        let zero = [0u8; 32];
        let new = *value;
        let change = if current == new {
            StorageChange::Unchanged
        } else if original == current {
            match (original == zero, new == zero) {
                (true, _) => StorageChange::Added,
                (false, true) => StorageChange::Deleted,
                (false, false) => StorageChange::Modified,
            }
        } else {
            match (
                original == zero,
                current == zero,
                new == zero,
                new == original,
            ) {
                (false, true, _, true) => StorageChange::DeletedRestored,
                (false, true, _, false) => StorageChange::DeletedAdded,
                (false, false, true, _) => StorageChange::ModifiedDeleted,
                (false, false, false, true) => StorageChange::ModifiedRestored,
                (true, _, true, _) => StorageChange::AddedDeleted,
                _ => StorageChange::ModifiedAgain,
            }
        };
        // EIP-2200 refund rules with the EIP-3529 amounts.
        if current != new {
            if original == current {
                if original != zero && new == zero {
                    self.add_refund(CLEAR_REFUND);
                }
            } else {
                if original != zero {
                    if current == zero {
                        self.sub_refund(CLEAR_REFUND);
                    } else if new == zero {
                        self.add_refund(CLEAR_REFUND);
                    }
                }
                if new == original {
                    self.add_refund(if original == zero { SET } else { RESET } - WARM);
                }
            }
        }
        self.write_slot(address, key, &new);
        change
    }

    /// Self-destructs `address` in favour of `beneficiary`: the whole balance moves (burnt
    /// when they are the same account), the account is marked for deletion, and the first
    /// self-destruct of the account in this transaction earns `refund`
    /// ([`SELFDESTRUCT_REFUND`] before London, 0 after).
    pub fn selfdestruct(&mut self, address: &Address, beneficiary: &Address, refund: u64) {
        let balance = self.balance(address);
        self.add_balance(beneficiary, balance);
        self.set_balance(address, U256::ZERO);
        if self.substate.destructed.insert(*address) {
            self.add_refund(refund);
        }
    }

    /// A Cancun self-destruct of an account not created in this transaction (EIP-6780):
    /// the balance moves to `beneficiary` (stays when it is the account itself); nothing
    /// is deleted.
    pub fn selfdestruct_keep_account(&mut self, address: &Address, beneficiary: &Address) {
        if address != beneficiary {
            let balance = self.balance(address);
            self.add_balance(beneficiary, balance);
            self.set_balance(address, U256::ZERO);
        }
    }

    /// Records that `address` was created in this transaction.
    pub fn mark_created(&mut self, address: &Address) {
        self.substate.created.insert(*address);
    }

    /// Whether `address` was created in this transaction.
    pub fn is_created(&self, address: &Address) -> bool {
        self.substate.created.contains(address)
    }

    /// The transient storage value at `key` of `address` (zero when unset).
    pub fn transient(&self, address: &Address, key: &Bytes32) -> Bytes32 {
        self.substate
            .transient
            .get(&(*address, *key))
            .copied()
            .unwrap_or([0; 32])
    }

    /// Sets transient storage `key` of `address`.
    pub fn set_transient(&mut self, address: &Address, key: &Bytes32, value: &Bytes32) {
        self.substate.transient.insert((*address, *key), *value);
    }

    /// Whether `address` self-destructed in this transaction.
    pub fn is_destructed(&self, address: &Address) -> bool {
        self.substate.destructed.contains(address)
    }

    /// Adds to the refund counter.
    pub fn add_refund(&mut self, amount: u64) {
        self.substate.refund = self.substate.refund.saturating_add(amount);
    }

    /// Takes back from the refund counter (EIP-2200; never below zero).
    pub fn sub_refund(&mut self, amount: u64) {
        self.substate.refund = self.substate.refund.saturating_sub(amount);
    }

    /// The refund counter.
    pub fn refund(&self) -> u64 {
        self.substate.refund
    }

    /// Appends a log.
    pub fn push_log(&mut self, log: Log) {
        self.substate.logs.push(log);
    }

    /// Logs emitted so far (of frames that did not revert).
    pub fn logs(&self) -> &[Log] {
        &self.substate.logs
    }

    /// Records an account access; true when it was already accessed (warm).
    pub fn access_account(&mut self, address: &Address) -> bool {
        !self.substate.accessed_accounts.insert(*address)
    }

    /// Records a storage access; true when it was already accessed (warm).
    pub fn access_storage(&mut self, address: &Address, key: &Bytes32) -> bool {
        !self.substate.accessed_slots.insert((*address, *key))
    }

    /// Saves the whole state.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot(self.clone())
    }

    /// Returns to a saved state.
    pub fn revert(&mut self, snapshot: Snapshot) {
        *self = snapshot.0;
    }

    /// End of transaction: deletes self-destructed accounts and touched accounts that are
    /// empty (EIP-161), then clears the substate except the logs.
    pub fn finalize(&mut self) {
        let substate = std::mem::take(&mut self.substate);
        for address in substate.destructed.iter() {
            self.accounts.remove(address);
        }
        for address in substate.touched.iter() {
            if self.accounts.get(address).is_some_and(Account::is_empty) {
                self.accounts.remove(address);
            }
        }
        self.substate.logs = substate.logs;
    }

    /// Post-state root: secure trie of keccak256(address) → account leaf RLP.
    pub fn state_root(&self) -> Bytes32 {
        secure_trie_root(
            self.accounts
                .iter()
                .map(|(address, account)| (address, account.leaf_rlp())),
        )
    }

    /// keccak256 of the RLP list of logs `[[address, [topics...], data], ...]`.
    pub fn logs_hash(&self) -> Bytes32 {
        logs_hash(&self.substate.logs)
    }
}

/// keccak256 of the RLP list of `logs`.
pub fn logs_hash(logs: &[Log]) -> Bytes32 {
    keccak256(&rlp::encode_list(logs))
}

/// `[address, [topics...], data]`.
impl rlp::Encodable for Log {
    fn rlp_append(&self, stream: &mut RlpStream) {
        stream
            .begin_list(3)
            .append(&self.address.as_slice())
            .begin_list(self.topics.len());
        for topic in &self.topics {
            stream.append(&topic.as_slice());
        }
        stream.append(&self.data);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Address = [0xaa; 20];
    const B: Address = [0xbb; 20];

    fn word(last: u8) -> Bytes32 {
        let mut w = [0; 32];
        w[31] = last;
        w
    }

    #[test]
    fn empty_code_hash_is_keccak_of_nothing() {
        assert_eq!(keccak256(&[]), EMPTY_CODE_HASH);
    }

    #[test]
    fn no_logs_hash_matches_the_readme() {
        // keccak256(rlp([])) = keccak256(0xc0), the "no logs" value of the state tests.
        let expected =
            hex::decode("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347")
                .unwrap();
        assert_eq!(logs_hash(&[]).to_vec(), expected);
    }

    #[test]
    fn log_rlp_is_address_topics_list_and_data() {
        // Assembled by the RLP rules of Yellow Paper appendix B: a 20-byte string is 0x94 and
        // its bytes, a 32-byte one 0xa0 and its bytes, a list of payload n < 56 is 0xc0 + n,
        // longer ones 0xf8 n; the single byte 0x01 stands for itself.
        let topic = word(7);
        let log = Log {
            address: A,
            topics: vec![topic],
            data: vec![1],
        };
        let mut want = vec![0xf8, 21 + 34 + 1, 0x94];
        want.extend_from_slice(&A);
        want.extend_from_slice(&[0xe1, 0xa0]);
        want.extend_from_slice(&topic);
        want.push(0x01);
        assert_eq!(rlp::encode(&log).to_vec(), want);
        let no_topics = Log {
            topics: vec![],
            data: vec![],
            ..log
        };
        let mut want = vec![0xc0 + 21 + 1 + 1, 0x94];
        want.extend_from_slice(&A);
        want.extend_from_slice(&[0xc0, 0x80]);
        assert_eq!(rlp::encode(&no_topics).to_vec(), want);
        let mut list = vec![0xc0 + want.len() as u8];
        list.extend_from_slice(&want);
        assert_eq!(logs_hash(&[no_topics]), keccak256(&list));
    }

    #[test]
    fn storage_values_are_scalars_without_leading_zeros() {
        // One slot holding 0x0400: leaf value rlp(0x0400) = 82 04 00, not the 32-byte word.
        let mut storage = BTreeMap::new();
        let mut value = [0; 32];
        value[30] = 0x04;
        storage.insert(word(1), value);
        let account = Account {
            storage,
            ..Account::default()
        };
        assert_eq!(
            account.storage_root(),
            secure_trie_root([(word(1), [0x82, 0x04, 0x00])])
        );
    }

    #[test]
    fn empty_state_root_is_empty_trie() {
        assert_eq!(WorldState::new().state_root(), EMPTY_TRIE_ROOT);
    }

    #[test]
    fn account_leaf_of_fresh_account() {
        // [0x80, 0x80, a0 ++ empty root, a0 ++ empty code hash]: 2 + 2*33 = 68 payload bytes.
        let leaf = Account::default().leaf_rlp();
        assert_eq!(&leaf[..4], &[0xf8, 68, 0x80, 0x80]);
        assert_eq!(leaf[4], 0xa0);
        assert_eq!(&leaf[5..37], &EMPTY_TRIE_ROOT);
        assert_eq!(leaf[37], 0xa0);
        assert_eq!(&leaf[38..], &EMPTY_CODE_HASH);
    }

    #[test]
    fn storage_change_classification_and_refund() {
        let mut state = WorldState::new();
        assert_eq!(
            state.set_storage(&A, &word(1), &word(0)),
            StorageChange::Unchanged
        );
        assert_eq!(
            state.set_storage(&A, &word(1), &word(5)),
            StorageChange::Added
        );
        assert_eq!(
            state.set_storage(&A, &word(1), &word(5)),
            StorageChange::Unchanged
        );
        assert_eq!(
            state.set_storage(&A, &word(1), &word(6)),
            StorageChange::Modified
        );
        assert_eq!(state.refund(), 0);
        assert_eq!(
            state.set_storage(&A, &word(1), &word(0)),
            StorageChange::Deleted
        );
        assert_eq!(state.refund(), 15_000);
        assert!(state.account(&A).unwrap().storage.is_empty());
    }

    #[test]
    fn snapshot_revert_restores_accounts_logs_and_refund() {
        let mut state = WorldState::new();
        state.add_balance(&A, U256::new(10));
        let snap = state.snapshot();
        state.transfer(&A, &B, U256::new(4)).unwrap();
        state.push_log(Log {
            address: A,
            topics: vec![],
            data: vec![1],
        });
        state.add_refund(7);
        state.revert(snap);
        assert_eq!(state.balance(&A), U256::new(10));
        assert!(!state.exists(&B));
        assert!(state.logs().is_empty());
        assert_eq!(state.refund(), 0);
    }

    #[test]
    fn transfer_fails_without_change() {
        let mut state = WorldState::new();
        state.add_balance(&A, U256::new(3));
        assert_eq!(
            state.transfer(&A, &B, U256::new(4)),
            Err(InsufficientBalance)
        );
        assert_eq!(state.balance(&A), U256::new(3));
        assert!(!state.exists(&B));
    }

    #[test]
    fn eip161_cleanup_deletes_touched_empty_accounts_only() {
        let mut state = WorldState::new();
        // Untouched empty pre-state account survives; touched empty one is deleted.
        state.insert_account(A, Account::default());
        state.insert_account(B, Account::default());
        state.touch(&B);
        // Touched but non-empty survives.
        let c = [0xcc; 20];
        state.add_balance(&c, U256::ONE);
        // A zero-value transfer to a fresh address creates it, touched and empty.
        let d = [0xdd; 20];
        state.transfer(&c, &d, U256::ZERO).unwrap();
        state.finalize();
        assert!(state.exists(&A));
        assert!(!state.exists(&B));
        assert!(state.exists(&c));
        assert!(!state.exists(&d));
    }

    #[test]
    fn selfdestruct_moves_balance_refunds_once_and_deletes() {
        let mut state = WorldState::new();
        state.insert_account(
            A,
            Account {
                balance: U256::new(9),
                nonce: 1,
                ..Account::default()
            },
        );
        state.selfdestruct(&A, &B, SELFDESTRUCT_REFUND);
        state.selfdestruct(&A, &B, SELFDESTRUCT_REFUND);
        assert_eq!(state.refund(), SELFDESTRUCT_REFUND);
        assert_eq!(state.balance(&B), U256::new(9));
        assert!(state.is_destructed(&A));
        state.finalize();
        assert!(!state.exists(&A));
        assert_eq!(state.balance(&B), U256::new(9));
    }

    /// EIP-3529's table of SSTORE refunds (original, then the values written in order, the
    /// refund after the last write); gas is the VM's, from the returned status.
    #[test]
    fn net_storage_follows_the_eip_3529_refund_table() {
        use StorageChange::*;
        let cases: &[(u8, &[u8], &[StorageChange], u64)] = &[
            (0, &[0], &[Unchanged], 0),
            (0, &[1], &[Added], 0),
            (1, &[0], &[Deleted], 4_800),
            (1, &[2], &[Modified], 0),
            (1, &[1], &[Unchanged], 0),
            // 0 → 1 → 0: restored to the original zero, 20000 − 100 back.
            (0, &[1, 0], &[Added, AddedDeleted], 19_900),
            (0, &[1, 2], &[Added, ModifiedAgain], 0),
            // 1 → 0 → 1: the clear refund is taken back, 2900 − 100 given.
            (1, &[0, 1], &[Deleted, DeletedRestored], 2_800),
            (1, &[0, 2], &[Deleted, DeletedAdded], 0),
            (1, &[2, 0], &[Modified, ModifiedDeleted], 4_800),
            (1, &[2, 1], &[Modified, ModifiedRestored], 2_800),
            (1, &[2, 3], &[Modified, ModifiedAgain], 0),
            (
                1,
                &[0, 1, 0],
                &[Deleted, DeletedRestored, Deleted],
                2_800 + 4_800,
            ),
        ];
        for (original, writes, changes, refund) in cases {
            let mut state = WorldState::new();
            let mut storage = BTreeMap::new();
            storage.insert(word(1), word(*original));
            state.insert_account(
                A,
                Account {
                    storage,
                    ..Account::default()
                },
            );
            let got: Vec<StorageChange> = writes
                .iter()
                .map(|v| state.set_storage_net(&A, &word(1), &word(*v)))
                .collect();
            assert_eq!(&got, changes, "{original} {writes:?}");
            assert_eq!(state.refund(), *refund, "{original} {writes:?}");
            assert_eq!(state.storage(&A, &word(1)), word(*writes.last().unwrap()));
        }
    }

    #[test]
    fn transient_storage_reverts_with_its_frame_and_ends_with_the_transaction() {
        let mut state = WorldState::new();
        state.set_transient(&A, &word(1), &word(7));
        let snapshot = state.snapshot();
        state.set_transient(&A, &word(1), &word(9));
        state.set_transient(&B, &word(1), &word(5));
        assert_eq!(state.transient(&A, &word(1)), word(9));
        state.revert(snapshot);
        assert_eq!(state.transient(&A, &word(1)), word(7));
        assert_eq!(state.transient(&B, &word(1)), [0; 32]);
        state.finalize();
        assert_eq!(state.transient(&A, &word(1)), [0; 32]);
        assert_eq!(
            state.state_root(),
            EMPTY_TRIE_ROOT,
            "never part of the state"
        );
    }

    #[test]
    fn cancun_selfdestruct_keeps_the_account() {
        let mut state = WorldState::new();
        state.insert_account(
            A,
            Account {
                balance: U256::new(9),
                nonce: 1,
                ..Account::default()
            },
        );
        state.selfdestruct_keep_account(&A, &A);
        assert_eq!(state.balance(&A), U256::new(9), "to itself: nothing moves");
        state.selfdestruct_keep_account(&A, &B);
        state.finalize();
        assert_eq!(state.balance(&B), U256::new(9));
        assert_eq!(state.nonce(&A), 1, "A is kept");
    }

    #[test]
    fn selfdestruct_to_itself_burns_the_balance() {
        let mut state = WorldState::new();
        state.insert_account(
            A,
            Account {
                balance: U256::new(9),
                nonce: 1,
                ..Account::default()
            },
        );
        state.selfdestruct(&A, &A, SELFDESTRUCT_REFUND);
        assert_eq!(state.balance(&A), U256::ZERO);
    }
}
