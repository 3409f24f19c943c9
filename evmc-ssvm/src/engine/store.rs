//! The store: all instances, functions, memories, tables and globals by index handle (the
//! spec's store model), instantiation with segment initialisation, and the invoke API.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::budget::MemoryBudget;
use super::config::Config;
use super::exec::{self, Machine};
use super::host::{Host, HostFuncId};
use super::memory::{Memory, MemoryError};
use super::module::{ConstExpr, Module, ModuleInner};
use super::table::{Table, TableError};
use super::trap::Trap;
use super::types::{ref_to_raw, ExternType, FuncType, GlobalType, Limits, TableType, Value};

/// Handle of an instance inside its `Store`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstanceId(pub(crate) u32);

/// An entity handle inside a `Store` (the store address of a function, table, memory or global).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    /// Function address.
    Func(u32),
    /// Table address.
    Table(u32),
    /// Memory address.
    Memory(u32),
    /// Global address.
    Global(u32),
}

/// Why instantiation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstantiateError {
    /// The number of provided imports differs from the module's.
    ImportCount {
        /// Imports the module declares.
        expected: usize,
        /// Imports provided.
        provided: usize,
    },
    /// A provided import has the wrong kind or type.
    IncompatibleImport {
        /// Import module name.
        module: String,
        /// Import field name.
        name: String,
    },
    /// A memory's initial size exceeds the configured page cap.
    MemoryTooLarge,
    /// A table's initial size exceeds the engine's table cap.
    TableTooLarge,
    /// A memory or table would pass the call tree's memory budget.
    OverMemoryBudget,
    /// The system allocator refused a memory or table.
    AllocationFailed,
    /// An element segment does not fit its table.
    ElemOutOfBounds,
    /// A data segment does not fit its memory.
    DataOutOfBounds,
    /// The start function trapped.
    Start(Trap),
}

impl fmt::Display for InstantiateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ImportCount { expected, provided } => write!(
                f,
                "unknown import: expected {expected} imports, got {provided}"
            ),
            Self::IncompatibleImport { module, name } => {
                write!(f, "incompatible import type for {module}.{name}")
            }
            Self::MemoryTooLarge => f.write_str("memory size exceeds the configured page limit"),
            Self::TableTooLarge => f.write_str("table size exceeds the engine's element limit"),
            Self::OverMemoryBudget => f.write_str("the call tree's memory budget is exhausted"),
            Self::AllocationFailed => f.write_str("the system allocator refused the memory"),
            Self::ElemOutOfBounds => f.write_str("out of bounds table access"),
            Self::DataOutOfBounds => f.write_str("out of bounds memory access"),
            Self::Start(trap) => write!(f, "{trap}"),
        }
    }
}

impl std::error::Error for InstantiateError {}

impl From<MemoryError> for InstantiateError {
    fn from(e: MemoryError) -> Self {
        match e {
            MemoryError::TooLarge => Self::MemoryTooLarge,
            MemoryError::OverBudget => Self::OverMemoryBudget,
            MemoryError::AllocationFailed => Self::AllocationFailed,
        }
    }
}

impl From<TableError> for InstantiateError {
    fn from(e: TableError) -> Self {
        match e {
            TableError::TooLarge => Self::TableTooLarge,
            TableError::OverBudget => Self::OverMemoryBudget,
            TableError::AllocationFailed => Self::AllocationFailed,
        }
    }
}

/// How active element and data segments are written at instantiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SegmentInit {
    /// Current spec (Wasm 2.0+): segments are written in order; an out-of-bounds segment
    /// traps, and earlier writes persist.
    #[default]
    InOrder,
    /// Wasm 1.0: every segment is bounds-checked before any is written, so a failing
    /// instantiation leaves shared tables and memories untouched.
    Atomic,
}

/// Why `Store::invoke` failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InvokeError {
    /// No function export of that name.
    NoSuchExport(String),
    /// Argument count or types do not match the signature.
    ArgumentMismatch,
    /// Execution trapped.
    Trap(Trap),
}

impl fmt::Display for InvokeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchExport(name) => write!(f, "no function export named {name:?}"),
            Self::ArgumentMismatch => f.write_str("argument mismatch"),
            Self::Trap(trap) => write!(f, "{trap}"),
        }
    }
}

