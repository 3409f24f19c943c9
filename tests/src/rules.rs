//! The transaction and frame rules of each fork the consensus test host implements:
//! Byzantium (the public Ewasm suite) and Paris to Prague (our state tests on the ABI 12
//! library). Every fork-dependent constant and switch of `transaction.rs`, `host.rs` and
//! `state.rs` is asked here, so one place says what each fork changes.
//!
//! Every revision has rules (what `ssvm run` uses), but only the forks above are complete:
//! [`Rules::implemented`] says why the others (Constantinople to London, Osaka) are not, and
//! the state-test runner skips their cases with that reason.

use ethnum::U256;
use ewasm_host::Revision;

/// Extra intrinsic gas per 32-byte word of init code of a creation transaction (EIP-3860).
pub const INIT_CODE_WORD_GAS: u64 = 2;
/// Largest init code of a creation transaction from Shanghai (EIP-3860).
pub const MAX_INIT_CODE_SIZE: usize = 49_152;
/// Blob gas per blob (EIP-4844).
pub const GAS_PER_BLOB: u64 = 131_072;
/// Smallest blob base fee (EIP-4844).
pub const MIN_BLOB_BASE_FEE: u64 = 1;
/// Gas per calldata token of the Prague floor (EIP-7623).
pub const FLOOR_GAS_PER_TOKEN: u64 = 10;

/// How a storage write is classified and refunded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageRule {
    /// By the current value only; clearing refunds 15000.
    Byzantium,
    /// Net metering against the value at the start of the transaction (EIP-2200), with the
    /// EIP-2929 costs and the EIP-3529 refunds (clear 4800).
    NetLondon,
}

/// The rules of one fork.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    revision: Revision,
}

impl Rules {
    /// The rules of `revision`.
    pub fn new(revision: Revision) -> Rules {
        Rules { revision }
    }

    /// Whether the rules of this revision are complete, or why not.
    pub fn implemented(&self) -> Result<(), String> {
        match self.revision {
            Revision::Byzantium
            | Revision::Paris
            | Revision::Shanghai
            | Revision::Cancun
            | Revision::Prague => Ok(()),
            other => Err(format!(
                "the test host implements the transaction rules of Byzantium and Paris to \
                 Prague, not {other:?}"
            )),
        }
    }

    /// The revision.
    pub fn revision(&self) -> Revision {
        self.revision
    }

    fn since(&self, fork: Revision) -> bool {
        self.revision >= fork
    }

    /// Intrinsic gas: 21000, +32000 for a creation, 4 per zero data byte and 68 per non-zero
    /// one (16 from Istanbul, EIP-2028), +2 per init-code word of a creation (Shanghai).
    pub fn intrinsic_gas(&self, data: &[u8], is_create: bool) -> u64 {
        let zeros = data.iter().filter(|&&b| b == 0).count() as u64;
        let non_zeros = data.len() as u64 - zeros;
        let non_zero_gas = if self.since(Revision::Istanbul) {
            16
        } else {
            68
        };
        let mut gas = 21_000 + zeros * 4 + non_zeros * non_zero_gas;
        if is_create {
            gas += 32_000;
            if self.since(Revision::Shanghai) {
                gas += INIT_CODE_WORD_GAS * (data.len() as u64).div_ceil(32);
            }
        }
        gas
    }

    /// The Prague calldata floor (EIP-7623): 21000 + 10 per token, a zero byte one token
    /// and a non-zero byte four; `None` before Prague.
    pub fn calldata_floor(&self, data: &[u8]) -> Option<u64> {
        if !self.since(Revision::Prague) {
            return None;
        }
        let zeros = data.iter().filter(|&&b| b == 0).count() as u64;
        let tokens = zeros + 4 * (data.len() as u64 - zeros);
        Some(21_000 + FLOOR_GAS_PER_TOKEN * tokens)
    }

    /// Largest init code of a creation transaction (`None`: unlimited).
    pub fn max_init_code_size(&self) -> Option<usize> {
        self.since(Revision::Shanghai).then_some(MAX_INIT_CODE_SIZE)
    }

