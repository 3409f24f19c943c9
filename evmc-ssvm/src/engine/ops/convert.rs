//! Conversion instruction semantics: wrap/extend, trapping float-to-int truncation,
//! int-to-float conversion, promote/demote (canonical NaN).

use super::float::{canon_f32, canon_f64};
use crate::engine::Trap;

/// `i32.wrap_i64`.
#[inline(always)]
pub fn i32_wrap_i64(a: i64) -> i32 {
    a as i32
}
/// `i64.extend_i32_s`.
#[inline(always)]
pub fn i64_extend_i32_s(a: i32) -> i64 {
    i64::from(a)
}
/// `i64.extend_i32_u`.
#[inline(always)]
pub fn i64_extend_i32_u(a: i32) -> i64 {
    i64::from(a as u32)
}

/// Checks a float (exactly widened to f64) against the open interval `(lo, hi)` after NaN.
#[inline(always)]
fn trunc_check(x: f64, lo: f64, hi: f64) -> Result<f64, Trap> {
    if x.is_nan() {
        Err(Trap::InvalidConversionToInteger)
    } else if x > lo && x < hi {
        Ok(x.trunc())
    } else {
        Err(Trap::IntegerOverflow)
    }
}

/// `i32.trunc_f32_s`.
pub fn i32_trunc_f32_s(a: f32) -> Result<i32, Trap> {
    i32_trunc_f64_s(f64::from(a))
}
/// `i32.trunc_f32_u`.
pub fn i32_trunc_f32_u(a: f32) -> Result<i32, Trap> {
    i32_trunc_f64_u(f64::from(a))
}
/// `i32.trunc_f64_s`.
pub fn i32_trunc_f64_s(a: f64) -> Result<i32, Trap> {
    trunc_check(a, -2_147_483_649.0, 2_147_483_648.0).map(|x| x as i32)
}
/// `i32.trunc_f64_u`.
pub fn i32_trunc_f64_u(a: f64) -> Result<i32, Trap> {
    trunc_check(a, -1.0, 4_294_967_296.0).map(|x| x as u32 as i32)
}
/// `i64.trunc_f32_s`.
pub fn i64_trunc_f32_s(a: f32) -> Result<i64, Trap> {
    i64_trunc_f64_s(f64::from(a))
}
/// `i64.trunc_f32_u`.
pub fn i64_trunc_f32_u(a: f32) -> Result<i64, Trap> {
    i64_trunc_f64_u(f64::from(a))
}
/// `i64.trunc_f64_s`: valid for `-2^63 <= x < 2^63` (the next f64 below -2^63 is out of range).
pub fn i64_trunc_f64_s(a: f64) -> Result<i64, Trap> {
    if a == -9_223_372_036_854_775_808.0 {
        return Ok(i64::MIN);
    }
    trunc_check(a, -9_223_372_036_854_775_808.0, 9_223_372_036_854_775_808.0).map(|x| x as i64)
}
/// `i64.trunc_f64_u`.
pub fn i64_trunc_f64_u(a: f64) -> Result<i64, Trap> {
    trunc_check(a, -1.0, 18_446_744_073_709_551_616.0).map(|x| x as u64 as i64)
}

