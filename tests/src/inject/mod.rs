//! Sentinel-style gas injector: rewrites a module so that it pays for itself through
//! `ethereum.useGas`, which must cost exactly what SSVM's in-VM metering charges
//! (EWASM.md section 4).
//!
//! # Metered blocks (the interpretation implemented here)
//!
//! EWASM.md says: "A metered block starts at function entry, and right after every `block`,
//! `loop`, `if` and `else` opcode. Its cost starts at 1 and every instruction in it adds 1;
//! the `block`/`loop`/`if` opcode itself counts in the enclosing block; `end` and `else` are
//! free. The whole block is charged when it is entered, even if a branch leaves it early."
//!
//! Since no metered block starts after `end`, a metered block is exactly the instruction
//! sequence of one structured body at one nesting level:
//!
//! - the function body, the body of a `block` or `loop`, the `then` arm of an `if`, or the
//!   `else` arm of an `if`;
//! - it contains every instruction of that body that is *directly* in it: the nested
//!   `block`/`loop`/`if` opcodes count here (1 each), the instructions inside a nested
//!   construct do not (they belong to the nested construct's own metered blocks), and the
//!   instructions after a nested construct's `end` count here again;
//! - `end` and `else` cost nothing; the cost is `1 + (number of direct instructions)`, so an
//!   empty body costs 1.
//!
//! A metered block is charged once each time control enters it: at function entry, when a
//! `block` is entered, on every entry to a `loop` (falling in and every branch back to its
//! label), when an `if` takes its `then` arm, and when it takes its `else` arm (an `if`
//! without `else` whose condition is false charges nothing for the arm). Leaving early with
//! `br`, `br_if`, `br_table`, `return` or a trap refunds nothing.
//!
//! The injector realises this by emitting `i64.const cost; call $useGas` at the start of the
//! function body and right after every `block`, `loop`, `if` and `else` opcode. Before every
//! `memory.grow` it emits `local.tee $tmp; i64.extend_i32_u; i64.const 262144; i64.mul;
//! call $useGas; local.get $tmp`, where `$tmp` is an `i32` scratch local appended to that
//! function, so the extra 262144 gas per requested page is paid before growing (also when
//! the grow then fails). The dynamic charges of EWASM.md section 4.1 are paid the same way,
//! from the length on top of the stack: before `memory.copy`, `memory.fill` and
//! `memory.init`, `local.tee $tmp; i64.extend_i32_u; i64.const 31; i64.add; i64.const 5;
//! i64.shr_u; i64.const 3; i64.mul; call $useGas; local.get $tmp` (3 per started 32-byte
//! word), and before `table.copy`, `table.init`, `table.fill` and `table.grow`,
//! `local.tee $tmp; i64.extend_i32_u; call $useGas; local.get $tmp` (1 per element). Calls to imports are ordinary instructions (cost 1); what a host
//! function charges itself comes on top at run time. The injected instructions are not
//! metered.
//!
//! If the module already imports `ethereum.useGas` with type `(param i64)` it is reused.
//! Otherwise the import is appended after the existing imports, which shifts every defined
//! function index by one; `call`, `return_call`, `ref.func`, element segments, exports,
//! the start function and the name section are renumbered accordingly. Exception-handling
//! control (`try`, `catch`, `delegate`, `try_table`) and `memory.grow` on a 64-bit memory are
//! rejected with [`InjectError::Unsupported`]: Ewasm contracts use neither.

use std::fmt;

use wasm_encoder::reencode::{self, Reencode};
use wasm_encoder::{
    CodeSection, EntityType, Function, ImportSection, Instruction, Module, SectionId, TypeSection,
    ValType,
};
use wasmparser::{CompositeInnerType, FunctionBody, Operator, Parser, Payload, RecGroup, TypeRef};

/// Import module name of the gas function.
pub const USE_GAS_MODULE: &str = "ethereum";
/// Import field name of the gas function.
pub const USE_GAS_NAME: &str = "useGas";
/// Extra gas charged per requested page before `memory.grow` (EWASM.md section 4).
pub const GROW_GAS_PER_PAGE: u64 = 262_144;

