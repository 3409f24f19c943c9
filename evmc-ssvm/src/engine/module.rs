//! `Module::compile`: one pass over the binary with wasmparser's `Validator`, collecting
//! the module's entities and validating every function body (translating it too in eager
//! mode; see `code` for when bodies are translated).

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use wasmparser::{
    ConstExpr as WpConstExpr, DataKind, ElementItems, ElementKind, ExternalKind, Operator, Parser,
    Payload, TypeRef, ValidPayload, Validator, WasmFeatures,
};

use super::bignum::{BigCall, Intrinsic};
use super::code::{FuncCode, FuncCompiler, LazySource};
use super::config::Config;
use super::exec::word::Word;
#[cfg(test)]
use super::isa::Instr;
use super::types::{
    ExportType, ExternType, FuncType, GlobalType, ImportType, Limits, RefType, TableType, ValType,
};

/// A module that failed decoding, validation or translation (cold path, rich message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// Byte offset in the module where the problem was found.
    pub offset: usize,
    /// Human-readable reason (wasmparser's message for decode/validation errors).
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

impl std::error::Error for CompileError {}

impl From<wasmparser::BinaryReaderError> for CompileError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        CompileError {
            offset: e.offset() as usize,
            message: e.message().to_string(),
        }
    }
}

/// A constant initializer expression (WebAssembly 2.0 forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConstExpr {
    /// A constant raw slot value (`ref.null` is 0).
    Value(u64),
    /// The value of (imported) global `n`.
    GlobalGet(u32),
    /// `ref.func n`: a reference to function `n` of the instance.
    RefFunc(u32),
}

/// One translated function body: its own words and the facts a call needs.
#[derive(Debug)]
pub(crate) struct CompiledFunc {
    /// The executed code; an `Ip` into it stays valid while the module lives (the box is
    /// never moved or changed once the body is published).
    pub words: Box<[Word]>,
    /// Parameter count.
    pub params: u32,
    /// Declared (non-parameter) local count.
    pub locals: u32,
    /// Slots of a call frame: parameters, locals and the operand stack's temporaries at
    /// its maximum height (every slot an instruction of the body names is below it).
    pub frame_size: u32,
    /// With metering, the cost of the body's entry block, which a call charges itself
    /// before continuing at `call_entry`, past the body's first `ChargeGas` (0 and word 0
    /// without metering).
    pub entry_gas: u32,
    /// The word where a call continues (see `entry_gas`).
    pub call_entry: u32,
    /// The translated instructions (tests inspect them).
    #[cfg(test)]
    pub ir: Vec<Instr>,
}

/// An element segment: its items (each a reference-valued constant expression) and, for an
/// active one, where instantiation writes them. Passive segments wait for `table.init`;
/// declared ones only declare `ref.func` targets. Instantiation drops active and declared
/// segments.
#[derive(Debug, Clone)]
pub(crate) struct ElemSegment {
    /// `Some((table, offset))` for an active segment.
    pub active: Option<(u32, ConstExpr)>,
    /// A declarative segment (`elem declare`).
    pub declared: bool,
    pub items: Vec<ConstExpr>,
}

/// A data segment: its bytes and, for an active one, the offset instantiation writes them
/// at (memory 0). Passive segments wait for `memory.init`.
#[derive(Debug, Clone)]
pub(crate) struct DataSegment {
    pub active: Option<ConstExpr>,
    pub bytes: Vec<u8>,
}

/// Everything a compiled module holds; shared by all its instances.
#[derive(Debug, Default)]
pub(crate) struct ModuleInner {
    pub types: Vec<FuncType>,
    pub imports: Vec<ImportType>,
    /// Type index of every function (imported first).
    pub func_types: Vec<u32>,
    pub num_imported_funcs: u32,
    pub num_imported_globals: u32,
    /// Per defined function: its code, translated at compile time or on first call.
    pub funcs: Vec<FuncCode>,
    /// Defined tables, with the constant that fills each.
    pub tables: Vec<(TableType, ConstExpr)>,
    pub memories: Vec<Limits>,
    pub globals: Vec<(GlobalType, ConstExpr)>,
    /// All global types (imported first).
    pub global_types: Vec<GlobalType>,
    /// All table types (imported first).
    pub table_types: Vec<TableType>,
    pub memory_limits: Vec<Limits>,
    pub exports: Vec<(String, ExternalKind, u32)>,
    /// Export name -> position in `exports`, for modules with more than [`EXPORT_SCAN`].
    pub export_map: HashMap<String, usize>,
    pub start: Option<u32>,
    pub elems: Vec<ElemSegment>,
    pub datas: Vec<DataSegment>,
    pub uses_floats: bool,
    /// Per imported function: the native operation it is bound to, if any.
    pub import_intrinsics: Vec<Option<Intrinsic>>,
    /// The bignum call sites (`Instr::Bignum` indexes this): each body owns a range,
    /// sized at validation and filled when the body is translated.
    pub bigcalls: Vec<OnceLock<BigCall>>,
    /// What lazy translation needs (`None` in eager mode).
    pub lazy: Option<LazySource>,
    /// Bodies translated so far (at compile time or on first call).
    pub translated: AtomicUsize,
}

