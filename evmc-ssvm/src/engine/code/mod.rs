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
    BinaryReader, FuncToValidate, FuncValidator, FuncValidatorAllocations, FunctionBody,
    ValidatorResources,
};

use super::config::{Config, Translation};
use super::exec::failed_call_word;
use super::module::{CompileError, CompiledFunc, ModuleInner};
use super::translate::{translate_body, TranslateAllocs, TranslateCtx, Translated};
use super::types::FuncType;
use scan::scan_body;

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
    /// operand stack, `scan::StackModel`); at most `MAX_FRAME_SLOTS`.
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
    pub(crate) fn func_type(&self, index: usize) -> Option<&FuncType> {
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

mod scan;
#[cfg(test)]
mod tests;
