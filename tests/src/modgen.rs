//! Deterministic generator of valid, always-terminating Ewasm-shaped modules for the
//! gas-metering equivalence tests (in-VM metering versus the `useGas` injector).
//!
//! Every generated module has this shape (encoded directly with `wasm-encoder`, so
//! generation cannot fail):
//!
//! - function 0 is the only import, `ethereum.useGas (param i64)`;
//! - functions `1..=n` (`n` in 1..=4) are helpers `(param i64 i64) (result i64)`; helper `i`
//!   only calls helpers `j < i`, so the call graph is acyclic;
//! - function `n + 1` is `main: () -> ()`, exported as `main`; it ends by storing an `i64`
//!   checksum of its locals and the globals at address 0;
//! - one memory of 1 page with a maximum of [`MAX_PAGES`] pages, exported as `memory`;
//!   three mutable `i64` globals;
//! - WebAssembly 2.0: one `funcref` table of [`TABLE_MIN`] to [`TABLE_MAX`] elements, a
//!   passive element segment of the helpers, and a passive data segment of
//!   [`DATA_BYTES`] bytes.
//!
//! Bodies mix nested `block`/`loop`/`if`/`else`, forward `br`/`br_if`/`br_table` to `block`
//! and `if` labels (never to a `loop` label), loops bounded by a dedicated `i32` counter local
//! (at most [`MAX_LOOP_ITERATIONS`] iterations, nesting at most [`MAX_LOOP_NESTING`]),
//! integer arithmetic on locals and globals (divisors are forced odd, so non-zero), 8-byte
//! loads and stores at addresses masked into the first page, `memory.grow` by 0–2 pages,
//! explicit `useGas` calls with small amounts, bulk memory (`memory.fill/copy/init`, with
//! lengths computed at run time) and table operations (`table.fill/copy/init/grow/size`),
//! and calls to helpers. Inside loops only the
//! leaf helper 1 may be called, and each function makes at most [`MAX_CALLS`] calls, which
//! bounds the total work. No instruction can trap.

use std::borrow::Cow;

use crate::rng::Rng;

use wasm_encoder::{
    BlockType, CodeSection, ConstExpr, DataCountSection, DataSection, ElementSection, Elements,
    EntityType, ExportKind, ExportSection, Function, FunctionSection, GlobalSection, GlobalType,
    HeapType, ImportSection, Instruction, MemArg, MemArgTarget, MemorySection, MemoryType, Module,
    RefType, TableSection, TableType, TypeSection, ValType,
};

/// Maximum memory size of generated modules, in pages.
pub const MAX_PAGES: u64 = 4;
/// Maximum number of iterations of one generated loop per entry.
pub const MAX_LOOP_ITERATIONS: i32 = 4;
/// Maximum nesting depth of generated loops.
pub const MAX_LOOP_NESTING: u32 = 2;
/// Maximum number of call sites to helpers in one generated function.
pub const MAX_CALLS: u32 = 3;
/// Initial and maximum size of the table.
pub const TABLE_MIN: u64 = 8;
/// See [`TABLE_MIN`].
pub const TABLE_MAX: u64 = 16;
/// Length of the passive data segment.
pub const DATA_BYTES: usize = 48;

/// Maximum number of helper functions.
const MAX_HELPERS: u32 = 4;
/// `i64` data locals declared per function (helpers also have 2 `i64` params).
const DATA_LOCALS: u32 = 4;
/// `i32` loop-counter locals declared per function (one per generated loop).
const COUNTER_LOCALS: u32 = 6;
/// Number of mutable `i64` globals.
const GLOBALS: u32 = 3;
/// Maximum nesting of structured control constructs.
const MAX_CONTROL_DEPTH: u32 = 4;
/// Maximum depth of generated expression trees.
const MAX_EXPR_DEPTH: u32 = 3;
/// Type indices.
const TYPE_USE_GAS: u32 = 0;
const TYPE_HELPER: u32 = 1;
const TYPE_MAIN: u32 = 2;