/// A validated, translated module, cheap to clone and instantiate many times.
#[derive(Debug, Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

/// The wasmparser feature set of `config` (see [`WasmVersion::features`]).
///
/// [`WasmVersion::features`]: super::config::WasmVersion::features
pub fn features(config: &Config) -> WasmFeatures {
    config.wasm.features()
}

fn err(offset: usize, message: impl Into<String>) -> CompileError {
    CompileError {
        offset,
        message: message.into(),
    }
}

/// Converts a wasmparser value type: the numeric types and the two 2.0 reference types
/// (validation with our feature set admits no other).
pub(crate) fn val_type(ty: wasmparser::ValType) -> Result<ValType, CompileError> {
    match ty {
        wasmparser::ValType::I32 => Ok(ValType::I32),
        wasmparser::ValType::I64 => Ok(ValType::I64),
        wasmparser::ValType::F32 => Ok(ValType::F32),
        wasmparser::ValType::F64 => Ok(ValType::F64),
        wasmparser::ValType::Ref(r) => Ok(ref_type(r)?.val_type()),
        other => Err(err(0, format!("unsupported value type {other:?}"))),
    }
}

/// Converts a wasmparser reference type: `funcref` or `externref`.
pub(crate) fn ref_type(ty: wasmparser::RefType) -> Result<RefType, CompileError> {
    if ty == wasmparser::RefType::FUNCREF {
        Ok(RefType::Func)
    } else if ty == wasmparser::RefType::EXTERNREF {
        Ok(RefType::Extern)
    } else {
        Err(err(0, format!("unsupported reference type {ty:?}")))
    }
}

fn table_type(ty: &wasmparser::TableType) -> Result<TableType, CompileError> {
    Ok(TableType {
        elem: ref_type(ty.element_type)?,
        limits: limits(ty.initial, ty.maximum)?,
    })
}

fn func_type(ty: &wasmparser::FuncType) -> Result<FuncType, CompileError> {
    let params = ty
        .params()
        .iter()
        .map(|t| val_type(*t))
        .collect::<Result<Vec<_>, _>>()?;
    let results = ty
        .results()
        .iter()
        .map(|t| val_type(*t))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(FuncType::new(&params, &results))
}

fn limits(initial: u64, maximum: Option<u64>) -> Result<Limits, CompileError> {
    let conv = |v: u64| u32::try_from(v).map_err(|_| err(0, "limit out of range"));
    Ok(Limits {
        min: conv(initial)?,
        max: maximum.map(conv).transpose()?,
    })
}

fn global_type(ty: &wasmparser::GlobalType) -> Result<GlobalType, CompileError> {
    Ok(GlobalType {
        ty: val_type(ty.content_type)?,
        mutable: ty.mutable,
    })
}

fn const_expr(expr: &WpConstExpr<'_>) -> Result<ConstExpr, CompileError> {
    let mut reader = expr.get_operators_reader();
    let value = match reader.read()? {
        Operator::I32Const { value } => ConstExpr::Value(u64::from(value as u32)),
        Operator::I64Const { value } => ConstExpr::Value(value as u64),
        Operator::F32Const { value } => ConstExpr::Value(u64::from(value.bits())),
        Operator::F64Const { value } => ConstExpr::Value(value.bits()),
        Operator::GlobalGet { global_index } => ConstExpr::GlobalGet(global_index),
        Operator::RefNull { .. } => ConstExpr::Value(0),
        Operator::RefFunc { function_index } => ConstExpr::RefFunc(function_index),
        other => {
            return Err(err(
                reader.original_position() as usize,
                format!("unsupported constant {other:?}"),
            ))
        }
    };
    Ok(value)
}

