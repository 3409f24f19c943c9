//! EEI environment family: addresses, value, balances, block and tx context, block hash.

mod common;
use common::*;
use ewasm_host::mock::Recorded;
use ewasm_host::{HostExit, HostFn, Revision};

const IMA: Res = Err(HostExit::InvalidMemoryAccess);

#[test]
fn get_address_writes_the_recipient_for_2_gas() {
    let mut fx = Fx::new();
    assert_eq!(fx.call(HostFn::GetAddress, &[100]), Ok(None));
    assert_eq!(fx.get(100, 20), &SELF);
    assert_eq!(fx.get(99, 1), &[0]);
    assert_eq!(fx.get(120, 1), &[0]);
    assert_eq!(fx.used(), 2);
    assert!(fx.host.recorded.is_empty());
}

#[test]
fn get_address_at_the_last_20_bytes_works_one_further_fails_after_the_charge() {
    let mut fx = Fx::new();
    assert_eq!(fx.call(HostFn::GetAddress, &[(PAGE - 20) as u64]), Ok(None));
    assert_eq!(fx.get(PAGE - 20, 20), &SELF);
    let mut fx = Fx::new();
    assert_eq!(fx.call(HostFn::GetAddress, &[(PAGE - 19) as u64]), IMA);
    assert_eq!(fx.used(), 2, "gas is charged before the check");
    assert_eq!(fx.call(HostFn::GetAddress, &[0xffff_fff0]), IMA);
}

#[test]
fn get_caller_writes_the_sender() {
    let mut fx = Fx::new();
    assert_eq!(fx.call(HostFn::GetCaller, &[0]), Ok(None));
    assert_eq!(fx.get(0, 20), &CALLER);
    assert_eq!(fx.used(), 2);
}

#[test]
fn get_call_value_is_u128_little_endian() {
    let mut fx = Fx::new();
    fx.msg.value_be = be32(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10);
    assert_eq!(fx.call(HostFn::GetCallValue, &[8]), Ok(None));
    let expected: Vec<u8> = (1..=16).rev().collect();
    assert_eq!(fx.get(8, 16), &expected[..]);
    assert_eq!(fx.used(), 2);
}

#[test]
fn get_call_value_of_2_pow_128_is_argument_out_of_range() {
    let mut fx = Fx::new();
    fx.msg.value_be[15] = 1;
    assert_eq!(
        fx.call(HostFn::GetCallValue, &[0]),
        Err(HostExit::ArgumentOutOfRange)
    );
    assert_eq!(fx.used(), 2);
    assert!(fx.get(0, 16).iter().all(|&b| b == 0));
}

#[test]
fn get_external_balance_reads_the_address_and_writes_u128_le_for_400() {
    let mut fx = Fx::new();
    fx.host.set_balance(OTHER, 0x1234);
    fx.put(0, &OTHER);
    assert_eq!(fx.call(HostFn::GetExternalBalance, &[0, 64]), Ok(None));
    let mut expected = [0u8; 16];
    expected[0] = 0x34;
    expected[1] = 0x12;
    assert_eq!(fx.get(64, 16), &expected);
    assert_eq!(fx.used(), 400);
    assert_eq!(fx.host.recorded, vec![Recorded::GetBalance(OTHER)]);
}

#[test]
fn get_external_balance_failures() {
    // Address out of bounds: no host call.
    let mut fx = Fx::new();
    assert_eq!(
        fx.call(HostFn::GetExternalBalance, &[(PAGE - 10) as u64, 0]),
        IMA
    );
    assert_eq!(fx.used(), 400);
    assert!(fx.host.recorded.is_empty());
    // Result out of bounds.
    let mut fx = Fx::new();
    assert_eq!(
        fx.call(HostFn::GetExternalBalance, &[0, (PAGE - 15) as u64]),
        IMA
    );
    // Balance of 2^128.
    let mut fx = Fx::new();
    fx.host.account(OTHER).balance_be[15] = 1;
    fx.put(0, &OTHER);
    assert_eq!(
        fx.call(HostFn::GetExternalBalance, &[0, 64]),
        Err(HostExit::ArgumentOutOfRange)
    );
    // Not enough gas: nothing read.
    let mut fx = Fx::new();
    fx.gas = 399;
    assert_eq!(
        fx.call(HostFn::GetExternalBalance, &[0, 64]),
        Err(HostExit::OutOfGas)
    );
    assert!(fx.host.recorded.is_empty());
}

#[test]
fn balance_gas_in_later_revisions() {
    let mut fx = Fx::new();
    fx.rev = Revision::Istanbul;
    fx.call(HostFn::GetExternalBalance, &[0, 64]).unwrap();
    assert_eq!(fx.used(), 700);
    // Berlin: 2600 cold, then 100 warm.
    let mut fx = Fx::new();
    fx.rev = Revision::Berlin;
    fx.put(0, &OTHER);
    let mut frame = fx.frame();
    frame.call(HostFn::GetExternalBalance, &[0, 64]).unwrap();
    frame.call(HostFn::GetExternalBalance, &[0, 64]).unwrap();
    assert_eq!(fx.used(), 2600 + 100);
    assert_eq!(fx.host.recorded[0], Recorded::AccessAccount(OTHER));
}

#[test]
fn get_block_hash_writes_a_known_hash_and_returns_0() {
    let mut fx = Fx::new();
    fx.host.block_hashes.insert(7, word(0xab));
    assert_eq!(fx.call(HostFn::GetBlockHash, &[7, 32]), Ok(Some(0)));
    assert_eq!(fx.get(32, 32), &word(0xab));
    assert_eq!(fx.used(), 800);
    assert_eq!(fx.host.recorded, vec![Recorded::GetBlockHash(7)]);
}

