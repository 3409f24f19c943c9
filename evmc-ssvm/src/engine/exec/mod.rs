//! The interpreter: one loop with one `match` over register-form instructions, an explicit
//! frame stack (no Rust recursion), and call frames of untyped `u64` slots on one value
//! stack. Handlers are grouped by family: [`numeric`], [`memory`], frame slots in
//! [`frame`]; control, calls and the rest are in the loop below.
//!
//! A call frame starts at the caller's argument slots (`fp + base`): arguments are not
//! copied, and the callee's results come back in the same slots.

mod frame;
mod memory;
mod numeric;

use super::bignum;
use super::config::GROW_GAS_PER_PAGE;
use super::host::{Host, HostCallContext};
use super::isa::Instr;
use super::memory::PAGE_SIZE;
use super::module::CompiledFunc;
use super::ops::convert::*;
use super::ops::float::*;
use super::ops::int::*;
use super::store::{Entities, FuncKind};
use super::trap::Trap;
use frame::Fp;
use memory::*;
use numeric::*;

/// Limits applied to one top-level call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub max_call_depth: usize,
    pub max_value_stack: usize,
    pub metering: bool,
    pub steps: u64,
}

/// A suspended caller.
#[derive(Debug, Clone, Copy)]
struct Frame {
    /// Instruction index to continue at, in the caller's module code.
    ret_pc: u32,
    /// The caller's frame offset in the value stack.
    fp: u32,
    /// The caller's instance.
    inst: u32,
}

/// Value-stack slots allocated up front; the stack doubles from there when a call needs more.
const INITIAL_STACK_SLOTS: usize = 1024;

/// The reusable value stack, frame stack and host-result scratch space.
#[derive(Debug, Default)]
pub(crate) struct Machine {
    stack: Vec<u64>,
    frames: Vec<Frame>,
    scratch: Vec<u64>,
}

/// Makes the value stack at least `need` slots long (doubling, up to the limit).
fn reserve(stack: &mut Vec<u64>, need: usize, limit: usize) -> Result<(), Trap> {
    if need > stack.len() {
        if need > limit {
            return Err(Trap::ValueStackExhausted);
        }
        stack.resize(need.next_power_of_two().min(limit), 0);
    }
    Ok(())
}

/// Runs function `func` (a store address) with raw `args`; returns raw results.
pub(crate) fn call(
    ent: &mut Entities,
    m: &mut Machine,
    limits: &Limits,
    gas: &mut i64,
    host: &mut dyn Host,
    func: u32,
    args: &[u64],
) -> Result<Vec<u64>, Trap> {
    // The stack grows on demand up to `max_value_stack`, so an execution that needs little
    // (most contracts, and every nested EVMC frame) allocates little.
    let initial = INITIAL_STACK_SLOTS.max(args.len());
    reserve(
        &mut m.stack,
        initial.min(limits.max_value_stack),
        limits.max_value_stack,
    )?;
    reserve(&mut m.stack, args.len(), limits.max_value_stack)?;
    m.frames.clear();
    m.stack[..args.len()].copy_from_slice(args);
    let results = run(ent, m, limits, gas, host, func, args.len())?;
    Ok(m.stack[..results].to_vec())
}

