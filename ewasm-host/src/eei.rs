//! The per-frame EEI state ([`Eei`]) and the dispatcher from a [`HostFn`] to the small
//! function of its family.

use std::fmt;
use std::ops::Range;

use crate::host::{Address, HostContext, Message, Revision, TxContext};
use crate::outcome::HostExit;
use crate::table::HostFn;
use crate::{call, data, debug, env, gas, halt, log, memory, schedule, storage};

/// What an EEI function returns: the raw Wasm result (i32 in the low 32 bits, i64 as
/// bits) if the signature has one, or why execution ends.
pub type HostResult = Result<Option<u64>, HostExit>;

/// Per-execution EEI options (the VM's `debug` and `trace` options).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EeiOptions {
    /// Execute `debug` namespace functions (print to stderr); without it they do nothing
    /// beyond their bounds checks (the gate keeps them out anyway).
    pub debug: bool,
    /// Print one stderr line per EEI call.
    pub trace: bool,
}

/// The EEI state of one execution frame: the host, the message, the code, the revision,
/// the return-data buffer of the last call/create and the finish/revert output.
pub struct Eei<'a> {
    pub(crate) host: &'a mut dyn HostContext,
    pub(crate) msg: &'a Message,
    pub(crate) code: &'a [u8],
    pub(crate) revision: Revision,
    pub(crate) opts: EeiOptions,
    pub(crate) return_data: Vec<u8>,
    pub(crate) output: Vec<u8>,
    tx_context: Option<TxContext>,
    /// What the last `call` wrote into the memory.
    written: Range<usize>,
}

impl fmt::Debug for Eei<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Eei")
            .field("msg", self.msg)
            .field("code_len", &self.code.len())
            .field("revision", &self.revision)
            .field("opts", &self.opts)
            .field("return_data_len", &self.return_data.len())
            .field("output_len", &self.output.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Eei<'a> {
    /// State for one frame running `code` for message `msg` in revision `revision`.
    pub fn new(
        host: &'a mut dyn HostContext,
        msg: &'a Message,
        code: &'a [u8],
        revision: Revision,
        opts: EeiOptions,
    ) -> Eei<'a> {
        Eei {
            host,
            msg,
            code,
            revision,
            opts,
            return_data: Vec::new(),
            output: Vec::new(),
            tx_context: None,
            written: 0..0,
        }
    }

    /// Runs EEI function `func` with raw Wasm arguments `args` (i32 zero-extended, i64 as
    /// bits) over the contract's `memory`, charging `gas_left` (shared with the VM).
    ///
    /// `bignum` functions are the engine's; passing one here yields
    /// `Err(ContractValidationFailure)` without touching anything. A wrong argument count
    /// is an engine bug: missing arguments read as 0 (checked in debug builds).
    pub fn call(
        &mut self,
        func: HostFn,
        memory: &mut [u8],
        gas_left: &mut i64,
        args: &[u64],
    ) -> HostResult {
        debug_assert_eq!(args.len(), func.def().signature.params.len(), "{func:?}");
        let mut inv = Invocation {
            mem: memory,
            gas: gas_left,
            args,
            written: 0..0,
        };
        let result = dispatch(self, func, &mut inv);
        self.written = inv.written;
        if self.opts.trace {
            eprintln!(
                "{}",
                trace_line(self.msg.depth, func, args, &result, *inv.gas)
            );
        }
        result
    }

    /// The bytes of the memory the last [`Eei::call`] wrote (the smallest range holding
    /// every write; empty if it wrote nothing), for embedders that reuse memory buffers.
    pub fn take_written(&mut self) -> Range<usize> {
        std::mem::replace(&mut self.written, 0..0)
    }

    /// The finish or revert data (empty until one of them ran).
    pub fn output(&self) -> &[u8] {
        &self.output
    }

    /// Takes the finish or revert data, leaving the buffer empty.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.output)
    }

    /// The return-data buffer (output of the last call or create).
    pub fn return_data(&self) -> &[u8] {
        &self.return_data
    }

    /// The revision this frame runs under.
    pub fn revision(&self) -> Revision {
        self.revision
    }

    /// Charges `func`'s base gas for this revision.
    pub(crate) fn charge_base(&self, func: HostFn, inv: &mut Invocation<'_>) -> HostResult {
        inv.charge(schedule::base_gas(func, self.revision))?;
        Ok(None)
    }

    /// EIP-2929: from Berlin, charges `extra` if `addr` was cold (marking it warm).
    pub(crate) fn charge_cold_account(
        &mut self,
        addr: &Address,
        extra: u64,
        inv: &mut Invocation<'_>,
    ) -> Result<(), HostExit> {
        if schedule::has_access_lists(self.revision)
            && self.host.access_account(addr) == crate::host::AccessStatus::Cold
        {
            inv.charge(extra)?;
        }
        Ok(())
    }

    /// The transaction context, fetched from the host once per frame.
    pub(crate) fn tx_context(&mut self) -> &TxContext {
        let host = &mut *self.host;
        self.tx_context.get_or_insert_with(|| host.get_tx_context())
    }

    /// The account this frame runs as.
    pub(crate) fn self_address(&self) -> Address {
        self.msg.recipient
    }

    /// Fails with `StaticModeViolation` in static mode.
    pub(crate) fn ensure_not_static(&self) -> Result<(), HostExit> {
        if self.msg.is_static {
            return Err(HostExit::StaticModeViolation);
        }
        Ok(())
    }
}

