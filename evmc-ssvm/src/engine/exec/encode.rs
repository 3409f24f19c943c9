//! Encoding: the translator's instructions of one body become words, each naming the
//! handler that runs it, with a checkpoint word inserted at least every
//! [`CHECKPOINT_SPAN`] words (see `word`). Branch offsets are remapped around the
//! inserted words, and each branch's handler is chosen by its [`Mode`].

use super::control::{self, checkpoint, Mode, BACK, BACK_CHARGE, FORWARD, FORWARD_EVENT};
use super::word::{Word, CHECKPOINT_SPAN};
use super::{calls, data, memory, numeric};
use crate::engine::isa::Instr;
use crate::engine::module::CompileError;

/// Where checkpoints go: `before[j]` is the number of checkpoint words placed before
/// instruction `j` (`before[len]` is the total). A checkpoint never separates an
/// instruction from its `Args` word or a `BrTable` from its entries.
fn checkpoints(body: &[Instr]) -> Vec<usize> {
    let mut before = Vec::with_capacity(body.len() + 1);
    let (mut count, mut since, mut entries_left) = (0, 0, 0usize);
    for instr in body {
        let splittable = entries_left == 0 && !matches!(instr, Instr::Args { .. });
        if splittable && since >= CHECKPOINT_SPAN {
            count += 1;
            since = 0;
        }
        before.push(count);
        since += 1;
        entries_left = entries_left.saturating_sub(1);
        if let Instr::BrTable { len, .. } = instr {
            entries_left = *len as usize + 1;
        }
    }
    before.push(count);
    before
}

/// The remapped offset and mode of the branch at `i` to `i + offset`: backward branches
/// target a loop head, which starts with its `ChargeGas` when metering is on.
fn branch(body: &[Instr], before: &[usize], i: usize, offset: i32) -> Option<(i32, Mode)> {
    let target = usize::try_from(i as i64 + i64::from(offset)).ok()?;
    let remapped = (target + before.get(target)?) as i64 - (i + before[i]) as i64;
    let mode = if offset > 0 {
        if before[target] > before[i] {
            FORWARD_EVENT
        } else {
            FORWARD
        }
    } else if matches!(body.get(target), Some(Instr::ChargeGas { .. })) {
        BACK_CHARGE
    } else {
        BACK
    };
    Some((i32::try_from(remapped).ok()?, mode))
}

/// Appends the words of `body` (one translated function) to `code`; 64-bit constants that
/// fit no immediate go to `consts`.
pub(crate) fn encode_body(
    body: &[Instr],
    code: &mut Vec<Word>,
    consts: &mut Vec<u64>,
) -> Result<(), CompileError> {
    let before = checkpoints(body);
    code.reserve(body.len() + before[body.len()]);
    for (i, instr) in body.iter().enumerate() {
        if i > 0 && before[i] > before[i - 1] {
            code.push(Word::new(checkpoint, 0, 0, 0));
        }
        let mut instr = *instr;
        let mut mode = FORWARD;
        if let Some(offset) = instr.offset_mut() {
            let (remapped, m) = branch(body, &before, i, *offset).ok_or_else(|| CompileError {
                offset: 0,
                message: "branch outside the function".into(),
            })?;
            *offset = remapped;
            mode = m;
        }
        let word = numeric::encode(&instr)
            .or_else(|| memory::encode(&instr))
            .or_else(|| control::encode(&instr, mode))
            .or_else(|| data::encode(&instr, consts))
            .or_else(|| calls::encode(&instr))
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
    fn branch_modes_follow_direction_and_checkpoints() {
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
        let before = checkpoints(&body);
        let modes: Vec<Option<(i32, Mode)>> = body
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut b = *b;
                let offset = b.offset_mut().map(|o| *o);
                offset.and_then(|o| branch(&body, &before, i, o))
            })
            .collect();
        assert_eq!(
            modes,
            [
                None,
                None,
                Some((-2, BACK_CHARGE)),
                Some((-1, BACK)),
                Some((1, FORWARD))
            ]
        );
    }

    #[test]
    fn checkpoints_split_long_bodies_and_branches_over_them_are_events() {
        // A forward branch over 300 instructions, and a br_table whose entries straddle
        // the first checkpoint position.
        let mut body = vec![Instr::Br { offset: 301 }];
        body.extend((0..120).map(|_| Instr::Copy { dst: 1, src: 2 }));
        body.push(Instr::BrTable { index: 0, len: 10 });
        body.extend((0..11).map(|_| Instr::Br { offset: 1 }));
        while body.len() < 301 {
            body.push(Instr::Copy { dst: 1, src: 2 });
        }
        body.push(Instr::Return);
        let before = checkpoints(&body);
        // No checkpoint inside the br_table entries (121..=132): the first comes after.
        assert!(before[..=132].iter().all(|c| *c == 0));
        assert_eq!(before[133], 1);
        assert_eq!(before[301], 2);
        assert_eq!(branch(&body, &before, 0, 301), Some((303, FORWARD_EVENT)));
        let mut code = Vec::new();
        assert_eq!(encode_body(&body, &mut code, &mut Vec::new()), Ok(()));
        assert_eq!(code.len(), body.len() + 2);
    }

    #[test]
    fn every_instruction_kind_has_an_encoding() {
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