/// Why a module could not be injected or analysed.
#[derive(Debug)]
pub enum InjectError {
    /// The input does not decode or does not validate.
    Invalid(wasmparser::BinaryReaderError),
    /// The module imports `ethereum.useGas` with a type other than `(param i64)`.
    UseGasSignature,
    /// The module uses a feature the injector does not rewrite (named).
    Unsupported(&'static str),
    /// A function or local index would overflow `u32` after rewriting.
    IndexOverflow,
    /// Re-encoding failed (message from `wasm-encoder`), or the metering plan and the
    /// re-encoded body disagreed (an internal bug).
    Encode(String),
}

impl fmt::Display for InjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(e) => write!(f, "invalid module: {e}"),
            Self::UseGasSignature => write!(f, "ethereum.useGas is imported with a wrong type"),
            Self::Unsupported(what) => write!(f, "unsupported by the gas injector: {what}"),
            Self::IndexOverflow => write!(f, "index overflow while injecting useGas"),
            Self::Encode(msg) => write!(f, "re-encoding failed: {msg}"),
        }
    }
}

impl std::error::Error for InjectError {}

impl From<wasmparser::BinaryReaderError> for InjectError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        Self::Invalid(e)
    }
}

impl From<reencode::Error<InjectError>> for InjectError {
    fn from(e: reencode::Error<InjectError>) -> Self {
        match e {
            reencode::Error::UserError(inner) => inner,
            reencode::Error::ParseError(p) => Self::Invalid(p),
            other => Self::Encode(other.to_string()),
        }
    }
}

/// Rewrites `wasm` so that it calls `ethereum.useGas` at every metered block entry and before
/// every `memory.grow`, as described in the module documentation. The input must validate.
pub fn inject_use_gas(wasm: &[u8]) -> Result<Vec<u8>, InjectError> {
    wasmparser::validate(wasm)?;
    let info = ModuleInfo::scan(wasm)?;
    let mut injector = Injector::new(info)?;
    let mut module = Module::new();
    injector.parse_core_module(&mut module, Parser::new(0), wasm)?;
    Ok(module.finish())
}

/// For each function defined in `wasm` (in code-section order), the cost of each of its
/// metered blocks in order of appearance (function entry first, then one per `block`,
/// `loop`, `if` and `else` opcode). The input must validate.
pub fn metered_block_costs(wasm: &[u8]) -> Result<Vec<Vec<u64>>, InjectError> {
    wasmparser::validate(wasm)?;
    let info = ModuleInfo::scan(wasm)?;
    let mut out = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::CodeSectionEntry(body) = payload? {
            out.push(plan_body(&body, &info.memory_is_64)?.costs);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Metering plan of one function body.

/// The metered blocks of one body and whether it needs a scratch local for a dynamic charge.
#[derive(Debug)]
struct BodyPlan {
    /// Cost of each metered block, in order of appearance.
    costs: Vec<u64>,
    /// The body contains `memory.grow` or a bulk operation (a dynamic charge).
    grows: bool,
}

/// What an instruction's dynamic charge is computed from (the `i32` on top of the stack).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dynamic {
    /// `memory.grow`: 262144 per page.
    Pages,
    /// `memory.copy/fill/init`: 3 per started 32-byte word.
    Bytes,
    /// `table.copy/init/fill/grow`: 1 per element.
    Elements,
}

/// How one operator affects the metered-block structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// `block`, `loop`, `if`: costs 1 in the current block, then opens a new metered block.
    Open,
    /// `else`: free; closes the `then` arm's block and opens the `else` arm's block.
    Else,
    /// `end`: free; closes the current block.
    End,
    /// Costs 1 like any instruction, plus the injected dynamic charge.
    Charged(Dynamic),
    /// Any other instruction: costs 1.
    Plain,
}

/// Classifies `op`; `memory_is_64[i]` tells whether memory `i` is a 64-bit memory.
fn classify(op: &Operator<'_>, memory_is_64: &[bool]) -> Result<Step, InjectError> {
    Ok(match op {
        Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => Step::Open,
        Operator::Else => Step::Else,
        Operator::End => Step::End,
        Operator::MemoryGrow { mem } => {
            let is_64 = usize::try_from(*mem)
                .ok()
                .and_then(|i| memory_is_64.get(i).copied())
                .unwrap_or(false);
            if is_64 {
                return Err(InjectError::Unsupported("memory.grow on a 64-bit memory"));
            }
            Step::Charged(Dynamic::Pages)
        }
        Operator::MemoryCopy { .. } | Operator::MemoryFill { .. } | Operator::MemoryInit { .. } => {
            Step::Charged(Dynamic::Bytes)
        }
        Operator::TableCopy { .. }
        | Operator::TableInit { .. }
        | Operator::TableFill { .. }
        | Operator::TableGrow { .. } => Step::Charged(Dynamic::Elements),
        Operator::Try { .. }
        | Operator::Catch { .. }
        | Operator::CatchAll
        | Operator::Delegate { .. }
        | Operator::TryTable { .. } => {
            return Err(InjectError::Unsupported("exception-handling control flow"))
        }
        _ => Step::Plain,
    })
}

