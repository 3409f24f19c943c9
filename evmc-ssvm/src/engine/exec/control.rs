//! Control handlers: branches (plain, carrying a value, conditional, compare-and-branch,
//! tables), returns, `unreachable` and metering charges.
//!
//! A branch's handler is chosen at encoding by its direction ([`Mode`]): a backward
//! branch (a loop iteration) takes one step of the step budget, and with metering on it
//! charges its loop's `ChargeGas` and continues after it, saving a dispatch per iteration.
//!
//! Word operands: `c` = relative offset in bytes; `a`, `b` = condition or compared slots (`b`
//! an i16 immediate in the `Imm` forms; a wider immediate is the value of a data word after
//! the branch), either of which may be the accumulator instead; `BrCopy` `a` = destination,
//! `b` = source.

use super::frame::Fp;
use super::word::{
    acc_field, event_to, goto, instance, next, step_to, Done, Handler, Ip, Mem, Word,
};
use super::Exec;
use crate::engine::isa::Instr;
use crate::engine::ops::int::*;
use crate::engine::ops::{FromImm, Raw};
use crate::engine::trap::Trap;

/// How a branch is taken: forward, forward over a checkpoint, backward, or backward onto
/// a loop's `ChargeGas`.
pub(super) type Mode = u8;
/// A forward branch within a checkpoint span (no event).
pub(super) const FORWARD: Mode = 0;
/// A forward branch over a checkpoint word (an event).
pub(super) const FORWARD_EVENT: Mode = 1;
/// A backward branch (one step; an event).
pub(super) const BACK: Mode = 2;
/// A backward branch onto a `ChargeGas` (one step, and the charge; an event).
pub(super) const BACK_CHARGE: Mode = 3;

/// Takes a branch `offset` bytes from `ip`.
#[inline(always)]
fn jump<const M: Mode>(ip: Ip, offset: u32, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let mut target = ip.byte_offset(offset);
    match M {
        FORWARD => goto(target, fp, mem, ex, acc),
        FORWARD_EVENT => event_to(target, fp, mem, ex, acc),
        _ => {
            if M == BACK_CHARGE {
                if !ex.charge(i64::from(target.word().c)) {
                    return ex.trap(Trap::OutOfGas);
                }
                target = target.next();
            }
            step_to(target, fp, mem, ex, acc)
        }
    }
}

/// `br`.
fn br<const M: Mode>(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    jump::<M>(ip, ip.word().c, fp, mem, ex, acc)
}

/// `br` carrying one value: `a = b`, then the jump.
fn br_copy<const M: Mode>(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    fp.set(w.a, fp.get(w.b));
    jump::<M>(ip, w.c, fp, mem, ex, acc)
}

macro_rules! br_if {
    ($($name:ident: $cond:expr),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($name), "`: jump if the condition in `a` (`C`: in ")]
            #[doc = "the accumulator) holds."]
            #[allow(non_snake_case)]
            fn $name<const M: Mode, const C: bool>(
                ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64,
            ) -> Done {
                let w = ip.word();
                let cond: fn(u64) -> bool = $cond;
                if cond(fp.operand::<C>(w.a, acc)) {
                    return jump::<M>(ip, w.c, fp, mem, ex, acc);
                }
                next(ip, fp, mem, ex, acc)
            }
        )*
    };
}

br_if! {
    BrIfNez: |v| v as u32 != 0,
    BrIfEqz: |v| v as u32 == 0,
    BrIfI64Nez: |v| v != 0,
    BrIfI64Eqz: |v| v == 0,
}

