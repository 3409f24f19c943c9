//! Native 256-bit operations (EWASM.md section 5): the semantics of the engine's bignum
//! instructions on 32-byte **big-endian** operands in linear memory, via the `u256` crate.
//!
//! The engine is told at compile time which imports are bignum operations (an
//! [`Intrinsic`] per import); a call to such an import executes [`exec`] in the interpreter
//! loop instead of a host call. Results may alias inputs: all inputs are read first.

use u256::U256;

use super::trap::Trap;

/// A 256-bit operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum BigOp {
    /// Wrapping addition.
    Add,
    /// Wrapping subtraction.
    Sub,
    /// Wrapping multiplication.
    Mul,
    /// Unsigned division, x / 0 = 0.
    Div,
    /// Signed division (EVM SDIV).
    Sdiv,
    /// Unsigned remainder, x % 0 = 0.
    Mod,
    /// Signed remainder (EVM SMOD).
    Smod,
    /// (a + b) mod m with a 257-bit intermediate, m = 0 gives 0.
    AddMod,
    /// (a * b) mod m with a 512-bit intermediate, m = 0 gives 0.
    MulMod,
    /// Wrapping exponentiation.
    Exp,
    /// Unsigned less-than, returns 0/1.
    Lt,
    /// Unsigned greater-than, returns 0/1.
    Gt,
    /// Signed less-than, returns 0/1.
    Slt,
    /// Signed greater-than, returns 0/1.
    Sgt,
    /// Equality, returns 0/1.
    Eq,
    /// Is zero, returns 0/1.
    IsZero,
    /// Bitwise and.
    And,
    /// Bitwise or.
    Or,
    /// Bitwise xor.
    Xor,
    /// Bitwise not.
    Not,
    /// Shift left by a 256-bit amount (EVM SHL; first operand is the shift).
    Shl,
    /// Logical shift right (EVM SHR).
    Shr,
    /// Arithmetic shift right (EVM SAR).
    Sar,
    /// EVM BYTE (first operand is the byte index).
    Byte,
    /// EVM SIGNEXTEND (first operand is the byte index).
    SignExtend,
    /// (a - b) mod m in [0, m) over the integers, m = 0 gives 0 (EWASM.md 5.1).
    SubMod,
    /// The Montgomery product a * b * 2^-256 mod m in [0, m), even m gives 0 (EWASM.md 5.1).
    MulModMont,
}

/// How a bignum import executes: the operation and its metered gas (used only when
/// metering is on). Built by the embedder from its import table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Intrinsic {
    /// The operation.
    pub op: BigOp,
    /// Gas charged per execution.
    pub base_gas: u32,
    /// Extra gas per significant byte of the exponent ([`BigOp::Exp`] only).
    pub gas_per_exp_byte: u32,
}

/// The shape of an operation's Wasm signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `(a, r)`: one input pointer and a result pointer.
    Unary,
    /// `(a, b, r)`.
    Binary,
    /// `(a, b, m, r)`.
    Ternary,
    /// `(a, b) -> i32`.
    Compare,
    /// `(a) -> i32`.
    Test,
}

impl BigOp {
    /// Every operation, in declaration order.
    pub const ALL: [BigOp; 27] = [
        BigOp::Add,
        BigOp::Sub,
        BigOp::Mul,
        BigOp::Div,
        BigOp::Sdiv,
        BigOp::Mod,
        BigOp::Smod,
        BigOp::AddMod,
        BigOp::MulMod,
        BigOp::Exp,
        BigOp::Lt,
        BigOp::Gt,
        BigOp::Slt,
        BigOp::Sgt,
        BigOp::Eq,
        BigOp::IsZero,
        BigOp::And,
        BigOp::Or,
        BigOp::Xor,
        BigOp::Not,
        BigOp::Shl,
        BigOp::Shr,
        BigOp::Sar,
        BigOp::Byte,
        BigOp::SignExtend,
        BigOp::SubMod,
        BigOp::MulModMont,
    ];

    /// The Wasm signature shape: all parameters are i32 pointers.
    pub const fn shape(self) -> Shape {
        match self {
            BigOp::AddMod | BigOp::MulMod | BigOp::SubMod | BigOp::MulModMont => Shape::Ternary,
            BigOp::Lt | BigOp::Gt | BigOp::Slt | BigOp::Sgt | BigOp::Eq => Shape::Compare,
            BigOp::IsZero => Shape::Test,
            BigOp::Not => Shape::Unary,
            _ => Shape::Binary,
        }
    }

