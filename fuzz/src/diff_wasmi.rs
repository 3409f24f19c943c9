//! Target `diff_wasmi`: a differential run of SSVM's engine against `wasmi` on wasm-smith
//! modules (WebAssembly 2.0 without SIMD, NaNs canonicalised by wasm-smith so float bits
//! are comparable, termination ensured by wasm-smith's fuel global). References compare by
//! null-ness: the two engines' function addresses differ by design.
//!
//! `f32.demote_f64` and `f64.promote_f32` are the NaN-producing operations wasm-smith does not
//! canonicalise; modules using them are skipped (see [`uses_uncanonicalised_nan_ops`]).
//!
//! Both engines instantiate the module and call every exported function in export order
//! with zero arguments. After each step they must agree on: success vs trap, the trap kind,
//! the results (bit for bit), every exported global, and the linear memory bytes. A step
//! where either side exhausts its stack is inconclusive and ends the comparison (the two
//! engines' stack limits differ by design).
//!
//! The limits of EWASM.md section 4.2 are small here so that modules reach them: our step
//! budget (a step past it is inconclusive, like stack exhaustion: wasmi has no such limit)
//! and a call-tree memory budget of [`TREE_PAGES`], which wasmi gets as a
//! `ResourceLimiter` with the same rule (memories and tables together, 8 bytes per table
//! element rounded up to pages per table), so both engines refuse the same grows.

use arbitrary::Unstructured;
use ssvm::engine::budget::table_pages;
use ssvm::engine::{
    self, Config, Extern, ExternType, MemoryBudget, Module, NoHost, Store, Translation, Trap, Value,
};
use wasmi::ResourceLimiter;
use wasmi_core::LimiterError;
use wasmi::{TrapCode, Val};

use crate::smith;

/// Pages a module may declare (and grow to).
const MAX_PAGES: u64 = 16;
/// wasm-smith's termination fuel: loop iterations plus calls before a fuel trap.
const SMITH_FUEL: u32 = 1_000;
/// The call-tree memory budget of both engines, in pages.
const TREE_PAGES: u64 = 12;
/// Our step budget per call.
const STEPS: u64 = 100_000;

/// EWASM.md section 4.2's call-tree memory budget for wasmi: memory pages plus table
/// elements (8 bytes each, rounded up to pages per table) of the store, at most `limit`.
#[derive(Debug)]
pub struct TreeLimiter {
    used: u64,
    limit: u64,
}

impl TreeLimiter {
    fn grow(&mut self, current: u64, desired: u64, maximum: Option<usize>) -> bool {
        // A grow past the declared maximum fails anyway and takes nothing.
        if maximum.is_some_and(|m| desired > m as u64) {
            return false;
        }
        let extra = desired.saturating_sub(current);
        if self.used + extra > self.limit {
            return false;
        }
        self.used += extra;
        true
    }
}

impl ResourceLimiter for TreeLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        let page = 65536;
        let max_pages = maximum.map(|m| m / page);
        Ok(self.grow((current / page) as u64, (desired / page) as u64, max_pages))
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> Result<bool, LimiterError> {
        if maximum.is_some_and(|m| desired > m) {
            return Ok(false);
        }
        Ok(self.grow(table_pages(current), table_pages(desired), None))
    }

    fn instances(&self) -> usize {
        usize::MAX
    }

    fn tables(&self) -> usize {
        usize::MAX
    }

    fn memories(&self) -> usize {
        usize::MAX
    }
}

/// One step's outcome in engine-neutral form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Results as raw bits (i32 zero-extended, floats as bits).
    Ok(Vec<u64>),
    /// A trap, by kind.
    Trap(TrapKind),
    /// Stack exhaustion on this side: inconclusive.
    Exhausted,
}

