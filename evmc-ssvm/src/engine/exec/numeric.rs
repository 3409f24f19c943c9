//! Numeric handlers: read typed operands from frame slots, the accumulator or an
//! immediate, apply the pure semantics of `ops`, write the raw result to a slot or the
//! accumulator. One table maps each numeric instruction to its semantics; it generates the
//! handlers (one instance per place of operands and result) and their encoding.

use super::frame::Fp;
use super::word::{acc_field as acc, instance, next, Done, Ip, Mem, Word};
use super::Exec;
use crate::engine::isa::Instr;
use crate::engine::ops::convert::*;
use crate::engine::ops::float::*;
use crate::engine::ops::int::*;
use crate::engine::ops::{FromImm, Raw};

macro_rules! numeric {
    (
        unary { $($un:ident => $unf:ident),* $(,)? }
        unary_try { $($ut:ident => $utf:ident),* $(,)? }
        binary { $($bin:ident => $binf:ident),* $(,)? }
        binary_try { $($bt:ident => $btf:ident),* $(,)? }
        imm { $($imm:ident => $immf:ident),* $(,)? }
    ) => {
        $(
            #[doc = concat!("`", stringify!($un), "`: `a = f(b)`; `S`/`D`: operand/result in ")]
            #[doc = "the accumulator."]
            #[allow(non_snake_case)]
            fn $un<const S: bool, const D: bool>(
                ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64,
            ) -> Done {
                let w = ip.word();
                let v = Raw::into_raw($unf(Raw::from_raw(fp.operand::<S>(w.b, acc))));
                let acc = fp.result::<D>(w.a, acc, v);
                next(ip, fp, mem, ex, acc)
            }
        )*
        $(
            #[doc = concat!("`", stringify!($ut), "`: `a = f(b)`, or its trap.")]
            #[allow(non_snake_case)]
            fn $ut<const S: bool, const D: bool>(
                ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64,
            ) -> Done {
                let w = ip.word();
                let v = match $utf(Raw::from_raw(fp.operand::<S>(w.b, acc))) {
                    Ok(v) => Raw::into_raw(v),
                    Err(t) => return ex.trap(t),
                };
                let acc = fp.result::<D>(w.a, acc, v);
                next(ip, fp, mem, ex, acc)
            }
        )*
        $(
            #[doc = concat!("`", stringify!($bin), "`: `a = f(b, c)`; `L`/`R`/`D`: left or ")]
            #[doc = "right operand or the result in the accumulator."]
            #[allow(non_snake_case)]
            fn $bin<const L: bool, const R: bool, const D: bool>(
                ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64,
            ) -> Done {
                let w = ip.word();
                let lhs = Raw::from_raw(fp.operand::<L>(w.b, acc));
                let rhs = Raw::from_raw(fp.operand::<R>(w.c as u16, acc));
                let acc = fp.result::<D>(w.a, acc, Raw::into_raw($binf(lhs, rhs)));
                next(ip, fp, mem, ex, acc)
            }
        )*
        $(
            #[doc = concat!("`", stringify!($bt), "`: `a = f(b, c)`, or its trap.")]
            #[allow(non_snake_case)]
            fn $bt<const L: bool, const R: bool, const D: bool>(
                ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64,
            ) -> Done {
                let w = ip.word();
                let lhs = Raw::from_raw(fp.operand::<L>(w.b, acc));
                let rhs = Raw::from_raw(fp.operand::<R>(w.c as u16, acc));
                let v = match $btf(lhs, rhs) {
                    Ok(v) => Raw::into_raw(v),
                    Err(t) => return ex.trap(t),
                };
                let acc = fp.result::<D>(w.a, acc, v);
                next(ip, fp, mem, ex, acc)
            }
        )*
        $(
            #[doc = concat!("`", stringify!($imm), "`: `a = f(b, imm)`; the immediate is `c` ")]
            #[doc = "sign-extended, or (`WIDE`) the value of the data word after it."]
            #[allow(non_snake_case)]
            fn $imm<const L: bool, const D: bool, const WIDE: bool>(
                ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64,
            ) -> Done {
                let w = ip.word();
                let (imm, last) = if WIDE {
                    (ip.next().word().value() as i64, ip.next())
                } else {
                    (i64::from(w.c as i32), ip)
                };
                let v = $immf(Raw::from_raw(fp.operand::<L>(w.b, acc)), FromImm::from_imm(imm));
                let acc = fp.result::<D>(w.a, acc, Raw::into_raw(v));
                next(last, fp, mem, ex, acc)
            }
        )*

        /// Appends the words of a numeric instruction (slots fit 16 bits: the translator
        /// bounds the frame size); `false` for any other instruction.
        pub(super) fn encode(instr: &Instr, out: &mut Vec<Word>) -> bool {
            let word = match *instr {
                $( Instr::$un { dst, src } => {
                    let ((s, src), (d, dst)) = (acc(src), acc(dst));
                    Word::new(instance!($un; []; s, d), dst, src, 0)
                } )*
                $( Instr::$ut { dst, src } => {
                    let ((s, src), (d, dst)) = (acc(src), acc(dst));
                    Word::new(instance!($ut; []; s, d), dst, src, 0)
                } )*
                $( Instr::$bin { dst, lhs, rhs } => {
                    let ((l, lhs), (r, rhs), (d, dst)) = (acc(lhs), acc(rhs), acc(dst));
                    Word::new(instance!($bin; []; l, r, d), dst, lhs, u32::from(rhs))
                } )*
                $( Instr::$bt { dst, lhs, rhs } => {
                    let ((l, lhs), (r, rhs), (d, dst)) = (acc(lhs), acc(rhs), acc(dst));
                    Word::new(instance!($bt; []; l, r, d), dst, lhs, u32::from(rhs))
                } )*
                $( Instr::$imm { dst, lhs, imm } => {
                    let ((l, lhs), (d, dst)) = (acc(lhs), acc(dst));
                    match i32::try_from(imm) {
                        Ok(imm) => Word::new(instance!($imm; []; l, d, false), dst, lhs, imm as u32),
                        Err(_) => {
                            out.push(Word::new(instance!($imm; []; l, d, true), dst, lhs, 0));
                            Word::data(imm as u64)
                        }
                    }
                } )*
                _ => return false,
            };
            out.push(word);
            true
        }

        /// Every instruction of the table, for the completeness test.
        #[cfg(test)]
        pub(super) const NAMES: &[&str] = &[
            $(stringify!($un),)* $(stringify!($ut),)* $(stringify!($bin),)*
            $(stringify!($bt),)* $(stringify!($imm),)*
        ];
    };
}