/// Adds 1 to the metered block currently open (the top of `open`).
fn charge_current(costs: &mut [u64], open: &[usize]) -> Result<(), InjectError> {
    let slot = open
        .last()
        .and_then(|&i| costs.get_mut(i))
        .ok_or_else(|| InjectError::Encode("instruction outside any metered block".into()))?;
    *slot += 1;
    Ok(())
}

/// Computes the metered blocks of `body` (see the module documentation).
fn plan_body(body: &FunctionBody<'_>, memory_is_64: &[bool]) -> Result<BodyPlan, InjectError> {
    let mut costs = vec![1u64];
    // Index into `costs` of the metered block of each open structured body.
    let mut open = vec![0usize];
    let mut grows = false;
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        match classify(&reader.read()?, memory_is_64)? {
            Step::Open => {
                charge_current(&mut costs, &open)?;
                open.push(costs.len());
                costs.push(1);
            }
            Step::Else => {
                open.pop();
                open.push(costs.len());
                costs.push(1);
            }
            Step::End => {
                open.pop();
            }
            Step::Charged(_) => {
                grows = true;
                charge_current(&mut costs, &open)?;
            }
            Step::Plain => charge_current(&mut costs, &open)?,
        }
    }
    Ok(BodyPlan { costs, grows })
}

// ---------------------------------------------------------------------------------------
// What the injector needs to know about the module before rewriting it.

/// Facts about the input module gathered in one pass before re-encoding.
#[derive(Debug, Default)]
struct ModuleInfo {
    /// Per type index: the parameter count if it is a function type.
    type_params: Vec<Option<u32>>,
    /// Per type index: whether it is a function type `(param i64)` without results.
    type_is_use_gas: Vec<bool>,
    /// A type index equal to `(func (param i64))`, usable for a new import.
    use_gas_type: Option<u32>,
    /// Number of imported functions.
    func_imports: u32,
    /// Function index of an existing `ethereum.useGas` import, with its type index.
    existing_use_gas: Option<(u32, u32)>,
    /// Type index of each defined function.
    defined_types: Vec<u32>,
    /// Per memory index (imports first): whether it is a 64-bit memory.
    memory_is_64: Vec<bool>,
}

/// True iff the rec group is a lone, final, non-shared `(func (param i64))`.
fn is_use_gas_group(group: &RecGroup) -> bool {
    let mut types = group.types();
    let (Some(sub), None) = (types.next(), types.next()) else {
        return false;
    };
    match &sub.composite_type.inner {
        CompositeInnerType::Func(f) => {
            !group.is_explicit_rec_group()
                && sub.is_final
                && sub.supertype_idxs.is_empty()
                && !sub.composite_type.shared
                && f.params() == [wasmparser::ValType::I64]
                && f.results().is_empty()
        }
        _ => false,
    }
}

impl ModuleInfo {
    /// Scans the sections of a (validated) module.
    fn scan(wasm: &[u8]) -> Result<Self, InjectError> {
        let mut info = Self::default();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::TypeSection(reader) => {
                    for group in reader {
                        info.add_rec_group(&group?);
                    }
                }
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        info.add_import(&import?)?;
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        info.defined_types.push(ty?);
                    }
                }
                Payload::MemorySection(reader) => {
                    for memory in reader {
                        info.memory_is_64.push(memory?.memory64);
                    }
                }
                _ => {}
            }
        }
        Ok(info)
    }

    /// Records the types of one rec group.
    fn add_rec_group(&mut self, group: &RecGroup) {
        let first = self.type_params.len();
        if self.use_gas_type.is_none() && is_use_gas_group(group) {
            self.use_gas_type = u32::try_from(first).ok();
        }
        for sub in group.types() {
            let (params, use_gas) = match &sub.composite_type.inner {
                CompositeInnerType::Func(f) => (
                    u32::try_from(f.params().len()).ok(),
                    f.params() == [wasmparser::ValType::I64] && f.results().is_empty(),
                ),
                _ => (None, false),
            };
            self.type_params.push(params);
            self.type_is_use_gas.push(use_gas);
        }
    }

    /// Records one import, checking an existing `ethereum.useGas`.
    fn add_import(&mut self, import: &wasmparser::Import<'_>) -> Result<(), InjectError> {
        let is_use_gas = import.module == USE_GAS_MODULE && import.name == USE_GAS_NAME;
        match import.ty {
            TypeRef::Func(ty) | TypeRef::FuncExact(ty) => {
                if is_use_gas && self.existing_use_gas.is_none() {
                    self.existing_use_gas = Some((self.func_imports, ty));
                }
                self.func_imports += 1;
            }
            TypeRef::Memory(m) => self.memory_is_64.push(m.memory64),
            _ if is_use_gas => return Err(InjectError::UseGasSignature),
            _ => {}
        }
        Ok(())
    }

    /// Parameter count of the `index`-th defined function.
    fn params_of_defined(&self, index: usize) -> Result<u32, InjectError> {
        self.defined_types
            .get(index)
            .and_then(|&ty| usize::try_from(ty).ok())
            .and_then(|ty| self.type_params.get(ty).copied().flatten())
            .ok_or_else(|| InjectError::Encode(format!("no function type for body {index}")))
    }

    /// Checks that an existing `useGas` import has type `(param i64)`.
    fn check_existing_use_gas(&self, ty: u32) -> Result<(), InjectError> {
        let ok = usize::try_from(ty)
            .ok()
            .and_then(|i| self.type_is_use_gas.get(i).copied())
            .unwrap_or(false);
        if ok {
            Ok(())
        } else {
            Err(InjectError::UseGasSignature)
        }
    }
}

