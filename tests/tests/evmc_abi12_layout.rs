//! `evmc_abi12_layout`: the hand-written ABI 12 types of `evmc-ssvm` (`ssvm::evmc::sys12`)
//! against the facts of EVMC 12.1.0's `evmc.h` recorded in `../shared/docs/EVMC12.md`:
//! size, alignment and every field offset of each struct we define, the enum values and
//! sizes, the host-table order and `EVMC_ABI_VERSION`. The Rust side is computed with
//! `size_of`/`align_of`/`offset_of!`; the expected side is parsed from the document, never
//! written here. Every struct field we define must be in the document and every document
//! fact about a struct or enum we define must hold.
//!
//! Without `../shared` the tests print `SKIP:` and pass, unless `CI` is set (then they fail).

use std::collections::BTreeMap;
use std::mem::{align_of, offset_of, size_of};
use std::path::PathBuf;

use regex::Regex;
use ssvm::evmc::sys12::*;

/// `name -> value` facts, keyed like the document's lines: `evmc_message size`,
/// `evmc_message align`, `evmc_message.kind offset`, `enum evmc_revision size`.
type Facts = BTreeMap<String, i64>;

/// Size, alignment and every field offset of a struct, and its fields in declaration order.
macro_rules! layout {
    ($facts:ident, $fields:ident, $ty:ident { $($field:ident),* $(,)? }) => {{
        let ty = stringify!($ty);
        $facts.insert(format!("{ty} size"), size_of::<$ty>() as i64);
        $facts.insert(format!("{ty} align"), align_of::<$ty>() as i64);
        let mut names = Vec::new();
        $(
            $facts.insert(
                format!("{ty}.{} offset", stringify!($field)),
                offset_of!($ty, $field) as i64,
            );
            names.push(stringify!($field).to_string());
        )*
        $fields.insert(ty.to_string(), names);
    }};
}

/// What our types say.
#[derive(Default)]
struct Ours {
    /// Struct and enum sizes, alignments, field offsets.
    facts: Facts,
    /// Field names of each struct in declaration order.
    fields: BTreeMap<String, Vec<String>>,
    /// `(enum, variant) -> value`.
    values: BTreeMap<(String, String), i64>,
}

fn ours() -> Ours {
    let mut out = Ours::default();
    let facts = &mut out.facts;
    let fields = &mut out.fields;
    // The byte arrays: EVMC12.md gives their size and alignment only.
    for (ty, size, align) in [
        (
            "evmc_bytes32",
            size_of::<evmc_bytes32>(),
            align_of::<evmc_bytes32>(),
        ),
        (
            "evmc_address",
            size_of::<evmc_address>(),
            align_of::<evmc_address>(),
        ),
    ] {
        facts.insert(format!("{ty} size"), size as i64);
        facts.insert(format!("{ty} align"), align as i64);
    }
    #[rustfmt::skip]
    layout!(facts, fields, evmc_message {
        kind, flags, depth, gas, recipient, sender, input_data, input_size, value,
        create2_salt, code_address, code, code_size
    });
    layout!(
        facts,
        fields,
        evmc_tx_initcode {
            hash,
            code,
            code_size
        }
    );
    #[rustfmt::skip]
    layout!(facts, fields, evmc_tx_context {
        tx_gas_price, tx_origin, block_coinbase, block_number, block_timestamp,
        block_gas_limit, block_prev_randao, chain_id, block_base_fee, blob_base_fee,
        blob_hashes, blob_hashes_count, initcodes, initcodes_count
    });
    #[rustfmt::skip]
    layout!(facts, fields, evmc_result {
        status_code, gas_left, gas_refund, output_data, output_size, release,
        create_address, padding
    });
    #[rustfmt::skip]
    layout!(facts, fields, evmc_host_interface {
        account_exists, get_storage, set_storage, get_balance, get_code_size, get_code_hash,
        copy_code, selfdestruct, call, get_tx_context, get_block_hash, emit_log,
        access_account, access_storage, get_transient_storage, set_transient_storage
    });
    #[rustfmt::skip]
    layout!(facts, fields, evmc_vm {
        abi_version, name, version, destroy, execute, get_capabilities, set_option
    });
    enum_values(&mut out);
    out
}

