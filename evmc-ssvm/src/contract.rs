//! An Ewasm contract: the code gate's validation and interface steps (EWASM.md section 1,
//! steps 5, 6 and 8) producing a compiled [`Contract`], and one execution of its `main` with
//! the EEI as the engine's host (section 2's outcome mapping via `ewasm_host::outcome`).

use std::fmt;

use ewasm_host::gate::{
    self, ContractInterface, ExportDesc, ExportKind, GateError, GateOptions, ImportDesc, ImportKind,
};
use ewasm_host::outcome::{self, Ending, HostExit};
use ewasm_host::table::{self, HostFn, ImportDef, EXP256_GAS_PER_BYTE};
use ewasm_host::{Eei, EeiOptions};
use ewasm_host::{HostContext, Message, Revision};

use crate::engine::bignum::{BigOp, Intrinsic};
use crate::engine::{
    self, CompileError, Extern, ExternType, FuncType, Host, HostCallContext, HostFuncId,
    InvokeError, MemoryBudget, Module, Store, Trap, ValType,
};
use crate::vm::Outcome;

/// The options that shape how a contract is validated and compiled (part of the cache key).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CompileOptions {
    /// In-VM gas metering per basic block (EWASM.md section 4).
    pub metering: bool,
    /// Allow imports from namespace `bignum`.
    pub bignum: bool,
    /// Allow imports from namespace `debug`.
    pub debug: bool,
    /// Reject modules that use any float instruction.
    pub reject_floats: bool,
    /// Linear-memory page cap.
    pub max_memory_pages: u32,
    /// The revision whose EEI functions may be imported.
    pub revision: Revision,
    /// The WebAssembly version the contract may use (option `wasm`).
    pub wasm: engine::WasmVersion,
    /// When function bodies are translated (option `translation`).
    pub translation: engine::Translation,
}

/// Why a contract failed the code gate (cold path; the message names the culprit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContractError {
    /// Decoding, validation or translation failed.
    Compile(CompileError),
    /// The Ewasm contract interface checks failed.
    Interface(GateError),
    /// A float instruction occurs while option `floats=reject` is set.
    FloatsRejected,
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContractError::Compile(e) => write!(f, "invalid wasm: {e}"),
            ContractError::Interface(e) => write!(f, "contract interface: {e}"),
            ContractError::FloatsRejected => {
                f.write_str("float instructions are rejected (option floats=reject)")
            }
        }
    }
}

impl std::error::Error for ContractError {}

/// A contract that passed the gate: the compiled module and, per function import in import
/// order, the EEI function it is bound to.
#[derive(Debug)]
pub struct Contract {
    module: Module,
    imports: Vec<&'static ImportDef>,
    /// The engine signature of each import.
    import_types: Vec<FuncType>,
    config: engine::Config,
}

impl Contract {
    /// Validates, checks and compiles `code` (whose preamble and version were checked).
    pub fn compile(code: &[u8], opts: &CompileOptions) -> Result<Contract, ContractError> {
        let config = engine_config(opts);
        let resolve = |namespace: &str, name: &str| {
            let def = table::lookup(namespace, name).filter(|_| opts.bignum)?;
            bignum_intrinsic(def)
        };
        let module = Module::compile_with_intrinsics(code, &config, &resolve)
            .map_err(ContractError::Compile)?;
        let gate_opts = GateOptions {
            bignum: opts.bignum,
            debug: opts.debug,
            revision: opts.revision,
        };
        let imports = gate::check_interface(&interface_of(&module), &gate_opts)
            .map_err(ContractError::Interface)?;
        if opts.reject_floats && module.uses_floats() {
            return Err(ContractError::FloatsRejected);
        }
        // The module's own signatures of its imports (equal to the EEI's, as the gate
        // checked): clones share the module's type lists.
        let import_types = module
            .imports()
            .iter()
            .zip(&imports)
            .map(|(imp, def)| match &imp.ty {
                ExternType::Func(ty) => ty.clone(),
                _ => func_type_of(def),
            })
            .collect();
        Ok(Contract {
            module,
            imports,
            import_types,
            config,
        })
    }

    /// Function bodies translated so far (under lazy translation, those called at least
    /// once; see the engine's `Module::translated_count`).
    pub fn translated_count(&self) -> usize {
        self.module.translated_count()
    }

    /// Number of functions the contract defines.
    pub fn defined_func_count(&self) -> usize {
        self.module.defined_func_count()
    }