/// Generates the module for `seed`; equal seeds give byte-identical modules.
pub fn generate(seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let helpers = 1 + rng.below(MAX_HELPERS);
    let mut module = Module::new();
    module.section(&types());
    module.section(&imports());
    module.section(&functions(helpers));
    module.section(&tables());
    module.section(&memories());
    module.section(&globals(&mut rng));
    module.section(&exports(helpers));
    module.section(&elements(helpers));
    module.section(&DataCountSection { count: 1 });
    let mut code = CodeSection::new();
    for index in 1..=helpers {
        code.function(&FnGen::helper(&mut rng, index, helpers).finish());
    }
    code.function(&FnGen::main(&mut rng, helpers).finish());
    module.section(&code);
    module.section(&data(&mut rng));
    module.finish()
}

// ---------------------------------------------------------------------------------------
// Module-level sections.

/// Types: `useGas`, helper, main.
fn types() -> TypeSection {
    let mut types = TypeSection::new();
    types.ty().function([ValType::I64], []);
    types
        .ty()
        .function([ValType::I64, ValType::I64], [ValType::I64]);
    types.ty().function([], []);
    types
}

/// The single import, `ethereum.useGas`.
fn imports() -> ImportSection {
    let mut imports = ImportSection::new();
    imports.import("ethereum", "useGas", EntityType::Function(TYPE_USE_GAS));
    imports
}

/// Helpers then main.
fn functions(helpers: u32) -> FunctionSection {
    let mut functions = FunctionSection::new();
    for _ in 0..helpers {
        functions.function(TYPE_HELPER);
    }
    functions.function(TYPE_MAIN);
    functions
}

/// One `funcref` table of [`TABLE_MIN`] elements, at most [`TABLE_MAX`].
fn tables() -> TableSection {
    let mut tables = TableSection::new();
    tables.table(TableType {
        element_type: RefType::FUNCREF,
        table64: false,
        minimum: TABLE_MIN,
        maximum: Some(TABLE_MAX),
        shared: false,
    });
    tables
}

/// Element segment 0: the helpers, passive (for `table.init`).
fn elements(helpers: u32) -> ElementSection {
    let funcs: Vec<u32> = (1..=helpers).collect();
    let mut elements = ElementSection::new();
    elements.passive(Elements::Functions(Cow::Owned(funcs)));
    elements
}

/// Data segment 0: [`DATA_BYTES`] random bytes, passive (for `memory.init`).
fn data(rng: &mut Rng) -> DataSection {
    let bytes: Vec<u8> = (0..DATA_BYTES).map(|_| rng.next_u64() as u8).collect();
    let mut data = DataSection::new();
    data.passive(bytes);
    data
}

/// One memory, 1 page, bounded by [`MAX_PAGES`].
fn memories() -> MemorySection {
    let mut memories = MemorySection::new();
    memories.memory(MemoryType {
        minimum: 1,
        maximum: Some(MAX_PAGES),
        memory64: false,
        shared: false,
        page_size_log2: None,
    });
    memories
}

/// Mutable `i64` globals with random initial values.
fn globals(rng: &mut Rng) -> GlobalSection {
    let mut globals = GlobalSection::new();
    for _ in 0..GLOBALS {
        let ty = GlobalType {
            val_type: ValType::I64,
            mutable: true,
            shared: false,
        };
        globals.global(ty, &ConstExpr::i64_const(rng.next_u64() as i64));
    }
    globals
}

/// Exports `main` and `memory`, nothing else.
fn exports(helpers: u32) -> ExportSection {
    let mut exports = ExportSection::new();
    exports.export("main", ExportKind::Func, helpers + 1);
    exports.export("memory", ExportKind::Memory, 0);
    exports
}

// ---------------------------------------------------------------------------------------
// Function bodies.

/// Kind of an open structured construct, for choosing branch targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    /// `block` or `if`: branching to it jumps forward (exits).
    Forward,
    /// `loop`: branching to it jumps back; only the loop's own counter test does that.
    Loop,
}