/// The VM side of one host call: memory, the shared gas counter and the raw arguments.
#[derive(Debug)]
pub(crate) struct Invocation<'m> {
    /// The contract's memory: read through [`Invocation::mem`], written only through
    /// [`Invocation::mem_at`], which records the range.
    mem: &'m mut [u8],
    pub(crate) gas: &'m mut i64,
    args: &'m [u64],
    /// The bytes of `mem` written so far (the smallest range holding every write).
    written: Range<usize>,
}

impl Invocation<'_> {
    /// The contract's memory, to read.
    pub(crate) fn mem(&self) -> &[u8] {
        self.mem
    }

    /// The `len` bytes of memory at `offset`, to write (recorded as written).
    pub(crate) fn mem_at(&mut self, offset: u32, len: u32) -> Result<&mut [u8], HostExit> {
        let range = memory::checked_range(self.mem.len(), offset, len)?;
        if !range.is_empty() {
            self.written = if self.written.is_empty() {
                range.clone()
            } else {
                self.written.start.min(range.start)..self.written.end.max(range.end)
            };
        }
        self.mem.get_mut(range).ok_or(HostExit::InvalidMemoryAccess)
    }

    /// Argument `i` as an i32 read unsigned (pointers, lengths).
    pub(crate) fn u32_arg(&self, i: usize) -> u32 {
        self.args.get(i).map_or(0, |&raw| raw as u32)
    }

    /// Argument `i` as an i64.
    pub(crate) fn i64_arg(&self, i: usize) -> i64 {
        self.args.get(i).map_or(0, |&raw| raw as i64)
    }

    /// Charges `amount` (see [`gas::charge`]).
    pub(crate) fn charge(&mut self, amount: u64) -> Result<(), HostExit> {
        gas::charge(self.gas, amount)
    }

    /// Gives back gas a callee did not use.
    pub(crate) fn refund(&mut self, amount: i64) {
        *self.gas = self.gas.saturating_add(amount.max(0));
    }

    /// The gas left, as raw i64 bits.
    pub(crate) fn gas_left_u64(&self) -> u64 {
        *self.gas as u64
    }

    /// Reads `N` bytes of memory at pointer argument `i`.
    pub(crate) fn read_at<const N: usize>(&self, i: usize) -> Result<[u8; N], HostExit> {
        memory::read_array(self.mem, self.u32_arg(i))
    }

    /// Writes `data` to memory at pointer argument `i`.
    pub(crate) fn write_at(&mut self, i: usize, data: &[u8]) -> Result<(), HostExit> {
        let len = u32::try_from(data.len()).map_err(|_| HostExit::InvalidMemoryAccess)?;
        self.mem_at(self.u32_arg(i), len)?.copy_from_slice(data);
        Ok(())
    }
}