impl Module {
    /// Decodes, validates and translates `bytes` in one pass.
    pub fn compile(bytes: &[u8], config: &Config) -> Result<Module, CompileError> {
        Module::compile_with_intrinsics(bytes, config, &|_, _| None)
    }

    /// Like [`Module::compile`], binding imported functions to native operations: for each
    /// function import `(module, name)` for which `resolve` answers an [`Intrinsic`] whose
    /// signature matches the import's type, calls compile to that operation (no host call).
    pub fn compile_with_intrinsics(
        bytes: &[u8],
        config: &Config,
        resolve: &dyn Fn(&str, &str) -> Option<Intrinsic>,
    ) -> Result<Module, CompileError> {
        let mut validator = Validator::new_with_features(features(config));
        let mut m = ModuleInner::default();
        let mut compiler = FuncCompiler::new(bytes, config);
        let mut parser = Parser::new(0);
        parser.set_features(features(config));
        for payload in parser.parse_all(bytes) {
            let payload = payload?;
            match validator.payload(&payload)? {
                ValidPayload::Func(func, body) => {
                    if m.import_intrinsics.len() != m.num_imported_funcs as usize {
                        m.bind_intrinsics(resolve);
                    }
                    compiler.compile(&mut m, func, &body)?;
                }
                ValidPayload::Parser(_) => return Err(err(0, "components are not supported")),
                ValidPayload::Ok | ValidPayload::End(_) => {}
            }
            m.read_section(payload)?;
        }
        compiler.finish(&mut m);
        Ok(Module { inner: Arc::new(m) })
    }

    /// The module's imports in order, with their types.
    pub fn imports(&self) -> &[ImportType] {
        &self.inner.imports
    }

    /// The module's exports in order, with their types.
    pub fn exports(&self) -> Vec<ExportType> {
        let m = &self.inner;
        m.exports
            .iter()
            .filter_map(|(name, kind, index)| {
                let ty = m.extern_type(*kind, *index)?;
                Some(ExportType {
                    name: name.clone(),
                    ty,
                })
            })
            .collect()
    }

    /// Whether the module declares a start function.
    pub fn has_start(&self) -> bool {
        self.inner.start.is_some()
    }

    /// Number of memories defined (not imported) by the module.
    pub fn defined_memory_count(&self) -> usize {
        self.inner.memories.len()
    }

    /// Number of imported memories.
    pub fn imported_memory_count(&self) -> usize {
        self.inner.memory_limits.len() - self.inner.memories.len()
    }

    /// Whether any float instruction occurs in any function body.
    pub fn uses_floats(&self) -> bool {
        self.inner.uses_floats
    }

    /// Number of executed words of the bodies translated so far.
    pub fn code_len(&self) -> usize {
        let bodies = self.inner.funcs.iter().filter_map(FuncCode::get);
        bodies.map(|f| f.words.len()).sum()
    }

    /// Number of function bodies translated so far: all of them after an eager compile;
    /// under lazy translation, those compiled eagerly (see `code`) plus each function
    /// called at least once.
    pub fn translated_count(&self) -> usize {
        self.inner.translated.load(Ordering::Relaxed)
    }

    /// Number of functions the module defines.
    pub fn defined_func_count(&self) -> usize {
        self.inner.funcs.len()
    }
}

/// Modules with at most this many exports find one by a scan of the names, more by
/// [`ModuleInner::export_map`].
const EXPORT_SCAN: usize = 8;

impl ModuleInner {
    /// The position of export `name` in `exports`.
    pub(crate) fn export_index(&self, name: &str) -> Option<usize> {
        if self.exports.len() <= EXPORT_SCAN {
            self.exports.iter().position(|(n, _, _)| n == name)
        } else {
            self.export_map.get(name).copied()
        }
    }

    fn extern_type(&self, kind: ExternalKind, index: u32) -> Option<ExternType> {
        let i = index as usize;
        Some(match kind {
            ExternalKind::Func => {
                let ty = self.func_types.get(i)?;
                ExternType::Func(self.types.get(*ty as usize)?.clone())
            }
            ExternalKind::Table => ExternType::Table(*self.table_types.get(i)?),
            ExternalKind::Memory => ExternType::Memory(*self.memory_limits.get(i)?),
            ExternalKind::Global => ExternType::Global(*self.global_types.get(i)?),
            _ => return None,
        })
    }