fn enum_values(out: &mut Ours) {
    macro_rules! enum_rows {
        ($($ty:ident: $($variant:ident),*;)*) => {$(
            out.facts.insert(format!("enum {} size", stringify!($ty)), size_of::<$ty>() as i64);
            $(
                out.values.insert(
                    (stringify!($ty).to_string(), stringify!($variant).to_string()),
                    $ty::$variant as i64,
                );
            )*
        )*};
    }
    #[rustfmt::skip]
    enum_rows! {
        evmc_call_kind: EVMC_CALL, EVMC_DELEGATECALL, EVMC_CALLCODE, EVMC_CREATE, EVMC_CREATE2,
            EVMC_EOFCREATE;
        evmc_flags: EVMC_STATIC, EVMC_DELEGATED;
        evmc_status_code: EVMC_SUCCESS, EVMC_FAILURE, EVMC_REVERT, EVMC_OUT_OF_GAS,
            EVMC_INVALID_INSTRUCTION, EVMC_UNDEFINED_INSTRUCTION, EVMC_STACK_OVERFLOW,
            EVMC_STACK_UNDERFLOW, EVMC_BAD_JUMP_DESTINATION, EVMC_INVALID_MEMORY_ACCESS,
            EVMC_CALL_DEPTH_EXCEEDED, EVMC_STATIC_MODE_VIOLATION, EVMC_PRECOMPILE_FAILURE,
            EVMC_CONTRACT_VALIDATION_FAILURE, EVMC_ARGUMENT_OUT_OF_RANGE,
            EVMC_WASM_UNREACHABLE_INSTRUCTION, EVMC_WASM_TRAP, EVMC_INSUFFICIENT_BALANCE,
            EVMC_INTERNAL_ERROR, EVMC_REJECTED, EVMC_OUT_OF_MEMORY;
        evmc_storage_status: EVMC_STORAGE_ASSIGNED, EVMC_STORAGE_ADDED, EVMC_STORAGE_DELETED,
            EVMC_STORAGE_MODIFIED, EVMC_STORAGE_DELETED_ADDED, EVMC_STORAGE_MODIFIED_DELETED,
            EVMC_STORAGE_DELETED_RESTORED, EVMC_STORAGE_ADDED_DELETED,
            EVMC_STORAGE_MODIFIED_RESTORED;
        evmc_access_status: EVMC_ACCESS_COLD, EVMC_ACCESS_WARM;
        evmc_set_option_result: EVMC_SET_OPTION_SUCCESS, EVMC_SET_OPTION_INVALID_NAME,
            EVMC_SET_OPTION_INVALID_VALUE;
        evmc_revision: EVMC_FRONTIER, EVMC_HOMESTEAD, EVMC_TANGERINE_WHISTLE,
            EVMC_SPURIOUS_DRAGON, EVMC_BYZANTIUM, EVMC_CONSTANTINOPLE, EVMC_PETERSBURG,
            EVMC_ISTANBUL, EVMC_BERLIN, EVMC_LONDON, EVMC_PARIS, EVMC_SHANGHAI, EVMC_CANCUN,
            EVMC_PRAGUE, EVMC_OSAKA, EVMC_EXPERIMENTAL;
        evmc_capabilities: EVMC_CAPABILITY_EVM1, EVMC_CAPABILITY_EWASM,
            EVMC_CAPABILITY_PRECOMPILES;
    }
}