/// Generator state for one function body.
#[derive(Debug)]
struct FnGen<'r> {
    rng: &'r mut Rng,
    code: Vec<Instruction<'static>>,
    /// Open constructs, innermost last.
    labels: Vec<Label>,
    /// First `i64` data local (params included) and one past the last.
    data: (u32, u32),
    /// Next free loop-counter local and one past the last.
    counters: (u32, u32),
    /// Helpers this function may call: `1..=callable`.
    callable: u32,
    /// This function's index (a `ref.func` target) and the length of element segment 0.
    self_index: u32,
    helpers: u32,
    calls_left: u32,
    loop_depth: u32,
    /// Statements still allowed in this body.
    budget: u32,
}

impl<'r> FnGen<'r> {
    /// Generator for helper `index` (1-based): two `i64` params, result `i64`.
    fn helper(rng: &'r mut Rng, index: u32, helpers: u32) -> Self {
        let mut gen = Self::new(rng, 2, index - 1, index);
        gen.helpers = helpers;
        let count = 1 + gen.rng.below(6);
        gen.stmts(count);
        gen.expr(0);
        gen
    }

    /// Generator for `main`: calls any helper, stores a checksum at address 0.
    fn main(rng: &'r mut Rng, helpers: u32) -> Self {
        let mut gen = Self::new(rng, 0, helpers, helpers + 1);
        gen.helpers = helpers;
        let count = 2 + gen.rng.below(8);
        gen.stmts(count);
        gen.checksum();
        gen
    }

    fn new(rng: &'r mut Rng, params: u32, callable: u32, self_index: u32) -> Self {
        let budget = 10 + rng.below(40);
        let data_end = params + DATA_LOCALS;
        Self {
            rng,
            code: Vec::new(),
            labels: Vec::new(),
            data: (0, data_end),
            counters: (data_end, data_end + COUNTER_LOCALS),
            callable,
            self_index,
            helpers: 0,
            calls_left: MAX_CALLS,
            loop_depth: 0,
            budget,
        }
    }

    /// The encoded function (locals: data `i64`s, then counter `i32`s).
    fn finish(self) -> Function {
        let mut f = Function::new([(DATA_LOCALS, ValType::I64), (COUNTER_LOCALS, ValType::I32)]);
        for ins in &self.code {
            f.instruction(ins);
        }
        f.instruction(&Instruction::End);
        f
    }

    fn emit(&mut self, ins: Instruction<'static>) {
        self.code.push(ins);
    }

    /// A random `i64` data local.
    fn data_local(&mut self) -> u32 {
        self.data.0 + self.rng.below(self.data.1 - self.data.0)
    }

    /// Xors all data locals and globals and stores the result at address 0.
    fn checksum(&mut self) {
        self.emit(Instruction::I32Const(0));
        self.emit(Instruction::I64Const(0));
        for local in self.data.0..self.data.1 {
            self.emit(Instruction::LocalGet(local));
            self.emit(Instruction::I64Xor);
        }
        for global in 0..GLOBALS {
            self.emit(Instruction::GlobalGet(global));
            self.emit(Instruction::I64Xor);
        }
        self.emit(Instruction::I64Store(mem_arg()));
    }

    // -- statements (stack-neutral) -------------------------------------------------

    /// Up to `count` statements, within the body's budget.
    fn stmts(&mut self, count: u32) {
        for _ in 0..count {
            if self.budget == 0 {
                return;
            }
            self.budget -= 1;
            self.stmt();
        }
    }

    /// One random statement.
    fn stmt(&mut self) {
        let nested_ok = (self.labels.len() as u32) < MAX_CONTROL_DEPTH;
        match self.rng.below(18) {
            0..=2 => self.set_local(),
            3 => self.set_global(),
            4 => self.store(),
            5 => self.grow(),
            6 => self.use_gas(),
            7 => self.call_stmt(),
            8 | 9 if nested_ok => self.block(),
            10 if nested_ok => self.loop_stmt(),
            11 | 12 if nested_ok => self.if_stmt(),
            13 => self.br_if(),
            14 => self.br_table(),
            15 if self.rng.chance(30) => self.br(),
            16 => self.bulk_memory(),
            17 => self.table_op(),
            _ => self.set_local(),
        }
    }