/// The interpreter loop. Returns the number of results left at `stack[0..]`.
#[allow(clippy::too_many_lines)]
fn run(
    ent: &mut Entities,
    m: &mut Machine,
    limits: &Limits,
    gas: &mut i64,
    host: &mut dyn Host,
    func: u32,
    nargs: usize,
) -> Result<usize, Trap> {
    let Entities {
        instances,
        funcs,
        sigs,
        memories,
        tables,
        globals,
    } = ent;
    let Machine {
        stack: stack_vec,
        frames,
        scratch,
    } = m;
    let entry = funcs.get(func as usize).copied().ok_or(Trap::Unreachable)?;
    let (mut cur, entry_index) = match entry.kind {
        FuncKind::Host(id) => {
            // A host function invoked directly by the embedder.
            let sig = sigs.get(entry.sig as usize).ok_or(Trap::Unreachable)?;
            let r = sig.results.len();
            scratch.resize(r.max(scratch.len()), 0);
            let ctx = HostCallContext {
                memory: &mut [],
                gas,
            };
            host.call(id, ctx, &stack_vec[..nargs], &mut scratch[..r])?;
            reserve(stack_vec, r, usize::MAX)?;
            stack_vec[..r].copy_from_slice(&scratch[..r]);
            return Ok(r);
        }
        FuncKind::Wasm { instance, index } => (instance as usize, index),
    };
    let mut inst = &instances[cur];
    let mut code = inst.module.code.as_slice();
    let mut mem: &mut [u8] = memories[inst.memory as usize].data.as_mut_slice();
    let mut steps = limits.steps;

    let cf: CompiledFunc = inst.module.funcs[entry_index as usize];
    reserve(stack_vec, cf.frame_size as usize, limits.max_value_stack)?;
    let mut stack_base = stack_vec.as_mut_ptr();
    let mut stack_len = stack_vec.len();
    let mut fp = Fp::new(stack_base, stack_len, 0);
    let mut fp_off: usize = 0;
    fp.zero(cf.params, cf.locals as usize);
    let mut pc: usize = cf.entry as usize;

    macro_rules! trap {
        ($t:expr) => {
            return Err($t)
        };
    }
    // One step per call and per backward branch (a loop iteration): every unbounded
    // execution does infinitely many of either, so a finite budget always stops it.
    macro_rules! step {
        () => {{
            if steps == 0 {
                trap!(Trap::StepLimitExceeded);
            }
            steps -= 1;
        }};
    }
    macro_rules! charge {
        ($n:expr) => {{
            let n = i64::from($n);
            if *gas < n {
                trap!(Trap::OutOfGas);
            }
            *gas -= n;
        }};
    }
    macro_rules! next {
        () => {{
            pc += 1;
        }};
    }
    // A one-word instruction's handler, then the next instruction.
    macro_rules! op {
        ($handler:expr) => {{
            $handler;
            next!();
        }};
    }
    // A taken branch. A backward one re-enters a loop, whose head is its `ChargeGas` when
    // metering is on: the branch charges it and skips it, saving a dispatch per iteration.
    macro_rules! jump {
        ($offset:expr) => {{
            let offset: i32 = $offset;
            pc = pc.wrapping_add(offset as isize as usize);
            if offset <= 0 {
                step!();
                if let Some(Instr::ChargeGas { amount }) = code.get(pc) {
                    charge!(*amount);
                    pc += 1;
                }
            }
        }};
    }
    macro_rules! branch_if {
        ($cond:expr, $offset:expr) => {{
            if $cond {
                jump!($offset);
            } else {
                next!();
            }
        }};
    }
    macro_rules! switch_instance {
        ($i:expr) => {{
            cur = $i;
            inst = &instances[cur];
            code = inst.module.code.as_slice();
            mem = memories[inst.memory as usize].data.as_mut_slice();
        }};
    }
    // Enters defined function `$index` of instance `$instance` with its frame at slot
    // `$base` of the current one, returning to `pc + $len`.
    macro_rules! enter {
        ($instance:expr, $index:expr, $base:expr, $len:expr) => {{
            if frames.len() + 1 >= limits.max_call_depth {
                trap!(Trap::CallStackExhausted);
            }
            step!();
            let callee_inst = $instance as usize;
            let callee: CompiledFunc = instances[callee_inst].module.funcs[$index as usize];
            let new_off = fp_off + $base as usize;
            let need = new_off + callee.frame_size as usize;
            if need > stack_len {
                reserve(stack_vec, need, limits.max_value_stack)?;
                stack_base = stack_vec.as_mut_ptr();
                stack_len = stack_vec.len();
            }
            frames.push(Frame {
                ret_pc: (pc + $len) as u32,
                fp: fp_off as u32,
                inst: cur as u32,
            });
            fp_off = new_off;
            fp = Fp::new(stack_base, stack_len, fp_off);
            fp.zero(callee.params, callee.locals as usize);
            if callee_inst != cur {
                switch_instance!(callee_inst);
            }
            pc = callee.entry as usize;
        }};
    }
    // Calls store function `$addr` with its frame at `$base`; the call instruction is
    // `$len` words long.
    macro_rules! call_addr {
        ($addr:expr, $base:expr, $len:expr) => {{
            let f = funcs[$addr as usize];
            match f.kind {
                FuncKind::Wasm { instance, index } => enter!(instance, index, $base, $len),
                FuncKind::Host(id) => {
                    let sig = &sigs[f.sig as usize];
                    let (n, r) = (sig.params.len(), sig.results.len());
                    if scratch.len() < r {
                        scratch.resize(r, 0);
                    }
                    let ctx = HostCallContext {
                        memory: &mut *mem,
                        gas: &mut *gas,
                    };
                    host.call(id, ctx, fp.slice($base, n), &mut scratch[..r])?;
                    for (k, v) in scratch[..r].iter().enumerate() {
                        fp.set($base + k as u32, *v);
                    }
                    pc += $len;
                }
            }
        }};
    }
    // Returns `$n` results (already at `fp[0..$n]`) to the caller.
    macro_rules! ret {
        ($n:expr) => {{
            match frames.pop() {
                None => return Ok($n),
                Some(caller) => {
                    fp_off = caller.fp as usize;
                    fp = Fp::new(stack_base, stack_len, fp_off);
                    if caller.inst as usize != cur {
                        switch_instance!(caller.inst as usize);
                    }
                    pc = caller.ret_pc as usize;
                }
            }
        }};
    }

    loop {
        debug_assert!(pc < code.len(), "pc {pc} outside the code");
        // SAFETY: `pc` always indexes the current module's code: entries and branch targets
        // are resolved by the translator to instructions of that code, every body ends in
        // a return, an `Args` word is skipped by its instruction, and `BrTable` is followed
        // by its `len + 1` entries.
        let instr = unsafe { *code.get_unchecked(pc) };
        match instr {
            Instr::Unreachable => trap!(Trap::Unreachable),
            Instr::ChargeGas { amount } => {
                charge!(amount);
                next!();
            }
            Instr::Br { offset } => jump!(offset),
            Instr::BrCopy { dst, src, offset } => {
                fp.set(dst, fp.get(src));
                jump!(offset);
            }
            Instr::BrIfNez { cond, offset } => branch_if!(fp.get(cond) as u32 != 0, offset),
            Instr::BrIfEqz { cond, offset } => branch_if!(fp.get(cond) as u32 == 0, offset),
            Instr::BrIfI64Nez { cond, offset } => branch_if!(fp.get(cond) != 0, offset),
            Instr::BrIfI64Eqz { cond, offset } => branch_if!(fp.get(cond) == 0, offset),
            Instr::BrTable { index, len } => {
                let i = (fp.get(index) as u32).min(len);
                pc += 1 + i as usize;
            }
            Instr::Return => ret!(0),
            Instr::Return1 { src } => {
                fp.set(0, fp.get(src));
                ret!(1);
            }
            Instr::ReturnSpan { src, len } => {
                fp.copy(0, src, len as usize);
                ret!(len as usize);
            }
            Instr::CallInternal { func, base } => enter!(cur, func, base, 1),
            Instr::CallImport { func, base } => {
                let addr = inst.funcs[func as usize];
                call_addr!(addr, base, 1);
            }
            Instr::CallIndirect { ty, base } => {
                let Some(Instr::Args { a: index, .. }) = code.get(pc + 1).copied() else {
                    trap!(Trap::Unreachable);
                };
                let i = fp.get(index) as u32 as usize;
                let slot = tables[inst.table as usize]
                    .elems
                    .get(i)
                    .ok_or(Trap::TableOutOfBounds)?;
                let addr = slot.ok_or(Trap::UninitializedElement)?;
                if funcs[addr as usize].sig != inst.sig_ids[ty as usize] {
                    trap!(Trap::IndirectCallTypeMismatch);
                }
                call_addr!(addr, base, 2);
            }
            Instr::Args { .. } => trap!(Trap::Unreachable),
            Instr::Copy { dst, src } => {
                fp.set(dst, fp.get(src));
                next!();
            }
            Instr::CopySpan { dst, src, len } => {
                fp.copy(dst, src, len as usize);
                next!();
            }
            Instr::Const { dst, value } => {
                fp.set(dst, value);
                next!();
            }
            Instr::Select { dst, cond, lhs } => {
                let Some(Instr::Args { a: rhs, .. }) = code.get(pc + 1).copied() else {
                    trap!(Trap::Unreachable);
                };
                let v = if fp.get(cond) as u32 != 0 {
                    fp.get(lhs)
                } else {
                    fp.get(rhs)
                };
                fp.set(dst, v);
                pc += 2;
            }
            Instr::GlobalGet { dst, index } => {
                fp.set(dst, globals[inst.globals[index as usize] as usize].value);
                next!();
            }
            Instr::GlobalSet { index, src } => {
                globals[inst.globals[index as usize] as usize].value = fp.get(src);
                next!();
            }
            Instr::I32Load { dst, addr, offset } => op!(load(mem, fp, dst, addr, offset, u32_le)?),
            Instr::I64Load { dst, addr, offset } => {
                op!(load(mem, fp, dst, addr, offset, u64::from_le_bytes)?)
            }
            Instr::I32Load8S { dst, addr, offset } => {
                op!(load(mem, fp, dst, addr, offset, i8_to_i32)?)
            }
            Instr::I32Load8U { dst, addr, offset } => op!(load(mem, fp, dst, addr, offset, u8_)?),
            Instr::I32Load16S { dst, addr, offset } => {
                op!(load(mem, fp, dst, addr, offset, i16_to_i32)?)
            }
            Instr::I32Load16U { dst, addr, offset } => {
                op!(load(mem, fp, dst, addr, offset, u16_le)?)
            }
            Instr::I64Load8S { dst, addr, offset } => {
                op!(load(mem, fp, dst, addr, offset, i8_to_i64)?)
            }
            Instr::I64Load16S { dst, addr, offset } => {
                op!(load(mem, fp, dst, addr, offset, i16_to_i64)?)
            }
            Instr::I64Load32S { dst, addr, offset } => {
                op!(load(mem, fp, dst, addr, offset, i32_to_i64)?)
            }
            Instr::I32Store {
                addr,
                value,
                offset,
            } => op!(store(mem, fp, addr, value, offset, |v| (v as u32).to_le_bytes())?),
            Instr::I64Store {
                addr,
                value,
                offset,
            } => op!(store(mem, fp, addr, value, offset, u64::to_le_bytes)?),
            Instr::I32Store8 {
                addr,
                value,
                offset,
            } => op!(store(mem, fp, addr, value, offset, |v| [v as u8])?),
            Instr::I32Store16 {
                addr,
                value,
                offset,
            } => op!(store(mem, fp, addr, value, offset, |v| (v as u16).to_le_bytes())?),
            Instr::MemorySize { dst } => {
                fp.set(dst, (mem.len() / PAGE_SIZE) as u64);
                next!();
            }
            Instr::MemoryGrow { dst, delta } => {
                let delta = fp.get(delta) as u32;
                if limits.metering {
                    charge!(i64::from(delta) * GROW_GAS_PER_PAGE);
                }
                let memory = &mut memories[inst.memory as usize];
                let old = memory.grow(delta).unwrap_or(u32::MAX);
                mem = memory.data.as_mut_slice();
                fp.set(dst, u64::from(old));
                next!();
            }
            Instr::Bignum { site, dst } => {
                let call = &inst.module.bigcalls[site as usize];
                let ptrs = call.pointers(|s| fp.get(s));
                if limits.metering {
                    let cost = bignum::gas(&call.intr, mem, &ptrs);
                    charge!(i64::try_from(cost).unwrap_or(i64::MAX));
                }
                if let Some(v) = bignum::exec(call.intr.op, mem, &ptrs)? {
                    fp.set(dst, u64::from(v));
                }
                next!();
            }
            Instr::I32Eqz { dst, src } => op!(un(fp, dst, src, i32_eqz)),
            Instr::I64Eqz { dst, src } => op!(un(fp, dst, src, i64_eqz)),
            Instr::I32Clz { dst, src } => op!(un(fp, dst, src, i32_clz)),
            Instr::I32Ctz { dst, src } => op!(un(fp, dst, src, i32_ctz)),
            Instr::I32Popcnt { dst, src } => op!(un(fp, dst, src, i32_popcnt)),
            Instr::I64Clz { dst, src } => op!(un(fp, dst, src, i64_clz)),
            Instr::I64Ctz { dst, src } => op!(un(fp, dst, src, i64_ctz)),
            Instr::I64Popcnt { dst, src } => op!(un(fp, dst, src, i64_popcnt)),
            Instr::F32Abs { dst, src } => op!(un(fp, dst, src, f32_abs)),
            Instr::F32Neg { dst, src } => op!(un(fp, dst, src, f32_neg)),
            Instr::F32Ceil { dst, src } => op!(un(fp, dst, src, f32_ceil)),
            Instr::F32Floor { dst, src } => op!(un(fp, dst, src, f32_floor)),
            Instr::F32Trunc { dst, src } => op!(un(fp, dst, src, f32_trunc)),
            Instr::F32Nearest { dst, src } => op!(un(fp, dst, src, f32_nearest)),
            Instr::F32Sqrt { dst, src } => op!(un(fp, dst, src, f32_sqrt)),
            Instr::F64Abs { dst, src } => op!(un(fp, dst, src, f64_abs)),
            Instr::F64Neg { dst, src } => op!(un(fp, dst, src, f64_neg)),
            Instr::F64Ceil { dst, src } => op!(un(fp, dst, src, f64_ceil)),
            Instr::F64Floor { dst, src } => op!(un(fp, dst, src, f64_floor)),
            Instr::F64Trunc { dst, src } => op!(un(fp, dst, src, f64_trunc)),
            Instr::F64Nearest { dst, src } => op!(un(fp, dst, src, f64_nearest)),
            Instr::F64Sqrt { dst, src } => op!(un(fp, dst, src, f64_sqrt)),
            Instr::I32WrapI64 { dst, src } => op!(un(fp, dst, src, i32_wrap_i64)),
            Instr::I32TruncF32S { dst, src } => op!(un_try(fp, dst, src, i32_trunc_f32_s)?),
            Instr::I32TruncF32U { dst, src } => op!(un_try(fp, dst, src, i32_trunc_f32_u)?),
            Instr::I32TruncF64S { dst, src } => op!(un_try(fp, dst, src, i32_trunc_f64_s)?),
            Instr::I32TruncF64U { dst, src } => op!(un_try(fp, dst, src, i32_trunc_f64_u)?),
            Instr::I64ExtendI32S { dst, src } => op!(un(fp, dst, src, i64_extend_i32_s)),
            Instr::I64ExtendI32U { dst, src } => op!(un(fp, dst, src, i64_extend_i32_u)),
            Instr::I64TruncF32S { dst, src } => op!(un_try(fp, dst, src, i64_trunc_f32_s)?),
            Instr::I64TruncF32U { dst, src } => op!(un_try(fp, dst, src, i64_trunc_f32_u)?),
            Instr::I64TruncF64S { dst, src } => op!(un_try(fp, dst, src, i64_trunc_f64_s)?),
            Instr::I64TruncF64U { dst, src } => op!(un_try(fp, dst, src, i64_trunc_f64_u)?),
            Instr::F32ConvertI32S { dst, src } => op!(un(fp, dst, src, f32_convert_i32_s)),
            Instr::F32ConvertI32U { dst, src } => op!(un(fp, dst, src, f32_convert_i32_u)),
            Instr::F32ConvertI64S { dst, src } => op!(un(fp, dst, src, f32_convert_i64_s)),
            Instr::F32ConvertI64U { dst, src } => op!(un(fp, dst, src, f32_convert_i64_u)),
            Instr::F32DemoteF64 { dst, src } => op!(un(fp, dst, src, f32_demote_f64)),
            Instr::F64ConvertI32S { dst, src } => op!(un(fp, dst, src, f64_convert_i32_s)),
            Instr::F64ConvertI32U { dst, src } => op!(un(fp, dst, src, f64_convert_i32_u)),
            Instr::F64ConvertI64S { dst, src } => op!(un(fp, dst, src, f64_convert_i64_s)),
            Instr::F64ConvertI64U { dst, src } => op!(un(fp, dst, src, f64_convert_i64_u)),
            Instr::F64PromoteF32 { dst, src } => op!(un(fp, dst, src, f64_promote_f32)),
            Instr::I32Extend8S { dst, src } => op!(un(fp, dst, src, i32_extend8_s)),
            Instr::I32Extend16S { dst, src } => op!(un(fp, dst, src, i32_extend16_s)),
            Instr::I64Extend8S { dst, src } => op!(un(fp, dst, src, i64_extend8_s)),
            Instr::I64Extend16S { dst, src } => op!(un(fp, dst, src, i64_extend16_s)),
            Instr::I64Extend32S { dst, src } => op!(un(fp, dst, src, i64_extend32_s)),
            Instr::I32Add { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_add)),
            Instr::I32Sub { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_sub)),
            Instr::I32Mul { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_mul)),
            Instr::I32DivS { dst, lhs, rhs } => op!(bin_try(fp, dst, lhs, rhs, i32_div_s)?),
            Instr::I32DivU { dst, lhs, rhs } => op!(bin_try(fp, dst, lhs, rhs, i32_div_u)?),
            Instr::I32RemS { dst, lhs, rhs } => op!(bin_try(fp, dst, lhs, rhs, i32_rem_s)?),
            Instr::I32RemU { dst, lhs, rhs } => op!(bin_try(fp, dst, lhs, rhs, i32_rem_u)?),
            Instr::I32And { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_and)),
            Instr::I32Or { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_or)),
            Instr::I32Xor { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_xor)),
            Instr::I32Shl { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_shl)),
            Instr::I32ShrS { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_shr_s)),
            Instr::I32ShrU { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_shr_u)),
            Instr::I32Rotl { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_rotl)),
            Instr::I32Rotr { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_rotr)),
            Instr::I64Add { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_add)),
            Instr::I64Sub { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_sub)),
            Instr::I64Mul { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_mul)),
            Instr::I64DivS { dst, lhs, rhs } => op!(bin_try(fp, dst, lhs, rhs, i64_div_s)?),
            Instr::I64DivU { dst, lhs, rhs } => op!(bin_try(fp, dst, lhs, rhs, i64_div_u)?),
            Instr::I64RemS { dst, lhs, rhs } => op!(bin_try(fp, dst, lhs, rhs, i64_rem_s)?),
            Instr::I64RemU { dst, lhs, rhs } => op!(bin_try(fp, dst, lhs, rhs, i64_rem_u)?),
            Instr::I64And { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_and)),
            Instr::I64Or { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_or)),
            Instr::I64Xor { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_xor)),
            Instr::I64Shl { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_shl)),
            Instr::I64ShrS { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_shr_s)),
            Instr::I64ShrU { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_shr_u)),
            Instr::I64Rotl { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_rotl)),
            Instr::I64Rotr { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_rotr)),
            Instr::F32Eq { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_eq)),
            Instr::F32Ne { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_ne)),
            Instr::F32Lt { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_lt)),
            Instr::F32Gt { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_gt)),
            Instr::F32Le { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_le)),
            Instr::F32Ge { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_ge)),
            Instr::F64Eq { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_eq)),
            Instr::F64Ne { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_ne)),
            Instr::F64Lt { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_lt)),
            Instr::F64Gt { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_gt)),
            Instr::F64Le { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_le)),
            Instr::F64Ge { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_ge)),
            Instr::F32Add { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_add)),
            Instr::F32Sub { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_sub)),
            Instr::F32Mul { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_mul)),
            Instr::F32Div { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_div)),
            Instr::F32Min { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_min)),
            Instr::F32Max { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_max)),
            Instr::F32Copysign { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f32_copysign)),
            Instr::F64Add { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_add)),
            Instr::F64Sub { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_sub)),
            Instr::F64Mul { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_mul)),
            Instr::F64Div { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_div)),
            Instr::F64Min { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_min)),
            Instr::F64Max { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_max)),
            Instr::F64Copysign { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, f64_copysign)),
            Instr::I32Eq { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_eq)),
            Instr::I32Ne { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_ne)),
            Instr::I32LtS { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_lt_s)),
            Instr::I32LtU { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_lt_u)),
            Instr::I32GtS { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_gt_s)),
            Instr::I32GtU { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_gt_u)),
            Instr::I32LeS { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_le_s)),
            Instr::I32LeU { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_le_u)),
            Instr::I32GeS { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_ge_s)),
            Instr::I32GeU { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i32_ge_u)),
            Instr::I64Eq { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_eq)),
            Instr::I64Ne { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_ne)),
            Instr::I64LtS { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_lt_s)),
            Instr::I64LtU { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_lt_u)),
            Instr::I64GtS { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_gt_s)),
            Instr::I64GtU { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_gt_u)),
            Instr::I64LeS { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_le_s)),
            Instr::I64LeU { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_le_u)),
            Instr::I64GeS { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_ge_s)),
            Instr::I64GeU { dst, lhs, rhs } => op!(bin(fp, dst, lhs, rhs, i64_ge_u)),
            Instr::I32AddImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_add)),
            Instr::I32MulImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_mul)),
            Instr::I32AndImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_and)),
            Instr::I32OrImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_or)),
            Instr::I32XorImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_xor)),
            Instr::I32ShlImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_shl)),
            Instr::I32ShrSImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_shr_s)),
            Instr::I32ShrUImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_shr_u)),
            Instr::I32RotlImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_rotl)),
            Instr::I32RotrImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_rotr)),
            Instr::I64AddImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_add)),
            Instr::I64MulImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_mul)),
            Instr::I64AndImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_and)),
            Instr::I64OrImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_or)),
            Instr::I64XorImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_xor)),
            Instr::I64ShlImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_shl)),
            Instr::I64ShrSImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_shr_s)),
            Instr::I64ShrUImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_shr_u)),
            Instr::I64RotlImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_rotl)),
            Instr::I64RotrImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_rotr)),
            Instr::I32EqImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_eq)),
            Instr::I32NeImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_ne)),
            Instr::I32LtSImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_lt_s)),
            Instr::I32LtUImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_lt_u)),
            Instr::I32GtSImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_gt_s)),
            Instr::I32GtUImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_gt_u)),
            Instr::I32LeSImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_le_s)),
            Instr::I32LeUImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_le_u)),
            Instr::I32GeSImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_ge_s)),
            Instr::I32GeUImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i32_ge_u)),
            Instr::I64EqImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_eq)),
            Instr::I64NeImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_ne)),
            Instr::I64LtSImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_lt_s)),
            Instr::I64LtUImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_lt_u)),
            Instr::I64GtSImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_gt_s)),
            Instr::I64GtUImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_gt_u)),
            Instr::I64LeSImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_le_s)),
            Instr::I64LeUImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_le_u)),
            Instr::I64GeSImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_ge_s)),
            Instr::I64GeUImm { dst, lhs, imm } => op!(bin_imm(fp, dst, lhs, imm, i64_ge_u)),
            Instr::BrIfI32Eq { lhs, rhs, offset } => branch_if!(cmp(fp, lhs, rhs, i32_eq), offset),
            Instr::BrIfI32Ne { lhs, rhs, offset } => branch_if!(cmp(fp, lhs, rhs, i32_ne), offset),
            Instr::BrIfI32LtS { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i32_lt_s), offset)
            }
            Instr::BrIfI32LtU { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i32_lt_u), offset)
            }
            Instr::BrIfI32GtS { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i32_gt_s), offset)
            }
            Instr::BrIfI32GtU { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i32_gt_u), offset)
            }
            Instr::BrIfI32LeS { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i32_le_s), offset)
            }
            Instr::BrIfI32LeU { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i32_le_u), offset)
            }
            Instr::BrIfI32GeS { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i32_ge_s), offset)
            }
            Instr::BrIfI32GeU { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i32_ge_u), offset)
            }
            Instr::BrIfI64Eq { lhs, rhs, offset } => branch_if!(cmp(fp, lhs, rhs, i64_eq), offset),
            Instr::BrIfI64Ne { lhs, rhs, offset } => branch_if!(cmp(fp, lhs, rhs, i64_ne), offset),
            Instr::BrIfI64LtS { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i64_lt_s), offset)
            }
            Instr::BrIfI64LtU { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i64_lt_u), offset)
            }
            Instr::BrIfI64GtS { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i64_gt_s), offset)
            }
            Instr::BrIfI64GtU { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i64_gt_u), offset)
            }
            Instr::BrIfI64LeS { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i64_le_s), offset)
            }
            Instr::BrIfI64LeU { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i64_le_u), offset)
            }
            Instr::BrIfI64GeS { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i64_ge_s), offset)
            }
            Instr::BrIfI64GeU { lhs, rhs, offset } => {
                branch_if!(cmp(fp, lhs, rhs, i64_ge_u), offset)
            }
            Instr::BrIfI32EqImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i32_eq), offset)
            }
            Instr::BrIfI32NeImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i32_ne), offset)
            }
            Instr::BrIfI32LtSImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i32_lt_s), offset)
            }
            Instr::BrIfI32LtUImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i32_lt_u), offset)
            }
            Instr::BrIfI32GtSImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i32_gt_s), offset)
            }
            Instr::BrIfI32GtUImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i32_gt_u), offset)
            }
            Instr::BrIfI32LeSImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i32_le_s), offset)
            }
            Instr::BrIfI32LeUImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i32_le_u), offset)
            }
            Instr::BrIfI32GeSImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i32_ge_s), offset)
            }
            Instr::BrIfI32GeUImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i32_ge_u), offset)
            }
            Instr::BrIfI64EqImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i64_eq), offset)
            }
            Instr::BrIfI64NeImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i64_ne), offset)
            }
            Instr::BrIfI64LtSImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i64_lt_s), offset)
            }
            Instr::BrIfI64LtUImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i64_lt_u), offset)
            }
            Instr::BrIfI64GtSImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i64_gt_s), offset)
            }
            Instr::BrIfI64GtUImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i64_gt_u), offset)
            }
            Instr::BrIfI64LeSImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i64_le_s), offset)
            }
            Instr::BrIfI64LeUImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i64_le_u), offset)
            }
            Instr::BrIfI64GeSImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i64_ge_s), offset)
            }
            Instr::BrIfI64GeUImm { lhs, imm, offset } => {
                branch_if!(cmp_imm(fp, lhs, imm, i64_ge_u), offset)
            }
        }
    }
}
