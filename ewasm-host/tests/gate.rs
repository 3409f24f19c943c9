//! The contract-interface gate (EWASM.md section 1 step 6): imports, exports, memory,
//! start function, options and revisions, with messages naming the offender.

use ewasm_host::gate::{
    check_interface, ContractInterface, ExportDesc, ExportKind, GateError, GateOptions, ImportDesc,
    ImportKind,
};
use ewasm_host::table::{HostFn, ValType, IMPORTS};
use ewasm_host::Revision;
use ValType::{F32, F64, I32, I64};

fn opts(rev: Revision) -> GateOptions {
    GateOptions {
        bignum: true,
        debug: true,
        revision: rev,
    }
}

fn byz() -> GateOptions {
    GateOptions {
        bignum: true,
        debug: false,
        revision: Revision::Byzantium,
    }
}

fn func(module: &str, name: &str, params: &[ValType], results: &[ValType]) -> ImportDesc {
    ImportDesc {
        module: module.into(),
        name: name.into(),
        kind: ImportKind::Func(params.to_vec(), results.to_vec()),
    }
}

fn export(name: &str, kind: ExportKind) -> ExportDesc {
    ExportDesc {
        name: name.into(),
        kind,
    }
}

/// A valid contract with the given imports.
fn contract(imports: Vec<ImportDesc>) -> ContractInterface {
    ContractInterface {
        imports,
        exports: vec![
            export("main", ExportKind::Func(vec![], vec![])),
            export("memory", ExportKind::Memory),
        ],
        has_start: false,
        memories_defined: 1,
        memories_imported: 0,
    }
}

fn err(c: &ContractInterface, o: &GateOptions) -> GateError {
    check_interface(c, o).expect_err("the gate should reject")
}

#[test]
fn a_minimal_contract_passes() {
    assert_eq!(check_interface(&contract(vec![]), &byz()), Ok(vec![]));
}

#[test]
fn imports_resolve_in_order() {
    let c = contract(vec![
        func("ethereum", "finish", &[I32, I32], &[]),
        func("bignum", "mul256", &[I32, I32, I32], &[]),
        func("ethereum", "getCaller", &[I32], &[]),
        func("ethereum", "finish", &[I32, I32], &[]),
    ]);
    let resolved = check_interface(&c, &byz()).unwrap();
    let ids: Vec<HostFn> = resolved.iter().map(|d| d.func).collect();
    assert_eq!(
        ids,
        [
            HostFn::Finish,
            HostFn::Mul256,
            HostFn::GetCaller,
            HostFn::Finish
        ]
    );
}

#[test]
fn every_function_is_accepted_with_its_own_signature() {
    for def in IMPORTS {
        let s = def.signature;
        let c = contract(vec![func(
            def.namespace.as_str(),
            def.name,
            s.params,
            s.results,
        )]);
        assert_eq!(
            check_interface(&c, &opts(Revision::Osaka)),
            Ok(vec![def]),
            "{}",
            def.name
        );
    }
}

fn swap(t: ValType) -> ValType {
    if t == I32 {
        I64
    } else {
        I32
    }
}

/// Every wrong variant of a signature: one param more or fewer, each param retyped
/// (to the other integer type and to a float), one result more or fewer, result retyped.
fn wrong_variants(params: &[ValType], results: &[ValType]) -> Vec<(Vec<ValType>, Vec<ValType>)> {
    let mut out = Vec::new();
    let mut more = params.to_vec();
    more.push(I32);
    out.push((more, results.to_vec()));
    if !params.is_empty() {
        out.push((params[..params.len() - 1].to_vec(), results.to_vec()));
        out.push((vec![], results.to_vec()));
    }
    for i in 0..params.len() {
        for retyped in [swap(params[i]), F32, F64] {
            let mut p = params.to_vec();
            p[i] = retyped;
            out.push((p, results.to_vec()));
        }
    }
    if results.is_empty() {
        out.push((params.to_vec(), vec![I32]));
        out.push((params.to_vec(), vec![I64]));
    } else {
        out.push((params.to_vec(), vec![]));
        out.push((params.to_vec(), vec![swap(results[0])]));
        out.push((params.to_vec(), vec![results[0], results[0]]));
    }
    out
}