impl std::error::Error for InvokeError {}

impl From<Trap> for InvokeError {
    fn from(t: Trap) -> Self {
        InvokeError::Trap(t)
    }
}

/// What a function address refers to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FuncKind {
    /// Defined function `index` (in `funcs` of the module) of instance `instance`.
    Wasm { instance: u32, index: u32 },
    /// Host function.
    Host(HostFuncId),
}

/// A function in the store, with its interned signature id.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FuncInst {
    pub sig: u32,
    pub kind: FuncKind,
}

/// A global in the store.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Global {
    pub ty: GlobalType,
    pub value: u64,
}

/// An instantiated module: its index spaces mapped to store addresses.
#[derive(Debug)]
pub(crate) struct InstanceData {
    pub module: Arc<ModuleInner>,
    pub funcs: Vec<u32>,
    /// Interned signature id of each module type index.
    pub sig_ids: Vec<u32>,
    /// Memory address (0 = the empty sentinel memory).
    pub memory: u32,
    /// Table addresses, by table index.
    pub tables: Vec<u32>,
    pub globals: Vec<u32>,
    /// The entity of each export, in the module's export order.
    pub exports: Vec<Extern>,
    /// Each element segment's references (raw, resolved at instantiation), and whether it
    /// was dropped (`elem.drop`, or by instantiation for active and declared segments).
    pub elems: Vec<Box<[u64]>>,
    pub elem_dropped: Vec<Cell<bool>>,
    /// Whether each data segment was dropped (`data.drop`, or instantiation for active
    /// ones); the bytes are the module's.
    pub data_dropped: Vec<Cell<bool>>,
}

impl InstanceData {
    /// The live references of element segment `seg` (none once dropped).
    pub(crate) fn elem(&self, seg: u32) -> &[u64] {
        let live = self
            .elem_dropped
            .get(seg as usize)
            .is_some_and(|d| !d.get());
        match self.elems.get(seg as usize) {
            Some(items) if live => items,
            _ => &[],
        }
    }

    /// The live bytes of data segment `seg` (none once dropped).
    pub(crate) fn data(&self, seg: u32) -> &[u8] {
        let live = self
            .data_dropped
            .get(seg as usize)
            .is_some_and(|d| !d.get());
        match self.module.datas.get(seg as usize) {
            Some(d) if live => &d.bytes,
            _ => &[],
        }
    }
}

/// All entities, split by kind so the interpreter can borrow them independently.
#[derive(Debug)]
pub(crate) struct Entities {
    pub instances: Vec<InstanceData>,
    pub funcs: Vec<FuncInst>,
    pub sigs: Vec<FuncType>,
    pub memories: Vec<Memory>,
    pub tables: Vec<Table>,
    pub globals: Vec<Global>,
}

/// Owns every runtime entity plus the reusable value stack and the gas counter.
#[derive(Debug)]
pub struct Store {
    pub(crate) ent: Entities,
    sig_map: HashMap<FuncType, u32>,
    config: Config,
    machine: Machine,
    gas: i64,
    segment_init: SegmentInit,
    /// Where memories and tables take their pages from.
    budget: MemoryBudget,
}

