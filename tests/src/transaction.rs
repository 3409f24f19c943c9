//! One transaction under the state tests' rules of its fork ([`Rules`]): validity checks,
//! intrinsic gas, buying gas (and blob gas) and the nonce bump, the warm accounts, the
//! top-level call or create through the [`Host`], the refund and its cap, the Prague calldata
//! floor, fees to sender and coinbase (the base fee and blob fee burnt), and the
//! end-of-transaction cleanup.

use crate::evmc_loader::ExecutionResult;
use crate::host::{create_address, Host, Message};
use crate::rules::{Rules, GAS_PER_BLOB};
use crate::state::{Address, WorldState};
use ethnum::U256;
use evmc_sys::{evmc_call_kind, evmc_status_code};
use std::fmt;

/// First byte of every blob versioned hash (EIP-4844's KZG version).
pub const BLOB_HASH_VERSION_KZG: u8 = 0x01;

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
    /// Gas price, or the most the sender pays per gas (`maxFeePerGas`) when
    /// [`Transaction::max_priority_fee`] is set.
    pub gas_price: U256,
    /// The priority fee cap of a dynamic-fee transaction (EIP-1559).
    pub max_priority_fee: Option<U256>,
    /// Value.
    pub value: U256,
    /// Call data or init code.
    pub data: Vec<u8>,
    /// Versioned hashes of the blobs (EIP-4844).
    pub blob_hashes: Vec<[u8; 32]>,
    /// The most the sender pays per blob gas.
    pub max_fee_per_blob_gas: U256,
}

impl Transaction {
    /// The price per gas actually paid under `base_fee`: the gas price, or for a
    /// dynamic-fee transaction min(max fee, base fee + priority fee).
    pub fn effective_gas_price(&self, base_fee: U256) -> U256 {
        match self.max_priority_fee {
            None => self.gas_price,
            Some(priority) => self.gas_price.min(base_fee.saturating_add(priority)),
        }
    }

    /// Blob gas used: 131072 per blob.
    pub fn blob_gas(&self) -> u64 {
        GAS_PER_BLOB * self.blob_hashes.len() as u64
    }
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
    /// The gas limit does not cover the intrinsic gas (or the Prague calldata floor).
    IntrinsicGasTooLow {
        /// Intrinsic gas (or the floor, when higher).
        intrinsic: u64,
        /// Gas limit.
        gas_limit: u64,
    },
    /// The gas limit exceeds the block's.
    GasLimitAboveBlock,
    /// The sender cannot pay gas limit × price + value (+ blob gas at its maximum fee).
    InsufficientFunds,
    /// The sender has code (EIP-3607).
    SenderHasCode,
    /// Init code longer than 49152 bytes (EIP-3860).
    InitCodeTooLarge {
        /// Its length.
        len: usize,
    },
    /// The (maximum) gas price is below the block's base fee, or the priority fee above the
    /// maximum fee (EIP-1559).
    FeeBelowBaseFee,
    /// A blob transaction before Cancun, creating a contract, or paying less per blob gas
    /// than the blob base fee (EIP-4844).
    InvalidBlobTransaction(&'static str),
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
            InvalidTx::SenderHasCode => write!(f, "sender has code (EIP-3607)"),
            InvalidTx::InitCodeTooLarge { len } => {
                write!(f, "init code of {len} bytes above 49152 (EIP-3860)")
            }
            InvalidTx::FeeBelowBaseFee => write!(f, "gas price below the base fee (EIP-1559)"),
            InvalidTx::InvalidBlobTransaction(why) => write!(f, "blob transaction: {why}"),
        }
    }
}

/// What a valid transaction did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxOutcome {
    /// Status of the top-level frame.
    pub status: evmc_status_code,
    /// Gas charged after the refund (and the calldata floor).
    pub gas_used: u64,
    /// Refund granted (after the cap).
    pub refund: u64,
    /// Output of the top-level frame.
    pub output: Vec<u8>,
    /// Created contract (creation transactions that succeeded).
    pub create_address: Option<Address>,
}

/// The charges of a valid transaction, fixed before it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charges {
    /// Intrinsic gas.
    pub intrinsic: u64,
    /// Least gas used (EIP-7623, Prague), if any.
    pub floor: Option<u64>,
    /// Price per gas the sender pays.
    pub price: U256,
    /// Part of [`Charges::price`] the coinbase receives (the rest is the burnt base fee).
    pub coinbase_price: U256,
    /// Blob fee, burnt.
    pub blob_fee: U256,
    /// The refund is at most gas used / this.
    pub refund_quotient: u64,
}

