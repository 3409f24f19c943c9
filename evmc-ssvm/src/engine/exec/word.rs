//! The executed form of the code: one 16-byte [`Word`] per instruction holding the handler
//! that runs it and its operands, and the dispatch from one handler to the next.
//!
//! Every handler ends by calling the next word's handler in tail position, passing the
//! accumulator along. Optimizing builds turn that call into a jump (LLVM sibling calls), so
//! a run of instructions uses no native stack. Correctness does not depend on it: every
//! *event* (a call, a return, a backward branch, a `br_table`, a forward branch over a
//! checkpoint word, a checkpoint word) spends one unit of the budget in `Exec`, and when
//! it is used up the handler returns [`Done::Pause`] to the loop in `run`, which starts the
//! next handler with a fresh budget. The encoder places a checkpoint word at least every
//! [`CHECKPOINT_SPAN`] words of a body, so between two events a run executes at most that
//! many words: without sibling calls (unoptimized builds, miri) a run nests at most
//! `BUDGET * CHECKPOINT_SPAN` native frames.
//!
//! Builds with debug assertions also check the native stack at every dispatch (see
//! `too_deep`): unoptimized frames can be large.
//!
//! The same budget counts steps (calls and backward branches, the step limit of `Config`):
//! the other events are counted in `Exec`, and the loop in `run` settles the steps taken
//! at every pause, sizing each slice so that the step past the limit ends it.

use std::fmt;

use super::frame::Fp;
use super::Exec;

/// Events before a handler returns to the loop in `run` (bounds native stack use when
/// tail calls are not optimized into jumps).
pub(super) const BUDGET: u32 = 32;

/// The most words between two checkpoints in a body's layout.
pub(super) const CHECKPOINT_SPAN: usize = 128;

/// A handler: runs the word at `ip` in the frame `fp` with the instance memory `mem`; `acc`
/// is the accumulator, a value the previous word passed in a register instead of a slot
/// (see `isa::ACC`).
pub(crate) type Handler = fn(Ip, Fp, Mem, &mut Exec<'_>, u64) -> Done;

/// One executed instruction: its handler and up to 8 bytes of operands (slots are 16-bit,
/// immediates, offsets and indices 32-bit). A data word (the operands of the word before
/// it) has the `unreachable` handler.
#[derive(Clone, Copy)]
#[repr(C, align(16))]
pub(crate) struct Word {
    /// What runs this word.
    pub h: Handler,
    /// First operand (a slot, or the low bits of a constant).
    pub a: u16,
    /// Second operand (a slot or an i16 immediate).
    pub b: u16,
    /// Third operand (an immediate, offset, index, count or slot).
    pub c: u32,
}

impl fmt::Debug for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Word({:p}, {}, {}, {})",
            self.h as *const (), self.a, self.b, self.c
        )
    }
}

impl Word {
    /// A word of handler `h` and operands `a`, `b`, `c`.
    pub fn new(h: Handler, a: u16, b: u16, c: u32) -> Word {
        Word { h, a, b, c }
    }

    /// A data word carrying `value` (`a | b << 16 | c << 32`); running it traps.
    pub fn data(value: u64) -> Word {
        Word {
            h: super::control::unreachable,
            a: value as u16,
            b: (value >> 16) as u16,
            c: (value >> 32) as u32,
        }
    }

    /// The value of a data word.
    #[inline(always)]
    pub fn value(self) -> u64 {
        u64::from(self.a) | u64::from(self.b) << 16 | u64::from(self.c) << 32
    }
}

/// A branch offset of `words` words as the byte offset branch words carry.
pub(super) fn byte_offset(words: i64) -> Option<u32> {
    let bytes = words.checked_mul(std::mem::size_of::<Word>() as i64)?;
    Some(i32::try_from(bytes).ok()? as u32)
}

/// The position of the running word.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ip(*const Word);

impl Ip {
    /// Word `index` of `code`.
    pub fn at(code: &[Word], index: usize) -> Ip {
        Ip(code.as_ptr().wrapping_add(index))
    }

    /// The word here.
    #[inline(always)]
    pub fn word(self) -> Word {
        // SAFETY: an `Ip` only ever points at a word of a module's code, which the module
        // (kept alive by its instance for the whole run) never changes: entries and branch
        // targets are resolved by the translator to words of the same body, every body ends
        // in a return, data words are skipped by the word before them, and a `BrTable` is
        // followed by its `len + 1` entries.
        unsafe { *self.0 }
    }