macro_rules! br_cmp {
    (
        slots { $($name:ident => $f:ident),* $(,)? }
        imm { $($iname:ident => $if:ident),* $(,)? }
    ) => {
        $(
            #[doc = concat!("Jump if `", stringify!($f), "(a, b)`; `L`/`R`: an operand in the ")]
            #[doc = "accumulator."]
            #[allow(non_snake_case)]
            fn $name<const M: Mode, const L: bool, const R: bool>(
                ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64,
            ) -> Done {
                let w = ip.word();
                let lhs = Raw::from_raw(fp.operand::<L>(w.a, acc));
                if $f(lhs, Raw::from_raw(fp.operand::<R>(w.b, acc))) {
                    return jump::<M>(ip, w.c, fp, mem, ex, acc);
                }
                next(ip, fp, mem, ex, acc)
            }
        )*
        $(
            #[doc = concat!("Jump if `", stringify!($if), "(a, imm)`; the immediate is `b` ")]
            #[doc = "sign-extended, or (`WIDE`) the value of the data word after it; `L`: the "]
            #[doc = "operand in the accumulator."]
            #[allow(non_snake_case)]
            fn $iname<const M: Mode, const L: bool, const WIDE: bool>(
                ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64,
            ) -> Done {
                let w = ip.word();
                let (imm, last) = if WIDE {
                    (ip.next().word().value() as i64, ip.next())
                } else {
                    (i64::from(w.b as i16), ip)
                };
                if $if(Raw::from_raw(fp.operand::<L>(w.a, acc)), FromImm::from_imm(imm)) {
                    return jump::<M>(ip, w.c, fp, mem, ex, acc);
                }
                next(last, fp, mem, ex, acc)
            }
        )*

        /// Appends the words of a compare-and-branch taken in mode `m`; `false` for any
        /// other instruction.
        fn encode_cmp(instr: &Instr, m: Mode, out: &mut Vec<Word>) -> bool {
            let word = match *instr {
                $( Instr::$name { lhs, rhs, offset } => {
                    let ((l, lhs), (r, rhs)) = (acc_field(lhs), acc_field(rhs));
                    Word::new(by_mode!($name, m, l, r), lhs, rhs, offset as u32)
                } )*
                $( Instr::$iname { lhs, imm, offset } => {
                    let (l, lhs) = acc_field(lhs);
                    match i16::try_from(imm) {
                        Ok(imm) => {
                            let h = by_mode!($iname, m, l, false);
                            Word::new(h, lhs, imm as u16, offset as u32)
                        }
                        Err(_) => {
                            let h = by_mode!($iname, m, l, true);
                            out.push(Word::new(h, lhs, 0, offset as u32));
                            Word::data(imm as u64)
                        }
                    }
                } )*
                _ => return false,
            };
            out.push(word);
            true
        }
    };
}

/// The instance of branch handler `$h` for mode `$m` and the runtime flags `$b`.
macro_rules! by_mode {
    ($h:ident, $m:expr $(, $b:expr)*) => {
        match $m {
            FORWARD => instance!($h; [FORWARD]; $($b),*),
            FORWARD_EVENT => instance!($h; [FORWARD_EVENT]; $($b),*),
            BACK => instance!($h; [BACK]; $($b),*),
            _ => instance!($h; [BACK_CHARGE]; $($b),*),
        }
    };
}

br_cmp! {
    slots {
        BrIfI32Eq => i32_eq, BrIfI32Ne => i32_ne, BrIfI32LtS => i32_lt_s, BrIfI32LtU => i32_lt_u,
        BrIfI32GtS => i32_gt_s, BrIfI32GtU => i32_gt_u, BrIfI32LeS => i32_le_s,
        BrIfI32LeU => i32_le_u, BrIfI32GeS => i32_ge_s, BrIfI32GeU => i32_ge_u,
        BrIfI64Eq => i64_eq, BrIfI64Ne => i64_ne, BrIfI64LtS => i64_lt_s, BrIfI64LtU => i64_lt_u,
        BrIfI64GtS => i64_gt_s, BrIfI64GtU => i64_gt_u, BrIfI64LeS => i64_le_s,
        BrIfI64LeU => i64_le_u, BrIfI64GeS => i64_ge_s, BrIfI64GeU => i64_ge_u,
    }
    imm {
        BrIfI32EqImm => i32_eq, BrIfI32NeImm => i32_ne, BrIfI32LtSImm => i32_lt_s,
        BrIfI32LtUImm => i32_lt_u, BrIfI32GtSImm => i32_gt_s, BrIfI32GtUImm => i32_gt_u,
        BrIfI32LeSImm => i32_le_s, BrIfI32LeUImm => i32_le_u, BrIfI32GeSImm => i32_ge_s,
        BrIfI32GeUImm => i32_ge_u,
        BrIfI64EqImm => i64_eq, BrIfI64NeImm => i64_ne, BrIfI64LtSImm => i64_lt_s,
        BrIfI64LtUImm => i64_lt_u, BrIfI64GtSImm => i64_gt_s, BrIfI64GtUImm => i64_gt_u,
        BrIfI64LeSImm => i64_le_s, BrIfI64LeUImm => i64_le_u, BrIfI64GeSImm => i64_ge_s,
        BrIfI64GeUImm => i64_ge_u,
    }
}

/// The `a` and `b` of a plain forward `br` word (a `br_table` entry it can follow
/// directly); no other branch word has both (a `BrCopy` never copies a slot to itself).
const PLAIN: u16 = u16::MAX;

/// `br_table`: the entry `min(a, c)` of the `c + 1` branch words that follow; a plain
/// forward `br` entry is taken right here, saving its dispatch. The table is an event, so
/// its forward entries never are (see `encode`).
fn br_table(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let i = (fp.get(w.a) as u32).min(w.c);
    let entry = ip.offset(1 + i as i32);
    let e = entry.word();
    if e.a == PLAIN && e.b == PLAIN {
        return event_to(entry.byte_offset(e.c), fp, mem, ex, acc);
    }
    event_to(entry, fp, mem, ex, acc)
}

