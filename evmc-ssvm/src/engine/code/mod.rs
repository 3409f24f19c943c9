//! When function bodies become executed code. Compile validates every body; in eager mode
//! (`Translation::Eager`) it translates each in the same pass, in lazy mode (the default)
//! it records what a later translation needs and translates a body on its function's
//! first call, once, even when several threads call it at the same time (a `OnceLock` per
//! function). A body whose translation limits validation cannot bound is translated at
//! compile time in both modes, so a module that fails translation fails compile with the
//! same error either way (README, "Lazy translation").

use std::ops::Range;
use std::sync::atomic::Ordering;
use std::sync::{LazyLock, OnceLock};

use wasmparser::{
    BinaryReader, FuncToValidate, FuncValidator, FuncValidatorAllocations, FunctionBody, Operator,
    OperatorsReader, ValidatorResources,
};

use super::config::{Config, Translation};
use super::exec::failed_call_word;
use super::isa;
use super::module::{CompileError, CompiledFunc, ModuleInner};
use super::translate::{
    translate_body, TranslateAllocs, TranslateCtx, Translated, MAX_FRAME_SLOTS,
};
use super::types::FuncType;

/// The most words a body may have: branch words carry byte offsets as `i32`, 16 bytes a
/// word.
const MAX_BODY_WORDS: u64 = 1 << 27;

/// Words a translated body may need per byte of its source and per slot of its frame
/// bound, plus a constant per byte (see [`Scan::deferrable`]).
const WORDS_PER_INSTR: u64 = 3;
const INSTRS_PER_BYTE: u64 = 8;

/// The code of one defined function.
#[derive(Debug, Default)]
pub(crate) struct FuncCode {
    /// The translated body, once it exists.
    code: OnceLock<CompiledFunc>,
    /// Where a deferred body is and what validation bounded (`None`: translated at compile
    /// time).
    deferred: Option<Deferred>,
}

/// A body validated at compile time and translated on first call.
#[derive(Debug)]
struct Deferred {
    /// Byte range of the body in `LazySource::wasm`.
    range: Range<usize>,
    /// The module-wide index of its first bignum call site, and how many sites
    /// validation counted (the translation's sites fit in them).
    bigcall_base: u32,
    bigcall_count: u32,
    /// The frame size validation computed (parameters, locals and the translator's deepest
    /// operand stack, [`StackModel`]); at most `MAX_FRAME_SLOTS`.
    frame_bound: u32,
}

/// What translating a deferred body needs besides the module's entities.
#[derive(Debug)]
pub(crate) struct LazySource {
    /// The module's bytes.
    wasm: Box<[u8]>,
    /// The validator's view of the module (types, functions, tables...), for re-running
    /// the function validator alongside the translator.
    resources: ValidatorResources,
    /// The compile configuration (metering, WebAssembly features).
    config: Config,
}

impl FuncCode {
    /// The translated body, if it exists (one acquire load).
    #[inline(always)]
    pub fn get(&self) -> Option<&CompiledFunc> {
        self.code.get()
    }

    fn ready(func: CompiledFunc) -> FuncCode {
        FuncCode {
            code: OnceLock::from(func),
            deferred: None,
        }
    }
}

/// A body that runs only to trap with [`Trap::TranslationFailed`](super::Trap).
fn failed(params: u32) -> CompiledFunc {
    CompiledFunc {
        words: Box::new([failed_call_word()]),
        params,
        locals: 0,
        frame_size: params,
        entry_gas: 0,
        call_entry: 0,
        #[cfg(test)]
        ir: Vec::new(),
    }
}

/// The trapping body of a function index the module does not define (never reached: call
/// sites name validated indices).
static NO_SUCH_FUNC: LazyLock<CompiledFunc> = LazyLock::new(|| failed(0));

impl ModuleInner {
    /// The body of defined function `index`, translated now if this is the first call
    /// (the call path's cold side: it first tried [`FuncCode::get`]). Threads that ask
    /// for the same body while it is being translated wait for it; exactly one translates.
    /// A translation that fails anyway gives a body that traps with
    /// [`Trap::TranslationFailed`](super::Trap).
    #[cold]
    #[inline(never)]
    pub(crate) fn translate_on_call(&self, index: usize) -> &CompiledFunc {
        let Some(code) = self.funcs.get(index) else {
            return &NO_SUCH_FUNC;
        };
        code.code.get_or_init(|| {
            self.translated.fetch_add(1, Ordering::Relaxed);
            self.translate_deferred(index, code).unwrap_or_else(|_| {
                let params = self.func_type(self.num_imported_funcs as usize + index);
                failed(params.map_or(0, |t| t.params.len() as u32))
            })
        })
    }

