//! One transaction under the Byzantium rules of the state tests: validity checks, intrinsic
//! gas, buying gas and the nonce bump, the top-level call or create through the [`Host`],
//! the refund and its cap, fees to sender and coinbase, and the end-of-transaction cleanup.

use crate::evmc_loader::ExecutionResult;
use crate::host::{create_address, Host, Message};
use crate::state::{Address, WorldState};
use ethnum::U256;
use evmc_sys::{evmc_call_kind, evmc_status_code};
use std::fmt;

/// Base cost of every transaction.
pub const TX_GAS: u64 = 21_000;
/// Extra base cost of a contract-creation transaction (Homestead on).
pub const TX_CREATE_GAS: u64 = 32_000;
/// Cost per zero byte of transaction data.
pub const TX_DATA_ZERO_GAS: u64 = 4;
/// Cost per non-zero byte of transaction data (before Istanbul).
pub const TX_DATA_NON_ZERO_GAS: u64 = 68;

/// A signed-and-recovered transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transaction {
    /// Sender (recovered from the secret key).
    pub sender: Address,
    /// Recipient; `None` creates a contract.
    pub to: Option<Address>,
    /// Nonce.
    pub nonce: u64,
    /// Gas limit.
    pub gas_limit: u64,
    /// Gas price.
    pub gas_price: U256,
    /// Value.
    pub value: U256,
    /// Call data or init code.
    pub data: Vec<u8>,
}

/// Why a transaction is invalid (the state is left untouched).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidTx {
    /// The nonce is not the sender's.
    NonceMismatch {
        /// Sender's nonce.
        expected: u64,
        /// Transaction nonce.
        got: u64,
    },
    /// The gas limit does not cover the intrinsic gas.
    IntrinsicGasTooLow {
        /// Intrinsic gas.
        intrinsic: u64,
        /// Gas limit.
        gas_limit: u64,
    },
    /// The gas limit exceeds the block's.
    GasLimitAboveBlock,
    /// The sender cannot pay gas limit × price + value.
    InsufficientFunds,
}

impl fmt::Display for InvalidTx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidTx::NonceMismatch { expected, got } => {
                write!(f, "nonce {got}, sender has {expected}")
            }
            InvalidTx::IntrinsicGasTooLow {
                intrinsic,
                gas_limit,
            } => {
                write!(f, "intrinsic gas {intrinsic} above gas limit {gas_limit}")
            }
            InvalidTx::GasLimitAboveBlock => write!(f, "gas limit above the block gas limit"),
            InvalidTx::InsufficientFunds => write!(f, "sender cannot pay gas and value"),
        }
    }
}

/// What a valid transaction did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxOutcome {
    /// Status of the top-level frame.
    pub status: evmc_status_code,
    /// Gas charged after the refund.
    pub gas_used: u64,
    /// Refund granted (after the cap).
    pub refund: u64,
    /// Output of the top-level frame.
    pub output: Vec<u8>,
    /// Created contract (creation transactions that succeeded).
    pub create_address: Option<Address>,
}

/// Intrinsic gas: 21000, +32000 for a creation, 4 per zero and 68 per non-zero data byte.
pub fn intrinsic_gas(data: &[u8], is_create: bool) -> u64 {
    let zeros = data.iter().filter(|&&b| b == 0).count() as u64;
    let non_zeros = data.len() as u64 - zeros;
    TX_GAS
        + if is_create { TX_CREATE_GAS } else { 0 }
        + zeros * TX_DATA_ZERO_GAS
        + non_zeros * TX_DATA_NON_ZERO_GAS
}

/// The refund actually granted: at most half the gas used.
pub fn capped_refund(refund: u64, gas_used: u64) -> u64 {
    refund.min(gas_used / 2)
}

/// Checks validity against the state; returns the intrinsic gas.
pub fn validate(
    state: &WorldState,
    tx: &Transaction,
    block_gas_limit: u64,
) -> Result<u64, InvalidTx> {
    let expected = state.nonce(&tx.sender);
    if tx.nonce != expected {
        return Err(InvalidTx::NonceMismatch {
            expected,
            got: tx.nonce,
        });
    }
    let intrinsic = intrinsic_gas(&tx.data, tx.to.is_none());
    if intrinsic > tx.gas_limit {
        return Err(InvalidTx::IntrinsicGasTooLow {
            intrinsic,
            gas_limit: tx.gas_limit,
        });
    }
    if tx.gas_limit > block_gas_limit {
        return Err(InvalidTx::GasLimitAboveBlock);
    }
    let cost = U256::from(tx.gas_limit)
        .checked_mul(tx.gas_price)
        .and_then(|fee| fee.checked_add(tx.value))
        .ok_or(InvalidTx::InsufficientFunds)?;
    if state.balance(&tx.sender) < cost {
        return Err(InvalidTx::InsufficientFunds);
    }
    Ok(intrinsic)
}