/// Signatures a store finds by a scan before it keeps a map.
const SIG_SCAN: usize = 16;

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Store {
    /// Creates an empty store running under `config`'s limits, with no memory budget
    /// beyond them.
    pub fn new(config: Config) -> Self {
        Store::with_budget(config, MemoryBudget::default())
    }

    /// Creates an empty store whose memories and tables take their pages from `budget`
    /// (shared with the other stores of a call tree, EWASM.md section 4.2).
    pub fn with_budget(config: Config, budget: MemoryBudget) -> Self {
        let empty = Limits {
            min: 0,
            max: Some(0),
        };
        let sentinel_memory = Memory::new(empty, 0, &budget)
            .unwrap_or_else(|_| unreachable!("zero pages always fit"));
        let empty_table = TableType {
            elem: super::types::RefType::Func,
            limits: empty,
        };
        let sentinel_table = Table::new(empty_table, 0, &budget)
            .unwrap_or_else(|_| unreachable!("zero slots always fit"));
        Self {
            ent: Entities {
                instances: Vec::new(),
                funcs: Vec::new(),
                sigs: Vec::new(),
                memories: vec![sentinel_memory],
                tables: vec![sentinel_table],
                globals: Vec::new(),
            },
            sig_map: HashMap::new(),
            config,
            machine: Machine::pooled(),
            gas: i64::MAX,
            segment_init: SegmentInit::default(),
            budget,
        }
    }

    /// The store's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Selects how later instantiations write their segments.
    pub fn set_segment_init(&mut self, mode: SegmentInit) {
        self.segment_init = mode;
    }

    /// Gas left (shared by metering and host functions).
    pub fn gas(&self) -> i64 {
        self.gas
    }

    /// Sets the gas counter.
    pub fn set_gas(&mut self, gas: i64) {
        self.gas = gas;
    }

    /// The id of signature `ty` (structural: equal signatures share an id), added if new.
    /// Up to [`SIG_SCAN`] signatures are found by a scan (a contract's few), more through
    /// `sig_map`.
    fn intern(&mut self, ty: &FuncType) -> u32 {
        let sigs = &self.ent.sigs;
        let found = if sigs.len() <= SIG_SCAN {
            // The same type lists first (an instantiation interns its module's types, which
            // its host functions usually share), then equal ones.
            sigs.iter()
                .position(|s| s.same_lists(ty))
                .or_else(|| sigs.iter().position(|s| s == ty))
                .map(to_u32)
        } else {
            self.sig_map.get(ty).copied()
        };
        if let Some(id) = found {
            return id;
        }
        let id = to_u32(self.ent.sigs.len());
        self.ent.sigs.push(ty.clone());
        if self.ent.sigs.len() > SIG_SCAN {
            if self.sig_map.is_empty() {
                let all = self.ent.sigs.iter().enumerate();
                self.sig_map = all.map(|(i, s)| (s.clone(), to_u32(i))).collect();
            } else {
                self.sig_map.insert(ty.clone(), id);
            }
        }
        id
    }

    /// Allocates a host function with signature `ty` that calls `Host::call` with `id`.
    pub fn alloc_host_func(&mut self, ty: &FuncType, id: HostFuncId) -> Extern {
        let sig = self.intern(ty);
        self.ent.funcs.push(FuncInst {
            sig,
            kind: FuncKind::Host(id),
        });
        Extern::Func(to_u32(self.ent.funcs.len() - 1))
    }

    /// Allocates a standalone memory (e.g. for a host module); `None` above the page cap or
    /// the budget.
    pub fn alloc_memory(&mut self, limits: Limits) -> Option<Extern> {
        let mem = Memory::new(limits, self.config.page_cap(), &self.budget).ok()?;
        self.ent.memories.push(mem);
        Some(Extern::Memory(to_u32(self.ent.memories.len() - 1)))
    }

    /// Allocates a standalone table of null references; `None` above the table cap or the
    /// budget.
    pub fn alloc_table(&mut self, ty: TableType) -> Option<Extern> {
        self.ent.tables.push(Table::new(ty, 0, &self.budget).ok()?);
        Some(Extern::Table(to_u32(self.ent.tables.len() - 1)))
    }

    /// Allocates a standalone global holding `value`.
    pub fn alloc_global(&mut self, mutable: bool, value: Value) -> Extern {
        self.ent.globals.push(Global {
            ty: GlobalType {
                ty: value.ty(),
                mutable,
            },
            value: value.to_raw(),
        });
        Extern::Global(to_u32(self.ent.globals.len() - 1))
    }

    /// Looks up an export of an instance.
    pub fn export(&self, instance: InstanceId, name: &str) -> Option<Extern> {
        let inst = self.ent.instances.get(instance.0 as usize)?;
        let i = inst.module.export_index(name)?;
        inst.exports.get(i).copied()
    }

    /// All exports of an instance, in the module's order.
    pub fn exports(&self, instance: InstanceId) -> Vec<(String, Extern)> {
        self.ent
            .instances
            .get(instance.0 as usize)
            .map(|i| {
                let names = i.module.exports.iter().map(|(name, _, _)| name.clone());
                names.zip(i.exports.iter().copied()).collect()
            })
            .unwrap_or_default()
    }

    /// The current value of a global.
    pub fn global_value(&self, global: Extern) -> Option<Value> {
        let Extern::Global(addr) = global else {
            return None;
        };
        let g = self.ent.globals.get(addr as usize)?;
        Some(Value::from_raw(g.ty.ty, g.value))
    }

    /// A memory by handle.
    pub fn memory(&self, memory: Extern) -> Option<&Memory> {
        let Extern::Memory(addr) = memory else {
            return None;
        };
        self.ent.memories.get(addr as usize)
    }

    /// A table by handle.
    pub fn table(&self, table: Extern) -> Option<&Table> {
        let Extern::Table(addr) = table else {
            return None;
        };
        self.ent.tables.get(addr as usize)
    }

    /// A memory by handle, mutable.
    pub fn memory_mut(&mut self, memory: Extern) -> Option<&mut Memory> {
        let Extern::Memory(addr) = memory else {
            return None;
        };
        self.ent.memories.get_mut(addr as usize)
    }

    /// The signature of a function handle.
    pub fn func_type(&self, func: Extern) -> Option<&FuncType> {
        let Extern::Func(addr) = func else {
            return None;
        };
        let f = self.ent.funcs.get(addr as usize)?;
        self.ent.sigs.get(f.sig as usize)
    }

    /// The type of any entity handle (for import matching).
    pub fn extern_type(&self, ext: Extern) -> Option<ExternType> {
        Some(match ext {
            Extern::Func(_) => ExternType::Func(self.func_type(ext)?.clone()),
            Extern::Table(a) => ExternType::Table(self.ent.tables.get(a as usize)?.ty()),
            Extern::Memory(a) => ExternType::Memory(self.ent.memories.get(a as usize)?.limits()),
            Extern::Global(a) => ExternType::Global(self.ent.globals.get(a as usize)?.ty),
        })
    }

    fn import_matches(&self, ext: Extern, want: &ExternType) -> bool {
        if let (Extern::Func(_), ExternType::Func(want)) = (ext, want) {
            // Without `extern_type`'s copy of the signature.
            return self.func_type(ext) == Some(want);
        }
        match (self.extern_type(ext), want) {
            (Some(ExternType::Func(have)), ExternType::Func(want)) => &have == want,
            (Some(ExternType::Table(have)), ExternType::Table(want)) => {
                have.elem == want.elem && have.limits.matches(&want.limits)
            }
            (Some(ExternType::Memory(have)), ExternType::Memory(want)) => have.matches(want),
            (Some(ExternType::Global(have)), ExternType::Global(want)) => &have == want,
            _ => false,
        }
    }

    /// Instantiates `module` with `imports` given in the module's import order: allocates its
    /// entities, initialises element then data segments in order (earlier writes persist if a
    /// later segment is out of bounds), then runs the start function.
    pub fn instantiate(
        &mut self,
        module: &Module,
        imports: &[Extern],
        host: &mut dyn Host,
    ) -> Result<InstanceId, InstantiateError> {
        let m = Arc::clone(&module.inner);
        if imports.len() != m.imports.len() {
            return Err(InstantiateError::ImportCount {
                expected: m.imports.len(),
                provided: imports.len(),
            });
        }
        self.ent.sigs.reserve(m.types.len());
        let mut inst = InstanceData {
            module: Arc::clone(&m),
            funcs: Vec::new(),
            sig_ids: m.types.iter().map(|t| self.intern(t)).collect(),
            memory: 0,
            tables: Vec::new(),
            globals: Vec::new(),
            exports: Vec::with_capacity(m.exports.len()),
            elems: Vec::new(),
            elem_dropped: Vec::new(),
            data_dropped: m.datas.iter().map(|_| Cell::new(false)).collect(),
        };
        for (ext, import) in imports.iter().zip(&m.imports) {
            if !self.import_matches(*ext, &import.ty) {
                return Err(InstantiateError::IncompatibleImport {
                    module: import.module.clone(),
                    name: import.name.clone(),
                });
            }
            match *ext {
                Extern::Func(a) => inst.funcs.push(a),
                Extern::Table(a) => inst.tables.push(a),
                Extern::Memory(a) => inst.memory = a,
                Extern::Global(a) => inst.globals.push(a),
            }
        }
        self.alloc_defined(&m, &mut inst)?;
        for (_, kind, index) in &m.exports {
            let i = *index as usize;
            let ext = match kind {
                wasmparser::ExternalKind::Func => inst.funcs.get(i).map(|a| Extern::Func(*a)),
                wasmparser::ExternalKind::Table => inst.tables.get(i).map(|a| Extern::Table(*a)),
                wasmparser::ExternalKind::Memory => Some(Extern::Memory(inst.memory)),
                wasmparser::ExternalKind::Global => inst.globals.get(i).map(|a| Extern::Global(*a)),
                _ => None,
            };
            // Validation admits only these kinds, with indices in range.
            inst.exports.push(ext.unwrap_or(Extern::Func(0)));
        }
        let id = to_u32(self.ent.instances.len());
        let start = m.start.and_then(|s| inst.funcs.get(s as usize).copied());
        self.ent.instances.push(inst);
        self.init_segments(id as usize)?;
        if let Some(func) = start {
            self.call(host, func, &[])
                .map_err(InstantiateError::Start)?;
        }
        Ok(InstanceId(id))
    }

    fn alloc_defined(
        &mut self,
        m: &ModuleInner,
        inst: &mut InstanceData,
    ) -> Result<(), InstantiateError> {
        let id = to_u32(self.ent.instances.len());
        // One entry per defined function (a tight loop: a module may define thousands).
        let first = to_u32(self.ent.funcs.len());
        let types = m
            .func_types
            .get(m.num_imported_funcs as usize..)
            .unwrap_or(&[]);
        let sig_ids = &inst.sig_ids;
        self.ent
            .funcs
            .extend(types.iter().zip(0u32..).map(|(ty, index)| FuncInst {
                sig: sig_ids.get(*ty as usize).copied().unwrap_or(0),
                kind: FuncKind::Wasm {
                    instance: id,
                    index,
                },
            }));
        inst.funcs.extend(first..to_u32(self.ent.funcs.len()));
        for (ty, init) in &m.tables {
            let init = self.eval_const(inst, *init);
            let table = Table::new(*ty, init, &self.budget)?;
            self.ent.tables.push(table);
            inst.tables.push(to_u32(self.ent.tables.len() - 1));
        }
        for limits in &m.memories {
            let mem = Memory::new(*limits, self.config.page_cap(), &self.budget)?;
            self.ent.memories.push(mem);
            inst.memory = to_u32(self.ent.memories.len() - 1);
        }
        for (ty, init) in &m.globals {
            let value = self.eval_const(inst, *init);
            self.ent.globals.push(Global { ty: *ty, value });
            inst.globals.push(to_u32(self.ent.globals.len() - 1));
        }
        for seg in &m.elems {
            let items: Box<[u64]> = seg
                .items
                .iter()
                .map(|e| self.eval_const(inst, *e))
                .collect();
            inst.elems.push(items);
            inst.elem_dropped.push(Cell::new(false));
        }
        Ok(())
    }

    /// The raw value of a constant expression in `inst` (whose functions and the globals
    /// the expression may read are allocated).
    fn eval_const(&self, inst: &InstanceData, expr: ConstExpr) -> u64 {
        match expr {
            ConstExpr::Value(v) => v,
            ConstExpr::GlobalGet(i) => inst
                .globals
                .get(i as usize)
                .and_then(|a| self.ent.globals.get(*a as usize))
                .map_or(0, |g| g.value),
            ConstExpr::RefFunc(f) => ref_to_raw(inst.funcs.get(f as usize).copied()),
        }
    }

    /// Writes the active segments in order (elements, then data) and drops the active and
    /// declared ones, as the 2.0 instantiation's `table.init`/`memory.init` + drops do.
    fn init_segments(&mut self, id: usize) -> Result<(), InstantiateError> {
        let Some(inst) = self.ent.instances.get(id) else {
            return Ok(());
        };
        let m = Arc::clone(&inst.module);
        if self.segment_init == SegmentInit::Atomic {
            self.check_segments(id)?;
        }
        for (k, seg) in m.elems.iter().enumerate() {
            let inst = &self.ent.instances[id];
            if let Some(d) = inst.elem_dropped.get(k) {
                // Only passive segments stay for `table.init`.
                d.set(seg.active.is_some() || seg.declared);
            }
            let Some((table, offset)) = seg.active else {
                continue;
            };
            let offset = self.eval_const(inst, offset) as u32 as usize;
            let addr = inst.tables.get(table as usize).copied().unwrap_or(0) as usize;
            let items = inst.elems.get(k).cloned().unwrap_or_default();
            let t = self
                .ent
                .tables
                .get_mut(addr)
                .ok_or(InstantiateError::ElemOutOfBounds)?;
            let slots = offset
                .checked_add(items.len())
                .and_then(|end| t.elems.get_mut(offset..end))
                .ok_or(InstantiateError::ElemOutOfBounds)?;
            slots.copy_from_slice(&items);
        }
        for (k, seg) in m.datas.iter().enumerate() {
            let Some(offset) = seg.active else {
                continue;
            };
            let inst = &self.ent.instances[id];
            if let Some(d) = inst.data_dropped.get(k) {
                d.set(true);
            }
            let offset = self.eval_const(inst, offset) as u32 as usize;
            let memory = inst.memory as usize;
            let written = self
                .ent
                .memories
                .get_mut(memory)
                .is_some_and(|mem| mem.write(offset, &seg.bytes));
            if !written {
                return Err(InstantiateError::DataOutOfBounds);
            }
        }
        Ok(())
    }

    /// For [`SegmentInit::Atomic`]: every active segment fits before any is written.
    fn check_segments(&self, id: usize) -> Result<(), InstantiateError> {
        let inst = &self.ent.instances[id];
        let m = &inst.module;
        for seg in &m.elems {
            let Some((table, offset)) = seg.active else {
                continue;
            };
            let offset = self.eval_const(inst, offset) as u32 as usize;
            let addr = inst.tables.get(table as usize).copied().unwrap_or(0) as usize;
            let len = self.ent.tables.get(addr).map_or(0, Table::len);
            if offset + seg.items.len() > len {
                return Err(InstantiateError::ElemOutOfBounds);
            }
        }
        let mem_len = self
            .ent
            .memories
            .get(inst.memory as usize)
            .map_or(0, |mem| mem.data.len());
        for seg in &m.datas {
            let Some(offset) = seg.active else {
                continue;
            };
            let offset = self.eval_const(inst, offset) as u32 as usize;
            if offset + seg.bytes.len() > mem_len {
                return Err(InstantiateError::DataOutOfBounds);
            }
        }
        Ok(())
    }

    /// Calls the function at store address `func` with raw argument slots; returns raw results.
    pub fn call(&mut self, host: &mut dyn Host, func: u32, args: &[u64]) -> Result<Vec<u64>, Trap> {
        let limits = exec::Limits {
            max_call_depth: self.config.max_call_depth as usize,
            max_value_stack: self.config.max_value_stack as usize,
            metering: self.config.metering,
            steps: self.config.step_limit.unwrap_or(u64::MAX),
        };
        exec::call(
            &mut self.ent,
            &mut self.machine,
            &limits,
            &mut self.gas,
            host,
            func,
            args,
        )
    }

    /// Invokes the exported function `name` of `instance` with typed arguments.
    pub fn invoke(
        &mut self,
        host: &mut dyn Host,
        instance: InstanceId,
        name: &str,
        args: &[Value],
    ) -> Result<Vec<Value>, InvokeError> {
        let Some(Extern::Func(func)) = self.export(instance, name) else {
            return Err(InvokeError::NoSuchExport(name.to_string()));
        };
        let ty = self
            .func_type(Extern::Func(func))
            .cloned()
            .unwrap_or_default();
        if ty.params.len() != args.len() || ty.params.iter().zip(args).any(|(t, a)| *t != a.ty()) {
            return Err(InvokeError::ArgumentMismatch);
        }
        let raw: Vec<u64> = args.iter().map(|a| a.to_raw()).collect();
        let results = self.call(host, func, &raw)?;
        Ok(ty
            .results
            .iter()
            .zip(results)
            .map(|(t, r)| Value::from_raw(*t, r))
            .collect())
    }
}