    fn set_local(&mut self) {
        self.expr(0);
        let local = self.data_local();
        self.emit(Instruction::LocalSet(local));
    }

    fn set_global(&mut self) {
        self.expr(0);
        let global = self.rng.below(GLOBALS);
        self.emit(Instruction::GlobalSet(global));
    }

    fn store(&mut self) {
        self.addr();
        self.expr(0);
        self.emit(Instruction::I64Store(mem_arg()));
    }

    /// `memory.grow` by 0..=2 pages; the result lands in a local or is dropped.
    fn grow(&mut self) {
        let pages = self.rng.below(3) as i32;
        self.emit(Instruction::I32Const(pages));
        self.emit(Instruction::MemoryGrow(0));
        if self.rng.chance(50) {
            self.emit(Instruction::I64ExtendI32S);
            let local = self.data_local();
            self.emit(Instruction::LocalSet(local));
        } else {
            self.emit(Instruction::Drop);
        }
    }

    /// Pushes an `i32` in `0..=mask` computed at run time from an expression.
    fn masked(&mut self, mask: i32) {
        self.expr(MAX_EXPR_DEPTH - 1);
        self.emit(Instruction::I32WrapI64);
        self.emit(Instruction::I32Const(mask));
        self.emit(Instruction::I32And);
    }

    /// `memory.fill`, `memory.copy` or `memory.init` inside the first page, with a length
    /// of 0..=63 bytes computed at run time (a varying dynamic charge), never trapping.
    fn bulk_memory(&mut self) {
        match self.rng.below(3) {
            0 => {
                self.masked(0x7ff8);
                self.masked(0xff);
                self.masked(63);
                self.emit(Instruction::MemoryFill(0));
            }
            1 => {
                self.masked(0x7ff8);
                self.masked(0x7ff8);
                self.masked(63);
                self.emit(Instruction::MemoryCopy {
                    src_mem: 0,
                    dst_mem: 0,
                });
            }
            _ => {
                // src + len <= 15 + 32 < DATA_BYTES.
                self.masked(0x7ff8);
                self.masked(15);
                self.masked(31);
                self.emit(Instruction::MemoryInit {
                    mem: 0,
                    data_index: 0,
                });
            }
        }
    }

    /// A table operation within the table's first [`TABLE_MIN`] elements (it only grows),
    /// never trapping: `table.fill/copy` of 0..=3 elements from 0..=4, `table.init` of a
    /// part of the helpers' segment, `table.grow` by 0..=3 (it may fail past the maximum),
    /// or `table.size`; sizes and grow results land in a data local.
    fn table_op(&mut self) {
        match self.rng.below(5) {
            0 => {
                self.masked(4);
                if self.rng.chance(50) {
                    self.emit(Instruction::RefFunc(self.self_index));
                } else {
                    self.emit(Instruction::RefNull(HeapType::FUNC));
                }
                self.masked(3);
                self.emit(Instruction::TableFill(0));
            }
            1 => {
                self.masked(4);
                self.masked(4);
                self.masked(3);
                self.emit(Instruction::TableCopy {
                    src_table: 0,
                    dst_table: 0,
                });
            }
            2 if self.helpers > 0 => {
                let len = self.rng.below(self.helpers + 1) as i32;
                let src = self.rng.below(self.helpers - len as u32 + 1) as i32;
                self.masked(4);
                self.emit(Instruction::I32Const(src));
                self.emit(Instruction::I32Const(len));
                self.emit(Instruction::TableInit {
                    elem_index: 0,
                    table: 0,
                });
            }
            3 => {
                self.emit(Instruction::RefNull(HeapType::FUNC));
                self.masked(3);
                self.emit(Instruction::TableGrow(0));
                self.emit(Instruction::I64ExtendI32S);
                let local = self.data_local();
                self.emit(Instruction::LocalSet(local));
            }
            _ => {
                self.emit(Instruction::TableSize(0));
                self.emit(Instruction::I64ExtendI32U);
                let local = self.data_local();
                self.emit(Instruction::LocalSet(local));
            }
        }
    }