/// A checkpoint word (an event; see `word`).
pub(super) fn checkpoint(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    event_to(ip.next(), fp, mem, ex, acc)
}

/// `unreachable` (and any data word reached by mistake).
pub(super) fn unreachable(_: Ip, _: Fp, _: Mem, ex: &mut Exec<'_>, _: u64) -> Done {
    ex.trap(Trap::Unreachable)
}

/// The body of a function whose translation failed (see `code`).
pub(super) fn translation_failed(_: Ip, _: Fp, _: Mem, ex: &mut Exec<'_>, _: u64) -> Done {
    ex.trap(Trap::TranslationFailed)
}

/// A metered block's entry: charge `c`.
fn charge_gas(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    if !ex.charge(i64::from(ip.word().c)) {
        return ex.trap(Trap::OutOfGas);
    }
    next(ip, fp, mem, ex, acc)
}

/// Returns `n` results (at `fp[0..n]`) to the caller, or ends the run.
#[inline(always)]
fn ret(fp: Fp, mem: Mem, ex: &mut Exec<'_>, n: usize, acc: u64) -> Done {
    let _ = fp;
    let Some(caller) = ex.frames.pop() else {
        ex.results = n;
        return Done::Return;
    };
    let fp = ex.frame_at(caller.fp);
    let mem = if caller.inst as usize == ex.cur {
        mem
    } else {
        ex.switch_to(caller.inst as usize)
    };
    event_to(caller.ret, fp, mem, ex, acc)
}

/// `return` without results.
fn return0(_: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    ret(fp, mem, ex, 0, acc)
}

/// `return` of the value in `a`.
fn return1(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    fp.set(0, fp.get(ip.word().a));
    ret(fp, mem, ex, 1, acc)
}

/// `return` of the `c` values from `a`.
fn return_span(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    fp.copy(0, w.a, w.c as usize);
    ret(fp, mem, ex, w.c as usize, acc)
}

/// Appends the words of a control instruction (a branch taken in mode `m`, its offset
/// already in bytes): `Some(true)` for a branch, `Some(false)` for another control
/// instruction, `None` for any other.
pub(super) fn encode(instr: &Instr, m: Mode, out: &mut Vec<Word>) -> Option<bool> {
    let branch =
        |h: Handler, a: u32, b: u32, offset: i32| Word::new(h, a as u16, b as u16, offset as u32);
    let word = match *instr {
        Instr::Unreachable => Word::new(unreachable, 0, 0, 0),
        Instr::ChargeGas { amount } => Word::new(charge_gas, 0, 0, amount),
        Instr::Br { offset } if m == FORWARD => {
            Word::new(br::<FORWARD>, PLAIN, PLAIN, offset as u32)
        }
        Instr::Br { offset } => branch(by_mode!(br, m), 0, 0, offset),
        Instr::BrCopy { dst, src, offset } => branch(by_mode!(br_copy, m), dst, src, offset),
        Instr::BrIfNez { cond, offset } => {
            let (c, cond) = acc_field(cond);
            branch(by_mode!(BrIfNez, m, c), u32::from(cond), 0, offset)
        }
        Instr::BrIfEqz { cond, offset } => {
            let (c, cond) = acc_field(cond);
            branch(by_mode!(BrIfEqz, m, c), u32::from(cond), 0, offset)
        }
        Instr::BrIfI64Nez { cond, offset } => {
            let (c, cond) = acc_field(cond);
            branch(by_mode!(BrIfI64Nez, m, c), u32::from(cond), 0, offset)
        }
        Instr::BrIfI64Eqz { cond, offset } => {
            let (c, cond) = acc_field(cond);
            branch(by_mode!(BrIfI64Eqz, m, c), u32::from(cond), 0, offset)
        }
        Instr::BrTable { index, len } => {
            out.push(Word::new(br_table, index as u16, 0, len));
            return Some(false);
        }
        Instr::Return => Word::new(return0, 0, 0, 0),
        Instr::Return1 { src } => Word::new(return1, src as u16, 0, 0),
        Instr::ReturnSpan { src, len } => Word::new(return_span, src as u16, 0, len),
        _ => return encode_cmp(instr, m, out).then_some(true),
    };
    out.push(word);
    Some(!matches!(
        instr,
        Instr::Unreachable
            | Instr::ChargeGas { .. }
            | Instr::Return
            | Instr::Return1 { .. }
            | Instr::ReturnSpan { .. }
    ))
}