/// What `EVMC12.md` says.
#[derive(Debug, Default)]
struct Doc {
    /// Struct sizes, alignments, field offsets, enum sizes, `EVMC_MAX_REVISION`,
    /// `EVMC_ABI_VERSION`.
    facts: Facts,
    /// Field names of each struct in the document's order.
    fields: BTreeMap<String, Vec<String>>,
    /// `(enum, short name as the table writes it) -> value`.
    values: BTreeMap<(String, String), i64>,
    /// The host interface order list.
    host_order: Vec<String>,
    /// `EVMC_LATEST_STABLE_REVISION`'s short name.
    latest_stable: String,
}

/// `EVMC12.md`, or `None` after a `SKIP:` line (a failure under `CI`).
fn doc_text() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/docs/EVMC12.md");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but {} cannot be read: {e}",
                path.display()
            );
            println!("SKIP: evmc_abi12_layout: {} not found", path.display());
            None
        }
    }
}

/// The text between a `## heading` line and the next `## ` heading.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(&format!("\n## {heading}"))
        .unwrap_or_else(|| panic!("EVMC12.md has no section {heading}"));
    let rest = &text[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |e| e + 3);
    &rest[..end]
}

fn number(text: &str) -> i64 {
    text.parse()
        .unwrap_or_else(|e| panic!("not a number {text:?}: {e}"))
}

fn parse_doc(text: &str) -> Doc {
    let mut doc = Doc::default();
    let layout = section(text, "Layout");
    let struct_line = Regex::new(r"^struct (\w+) size (\d+) align (\d+)$").unwrap();
    let field_line = Regex::new(r"^(\w+)\.(\w+) offset (\d+)$").unwrap();
    let enum_size = Regex::new(r"enum (\w+) size (\d+)").unwrap();
    let constant = Regex::new(r"(EVMC_[A-Z_]+) (\d+)").unwrap();
    for line in layout.lines().map(str::trim) {
        if let Some(c) = struct_line.captures(line) {
            doc.facts.insert(format!("{} size", &c[1]), number(&c[2]));
            doc.facts.insert(format!("{} align", &c[1]), number(&c[3]));
        } else if let Some(c) = field_line.captures(line) {
            doc.facts
                .insert(format!("{}.{} offset", &c[1], &c[2]), number(&c[3]));
            doc.fields
                .entry(c[1].to_string())
                .or_default()
                .push(c[2].to_string());
        } else if line.starts_with("enum ") {
            for c in enum_size.captures_iter(line) {
                doc.facts
                    .insert(format!("enum {} size", &c[1]), number(&c[2]));
            }
            for c in constant.captures_iter(line) {
                doc.facts.insert(c[1].to_string(), number(&c[2]));
            }
        }
    }
    // "`evmc_address` is 20 bytes and `evmc_bytes32` (= `evmc_uint256be`) 32 bytes, both of
    // alignment 1."
    let scalars =
        Regex::new(r"`evmc_address` is (\d+) bytes and `evmc_bytes32`[^)]*\) (\d+) bytes, both of\s+alignment (\d+)")
            .unwrap();
    let c = scalars
        .captures(layout)
        .expect("EVMC12.md gives the sizes of evmc_address and evmc_bytes32");
    for (ty, size) in [("evmc_address", &c[1]), ("evmc_bytes32", &c[2])] {
        doc.facts.insert(format!("{ty} size"), number(size));
        doc.facts.insert(format!("{ty} align"), number(&c[3]));
    }
    let every_enum = Regex::new(r"Every enum is (\d+) bytes").unwrap();
    let enum_bytes = number(
        &every_enum
            .captures(text)
            .expect("EVMC12.md gives the enum size")[1],
    );
    parse_enums(section(text, "Enumerations"), enum_bytes, &mut doc);
    let order = section(text, "Host interface order");
    let list = order
        .split_once("\n\n")
        .expect("a list after the heading")
        .1;
    doc.host_order = list
        .split(',')
        .map(|name| name.trim().trim_end_matches('.').to_string())
        .filter(|name| !name.is_empty())
        .collect();
    doc
}