// ---------------------------------------------------------------------------------------
// The re-encoder.

/// Local declarations of a rewritten body.
#[derive(Debug)]
struct BodyLocals {
    /// `(count, type)` runs: the original ones, plus one `i32` when `scratch` is set.
    decls: Vec<(u32, ValType)>,
    /// Index of the appended `i32` scratch local used around `memory.grow`.
    scratch: Option<u32>,
}

/// Re-encodes a module, adding the `useGas` import and the gas charges.
#[derive(Debug)]
struct Injector {
    info: ModuleInfo,
    /// Function index of `useGas` in the output.
    use_gas: u32,
    /// Defined functions with an index at or above this one move up by one.
    shift_from: Option<u32>,
    /// Type index of `(func (param i64))` to append to the type section, if needed.
    new_type: Option<u32>,
    /// Type index used by the appended import, if one is needed.
    new_import: Option<u32>,
    types_done: bool,
    imports_done: bool,
    /// Index of the next function body to rewrite.
    next_body: usize,
}

impl Injector {
    /// Decides where `useGas` comes from, given the scanned module.
    fn new(info: ModuleInfo) -> Result<Self, InjectError> {
        let (use_gas, shift_from, new_type, new_import) = match info.existing_use_gas {
            Some((index, ty)) => {
                info.check_existing_use_gas(ty)?;
                (index, None, None, None)
            }
            None => {
                let (ty, new_type) = match info.use_gas_type {
                    Some(ty) => (ty, None),
                    None => {
                        let ty = u32::try_from(info.type_params.len())
                            .map_err(|_| InjectError::IndexOverflow)?;
                        (ty, Some(ty))
                    }
                };
                let index = info.func_imports;
                (index, Some(index), new_type, Some(ty))
            }
        };
        Ok(Self {
            info,
            use_gas,
            shift_from,
            new_type,
            new_import,
            types_done: false,
            imports_done: false,
            next_body: 0,
        })
    }

    /// Appends the `useGas` function type if one has to be added.
    fn append_type(&self, types: &mut TypeSection) {
        if self.new_type.is_some() {
            types.ty().function([ValType::I64], []);
        }
    }

    /// Appends the `useGas` import if one has to be added.
    fn append_import(&self, imports: &mut ImportSection) {
        if let Some(ty) = self.new_import {
            imports.import(USE_GAS_MODULE, USE_GAS_NAME, EntityType::Function(ty));
        }
    }

    /// Emits `i64.const cost; call $useGas`.
    fn emit_charge(&self, f: &mut Function, cost: Option<u64>) -> Result<(), InjectError> {
        let cost = cost.ok_or_else(|| InjectError::Encode("metering plan too short".into()))?;
        let cost = i64::try_from(cost).map_err(|_| InjectError::IndexOverflow)?;
        f.instruction(&Instruction::I64Const(cost));
        f.instruction(&Instruction::Call(self.use_gas));
        Ok(())
    }

    /// Emits the dynamic charge of `kind` from the `i32` on top of the stack, keeping it
    /// there.
    fn emit_dynamic_charge(&self, f: &mut Function, scratch: u32, kind: Dynamic) {
        f.instruction(&Instruction::LocalTee(scratch));
        f.instruction(&Instruction::I64ExtendI32U);
        match kind {
            Dynamic::Pages => {
                f.instruction(&Instruction::I64Const(GROW_GAS_PER_PAGE as i64));
                f.instruction(&Instruction::I64Mul);
            }
            Dynamic::Bytes => {
                f.instruction(&Instruction::I64Const(31));
                f.instruction(&Instruction::I64Add);
                f.instruction(&Instruction::I64Const(5));
                f.instruction(&Instruction::I64ShrU);
                f.instruction(&Instruction::I64Const(3));
                f.instruction(&Instruction::I64Mul);
            }
            Dynamic::Elements => {}
        }
        f.instruction(&Instruction::Call(self.use_gas));
        f.instruction(&Instruction::LocalGet(scratch));
    }