fn dispatch(eei: &mut Eei<'_>, func: HostFn, inv: &mut Invocation<'_>) -> HostResult {
    use HostFn::*;
    match func {
        UseGas => gas::use_gas(eei, inv),
        GetGasLeft => gas::get_gas_left(eei, inv),
        GetAddress => env::get_address(eei, inv),
        GetExternalBalance => env::get_external_balance(eei, inv),
        GetBlockHash => env::get_block_hash(eei, inv),
        GetCaller => env::get_caller(eei, inv),
        GetCallValue => env::get_call_value(eei, inv),
        GetBlockCoinbase => env::get_block_coinbase(eei, inv),
        GetBlockDifficulty => env::get_block_difficulty(eei, inv),
        GetBlockGasLimit => env::get_block_gas_limit(eei, inv),
        GetTxGasPrice => env::get_tx_gas_price(eei, inv),
        GetBlockNumber => env::get_block_number(eei, inv),
        GetBlockTimestamp => env::get_block_timestamp(eei, inv),
        GetTxOrigin => env::get_tx_origin(eei, inv),
        GetChainId => env::get_chain_id(eei, inv),
        GetSelfBalance => env::get_self_balance(eei, inv),
        GetBaseFee => env::get_base_fee(eei, inv),
        GetBlobHash => env::get_blob_hash(eei, inv),
        GetBlobBaseFee => env::get_blob_base_fee(eei, inv),
        TransientStorageLoad => storage::transient_storage_load(eei, inv),
        TransientStorageStore => storage::transient_storage_store(eei, inv),
        GetCallDataSize => data::get_call_data_size(eei, inv),
        CallDataCopy => data::call_data_copy(eei, inv),
        CodeCopy => data::code_copy(eei, inv),
        GetCodeSize => data::get_code_size(eei, inv),
        ExternalCodeCopy => data::external_code_copy(eei, inv),
        GetExternalCodeSize => data::get_external_code_size(eei, inv),
        GetExternalCodeHash => data::get_external_code_hash(eei, inv),
        GetReturnDataSize => data::get_return_data_size(eei, inv),
        ReturnDataCopy => data::return_data_copy(eei, inv),
        StorageStore => storage::storage_store(eei, inv),
        StorageLoad => storage::storage_load(eei, inv),
        Log => log::log(eei, inv),
        Call => call::call(eei, inv),
        CallCode => call::call_code(eei, inv),
        CallDelegate => call::call_delegate(eei, inv),
        CallStatic => call::call_static(eei, inv),
        Create => call::create(eei, inv),
        Create2 => call::create2(eei, inv),
        Finish => halt::finish(eei, inv),
        Revert => halt::revert(eei, inv),
        SelfDestruct => halt::self_destruct(eei, inv),
        Print32 => debug::print32(eei, inv),
        Print64 => debug::print64(eei, inv),
        PrintMem => debug::print_mem(eei, inv),
        PrintMemHex => debug::print_mem_hex(eei, inv),
        PrintStorage => debug::print_storage(eei, inv),
        PrintStorageHex => debug::print_storage_hex(eei, inv),
        Add256 | Sub256 | Mul256 | Div256 | Sdiv256 | Mod256 | Smod256 | Addmod256 | Mulmod256
        | Umulmod256 | Exp256 | Lt256 | Gt256 | Slt256 | Sgt256 | Eq256 | Iszero256 | And256
        | Or256 | Xor256 | Not256 | Shl256 | Shr256 | Sar256 | Byte256 | Signextend256
        | Submod256 | Mulmodmont256 => Err(HostExit::ContractValidationFailure),
    }
}

/// The `trace` line for one EEI call: depth, name, arguments, result and gas left.
pub(crate) fn trace_line(
    depth: i32,
    func: HostFn,
    args: &[u64],
    result: &HostResult,
    gas_left: i64,
) -> String {
    let args: Vec<String> = args.iter().map(|a| format!("{a:#x}")).collect();
    let outcome = match result {
        Ok(None) => "ok".to_string(),
        Ok(Some(v)) => format!("-> {v:#x}"),
        Err(exit) => format!("exit {exit:?}"),
    };
    format!(
        "[ssvm depth {depth}] {}.{}({}) {outcome}, gas left {gas_left}",
        func.namespace(),
        func.name(),
        args.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_line_names_the_call() {
        let line = trace_line(2, HostFn::GetCaller, &[32], &Ok(None), 98);
        assert_eq!(
            line,
            "[ssvm depth 2] ethereum.getCaller(0x20) ok, gas left 98"
        );
        let line = trace_line(0, HostFn::Finish, &[0, 4], &Err(HostExit::Finish), 5);
        assert_eq!(
            line,
            "[ssvm depth 0] ethereum.finish(0x0, 0x4) exit Finish, gas left 5"
        );
    }
}