    /// An explicit `useGas` call with a small non-negative amount.
    fn use_gas(&mut self) {
        let amount = i64::from(self.rng.below(10));
        self.emit(Instruction::I64Const(amount));
        self.emit(Instruction::Call(0));
    }

    fn call_stmt(&mut self) {
        if self.call_helper(0) {
            let local = self.data_local();
            self.emit(Instruction::LocalSet(local));
        } else {
            self.set_local();
        }
    }

    fn block(&mut self) {
        self.emit(Instruction::Block(BlockType::Empty));
        self.labels.push(Label::Forward);
        let count = 1 + self.rng.below(4);
        self.stmts(count);
        self.labels.pop();
        self.emit(Instruction::End);
    }

    /// `counter = 0; loop { counter += 1; body; br_if loop (counter < n) }`.
    fn loop_stmt(&mut self) {
        if self.loop_depth >= MAX_LOOP_NESTING || self.counters.0 >= self.counters.1 {
            return self.block();
        }
        let counter = self.counters.0;
        self.counters.0 += 1;
        let iterations = 1 + self.rng.below(MAX_LOOP_ITERATIONS as u32) as i32;
        self.emit(Instruction::I32Const(0));
        self.emit(Instruction::LocalSet(counter));
        self.emit(Instruction::Loop(BlockType::Empty));
        self.labels.push(Label::Loop);
        self.loop_depth += 1;
        self.emit(Instruction::LocalGet(counter));
        self.emit(Instruction::I32Const(1));
        self.emit(Instruction::I32Add);
        self.emit(Instruction::LocalSet(counter));
        let count = 1 + self.rng.below(4);
        self.stmts(count);
        self.emit(Instruction::LocalGet(counter));
        self.emit(Instruction::I32Const(iterations));
        self.emit(Instruction::I32LtU);
        self.emit(Instruction::BrIf(0));
        self.loop_depth -= 1;
        self.labels.pop();
        self.emit(Instruction::End);
    }

    fn if_stmt(&mut self) {
        self.cond();
        self.emit(Instruction::If(BlockType::Empty));
        self.labels.push(Label::Forward);
        let count = 1 + self.rng.below(3);
        self.stmts(count);
        if self.rng.chance(60) {
            self.emit(Instruction::Else);
            let count = 1 + self.rng.below(3);
            self.stmts(count);
        }
        self.labels.pop();
        self.emit(Instruction::End);
    }

    /// Relative depth of a random open forward label, if any.
    fn forward_target(&mut self) -> Option<u32> {
        let depths: Vec<u32> = self
            .labels
            .iter()
            .rev()
            .enumerate()
            .filter(|(_, &l)| l == Label::Forward)
            .map(|(d, _)| d as u32)
            .collect();
        let pick = self.rng.below(depths.len() as u32) as usize;
        depths.get(pick).copied()
    }

    fn br(&mut self) {
        if let Some(depth) = self.forward_target() {
            self.emit(Instruction::Br(depth));
        }
    }

    fn br_if(&mut self) {
        if let Some(depth) = self.forward_target() {
            self.cond();
            self.emit(Instruction::BrIf(depth));
        }
    }

    fn br_table(&mut self) {
        let Some(default) = self.forward_target() else {
            return;
        };
        let mut targets = Vec::new();
        for _ in 0..self.rng.below(4) {
            targets.extend(self.forward_target());
        }
        self.expr(0);
        self.emit(Instruction::I32WrapI64);
        self.emit(Instruction::I32Const(7));
        self.emit(Instruction::I32And);
        self.emit(Instruction::BrTable(Cow::Owned(targets), default));
    }