impl Charges {
    /// Byzantium charges: all of `price` to the coinbase, refund cap half the gas used.
    pub fn byzantium(intrinsic: u64, price: U256) -> Charges {
        Charges {
            intrinsic,
            floor: None,
            price,
            coinbase_price: price,
            blob_fee: U256::ZERO,
            refund_quotient: 2,
        }
    }
}

/// Intrinsic gas under Byzantium: 21000, +32000 for a creation, 4 per zero and 68 per
/// non-zero data byte ([`Rules::intrinsic_gas`] for other forks).
pub fn intrinsic_gas(data: &[u8], is_create: bool) -> u64 {
    Rules::new(ewasm_host::Revision::Byzantium).intrinsic_gas(data, is_create)
}

/// The refund actually granted: at most gas used / `quotient`.
pub fn capped_refund(refund: u64, gas_used: u64, quotient: u64) -> u64 {
    refund.min(gas_used / quotient)
}

/// The block facts validation needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockFees {
    /// Block gas limit.
    pub gas_limit: u64,
    /// Base fee (London on).
    pub base_fee: U256,
    /// Blob base fee (Cancun on).
    pub blob_base_fee: U256,
}

/// Checks validity against the state under `rules`; returns the charges.
pub fn validate(
    state: &WorldState,
    tx: &Transaction,
    rules: &Rules,
    block: &BlockFees,
) -> Result<Charges, InvalidTx> {
    let expected = state.nonce(&tx.sender);
    if tx.nonce != expected {
        return Err(InvalidTx::NonceMismatch {
            expected,
            got: tx.nonce,
        });
    }
    if rules.rejects_ef_code_and_code_senders() && !state.code(&tx.sender).is_empty() {
        return Err(InvalidTx::SenderHasCode);
    }
    if let Some(max) = rules.max_init_code_size() {
        if tx.to.is_none() && tx.data.len() > max {
            return Err(InvalidTx::InitCodeTooLarge { len: tx.data.len() });
        }
    }
    let intrinsic = rules.intrinsic_gas(&tx.data, tx.to.is_none());
    let floor = rules.calldata_floor(&tx.data);
    let least = intrinsic.max(floor.unwrap_or(0));
    if least > tx.gas_limit {
        return Err(InvalidTx::IntrinsicGasTooLow {
            intrinsic: least,
            gas_limit: tx.gas_limit,
        });
    }
    if tx.gas_limit > block.gas_limit {
        return Err(InvalidTx::GasLimitAboveBlock);
    }
    let base_fee = if rules.has_base_fee() {
        block.base_fee
    } else {
        U256::ZERO
    };
    if tx.gas_price < base_fee || tx.max_priority_fee.is_some_and(|p| p > tx.gas_price) {
        return Err(InvalidTx::FeeBelowBaseFee);
    }
    let price = tx.effective_gas_price(base_fee);
    let (blob_fee, max_blob_fee) = blob_fees(tx, rules, block)?;
    let cost = U256::from(tx.gas_limit)
        .checked_mul(tx.gas_price)
        .and_then(|fee| fee.checked_add(tx.value))
        .and_then(|fee| fee.checked_add(max_blob_fee))
        .ok_or(InvalidTx::InsufficientFunds)?;
    if state.balance(&tx.sender) < cost {
        return Err(InvalidTx::InsufficientFunds);
    }
    Ok(Charges {
        intrinsic,
        floor,
        price,
        coinbase_price: price - base_fee,
        blob_fee,
        refund_quotient: rules.refund_quotient(),
    })
}

