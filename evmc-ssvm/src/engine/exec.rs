//! The interpreter: one loop with one `match` over compiled instructions, an explicit frame
//! stack (no Rust recursion), untyped `u64` value slots and frame-relative locals.

use super::bignum;
use super::config::GROW_GAS_PER_PAGE;
use super::host::{Host, HostCallContext};
use super::isa::{DropKeep, Instr};
use super::memory::{load_bytes, store_bytes};
use super::ops::convert::*;
use super::ops::float::*;
use super::ops::int::*;
use super::ops::Slot;
use super::store::{Entities, FuncKind};
use super::trap::Trap;

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
    ret_pc: u32,
    fp: u32,
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

/// Applies a taken branch's drop/keep to the stack; returns the new stack pointer.
#[inline(always)]
fn drop_keep(stack: &mut [u64], sp: usize, dk: DropKeep) -> usize {
    if dk.drop == 0 {
        return sp;
    }
    let keep = dk.keep as usize;
    let new_base = sp - keep - dk.drop as usize;
    stack.copy_within(sp - keep..sp, new_base);
    new_base + keep
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
    if args.len() > limits.max_value_stack {
        return Err(Trap::ValueStackExhausted);
    }
    // The stack grows on demand (see `enter!`) up to `max_value_stack`, so an execution
    // that needs little (most contracts, and every nested EVMC frame) allocates little.
    let initial = INITIAL_STACK_SLOTS
        .max(args.len())
        .min(limits.max_value_stack);
    if m.stack.len() < initial {
        m.stack.resize(initial, 0);
    }
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
        stack,
        frames,
        scratch,
    } = m;
    let stack_vec = stack;
    let mut stack = stack_vec.as_mut_slice();
    let mut steps = limits.steps;
    let mut sp = nargs;
    let mut fp: usize = 0;
    let mut pc: usize = 0;
    let mut cur: usize;
    let mut depth: usize = 0;

    // Host function invoked directly from the embedder.
    let entry = funcs.get(func as usize).copied().ok_or(Trap::Unreachable)?;
    let (mut inst, mut code, mut mem) = match entry.kind {
        FuncKind::Host(id) => {
            let sig = sigs.get(entry.sig as usize).ok_or(Trap::Unreachable)?;
            let r = sig.results.len();
            scratch.resize(r.max(scratch.len()), 0);
            let ctx = HostCallContext {
                memory: &mut [],
                gas,
            };
            host.call(id, ctx, &stack[..sp], &mut scratch[..r])?;
            stack[..r].copy_from_slice(&scratch[..r]);
            return Ok(r);
        }
        FuncKind::Wasm { instance, .. } => {
            cur = instance as usize;
            let inst = &instances[cur];
            (inst, inst.module.code.as_slice(), inst.memory as usize)
        }
    };
    let _ = (&mut fp, &mut pc, &mut depth);

    // Unchecked value-stack access. The translator records each function's maximum operand
    // height from the validator (`max_height`), and `enter!` makes the stack at least
    // `locals_end + max_height` long before running the body, so every slot a validated
    // instruction touches (a local below `locals_end`, an operand below that height) is in
    // bounds; the debug assertion checks it in tests.
    macro_rules! slot {
        ($i:expr) => {
            *{
                let i: usize = $i;
                debug_assert!(i < stack.len(), "value-stack slot {i} out of bounds");
                // SAFETY: `i < stack.len()` by the invariant above.
                unsafe { stack.get_unchecked_mut(i) }
            }
        };
    }

    macro_rules! enter {
        ($instance:expr, $index:expr, $ret:expr, $is_entry:expr) => {{
            if depth >= limits.max_call_depth {
                return Err(Trap::CallStackExhausted);
            }
            if !$is_entry {
                step!();
            }
            let callee_inst = $instance as usize;
            let cf = instances[callee_inst].module.funcs[$index as usize];
            let new_fp = sp - cf.params as usize;
            let locals_end = sp + cf.locals as usize;
            let need = locals_end + cf.max_height as usize;
            if need > stack.len() {
                if need > limits.max_value_stack {
                    return Err(Trap::ValueStackExhausted);
                }
                stack_vec.resize(need.next_power_of_two().min(limits.max_value_stack), 0);
                stack = stack_vec.as_mut_slice();
            }
            stack[sp..locals_end].fill(0);
            if !$is_entry {
                frames.push(Frame {
                    ret_pc: $ret as u32,
                    fp: fp as u32,
                    inst: cur as u32,
                });
            }
            depth += 1;
            fp = new_fp;
            sp = locals_end;
            pc = cf.entry as usize;
            if callee_inst != cur {
                cur = callee_inst;
                inst = &instances[cur];
                code = inst.module.code.as_slice();
                mem = inst.memory as usize;
            }
        }};
    }

    macro_rules! call_addr {
        ($addr:expr) => {{
            let f = funcs[$addr as usize];
            match f.kind {
                FuncKind::Wasm { instance, index } => enter!(instance, index, pc + 1, false),
                FuncKind::Host(id) => {
                    let sig = &sigs[f.sig as usize];
                    let (n, r) = (sig.params.len(), sig.results.len());
                    if scratch.len() < r {
                        scratch.resize(r, 0);
                    }
                    let ctx = HostCallContext {
                        memory: memories[mem].data.as_mut_slice(),
                        gas,
                    };
                    host.call(id, ctx, &stack[sp - n..sp], &mut scratch[..r])?;
                    sp -= n;
                    stack[sp..sp + r].copy_from_slice(&scratch[..r]);
                    sp += r;
                    pc += 1;
                }
            }
        }};
    }

    // One step per call and per backward branch (a loop iteration): every unbounded
    // execution does infinitely many of either, so a finite budget always stops it.
    macro_rules! step {
        () => {{
            if steps == 0 {
                return Err(Trap::StepLimitExceeded);
            }
            steps -= 1;
        }};
    }
    macro_rules! charge {
        ($n:expr) => {{
            let n = i64::from($n);
            if *gas < n {
                return Err(Trap::OutOfGas);
            }
            *gas -= n;
        }};
    }
    // A backward branch re-enters a loop, whose body starts with its `ChargeGas` when
    // metering is on: charge it here and skip it, saving a dispatch per iteration.
    macro_rules! jump {
        ($target:expr) => {{
            let mut t = $target as usize;
            if t <= pc {
                step!();
                if let Instr::ChargeGas(n) = code[t] {
                    charge!(n);
                    t += 1;
                }
            }
            pc = t;
        }};
    }

    macro_rules! br_cmp {
        ($target:expr, $f:expr) => {{
            let b = slot!(sp - 1);
            let a = slot!(sp - 2);
            sp -= 2;
            if $f(Slot::from_slot(a), Slot::from_slot(b)) {
                jump!($target);
            } else {
                pc += 1;
            }
        }};
    }
    macro_rules! un {
        ($f:expr) => {{
            let a = slot!(sp - 1);
            slot!(sp - 1) = Slot::into_slot($f(Slot::from_slot(a)));
            pc += 1;
        }};
    }
    macro_rules! un_try {
        ($f:expr) => {{
            let a = slot!(sp - 1);
            slot!(sp - 1) = Slot::into_slot($f(Slot::from_slot(a))?);
            pc += 1;
        }};
    }
    macro_rules! bin {
        ($f:expr) => {{
            let b = slot!(sp - 1);
            sp -= 1;
            let a = slot!(sp - 1);
            slot!(sp - 1) = Slot::into_slot($f(Slot::from_slot(a), Slot::from_slot(b)));
            pc += 1;
        }};
    }
    macro_rules! bin_try {
        ($f:expr) => {{
            let b = slot!(sp - 1);
            sp -= 1;
            let a = slot!(sp - 1);
            slot!(sp - 1) = Slot::into_slot($f(Slot::from_slot(a), Slot::from_slot(b))?);
            pc += 1;
        }};
    }
    macro_rules! load {
        ($off:expr, $n:literal, $conv:expr) => {{
            let addr = slot!(sp - 1) as u32;
            let bytes: [u8; $n] = load_bytes(&memories[mem].data, addr, $off)?;
            slot!(sp - 1) = $conv(bytes);
            pc += 1;
        }};
    }
    macro_rules! store {
        ($off:expr, $conv:expr) => {{
            let v = slot!(sp - 1);
            let addr = slot!(sp - 2) as u32;
            sp -= 2;
            store_bytes(&mut memories[mem].data, addr, $off, $conv(v))?;
            pc += 1;
        }};
    }

    enter!(
        cur,
        match entry.kind {
            FuncKind::Wasm { index, .. } => index,
            FuncKind::Host(_) => 0,
        },
        0,
        true
    );

    loop {
        debug_assert!(pc < code.len(), "pc {pc} outside the function code");
        // SAFETY: `pc` always indexes the current module's code: entries and branch targets
        // are resolved by the translator to instructions of that code, every function body
        // ends in `Return`, and `BrTable` is followed by its `len + 1` entries.
        match *unsafe { code.get_unchecked(pc) } {
            Instr::Unreachable => return Err(Trap::Unreachable),
            Instr::Br { target, dk } => {
                sp = drop_keep(stack, sp, dk);
                jump!(target);
            }
            Instr::BrIf { target, dk } => {
                sp -= 1;
                if slot!(sp) as u32 != 0 {
                    sp = drop_keep(stack, sp, dk);
                    jump!(target);
                } else {
                    pc += 1;
                }
            }
            Instr::BrIfEqz(target) => {
                sp -= 1;
                if slot!(sp) as u32 == 0 {
                    jump!(target);
                } else {
                    pc += 1;
                }
            }
            Instr::BrTable { len } => {
                sp -= 1;
                let i = (slot!(sp) as u32).min(len);
                pc += 1 + i as usize;
            }
            Instr::Return { keep } => {
                let k = keep as usize;
                stack.copy_within(sp - k..sp, fp);
                sp = fp + k;
                depth -= 1;
                match frames.pop() {
                    None => return Ok(k),
                    Some(fr) => {
                        pc = fr.ret_pc as usize;
                        fp = fr.fp as usize;
                        if fr.inst as usize != cur {
                            cur = fr.inst as usize;
                            inst = &instances[cur];
                            code = inst.module.code.as_slice();
                            mem = inst.memory as usize;
                        }
                    }
                }
            }
            Instr::BrIfNez(target) => {
                sp -= 1;
                if slot!(sp) as u32 != 0 {
                    jump!(target);
                } else {
                    pc += 1;
                }
            }
            Instr::BrIfI32Eqz(target) => {
                sp -= 1;
                if slot!(sp) as u32 == 0 {
                    jump!(target);
                } else {
                    pc += 1;
                }
            }
            Instr::BrIfI32Eq(t) => br_cmp!(t, i32_eq),
            Instr::BrIfI32Ne(t) => br_cmp!(t, i32_ne),
            Instr::BrIfI32LtS(t) => br_cmp!(t, i32_lt_s),
            Instr::BrIfI32LtU(t) => br_cmp!(t, i32_lt_u),
            Instr::BrIfI32GtS(t) => br_cmp!(t, i32_gt_s),
            Instr::BrIfI32GtU(t) => br_cmp!(t, i32_gt_u),
            Instr::BrIfI32LeS(t) => br_cmp!(t, i32_le_s),
            Instr::BrIfI32LeU(t) => br_cmp!(t, i32_le_u),
            Instr::BrIfI32GeS(t) => br_cmp!(t, i32_ge_s),
            Instr::BrIfI32GeU(t) => br_cmp!(t, i32_ge_u),
            Instr::LocalGet2(a, b) => {
                slot!(sp) = slot!(fp + a as usize);
                slot!(sp + 1) = slot!(fp + b as usize);
                sp += 2;
                pc += 1;
            }
            Instr::I32AddImm(c) => {
                slot!(sp - 1) = i32_add(Slot::from_slot(slot!(sp - 1)), c).into_slot();
                pc += 1;
            }
            Instr::LocalGetI32AddImm(n, c) => {
                slot!(sp) = i32_add(Slot::from_slot(slot!(fp + n as usize)), c).into_slot();
                sp += 1;
                pc += 1;
            }
            Instr::CallInternal(def) => enter!(cur, def, pc + 1, false),
            Instr::Call(idx) => {
                let addr = inst.funcs[idx as usize];
                call_addr!(addr);
            }
            Instr::CallIndirect(type_idx) => {
                sp -= 1;
                let i = slot!(sp) as u32 as usize;
                let slot = tables[inst.table as usize]
                    .elems
                    .get(i)
                    .ok_or(Trap::TableOutOfBounds)?;
                let addr = slot.ok_or(Trap::UninitializedElement)?;
                if funcs[addr as usize].sig != inst.sig_ids[type_idx as usize] {
                    return Err(Trap::IndirectCallTypeMismatch);
                }
                call_addr!(addr);
            }
            Instr::Drop => {
                sp -= 1;
                pc += 1;
            }
            Instr::Select => {
                let c = slot!(sp - 1) as u32;
                let b = slot!(sp - 2);
                sp -= 2;
                if c == 0 {
                    slot!(sp - 1) = b;
                }
                pc += 1;
            }
            Instr::LocalGet(i) => {
                slot!(sp) = slot!(fp + i as usize);
                sp += 1;
                pc += 1;
            }
            Instr::LocalSet(i) => {
                sp -= 1;
                slot!(fp + i as usize) = slot!(sp);
                pc += 1;
            }
            Instr::LocalTee(i) => {
                slot!(fp + i as usize) = slot!(sp - 1);
                pc += 1;
            }
            Instr::GlobalGet(i) => {
                slot!(sp) = globals[inst.globals[i as usize] as usize].value;
                sp += 1;
                pc += 1;
            }
            Instr::GlobalSet(i) => {
                sp -= 1;
                globals[inst.globals[i as usize] as usize].value = slot!(sp);
                pc += 1;
            }
            Instr::I32Load(o) => load!(o, 4, |b| u64::from(u32::from_le_bytes(b))),
            Instr::I64Load(o) => load!(o, 8, u64::from_le_bytes),
            Instr::F32Load(o) => load!(o, 4, |b| u64::from(u32::from_le_bytes(b))),
            Instr::F64Load(o) => load!(o, 8, u64::from_le_bytes),
            Instr::I32Load8S(o) => load!(o, 1, |b: [u8; 1]| (b[0] as i8 as i32).into_slot()),
            Instr::I32Load8U(o) => load!(o, 1, |b: [u8; 1]| u64::from(b[0])),
            Instr::I32Load16S(o) => load!(o, 2, |b| (i16::from_le_bytes(b) as i32).into_slot()),
            Instr::I32Load16U(o) => load!(o, 2, |b| u64::from(u16::from_le_bytes(b))),
            Instr::I64Load8S(o) => load!(o, 1, |b: [u8; 1]| b[0] as i8 as i64 as u64),
            Instr::I64Load8U(o) => load!(o, 1, |b: [u8; 1]| u64::from(b[0])),
            Instr::I64Load16S(o) => load!(o, 2, |b| i16::from_le_bytes(b) as i64 as u64),
            Instr::I64Load16U(o) => load!(o, 2, |b| u64::from(u16::from_le_bytes(b))),
            Instr::I64Load32S(o) => load!(o, 4, |b| i32::from_le_bytes(b) as i64 as u64),
            Instr::I64Load32U(o) => load!(o, 4, |b| u64::from(u32::from_le_bytes(b))),
            Instr::I32Store(o) | Instr::F32Store(o) => store!(o, |v: u64| (v as u32).to_le_bytes()),
            Instr::I64Store(o) | Instr::F64Store(o) => store!(o, |v: u64| v.to_le_bytes()),
            Instr::I32Store8(o) | Instr::I64Store8(o) => store!(o, |v: u64| [v as u8]),
            Instr::I32Store16(o) | Instr::I64Store16(o) => {
                store!(o, |v: u64| (v as u16).to_le_bytes())
            }
            Instr::I64Store32(o) => store!(o, |v: u64| (v as u32).to_le_bytes()),
            Instr::MemorySize => {
                slot!(sp) = u64::from(memories[mem].pages());
                sp += 1;
                pc += 1;
            }
            Instr::MemoryGrow => {
                let delta = slot!(sp - 1) as u32;
                if limits.metering {
                    charge!(i64::from(delta) * GROW_GAS_PER_PAGE);
                }
                let old = memories[mem].grow(delta).unwrap_or(u32::MAX);
                slot!(sp - 1) = u64::from(old);
                pc += 1;
            }
            Instr::I32Const(v) => {
                slot!(sp) = v.into_slot();
                sp += 1;
                pc += 1;
            }
            Instr::I64Const(v) => {
                slot!(sp) = v as u64;
                sp += 1;
                pc += 1;
            }
            Instr::F32Const(v) => {
                slot!(sp) = u64::from(v);
                sp += 1;
                pc += 1;
            }
            Instr::F64Const(v) => {
                slot!(sp) = v;
                sp += 1;
                pc += 1;
            }
            Instr::ChargeGas(n) => {
                charge!(n);
                pc += 1;
            }
            Instr::Bignum(k) => {
                let call = &inst.module.bigcalls[k as usize];
                let n = usize::from(call.from_stack);
                let ptrs = call.pointers(&stack[sp - n..sp], |i| stack[fp + i as usize]);
                sp -= n;
                let data = memories[mem].data.as_mut_slice();
                if limits.metering {
                    charge!(i64::try_from(bignum::gas(&call.intr, data, &ptrs)).unwrap_or(i64::MAX));
                }
                if let Some(v) = bignum::exec(call.intr.op, data, &ptrs)? {
                    slot!(sp) = u64::from(v);
                    sp += 1;
                }
                pc += 1;
            }
            Instr::I32Eqz => un!(i32_eqz),
            Instr::I32Eq => bin!(i32_eq),
            Instr::I32Ne => bin!(i32_ne),
            Instr::I32LtS => bin!(i32_lt_s),
            Instr::I32LtU => bin!(i32_lt_u),
            Instr::I32GtS => bin!(i32_gt_s),
            Instr::I32GtU => bin!(i32_gt_u),
            Instr::I32LeS => bin!(i32_le_s),
            Instr::I32LeU => bin!(i32_le_u),
            Instr::I32GeS => bin!(i32_ge_s),
            Instr::I32GeU => bin!(i32_ge_u),
            Instr::I64Eqz => un!(i64_eqz),
            Instr::I64Eq => bin!(i64_eq),
            Instr::I64Ne => bin!(i64_ne),
            Instr::I64LtS => bin!(i64_lt_s),
            Instr::I64LtU => bin!(i64_lt_u),
            Instr::I64GtS => bin!(i64_gt_s),
            Instr::I64GtU => bin!(i64_gt_u),
            Instr::I64LeS => bin!(i64_le_s),
            Instr::I64LeU => bin!(i64_le_u),
            Instr::I64GeS => bin!(i64_ge_s),
            Instr::I64GeU => bin!(i64_ge_u),
            Instr::F32Eq => bin!(f32_eq),
            Instr::F32Ne => bin!(f32_ne),
            Instr::F32Lt => bin!(f32_lt),
            Instr::F32Gt => bin!(f32_gt),
            Instr::F32Le => bin!(f32_le),
            Instr::F32Ge => bin!(f32_ge),
            Instr::F64Eq => bin!(f64_eq),
            Instr::F64Ne => bin!(f64_ne),
            Instr::F64Lt => bin!(f64_lt),
            Instr::F64Gt => bin!(f64_gt),
            Instr::F64Le => bin!(f64_le),
            Instr::F64Ge => bin!(f64_ge),
            Instr::I32Clz => un!(i32_clz),
            Instr::I32Ctz => un!(i32_ctz),
            Instr::I32Popcnt => un!(i32_popcnt),
            Instr::I32Add => bin!(i32_add),
            Instr::I32Sub => bin!(i32_sub),
            Instr::I32Mul => bin!(i32_mul),
            Instr::I32DivS => bin_try!(i32_div_s),
            Instr::I32DivU => bin_try!(i32_div_u),
            Instr::I32RemS => bin_try!(i32_rem_s),
            Instr::I32RemU => bin_try!(i32_rem_u),
            Instr::I32And => bin!(i32_and),
            Instr::I32Or => bin!(i32_or),
            Instr::I32Xor => bin!(i32_xor),
            Instr::I32Shl => bin!(i32_shl),
            Instr::I32ShrS => bin!(i32_shr_s),
            Instr::I32ShrU => bin!(i32_shr_u),
            Instr::I32Rotl => bin!(i32_rotl),
            Instr::I32Rotr => bin!(i32_rotr),
            Instr::I64Clz => un!(i64_clz),
            Instr::I64Ctz => un!(i64_ctz),
            Instr::I64Popcnt => un!(i64_popcnt),
            Instr::I64Add => bin!(i64_add),
            Instr::I64Sub => bin!(i64_sub),
            Instr::I64Mul => bin!(i64_mul),
            Instr::I64DivS => bin_try!(i64_div_s),
            Instr::I64DivU => bin_try!(i64_div_u),
            Instr::I64RemS => bin_try!(i64_rem_s),
            Instr::I64RemU => bin_try!(i64_rem_u),
            Instr::I64And => bin!(i64_and),
            Instr::I64Or => bin!(i64_or),
            Instr::I64Xor => bin!(i64_xor),
            Instr::I64Shl => bin!(i64_shl),
            Instr::I64ShrS => bin!(i64_shr_s),
            Instr::I64ShrU => bin!(i64_shr_u),
            Instr::I64Rotl => bin!(i64_rotl),
            Instr::I64Rotr => bin!(i64_rotr),
            Instr::F32Abs => un!(f32_abs),
            Instr::F32Neg => un!(f32_neg),
            Instr::F32Ceil => un!(f32_ceil),
            Instr::F32Floor => un!(f32_floor),
            Instr::F32Trunc => un!(f32_trunc),
            Instr::F32Nearest => un!(f32_nearest),
            Instr::F32Sqrt => un!(f32_sqrt),
            Instr::F32Add => bin!(f32_add),
            Instr::F32Sub => bin!(f32_sub),
            Instr::F32Mul => bin!(f32_mul),
            Instr::F32Div => bin!(f32_div),
            Instr::F32Min => bin!(f32_min),
            Instr::F32Max => bin!(f32_max),
            Instr::F32Copysign => bin!(f32_copysign),
            Instr::F64Abs => un!(f64_abs),
            Instr::F64Neg => un!(f64_neg),
            Instr::F64Ceil => un!(f64_ceil),
            Instr::F64Floor => un!(f64_floor),
            Instr::F64Trunc => un!(f64_trunc),
            Instr::F64Nearest => un!(f64_nearest),
            Instr::F64Sqrt => un!(f64_sqrt),
            Instr::F64Add => bin!(f64_add),
            Instr::F64Sub => bin!(f64_sub),
            Instr::F64Mul => bin!(f64_mul),
            Instr::F64Div => bin!(f64_div),
            Instr::F64Min => bin!(f64_min),
            Instr::F64Max => bin!(f64_max),
            Instr::F64Copysign => bin!(f64_copysign),
            Instr::I32WrapI64 => un!(i32_wrap_i64),
            Instr::I32TruncF32S => un_try!(i32_trunc_f32_s),
            Instr::I32TruncF32U => un_try!(i32_trunc_f32_u),
            Instr::I32TruncF64S => un_try!(i32_trunc_f64_s),
            Instr::I32TruncF64U => un_try!(i32_trunc_f64_u),
            Instr::I64ExtendI32S => un!(i64_extend_i32_s),
            Instr::I64ExtendI32U => un!(i64_extend_i32_u),
            Instr::I64TruncF32S => un_try!(i64_trunc_f32_s),
            Instr::I64TruncF32U => un_try!(i64_trunc_f32_u),
            Instr::I64TruncF64S => un_try!(i64_trunc_f64_s),
            Instr::I64TruncF64U => un_try!(i64_trunc_f64_u),
            Instr::F32ConvertI32S => un!(f32_convert_i32_s),
            Instr::F32ConvertI32U => un!(f32_convert_i32_u),
            Instr::F32ConvertI64S => un!(f32_convert_i64_s),
            Instr::F32ConvertI64U => un!(f32_convert_i64_u),
            Instr::F32DemoteF64 => un!(f32_demote_f64),
            Instr::F64ConvertI32S => un!(f64_convert_i32_s),
            Instr::F64ConvertI32U => un!(f64_convert_i32_u),
            Instr::F64ConvertI64S => un!(f64_convert_i64_s),
            Instr::F64ConvertI64U => un!(f64_convert_i64_u),
            Instr::F64PromoteF32 => un!(f64_promote_f32),
            Instr::I32Extend8S => un!(i32_extend8_s),
            Instr::I32Extend16S => un!(i32_extend16_s),
            Instr::I64Extend8S => un!(i64_extend8_s),
            Instr::I64Extend16S => un!(i64_extend16_s),
            Instr::I64Extend32S => un!(i64_extend32_s),
        }
    }
}