#[test]
fn get_block_hash_returns_1_on_a_zero_hash_and_writes_nothing() {
    let mut fx = Fx::new();
    fx.put(32, &word(0x11));
    assert_eq!(fx.call(HostFn::GetBlockHash, &[1, 32]), Ok(Some(1)));
    assert_eq!(fx.get(32, 32), &word(0x11));
    assert_eq!(fx.used(), 800);
    // Negative numbers reach the host as they are.
    assert_eq!(
        fx.call(HostFn::GetBlockHash, &[(-5i64) as u64, 32]),
        Ok(Some(1))
    );
    assert_eq!(fx.host.recorded[1], Recorded::GetBlockHash(-5));
}

#[test]
fn get_block_hash_result_out_of_bounds_fails_only_when_writing() {
    let mut fx = Fx::new();
    fx.host.block_hashes.insert(7, word(1));
    assert_eq!(fx.call(HostFn::GetBlockHash, &[7, (PAGE - 31) as u64]), IMA);
    let mut fx = Fx::new();
    assert_eq!(
        fx.call(HostFn::GetBlockHash, &[7, 0xffff_ffff]),
        Ok(Some(1))
    );
}

fn tx_fixture() -> Fx {
    let mut fx = Fx::new();
    fx.host.tx_context.origin = [0x0a; 20];
    fx.host.tx_context.coinbase = [0x0c; 20];
    fx.host.tx_context.number = 1234;
    fx.host.tx_context.timestamp = -1;
    fx.host.tx_context.gas_limit = 8_000_000;
    fx.host.tx_context.gas_price_be = be32(0x0203);
    fx.host.tx_context.difficulty_be[0] = 0x80;
    fx.host.tx_context.difficulty_be[31] = 0x01;
    fx.host.tx_context.chain_id_be = be32(5);
    fx.host.tx_context.base_fee_be = be32(0x0100);
    fx
}

#[test]
fn block_and_tx_context_values() {
    let mut fx = tx_fixture();
    let mut f = fx.frame();
    assert_eq!(f.call(HostFn::GetTxOrigin, &[0]), Ok(None));
    assert_eq!(f.call(HostFn::GetBlockCoinbase, &[20]), Ok(None));
    assert_eq!(f.call(HostFn::GetBlockNumber, &[]), Ok(Some(1234)));
    assert_eq!(f.call(HostFn::GetBlockTimestamp, &[]), Ok(Some(u64::MAX)));
    assert_eq!(f.call(HostFn::GetBlockGasLimit, &[]), Ok(Some(8_000_000)));
    assert_eq!(f.call(HostFn::GetTxGasPrice, &[64]), Ok(None));
    assert_eq!(f.call(HostFn::GetBlockDifficulty, &[96]), Ok(None));
    assert_eq!(fx.used(), 7 * 2);
    assert_eq!(fx.get(0, 20), &[0x0a; 20]);
    assert_eq!(fx.get(20, 20), &[0x0c; 20]);
    let mut price = [0u8; 16];
    price[0] = 0x03;
    price[1] = 0x02;
    assert_eq!(fx.get(64, 16), &price);
    let difficulty = fx.get(96, 32);
    assert_eq!((difficulty[0], difficulty[31]), (0x01, 0x80));
    assert!(difficulty[1..31].iter().all(|&b| b == 0));
    // The context is fetched once per frame.
    assert_eq!(fx.host.recorded, vec![Recorded::GetTxContext]);
}

#[test]
fn gas_price_of_2_pow_128_is_argument_out_of_range() {
    let mut fx = tx_fixture();
    fx.host.tx_context.gas_price_be = [0xff; 32];
    assert_eq!(
        fx.call(HostFn::GetTxGasPrice, &[0]),
        Err(HostExit::ArgumentOutOfRange)
    );
}

#[test]
fn context_writes_are_bounds_checked() {
    for f in [
        HostFn::GetTxOrigin,
        HostFn::GetBlockCoinbase,
        HostFn::GetTxGasPrice,
        HostFn::GetBlockDifficulty,
        HostFn::GetCaller,
        HostFn::GetCallValue,
    ] {
        let mut fx = tx_fixture();
        assert_eq!(fx.call(f, &[(PAGE - 8) as u64]), IMA, "{f:?}");
        assert_eq!(fx.used(), 2, "{f:?}");
    }
}

#[test]
fn istanbul_and_london_context_functions() {
    let mut fx = tx_fixture();
    fx.rev = Revision::London;
    fx.host.set_balance(SELF, 0x0506);
    let mut f = fx.frame();
    assert_eq!(f.call(HostFn::GetChainId, &[0]), Ok(None));
    assert_eq!(f.call(HostFn::GetBaseFee, &[32]), Ok(None));
    assert_eq!(f.call(HostFn::GetSelfBalance, &[64]), Ok(None));
    assert_eq!(fx.used(), 2 + 2 + 5);
    assert_eq!(fx.get(0, 2), &[5, 0]);
    assert!(fx.get(1, 31).iter().all(|&b| b == 0));
    assert_eq!(fx.get(32, 2), &[0, 1]);
    assert_eq!(fx.get(64, 3), &[6, 5, 0]);
    assert!(fx.host.recorded.contains(&Recorded::GetBalance(SELF)));
}
