//! EEI revisions after London (EWASM.md section 3.4): Paris PREVRANDAO, the Shanghai
//! init-code limit, and Cancun's transient storage, blob hashes and blob base fee, with
//! exact gas against the recording mock host.

mod common;
use common::*;
use ewasm_host::host::{CallKind, TxContext};
use ewasm_host::mock::Recorded;
use ewasm_host::{HostExit, HostFn, Revision};

const KEY: u64 = 0;
const VAL: u64 = 32;
const RES: u64 = 64;

fn cancun() -> Fx {
    let mut fx = Fx::new();
    fx.rev = Revision::Cancun;
    fx
}

#[test]
fn paris_get_block_difficulty_writes_prev_randao_little_endian() {
    let mut fx = Fx::new();
    fx.rev = Revision::Paris;
    let mut randao = [0u8; 32];
    for (i, b) in randao.iter_mut().enumerate() {
        *b = i as u8 + 1; // big-endian 0x0102..20
    }
    fx.host.tx_context = TxContext {
        difficulty_be: randao,
        ..TxContext::default()
    };
    assert_eq!(fx.call(HostFn::GetBlockDifficulty, &[RES]), Ok(None));
    assert_eq!(fx.used(), 2);
    let expected: Vec<u8> = (1..=32u8).rev().collect();
    assert_eq!(fx.get(RES as usize, 32), &expected[..]);
}

#[test]
fn transient_store_then_load_costs_100_each() {
    let mut fx = cancun();
    fx.put(KEY as usize, &word(0x4b));
    fx.put(VAL as usize, &word(0x76));
    let mut f = fx.frame();
    assert_eq!(f.call(HostFn::TransientStorageStore, &[KEY, VAL]), Ok(None));
    assert_eq!(f.call(HostFn::TransientStorageLoad, &[KEY, RES]), Ok(None));
    assert_eq!(fx.used(), 200);
    assert_eq!(fx.get(RES as usize, 32), &word(0x76));
    assert_eq!(
        fx.host.recorded,
        vec![
            Recorded::SetTransientStorage(SELF, word(0x4b), word(0x76)),
            Recorded::GetTransientStorage(SELF, word(0x4b)),
        ]
    );
    // Transient storage is not storage.
    assert_eq!(fx.host.storage_at(&SELF, &word(0x4b)), [0; 32]);
}

#[test]
fn transient_load_of_an_unset_key_is_zero() {
    let mut fx = cancun();
    fx.put(RES as usize, &word(0xff));
    assert_eq!(fx.call(HostFn::TransientStorageLoad, &[KEY, RES]), Ok(None));
    assert_eq!(fx.used(), 100);
    assert_eq!(fx.get(RES as usize, 32), &[0; 32]);
}

#[test]
fn transient_store_in_static_mode_is_a_violation_after_its_charge() {
    let mut fx = cancun();
    fx.msg.is_static = true;
    assert_eq!(
        fx.call(HostFn::TransientStorageStore, &[KEY, VAL]),
        Err(HostExit::StaticModeViolation)
    );
    assert_eq!(fx.used(), 100);
    assert!(fx.host.recorded.is_empty());
    // Loading is allowed in static mode.
    assert_eq!(fx.call(HostFn::TransientStorageLoad, &[KEY, RES]), Ok(None));
}

#[test]
fn transient_functions_charge_before_the_bounds_check() {
    let mut fx = cancun();
    let out = (PAGE - 16) as u64;
    assert_eq!(
        fx.call(HostFn::TransientStorageLoad, &[out, RES]),
        Err(HostExit::InvalidMemoryAccess)
    );
    assert_eq!(fx.used(), 100);
    let mut fx = cancun();
    assert_eq!(
        fx.call(HostFn::TransientStorageStore, &[KEY, out]),
        Err(HostExit::InvalidMemoryAccess)
    );
    assert_eq!(fx.used(), 100);
    assert!(fx.host.recorded.is_empty());
    // Out of gas: exactly 99 left.
    let mut fx = cancun();
    fx.gas = 99;
    assert_eq!(
        fx.call(HostFn::TransientStorageStore, &[KEY, VAL]),
        Err(HostExit::OutOfGas)
    );
}

fn blob_fx() -> Fx {
    let mut fx = cancun();
    fx.host.tx_context = TxContext {
        blob_hashes: vec![word(0x01), word(0x02)],
        blob_base_fee_be: {
            let mut fee = [0u8; 32];
            fee[30] = 0x12;
            fee[31] = 0x34;
            fee
        },
        ..TxContext::default()
    };
    fx
}