    /// Resolves every imported function to an intrinsic where `resolve` offers one with a
    /// matching signature (all-i32 pointer parameters, optional i32 result).
    fn bind_intrinsics(&mut self, resolve: &dyn Fn(&str, &str) -> Option<Intrinsic>) {
        let funcs = self.imports.iter().filter_map(|imp| match &imp.ty {
            ExternType::Func(ty) => Some((imp, ty)),
            _ => None,
        });
        let mut bound = Vec::new();
        for (imp, ty) in funcs {
            let intrinsic = resolve(&imp.module, &imp.name).filter(|intr| {
                let params = vec![ValType::I32; intr.op.param_count()];
                let results: &[ValType] = if intr.op.returns_i32() {
                    &[ValType::I32]
                } else {
                    &[]
                };
                *ty == FuncType::new(&params, results)
            });
            bound.push(intrinsic);
        }
        self.import_intrinsics = bound;
    }

    fn read_section(&mut self, payload: Payload<'_>) -> Result<(), CompileError> {
        match payload {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    self.types.push(func_type(&ty?)?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import?;
                    let ty = match import.ty {
                        TypeRef::Func(idx) | TypeRef::FuncExact(idx) => {
                            self.func_types.push(idx);
                            self.num_imported_funcs += 1;
                            ExternType::Func(
                                self.types.get(idx as usize).cloned().unwrap_or_default(),
                            )
                        }
                        TypeRef::Table(t) => {
                            let t = table_type(&t)?;
                            self.table_types.push(t);
                            ExternType::Table(t)
                        }
                        TypeRef::Memory(t) => {
                            let l = limits(t.initial, t.maximum)?;
                            self.memory_limits.push(l);
                            ExternType::Memory(l)
                        }
                        TypeRef::Global(g) => {
                            let g = global_type(&g)?;
                            self.global_types.push(g);
                            self.num_imported_globals += 1;
                            ExternType::Global(g)
                        }
                        TypeRef::Tag(_) => return Err(err(0, "tags are not supported")),
                    };
                    self.imports.push(ImportType {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        ty,
                    });
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    self.func_types.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    let t = table_type(&table.ty)?;
                    let init = match &table.init {
                        wasmparser::TableInit::RefNull => ConstExpr::Value(0),
                        wasmparser::TableInit::Expr(e) => const_expr(e)?,
                    };
                    self.tables.push((t, init));
                    self.table_types.push(t);
                }
            }
            Payload::MemorySection(reader) => {
                for mem in reader {
                    let t = mem?;
                    let l = limits(t.initial, t.maximum)?;
                    self.memories.push(l);
                    self.memory_limits.push(l);
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let g = global?;
                    let ty = global_type(&g.ty)?;
                    self.global_types.push(ty);
                    self.globals.push((ty, const_expr(&g.init_expr)?));
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let e = export?;
                    self.exports.push((e.name.to_string(), e.kind, e.index));
                }
                if self.exports.len() > EXPORT_SCAN {
                    let names = self.exports.iter().enumerate();
                    self.export_map = names.map(|(i, (n, _, _))| (n.clone(), i)).collect();
                }
            }
            Payload::StartSection { func, .. } => self.start = Some(func),
            Payload::ElementSection(reader) => {
                for elem in reader {
                    self.read_elem(elem?)?;
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let d = data?;
                    let active = match d.kind {
                        DataKind::Active { offset_expr, .. } => Some(const_expr(&offset_expr)?),
                        DataKind::Passive => None,
                    };
                    self.datas.push(DataSegment {
                        active,
                        bytes: d.data.to_vec(),
                    });
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn read_elem(&mut self, elem: wasmparser::Element<'_>) -> Result<(), CompileError> {
        let declared = matches!(elem.kind, ElementKind::Declared);
        let active = match elem.kind {
            ElementKind::Active {
                table_index,
                offset_expr,
            } => Some((table_index.unwrap_or(0), const_expr(&offset_expr)?)),
            ElementKind::Passive | ElementKind::Declared => None,
        };
        let items = match elem.items {
            ElementItems::Functions(reader) => reader
                .into_iter()
                .map(|f| f.map(ConstExpr::RefFunc))
                .collect::<Result<Vec<_>, _>>()?,
            ElementItems::Expressions(_, reader) => reader
                .into_iter()
                .map(|e| const_expr(&e?))
                .collect::<Result<Vec<_>, _>>()?,
        };
        self.elems.push(ElemSegment {
            active,
            declared,
            items,
        });
        Ok(())
    }
}