/// Executes `tx` on the host's state: buy gas, bump the nonce, run the top-level frame,
/// then [`settle`]. An invalid transaction changes nothing.
pub fn execute(host: &Host<'_>, tx: &Transaction) -> Result<TxOutcome, InvalidTx> {
    let block_gas_limit = u64::try_from(host.env().gas_limit).unwrap_or(0);
    let intrinsic = validate(&host.state(), tx, block_gas_limit)?;
    host.with_state(|state| {
        let fee = U256::from(tx.gas_limit) * tx.gas_price;
        // Cannot fail: `validate` checked the balance covers fee + value.
        let _ = state.sub_balance(&tx.sender, fee);
        state.set_nonce(&tx.sender, tx.nonce.saturating_add(1));
    });
    let gas = i64::try_from(tx.gas_limit.saturating_sub(intrinsic)).unwrap_or(i64::MAX);
    let mut msg = Message {
        kind: evmc_call_kind::EVMC_CALL,
        is_static: false,
        depth: 0,
        gas,
        destination: tx.to.unwrap_or_default(),
        sender: tx.sender,
        input: tx.data.clone(),
        value: tx.value,
    };
    let result = match tx.to {
        Some(_) => host.call(&msg),
        None => {
            msg.kind = evmc_call_kind::EVMC_CREATE;
            host.create_at(&msg, create_address(&tx.sender, tx.nonce))
        }
    };
    Ok(host.with_state(|state| settle(state, tx, &host.env().coinbase, intrinsic, result)))
}

