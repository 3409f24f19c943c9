//! Shared settings of the tests that compile contracts with `ssvm::contract::Contract`.

use ewasm_host::Revision;
use ssvm::contract::CompileOptions;

/// The options those tests compile with: Byzantium, metering off, `bignum` allowed,
/// WebAssembly 2.0, 16 pages, lazy translation.
pub fn compile_options() -> CompileOptions {
    CompileOptions {
        metering: false,
        bignum: true,
        debug: false,
        reject_floats: false,
        max_memory_pages: 16,
        revision: Revision::Byzantium,
        wasm: ssvm::options::WasmVersion::V2,
        translation: ssvm::options::Translation::Lazy,
    }
}