/// The blob fee and the most it may cost (both zero without blobs).
fn blob_fees(
    tx: &Transaction,
    rules: &Rules,
    block: &BlockFees,
) -> Result<(U256, U256), InvalidTx> {
    if tx.blob_hashes.is_empty() {
        return Ok((U256::ZERO, U256::ZERO));
    }
    let invalid = InvalidTx::InvalidBlobTransaction;
    if !rules.has_blobs() {
        return Err(invalid("no blobs before Cancun"));
    }
    if tx.to.is_none() {
        return Err(invalid("it cannot create a contract"));
    }
    if tx.blob_hashes.iter().any(|h| h[0] != BLOB_HASH_VERSION_KZG) {
        return Err(invalid("a versioned hash does not start with 0x01"));
    }
    if tx.max_fee_per_blob_gas < block.blob_base_fee {
        return Err(invalid("max fee per blob gas below the blob base fee"));
    }
    let gas = U256::from(tx.blob_gas());
    let fee = gas.checked_mul(block.blob_base_fee);
    let max = gas.checked_mul(tx.max_fee_per_blob_gas);
    match (fee, max) {
        (Some(fee), Some(max)) => Ok((fee, max)),
        _ => Err(InvalidTx::InsufficientFunds),
    }
}

/// Executes `tx` on the host's state under the host's rules: buy gas, bump the nonce, warm
/// the accounts, run the top-level frame, then [`settle`]. An invalid transaction changes
/// nothing.
pub fn execute(host: &Host<'_>, tx: &Transaction) -> Result<TxOutcome, InvalidTx> {
    let rules = host.rules();
    let env = host.env();
    let block = BlockFees {
        gas_limit: u64::try_from(env.gas_limit).unwrap_or(0),
        base_fee: env.base_fee,
        blob_base_fee: env.blob_base_fee,
    };
    let charges = validate(&host.state(), tx, &rules, &block)?;
    let created = tx
        .to
        .is_none()
        .then(|| create_address(&tx.sender, tx.nonce));
    host.with_state(|state| {
        let fee = U256::from(tx.gas_limit) * charges.price + charges.blob_fee;
        // Cannot fail: `validate` checked the balance covers the most it can cost.
        let _ = state.sub_balance(&tx.sender, fee);
        state.set_nonce(&tx.sender, tx.nonce.saturating_add(1));
        if rules.has_access_lists() {
            let recipient = tx.to.or(created).unwrap_or_default();
            for address in [tx.sender, recipient]
                .into_iter()
                .chain(rules.warm_accounts(&env.coinbase))
            {
                state.access_account(&address);
            }
        }
    });
    let gas = i64::try_from(tx.gas_limit.saturating_sub(charges.intrinsic)).unwrap_or(i64::MAX);
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
    let result = match created {
        None => host.call(&msg),
        Some(address) => {
            msg.kind = evmc_call_kind::EVMC_CREATE;
            host.create_at(&msg, address)
        }
    };
    Ok(host.with_state(|state| settle(state, tx, &env.coinbase, &charges, result)))
}

