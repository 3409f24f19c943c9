//! The contract-interface checks (ECI, EWASM.md section 1 step 6) over a summary of a
//! decoded module, and the preamble/version check (steps 3–4). Errors name the offending
//! import or export.

use std::fmt;

use crate::host::Revision;
use crate::table::{self, write_signature, ImportDef, Namespace, ValType};

/// What an import brings in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportKind {
    /// A function with (params, results).
    Func(Vec<ValType>, Vec<ValType>),
    /// A memory.
    Memory,
    /// A table.
    Table,
    /// A global.
    Global,
}

/// One import of the module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportDesc {
    /// Module (namespace) name.
    pub module: String,
    /// Field name.
    pub name: String,
    /// What is imported.
    pub kind: ImportKind,
}

/// What an export refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// A function with (params, results).
    Func(Vec<ValType>, Vec<ValType>),
    /// A memory.
    Memory,
    /// A table.
    Table,
    /// A global.
    Global,
}

impl ExportKind {
    fn describe(&self) -> &'static str {
        match self {
            ExportKind::Func(..) => "function",
            ExportKind::Memory => "memory",
            ExportKind::Table => "table",
            ExportKind::Global => "global",
        }
    }
}

/// One export of the module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportDesc {
    /// Export name.
    pub name: String,
    /// What is exported.
    pub kind: ExportKind,
}

/// The parts of a decoded module the ECI looks at (built by the engine while decoding).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContractInterface {
    /// Imports in module order.
    pub imports: Vec<ImportDesc>,
    /// Exports in module order.
    pub exports: Vec<ExportDesc>,
    /// Whether the module has a start function.
    pub has_start: bool,
    /// Memories defined by the module itself.
    pub memories_defined: u32,
    /// Memories imported.
    pub memories_imported: u32,
}

/// The options the gate depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GateOptions {
    /// Allow the `bignum` namespace.
    pub bignum: bool,
    /// Allow the `debug` namespace.
    pub debug: bool,
    /// The revision (functions newer than it are unknown).
    pub revision: Revision,
}

/// Why a contract fails the interface checks (each maps to CONTRACT_VALIDATION_FAILURE).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GateError {
    /// The module has a start function.
    StartFunction,
    /// A memory is imported (`module.name`).
    ImportedMemory {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// A table or global is imported.
    NonFunctionImport {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// "table" or "global".
        kind: &'static str,
    },
    /// The module does not define exactly one memory.
    MemoryCount(u32),
    /// An import from a namespace other than ethereum/bignum/debug.
    UnknownNamespace {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// An import from `bignum` or `debug` while that option is off.
    NamespaceDisabled {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// No such function in the namespace (in this revision).
    UnknownFunction {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
    },
    /// A function that exists only from a later revision.
    FunctionTooNew {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// Its first revision.
        first: Revision,
        /// The revision executing.
        revision: Revision,
    },
    /// A known function imported with another signature.
    WrongSignature {
        /// Import module.
        module: String,
        /// Import name.
        name: String,
        /// Declared parameters.
        params: Vec<ValType>,
        /// Declared results.
        results: Vec<ValType>,
        /// The table entry.
        expected: &'static ImportDef,
    },
    /// No `main` export.
    MissingMain,
    /// `main` is exported but is not a `() -> ()` function.
    BadMain(ExportKind),
    /// No `memory` export.
    MissingMemoryExport,
    /// `memory` is exported but is not a memory.
    BadMemoryExport(ExportKind),
    /// An export other than `main` and `memory`.
    ExtraExport(String),
}

impl fmt::Display for GateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use GateError::*;
        match self {
            StartFunction => f.write_str("the module has a start function"),
            ImportedMemory { module, name } => {
                write!(
                    f,
                    "import {module}.{name} is a memory; memories may not be imported"
                )
            }
            NonFunctionImport { module, name, kind } => write!(
                f,
                "import {module}.{name} is a {kind}; only functions may be imported"
            ),
            MemoryCount(n) => write!(f, "the module defines {n} memories, expected exactly 1"),
            UnknownNamespace { module, name } => {
                write!(
                    f,
                    "import {module}.{name} is from unknown namespace {module}"
                )
            }
            NamespaceDisabled { module, name } => {
                write!(f, "import {module}.{name}: namespace {module} is disabled")
            }
            UnknownFunction { module, name } => {
                write!(f, "import {module}.{name} is not a known function")
            }
            FunctionTooNew {
                module,
                name,
                first,
                revision,
            } => write!(
                f,
                "import {module}.{name} exists from {first:?}, executing {revision:?}"
            ),
            WrongSignature {
                module,
                name,
                params,
                results,
                expected,
            } => {
                write!(f, "import {module}.{name} has signature ")?;
                write_signature(f, params, results)?;
                write!(f, ", expected {}", expected.signature)
            }
            MissingMain => f.write_str("export main is missing"),
            BadMain(kind) => match kind {
                ExportKind::Func(params, results) => {
                    f.write_str("export main has signature ")?;
                    write_signature(f, params, results)?;
                    f.write_str(", expected () -> ()")
                }
                other => write!(
                    f,
                    "export main is a {}, expected a function",
                    other.describe()
                ),
            },
            MissingMemoryExport => f.write_str("export memory is missing"),
            BadMemoryExport(kind) => {
                write!(
                    f,
                    "export memory is a {}, expected a memory",
                    kind.describe()
                )
            }
            ExtraExport(name) => {
                write!(f, "export {name} is not allowed (only main and memory)")
            }
        }
    }
}