    /// The refund is at most gas used / this (2; 5 from London, EIP-3529).
    pub fn refund_quotient(&self) -> u64 {
        if self.since(Revision::London) {
            5
        } else {
            2
        }
    }

    /// How storage writes are classified and refunded.
    pub fn storage(&self) -> StorageRule {
        if self.since(Revision::London) {
            StorageRule::NetLondon
        } else {
            StorageRule::Byzantium
        }
    }

    /// Refund of the first self-destruct of an account (24000; none from London, EIP-3529).
    pub fn selfdestruct_refund(&self) -> u64 {
        if self.since(Revision::London) {
            0
        } else {
            24_000
        }
    }

    /// Whether a self-destruct deletes only accounts created in the same transaction
    /// (EIP-6780, Cancun); otherwise it only moves the balance.
    pub fn selfdestruct_only_if_created(&self) -> bool {
        self.since(Revision::Cancun)
    }

    /// Whether the EIP-1559 base fee is burnt (the coinbase gets only the priority fee).
    pub fn has_base_fee(&self) -> bool {
        self.since(Revision::London)
    }

    /// Whether code starting with 0xef cannot be deployed (EIP-3541) and a sender with code
    /// cannot send (EIP-3607).
    pub fn rejects_ef_code_and_code_senders(&self) -> bool {
        self.since(Revision::London)
    }

    /// Whether accounts and slots are warm or cold (EIP-2929, Berlin).
    pub fn has_access_lists(&self) -> bool {
        self.since(Revision::Berlin)
    }

    /// The accounts warm when the transaction starts (EIP-2929 from Berlin: the precompiles
    /// 0x01..=0x09, 0x0a from Cancun, 0x0b..=0x11 from Prague; EIP-3651 the coinbase from
    /// Shanghai). Sender and recipient are added by the transaction.
    pub fn warm_accounts(&self, coinbase: &[u8; 20]) -> Vec<[u8; 20]> {
        if !self.has_access_lists() {
            return Vec::new();
        }
        let last: u8 = if self.since(Revision::Prague) {
            0x11
        } else if self.since(Revision::Cancun) {
            0x0a
        } else {
            0x09
        };
        let mut warm: Vec<[u8; 20]> = (1..=last)
            .map(|n| {
                let mut address = [0; 20];
                address[19] = n;
                address
            })
            .collect();
        if self.since(Revision::Shanghai) {
            warm.push(*coinbase);
        }
        warm
    }

    /// Whether blob transactions exist (EIP-4844, Cancun).
    pub fn has_blobs(&self) -> bool {
        self.since(Revision::Cancun)
    }

    /// The blob base fee for `excess_blob_gas` (EIP-4844 `fake_exponential`, update fraction
    /// 3338477; 5007716 from Prague, EIP-7691); zero before Cancun.
    pub fn blob_base_fee(&self, excess_blob_gas: u64) -> U256 {
        if !self.has_blobs() {
            return U256::ZERO;
        }
        let fraction = if self.since(Revision::Prague) {
            5_007_716
        } else {
            3_338_477
        };
        fake_exponential(
            U256::from(MIN_BLOB_BASE_FEE),
            U256::from(excess_blob_gas),
            U256::from(fraction as u64),
        )
    }
}