/// Trap kinds both engines distinguish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrapKind {
    /// `unreachable`.
    Unreachable,
    /// Out-of-bounds load or store.
    MemoryOutOfBounds,
    /// `call_indirect` index outside the table.
    TableOutOfBounds,
    /// `call_indirect` to an empty slot.
    NullElement,
    /// `call_indirect` signature mismatch.
    SignatureMismatch,
    /// Division or remainder by zero.
    DivideByZero,
    /// Signed overflow or float-to-int out of range.
    IntegerOverflow,
    /// Float-to-int of NaN.
    BadConversion,
    /// Anything else (named for the report).
    Other(&'static str),
}

/// Runs one input; panics on a divergence.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(mut module) = smith::engine_module(&mut u, MAX_PAGES, true) else {
        return;
    };
    if module.ensure_termination(SMITH_FUEL).is_err() {
        return;
    }
    let wasm = module.to_bytes();
    if uses_uncanonicalised_nan_ops(&wasm) {
        return;
    }
    if cfg!(debug_assertions) {
        compare_on_large_stack(&wasm);
    } else {
        compare(&wasm);
    }
}

/// Native stack of [`compare_on_large_stack`]: wasmi needs about 120 bytes per executed
/// instruction there, and wasm-smith's fuel bounds a run to well under a million.
const LARGE_STACK: usize = 1 << 30;

/// [`compare`] on a thread with a [`LARGE_STACK`]. wasmi 2.0 dispatches by tail calls;
/// built with debug assertions (`cargo fuzz run -a`) they stay real calls, one native frame
/// per executed instruction, and a run of about 70,000 instructions overflowed the 8 MiB
/// main-thread stack (SIGSEGV inside wasmi's handlers, found on this corpus).
fn compare_on_large_stack(wasm: &[u8]) {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(LARGE_STACK)
            .spawn_scoped(scope, || compare(wasm))
            .unwrap_or_else(|e| panic!("spawn the comparison thread: {e}"));
        if let Err(panic) = worker.join() {
            std::panic::resume_unwind(panic);
        }
    });
}

/// True if a function body uses `f32.demote_f64` or `f64.promote_f32`: NaN-producing
/// conversions that SSVM canonicalises (EWASM.md section 1.8) but wasm-smith's
/// `canonicalize_nans` leaves alone, so wasmi keeps the payload and the two engines
/// legitimately differ (found by this target; `fixtures/fuzz/diff_wasmi/demote-nan-payload`).
pub fn uses_uncanonicalised_nan_ops(wasm: &[u8]) -> bool {
    use wasmparser::{Operator, Parser, Payload};
    Parser::new(0).parse_all(wasm).any(|payload| {
        let Ok(Payload::CodeSectionEntry(body)) = payload else {
            return false;
        };
        let Ok(mut ops) = body.get_operators_reader() else {
            return false;
        };
        while !ops.eof() {
            match ops.read() {
                Ok(Operator::F32DemoteF64 | Operator::F64PromoteF32) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    })
}

/// Compares both engines on `wasm`; panics on a divergence.
pub fn compare(wasm: &[u8]) {
    let config = Config {
        max_memory_pages: MAX_PAGES as u32,
        step_limit: Some(STEPS),
        // Each function translated on its first call, as contracts run by default.
        translation: Translation::Lazy,
        ..Config::default()
    };
    let ours_module = match Module::compile(wasm, &config) {
        Ok(m) => m,
        Err(e) => panic!("valid wasm-smith module rejected by ssvm: {e}"),
    };
    let engine = wasmi::Engine::default();
    let theirs_module = match wasmi::Module::new(&engine, wasm) {
        Ok(m) => m,
        Err(e) => panic!("valid wasm-smith module rejected by wasmi: {e}"),
    };
    let mut ours = Store::with_budget(config, MemoryBudget::new(TREE_PAGES));
    let limiter = TreeLimiter {
        used: 0,
        limit: TREE_PAGES,
    };
    let mut theirs = wasmi::Store::new(&engine, limiter);
    theirs.limiter(|limiter| limiter);
    let linker = wasmi::Linker::<TreeLimiter>::new(&engine);
    let ours_inst = ours.instantiate(&ours_module, &[], &mut NoHost);
    let theirs_inst = linker.instantiate_and_start(&mut theirs, &theirs_module);
    let (ours_inst, theirs_inst) = match (ours_inst, theirs_inst) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(a), Err(_)) if is_exhaustion_err(&a) => return,
        (Err(_), Err(_)) => return,
        (Ok(_), Err(e)) if e.as_trap_code() == Some(TrapCode::StackOverflow) => return,
        (Err(a), Ok(_)) if is_exhaustion_err(&a) => return,
        (a, b) => panic!(
            "instantiation diverges: ssvm {:?}, wasmi {:?}",
            a.err(),
            b.err().map(|e| e.to_string())
        ),
    };
    let exports = ours_module.exports();
    compare_state(
        &ours,
        ours_inst,
        &theirs,
        theirs_inst,
        &exports,
        "instantiation",
    );
    for export in &exports {
        let ExternType::Func(ty) = &export.ty else {
            continue;
        };
        let args: Vec<Value> = ty.params.iter().map(|t| Value::zero(*t)).collect();
        let a = match ours.invoke(&mut NoHost, ours_inst, &export.name, &args) {
            Ok(values) => Step::Ok(values.iter().map(|v| ours_bits(*v)).collect()),
            Err(engine::InvokeError::Trap(t)) if t.is_exhaustion() => Step::Exhausted,
            Err(engine::InvokeError::Trap(Trap::StepLimitExceeded)) => Step::Exhausted,
            Err(engine::InvokeError::Trap(t)) => Step::Trap(ours_kind(t)),
            Err(e) => panic!("ssvm invoke of export {:?} failed: {e}", export.name),
        };
        let b = call_wasmi(&mut theirs, theirs_inst, &export.name);
        if a == Step::Exhausted || b == Step::Exhausted {
            return;
        }
        assert_eq!(
            a, b,
            "export {:?}: ssvm (left) vs wasmi (right)",
            export.name
        );
        compare_state(
            &ours,
            ours_inst,
            &theirs,
            theirs_inst,
            &exports,
            &export.name,
        );
    }
}