/// End of a transaction: gas left (zero unless SUCCESS or REVERT) plus the capped refund
/// goes back to the sender, no less than the calldata floor counts as used, the coinbase
/// gets its price per gas used, then self-destructed and touched empty accounts are deleted
/// (EIP-161).
pub fn settle(
    state: &mut WorldState,
    tx: &Transaction,
    coinbase: &Address,
    charges: &Charges,
    result: ExecutionResult,
) -> TxOutcome {
    let frame_gas = tx.gas_limit.saturating_sub(charges.intrinsic);
    let kept = matches!(
        result.status,
        evmc_status_code::EVMC_SUCCESS | evmc_status_code::EVMC_REVERT
    );
    let gas_left = if kept {
        u64::try_from(result.gas_left).unwrap_or(0).min(frame_gas)
    } else {
        0
    };
    let used_before_refund = tx.gas_limit.saturating_sub(gas_left);
    let refund = capped_refund(state.refund(), used_before_refund, charges.refund_quotient);
    let gas_used = (used_before_refund - refund).max(charges.floor.unwrap_or(0));
    let gas_left = tx.gas_limit.saturating_sub(gas_used);
    state.add_balance(&tx.sender, U256::from(gas_left) * charges.price);
    state.add_balance(coinbase, U256::from(gas_used) * charges.coinbase_price);
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
    use ewasm_host::Revision;

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

    /// Byzantium validation, the intrinsic gas of the charges.
    fn byzantium_validate(
        state: &WorldState,
        t: &Transaction,
        gas_limit: u64,
    ) -> Result<u64, InvalidTx> {
        let block = BlockFees {
            gas_limit,
            ..BlockFees::default()
        };
        validate(state, t, &Rules::new(Revision::Byzantium), &block).map(|c| c.intrinsic)
    }

    /// [`settle`] with Byzantium charges: intrinsic 21000 at the transaction's price.
    fn settle_byzantium(
        state: &mut WorldState,
        t: &Transaction,
        result: ExecutionResult,
    ) -> TxOutcome {
        settle(
            state,
            t,
            &COINBASE,
            &Charges::byzantium(21_000, t.gas_price),
            result,
        )
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
        assert_eq!(capped_refund(15_000, 100_000, 2), 15_000);
        assert_eq!(capped_refund(15_000, 20_001, 2), 10_000);
        assert_eq!(capped_refund(24_000, 21_000, 2), 10_500);
        assert_eq!(capped_refund(0, 50_000, 2), 0);
        // London: a fifth.
        assert_eq!(capped_refund(24_000, 21_000, 5), 4_200);
    }

    #[test]
    fn validation_rules() {
        let state = funded(1_000_000);
        assert_eq!(
            byzantium_validate(&state, &tx(21_000), 1_000_000),
            Ok(21_000)
        );
        assert_eq!(
            byzantium_validate(&state, &tx(20_999), 1_000_000),
            Err(InvalidTx::IntrinsicGasTooLow {
                intrinsic: 21_000,
                gas_limit: 20_999
            })
        );
        assert_eq!(
            byzantium_validate(&state, &tx(21_000), 20_000),
            Err(InvalidTx::GasLimitAboveBlock)
        );
        let mut t = tx(21_000);
        t.nonce = 1;
        assert_eq!(
            byzantium_validate(&state, &t, 1_000_000),
            Err(InvalidTx::NonceMismatch {
                expected: 0,
                got: 1
            })
        );
        // 2 × 500_000 = 1_000_000 exactly affordable; one more wei of value is not.
        assert!(byzantium_validate(&state, &tx(500_000), 1_000_000).is_ok());
        let mut t = tx(500_000);
        t.value = U256::ONE;
        assert_eq!(
            byzantium_validate(&state, &t, 1_000_000),
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
        let outcome = settle_byzantium(&mut state, &t, result);
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
        let outcome = settle_byzantium(&mut state, &t, result);
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
        let outcome = settle_byzantium(&mut state, &t, result);
        assert_eq!(outcome.gas_used, 100_000);
        assert_eq!(state.balance(&COINBASE), U256::new(200_000));
        assert!(
            !state.exists(&SENDER),
            "the sender spent everything and is empty (nonce 0): EIP-161"
        );
    }

    fn block(base_fee: u64, blob_base_fee: u64) -> BlockFees {
        BlockFees {
            gas_limit: 1_000_000,
            base_fee: U256::from(base_fee),
            blob_base_fee: U256::from(blob_base_fee),
        }
    }

    #[test]
    fn london_and_later_validity_rules() {
        let cancun = Rules::new(Revision::Cancun);
        let state = funded(10_000_000);
        // Price 2 at base fee 2: valid, nothing for the coinbase; base fee 3: invalid.
        let charges = validate(&state, &tx(21_000), &cancun, &block(2, 1)).unwrap();
        assert_eq!(
            (charges.price, charges.coinbase_price),
            (U256::new(2), U256::ZERO)
        );
        assert_eq!(charges.refund_quotient, 5);
        assert_eq!(
            validate(&state, &tx(21_000), &cancun, &block(3, 1)),
            Err(InvalidTx::FeeBelowBaseFee)
        );
        // Dynamic fee: max 10, priority 3 at base fee 4 pays 7, 3 of it to the coinbase.
        let mut t = tx(21_000);
        t.gas_price = U256::new(10);
        t.max_priority_fee = Some(U256::new(3));
        let charges = validate(&state, &t, &cancun, &block(4, 1)).unwrap();
        assert_eq!(
            (charges.price, charges.coinbase_price),
            (U256::new(7), U256::new(3))
        );
        // EIP-3607: a sender with code cannot send.
        let mut with_code = funded(10_000_000);
        with_code.set_code(&SENDER, &[0]);
        assert_eq!(
            validate(&with_code, &tx(21_000), &cancun, &block(0, 1)),
            Err(InvalidTx::SenderHasCode)
        );
        // EIP-3860: 49153 bytes of init code are invalid, 49152 pay 2 per word.
        let mut create = tx(500_000);
        create.to = None;
        create.data = vec![0; 49_153];
        assert_eq!(
            validate(&state, &create, &cancun, &block(0, 1)),
            Err(InvalidTx::InitCodeTooLarge { len: 49_153 })
        );
        create.data.pop();
        let charges = validate(&state, &create, &cancun, &block(0, 1)).unwrap();
        assert_eq!(charges.intrinsic, 53_000 + 4 * 49_152 + 2 * 1_536);
    }

    #[test]
    fn blob_transactions() {
        let cancun = Rules::new(Revision::Cancun);
        let state = funded(10_000_000);
        let mut t = tx(21_000);
        t.blob_hashes = vec![[1; 32], [1; 32]];
        t.max_fee_per_blob_gas = U256::new(3);
        // 2 blobs × 131072 blob gas × blob base fee 2 = 524288, burnt.
        let charges = validate(&state, &t, &cancun, &block(0, 2)).unwrap();
        assert_eq!(charges.blob_fee, U256::new(524_288));
        let invalid = |t: &Transaction, rules: &Rules, blob_base_fee: u64| {
            validate(&state, t, rules, &block(0, blob_base_fee))
        };
        assert!(matches!(
            invalid(&t, &cancun, 4),
            Err(InvalidTx::InvalidBlobTransaction(_))
        ));
        assert!(matches!(
            invalid(&t, &Rules::new(Revision::Shanghai), 2),
            Err(InvalidTx::InvalidBlobTransaction(_))
        ));
        let mut create = t.clone();
        create.to = None;
        create.gas_limit = 100_000;
        assert!(matches!(
            invalid(&create, &cancun, 2),
            Err(InvalidTx::InvalidBlobTransaction(_))
        ));
        let mut bad_version = t.clone();
        bad_version.blob_hashes[1][0] = 0x02;
        assert!(matches!(
            invalid(&bad_version, &cancun, 2),
            Err(InvalidTx::InvalidBlobTransaction(_))
        ));
        // The balance must cover gas limit × price + blob gas at the maximum fee 3:
        // 42000 + 786432 = 828432.
        let poor = funded(828_431);
        assert_eq!(
            validate(&poor, &t, &cancun, &block(0, 2)),
            Err(InvalidTx::InsufficientFunds)
        );
    }

    #[test]
    fn prague_settles_at_least_the_calldata_floor() {
        // 100 non-zero bytes: intrinsic 21000 + 1600, floor 21000 + 10 × 400 = 25000.
        let prague = Rules::new(Revision::Prague);
        let mut t = tx(100_000);
        t.data = vec![1; 100];
        let state = funded(1_000_000);
        let charges = validate(&state, &t, &prague, &block(1, 1)).unwrap();
        assert_eq!((charges.intrinsic, charges.floor), (22_600, Some(25_000)));
        // The frame used 500 of its 77400: 23100 < 25000, so 25000 count.
        let mut state = funded(1_000_000);
        state.sub_balance(&SENDER, U256::new(200_000)).unwrap();
        let result = ExecutionResult::new(evmc_status_code::EVMC_SUCCESS, 76_900);
        let outcome = settle(&mut state, &t, &COINBASE, &charges, result);
        assert_eq!(outcome.gas_used, 25_000);
        // Sender: price 2 on the 75000 left back; coinbase: 2 − base fee 1 per gas used.
        assert_eq!(state.balance(&SENDER), U256::new(800_000 + 150_000));
        assert_eq!(state.balance(&COINBASE), U256::new(25_000));
        // A limit below the floor (but above the intrinsic gas) is invalid.
        let mut low = t.clone();
        low.gas_limit = 24_999;
        assert_eq!(
            validate(&funded(1_000_000), &low, &prague, &block(1, 1)),
            Err(InvalidTx::IntrinsicGasTooLow {
                intrinsic: 25_000,
                gas_limit: 24_999
            })
        );
    }

    #[test]
    fn zero_fee_coinbase_is_cleaned_up() {
        let mut t = tx(50_000);
        t.gas_price = U256::ZERO;
        let mut state = funded(5);
        let result = ExecutionResult::new(evmc_status_code::EVMC_SUCCESS, 29_000);
        settle_byzantium(&mut state, &t, result);
        assert!(
            !state.exists(&COINBASE),
            "touched with zero fee and empty: deleted"
        );
        assert_eq!(state.balance(&SENDER), U256::new(5));
    }
}