    /// Runs `main` for `msg`; `code` is the contract's code as the host passed it. Its
    /// memory and tables take their pages from `budget`, the call tree's (EWASM.md 4.2).
    pub fn execute(
        &self,
        msg: &Message,
        code: &[u8],
        host: &mut dyn HostContext,
        revision: Revision,
        eei_opts: EeiOptions,
        budget: &MemoryBudget,
    ) -> Outcome {
        let config = engine::Config {
            step_limit: Some(step_budget(msg.gas)),
            ..self.config
        };
        let mut store = Store::with_budget(config, budget.clone());
        store.set_gas(msg.gas);
        let externs: Vec<Extern> = self
            .import_types
            .iter()
            .zip(0u32..)
            .map(|(ty, id)| store.alloc_host_func(ty, HostFuncId(id)))
            .collect();
        let mut eei_host = EeiHost {
            eei: Eei::new(host, msg, code, revision, eei_opts),
            imports: &self.imports,
        };
        let ending = match store.instantiate(&self.module, &externs, &mut eei_host) {
            Ok(instance) => match store.invoke(&mut eei_host, instance, "main", &[]) {
                Ok(_) => Ending::Returned,
                Err(InvokeError::Trap(trap)) => ending_of(trap),
                // The gate guarantees `main: () -> ()`; anything else is an engine bug.
                Err(InvokeError::NoSuchExport(_) | InvokeError::ArgumentMismatch) => {
                    Ending::Internal
                }
            },
            // Segments out of bounds (a Wasm trap during instantiation), a memory or table
            // past the call tree's budget or refused by the allocator: FAILURE. (Not
            // EVMC_OUT_OF_MEMORY: negative statuses make geth-style hosts panic.)
            Err(_) => Ending::Trap,
        };
        let (status, keep_gas, keep_output) = outcome::to_status(ending);
        Outcome {
            status,
            gas_left: if keep_gas { store.gas() } else { 0 },
            output: if keep_output {
                eei_host.eei.take_output()
            } else {
                Vec::new()
            },
            create_address: [0; 20],
        }
    }
}

/// The engine configuration for `opts`.
fn engine_config(opts: &CompileOptions) -> engine::Config {
    engine::Config {
        metering: opts.metering,
        max_memory_pages: opts.max_memory_pages,
        wasm: opts.wasm,
        translation: opts.translation,
        ..engine::Config::default()
    }
}

/// The step budget of one execution, in both metering modes: the message's gas (EWASM.md
/// section 4.2). With metering off Wasm instructions are free, yet a contract must not run
/// forever or do unbounded work: under the section 4 rules, and so under the sentinel's
/// injected `useGas` calls, every call and every loop iteration enters a metered block that
/// costs at least 1 gas, and bulk work pays at least 3 gas per 32 bytes, more than its
/// steps. A contract that takes more steps than its gas could pay for was not metered; it
/// stops with OUT_OF_GAS. Correctly metered contracts never reach the bound.
fn step_budget(gas: i64) -> u64 {
    u64::try_from(gas).unwrap_or(0)
}

/// How the engine's trap ends the execution. Host exits travel as `Trap::Host(exit as u8)`.
fn ending_of(trap: Trap) -> Ending {
    match trap {
        Trap::Host(code) => match HostExit::ALL.get(usize::from(code)) {
            Some(exit) => Ending::Exit(*exit),
            None => Ending::Internal,
        },
        Trap::OutOfGas | Trap::StepLimitExceeded => Ending::Exit(HostExit::OutOfGas),
        _ => Ending::Trap,
    }
}

/// The engine's host: dispatches host function ids (import positions) to the EEI. Bignum
/// imports never get here: they compile to the engine's `Bignum` instruction.
struct EeiHost<'e, 'a> {
    eei: Eei<'a>,
    imports: &'e [&'static ImportDef],
}

impl Host for EeiHost<'_, '_> {
    fn call(
        &mut self,
        func: HostFuncId,
        ctx: HostCallContext<'_>,
        args: &[u64],
        results: &mut [u64],
    ) -> Result<(), Trap> {
        let Some(def) = usize::try_from(func.0)
            .ok()
            .and_then(|i| self.imports.get(i))
        else {
            return Err(Trap::Host(HostExit::ContractValidationFailure as u8));
        };
        let (memory, written, gas) = ctx.split();
        let result = self.eei.call(def.func, memory, gas, args);
        let range = self.eei.take_written();
        written.mark(range.start, range.len());
        match result {
            Ok(value) => {
                if let (Some(v), Some(slot)) = (value, results.first_mut()) {
                    *slot = v;
                }
                Ok(())
            }
            Err(exit) => Err(Trap::Host(exit as u8)),
        }
    }
}

