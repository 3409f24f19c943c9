//! Encoding: the translator's instructions of one body become words, each naming the
//! handler that runs it. An instruction takes one word, or two when an operand needs a
//! data word (a 64-bit constant or immediate). A checkpoint word goes in at least every
//! [`CHECKPOINT_SPAN`] words (see `word`). Branches are encoded last, once every
//! instruction's position is known: their offsets become byte offsets between words, and
//! their handler is chosen by [`Mode`]. A forward branch over a checkpoint is an event,
//! except a `br_table` entry: the table itself is one.

use super::control::{self, checkpoint, Mode, BACK, BACK_CHARGE, FORWARD, FORWARD_EVENT};
use super::word::{byte_offset, Word, CHECKPOINT_SPAN};
use super::{bulk, calls, data, memory, numeric};
use crate::engine::isa::Instr;
use crate::engine::module::CompileError;

fn error(message: impl Into<String>) -> CompileError {
    CompileError {
        offset: 0,
        message: message.into(),
    }
}

/// Appends the words of `instr` (a branch taken in mode `m`); returns whether it is a
/// branch, or `None` if nothing encodes it.
fn encode(instr: &Instr, m: Mode, out: &mut Vec<Word>) -> Option<bool> {
    if numeric::encode(instr, out) || memory::encode(instr, out) {
        return Some(false);
    }
    if let Some(branch) = control::encode(instr, m, out) {
        return Some(branch);
    }
    (data::encode(instr, out) || calls::encode(instr, out) || bulk::encode(instr, out))
        .then_some(false)
}

/// The error for an instruction nothing encodes (a translator bug).
#[cold]
fn unencodable(instr: &Instr) -> CompileError {
    error(format!("no encoding for {instr:?}"))
}

/// Where the words of a body went; reused from one body to the next.
#[derive(Debug, Default)]
pub(crate) struct Layout {
    /// Word position of each instruction, from the body's first word.
    pos: Vec<usize>,
    /// Checkpoint words placed before each instruction.
    checkpoints: Vec<usize>,
    /// The branches: instruction index and whether it is a `br_table` entry.
    branches: Vec<(usize, bool)>,
    /// The words of one re-encoded branch.
    words: Vec<Word>,
}

impl Layout {
    /// The byte offset and mode of the branch at instruction `i` to `i + offset`:
    /// backward branches target a loop head, which starts with its `ChargeGas` when
    /// metering is on.
    fn branch(&self, body: &[Instr], i: usize, offset: i32) -> Result<(i32, Mode), CompileError> {
        let target = usize::try_from(i as i64 + i64::from(offset))
            .ok()
            .filter(|t| *t < body.len())
            .ok_or_else(|| error("branch outside the function"))?;
        let words = self.pos[target] as i64 - self.pos[i] as i64;
        let bytes = byte_offset(words).ok_or_else(|| error("function too large"))?;
        let mode = if offset > 0 {
            if self.checkpoints[target] > self.checkpoints[i] {
                FORWARD_EVENT
            } else {
                FORWARD
            }
        } else if matches!(body[target], Instr::ChargeGas { .. }) {
            BACK_CHARGE
        } else {
            BACK
        };
        Ok((bytes as i32, mode))
    }
}