    /// Number of i32 parameters.
    pub const fn param_count(self) -> usize {
        match self.shape() {
            Shape::Test => 1,
            Shape::Unary | Shape::Compare => 2,
            Shape::Binary => 3,
            Shape::Ternary => 4,
        }
    }

    /// Whether the operation returns an i32 (comparisons) instead of writing memory.
    pub const fn returns_i32(self) -> bool {
        matches!(self.shape(), Shape::Compare | Shape::Test)
    }

    /// The argument pointing at the 32 bytes the operation writes (its last), if it writes.
    pub const fn result_pointer(self) -> Option<usize> {
        if self.returns_i32() {
            None
        } else {
            Some(self.param_count() - 1)
        }
    }
}

/// A pointer argument of a [`BigCall`], read when the call executes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// A constant pointer (`i32.const c`).
    Const(u32),
    /// The i32 in frame slot `slot` (a local or a temporary) plus `offset`, wrapping: the
    /// translator folds a trailing `slot + c` into the call site.
    Slot {
        /// Frame slot.
        slot: u32,
        /// Added to the slot's value, wrapping.
        offset: u32,
    },
}

/// One compiled call of a bignum operation (what `Instr::Bignum` indexes): the operation
/// and its pointer arguments as frame slots or constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BigCall {
    /// The bound operation and its gas.
    pub intr: Intrinsic,
    /// Bit `i` set: argument `i` reads slot `slots[i]` (plus `offsets[i]`).
    slot_mask: u8,
    /// Per argument: the constant, or the offset added to the slot.
    offsets: [u32; 4],
    /// Per argument with its `slot_mask` bit set: the frame slot.
    slots: [u32; 4],
}

impl BigCall {
    /// A call of `intr` with its arguments in order (at most four; missing ones are 0).
    pub fn new(intr: Intrinsic, args: &[Operand]) -> BigCall {
        let mut call = BigCall {
            intr,
            slot_mask: 0,
            offsets: [0; 4],
            slots: [0; 4],
        };
        for (i, arg) in args.iter().take(4).enumerate() {
            match *arg {
                Operand::Const(c) => call.offsets[i] = c,
                Operand::Slot { slot, offset } => {
                    call.slot_mask |= 1 << i;
                    call.slots[i] = slot;
                    call.offsets[i] = offset;
                }
            }
        }
        call
    }

    /// Argument `i` (`i < param_count`).
    pub fn operand(&self, i: usize) -> Operand {
        match self.slot_mask & (1 << i) {
            0 => Operand::Const(self.offsets[i]),
            _ => Operand::Slot {
                slot: self.slots[i],
                offset: self.offsets[i],
            },
        }
    }

    /// The pointer arguments; `slot(s)` reads frame slot `s`.
    #[inline]
    pub fn pointers(&self, slot: impl Fn(u32) -> u64) -> [u32; 4] {
        let mut ptrs = self.offsets;
        if self.slot_mask != 0 {
            for (i, ptr) in ptrs.iter_mut().enumerate() {
                if self.slot_mask & (1 << i) != 0 {
                    *ptr = (slot(self.slots[i]) as u32).wrapping_add(*ptr);
                }
            }
        }
        ptrs
    }
}

/// Reads the 32-byte big-endian operand at `ptr`.
#[inline]
fn load_be(mem: &[u8], ptr: u32) -> Result<U256, Trap> {
    let bytes = mem
        .get(ptr as usize..)
        .and_then(<[u8]>::first_chunk::<32>)
        .ok_or(Trap::MemoryOutOfBounds)?;
    Ok(U256::from_be_bytes(*bytes))
}

/// Writes `value` as 32 big-endian bytes at `ptr`.
#[inline]
fn store_be(mem: &mut [u8], ptr: u32, value: U256) -> Result<(), Trap> {
    let bytes = mem
        .get_mut(ptr as usize..)
        .and_then(<[u8]>::first_chunk_mut::<32>)
        .ok_or(Trap::MemoryOutOfBounds)?;
    *bytes = value.to_be_bytes();
    Ok(())
}

