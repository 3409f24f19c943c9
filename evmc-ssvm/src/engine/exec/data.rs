//! Data handlers: slot copies, constants, `select`, globals and bignum call sites.
//!
//! Word operands: `a` = destination (`GlobalSet`: source), `b` = source or condition, `c` =
//! a source slot, a 32-bit constant, an index into the instance's globals or the module's
//! bignum call sites, or a count.

use super::control::unreachable;
use super::frame::Fp;
use super::word::{next, Done, Handler, Ip, Mem, Word};
use super::Exec;
use crate::engine::bignum::{self, BigOp};
use crate::engine::isa::Instr;
use crate::engine::trap::Trap;

/// `a = b`.
fn copy(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    fp.set(w.a, fp.get(w.b));
    next(ip, fp, mem, ex, acc)
}

/// `a.. = b..` for `c` slots (memmove).
fn copy_span(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    fp.copy(w.a, w.b, w.c as usize);
    next(ip, fp, mem, ex, acc)
}

/// `a = c` zero-extended (i32 and f32 constants, small i64 constants).
fn const_u32(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    fp.set(w.a, u64::from(w.c));
    next(ip, fp, mem, ex, acc)
}

/// `a = c` sign-extended (negative small i64 constants).
fn const_i32(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    fp.set(w.a, w.c as i32 as i64 as u64);
    next(ip, fp, mem, ex, acc)
}

/// `a = ` the value of the data word after this one (other 64-bit constants).
fn const64(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    fp.set(w.a, ip.next().word().value());
    next(ip.next(), fp, mem, ex, acc)
}

/// `select`: `a = if b != 0 { c } else { data.a }`; a data word follows.
fn select(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let other = ip.next().word().a;
    let v = if fp.get(w.b) as u32 != 0 {
        fp.get(w.c as u16)
    } else {
        fp.get(other)
    };
    fp.set(w.a, v);
    next(ip.next(), fp, mem, ex, acc)
}

/// `a = global c`.
fn global_get(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let addr = ex.inst.globals[w.c as usize];
    fp.set(w.a, ex.globals[addr as usize].value);
    next(ip, fp, mem, ex, acc)
}

/// `global c = a`.
fn global_set(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let addr = ex.inst.globals[w.c as usize];
    ex.globals[addr as usize].value = fp.get(w.a);
    next(ip, fp, mem, ex, acc)
}

/// Bignum call site `c` of the module, whose operation is `BigOp::ALL[OP]` (one handler
/// per operation and metering: the operation's `match` folds away); a comparison's result
/// goes to `a`.
fn bignum<const OP: usize, const METERED: bool>(
    ip: Ip,
    fp: Fp,
    mem: Mem,
    ex: &mut Exec<'_>,
    acc: u64,
) -> Done {
    let w = ip.word();
    // Set before the body that names it was published (see `code`).
    let Some(call) = ex.bigcalls[w.c as usize].get() else {
        return ex.trap(Trap::TranslationFailed);
    };
    let op = BigOp::ALL[OP];
    let ptrs = call.pointers(|s| fp.get(s as u16));
    let bytes = mem.bytes();
    if METERED {
        let cost = bignum::gas(&call.intr, bytes, &ptrs);
        if !ex.charge(i64::try_from(cost).unwrap_or(i64::MAX)) {
            return ex.trap(Trap::OutOfGas);
        }
    }
    match bignum::exec(op, bytes, &ptrs) {
        Ok(Some(v)) => fp.set(w.a, u64::from(v)),
        Ok(None) => {
            if let Some(k) = op.result_pointer() {
                ex.dirty.mark(ptrs[k] as usize, 32);
            }
        }
        Err(t) => return ex.trap(t),
    }
    next(ip, fp, mem, ex, acc)
}

/// The bignum handler of `op`, with or without metering.
fn bignum_handler(op: BigOp, metered: bool) -> Handler {
    macro_rules! by_op {
        ($($i:literal)*) => {
            match (BigOp::ALL.iter().position(|o| *o == op), metered) {
                $( (Some($i), false) => bignum::<$i, false>, (Some($i), true) => bignum::<$i, true>, )*
                _ => unreachable,
            }
        };
    }
    by_op!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26)
}

/// Appends the words of a data instruction; `false` for any other. A constant that fits
/// no 32-bit immediate takes a data word.
pub(super) fn encode(instr: &Instr, out: &mut Vec<Word>) -> bool {
    let slot = |s: u32| s as u16;
    let word = match *instr {
        Instr::Copy { dst, src } => Word::new(copy, slot(dst), slot(src), 0),
        Instr::CopySpan { dst, src, len } => Word::new(copy_span, slot(dst), slot(src), len),
        Instr::Const { dst, value } => {
            if let Ok(v) = u32::try_from(value) {
                Word::new(const_u32, slot(dst), 0, v)
            } else if let Ok(v) = i32::try_from(value as i64) {
                Word::new(const_i32, slot(dst), 0, v as u32)
            } else {
                out.push(Word::new(const64, slot(dst), 0, 0));
                Word::data(value)
            }
        }
        Instr::Select { dst, cond, lhs } => Word::new(select, slot(dst), slot(cond), lhs),
        Instr::Args { a, b } => Word::new(unreachable, slot(a), 0, b),
        Instr::GlobalGet { dst, index } => Word::new(global_get, slot(dst), 0, index),
        Instr::GlobalSet { index, src } => Word::new(global_set, slot(src), 0, index),
        Instr::Bignum {
            site,
            dst,
            op,
            metered,
        } => Word::new(bignum_handler(op, metered), slot(dst), 0, site),
        _ => return false,
    };
    out.push(word);
    true
}
