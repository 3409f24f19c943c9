//! `U256`: a 256-bit unsigned integer with EVM semantics.
//!
//! The value is four little-endian `u64` limbs (limb 0 is the least significant). Every
//! operation is total: division and modular reduction by zero give zero, shifts by 256 or
//! more follow the EVM rules, and nothing panics on any input.
//!
//! Module map (one family of operations per file):
//! - `convert`: byte/integer conversions and limb access;
//! - `arith`: wrapping/overflowing add, sub, mul and the `Add`/`Sub`/`Mul` traits;
//! - `div`: Knuth algorithm D and the EVM `DIV`/`MOD`/`SDIV`/`SMOD` rules;
//! - `modular`: `ADDMOD`, `MULMOD` (512-bit intermediate) and `EXP`;
//! - `montgomery`: `submod` and the Montgomery product `mulmodmont` (EWASM.md 5.1);
//! - `bits`: comparisons, bitwise operators, shifts, `BYTE`, `SIGNEXTEND`, bit counts;
//! - `fmt`: parsing (`FromStr`, `from_str_radix`) and `Display`/`LowerHex`/`Debug`;
//! - `interop`: conversions with `primitive_types::U256` and `ethnum::U256` (features);
//! - `limbs`: the `u64` limb primitives (carry chains, 128-by-64 division) under all of it.
//!
//! Operations that take several EVM stack operands are methods whose receiver is the first
//! operand, so both call styles read in EVM order:
//!
//! ```
//! use u256::U256;
//! let (one, four) = (U256::ONE, U256::from_u64(4));
//! assert_eq!(U256::shl(four, one), U256::from_u64(16)); // SHL(shift, value)
//! assert_eq!(U256::byte(U256::from_u64(31), U256::from_u64(0xab)), U256::from_u64(0xab));
//! assert_eq!(U256::MAX.addmod(one, U256::from_u64(7)), U256::from_u64(2));
//! assert_eq!(four.evm_div(U256::ZERO), U256::ZERO);
//! assert_eq!("0xff".parse::<U256>(), Ok(U256::from_u64(255)));
//! ```

mod arith;
mod bits;
mod convert;
mod div;
mod fmt;
mod interop;
mod limbs;
mod modular;
mod montgomery;

pub use fmt::ParseU256Error;
pub use montgomery::mont_inv64;

/// A 256-bit unsigned integer with EVM semantics, stored as four little-endian `u64` limbs.
///
/// Signed operations (`evm_sdiv`, `evm_smod`, `slt`, `sgt`, `sar`, `signextend`) read the
/// same bits as a two's complement `i256`, exactly like the EVM.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct U256(pub(crate) [u64; 4]);

impl U256 {
    /// The value 0.
    pub const ZERO: U256 = U256([0; 4]);
    /// The value 1.
    pub const ONE: U256 = U256([1, 0, 0, 0]);
    /// The value 2^256 - 1 (all bits set; -1 as a signed value).
    pub const MAX: U256 = U256([u64::MAX; 4]);
    /// The value 2^255: the smallest signed value (`i256::MIN`).
    pub const SIGNED_MIN: U256 = U256([0, 0, 0, 1 << 63]);
    /// The number of bits in a `U256`.
    pub const BITS: u32 = 256;
}