#[test]
fn get_blob_hash_in_range_costs_3() {
    let mut fx = blob_fx();
    let mut f = fx.frame();
    assert_eq!(f.call(HostFn::GetBlobHash, &[1, RES]), Ok(None));
    assert_eq!(f.call(HostFn::GetBlobHash, &[0, RES + 32]), Ok(None));
    assert_eq!(fx.used(), 6);
    assert_eq!(fx.get(RES as usize, 32), &word(0x02));
    assert_eq!(fx.get(RES as usize + 32, 32), &word(0x01));
}

#[test]
fn get_blob_hash_out_of_range_writes_zeros() {
    for index in [2u64, 3, 0x7fff_ffff, 0xffff_ffff] {
        let mut fx = blob_fx();
        fx.put(RES as usize, &word(0xee));
        assert_eq!(fx.call(HostFn::GetBlobHash, &[index, RES]), Ok(None));
        assert_eq!(fx.used(), 3, "{index}");
        assert_eq!(fx.get(RES as usize, 32), &[0; 32], "{index}");
    }
    // No blobs at all.
    let mut fx = cancun();
    fx.put(RES as usize, &word(0xee));
    assert_eq!(fx.call(HostFn::GetBlobHash, &[0, RES]), Ok(None));
    assert_eq!(fx.get(RES as usize, 32), &[0; 32]);
}

#[test]
fn get_blob_hash_result_range_is_checked() {
    let mut fx = blob_fx();
    assert_eq!(
        fx.call(HostFn::GetBlobHash, &[0, (PAGE - 31) as u64]),
        Err(HostExit::InvalidMemoryAccess)
    );
    assert_eq!(fx.used(), 3);
}

#[test]
fn get_blob_base_fee_is_u256_little_endian_for_2() {
    let mut fx = blob_fx();
    fx.put(RES as usize, &word(0xee));
    assert_eq!(fx.call(HostFn::GetBlobBaseFee, &[RES]), Ok(None));
    assert_eq!(fx.used(), 2);
    assert_eq!(fx.get(RES as usize, 2), &[0x34, 0x12]);
    assert_eq!(fx.get(RES as usize + 2, 30), &[0; 30]);
    assert_eq!(fx.host.recorded, vec![Recorded::GetTxContext]);
}

/// Init code of `len` bytes at 0 (zeros are fine: the host never runs it in the mock).
fn create_at(rev: Revision, func: HostFn, len: u64) -> (Fx, Result<Option<u64>, HostExit>) {
    let mut fx = Fx::new();
    fx.rev = rev;
    fx.host.set_balance(SELF, 0);
    // Value (u128 LE) at PAGE - 64, salt at PAGE - 48, result at PAGE - 20 (all zero).
    let value = (PAGE - 64) as u64;
    let salt = (PAGE - 48) as u64;
    let res = (PAGE - 20) as u64;
    let args: Vec<u64> = match func {
        HostFn::Create => vec![value, 0, len, res],
        _ => vec![value, 0, len, salt, res],
    };
    let r = fx.call(func, &args);
    (fx, r)
}

#[test]
fn shanghai_init_code_at_the_limit_pays_two_per_word() {
    // 49152 bytes = 1536 words: 32000 + 2 * 1536 = 35072 before forwarding; the mock child
    // returns all its gas, so that is what the frame used.
    for rev in [Revision::Shanghai, Revision::Cancun, Revision::Osaka] {
        let (fx, r) = create_at(rev, HostFn::Create, 49_152);
        assert_eq!(r, Ok(Some(0)), "{rev:?}");
        assert_eq!(fx.used(), 32_000 + 3072, "{rev:?}");
        let msg = fx.host.messages()[0].clone();
        assert_eq!((msg.kind, msg.input.len()), (CallKind::Create, 49_152));
        // create2 adds hashing: 6 * 1536.
        let (fx, r) = create_at(rev, HostFn::Create2, 49_152);
        assert_eq!(r, Ok(Some(0)), "{rev:?}");
        assert_eq!(fx.used(), 32_000 + 6 * 1536 + 3072, "{rev:?}");
    }
}

#[test]
fn shanghai_init_code_over_the_limit_fails_the_caller_with_no_gas() {
    for func in [HostFn::Create, HostFn::Create2] {
        let (fx, r) = create_at(Revision::Shanghai, func, 49_153);
        assert_eq!(r, Err(HostExit::Failure), "{func:?}");
        assert_eq!(fx.gas, 0, "{func:?}");
        assert!(fx.host.recorded.is_empty(), "{func:?}");
    }
    // Paris has no limit: 49153 bytes cost only the base (and create2's hashing).
    let (fx, r) = create_at(Revision::Paris, HostFn::Create, 49_153);
    assert_eq!(r, Ok(Some(0)));
    assert_eq!(fx.used(), 32_000);
}
