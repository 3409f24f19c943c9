//! Host-call sequences of a few consensus fillers (`stEWASMTests`), checked against the
//! gas arithmetic written in the fillers' comments.

mod common;
use common::*;
use ewasm_host::{HostExit, HostFn};

#[test]
fn get_gas_left_filler() {
    // gasLimit 5242880 - tx cost 21000; useGas(1000000); getGasLeft; storageStore.
    // Expected stored value: 5242880 - 2 - 1000000 - 21000 = 4221878.
    let mut fx = Fx::new();
    fx.gas = 5_242_880 - 21_000;
    let mut f = fx.frame();
    f.call(HostFn::UseGas, &[1_000_000]).unwrap();
    let left = f.call(HostFn::GetGasLeft, &[]).unwrap().unwrap();
    assert_eq!(left, 4_221_878);
    f.mem[32..40].copy_from_slice(&left.to_le_bytes());
    f.call(HostFn::StorageStore, &[0, 32]).unwrap();
    assert_eq!(*f.gas, 4_221_878 - 20_000);
    let mut value = [0u8; 32];
    value[..3].copy_from_slice(&[0xb6, 0x6b, 0x40]);
    assert_eq!(fx.host.storage_at(&SELF, &[0; 32]), value);
}

#[test]
fn get_block_hash_failure_filler() {
    // getBlockHash 800 + storageStore of zero 5000 + storageStore of 1 20000 = 25800
    // (plus the 21000 tx cost in the filler's 46800).
    let mut fx = Fx::new();
    fx.put(32, &be32(1));
    let mut f = fx.frame();
    let code = f.call(HostFn::GetBlockHash, &[1, 96]).unwrap().unwrap();
    f.mem[64..68].copy_from_slice(&(code as u32).to_le_bytes());
    f.call(HostFn::StorageStore, &[0, 96]).unwrap();
    f.call(HostFn::StorageStore, &[32, 64]).unwrap();
    assert_eq!(fx.used(), 25_800);
    let mut one_le = [0u8; 32];
    one_le[0] = 1;
    assert_eq!(fx.host.storage_at(&SELF, &be32(1)), one_le);
    assert_eq!(fx.host.storage_at(&SELF, &[0; 32]), [0; 32]);
}

#[test]
fn self_destruct_filler() {
    // CALLER 2 + SELFDESTRUCT 5000 (beneficiary exists, no surcharge).
    let mut fx = Fx::new();
    fx.host.account(CALLER);
    let mut f = fx.frame();
    f.call(HostFn::GetCaller, &[32]).unwrap();
    assert_eq!(
        f.call(HostFn::SelfDestruct, &[32]),
        Err(HostExit::SelfDestruct)
    );
    assert_eq!(fx.used(), 5_002);
}

#[test]
fn log_invalid_num_topics_filler() {
    // n = 5 with 255 data bytes: charged, then CONTRACT_VALIDATION_FAILURE.
    let mut fx = Fx::new();
    let r = fx.call(HostFn::Log, &[0, 0xff, 5, 8, 12, 16, 20]);
    assert_eq!(r, Err(HostExit::ContractValidationFailure));
}
