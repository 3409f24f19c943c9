//! wasm-smith configurations for the feature set SSVM supports by default (WebAssembly 2.0
//! without SIMD: Wasm 1.0, sign extension, mutable globals, multi-value, bulk memory,
//! saturating float-to-int, reference types), for plain engine modules and for Ewasm
//! contracts.

use arbitrary::{Result, Unstructured};
use ewasm_host::table::{Namespace, IMPORTS};
use wasm_smith::{Config, Module};

/// Bytes in one Wasm page.
pub const PAGE_BYTES: u64 = 65_536;

/// A configuration restricted to SSVM's features: the 2.0 proposals on, every later one
/// off; at most one memory, memories with a declared maximum of at most `max_pages` pages,
/// up to four tables with a declared maximum of at most 1,000 elements, no imports.
pub fn engine_config(max_pages: u64) -> Config {
    Config {
        bulk_memory_enabled: true,
        exceptions_enabled: false,
        gc_enabled: false,
        compact_imports_enabled: false,
        memory64_enabled: false,
        multi_value_enabled: true,
        reference_types_enabled: true,
        relaxed_simd_enabled: false,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        simd_enabled: false,
        tail_call_enabled: false,
        threads_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        custom_page_sizes_enabled: false,
        max_memories: 1,
        max_tables: 4,
        max_table_elements: 1_000,
        table_max_size_required: true,
        max_memory32_bytes: max_pages * PAGE_BYTES,
        memory_max_size_required: true,
        max_imports: 0,
        max_funcs: 20,
        max_instructions: 200,
        max_data_segments: 10,
        max_element_segments: 10,
        ..Config::default()
    }
}

/// A module for the plain engine under `engine_config(max_pages)`, with every entity exported
/// so results, memory and globals can be observed; with `canonicalize_nans` wasm-smith
/// rewrites every float result that may be NaN to the canonical NaN.
pub fn engine_module(
    u: &mut Unstructured<'_>,
    max_pages: u64,
    canonicalize_nans: bool,
) -> Result<Module> {
    let config = Config {
        export_everything: true,
        canonicalize_nans,
        ..engine_config(max_pages)
    };
    Module::new(config, u)
}

/// A Wasm module (text) that imports every `ethereum` and `bignum` function of the EEI
/// table with its exact signature: the menu wasm-smith picks a contract's imports from.
pub fn eei_imports_wat() -> String {
    let mut wat = String::from("(module\n");
    for def in IMPORTS {
        if def.namespace == Namespace::Debug {
            continue;
        }
        let params: Vec<&str> = def.signature.params.iter().map(|t| t.as_str()).collect();
        let results: Vec<&str> = def.signature.results.iter().map(|t| t.as_str()).collect();
        wat.push_str(&format!(
            "  (import \"{}\" \"{}\" (func (param {}) (result {})))\n",
            def.namespace.as_str(),
            def.name,
            params.join(" "),
            results.join(" ")
        ));
    }
    wat.push(')');
    wat
}

/// The exports every Ewasm contract must have, exactly: `main: () -> ()` and `memory`.
pub const CONTRACT_EXPORTS_WAT: &str =
    r#"(module (func (export "main")) (memory (export "memory") 1 4))"#;

/// An Ewasm contract: imports drawn from the EEI table, exactly the `main` and `memory`
/// exports, no start function, at most `max_pages` pages of memory.
pub fn contract_module(u: &mut Unstructured<'_>, max_pages: u64) -> Result<Module> {
    let imports =
        wat::parse_str(eei_imports_wat()).map_err(|_| arbitrary::Error::IncorrectFormat)?;
    let exports =
        wat::parse_str(CONTRACT_EXPORTS_WAT).map_err(|_| arbitrary::Error::IncorrectFormat)?;
    let config = Config {
        available_imports: Some(imports),
        exports: Some(exports),
        max_imports: 30,
        allow_start_export: false,
        ..engine_config(max_pages)
    };
    Module::new(config, u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eei_import_menu_is_valid_wasm_and_lists_every_non_debug_import() {
        let wat = eei_imports_wat();
        let bytes = wat::parse_str(&wat).expect("import menu parses");
        let count = wasmparser::Parser::new(0)
            .parse_all(&bytes)
            .filter_map(|p| match p {
                Ok(wasmparser::Payload::ImportSection(r)) => Some(r.count()),
                _ => None,
            })
            .sum::<u32>();
        let expected = IMPORTS
            .iter()
            .filter(|d| d.namespace != Namespace::Debug)
            .count();
        assert_eq!(count as usize, expected);
        assert!(wat.contains("\"ethereum\" \"useGas\" (func (param i64) (result ))"));
    }

    #[test]
    fn contract_modules_pass_the_ssvm_code_gate() {
        let opts = ssvm::contract::CompileOptions {
            metering: true,
            bignum: true,
            debug: false,
            reject_floats: false,
            max_memory_pages: 16,
            revision: ewasm_host::Revision::London,
            wasm: ssvm::options::WasmVersion::V2,
            translation: ssvm::options::Translation::Lazy,
        };
        let mut accepted = 0;
        for seed in 0u32..200 {
            let bytes: Vec<u8> = (0..4096u32)
                .map(|i| {
                    (i.wrapping_mul(2654435761)
                        .wrapping_add(seed.wrapping_mul(40503))
                        >> 13) as u8
                })
                .collect();
            let mut u = Unstructured::new(&bytes);
            let Ok(module) = contract_module(&mut u, 4) else {
                continue;
            };
            let wasm = module.to_bytes();
            if ssvm::contract::Contract::compile(&wasm, &opts).is_ok() {
                accepted += 1;
            }
        }
        assert!(
            accepted > 100,
            "only {accepted} of 200 generated contracts passed the gate"
        );
    }
}