/// Gas of one execution of `intr` with pointer arguments `args` (reads the exponent of
/// `exp`; an out-of-bounds exponent costs the base and then traps in [`exec`]).
pub fn gas(intr: &Intrinsic, mem: &[u8], args: &[u32; 4]) -> u64 {
    let base = u64::from(intr.base_gas);
    if intr.op != BigOp::Exp {
        return base;
    }
    match load_be(mem, args[1]) {
        Ok(e) => base + u64::from(intr.gas_per_exp_byte) * u64::from(e.byte_len()),
        Err(_) => base,
    }
}

/// Executes `op` on the pointer arguments `args` (the first `op.param_count()` are used);
/// returns the i32 result of comparisons. Out-of-bounds operands trap like a load/store,
/// before anything is written. One `match` on the operation, which folds away where the
/// operation is a constant (the interpreter has a handler per operation).
#[inline(always)]
pub fn exec(op: BigOp, mem: &mut [u8], args: &[u32; 4]) -> Result<Option<u32>, Trap> {
    let [p0, p1, p2, p3] = *args;
    let a = load_be(mem, p0)?;
    let b = || load_be(mem, p1);
    let test = |r: bool| Ok(Some(u32::from(r)));
    let r = match op {
        BigOp::Add => a.wrapping_add(b()?),
        BigOp::Sub => a.wrapping_sub(b()?),
        BigOp::Mul => a.wrapping_mul(b()?),
        BigOp::Div => a.evm_div(b()?),
        BigOp::Sdiv => a.evm_sdiv(b()?),
        BigOp::Mod => a.evm_rem(b()?),
        BigOp::Smod => a.evm_smod(b()?),
        BigOp::Exp => a.wrapping_pow(b()?),
        BigOp::And => a.and(b()?),
        BigOp::Or => a.or(b()?),
        BigOp::Xor => a.xor(b()?),
        BigOp::Shl => a.shl(b()?),
        BigOp::Shr => a.shr(b()?),
        BigOp::Sar => a.sar(b()?),
        BigOp::Byte => a.byte(b()?),
        BigOp::SignExtend => a.signextend(b()?),
        BigOp::Lt => return test(a.lt(b()?)),
        BigOp::Gt => return test(a.gt(b()?)),
        BigOp::Slt => return test(a.slt(b()?)),
        BigOp::Sgt => return test(a.sgt(b()?)),
        BigOp::Eq => return test(a.eq(b()?)),
        BigOp::IsZero => return test(a.is_zero()),
        BigOp::Not => {
            store_be(mem, p1, a.not())?;
            return Ok(None);
        }
        BigOp::AddMod | BigOp::MulMod | BigOp::SubMod | BigOp::MulModMont => {
            let (b, m) = (b()?, load_be(mem, p2)?);
            let r = match op {
                BigOp::AddMod => a.addmod(b, m),
                BigOp::MulMod => a.mulmod(b, m),
                BigOp::SubMod => a.submod(b, m),
                _ => a.mulmodmont(b, m),
            };
            store_be(mem, p3, r)?;
            return Ok(None);
        }
    };
    store_be(mem, p2, r)?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn word(v: u64) -> [u8; 32] {
        let mut w = [0u8; 32];
        w[24..].copy_from_slice(&v.to_be_bytes());
        w
    }

    fn mem_with(words: &[[u8; 32]]) -> Vec<u8> {
        let mut mem = vec![0u8; 256];
        for (i, w) in words.iter().enumerate() {
            mem[i * 32..i * 32 + 32].copy_from_slice(w);
        }
        mem
    }

    #[test]
    fn binary_ops_write_big_endian_results() {
        // 7 - 9 wraps to 2^256 - 2: all 0xff except the last byte 0xfe.
        let mut mem = mem_with(&[word(7), word(9)]);
        exec(BigOp::Sub, &mut mem, &[0, 32, 64, 0]).unwrap();
        let mut expected = [0xff; 32];
        expected[31] = 0xfe;
        assert_eq!(mem[64..96], expected);
        let mut mem = mem_with(&[word(6), word(7)]);
        exec(BigOp::Mul, &mut mem, &[0, 32, 64, 0]).unwrap();
        assert_eq!(mem[64..96], word(42));
        exec(BigOp::Div, &mut mem, &[64, 32, 64, 0]).unwrap();
        assert_eq!(mem[64..96], word(6));
    }

    #[test]
    fn result_may_alias_an_input() {
        let mut mem = mem_with(&[word(5), word(3)]);
        exec(BigOp::Add, &mut mem, &[0, 32, 0, 0]).unwrap();
        assert_eq!(mem[0..32], word(8));
        exec(BigOp::Exp, &mut mem, &[0, 32, 32, 0]).unwrap();
        assert_eq!(mem[32..64], word(512));
    }

    #[test]
    fn ternary_and_comparisons() {
        // (10 * 10) mod 7 = 2, (10 + 10) mod 0 = 0.
        let mut mem = mem_with(&[word(10), word(10), word(7), word(0)]);
        exec(BigOp::MulMod, &mut mem, &[0, 32, 64, 128]).unwrap();
        assert_eq!(mem[128..160], word(2));
        exec(BigOp::AddMod, &mut mem, &[0, 32, 96, 128]).unwrap();
        assert_eq!(mem[128..160], word(0));
        assert_eq!(exec(BigOp::Lt, &mut mem, &[64, 0, 0, 0]), Ok(Some(1)));
        assert_eq!(exec(BigOp::Gt, &mut mem, &[64, 0, 0, 0]), Ok(Some(0)));
        assert_eq!(exec(BigOp::Eq, &mut mem, &[0, 32, 0, 0]), Ok(Some(1)));
        assert_eq!(exec(BigOp::IsZero, &mut mem, &[96, 0, 0, 0]), Ok(Some(1)));
        // -1 (all ones) is signed-less than 0.
        let mut mem = mem_with(&[[0xff; 32], word(0)]);
        assert_eq!(exec(BigOp::Slt, &mut mem, &[0, 32, 0, 0]), Ok(Some(1)));
        assert_eq!(exec(BigOp::Lt, &mut mem, &[0, 32, 0, 0]), Ok(Some(0)));
    }

    #[test]
    fn out_of_bounds_operands_trap_without_writing() {
        let mut mem = mem_with(&[word(1), word(2)]);
        assert_eq!(
            exec(BigOp::Add, &mut mem, &[0, 240, 64, 0]),
            Err(Trap::MemoryOutOfBounds)
        );
        assert_eq!(
            exec(BigOp::Add, &mut mem, &[0, 32, 225, 0]),
            Err(Trap::MemoryOutOfBounds)
        );
        assert_eq!(
            exec(BigOp::Not, &mut mem, &[u32::MAX, 0, 0, 0]),
            Err(Trap::MemoryOutOfBounds)
        );
        assert_eq!(mem[64..96], [0; 32]);
    }

    #[test]
    fn exp_gas_counts_significant_exponent_bytes() {
        let intr = Intrinsic {
            op: BigOp::Exp,
            base_gas: 10,
            gas_per_exp_byte: 50,
        };
        // Exponent 0x0100 has two significant bytes; 0 has none.
        let mem = mem_with(&[word(3), word(0x100), word(0)]);
        assert_eq!(gas(&intr, &mem, &[0, 32, 0, 0]), 110);
        assert_eq!(gas(&intr, &mem, &[0, 64, 0, 0]), 10);
        let add = Intrinsic {
            op: BigOp::Add,
            base_gas: 3,
            gas_per_exp_byte: 0,
        };
        assert_eq!(gas(&add, &mem, &[0, 32, 0, 0]), 3);
    }

    #[test]
    fn shapes_match_parameter_counts() {
        for op in BigOp::ALL {
            let expected = match op {
                BigOp::IsZero => 1,
                BigOp::Not | BigOp::Lt | BigOp::Gt | BigOp::Slt | BigOp::Sgt | BigOp::Eq => 2,
                BigOp::AddMod | BigOp::MulMod | BigOp::SubMod | BigOp::MulModMont => 4,
                _ => 3,
            };
            assert_eq!(op.param_count(), expected, "{op:?}");
        }
    }

    /// Pointer arguments are slots or constants; a trailing `slot + c` is folded into the
    /// call site, a value computed otherwise or behind a label is read from its slot.
    #[test]
    fn pointer_arguments_fold_into_the_call_site() {
        use crate::engine::{Config, Module};
        let wasm = wat::parse_str(
            r#"(module
              (import "bignum" "mul256" (func $mul (param i32 i32 i32)))
              (memory 1)
              (func (param $p i32) (param $q i32)
                (call $mul (i32.const 0) (i32.const 32) (i32.const 64))
                (call $mul (local.get $p) (i32.const 96) (i32.const 128))
                ;; the first argument is computed: it is read from its temporary
                (call $mul (i32.mul (local.get $p) (local.get $q))
                  (i32.add (local.get $p) (i32.const 32)) (local.get $q))
                ;; x - (-5) is x + 5
                (call $mul (local.get $q) (local.get $p)
                  (i32.sub (local.get $q) (i32.const -5)))
                (call $mul (local.get $p) (i32.add (local.get $q) (i32.const 32))
                  (local.get $p))
                (call $mul (i32.const 0) (i32.const 32)
                  (block (result i32) (i32.add (local.get $p) (i32.const 160))))))"#,
        )
        .expect("valid wat");
        let resolve = |_: &str, name: &str| {
            (name == "mul256").then_some(Intrinsic {
                op: BigOp::Mul,
                base_gas: 5,
                gas_per_exp_byte: 0,
            })
        };
        let module =
            Module::compile_with_intrinsics(&wasm, &Config::default(), &resolve).expect("compiles");
        module.inner.translate_on_call(0);
        let sites: Vec<Vec<Operand>> = module
            .inner
            .bigcalls
            .iter()
            .filter_map(OnceLock::get)
            .map(|c| (0..3).map(|i| c.operand(i)).collect())
            .collect();
        let c = Operand::Const;
        let slot = |slot, offset| Operand::Slot { slot, offset };
        // Slots: $p = 0, $q = 1, temporaries from 2.
        assert_eq!(
            sites,
            [
                vec![c(0), c(32), c(64)],
                vec![slot(0, 0), c(96), c(128)],
                vec![slot(2, 0), slot(0, 32), slot(1, 0)],
                vec![slot(1, 0), slot(0, 0), slot(1, 5)],
                vec![slot(0, 0), slot(1, 32), slot(0, 0)],
                vec![c(0), c(32), slot(4, 0)],
            ]
        );
    }

    /// A bignum import compiles to the engine instruction: it runs with a host that has no
    /// functions at all (any host call would trap with `Trap::Host(0)`).
    #[test]
    fn bound_imports_run_without_a_host_call() {
        use crate::engine::{Config, FuncType, HostFuncId, Module, NoHost, Store, ValType, Value};
        let wasm = wat::parse_str(
            r#"(module
              (import "bignum" "mul256" (func $mul (param i32 i32 i32)))
              (import "bignum" "lt256" (func $lt (param i32 i32) (result i32)))
              (memory (export "memory") 1)
              (data (i32.const 31) "\06") (data (i32.const 63) "\07")
              (func (export "run") (result i32)
                (call $mul (i32.const 0) (i32.const 32) (i32.const 64))
                ;; 10 * (6 * 7) + (6 < 7)
                (i32.add (i32.mul (i32.load8_u (i32.const 95)) (i32.const 10))
                         (call $lt (i32.const 0) (i32.const 32)))))"#,
        )
        .expect("valid wat");
        let resolve = |module: &str, name: &str| {
            let op = match (module, name) {
                ("bignum", "mul256") => BigOp::Mul,
                ("bignum", "lt256") => BigOp::Lt,
                _ => return None,
            };
            Some(Intrinsic {
                op,
                base_gas: 5,
                gas_per_exp_byte: 0,
            })
        };
        let config = Config::default();
        let module = Module::compile_with_intrinsics(&wasm, &config, &resolve).expect("compiles");
        let mut store = Store::new(config);
        let mul_ty = FuncType::new(&[ValType::I32; 3], &[]);
        let lt_ty = FuncType::new(&[ValType::I32; 2], &[ValType::I32]);
        let imports = [
            store.alloc_host_func(&mul_ty, HostFuncId(0)),
            store.alloc_host_func(&lt_ty, HostFuncId(1)),
        ];
        let instance = store
            .instantiate(&module, &imports, &mut NoHost)
            .expect("instantiates");
        let results = store
            .invoke(&mut NoHost, instance, "run", &[])
            .expect("no host call happens");
        assert_eq!(results, vec![Value::I32(421)]);
        // Without the binding the same module calls the host, which traps.
        let plain = Module::compile(&wasm, &config).expect("compiles");
        let mut store = Store::new(config);
        let imports = [
            store.alloc_host_func(&mul_ty, HostFuncId(0)),
            store.alloc_host_func(&lt_ty, HostFuncId(1)),
        ];
        let instance = store
            .instantiate(&plain, &imports, &mut NoHost)
            .expect("instantiates");
        assert!(store.invoke(&mut NoHost, instance, "run", &[]).is_err());
    }
}