#[test]
fn every_function_rejects_wrong_arity_types_and_results() {
    for def in IMPORTS {
        let ns = def.namespace.as_str();
        for (params, results) in wrong_variants(def.signature.params, def.signature.results) {
            let c = contract(vec![func(ns, def.name, &params, &results)]);
            let e = err(&c, &opts(Revision::Osaka));
            assert!(
                matches!(&e, GateError::WrongSignature { name, .. } if name == def.name),
                "{ns}.{} {params:?} -> {results:?}: {e:?}",
                def.name
            );
            let text = e.to_string();
            assert!(text.starts_with(&format!("import {ns}.{} has signature (", def.name)));
            assert!(
                text.ends_with(&format!("expected {}", def.signature)),
                "{text}"
            );
        }
    }
}

#[test]
fn signature_message_names_the_import_exactly() {
    let c = contract(vec![func("ethereum", "getCaller", &[I32, I32], &[])]);
    assert_eq!(
        err(&c, &byz()).to_string(),
        "import ethereum.getCaller has signature (i32, i32) -> (), expected (i32) -> ()"
    );
    let c = contract(vec![func("ethereum", "getCallDataSize", &[I32], &[I32])]);
    assert_eq!(
        err(&c, &byz()).to_string(),
        "import ethereum.getCallDataSize has signature (i32) -> (i32), expected () -> (i32)"
    );
}

#[test]
fn unknown_names_are_rejected() {
    for name in ["getFoo", "getcaller", "GetCaller", "", "add256", "print32"] {
        let c = contract(vec![func("ethereum", name, &[I32], &[])]);
        let e = err(&c, &opts(Revision::London));
        assert_eq!(
            e,
            GateError::UnknownFunction {
                module: "ethereum".into(),
                name: name.into()
            }
        );
        assert_eq!(
            e.to_string(),
            format!("import ethereum.{name} is not a known function")
        );
    }
}

#[test]
fn other_namespaces_are_rejected() {
    for module in ["env", "Ethereum", "eth", "", "wasi_snapshot_preview1"] {
        let c = contract(vec![func(module, "getCaller", &[I32], &[])]);
        let e = err(&c, &byz());
        assert!(
            matches!(e, GateError::UnknownNamespace { .. }),
            "{module}: {e:?}"
        );
        assert!(e
            .to_string()
            .contains(&format!("import {module}.getCaller")));
    }
}

#[test]
fn bignum_and_debug_follow_their_options() {
    let big = contract(vec![func("bignum", "add256", &[I32, I32, I32], &[])]);
    let dbg = contract(vec![func("debug", "print32", &[I32], &[])]);
    let off = GateOptions {
        bignum: false,
        debug: false,
        revision: Revision::Byzantium,
    };
    assert!(matches!(
        err(&big, &off),
        GateError::NamespaceDisabled { .. }
    ));
    assert!(matches!(
        err(&dbg, &off),
        GateError::NamespaceDisabled { .. }
    ));
    assert_eq!(
        err(&dbg, &off).to_string(),
        "import debug.print32: namespace debug is disabled"
    );
    let on = GateOptions {
        bignum: true,
        debug: true,
        revision: Revision::Byzantium,
    };
    assert!(check_interface(&big, &on).is_ok());
    assert!(check_interface(&dbg, &on).is_ok());
    // Default-like options: bignum on, debug off.
    assert!(check_interface(&big, &byz()).is_ok());
    assert!(check_interface(&dbg, &byz()).is_err());
}