/// Appends the words of `body` (one translated function) to `code`, using `layout`'s
/// buffers. A checkpoint never separates an instruction from its `Args` word or a
/// `BrTable` from its entries.
pub(crate) fn encode_body(
    body: &[Instr],
    code: &mut Vec<Word>,
    layout: &mut Layout,
) -> Result<(), CompileError> {
    let start = code.len();
    layout.pos.clear();
    layout.checkpoints.clear();
    layout.branches.clear();
    let (mut count, mut since, mut entries_left) = (0, 0, 0usize);
    for (i, instr) in body.iter().enumerate() {
        let splittable = entries_left == 0 && !matches!(instr, Instr::Args { .. });
        if splittable && since >= CHECKPOINT_SPAN {
            code.push(Word::new(checkpoint, 0, 0, 0));
            count += 1;
            since = 0;
        }
        layout.pos.push(code.len() - start);
        layout.checkpoints.push(count);
        let before = code.len();
        // Branches get their final offset and mode below; their size does not depend on it.
        if encode(instr, FORWARD, code).ok_or_else(|| unencodable(instr))? {
            layout.branches.push((i, entries_left > 0));
        }
        since += code.len() - before;
        entries_left = entries_left.saturating_sub(1);
        if let Instr::BrTable { len, .. } = instr {
            entries_left = *len as usize + 1;
        }
    }
    let mut words = std::mem::take(&mut layout.words);
    for k in 0..layout.branches.len() {
        let (i, table_entry) = layout.branches[k];
        let mut instr = body[i];
        let Some(offset) = instr.offset_mut() else {
            continue;
        };
        let (bytes, mut mode) = layout.branch(body, i, *offset)?;
        if table_entry && mode == FORWARD_EVENT {
            // The `br_table` before it was the event.
            mode = FORWARD;
        }
        *offset = bytes;
        words.clear();
        encode(&instr, mode, &mut words).ok_or_else(|| unencodable(&instr))?;
        let at = start + layout.pos[i];
        code[at..at + words.len()].copy_from_slice(&words);
    }
    layout.words = words;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout_of(body: &[Instr]) -> (Layout, Vec<Word>) {
        let mut code = Vec::new();
        assert_eq!(encode_body(body, &mut code, &mut Layout::default()), Ok(()));
        // Recompute the layout the way `encode_body` does, from the positions of the words.
        let mut layout = Layout::default();
        let (mut at, mut count, mut since, mut entries_left) = (0, 0, 0, 0usize);
        for instr in body {
            if entries_left == 0 && !matches!(instr, Instr::Args { .. }) && since >= CHECKPOINT_SPAN
            {
                at += 1;
                count += 1;
                since = 0;
            }
            layout.pos.push(at);
            layout.checkpoints.push(count);
            let mut w = Vec::new();
            assert!(encode(instr, FORWARD, &mut w).is_some());
            at += w.len();
            since += w.len();
            entries_left = entries_left.saturating_sub(1);
            if let Instr::BrTable { len, .. } = instr {
                entries_left = *len as usize + 1;
            }
        }
        (layout, code)
    }

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
            Instr::Return,
        ];
        let (layout, _) = layout_of(&body);
        assert_eq!(layout.branch(&body, 2, -2), Ok((-32, BACK_CHARGE)));
        assert_eq!(layout.branch(&body, 3, -1), Ok((-16, BACK)));
        assert_eq!(layout.branch(&body, 4, 1), Ok((16, FORWARD)));
        assert!(layout.branch(&body, 4, 2).is_err(), "outside the body");
    }

    #[test]
    fn wide_operands_take_a_data_word_and_branches_count_it() {
        let body = [
            Instr::BrIfI32LtUImm {
                lhs: 0,
                imm: 65536,
                offset: 3,
            },
            Instr::Const {
                dst: 1,
                value: 1 << 40,
            },
            Instr::I64AndImm {
                dst: 1,
                lhs: 1,
                imm: 0xffff_ffff,
            },
            Instr::Return,
        ];
        let (layout, code) = layout_of(&body);
        assert_eq!(layout.pos, [0, 2, 4, 6]);
        assert_eq!(code.len(), 7);
        assert_eq!(code[1].value(), 65536);
        assert_eq!(code[3].value(), 1 << 40);
        assert_eq!(code[5].value(), 0xffff_ffff);
        // The branch skips the data words: 6 words.
        assert_eq!(code[0].c, 6 * 16);
        // Small values fit the word itself.
        let small = [
            Instr::Const {
                dst: 1,
                value: u64::MAX,
            },
            Instr::I64AndImm {
                dst: 1,
                lhs: 1,
                imm: -1,
            },
        ];
        assert_eq!(layout_of(&small).1.len(), 2);
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
        let (layout, code) = layout_of(&body);
        // No checkpoint inside the br_table entries (121..=132): the first comes after.
        assert!(layout.checkpoints[..=132].iter().all(|c| *c == 0));
        assert_eq!(layout.checkpoints[133], 1);
        assert_eq!(layout.checkpoints[301], 2);
        assert_eq!(layout.branch(&body, 0, 301), Ok((303 * 16, FORWARD_EVENT)));
        assert_eq!(code.len(), body.len() + 2);
    }
}