    /// The type of function `index` (imports first).
    fn func_type(&self, index: usize) -> Option<&FuncType> {
        let ty = self.func_types.get(index)?;
        self.types.get(*ty as usize)
    }

    /// Re-validates and translates the deferred body of defined function `index`, and fills
    /// its bignum call sites.
    fn translate_deferred(
        &self,
        index: usize,
        code: &FuncCode,
    ) -> Result<CompiledFunc, CompileError> {
        let missing = || CompileError {
            offset: 0,
            message: "no deferred body".into(),
        };
        let (d, lazy) = code
            .deferred
            .as_ref()
            .zip(self.lazy.as_ref())
            .ok_or_else(missing)?;
        let bytes = lazy.wasm.get(d.range.clone()).ok_or_else(missing)?;
        let func_index = self.num_imported_funcs + index as u32;
        let ty = *self
            .func_types
            .get(func_index as usize)
            .ok_or_else(missing)?;
        let features = lazy.config.wasm.features();
        let func = FuncToValidate {
            resources: lazy.resources.clone(),
            index: func_index,
            ty,
            features,
        };
        let mut fv = func.into_validator(FuncValidatorAllocations::default());
        let reader = BinaryReader::new_features(bytes, d.range.start as u64, features);
        let body = FunctionBody::new(reader);
        let mut allocs = TranslateAllocs::default();
        let out = translate(
            self,
            &lazy.config,
            &mut fv,
            &body,
            d.bigcall_base,
            &mut allocs,
        )?;
        debug_assert_eq!(out.func.frame_size, d.frame_bound, "frame model");
        if out.bigcalls.len() > d.bigcall_count as usize {
            return Err(missing());
        }
        for (k, call) in out.bigcalls.into_iter().enumerate() {
            let site = self.bigcalls.get(d.bigcall_base as usize + k);
            site.ok_or_else(missing)?.set(call).map_err(|_| missing())?;
        }
        Ok(out.func)
    }
}

/// Translates the body `fv` validates, with the module's entities so far.
fn translate(
    m: &ModuleInner,
    config: &Config,
    fv: &mut FuncValidator<ValidatorResources>,
    body: &FunctionBody<'_>,
    bigcall_base: u32,
    allocs: &mut TranslateAllocs,
) -> Result<Translated, CompileError> {
    let no_type = FuncType::default();
    let ty = m.func_type(fv.index() as usize).unwrap_or(&no_type);
    let ctx = TranslateCtx {
        config,
        types: &m.types,
        func_type: ty,
        func_types: &m.func_types,
        imported_funcs: m.num_imported_funcs,
        import_intrinsics: &m.import_intrinsics,
        bigcall_base,
    };
    translate_body(&ctx, fv, body, allocs)
}

/// What validating a body showed.
#[derive(Debug, Clone, Copy)]
struct Scan {
    /// A float instruction occurs (reachable or not, as the translator counts).
    uses_floats: bool,
    /// `call`s of imports bound to bignum operations: at most this many call sites.
    bigcalls: u32,
    /// Parameters and locals plus the translator's deepest operand stack
    /// ([`StackModel`]).
    frame_bound: u64,
}

impl Scan {
    /// Whether translation of a body of `len` bytes cannot fail: its frame fits and its
    /// words fit branch offsets. The frame is `frame_bound` ([`StackModel`] follows the
    /// translator's operand stack exactly). Each operator byte
    /// becomes at most `frame_bound + INSTRS_PER_BYTE` instructions (values moved for a
    /// call, a branch, a block entry or a `local.set` number at most the frame's slots,
    /// plus a few fixed instructions, and every `br_table` target has its own byte), each
    /// at most two words plus a checkpoint word per 128.
    fn deferrable(&self, len: usize) -> bool {
        let words = (len as u64)
            .saturating_mul(self.frame_bound + INSTRS_PER_BYTE)
            .saturating_mul(WORDS_PER_INSTR);
        self.frame_bound <= u64::from(MAX_FRAME_SLOTS) && words <= MAX_BODY_WORDS
    }
}