fn is_exhaustion_err(e: &engine::InstantiateError) -> bool {
    matches!(e, engine::InstantiateError::Start(t)
        if t.is_exhaustion() || *t == Trap::StepLimitExceeded)
}

/// Calls export `name` in wasmi with zero arguments.
fn call_wasmi(store: &mut wasmi::Store<TreeLimiter>, inst: wasmi::Instance, name: &str) -> Step {
    let Some(func) = inst.get_func(&*store, name) else {
        panic!("wasmi has no function export {name:?}");
    };
    let ty = func.ty(&*store);
    let args: Vec<Val> = ty
        .params()
        .iter()
        .map(|t| Val::default_for_ty(*t))
        .collect();
    let mut results: Vec<Val> = ty
        .results()
        .iter()
        .map(|t| Val::default_for_ty(*t))
        .collect();
    match func.call(&mut *store, &args, &mut results) {
        Ok(()) => Step::Ok(results.iter().map(val_bits).collect()),
        Err(e) => match e.as_trap_code() {
            Some(TrapCode::StackOverflow) => Step::Exhausted,
            Some(code) => Step::Trap(wasmi_kind(code)),
            None => Step::Trap(TrapKind::Other("wasmi non-trap error")),
        },
    }
}

/// Raw bits of a wasmi value, in SSVM's slot encoding; a reference is 0 if null, else 1.
fn val_bits(v: &Val) -> u64 {
    match v {
        Val::I32(x) => u64::from(*x as u32),
        Val::I64(x) => *x as u64,
        Val::F32(x) => u64::from(x.to_bits()),
        Val::F64(x) => x.to_bits(),
        Val::FuncRef(r) => u64::from(!r.is_null()),
        Val::ExternRef(r) => u64::from(!r.is_null()),
        Val::V128(_) => u64::MAX,
    }
}

/// Raw bits of one of our values, as [`val_bits`] gives them.
fn ours_bits(v: Value) -> u64 {
    match v {
        Value::FuncRef(r) | Value::ExternRef(r) => u64::from(r.is_some()),
        other => other.to_raw(),
    }
}