/// EIP-4844's integer approximation of `factor * e^(numerator / denominator)`.
pub fn fake_exponential(factor: U256, numerator: U256, denominator: U256) -> U256 {
    let mut output = U256::ZERO;
    let mut accumulator = factor * denominator;
    let mut i = U256::ONE;
    while accumulator > U256::ZERO {
        output += accumulator;
        accumulator = accumulator * numerator / (denominator * i);
        i += U256::ONE;
    }
    output / denominator
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(revision: Revision) -> Rules {
        Rules::new(revision)
    }

    #[test]
    fn implemented_forks() {
        for revision in Revision::ALL {
            let implemented = matches!(
                revision,
                Revision::Byzantium
                    | Revision::Paris
                    | Revision::Shanghai
                    | Revision::Cancun
                    | Revision::Prague
            );
            assert_eq!(
                rules(revision).implemented().is_ok(),
                implemented,
                "{revision:?}"
            );
        }
        assert!(rules(Revision::Osaka)
            .implemented()
            .unwrap_err()
            .contains("Osaka"));
    }

    #[test]
    fn intrinsic_gas_per_fork() {
        let data = [0, 1, 0, 0xff, 7];
        // 2 zero bytes (8) + 3 non-zero bytes: 204 at Byzantium, 48 from Istanbul.
        assert_eq!(
            rules(Revision::Byzantium).intrinsic_gas(&data, false),
            21_212
        );
        assert_eq!(rules(Revision::Paris).intrinsic_gas(&data, false), 21_056);
        assert_eq!(rules(Revision::Paris).intrinsic_gas(&data, true), 53_056);
        // Shanghai: + 2 per init-code word (5 bytes: one word; 33 bytes: two).
        assert_eq!(rules(Revision::Shanghai).intrinsic_gas(&data, true), 53_058);
        assert_eq!(
            rules(Revision::Cancun).intrinsic_gas(&[1; 33], true),
            53_000 + 33 * 16 + 4
        );
    }

    #[test]
    fn calldata_floor_from_prague() {
        let data = [0, 1, 0, 0xff, 7];
        assert_eq!(rules(Revision::Cancun).calldata_floor(&data), None);
        // 2 zero tokens + 3 × 4 non-zero tokens = 14 tokens.
        assert_eq!(
            rules(Revision::Prague).calldata_floor(&data),
            Some(21_000 + 140)
        );
    }

    #[test]
    fn refunds_and_storage() {
        assert_eq!(rules(Revision::Byzantium).refund_quotient(), 2);
        assert_eq!(rules(Revision::Paris).refund_quotient(), 5);
        assert_eq!(rules(Revision::Byzantium).selfdestruct_refund(), 24_000);
        assert_eq!(rules(Revision::Cancun).selfdestruct_refund(), 0);
        assert_eq!(rules(Revision::Byzantium).storage(), StorageRule::Byzantium);
        assert_eq!(rules(Revision::Prague).storage(), StorageRule::NetLondon);
        assert!(!rules(Revision::Shanghai).selfdestruct_only_if_created());
        assert!(rules(Revision::Cancun).selfdestruct_only_if_created());
    }

    #[test]
    fn warm_accounts_per_fork() {
        let coinbase = [0xcb; 20];
        assert!(rules(Revision::Byzantium)
            .warm_accounts(&coinbase)
            .is_empty());
        let paris = rules(Revision::Paris).warm_accounts(&coinbase);
        assert_eq!(paris.len(), 9);
        assert!(!paris.contains(&coinbase));
        let shanghai = rules(Revision::Shanghai).warm_accounts(&coinbase);
        assert_eq!(shanghai.len(), 10);
        assert!(shanghai.contains(&coinbase));
        assert_eq!(rules(Revision::Cancun).warm_accounts(&coinbase).len(), 11);
        let prague = rules(Revision::Prague).warm_accounts(&coinbase);
        assert_eq!(prague.len(), 18);
        assert_eq!(prague[16][19], 0x11);
    }

    #[test]
    fn blob_base_fee_follows_eip_4844() {
        let cancun = rules(Revision::Cancun);
        assert_eq!(rules(Revision::Shanghai).blob_base_fee(1 << 30), U256::ZERO);
        // No excess: the minimum 1 wei.
        assert_eq!(cancun.blob_base_fee(0), U256::ONE);
        // e^1 = 2.718…: fake_exponential(1, F, F) = floor(sum of F/k! terms / F) = 2.
        assert_eq!(cancun.blob_base_fee(3_338_477), U256::new(2));
        // e^10 = 22026.47…; the truncated series gives 22026.
        assert_eq!(cancun.blob_base_fee(33_384_770), U256::new(22_026));
        // Prague's larger fraction: the same excess gives e^(33384770/5007716) = e^6.666…
        // = 785.77…, truncated 785.
        assert_eq!(
            rules(Revision::Prague).blob_base_fee(33_384_770),
            U256::new(785)
        );
    }
}
