//! Encoding: the translator's instructions of one body become words one to one (so branch
//! offsets and entries carry over unchanged), each naming the handler that runs it.

use super::control::{self, Mode, BACK, BACK_CHARGE, FORWARD};
use super::word::Word;
use super::{calls, data, memory, numeric};
use crate::engine::isa::Instr;
use crate::engine::module::CompileError;

/// The branch mode of instruction `i` of `body`: backward branches target a loop head,
/// which starts with its `ChargeGas` when metering is on.
fn mode(body: &[Instr], i: usize, instr: &Instr) -> Mode {
    let Some(offset) = instr.offset() else {
        return FORWARD;
    };
    if offset > 0 {
        return FORWARD;
    }
    let target = (i as i64 + i64::from(offset)) as usize;
    match body.get(target) {
        Some(Instr::ChargeGas { .. }) => BACK_CHARGE,
        _ => BACK,
    }
}

/// Appends the words of `body` (one translated function) to `code`; 64-bit constants that
/// fit no immediate go to `consts`.
pub(crate) fn encode_body(
    body: &[Instr],
    code: &mut Vec<Word>,
    consts: &mut Vec<u64>,
) -> Result<(), CompileError> {
    code.reserve(body.len());
    for (i, instr) in body.iter().enumerate() {
        let word = numeric::encode(instr)
            .or_else(|| memory::encode(instr))
            .or_else(|| control::encode(instr, mode(body, i, instr)))
            .or_else(|| data::encode(instr, consts))
            .or_else(|| calls::encode(instr))
            .ok_or_else(|| CompileError {
                offset: 0,
                message: format!("no encoding for {instr:?}"),
            })?;
        code.push(word);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backward_branches_onto_a_charge_take_it() {
        let body = [
            Instr::ChargeGas { amount: 3 },
            Instr::I32AddImm {
                dst: 0,
                lhs: 0,
                imm: 1,
            },
            Instr::BrIfNez {
                cond: 0,
                offset: -2,
            },
            Instr::BrIfNez {
                cond: 0,
                offset: -1,
            },
            Instr::Br { offset: 1 },
        ];
        let modes: Vec<Mode> = body
            .iter()
            .enumerate()
            .map(|(i, b)| mode(&body, i, b))
            .collect();
        assert_eq!(modes, [FORWARD, FORWARD, BACK_CHARGE, BACK, FORWARD]);
    }

    #[test]
    fn every_instruction_has_an_encoding() {
        let mut code = Vec::new();
        let mut consts = Vec::new();
        let body = [
            Instr::Const { dst: 1, value: 7 },
            Instr::Const {
                dst: 1,
                value: u64::MAX,
            },
            Instr::Const {
                dst: 1,
                value: 1 << 40,
            },
            Instr::Select {
                dst: 1,
                cond: 2,
                lhs: 3,
            },
            Instr::Args { a: 4, b: 0 },
            Instr::Return1 { src: 1 },
        ];
        assert_eq!(encode_body(&body, &mut code, &mut consts), Ok(()));
        assert_eq!(code.len(), body.len());
        assert_eq!(
            consts,
            [1 << 40],
            "only the constant that fits no immediate"
        );
    }
}
