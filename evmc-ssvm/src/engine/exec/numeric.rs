//! Numeric handlers of the interpreter: read typed operands from frame slots (or an
//! immediate), apply the pure semantics of `ops`, write the raw result.

use super::frame::Fp;
use crate::engine::isa::Slot;
use crate::engine::ops::{FromImm, Raw};
use crate::engine::trap::Trap;

/// `fp[dst] = f(fp[src])`.
#[inline(always)]
pub(super) fn un<A: Raw, R: Raw>(fp: Fp, dst: Slot, src: Slot, f: impl FnOnce(A) -> R) {
    fp.set(dst, f(A::from_raw(fp.get(src))).into_raw());
}

/// `fp[dst] = f(fp[src])?`.
#[inline(always)]
pub(super) fn un_try<A: Raw, R: Raw>(
    fp: Fp,
    dst: Slot,
    src: Slot,
    f: impl FnOnce(A) -> Result<R, Trap>,
) -> Result<(), Trap> {
    fp.set(dst, f(A::from_raw(fp.get(src)))?.into_raw());
    Ok(())
}

/// `fp[dst] = f(fp[lhs], fp[rhs])`.
#[inline(always)]
pub(super) fn bin<A: Raw, B: Raw, R: Raw>(
    fp: Fp,
    dst: Slot,
    lhs: Slot,
    rhs: Slot,
    f: impl FnOnce(A, B) -> R,
) {
    let v = f(A::from_raw(fp.get(lhs)), B::from_raw(fp.get(rhs)));
    fp.set(dst, v.into_raw());
}

/// `fp[dst] = f(fp[lhs], fp[rhs])?`.
#[inline(always)]
pub(super) fn bin_try<A: Raw, B: Raw, R: Raw>(
    fp: Fp,
    dst: Slot,
    lhs: Slot,
    rhs: Slot,
    f: impl FnOnce(A, B) -> Result<R, Trap>,
) -> Result<(), Trap> {
    let v = f(A::from_raw(fp.get(lhs)), B::from_raw(fp.get(rhs)))?;
    fp.set(dst, v.into_raw());
    Ok(())
}

/// `fp[dst] = f(fp[lhs], imm)`.
#[inline(always)]
pub(super) fn bin_imm<A: Raw, B: FromImm, R: Raw>(
    fp: Fp,
    dst: Slot,
    lhs: Slot,
    imm: i32,
    f: impl FnOnce(A, B) -> R,
) {
    let v = f(A::from_raw(fp.get(lhs)), B::from_imm(imm));
    fp.set(dst, v.into_raw());
}

/// `f(fp[lhs], fp[rhs])` for a compare-and-branch.
#[inline(always)]
pub(super) fn cmp<A: Raw, B: Raw>(
    fp: Fp,
    lhs: Slot,
    rhs: Slot,
    f: impl FnOnce(A, B) -> bool,
) -> bool {
    f(A::from_raw(fp.get(lhs)), B::from_raw(fp.get(rhs)))
}

/// `f(fp[lhs], imm)` for a compare-and-branch with an immediate.
#[inline(always)]
pub(super) fn cmp_imm<A: Raw, B: FromImm>(
    fp: Fp,
    lhs: Slot,
    imm: i32,
    f: impl FnOnce(A, B) -> bool,
) -> bool {
    f(A::from_raw(fp.get(lhs)), B::from_imm(imm))
}