/// The enumeration table: `| \`evmc_call_kind\` | CALL 0, DELEGATECALL 1, ... |`.
fn parse_enums(table: &str, enum_bytes: i64, doc: &mut Doc) {
    let row = Regex::new(r"^\| `(\w+)`[^|]*\| (.*) \|$").unwrap();
    let pair = Regex::new(r"([A-Z][A-Z0-9_]*) (-?\d+)").unwrap();
    let latest = Regex::new(r"`EVMC_LATEST_STABLE_REVISION` = ([A-Z_]+)").unwrap();
    for line in table.lines() {
        let Some(c) = row.captures(line) else {
            continue;
        };
        let ty = c[1].to_string();
        doc.facts
            .entry(format!("enum {ty} size"))
            .or_insert(enum_bytes);
        for p in pair.captures_iter(&c[2]) {
            doc.values
                .insert((ty.clone(), p[1].to_string()), number(&p[2]));
        }
        if let Some(l) = latest.captures(&c[2]) {
            doc.latest_stable = l[1].to_string();
        }
    }
}

/// The prefix between `EVMC_` and the table's short name, per enum.
fn variant_prefix(ty: &str) -> &'static str {
    match ty {
        "evmc_storage_status" => "STORAGE_",
        "evmc_access_status" => "ACCESS_",
        "evmc_set_option_result" => "SET_OPTION_",
        "evmc_capabilities" => "CAPABILITY_",
        _ => "",
    }
}

/// Every mismatch between our types and the document, as readable lines.
fn mismatches(ours: &Ours, doc: &Doc) -> Vec<String> {
    let mut bad = Vec::new();
    // Each struct we define is in the document with the same fields in the same order.
    for (ty, fields) in &ours.fields {
        let documented = doc.fields.get(ty);
        if documented != Some(fields) {
            bad.push(format!("{ty}: fields {fields:?}, EVMC12.md {documented:?}"));
        }
    }
    // Every fact about a struct or enum we define, and every fact we compute, agree.
    for (name, &value) in &ours.facts {
        match doc.facts.get(name) {
            Some(&expected) if expected == value => {}
            Some(&expected) => bad.push(format!("{name}: ours {value}, EVMC12.md {expected}")),
            None => bad.push(format!("{name}: ours {value}, not in EVMC12.md")),
        }
    }
    for (name, &expected) in &doc.facts {
        let ty = name.split(['.', ' ']).next().unwrap_or(name);
        let defined = ours.fields.contains_key(ty)
            || name.starts_with("enum ")
            || name.starts_with("evmc_address ")
            || name.starts_with("evmc_bytes32 ");
        if defined && !ours.facts.contains_key(name) && !name.starts_with("EVMC_") {
            bad.push(format!("{name}: EVMC12.md {expected}, not in our types"));
        }
    }
    bad.extend(enum_mismatches(ours, doc));
    bad
}