/// SSVM's trap in engine-neutral form.
pub fn ours_kind(t: Trap) -> TrapKind {
    match t {
        Trap::Unreachable => TrapKind::Unreachable,
        Trap::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        Trap::TableOutOfBounds | Trap::TableAccessOutOfBounds => TrapKind::TableOutOfBounds,
        Trap::UninitializedElement => TrapKind::NullElement,
        Trap::IndirectCallTypeMismatch => TrapKind::SignatureMismatch,
        Trap::IntegerDivideByZero => TrapKind::DivideByZero,
        Trap::IntegerOverflow => TrapKind::IntegerOverflow,
        Trap::InvalidConversionToInteger => TrapKind::BadConversion,
        other => TrapKind::Other(other.message()),
    }
}

/// wasmi's trap in engine-neutral form.
pub fn wasmi_kind(code: TrapCode) -> TrapKind {
    match code {
        TrapCode::UnreachableCodeReached => TrapKind::Unreachable,
        TrapCode::MemoryOutOfBounds => TrapKind::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds => TrapKind::TableOutOfBounds,
        TrapCode::IndirectCallToNull => TrapKind::NullElement,
        TrapCode::BadSignature => TrapKind::SignatureMismatch,
        TrapCode::IntegerDivisionByZero => TrapKind::DivideByZero,
        TrapCode::IntegerOverflow => TrapKind::IntegerOverflow,
        TrapCode::BadConversionToInteger => TrapKind::BadConversion,
        _ => TrapKind::Other("other wasmi trap"),
    }
}

/// Exported globals and memories must hold the same bits in both engines.
fn compare_state(
    ours: &Store,
    ours_inst: engine::InstanceId,
    theirs: &wasmi::Store<TreeLimiter>,
    theirs_inst: wasmi::Instance,
    exports: &[engine::ExportType],
    after: &str,
) {
    for export in exports {
        let name = &export.name;
        match &export.ty {
            ExternType::Global(_) => {
                let a = ours
                    .export(ours_inst, name)
                    .and_then(|g| ours.global_value(g))
                    .map(ours_bits);
                let b = theirs_inst
                    .get_global(theirs, name)
                    .map(|g| val_bits(&g.get(theirs)));
                assert_eq!(a, b, "global {name:?} after {after}: ssvm vs wasmi");
            }
            ExternType::Table(_) => {
                let a = ours
                    .export(ours_inst, name)
                    .and_then(|t| ours.table(t))
                    .map(|t| {
                        (0..t.len())
                            .map(|i| t.get(i).map_or(u64::MAX, ours_bits))
                            .collect::<Vec<_>>()
                    });
                let b = theirs_inst.get_table(theirs, name).map(|t| {
                    (0..t.size(theirs))
                        .map(|i| {
                            t.get(theirs, i)
                                .map_or(u64::MAX, |r| val_bits(&Val::from(r)))
                        })
                        .collect::<Vec<_>>()
                });
                assert_eq!(
                    a, b,
                    "table {name:?} after {after}: ssvm vs wasmi (null-ness)"
                );
            }
            ExternType::Memory(_) => {
                let a = ours
                    .export(ours_inst, name)
                    .and_then(|m: Extern| ours.memory(m))
                    .map(|m| m.data());
                let b = theirs_inst.get_memory(theirs, name).map(|m| m.data(theirs));
                match (a, b) {
                    (Some(a), Some(b)) if a == b => {}
                    (Some(a), Some(b)) => {
                        let first = a.iter().zip(b).position(|(x, y)| x != y);
                        panic!(
                            "memory {name:?} after {after}: sizes {} vs {}, first difference at {:?}",
                            a.len(),
                            b.len(),
                            first
                        );
                    }
                    (a, b) => panic!(
                        "memory {name:?} after {after}: present in ssvm {} wasmi {}",
                        a.is_some(),
                        b.is_some()
                    ),
                }
            }
            _ => {}
        }
    }
}