    /// The word after this one.
    #[inline(always)]
    pub fn next(self) -> Ip {
        Ip(self.0.wrapping_add(1))
    }

    /// The word `offset` words away.
    #[inline(always)]
    pub fn offset(self, offset: i32) -> Ip {
        Ip(self.0.wrapping_offset(offset as isize))
    }

    /// The word `bytes` bytes away (a branch target, see [`byte_offset`]).
    #[inline(always)]
    pub fn byte_offset(self, bytes: u32) -> Ip {
        Ip(self.0.wrapping_byte_offset(bytes as i32 as isize))
    }
}

/// The current instance's linear memory: base and length in bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mem {
    pub ptr: *mut u8,
    pub len: usize,
}

impl Mem {
    /// The bytes of `data`.
    pub fn of(data: &mut Vec<u8>) -> Mem {
        Mem {
            ptr: data.as_mut_ptr(),
            len: data.len(),
        }
    }

    /// The memory as a slice (for host calls and bignum operations).
    pub fn bytes<'m>(self) -> &'m mut [u8] {
        // SAFETY: `ptr` and `len` describe the current instance's memory buffer, taken
        // after its last resize (`grow` refreshes them), and no other reference to the
        // buffer is alive while a handler runs.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }
}

/// How a handler stopped the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Done {
    /// The entry function returned; the result count is in `Exec::results`.
    Return,
    /// The budget ran out; the loop resumes at `Exec::resume`.
    Pause,
    /// A trap; the reason is in `Exec::trap`.
    Trap,
}

/// Runs the word at `ip`.
#[inline(always)]
pub(super) fn dispatch(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    (ip.word().h)(ip, fp, mem, ex, acc)
}

/// Builds with debug assertions (unoptimized ones among them, and miri) also guard the
/// native stack directly: there a handler's frame can be large and sibling calls are not
/// made, so every dispatch checks that the stack has not grown past `Exec::stack_floor`
/// (set by the loop in `run`) and pauses when it has.
#[cfg(debug_assertions)]
#[inline(always)]
fn too_deep(ex: &Exec<'_>) -> bool {
    let marker = 0u8;
    std::ptr::addr_of!(marker).addr() < ex.stack_floor
}

/// Without debug assertions (optimized builds) the event budget bounds the native stack.
#[cfg(not(debug_assertions))]
#[inline(always)]
fn too_deep(_: &Exec<'_>) -> bool {
    false
}

/// Continues at `ip` after a step (a call or a backward branch): spends one unit of the
/// budget, or pauses when it is used up.
#[inline(always)]
pub(super) fn step_to(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    ex.budget -= 1;
    if ex.budget == 0 || too_deep(ex) {
        return super::pause(ip, fp, mem, ex, acc);
    }
    dispatch(ip, fp, mem, ex, acc)
}

/// Continues at `ip` after an event that is not a step (a return, a checkpoint, a forward
/// branch over one).
#[inline(always)]
pub(super) fn event_to(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    ex.other_events += 1;
    step_to(ip, fp, mem, ex, acc)
}

/// Continues with the word after `ip` (no event).
#[inline(always)]
pub(super) fn next(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    goto(ip.next(), fp, mem, ex, acc)
}

/// Continues at `ip` (a forward branch that skips no checkpoint: no event).
#[inline(always)]
pub(super) fn goto(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    if too_deep(ex) {
        return super::pause(ip, fp, mem, ex, acc);
    }
    dispatch(ip, fp, mem, ex, acc)
}

/// The instance of generic handler `$h` for the runtime flags `$b` (after the constant
/// arguments `$c`): one `match` level per flag.
macro_rules! instance {
    ($h:ident; [$($c:expr),*];) => {{
        let h: $crate::engine::exec::word::Handler = $h::<$($c),*>;
        h
    }};
    ($h:ident; [$($c:expr),*]; $b:expr $(, $rest:expr)*) => {
        if $b {
            instance!($h; [$($c,)* true]; $($rest),*)
        } else {
            instance!($h; [$($c,)* false]; $($rest),*)
        }
    };
}
pub(super) use instance;

/// Whether slot field `s` of an instruction names the accumulator, and the word operand
/// for it (0 for the accumulator).
pub(super) fn acc_field(s: u32) -> (bool, u16) {
    if s == crate::engine::isa::ACC {
        (true, 0)
    } else {
        (false, s as u16)
    }
}