/// Validates a body with `fv`, collecting the facts compile needs without translating.
/// Errors are exactly those `translate_body` reports for an invalid body.
fn scan_body(
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

/// Compiles the bodies of one module as the validator hands them over.
pub(crate) struct FuncCompiler<'b> {
    bytes: &'b [u8],
    config: &'b Config,
    valid_allocs: FuncValidatorAllocations,
    allocs: TranslateAllocs,
    resources: Option<ValidatorResources>,
    deferred: bool,
}

impl<'b> FuncCompiler<'b> {
    /// A compiler of the bodies of module `bytes` under `config`.
    pub fn new(bytes: &'b [u8], config: &'b Config) -> Self {
        FuncCompiler {
            bytes,
            config,
            valid_allocs: FuncValidatorAllocations::default(),
            allocs: TranslateAllocs::default(),
            resources: None,
            deferred: false,
        }
    }

    /// Validates `body` (the next defined function, `func`) and translates it or defers
    /// its translation; appends its code to `m.funcs`.
    pub fn compile(
        &mut self,
        m: &mut ModuleInner,
        func: FuncToValidate<ValidatorResources>,
        body: &FunctionBody<'_>,
    ) -> Result<(), CompileError> {
        if self.config.translation == Translation::Eager {
            let mut fv = func.into_validator(std::mem::take(&mut self.valid_allocs));
            self.translate_now(m, &mut fv, body)?;
            self.valid_allocs = fv.into_allocations();
            return Ok(());
        }
        let again = FuncToValidate {
            resources: func.resources.clone(),
            index: func.index,
            ty: func.ty,
            features: func.features,
        };
        let mut fv = func.into_validator(std::mem::take(&mut self.valid_allocs));
        let scan = scan_body(m, &mut fv, body)?;
        self.valid_allocs = fv.into_allocations();
        m.uses_floats |= scan.uses_floats;
        let range = body.range();
        let range = usize::try_from(range.start).unwrap_or(usize::MAX)
            ..usize::try_from(range.end).unwrap_or(usize::MAX);
        if !scan.deferrable(range.len()) {
            let mut fv = again.into_validator(std::mem::take(&mut self.valid_allocs));
            self.translate_now(m, &mut fv, body)?;
            self.valid_allocs = fv.into_allocations();
            return Ok(());
        }
        if self.resources.is_none() {
            self.resources = Some(again.resources);
        }
        let bigcall_base = u32::try_from(m.bigcalls.len()).map_err(|_| too_many_sites())?;
        let total = m.bigcalls.len() + scan.bigcalls as usize;
        m.bigcalls.resize_with(total, OnceLock::new);
        m.funcs.push(FuncCode {
            code: OnceLock::new(),
            deferred: Some(Deferred {
                range,
                bigcall_base,
                bigcall_count: scan.bigcalls,
                frame_bound: scan.frame_bound as u32,
            }),
        });
        self.deferred = true;
        Ok(())
    }

    /// Translates `body` now and appends it.
    fn translate_now(
        &mut self,
        m: &mut ModuleInner,
        fv: &mut FuncValidator<ValidatorResources>,
        body: &FunctionBody<'_>,
    ) -> Result<(), CompileError> {
        let base = u32::try_from(m.bigcalls.len()).map_err(|_| too_many_sites())?;
        let out = translate(m, self.config, fv, body, base, &mut self.allocs)?;
        m.uses_floats |= out.uses_floats;
        m.bigcalls
            .extend(out.bigcalls.into_iter().map(OnceLock::from));
        m.funcs.push(FuncCode::ready(out.func));
        *m.translated.get_mut() += 1;
        Ok(())
    }

    /// Keeps what deferred bodies need, if any body was deferred.
    pub fn finish(self, m: &mut ModuleInner) {
        if let (true, Some(resources)) = (self.deferred, self.resources) {
            m.lazy = Some(LazySource {
                wasm: self.bytes.into(),
                resources,
                config: *self.config,
            });
        }
    }
}

/// The error of a module with more than 2^32 bignum call sites.
fn too_many_sites() -> CompileError {
    CompileError {
        offset: 0,
        message: "too many bignum call sites".into(),
    }
}

#[cfg(test)]
mod tests;
