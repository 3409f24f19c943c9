//! The environment family: the frame's addresses and value, balances, block and
//! transaction context, block hashes (all base gas from the table, charged first).

use crate::eei::{Eei, HostResult, Invocation};
use crate::encoding::{is_zero, u128_le_from_be32, u256_le_from_be32};
use crate::host::Bytes32;
use crate::schedule::COLD_ACCOUNT_EXTRA_GAS;
use crate::table::HostFn;

/// `getAddress(i32 res)`: the 20-byte recipient.
pub(crate) fn get_address(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetAddress, inv)?;
    inv.write_at(0, &eei.msg.recipient)?;
    Ok(None)
}

/// `getCaller(i32 res)`: the 20-byte sender.
pub(crate) fn get_caller(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetCaller, inv)?;
    inv.write_at(0, &eei.msg.sender)?;
    Ok(None)
}

/// `getCallValue(i32 res)`: the value as u128 LE (>= 2^128 is `ArgumentOutOfRange`).
pub(crate) fn get_call_value(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetCallValue, inv)?;
    let value = u128_le_from_be32(&eei.msg.value_be)?;
    inv.write_at(0, &value)?;
    Ok(None)
}

/// `getExternalBalance(i32 addr, i32 res)`: a balance as u128 LE.
pub(crate) fn get_external_balance(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetExternalBalance, inv)?;
    let addr = inv.read_at::<20>(0)?;
    eei.charge_cold_account(&addr, COLD_ACCOUNT_EXTRA_GAS, inv)?;
    let balance = u128_le_from_be32(&eei.host.get_balance(&addr))?;
    inv.write_at(1, &balance)?;
    Ok(None)
}

/// `getSelfBalance(i32 res)` (Istanbul): the own balance as u128 LE.
pub(crate) fn get_self_balance(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetSelfBalance, inv)?;
    let own = eei.self_address();
    let balance = u128_le_from_be32(&eei.host.get_balance(&own))?;
    inv.write_at(0, &balance)?;
    Ok(None)
}

/// `getBlockHash(i64 num, i32 res) -> i32`: an all-zero host hash returns 1 and writes
/// nothing (the result range is then not checked, as in Hera); else writes it and returns 0.
pub(crate) fn get_block_hash(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetBlockHash, inv)?;
    let hash = eei.host.get_block_hash(inv.i64_arg(0));
    if is_zero(&hash) {
        return Ok(Some(1));
    }
    inv.write_at(1, &hash)?;
    Ok(Some(0))
}

/// `getBlockCoinbase(i32 res)`: 20 bytes.
pub(crate) fn get_block_coinbase(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetBlockCoinbase, inv)?;
    let coinbase = eei.tx_context().coinbase;
    inv.write_at(0, &coinbase)?;
    Ok(None)
}

/// `getTxOrigin(i32 res)`: 20 bytes.
pub(crate) fn get_tx_origin(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetTxOrigin, inv)?;
    let origin = eei.tx_context().origin;
    inv.write_at(0, &origin)?;
    Ok(None)
}

/// `getTxGasPrice(i32 res)`: u128 LE.
pub(crate) fn get_tx_gas_price(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetTxGasPrice, inv)?;
    let price = u128_le_from_be32(&eei.tx_context().gas_price_be)?;
    inv.write_at(0, &price)?;
    Ok(None)
}

/// `getBlockDifficulty(i32 res)`: u256 LE; from Paris the PREVRANDAO value (the ABI 12
/// host's `block_prev_randao`, the tx context field difficulty was renamed to).
pub(crate) fn get_block_difficulty(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetBlockDifficulty, inv)?;
    let difficulty = eei.tx_context().difficulty_be;
    write_u256_le(inv, &difficulty)
}

/// `getChainId(i32 res)` (Istanbul): u256 LE.
pub(crate) fn get_chain_id(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetChainId, inv)?;
    let chain_id = eei.tx_context().chain_id_be;
    write_u256_le(inv, &chain_id)
}

/// `getBaseFee(i32 res)` (London): u256 LE.
pub(crate) fn get_base_fee(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetBaseFee, inv)?;
    let base_fee = eei.tx_context().base_fee_be;
    write_u256_le(inv, &base_fee)
}

/// `getBlobHash(i32 index, i32 res)` (Cancun): the blob hash at `index` (read as u32), or
/// 32 zero bytes when `index >= blob_hashes_count`; raw bytes.
pub(crate) fn get_blob_hash(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetBlobHash, inv)?;
    let index = inv.u32_arg(0);
    let hash = usize::try_from(index)
        .ok()
        .and_then(|i| eei.tx_context().blob_hashes.get(i).copied())
        .unwrap_or([0; 32]);
    inv.write_at(1, &hash)?;
    Ok(None)
}

/// `getBlobBaseFee(i32 res)` (Cancun): u256 LE.
pub(crate) fn get_blob_base_fee(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetBlobBaseFee, inv)?;
    let fee = eei.tx_context().blob_base_fee_be;
    write_u256_le(inv, &fee)
}

fn write_u256_le(inv: &mut Invocation<'_>, value_be: &Bytes32) -> HostResult {
    inv.write_at(0, &u256_le_from_be32(value_be))?;
    Ok(None)
}

/// `getBlockGasLimit() -> i64`.
pub(crate) fn get_block_gas_limit(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetBlockGasLimit, inv)?;
    Ok(Some(eei.tx_context().gas_limit as u64))
}

/// `getBlockNumber() -> i64`.
pub(crate) fn get_block_number(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetBlockNumber, inv)?;
    Ok(Some(eei.tx_context().number as u64))
}

/// `getBlockTimestamp() -> i64`.
pub(crate) fn get_block_timestamp(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    eei.charge_base(HostFn::GetBlockTimestamp, inv)?;
    Ok(Some(eei.tx_context().timestamp as u64))
}