/// End of a transaction: gas left (zero unless SUCCESS or REVERT) plus the capped refund
/// goes back to the sender, the rest pays the coinbase, then self-destructed and touched
/// empty accounts are deleted (EIP-161).
pub fn settle(
    state: &mut WorldState,
    tx: &Transaction,
    coinbase: &Address,
    intrinsic: u64,
    result: ExecutionResult,
) -> TxOutcome {
    let frame_gas = tx.gas_limit.saturating_sub(intrinsic);
    let kept = matches!(
        result.status,
        evmc_status_code::EVMC_SUCCESS | evmc_status_code::EVMC_REVERT
    );
    let mut gas_left = if kept {
        u64::try_from(result.gas_left).unwrap_or(0).min(frame_gas)
    } else {
        0
    };
    let refund = capped_refund(state.refund(), tx.gas_limit.saturating_sub(gas_left));
    gas_left = gas_left.saturating_add(refund);
    let gas_used = tx.gas_limit.saturating_sub(gas_left);
    state.add_balance(&tx.sender, U256::from(gas_left) * tx.gas_price);
    state.add_balance(coinbase, U256::from(gas_used) * tx.gas_price);
    state.finalize();
    let created = result.status == evmc_status_code::EVMC_SUCCESS && tx.to.is_none();
    TxOutcome {
        status: result.status,
        gas_used,
        refund,
        output: result.output,
        create_address: created.then_some(result.create_address),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Account;

    const SENDER: Address = [0xa9; 20];
    const COINBASE: Address = [0xc0; 20];

    fn tx(gas_limit: u64) -> Transaction {
        Transaction {
            sender: SENDER,
            to: Some([0xdd; 20]),
            gas_limit,
            gas_price: U256::new(2),
            ..Transaction::default()
        }
    }

    fn funded(balance: u128) -> WorldState {
        let mut state = WorldState::new();
        state.insert_account(
            SENDER,
            Account {
                balance: U256::new(balance),
                ..Account::default()
            },
        );
        state
    }

    #[test]
    fn intrinsic_gas_counts_bytes_and_creation() {
        assert_eq!(intrinsic_gas(&[], false), 21_000);
        assert_eq!(intrinsic_gas(&[], true), 53_000);
        // 2 zero bytes (8) + 3 non-zero bytes (204).
        assert_eq!(intrinsic_gas(&[0, 1, 0, 0xff, 7], false), 21_000 + 8 + 204);
        assert_eq!(intrinsic_gas(&[0, 1, 0, 0xff, 7], true), 53_000 + 212);
    }

    #[test]
    fn refund_is_capped_at_half_the_gas_used() {
        assert_eq!(capped_refund(15_000, 100_000), 15_000);
        assert_eq!(capped_refund(15_000, 20_001), 10_000);
        assert_eq!(capped_refund(24_000, 21_000), 10_500);
        assert_eq!(capped_refund(0, 50_000), 0);
    }

    #[test]
    fn validation_rules() {
        let state = funded(1_000_000);
        assert_eq!(validate(&state, &tx(21_000), 1_000_000), Ok(21_000));
        assert_eq!(
            validate(&state, &tx(20_999), 1_000_000),
            Err(InvalidTx::IntrinsicGasTooLow {
                intrinsic: 21_000,
                gas_limit: 20_999
            })
        );
        assert_eq!(
            validate(&state, &tx(21_000), 20_000),
            Err(InvalidTx::GasLimitAboveBlock)
        );
        let mut t = tx(21_000);
        t.nonce = 1;
        assert_eq!(
            validate(&state, &t, 1_000_000),
            Err(InvalidTx::NonceMismatch {
                expected: 0,
                got: 1
            })
        );
        // 2 × 500_000 = 1_000_000 exactly affordable; one more wei of value is not.
        assert!(validate(&state, &tx(500_000), 1_000_000).is_ok());
        let mut t = tx(500_000);
        t.value = U256::ONE;
        assert_eq!(
            validate(&state, &t, 1_000_000),
            Err(InvalidTx::InsufficientFunds)
        );
    }

    #[test]
    fn settle_applies_capped_refund_and_pays_both_sides() {
        // Gas limit 100_000 at price 2, bought up front; the frame leaves 40_000 of the
        // 79_000 it had and earned a 15_000 refund: used before refund 60_000, cap 30_000.
        let t = tx(100_000);
        let mut state = funded(200_000);
        state.sub_balance(&SENDER, U256::new(200_000)).unwrap();
        state.add_refund(15_000);
        let result = ExecutionResult::new(evmc_status_code::EVMC_SUCCESS, 40_000);
        let outcome = settle(&mut state, &t, &COINBASE, 21_000, result);
        assert_eq!(outcome.refund, 15_000);
        assert_eq!(outcome.gas_used, 45_000);
        assert_eq!(state.balance(&SENDER), U256::new(110_000));
        assert_eq!(state.balance(&COINBASE), U256::new(90_000));
    }

    #[test]
    fn settle_caps_a_large_refund() {
        let t = tx(100_000);
        let mut state = funded(200_000);
        state.sub_balance(&SENDER, U256::new(200_000)).unwrap();
        state.add_refund(48_000);
        let result = ExecutionResult::new(evmc_status_code::EVMC_SUCCESS, 50_000);
        let outcome = settle(&mut state, &t, &COINBASE, 21_000, result);
        // Used before refund 50_000, cap 25_000.
        assert_eq!(outcome.refund, 25_000);
        assert_eq!(outcome.gas_used, 25_000);
    }

    #[test]
    fn failure_consumes_all_gas() {
        let t = tx(100_000);
        let mut state = funded(200_000);
        state.sub_balance(&SENDER, U256::new(200_000)).unwrap();
        let result = ExecutionResult::new(evmc_status_code::EVMC_FAILURE, 12_345);
        let outcome = settle(&mut state, &t, &COINBASE, 21_000, result);
        assert_eq!(outcome.gas_used, 100_000);
        assert_eq!(state.balance(&COINBASE), U256::new(200_000));
        assert!(
            !state.exists(&SENDER),
            "the sender spent everything and is empty (nonce 0): EIP-161"
        );
    }

    #[test]
    fn zero_fee_coinbase_is_cleaned_up() {
        let mut t = tx(50_000);
        t.gas_price = U256::ZERO;
        let mut state = funded(5);
        let result = ExecutionResult::new(evmc_status_code::EVMC_SUCCESS, 29_000);
        settle(&mut state, &t, &COINBASE, 21_000, result);
        assert!(
            !state.exists(&COINBASE),
            "touched with zero fee and empty: deleted"
        );
        assert_eq!(state.balance(&SENDER), U256::new(5));
    }
}