/// `f32.convert_i32_s` (round to nearest even).
#[inline(always)]
pub fn f32_convert_i32_s(a: i32) -> f32 {
    a as f32
}
/// `f32.convert_i32_u`.
#[inline(always)]
pub fn f32_convert_i32_u(a: i32) -> f32 {
    a as u32 as f32
}
/// `f32.convert_i64_s`.
#[inline(always)]
pub fn f32_convert_i64_s(a: i64) -> f32 {
    a as f32
}
/// `f32.convert_i64_u`.
#[inline(always)]
pub fn f32_convert_i64_u(a: i64) -> f32 {
    a as u64 as f32
}
/// `f64.convert_i32_s`.
#[inline(always)]
pub fn f64_convert_i32_s(a: i32) -> f64 {
    f64::from(a)
}
/// `f64.convert_i32_u`.
#[inline(always)]
pub fn f64_convert_i32_u(a: i32) -> f64 {
    f64::from(a as u32)
}
/// `f64.convert_i64_s`.
#[inline(always)]
pub fn f64_convert_i64_s(a: i64) -> f64 {
    a as f64
}
/// `f64.convert_i64_u`.
#[inline(always)]
pub fn f64_convert_i64_u(a: i64) -> f64 {
    a as u64 as f64
}
/// The saturating truncations (Wasm 2.0, non-trapping float-to-int): NaN is 0, values
/// beyond the range clamp to its ends. Rust's float-to-integer `as` is defined exactly so.
macro_rules! trunc_sat {
    ($($name:ident: $from:ty => $via:ty as $to:ty, $doc:literal;)*) => {$(
        #[doc = $doc]
        #[inline(always)]
        pub fn $name(a: $from) -> $to {
            a as $via as $to
        }
    )*};
}

trunc_sat! {
    i32_trunc_sat_f32_s: f32 => i32 as i32, "`i32.trunc_sat_f32_s`.";
    i32_trunc_sat_f32_u: f32 => u32 as i32, "`i32.trunc_sat_f32_u`.";
    i32_trunc_sat_f64_s: f64 => i32 as i32, "`i32.trunc_sat_f64_s`.";
    i32_trunc_sat_f64_u: f64 => u32 as i32, "`i32.trunc_sat_f64_u`.";
    i64_trunc_sat_f32_s: f32 => i64 as i64, "`i64.trunc_sat_f32_s`.";
    i64_trunc_sat_f32_u: f32 => u64 as i64, "`i64.trunc_sat_f32_u`.";
    i64_trunc_sat_f64_s: f64 => i64 as i64, "`i64.trunc_sat_f64_s`.";
    i64_trunc_sat_f64_u: f64 => u64 as i64, "`i64.trunc_sat_f64_u`.";
}

/// `f32.demote_f64` (canonical NaN).
#[inline(always)]
pub fn f32_demote_f64(a: f64) -> f32 {
    canon_f32(a as f32)
}
/// `f64.promote_f32` (canonical NaN).
#[inline(always)]
pub fn f64_promote_f32(a: f32) -> f64 {
    canon_f64(f64::from(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_bounds() {
        assert_eq!(i32_trunc_f32_s(-2_147_483_648.0), Ok(i32::MIN));
        assert_eq!(i32_trunc_f32_s(2_147_483_648.0), Err(Trap::IntegerOverflow));
        assert_eq!(i32_trunc_f64_s(-2_147_483_648.9), Ok(i32::MIN));
        assert_eq!(
            i32_trunc_f64_s(-2_147_483_649.0),
            Err(Trap::IntegerOverflow)
        );
        assert_eq!(i32_trunc_f64_u(-0.9), Ok(0));
        assert_eq!(i32_trunc_f64_u(4_294_967_295.9), Ok(-1));
        assert_eq!(i64_trunc_f64_s(-9_223_372_036_854_775_808.0), Ok(i64::MIN));
        assert_eq!(
            i64_trunc_f64_u(18_446_744_073_709_551_616.0),
            Err(Trap::IntegerOverflow)
        );
        assert_eq!(
            i64_trunc_f32_u(f32::NAN),
            Err(Trap::InvalidConversionToInteger)
        );
    }

    #[test]
    fn conversions_round_to_nearest_even() {
        // 2^24 + 1 is not representable in f32; ties go to even (2^24).
        assert_eq!(f32_convert_i32_s(16_777_217), 16_777_216.0);
        assert_eq!(f32_convert_i64_u(-1), 18_446_744_073_709_551_616.0);
        assert_eq!(f64_convert_i32_u(-1), 4_294_967_295.0);
        assert_eq!(f32_demote_f64(f64::NAN).to_bits(), 0x7fc0_0000);
        assert_eq!(i64_extend_i32_u(-1), 0xffff_ffff);
    }
}