fn enum_mismatches(ours: &Ours, doc: &Doc) -> Vec<String> {
    let mut bad = Vec::new();
    let ours_named = |ty: &str, short: &str| {
        let full = format!("EVMC_{}{short}", variant_prefix(ty));
        ours.values.get(&(ty.to_string(), full)).copied()
    };
    for ((ty, short), &expected) in &doc.values {
        match ours_named(ty, short) {
            Some(value) if value == expected => {}
            other => bad.push(format!(
                "{ty} {short}: ours {other:?}, EVMC12.md {expected}"
            )),
        }
    }
    // The revisions are listed with an ellipsis (FRONTIER 0 … LONDON 9): ours must run
    // without gaps from 0 to the documented maximum.
    let revisions: Vec<i64> = ours
        .values
        .iter()
        .filter(|((ty, _), _)| ty == "evmc_revision")
        .map(|(_, &v)| v)
        .collect();
    let max = doc.facts.get("EVMC_MAX_REVISION").copied();
    let mut sorted = revisions.clone();
    sorted.sort_unstable();
    if Some(sorted.clone()) != max.map(|m| (0..=m).collect::<Vec<_>>()) {
        bad.push(format!(
            "evmc_revision values {sorted:?}, EVMC12.md max {max:?}"
        ));
    }
    if max != Some(evmc_revision::EVMC_MAX_REVISION as i64) {
        bad.push(format!("EVMC_MAX_REVISION: EVMC12.md {max:?}"));
    }
    let stable = ours_named("evmc_revision", &doc.latest_stable);
    if stable != Some(evmc_revision::EVMC_LATEST_STABLE_REVISION as i64) {
        bad.push(format!(
            "EVMC_LATEST_STABLE_REVISION: EVMC12.md {}",
            doc.latest_stable
        ));
    }
    let abi = doc.facts.get("EVMC_ABI_VERSION").copied();
    if abi != Some(i64::from(EVMC_ABI_VERSION)) {
        bad.push(format!(
            "EVMC_ABI_VERSION: ours {EVMC_ABI_VERSION}, EVMC12.md {abi:?}"
        ));
    }
    // Each enum the table lists with values: as many variants as ours.
    for ty in doc.values.keys().map(|(ty, _)| ty) {
        let theirs = doc.values.keys().filter(|(t, _)| t == ty).count();
        let mine = ours.values.keys().filter(|(t, _)| t == ty).count();
        if ty != "evmc_revision" && theirs != mine {
            bad.push(format!("{ty}: {mine} variants, EVMC12.md {theirs}"));
        }
    }
    bad
}

#[test]
fn evmc_abi12_layout() {
    let Some(text) = doc_text() else { return };
    let doc = parse_doc(&text);
    let ours = ours();
    let bad = mismatches(&ours, &doc);
    assert!(
        bad.is_empty(),
        "sys12.rs disagrees with EVMC12.md:\n{}",
        bad.join("\n")
    );
    let checked = ours.facts.len() + doc.values.len();
    println!("evmc_abi12_layout: {checked} values equal to EVMC12.md");
}

#[test]
fn host_table_in_the_documented_order() {
    let Some(text) = doc_text() else { return };
    let doc = parse_doc(&text);
    let ours = ours();
    let table = &ours.fields["evmc_host_interface"];
    assert_eq!(table, &doc.host_order);
    // Declaration order is memory order: each slot one pointer after the previous.
    for (i, name) in table.iter().enumerate() {
        let offset = ours.facts[&format!("evmc_host_interface.{name} offset")];
        assert_eq!(offset, (i * size_of::<usize>()) as i64, "{name}");
    }
}

/// The comparison itself can fail: a document that moves one field, drops one, or changes
/// one enum value is caught, each named in the report.
#[test]
fn a_wrong_offset_or_value_is_reported() {
    let Some(text) = doc_text() else { return };
    let moved = text.replace(
        "evmc_tx_context.block_number offset 72",
        "evmc_tx_context.block_number offset 80",
    );
    let dropped = text.replace("      evmc_message.code_address offset 144\n", "");
    let value = text.replace("INSUFFICIENT_BALANCE 17", "INSUFFICIENT_BALANCE 18");
    for (edited, expected) in [
        (
            moved,
            "evmc_tx_context.block_number offset: ours 72, EVMC12.md 80",
        ),
        (dropped, "evmc_message: fields"),
        (
            value,
            "evmc_status_code INSUFFICIENT_BALANCE: ours Some(17)",
        ),
    ] {
        assert_ne!(edited, text, "the edit applies to EVMC12.md");
        let bad = mismatches(&ours(), &parse_doc(&edited));
        assert!(
            bad.iter().any(|line| line.starts_with(expected)),
            "{expected} not in {bad:#?}"
        );
    }
}
