//! Engine-level value and entity types (independent of wasmparser), and the `Value` enum.

use std::fmt;
use std::sync::Arc;

/// A Wasm value type (WebAssembly 2.0 without SIMD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE float.
    F32,
    /// 64-bit IEEE float.
    F64,
    /// A nullable reference to a function.
    FuncRef,
    /// A nullable reference to a host value.
    ExternRef,
}

/// The element type of a table (a reference type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefType {
    /// `funcref`.
    Func,
    /// `externref`.
    Extern,
}

impl RefType {
    /// The value type of this reference type.
    pub fn val_type(self) -> ValType {
        match self {
            RefType::Func => ValType::FuncRef,
            RefType::Extern => ValType::ExternRef,
        }
    }
}

/// A table's type: element type and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableType {
    /// What the table holds.
    pub elem: RefType,
    /// Size limits in elements.
    pub limits: Limits,
}

/// A function signature; cloning it shares the type lists (a store interns the signatures
/// of every instantiation, so clones are on the per-call path).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FuncType {
    /// Parameter types in order.
    pub params: Arc<[ValType]>,
    /// Result types in order.
    pub results: Arc<[ValType]>,
}

impl FuncType {
    /// Builds a signature from parameter and result lists.
    pub fn new(params: &[ValType], results: &[ValType]) -> Self {
        Self {
            params: params.into(),
            results: results.into(),
        }
    }

    /// Whether `other` shares this signature's lists (a clone of it): equal without
    /// comparing the types.
    pub fn same_lists(&self, other: &FuncType) -> bool {
        Arc::ptr_eq(&self.params, &other.params) && Arc::ptr_eq(&self.results, &other.results)
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} -> {:?}", self.params, self.results)
    }
}

/// Size limits in pages (memories) or elements (tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Initial size.
    pub min: u32,
    /// Optional maximum size.
    pub max: Option<u32>,
}

impl Limits {
    /// Import matching: `self` (the provided entity's current limits) satisfies `required`.
    pub fn matches(&self, required: &Limits) -> bool {
        if self.min < required.min {
            return false;
        }
        match (required.max, self.max) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(req), Some(have)) => have <= req,
        }
    }
}

/// A global's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalType {
    /// The value type.
    pub ty: ValType,
    /// Whether `global.set` is allowed.
    pub mutable: bool,
}

/// What kind of entity an import or export is, with its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    /// A function with this signature.
    Func(FuncType),
    /// A table.
    Table(TableType),
    /// A linear memory with these page limits.
    Memory(Limits),
    /// A global.
    Global(GlobalType),
}

/// One import of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportType {
    /// Module (namespace) name.
    pub module: String,
    /// Field name.
    pub name: String,
    /// Kind and type.
    pub ty: ExternType,
}

/// One export of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportType {
    /// Export name.
    pub name: String,
    /// Kind and type.
    pub ty: ExternType,
}

/// A typed Wasm value. Floats are kept as raw bits so NaN payloads survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// i32 value.
    I32(i32),
    /// i64 value.
    I64(i64),
    /// f32 bits.
    F32(u32),
    /// f64 bits.
    F64(u64),
    /// A function reference: the store address of the function, or null.
    FuncRef(Option<u32>),
    /// A host reference: the host's value, or null.
    ExternRef(Option<u32>),
}

impl Value {
    /// The value's type.
    pub fn ty(self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::FuncRef(_) => ValType::FuncRef,
            Value::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The raw stack-slot encoding (i32 zero-extended, floats as bits, a reference as its
    /// value plus one with 0 for null: see [`ref_to_raw`]).
    pub fn to_raw(self) -> u64 {
        match self {
            Value::I32(v) => u64::from(v as u32),
            Value::I64(v) => v as u64,
            Value::F32(v) => u64::from(v),
            Value::F64(v) => v,
            Value::FuncRef(r) | Value::ExternRef(r) => ref_to_raw(r),
        }
    }

    /// Decodes a raw stack slot of type `ty`.
    pub fn from_raw(ty: ValType, raw: u64) -> Self {
        match ty {
            ValType::I32 => Value::I32(raw as u32 as i32),
            ValType::I64 => Value::I64(raw as i64),
            ValType::F32 => Value::F32(raw as u32),
            ValType::F64 => Value::F64(raw),
            ValType::FuncRef => Value::FuncRef(ref_from_raw(raw)),
            ValType::ExternRef => Value::ExternRef(ref_from_raw(raw)),
        }
    }

    /// The zero value of a type.
    pub fn zero(ty: ValType) -> Self {
        Value::from_raw(ty, 0)
    }
}

/// The raw slot encoding of a reference: 0 is null, anything else is the referenced value
/// (a store function address or a host value) plus one. Null being 0 makes `ref.is_null`
/// an `eqz` and zeroed slots and tables null.
pub fn ref_to_raw(r: Option<u32>) -> u64 {
    r.map_or(0, |v| u64::from(v) + 1)
}

/// Decodes [`ref_to_raw`].
pub fn ref_from_raw(raw: u64) -> Option<u32> {
    raw.checked_sub(1).map(|v| v as u32)
}
