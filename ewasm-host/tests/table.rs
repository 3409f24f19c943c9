//! Completeness of the import table: exactly the functions of EWASM.md sections 3, 3.3,
//! 3.4, 5 and 6, with those signatures, gas and first revisions. The expected list is written
//! here independently, from the document.

use ewasm_host::table::{lookup, ImportDef, Namespace, ValType, IMPORTS};
use ewasm_host::Revision::{self, Byzantium, Cancun, Constantinople, Istanbul, London};

/// (name, params, results, Byzantium/base gas, first revision), types space-separated.
type Row = (&'static str, &'static str, &'static str, u64, Revision);

const ETHEREUM: [Row; 42] = [
    ("useGas", "i64", "", 0, Byzantium),
    ("getGasLeft", "", "i64", 2, Byzantium),
    ("getAddress", "i32", "", 2, Byzantium),
    ("getExternalBalance", "i32 i32", "", 400, Byzantium),
    ("getBlockHash", "i64 i32", "i32", 800, Byzantium),
    ("getCallDataSize", "", "i32", 2, Byzantium),
    ("callDataCopy", "i32 i32 i32", "", 3, Byzantium),
    ("getCaller", "i32", "", 2, Byzantium),
    ("getCallValue", "i32", "", 2, Byzantium),
    ("codeCopy", "i32 i32 i32", "", 3, Byzantium),
    ("getCodeSize", "", "i32", 2, Byzantium),
    ("externalCodeCopy", "i32 i32 i32 i32", "", 700, Byzantium),
    ("getExternalCodeSize", "i32", "i32", 700, Byzantium),
    ("getBlockCoinbase", "i32", "", 2, Byzantium),
    ("getBlockDifficulty", "i32", "", 2, Byzantium),
    ("getBlockGasLimit", "", "i64", 2, Byzantium),
    ("getTxGasPrice", "i32", "", 2, Byzantium),
    ("log", "i32 i32 i32 i32 i32 i32 i32", "", 375, Byzantium),
    ("getBlockNumber", "", "i64", 2, Byzantium),
    ("getBlockTimestamp", "", "i64", 2, Byzantium),
    ("getTxOrigin", "i32", "", 2, Byzantium),
    ("storageStore", "i32 i32", "", 5000, Byzantium),
    ("storageLoad", "i32 i32", "", 200, Byzantium),
    ("finish", "i32 i32", "", 0, Byzantium),
    ("revert", "i32 i32", "", 0, Byzantium),
    ("getReturnDataSize", "", "i32", 2, Byzantium),
    ("returnDataCopy", "i32 i32 i32", "", 3, Byzantium),
    ("call", "i64 i32 i32 i32 i32", "i32", 700, Byzantium),
    ("callCode", "i64 i32 i32 i32 i32", "i32", 700, Byzantium),
    ("callDelegate", "i64 i32 i32 i32", "i32", 700, Byzantium),
    ("callStatic", "i64 i32 i32 i32", "i32", 700, Byzantium),
    ("create", "i32 i32 i32 i32", "i32", 32000, Byzantium),
    ("selfDestruct", "i32", "", 5000, Byzantium),
    (
        "create2",
        "i32 i32 i32 i32 i32",
        "i32",
        32000,
        Constantinople,
    ),
    ("getExternalCodeHash", "i32 i32", "", 400, Constantinople),
    ("getChainId", "i32", "", 2, Istanbul),
    ("getSelfBalance", "i32", "", 5, Istanbul),
    ("getBaseFee", "i32", "", 2, London),
    ("transientStorageLoad", "i32 i32", "", 100, Cancun),
    ("transientStorageStore", "i32 i32", "", 100, Cancun),
    ("getBlobHash", "i32 i32", "", 3, Cancun),
    ("getBlobBaseFee", "i32", "", 2, Cancun),
];

const DEBUG: [Row; 6] = [
    ("print32", "i32", "", 0, Byzantium),
    ("print64", "i64", "", 0, Byzantium),
    ("printMem", "i32 i32", "", 0, Byzantium),
    ("printMemHex", "i32 i32", "", 0, Byzantium),
    ("printStorage", "i32", "", 0, Byzantium),
    ("printStorageHex", "i32", "", 0, Byzantium),
];

const BIGNUM: [Row; 28] = [
    ("add256", "i32 i32 i32", "", 3, Byzantium),
    ("sub256", "i32 i32 i32", "", 3, Byzantium),
    ("mul256", "i32 i32 i32", "", 5, Byzantium),
    ("div256", "i32 i32 i32", "", 5, Byzantium),
    ("sdiv256", "i32 i32 i32", "", 5, Byzantium),
    ("mod256", "i32 i32 i32", "", 5, Byzantium),
    ("smod256", "i32 i32 i32", "", 5, Byzantium),
    ("addmod256", "i32 i32 i32 i32", "", 8, Byzantium),
    ("mulmod256", "i32 i32 i32 i32", "", 8, Byzantium),
    ("umulmod256", "i32 i32 i32 i32", "", 8, Byzantium),
    ("exp256", "i32 i32 i32", "", 10, Byzantium),
    ("lt256", "i32 i32", "i32", 3, Byzantium),
    ("gt256", "i32 i32", "i32", 3, Byzantium),
    ("slt256", "i32 i32", "i32", 3, Byzantium),
    ("sgt256", "i32 i32", "i32", 3, Byzantium),
    ("eq256", "i32 i32", "i32", 3, Byzantium),
    ("iszero256", "i32", "i32", 3, Byzantium),
    ("and256", "i32 i32 i32", "", 3, Byzantium),
    ("or256", "i32 i32 i32", "", 3, Byzantium),
    ("xor256", "i32 i32 i32", "", 3, Byzantium),
    ("not256", "i32 i32", "", 3, Byzantium),
    ("shl256", "i32 i32 i32", "", 3, Byzantium),
    ("shr256", "i32 i32 i32", "", 3, Byzantium),
    ("sar256", "i32 i32 i32", "", 3, Byzantium),
    ("byte256", "i32 i32 i32", "", 3, Byzantium),
    ("signextend256", "i32 i32 i32", "", 5, Byzantium),
    // Section 5.1.
    ("submod256", "i32 i32 i32 i32", "", 3, Byzantium),
    ("mulmodmont256", "i32 i32 i32 i32", "", 5, Byzantium),
];

fn types(text: &str) -> Vec<ValType> {
    text.split_whitespace()
        .map(|t| match t {
            "i32" => ValType::I32,
            "i64" => ValType::I64,
            other => panic!("unexpected type {other}"),
        })
        .collect()
}

fn expected() -> Vec<(Namespace, Row)> {
    let mut all = Vec::new();
    all.extend(ETHEREUM.iter().map(|r| (Namespace::Ethereum, *r)));
    all.extend(DEBUG.iter().map(|r| (Namespace::Debug, *r)));
    all.extend(BIGNUM.iter().map(|r| (Namespace::Bignum, *r)));
    all
}

fn check(def: &ImportDef, ns: Namespace, row: Row) {
    let (name, params, results, gas, rev) = row;
    assert_eq!(def.namespace, ns, "{name}");
    assert_eq!(def.name, name);
    assert_eq!(def.signature.params, &types(params)[..], "{name} params");
    assert_eq!(def.signature.results, &types(results)[..], "{name} results");
    assert_eq!(def.base_gas, gas, "{name} gas");
    assert_eq!(def.first_revision, rev, "{name} revision");
    assert_eq!(def.func.def(), def, "{name} id");
}

#[test]
fn every_documented_function_is_in_the_table_exactly() {
    for (ns, row) in expected() {
        let def = lookup(ns.as_str(), row.0).unwrap_or_else(|| panic!("{ns}.{} missing", row.0));
        check(def, ns, row);
    }
}

#[test]
fn the_table_holds_nothing_else() {
    let expected = expected();
    assert_eq!(IMPORTS.len(), expected.len());
    for def in IMPORTS {
        assert!(
            expected
                .iter()
                .any(|(ns, row)| *ns == def.namespace && row.0 == def.name),
            "{}.{} is not documented",
            def.namespace,
            def.name
        );
    }
    assert_eq!(ETHEREUM.iter().filter(|r| r.4 == Byzantium).count(), 33);
}

#[test]
fn ids_index_the_table() {
    for (i, def) in IMPORTS.iter().enumerate() {
        assert_eq!(def.func as usize, i, "{}", def.name);
        assert_eq!(def.func.name(), def.name);
        assert_eq!(def.func.namespace(), def.namespace);
        assert_eq!(def.func.is_bignum(), def.namespace == Namespace::Bignum);
    }
}