impl std::error::Error for GateError {}

/// Checks the interface and resolves every function import, in import order.
pub fn check_interface(
    module: &ContractInterface,
    opts: &GateOptions,
) -> Result<Vec<&'static ImportDef>, GateError> {
    if module.has_start {
        return Err(GateError::StartFunction);
    }
    let resolved = module
        .imports
        .iter()
        .map(|import| resolve_import(import, opts))
        .collect::<Result<Vec<_>, _>>()?;
    if module.memories_imported > 0 {
        // Unreachable through `imports` (memory imports fail above), kept for summaries
        // that count without listing.
        return Err(GateError::MemoryCount(
            module
                .memories_defined
                .saturating_add(module.memories_imported),
        ));
    }
    if module.memories_defined != 1 {
        return Err(GateError::MemoryCount(module.memories_defined));
    }
    check_exports(&module.exports)?;
    Ok(resolved)
}

fn resolve_import(
    import: &ImportDesc,
    opts: &GateOptions,
) -> Result<&'static ImportDef, GateError> {
    let (module, name) = (import.module.clone(), import.name.clone());
    let (params, results) = match &import.kind {
        ImportKind::Func(params, results) => (params, results),
        ImportKind::Memory => return Err(GateError::ImportedMemory { module, name }),
        ImportKind::Table => {
            return Err(GateError::NonFunctionImport {
                module,
                name,
                kind: "table",
            })
        }
        ImportKind::Global => {
            return Err(GateError::NonFunctionImport {
                module,
                name,
                kind: "global",
            })
        }
    };
    let enabled = match Namespace::from_name(&import.module) {
        None => return Err(GateError::UnknownNamespace { module, name }),
        Some(Namespace::Ethereum) => true,
        Some(Namespace::Bignum) => opts.bignum,
        Some(Namespace::Debug) => opts.debug,
    };
    if !enabled {
        return Err(GateError::NamespaceDisabled { module, name });
    }
    let Some(def) = table::lookup(&import.module, &import.name) else {
        return Err(GateError::UnknownFunction { module, name });
    };
    if def.first_revision > opts.revision {
        let (first, revision) = (def.first_revision, opts.revision);
        return Err(GateError::FunctionTooNew {
            module,
            name,
            first,
            revision,
        });
    }
    if !def.signature.matches(params, results) {
        let (params, results) = (params.clone(), results.clone());
        return Err(GateError::WrongSignature {
            module,
            name,
            params,
            results,
            expected: def,
        });
    }
    Ok(def)
}

fn check_exports(exports: &[ExportDesc]) -> Result<(), GateError> {
    if let Some(extra) = exports
        .iter()
        .find(|e| e.name != "main" && e.name != "memory")
    {
        return Err(GateError::ExtraExport(extra.name.clone()));
    }
    match exports.iter().find(|e| e.name == "main").map(|e| &e.kind) {
        None => return Err(GateError::MissingMain),
        Some(ExportKind::Func(params, results)) if params.is_empty() && results.is_empty() => {}
        Some(other) => return Err(GateError::BadMain(other.clone())),
    }
    match exports.iter().find(|e| e.name == "memory").map(|e| &e.kind) {
        None => Err(GateError::MissingMemoryExport),
        Some(ExportKind::Memory) => Ok(()),
        Some(other) => Err(GateError::BadMemoryExport(other.clone())),
    }
}

/// What the first 8 bytes of the code say (EWASM.md section 1 steps 3–4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preamble {
    /// Shorter than 8 bytes or not starting with `\0asm`: EVM1 code.
    NotWasm,
    /// `\0asm` with a version other than 1: CONTRACT_VALIDATION_FAILURE.
    BadVersion,
    /// `\0asm` version 1.
    Wasm,
}

/// The wasm magic bytes.
pub const WASM_MAGIC: [u8; 4] = [0x00, 0x61, 0x73, 0x6d];
/// The only accepted wasm version.
pub const WASM_VERSION_1: [u8; 4] = [0x01, 0x00, 0x00, 0x00];

/// Classifies `code` by its preamble.
pub fn check_preamble(code: &[u8]) -> Preamble {
    match (code.get(..4), code.get(4..8)) {
        (Some(magic), Some(version)) if magic == WASM_MAGIC => {
            if version == WASM_VERSION_1 {
                Preamble::Wasm
            } else {
                Preamble::BadVersion
            }
        }
        _ => Preamble::NotWasm,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preamble_classification() {
        assert_eq!(check_preamble(b""), Preamble::NotWasm);
        assert_eq!(check_preamble(b"\0asm\x01\0\0"), Preamble::NotWasm);
        assert_eq!(check_preamble(b"\0asm\x01\0\0\0"), Preamble::Wasm);
        assert_eq!(check_preamble(b"\0asm\x01\0\0\0\x01\x02"), Preamble::Wasm);
        assert_eq!(check_preamble(b"\0asm\x02\0\0\0"), Preamble::BadVersion);
        assert_eq!(check_preamble(b"\0asm\0\0\0\x01"), Preamble::BadVersion);
        assert_eq!(
            check_preamble(b"\x60\x00\x60\x00\x55\x00\x00\x00"),
            Preamble::NotWasm
        );
        assert_eq!(check_preamble(b"\0ASM\x01\0\0\0"), Preamble::NotWasm);
    }
}