/// The engine operation and metered gas of a `bignum` table entry (`None` for others).
pub fn bignum_intrinsic(def: &ImportDef) -> Option<Intrinsic> {
    let op = match def.func {
        HostFn::Add256 => BigOp::Add,
        HostFn::Sub256 => BigOp::Sub,
        HostFn::Mul256 => BigOp::Mul,
        HostFn::Div256 => BigOp::Div,
        HostFn::Sdiv256 => BigOp::Sdiv,
        HostFn::Mod256 => BigOp::Mod,
        HostFn::Smod256 => BigOp::Smod,
        HostFn::Addmod256 => BigOp::AddMod,
        HostFn::Mulmod256 | HostFn::Umulmod256 => BigOp::MulMod,
        HostFn::Exp256 => BigOp::Exp,
        HostFn::Lt256 => BigOp::Lt,
        HostFn::Gt256 => BigOp::Gt,
        HostFn::Slt256 => BigOp::Slt,
        HostFn::Sgt256 => BigOp::Sgt,
        HostFn::Eq256 => BigOp::Eq,
        HostFn::Iszero256 => BigOp::IsZero,
        HostFn::And256 => BigOp::And,
        HostFn::Or256 => BigOp::Or,
        HostFn::Xor256 => BigOp::Xor,
        HostFn::Not256 => BigOp::Not,
        HostFn::Shl256 => BigOp::Shl,
        HostFn::Shr256 => BigOp::Shr,
        HostFn::Sar256 => BigOp::Sar,
        HostFn::Byte256 => BigOp::Byte,
        HostFn::Signextend256 => BigOp::SignExtend,
        HostFn::Submod256 => BigOp::SubMod,
        HostFn::Mulmodmont256 => BigOp::MulModMont,
        _ => return None,
    };
    Some(Intrinsic {
        op,
        base_gas: u32::try_from(def.base_gas).unwrap_or(u32::MAX),
        gas_per_exp_byte: u32::try_from(EXP256_GAS_PER_BYTE).unwrap_or(u32::MAX),
    })
}

/// The contract interface the gate checks, read off the compiled module.
fn interface_of(module: &Module) -> ContractInterface {
    let imports = module
        .imports()
        .iter()
        .map(|imp| ImportDesc {
            module: imp.module.clone(),
            name: imp.name.clone(),
            kind: match &imp.ty {
                ExternType::Func(ty) => {
                    ImportKind::Func(gate_types(&ty.params), gate_types(&ty.results))
                }
                ExternType::Memory(_) => ImportKind::Memory,
                ExternType::Table(_) => ImportKind::Table,
                ExternType::Global(_) => ImportKind::Global,
            },
        })
        .collect();
    let exports = module
        .exports()
        .into_iter()
        .map(|exp| ExportDesc {
            name: exp.name,
            kind: match exp.ty {
                ExternType::Func(ty) => {
                    ExportKind::Func(gate_types(&ty.params), gate_types(&ty.results))
                }
                ExternType::Memory(_) => ExportKind::Memory,
                ExternType::Table(_) => ExportKind::Table,
                ExternType::Global(_) => ExportKind::Global,
            },
        })
        .collect();
    ContractInterface {
        imports,
        exports,
        has_start: module.has_start(),
        memories_defined: u32::try_from(module.defined_memory_count()).unwrap_or(u32::MAX),
        memories_imported: u32::try_from(module.imported_memory_count()).unwrap_or(u32::MAX),
    }
}

fn gate_types(types: &[ValType]) -> Vec<table::ValType> {
    types.iter().map(|t| gate_type(*t)).collect()
}

fn gate_type(t: ValType) -> table::ValType {
    match t {
        ValType::I32 => table::ValType::I32,
        ValType::I64 => table::ValType::I64,
        ValType::F32 => table::ValType::F32,
        ValType::F64 => table::ValType::F64,
        ValType::FuncRef => table::ValType::FuncRef,
        ValType::ExternRef => table::ValType::ExternRef,
    }
}

fn engine_type(t: table::ValType) -> ValType {
    match t {
        table::ValType::I32 => ValType::I32,
        table::ValType::I64 => ValType::I64,
        table::ValType::F32 => ValType::F32,
        table::ValType::F64 => ValType::F64,
        table::ValType::FuncRef => ValType::FuncRef,
        table::ValType::ExternRef => ValType::ExternRef,
    }
}

/// The engine signature of an EEI table entry.
fn func_type_of(def: &ImportDef) -> FuncType {
    let params: Vec<ValType> = def
        .signature
        .params
        .iter()
        .map(|t| engine_type(*t))
        .collect();
    let results: Vec<ValType> = def
        .signature
        .results
        .iter()
        .map(|t| engine_type(*t))
        .collect();
    FuncType::new(&params, &results)
}