    // -- expressions (each pushes exactly one value) ----------------------------------

    /// Pushes a random `i64`.
    fn expr(&mut self, depth: u32) {
        let leaf = depth >= MAX_EXPR_DEPTH;
        match self.rng.below(if leaf { 3 } else { 10 }) {
            0 => {
                let value = self.rng.next_u64() as i64 >> self.rng.below(64);
                self.emit(Instruction::I64Const(value));
            }
            1 => {
                let local = self.data_local();
                self.emit(Instruction::LocalGet(local));
            }
            2 => {
                let global = self.rng.below(GLOBALS);
                self.emit(Instruction::GlobalGet(global));
            }
            3..=5 => self.binary(depth + 1),
            6 => {
                self.addr();
                self.emit(Instruction::I64Load(mem_arg()));
            }
            7 => {
                if !self.call_helper(depth + 1) {
                    self.emit(Instruction::I64Const(7));
                }
            }
            8 => {
                self.emit(Instruction::MemorySize(0));
                self.emit(Instruction::I64ExtendI32U);
            }
            _ => {
                self.expr(depth + 1);
                self.expr(depth + 1);
                self.cond();
                self.emit(Instruction::Select);
            }
        }
    }

    /// Pushes `a op b` for a random non-trapping binary operator.
    fn binary(&mut self, depth: u32) {
        self.expr(depth);
        self.expr(depth);
        let op = match self.rng.below(11) {
            0 => Instruction::I64Add,
            1 => Instruction::I64Sub,
            2 => Instruction::I64Mul,
            3 => Instruction::I64And,
            4 => Instruction::I64Or,
            5 => Instruction::I64Xor,
            6 => Instruction::I64Shl,
            7 => Instruction::I64ShrU,
            8 => Instruction::I64Rotl,
            divide => {
                // Divisor forced odd, hence non-zero; unsigned ops never overflow.
                self.emit(Instruction::I64Const(1));
                self.emit(Instruction::I64Or);
                if divide == 9 {
                    Instruction::I64DivU
                } else {
                    Instruction::I64RemU
                }
            }
        };
        self.emit(op);
    }

    /// Pushes an `i32` condition.
    fn cond(&mut self) {
        self.expr(MAX_EXPR_DEPTH - 1);
        match self.rng.below(3) {
            0 => self.emit(Instruction::I64Eqz),
            1 => {
                let bound = self.rng.next_u64() as i64;
                self.emit(Instruction::I64Const(bound));
                self.emit(Instruction::I64LtU);
            }
            _ => {
                self.emit(Instruction::I32WrapI64);
                self.emit(Instruction::I32Const(1));
                self.emit(Instruction::I32And);
            }
        }
    }

    /// Pushes an `i32` address `a` with `a + 8 <= 65536` (inside the first page).
    fn addr(&mut self) {
        self.expr(MAX_EXPR_DEPTH - 1);
        self.emit(Instruction::I32WrapI64);
        self.emit(Instruction::I32Const(0xfff8));
        self.emit(Instruction::I32And);
    }

    /// Pushes the `i64` result of a call to an allowed helper; false (nothing emitted) when
    /// no call is allowed here.
    fn call_helper(&mut self, depth: u32) -> bool {
        if self.callable == 0 || self.calls_left == 0 {
            return false;
        }
        let target = if self.loop_depth > 0 {
            1
        } else {
            1 + self.rng.below(self.callable)
        };
        self.calls_left -= 1;
        self.expr(depth.max(MAX_EXPR_DEPTH - 1));
        self.expr(depth.max(MAX_EXPR_DEPTH - 1));
        self.emit(Instruction::Call(target));
        true
    }
}