numeric! {
    unary {
        I32Eqz => i32_eqz, I64Eqz => i64_eqz,
        I32Clz => i32_clz, I32Ctz => i32_ctz, I32Popcnt => i32_popcnt,
        I64Clz => i64_clz, I64Ctz => i64_ctz, I64Popcnt => i64_popcnt,
        F32Abs => f32_abs, F32Neg => f32_neg, F32Ceil => f32_ceil, F32Floor => f32_floor,
        F32Trunc => f32_trunc, F32Nearest => f32_nearest, F32Sqrt => f32_sqrt,
        F64Abs => f64_abs, F64Neg => f64_neg, F64Ceil => f64_ceil, F64Floor => f64_floor,
        F64Trunc => f64_trunc, F64Nearest => f64_nearest, F64Sqrt => f64_sqrt,
        I32WrapI64 => i32_wrap_i64, I64ExtendI32S => i64_extend_i32_s,
        F32ConvertI32S => f32_convert_i32_s, F32ConvertI32U => f32_convert_i32_u,
        F32ConvertI64S => f32_convert_i64_s, F32ConvertI64U => f32_convert_i64_u,
        F32DemoteF64 => f32_demote_f64,
        F64ConvertI32S => f64_convert_i32_s, F64ConvertI32U => f64_convert_i32_u,
        F64ConvertI64S => f64_convert_i64_s, F64ConvertI64U => f64_convert_i64_u,
        F64PromoteF32 => f64_promote_f32,
        I32Extend8S => i32_extend8_s, I32Extend16S => i32_extend16_s,
        I64Extend8S => i64_extend8_s, I64Extend16S => i64_extend16_s,
        I64Extend32S => i64_extend32_s,
        I32TruncSatF32S => i32_trunc_sat_f32_s, I32TruncSatF32U => i32_trunc_sat_f32_u,
        I32TruncSatF64S => i32_trunc_sat_f64_s, I32TruncSatF64U => i32_trunc_sat_f64_u,
        I64TruncSatF32S => i64_trunc_sat_f32_s, I64TruncSatF32U => i64_trunc_sat_f32_u,
        I64TruncSatF64S => i64_trunc_sat_f64_s, I64TruncSatF64U => i64_trunc_sat_f64_u,
    }
    unary_try {
        I32TruncF32S => i32_trunc_f32_s, I32TruncF32U => i32_trunc_f32_u,
        I32TruncF64S => i32_trunc_f64_s, I32TruncF64U => i32_trunc_f64_u,
        I64TruncF32S => i64_trunc_f32_s, I64TruncF32U => i64_trunc_f32_u,
        I64TruncF64S => i64_trunc_f64_s, I64TruncF64U => i64_trunc_f64_u,
    }
    binary {
        I32Add => i32_add, I32Sub => i32_sub, I32Mul => i32_mul,
        I32And => i32_and, I32Or => i32_or, I32Xor => i32_xor,
        I32Shl => i32_shl, I32ShrS => i32_shr_s, I32ShrU => i32_shr_u,
        I32Rotl => i32_rotl, I32Rotr => i32_rotr,
        I64Add => i64_add, I64Sub => i64_sub, I64Mul => i64_mul,
        I64And => i64_and, I64Or => i64_or, I64Xor => i64_xor,
        I64Shl => i64_shl, I64ShrS => i64_shr_s, I64ShrU => i64_shr_u,
        I64Rotl => i64_rotl, I64Rotr => i64_rotr,
        F32Eq => f32_eq, F32Ne => f32_ne, F32Lt => f32_lt, F32Gt => f32_gt,
        F32Le => f32_le, F32Ge => f32_ge,
        F64Eq => f64_eq, F64Ne => f64_ne, F64Lt => f64_lt, F64Gt => f64_gt,
        F64Le => f64_le, F64Ge => f64_ge,
        F32Add => f32_add, F32Sub => f32_sub, F32Mul => f32_mul, F32Div => f32_div,
        F32Min => f32_min, F32Max => f32_max, F32Copysign => f32_copysign,
        F64Add => f64_add, F64Sub => f64_sub, F64Mul => f64_mul, F64Div => f64_div,
        F64Min => f64_min, F64Max => f64_max, F64Copysign => f64_copysign,
        I32Eq => i32_eq, I32Ne => i32_ne, I32LtS => i32_lt_s, I32LtU => i32_lt_u,
        I32GtS => i32_gt_s, I32GtU => i32_gt_u, I32LeS => i32_le_s, I32LeU => i32_le_u,
        I32GeS => i32_ge_s, I32GeU => i32_ge_u,
        I64Eq => i64_eq, I64Ne => i64_ne, I64LtS => i64_lt_s, I64LtU => i64_lt_u,
        I64GtS => i64_gt_s, I64GtU => i64_gt_u, I64LeS => i64_le_s, I64LeU => i64_le_u,
        I64GeS => i64_ge_s, I64GeU => i64_ge_u,
    }
    binary_try {
        I32DivS => i32_div_s, I32DivU => i32_div_u, I32RemS => i32_rem_s, I32RemU => i32_rem_u,
        I64DivS => i64_div_s, I64DivU => i64_div_u, I64RemS => i64_rem_s, I64RemU => i64_rem_u,
    }
    imm {
        I32AddImm => i32_add, I32MulImm => i32_mul, I32AndImm => i32_and, I32OrImm => i32_or,
        I32XorImm => i32_xor, I32ShlImm => i32_shl, I32ShrSImm => i32_shr_s,
        I32ShrUImm => i32_shr_u, I32RotlImm => i32_rotl, I32RotrImm => i32_rotr,
        I64AddImm => i64_add, I64MulImm => i64_mul, I64AndImm => i64_and, I64OrImm => i64_or,
        I64XorImm => i64_xor, I64ShlImm => i64_shl, I64ShrSImm => i64_shr_s,
        I64ShrUImm => i64_shr_u, I64RotlImm => i64_rotl, I64RotrImm => i64_rotr,
        I32EqImm => i32_eq, I32NeImm => i32_ne, I32LtSImm => i32_lt_s, I32LtUImm => i32_lt_u,
        I32GtSImm => i32_gt_s, I32GtUImm => i32_gt_u, I32LeSImm => i32_le_s,
        I32LeUImm => i32_le_u, I32GeSImm => i32_ge_s, I32GeUImm => i32_ge_u,
        I64EqImm => i64_eq, I64NeImm => i64_ne, I64LtSImm => i64_lt_s, I64LtUImm => i64_lt_u,
        I64GtSImm => i64_gt_s, I64GtUImm => i64_gt_u, I64LeSImm => i64_le_s,
        I64LeUImm => i64_le_u, I64GeSImm => i64_ge_s, I64GeUImm => i64_ge_u,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_covers_every_numeric_instruction_of_the_isa() {
        let [un, bin, imm, _] = crate::engine::isa::NUMERIC_NAMES;
        let mut isa: Vec<&str> = un.iter().chain(bin).chain(imm).copied().collect();
        let mut ours: Vec<&str> = NAMES.to_vec();
        isa.sort_unstable();
        ours.sort_unstable();
        assert_eq!(ours, isa);
    }
}
