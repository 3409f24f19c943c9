//! What compile learns from validating a body without translating it: float use, bignum
//! call sites, and the translator's frame size ([`StackModel`]), which decide whether
//! translation may wait for the first call ([`Scan::deferrable`]).

use wasmparser::{FuncValidator, FunctionBody, Operator, OperatorsReader, ValidatorResources};

use crate::engine::isa;
use crate::engine::module::{CompileError, ModuleInner};
use crate::engine::translate::MAX_FRAME_SLOTS;

/// The most words a body may have: branch words carry byte offsets as `i32`, 16 bytes a
/// word.
const MAX_BODY_WORDS: u64 = 1 << 27;

/// Words a translated body may need per byte of its source and per slot of its frame
/// bound, plus a constant per byte (see [`Scan::deferrable`]).
const WORDS_PER_INSTR: u64 = 3;
const INSTRS_PER_BYTE: u64 = 8;

/// What validating a body showed.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scan {
    /// A float instruction occurs (reachable or not, as the translator counts).
    pub uses_floats: bool,
    /// `call`s of imports bound to bignum operations: at most this many call sites.
    pub bigcalls: u32,
    /// Parameters and locals plus the translator's deepest operand stack
    /// ([`StackModel`]).
    pub frame_bound: u64,
}

impl Scan {
    /// Whether translation of a body of `len` bytes cannot fail: its frame fits and its
    /// words fit branch offsets. The frame is `frame_bound` ([`StackModel`] follows the
    /// translator's operand stack exactly). Each operator byte
    /// becomes at most `frame_bound + INSTRS_PER_BYTE` instructions (values moved for a
    /// call, a branch, a block entry or a `local.set` number at most the frame's slots,
    /// plus a few fixed instructions, and every `br_table` target has its own byte), each
    /// at most two words plus a checkpoint word per 128.
    pub fn deferrable(&self, len: usize) -> bool {
        let words = (len as u64)
            .saturating_mul(self.frame_bound + INSTRS_PER_BYTE)
            .saturating_mul(WORDS_PER_INSTR);
        self.frame_bound <= u64::from(MAX_FRAME_SLOTS) && words <= MAX_BODY_WORDS
    }
}

/// Validates a body with `fv`, collecting the facts compile needs without translating.
/// Errors are exactly those `translate_body` reports for an invalid body.
pub(super) fn scan_body(
    m: &ModuleInner,
    fv: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
) -> Result<Scan, CompileError> {
    let mut reader = body.get_binary_reader();
    fv.read_locals(&mut reader)?;
    reader.set_features(*fv.features());
    let mut reader = OperatorsReader::new(reader);
    let mut scan = Scan {
        uses_floats: false,
        bigcalls: 0,
        frame_bound: 0,
    };
    let results = m
        .func_type(fv.index() as usize)
        .map_or(0, |t| t.results.len());
    let mut height = StackModel::new(results);
    while !reader.eof() {
        let offset = reader.original_position();
        let op = reader.read()?;
        let reachable = fv.get_control_frame(0).is_some_and(|f| !f.unreachable);
        let before = fv.operand_stack_height();
        fv.op(offset, &op)?;
        let delta = i64::from(fv.operand_stack_height()) - i64::from(before);
        height.step(m, &op, reachable, delta);
        scan.uses_floats |= isa::is_float_op(&op);
        if let Operator::Call { function_index } = op {
            let bound = m.import_intrinsics.get(function_index as usize);
            if bound.is_some_and(Option::is_some) {
                scan.bigcalls = scan.bigcalls.saturating_add(1);
            }
        }
    }
    reader.finish()?;
    scan.frame_bound = u64::from(fv.len_locals()) + height.max as u64;
    Ok(scan)
}

/// The height of the translator's operand (provider) stack, followed op by op from what
/// the validator sees: the same rules as `translate` (`translate::control`). In emitted
/// code (a live frame, reachable) an operator changes the height as it changes the
/// validator's, except `br`, `return` and `unreachable`, which pop nothing, and
/// `br_table`, which pops its index (the validator makes the rest of the block
/// polymorphic); dead code changes nothing but at `else` (the frame's base plus its
/// parameters) and `end` (its base plus its results), as the translator truncates and
/// pushes there.
struct StackModel {
    height: usize,
    max: usize,
    /// Open frames: base height, parameters, results, live.
    frames: Vec<(usize, usize, usize, bool)>,
}

impl StackModel {
    fn new(results: usize) -> Self {
        StackModel {
            height: 0,
            max: 0,
            frames: vec![(0, 0, results, true)],
        }
    }

    /// Follows one operator; `reachable` is the validator's view before it, `delta` the
    /// change of the validator's operand stack height across it.
    fn step(&mut self, m: &ModuleInner, op: &Operator<'_>, reachable: bool, delta: i64) {
        let live = self.frames.last().is_some_and(|f| f.3);
        let emit = live && reachable;
        match op {
            Operator::Block { blockty } | Operator::Loop { blockty } => {
                self.open(m, *blockty, emit);
            }
            Operator::If { blockty } => {
                if emit {
                    self.height = self.height.saturating_sub(1);
                }
                self.open(m, *blockty, emit);
            }
            Operator::Else => {
                if let Some(&(base, params, _, _)) = self.frames.last() {
                    self.height = self.height.min(base) + params;
                }
            }
            Operator::End => {
                if let Some((base, _, results, _)) = self.frames.pop() {
                    if !self.frames.is_empty() {
                        self.height = self.height.min(base) + results;
                    }
                }
            }
            _ if !emit => {}
            Operator::Br { .. } | Operator::Return | Operator::Unreachable => {}
            Operator::BrTable { .. } => self.height = self.height.saturating_sub(1),
            _ => {
                let h = i64::try_from(self.height).unwrap_or(i64::MAX);
                self.height = usize::try_from(h.saturating_add(delta)).unwrap_or(0);
            }
        }
        self.max = self.max.max(self.height);
    }

    /// Opens a `block`, `loop` or `if` frame.
    fn open(&mut self, m: &ModuleInner, ty: wasmparser::BlockType, live: bool) {
        let (params, results) = match ty {
            wasmparser::BlockType::Empty => (0, 0),
            wasmparser::BlockType::Type(_) => (0, 1),
            wasmparser::BlockType::FuncType(idx) => m
                .types
                .get(idx as usize)
                .map_or((0, 0), |t| (t.params.len(), t.results.len())),
        };
        let base = self.height.saturating_sub(params);
        self.frames.push((base, params, results, live));
    }
}