/// `offset 0, align 8` on memory 0.
fn mem_arg() -> MemArg {
    MemArg {
        offset: 0,
        align: 3,
        target: MemArgTarget::Memory(0),
        ordering: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inject::{inject_use_gas, metered_block_costs, run_wasmi};
    use wasmparser::{Operator, Parser, Payload, TypeRef};

    const SEEDS: u64 = 200;

    #[test]
    fn generation_is_deterministic() {
        for seed in [0, 1, 42, u64::MAX] {
            assert_eq!(generate(seed), generate(seed));
        }
        assert_ne!(generate(1), generate(2));
    }

    #[test]
    fn modules_have_the_ewasm_shape() {
        for seed in 0..20 {
            let wasm = generate(seed);
            let mut imports = Vec::new();
            let mut exports = Vec::new();
            for payload in Parser::new(0).parse_all(&wasm) {
                match payload.unwrap() {
                    Payload::ImportSection(r) => {
                        for i in r.into_imports() {
                            let i = i.unwrap();
                            imports.push((i.module.to_string(), i.name.to_string(), i.ty));
                        }
                    }
                    Payload::ExportSection(r) => {
                        for e in r {
                            exports.push(e.unwrap().name.to_string());
                        }
                    }
                    _ => {}
                }
            }
            assert_eq!(
                imports,
                vec![(
                    "ethereum".into(),
                    "useGas".into(),
                    TypeRef::Func(TYPE_USE_GAS)
                )]
            );
            assert_eq!(exports, vec!["main".to_string(), "memory".to_string()]);
        }
    }

    /// Every seed validates before and after injection, terminates under wasmi, computes the
    /// same checksum injected or not, and the injected run pays positive metering gas.
    #[test]
    fn generated_modules_inject_run_and_terminate() {
        for seed in 0..SEEDS {
            let wasm = generate(seed);
            wasmparser::validate(&wasm).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            let out = inject_use_gas(&wasm).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            wasmparser::validate(&out).unwrap_or_else(|e| panic!("seed {seed}: injected: {e}"));
            let plain = run_wasmi(&wasm).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            let metered = run_wasmi(&out).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            assert_eq!(plain.word0, metered.word0, "seed {seed}: checksum changed");
            // Main's entry block alone costs at least 1 more than its explicit useGas calls.
            let main_entry = *metered_block_costs(&wasm)
                .unwrap()
                .last()
                .unwrap()
                .first()
                .unwrap();
            assert!(
                metered.gas >= plain.gas + main_entry,
                "seed {seed}: {} < {} + {main_entry}",
                metered.gas,
                plain.gas
            );
        }
    }

    /// The generator exercises every construct the metering rules care about, the dynamic
    /// charges of EWASM.md section 4.1 included.
    #[test]
    fn generated_modules_cover_the_constructs() {
        let mut seen = [0u32; 15];
        for seed in 0..SEEDS {
            let wasm = generate(seed);
            for payload in Parser::new(0).parse_all(&wasm) {
                let Payload::CodeSectionEntry(body) = payload.unwrap() else {
                    continue;
                };
                let mut reader = body.get_operators_reader().unwrap();
                while !reader.eof() {
                    let slot = match reader.read().unwrap() {
                        Operator::Block { .. } => 0,
                        Operator::Loop { .. } => 1,
                        Operator::Else => 2,
                        Operator::Br { .. } => 3,
                        Operator::BrIf { .. } => 4,
                        Operator::BrTable { .. } => 5,
                        Operator::MemoryGrow { .. } => 6,
                        Operator::Call { function_index } if function_index > 0 => 7,
                        Operator::MemoryFill { .. } => 8,
                        Operator::MemoryCopy { .. } => 9,
                        Operator::MemoryInit { .. } => 10,
                        Operator::TableFill { .. } => 11,
                        Operator::TableCopy { .. } => 12,
                        Operator::TableInit { .. } => 13,
                        Operator::TableGrow { .. } => 14,
                        _ => continue,
                    };
                    seen[slot] += 1;
                }
            }
        }
        assert!(seen.iter().all(|&n| n >= 20), "{seen:?}");
    }
}