#[test]
fn later_functions_need_their_revision() {
    let cases = [
        ("create2", Revision::Constantinople),
        ("getExternalCodeHash", Revision::Constantinople),
        ("getChainId", Revision::Istanbul),
        ("getSelfBalance", Revision::Istanbul),
        ("getBaseFee", Revision::London),
        ("transientStorageLoad", Revision::Cancun),
        ("transientStorageStore", Revision::Cancun),
        ("getBlobHash", Revision::Cancun),
        ("getBlobBaseFee", Revision::Cancun),
    ];
    for (name, first) in cases {
        let def = ewasm_host::table::lookup("ethereum", name).unwrap();
        let s = def.signature;
        let c = contract(vec![func("ethereum", name, s.params, s.results)]);
        let before = Revision::ALL[first as usize - 1];
        let e = err(&c, &opts(before));
        assert!(
            matches!(e, GateError::FunctionTooNew { .. }),
            "{name}: {e:?}"
        );
        assert!(e
            .to_string()
            .starts_with(&format!("import ethereum.{name} exists from")));
        assert!(check_interface(&c, &opts(first)).is_ok(), "{name}");
    }
}

#[test]
fn non_function_imports_are_rejected() {
    for (kind, what) in [(ImportKind::Table, "table"), (ImportKind::Global, "global")] {
        let mut c = contract(vec![]);
        c.imports.push(ImportDesc {
            module: "ethereum".into(),
            name: "thing".into(),
            kind,
        });
        let e = err(&c, &byz());
        assert_eq!(
            e.to_string(),
            format!("import ethereum.thing is a {what}; only functions may be imported")
        );
    }
    let mut c = contract(vec![]);
    c.memories_defined = 0;
    c.memories_imported = 1;
    c.imports.push(ImportDesc {
        module: "env".into(),
        name: "memory".into(),
        kind: ImportKind::Memory,
    });
    assert_eq!(
        err(&c, &byz()),
        GateError::ImportedMemory {
            module: "env".into(),
            name: "memory".into()
        }
    );
}

#[test]
fn exactly_one_defined_memory() {
    for n in [0, 2] {
        let mut c = contract(vec![]);
        c.memories_defined = n;
        assert_eq!(err(&c, &byz()), GateError::MemoryCount(n));
    }
}

#[test]
fn start_functions_are_rejected() {
    let mut c = contract(vec![]);
    c.has_start = true;
    assert_eq!(err(&c, &byz()), GateError::StartFunction);
}

#[test]
fn main_must_exist_and_be_a_unit_function() {
    let mut c = contract(vec![]);
    c.exports.retain(|e| e.name != "main");
    assert_eq!(err(&c, &byz()), GateError::MissingMain);
    assert_eq!(err(&c, &byz()).to_string(), "export main is missing");
    for kind in [
        ExportKind::Func(vec![I32], vec![]),
        ExportKind::Func(vec![], vec![I32]),
        ExportKind::Global,
        ExportKind::Memory,
    ] {
        let mut c = contract(vec![]);
        c.exports[0].kind = kind.clone();
        assert_eq!(err(&c, &byz()), GateError::BadMain(kind));
    }
    let mut c = contract(vec![]);
    c.exports[0].kind = ExportKind::Func(vec![I32], vec![]);
    assert_eq!(
        err(&c, &byz()).to_string(),
        "export main has signature (i32) -> (), expected () -> ()"
    );
}

#[test]
fn memory_must_be_exported_as_memory() {
    let mut c = contract(vec![]);
    c.exports.retain(|e| e.name != "memory");
    assert_eq!(err(&c, &byz()), GateError::MissingMemoryExport);
    let mut c = contract(vec![]);
    c.exports[1].kind = ExportKind::Table;
    assert_eq!(
        err(&c, &byz()).to_string(),
        "export memory is a table, expected a memory"
    );
}

#[test]
fn extra_exports_are_rejected_by_name() {
    for (name, kind) in [
        ("foo", ExportKind::Func(vec![], vec![])),
        ("table", ExportKind::Table),
        ("mem", ExportKind::Memory),
        ("g", ExportKind::Global),
    ] {
        let mut c = contract(vec![]);
        c.exports.push(export(name, kind));
        let e = err(&c, &byz());
        assert_eq!(e, GateError::ExtraExport(name.into()));
        assert_eq!(
            e.to_string(),
            format!("export {name} is not allowed (only main and memory)")
        );
    }
}
