//! Engine configuration: the deterministic resource limits and execution options.

use wasmparser::WasmFeatures;

/// Default maximum number of nested Wasm call frames.
pub const DEFAULT_MAX_CALL_DEPTH: u32 = 16 * 1024;
/// Default value-stack capacity in 8-byte slots (locals, parameters and operands).
pub const DEFAULT_MAX_VALUE_STACK: u32 = 1024 * 1024;
/// Default maximum number of 64 KiB linear-memory pages (the Wasm 1.0 maximum).
pub const DEFAULT_MAX_MEMORY_PAGES: u32 = 65536;
/// Gas charged per requested page by `memory.grow` when metering is on.
pub const GROW_GAS_PER_PAGE: i64 = 262_144;
/// Steps spent per requested page by `memory.grow`, in both metering modes (EWASM.md
/// section 4.2).
pub const STEPS_PER_GROWN_PAGE: u64 = 16;

/// The WebAssembly a module may use (EWASM.md section 1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WasmVersion {
    /// WebAssembly 1.0 plus sign-extension operators and mutable globals.
    Mvp,
    /// WebAssembly 2.0 without SIMD: also multi-value, bulk memory, non-trapping
    /// float-to-int and reference types (default).
    #[default]
    V2,
}

impl WasmVersion {
    /// The wasmparser feature set that validates exactly this version. Every other
    /// proposal (SIMD, threads, tail calls, exceptions, GC, memory64, multi-memory...) is
    /// off, so wasmparser's error names the feature a module needs.
    pub fn features(self) -> WasmFeatures {
        let mvp = WasmFeatures::WASM1 | WasmFeatures::SIGN_EXTENSION;
        match self {
            WasmVersion::Mvp => mvp,
            WasmVersion::V2 => {
                mvp | WasmFeatures::MULTI_VALUE
                    | WasmFeatures::BULK_MEMORY
                    | WasmFeatures::SATURATING_FLOAT_TO_INT
                    | WasmFeatures::REFERENCE_TYPES
            }
        }
    }
}

/// When function bodies are translated to executed code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Translation {
    /// Every body is validated at compile time and translated on its function's first
    /// call, once (default).
    #[default]
    Lazy,
    /// Every body is validated and translated at compile time.
    Eager,
}

/// Limits and options for compiling and running modules. Exhausting a limit is a trap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Maximum number of nested Wasm call frames; deeper calls trap with
    /// [`Trap::CallStackExhausted`](super::Trap::CallStackExhausted).
    pub max_call_depth: u32,
    /// Value-stack capacity in slots; a call that would exceed it traps with
    /// [`Trap::ValueStackExhausted`](super::Trap::ValueStackExhausted).
    pub max_value_stack: u32,
    /// Upper bound on linear-memory pages (initial sizes above it fail instantiation,
    /// `memory.grow` beyond it returns -1). At most 65536.
    pub max_memory_pages: u32,
    /// Insert `ChargeGas` at every metered block entry (function entry, after
    /// `block`/`loop`/`if`/`else`); running out traps with [`Trap::OutOfGas`](super::Trap::OutOfGas).
    pub metering: bool,
    /// Optional limit on executed steps: calls plus backward branches (loop iterations),
    /// plus the steps of work that grows with an operand (bulk memory and table operations,
    /// `memory.grow`: EWASM.md section 4.2). Every non-terminating execution takes
    /// infinitely many of them, so any limit stops it; exceeding it traps with
    /// [`Trap::StepLimitExceeded`](super::Trap::StepLimitExceeded).
    /// Counted at run time only (it changes no compiled code); `None` is no limit.
    pub step_limit: Option<u64>,
    /// The WebAssembly version modules may use.
    pub wasm: WasmVersion,
    /// When bodies are translated (the same module runs the same either way).
    pub translation: Translation,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            max_call_depth: DEFAULT_MAX_CALL_DEPTH,
            max_value_stack: DEFAULT_MAX_VALUE_STACK,
            max_memory_pages: DEFAULT_MAX_MEMORY_PAGES,
            metering: false,
            step_limit: None,
            wasm: WasmVersion::V2,
            translation: Translation::Lazy,
        }
    }
}

impl Config {
    /// The effective page cap: `max_memory_pages` clamped to the Wasm 1.0 maximum.
    pub fn page_cap(&self) -> u32 {
        self.max_memory_pages.min(DEFAULT_MAX_MEMORY_PAGES)
    }
}