    /// Builds the output function's local declarations and the scratch local index.
    fn locals(
        &mut self,
        body: &FunctionBody<'_>,
        index: usize,
        grows: bool,
    ) -> Result<BodyLocals, reencode::Error<InjectError>> {
        let mut locals = Vec::new();
        let mut declared = 0u32;
        for pair in body.get_locals_reader()? {
            let (count, ty) = pair?;
            declared = declared
                .checked_add(count)
                .ok_or(reencode::Error::UserError(InjectError::IndexOverflow))?;
            locals.push((count, self.val_type(ty)?));
        }
        if !grows {
            return Ok(BodyLocals {
                decls: locals,
                scratch: None,
            });
        }
        let params = self
            .info
            .params_of_defined(index)
            .map_err(reencode::Error::UserError)?;
        let scratch = params
            .checked_add(declared)
            .ok_or(reencode::Error::UserError(InjectError::IndexOverflow))?;
        locals.push((1, ValType::I32));
        Ok(BodyLocals {
            decls: locals,
            scratch: Some(scratch),
        })
    }
}

impl Reencode for Injector {
    type Error = InjectError;

    fn function_index(&mut self, func: u32) -> Result<u32, reencode::Error<InjectError>> {
        match self.shift_from {
            Some(from) if func >= from => func
                .checked_add(1)
                .ok_or(reencode::Error::UserError(InjectError::IndexOverflow)),
            _ => Ok(func),
        }
    }

    fn parse_type_section(
        &mut self,
        types: &mut TypeSection,
        section: wasmparser::TypeSectionReader<'_>,
    ) -> Result<(), reencode::Error<InjectError>> {
        reencode::utils::parse_type_section(self, types, section)?;
        self.append_type(types);
        self.types_done = true;
        Ok(())
    }

    fn parse_import_section(
        &mut self,
        imports: &mut ImportSection,
        section: wasmparser::ImportSectionReader<'_>,
    ) -> Result<(), reencode::Error<InjectError>> {
        reencode::utils::parse_import_section(self, imports, section)?;
        self.append_import(imports);
        self.imports_done = true;
        Ok(())
    }

    fn intersperse_section_hook(
        &mut self,
        module: &mut Module,
        _after: Option<SectionId>,
        before: Option<SectionId>,
    ) -> Result<(), reencode::Error<InjectError>> {
        // Type (1) and Import (2) come before every other non-custom section, so a missing
        // one is emitted just before the first section that must follow it.
        if before != Some(SectionId::Type) && !self.types_done {
            self.types_done = true;
            if self.new_type.is_some() {
                let mut types = TypeSection::new();
                self.append_type(&mut types);
                module.section(&types);
            }
        }
        if before != Some(SectionId::Type)
            && before != Some(SectionId::Import)
            && !self.imports_done
        {
            self.imports_done = true;
            if self.new_import.is_some() {
                let mut imports = ImportSection::new();
                self.append_import(&mut imports);
                module.section(&imports);
            }
        }
        Ok(())
    }

    fn parse_function_body(
        &mut self,
        code: &mut CodeSection,
        body: FunctionBody<'_>,
    ) -> Result<(), reencode::Error<InjectError>> {
        let user = reencode::Error::UserError;
        let index = self.next_body;
        self.next_body += 1;
        let plan = plan_body(&body, &self.info.memory_is_64).map_err(user)?;
        let BodyLocals { decls, scratch } = self.locals(&body, index, plan.grows)?;
        let mut f = Function::new(decls);
        let mut costs = plan.costs.iter().copied();
        self.emit_charge(&mut f, costs.next()).map_err(user)?;
        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            let step = classify(&op, &self.info.memory_is_64).map_err(user)?;
            if let (Step::Charged(kind), Some(tmp)) = (step, scratch) {
                self.emit_dynamic_charge(&mut f, tmp, kind);
            }
            f.instruction(&self.instruction(op)?);
            if matches!(step, Step::Open | Step::Else) {
                self.emit_charge(&mut f, costs.next()).map_err(user)?;
            }
        }
        code.function(&f);
        Ok(())
    }
}

#[cfg(test)]
mod wasmi_runner;
#[cfg(test)]
pub(crate) use wasmi_runner::run_wasmi;

#[cfg(test)]
mod tests;
