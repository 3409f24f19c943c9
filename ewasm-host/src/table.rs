//! The import table: the single source of truth for every function a contract may import
//! (namespace, name, exact Wasm signature, base gas, first revision, handler id).
//!
//! The engine resolves imports through [`lookup`], the code gate checks signatures against
//! it, and the EEI charges each function's base gas from it (see [`crate::schedule`] for
//! the revision-dependent overrides). `bignum` entries are executed by the engine itself.

use std::fmt;

use crate::host::Revision;

/// The module name an import comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Namespace {
    /// `ethereum`: the EEI proper.
    Ethereum,
    /// `bignum`: native 256-bit operations, executed by the engine (option `bignum`).
    Bignum,
    /// `debug`: printing helpers (option `debug`).
    Debug,
}

impl Namespace {
    /// Every namespace.
    pub const ALL: [Namespace; 3] = [Namespace::Ethereum, Namespace::Bignum, Namespace::Debug];

    /// The Wasm module name of this namespace.
    pub const fn as_str(self) -> &'static str {
        match self {
            Namespace::Ethereum => "ethereum",
            Namespace::Bignum => "bignum",
            Namespace::Debug => "debug",
        }
    }

    /// The namespace with Wasm module name `name`.
    pub fn from_name(name: &str) -> Option<Namespace> {
        Namespace::ALL.into_iter().find(|ns| ns.as_str() == name)
    }
}

impl fmt::Display for Namespace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Wasm value type (only the numeric types appear in EEI signatures; a contract's
/// signature with a reference type matches none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `funcref` (WebAssembly 2.0).
    FuncRef,
    /// `externref` (WebAssembly 2.0).
    ExternRef,
}

impl ValType {
    /// The Wasm text name (`i32`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        }
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A function signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Signature {
    /// Parameter types in order.
    pub params: &'static [ValType],
    /// Result types in order.
    pub results: &'static [ValType],
}

impl Signature {
    /// Whether `params -> results` is exactly this signature.
    pub fn matches(&self, params: &[ValType], results: &[ValType]) -> bool {
        self.params == params && self.results == results
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_signature(f, self.params, self.results)
    }
}

/// Writes `(i32, i32) -> (i64)` style text for a signature.
pub fn write_signature(
    f: &mut dyn fmt::Write,
    params: &[ValType],
    results: &[ValType],
) -> fmt::Result {
    write_list(f, params)?;
    f.write_str(" -> ")?;
    write_list(f, results)
}

fn write_list(f: &mut dyn fmt::Write, types: &[ValType]) -> fmt::Result {
    f.write_char('(')?;
    for (i, ty) in types.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        f.write_str(ty.as_str())?;
    }
    f.write_char(')')
}

/// Every importable function. The discriminant is the index of its [`ImportDef`] in
/// [`IMPORTS`] (checked at compile time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum HostFn {
    // ethereum, Byzantium (section 3).
    /// `ethereum.useGas`.
    UseGas,
    /// `ethereum.getGasLeft`.
    GetGasLeft,
    /// `ethereum.getAddress`.
    GetAddress,
    /// `ethereum.getExternalBalance`.
    GetExternalBalance,
    /// `ethereum.getBlockHash`.
    GetBlockHash,
    /// `ethereum.getCallDataSize`.
    GetCallDataSize,
    /// `ethereum.callDataCopy`.
    CallDataCopy,
    /// `ethereum.getCaller`.
    GetCaller,
    /// `ethereum.getCallValue`.
    GetCallValue,
    /// `ethereum.codeCopy`.
    CodeCopy,
    /// `ethereum.getCodeSize`.
    GetCodeSize,
    /// `ethereum.externalCodeCopy`.
    ExternalCodeCopy,
    /// `ethereum.getExternalCodeSize`.
    GetExternalCodeSize,
    /// `ethereum.getBlockCoinbase`.
    GetBlockCoinbase,
    /// `ethereum.getBlockDifficulty`.
    GetBlockDifficulty,
    /// `ethereum.getBlockGasLimit`.
    GetBlockGasLimit,
    /// `ethereum.getTxGasPrice`.
    GetTxGasPrice,
    /// `ethereum.log`.
    Log,
    /// `ethereum.getBlockNumber`.
    GetBlockNumber,
    /// `ethereum.getBlockTimestamp`.
    GetBlockTimestamp,
    /// `ethereum.getTxOrigin`.
    GetTxOrigin,
    /// `ethereum.storageStore`.
    StorageStore,
    /// `ethereum.storageLoad`.
    StorageLoad,
    /// `ethereum.finish`.
    Finish,
    /// `ethereum.revert`.
    Revert,
    /// `ethereum.getReturnDataSize`.
    GetReturnDataSize,
    /// `ethereum.returnDataCopy`.
    ReturnDataCopy,
    /// `ethereum.call`.
    Call,
    /// `ethereum.callCode`.
    CallCode,
    /// `ethereum.callDelegate`.
    CallDelegate,
    /// `ethereum.callStatic`.
    CallStatic,
    /// `ethereum.create`.
    Create,
    /// `ethereum.selfDestruct`.
    SelfDestruct,
    // ethereum, later revisions (section 3.3).
    /// `ethereum.create2`.
    Create2,
    /// `ethereum.getExternalCodeHash`.
    GetExternalCodeHash,
    /// `ethereum.getChainId`.
    GetChainId,
    /// `ethereum.getSelfBalance`.
    GetSelfBalance,
    /// `ethereum.getBaseFee`.
    GetBaseFee,
    // ethereum, revisions after London (section 3.4, EVMC ABI 12 build).
    /// `ethereum.transientStorageLoad` (Cancun).
    TransientStorageLoad,
    /// `ethereum.transientStorageStore` (Cancun).
    TransientStorageStore,
    /// `ethereum.getBlobHash` (Cancun).
    GetBlobHash,
    /// `ethereum.getBlobBaseFee` (Cancun).
    GetBlobBaseFee,
    // debug (section 6).
    /// `debug.print32`.
    Print32,
    /// `debug.print64`.
    Print64,
    /// `debug.printMem`.
    PrintMem,
    /// `debug.printMemHex`.
    PrintMemHex,
    /// `debug.printStorage`.
    PrintStorage,
    /// `debug.printStorageHex`.
    PrintStorageHex,
    // bignum (section 5): executed by the engine.
    /// `bignum.add256`.
    Add256,
    /// `bignum.sub256`.
    Sub256,
    /// `bignum.mul256`.
    Mul256,
    /// `bignum.div256`.
    Div256,
    /// `bignum.sdiv256`.
    Sdiv256,
    /// `bignum.mod256`.
    Mod256,
    /// `bignum.smod256`.
    Smod256,
    /// `bignum.addmod256`.
    Addmod256,
    /// `bignum.mulmod256`.
    Mulmod256,
    /// `bignum.umulmod256`.
    Umulmod256,
    /// `bignum.exp256`.
    Exp256,
    /// `bignum.lt256`.
    Lt256,
    /// `bignum.gt256`.
    Gt256,
    /// `bignum.slt256`.
    Slt256,
    /// `bignum.sgt256`.
    Sgt256,
    /// `bignum.eq256`.
    Eq256,
    /// `bignum.iszero256`.
    Iszero256,
    /// `bignum.and256`.
    And256,
    /// `bignum.or256`.
    Or256,
    /// `bignum.xor256`.
    Xor256,
    /// `bignum.not256`.
    Not256,
    /// `bignum.shl256`.
    Shl256,
    /// `bignum.shr256`.
    Shr256,
    /// `bignum.sar256`.
    Sar256,
    /// `bignum.byte256`.
    Byte256,
    /// `bignum.signextend256`.
    Signextend256,
    /// `bignum.submod256` (section 5.1).
    Submod256,
    /// `bignum.mulmodmont256` (section 5.1).
    Mulmodmont256,
}

impl HostFn {
    /// This function's table entry.
    pub fn def(self) -> &'static ImportDef {
        // The compile-time check below guarantees TABLE[i].func as usize == i, so the
        // index is always in range.
        &TABLE[self as usize]
    }

    /// The imported name (e.g. `getCaller`).
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// The namespace the function lives in.
    pub fn namespace(self) -> Namespace {
        self.def().namespace
    }

    /// Whether the engine (not [`crate::Eei`]) executes this function.
    pub fn is_bignum(self) -> bool {
        self.namespace() == Namespace::Bignum
    }
}

/// One importable function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ImportDef {
    /// Module name.
    pub namespace: Namespace,
    /// Field name.
    pub name: &'static str,
    /// Exact Wasm signature; the gate requires equality.
    pub signature: Signature,
    /// Byzantium base gas, charged first (see [`crate::schedule::base_gas`] for later
    /// revisions). Dynamic parts (per word, per topic, value transfer, ...) are charged by
    /// the function itself. For `bignum` entries: the metered cost of the opcode.
    pub base_gas: u64,
    /// The first revision in which the function may be imported.
    pub first_revision: Revision,
    /// The handler id.
    pub func: HostFn,
}

use HostFn as F;
use Revision::{
    Byzantium as BYZ, Cancun as CAN, Constantinople as CON, Istanbul as IST, London as LON,
};
use ValType::{I32, I64};

const fn def(
    namespace: Namespace,
    name: &'static str,
    params: &'static [ValType],
    results: &'static [ValType],
    base_gas: u64,
    first_revision: Revision,
    func: HostFn,
) -> ImportDef {
    ImportDef {
        namespace,
        name,
        signature: Signature { params, results },
        base_gas,
        first_revision,
        func,
    }
}

const fn eth(
    name: &'static str,
    params: &'static [ValType],
    results: &'static [ValType],
    base_gas: u64,
    first_revision: Revision,
    func: HostFn,
) -> ImportDef {
    def(
        Namespace::Ethereum,
        name,
        params,
        results,
        base_gas,
        first_revision,
        func,
    )
}

const fn dbg(name: &'static str, params: &'static [ValType], func: HostFn) -> ImportDef {
    def(Namespace::Debug, name, params, &[], 0, BYZ, func)
}

const fn big(
    name: &'static str,
    params: &'static [ValType],
    results: &'static [ValType],
    gas: u64,
    func: HostFn,
) -> ImportDef {
    def(Namespace::Bignum, name, params, results, gas, BYZ, func)
}

const P3: &[ValType] = &[I32, I32, I32];
const P4: &[ValType] = &[I32, I32, I32, I32];
const CALL_PARAMS: &[ValType] = &[I64, I32, I32, I32, I32];
const CALL_NO_VALUE_PARAMS: &[ValType] = &[I64, I32, I32, I32];

/// Number of entries in the table.
pub const IMPORT_COUNT: usize = 76;

const TABLE: [ImportDef; IMPORT_COUNT] = [
    eth("useGas", &[I64], &[], 0, BYZ, F::UseGas),
    eth("getGasLeft", &[], &[I64], 2, BYZ, F::GetGasLeft),
    eth("getAddress", &[I32], &[], 2, BYZ, F::GetAddress),
    eth(
        "getExternalBalance",
        &[I32, I32],
        &[],
        400,
        BYZ,
        F::GetExternalBalance,
    ),
    eth(
        "getBlockHash",
        &[I64, I32],
        &[I32],
        800,
        BYZ,
        F::GetBlockHash,
    ),
    eth("getCallDataSize", &[], &[I32], 2, BYZ, F::GetCallDataSize),
    eth("callDataCopy", P3, &[], 3, BYZ, F::CallDataCopy),
    eth("getCaller", &[I32], &[], 2, BYZ, F::GetCaller),
    eth("getCallValue", &[I32], &[], 2, BYZ, F::GetCallValue),
    eth("codeCopy", P3, &[], 3, BYZ, F::CodeCopy),
    eth("getCodeSize", &[], &[I32], 2, BYZ, F::GetCodeSize),
    eth("externalCodeCopy", P4, &[], 700, BYZ, F::ExternalCodeCopy),
    eth(
        "getExternalCodeSize",
        &[I32],
        &[I32],
        700,
        BYZ,
        F::GetExternalCodeSize,
    ),
    eth("getBlockCoinbase", &[I32], &[], 2, BYZ, F::GetBlockCoinbase),
    eth(
        "getBlockDifficulty",
        &[I32],
        &[],
        2,
        BYZ,
        F::GetBlockDifficulty,
    ),
    eth("getBlockGasLimit", &[], &[I64], 2, BYZ, F::GetBlockGasLimit),
    eth("getTxGasPrice", &[I32], &[], 2, BYZ, F::GetTxGasPrice),
    eth(
        "log",
        &[I32, I32, I32, I32, I32, I32, I32],
        &[],
        375,
        BYZ,
        F::Log,
    ),
    eth("getBlockNumber", &[], &[I64], 2, BYZ, F::GetBlockNumber),
    eth(
        "getBlockTimestamp",
        &[],
        &[I64],
        2,
        BYZ,
        F::GetBlockTimestamp,
    ),
    eth("getTxOrigin", &[I32], &[], 2, BYZ, F::GetTxOrigin),
    eth("storageStore", &[I32, I32], &[], 5000, BYZ, F::StorageStore),
    eth("storageLoad", &[I32, I32], &[], 200, BYZ, F::StorageLoad),
    eth("finish", &[I32, I32], &[], 0, BYZ, F::Finish),
    eth("revert", &[I32, I32], &[], 0, BYZ, F::Revert),
    eth(
        "getReturnDataSize",
        &[],
        &[I32],
        2,
        BYZ,
        F::GetReturnDataSize,
    ),
    eth("returnDataCopy", P3, &[], 3, BYZ, F::ReturnDataCopy),
    eth("call", CALL_PARAMS, &[I32], 700, BYZ, F::Call),
    eth("callCode", CALL_PARAMS, &[I32], 700, BYZ, F::CallCode),
    eth(
        "callDelegate",
        CALL_NO_VALUE_PARAMS,
        &[I32],
        700,
        BYZ,
        F::CallDelegate,
    ),
    eth(
        "callStatic",
        CALL_NO_VALUE_PARAMS,
        &[I32],
        700,
        BYZ,
        F::CallStatic,
    ),
    eth("create", P4, &[I32], 32000, BYZ, F::Create),
    eth("selfDestruct", &[I32], &[], 5000, BYZ, F::SelfDestruct),
    eth(
        "create2",
        &[I32, I32, I32, I32, I32],
        &[I32],
        32000,
        CON,
        F::Create2,
    ),
    eth(
        "getExternalCodeHash",
        &[I32, I32],
        &[],
        400,
        CON,
        F::GetExternalCodeHash,
    ),
    eth("getChainId", &[I32], &[], 2, IST, F::GetChainId),
    eth("getSelfBalance", &[I32], &[], 5, IST, F::GetSelfBalance),
    eth("getBaseFee", &[I32], &[], 2, LON, F::GetBaseFee),
    eth(
        "transientStorageLoad",
        &[I32, I32],
        &[],
        100,
        CAN,
        F::TransientStorageLoad,
    ),
    eth(
        "transientStorageStore",
        &[I32, I32],
        &[],
        100,
        CAN,
        F::TransientStorageStore,
    ),
    eth("getBlobHash", &[I32, I32], &[], 3, CAN, F::GetBlobHash),
    eth("getBlobBaseFee", &[I32], &[], 2, CAN, F::GetBlobBaseFee),
    dbg("print32", &[I32], F::Print32),
    dbg("print64", &[I64], F::Print64),
    dbg("printMem", &[I32, I32], F::PrintMem),
    dbg("printMemHex", &[I32, I32], F::PrintMemHex),
    dbg("printStorage", &[I32], F::PrintStorage),
    dbg("printStorageHex", &[I32], F::PrintStorageHex),
    big("add256", P3, &[], 3, F::Add256),
    big("sub256", P3, &[], 3, F::Sub256),
    big("mul256", P3, &[], 5, F::Mul256),
    big("div256", P3, &[], 5, F::Div256),
    big("sdiv256", P3, &[], 5, F::Sdiv256),
    big("mod256", P3, &[], 5, F::Mod256),
    big("smod256", P3, &[], 5, F::Smod256),
    big("addmod256", P4, &[], 8, F::Addmod256),
    big("mulmod256", P4, &[], 8, F::Mulmod256),
    big("umulmod256", P4, &[], 8, F::Umulmod256),
    big("exp256", P3, &[], 10, F::Exp256),
    big("lt256", &[I32, I32], &[I32], 3, F::Lt256),
    big("gt256", &[I32, I32], &[I32], 3, F::Gt256),
    big("slt256", &[I32, I32], &[I32], 3, F::Slt256),
    big("sgt256", &[I32, I32], &[I32], 3, F::Sgt256),
    big("eq256", &[I32, I32], &[I32], 3, F::Eq256),
    big("iszero256", &[I32], &[I32], 3, F::Iszero256),
    big("and256", P3, &[], 3, F::And256),
    big("or256", P3, &[], 3, F::Or256),
    big("xor256", P3, &[], 3, F::Xor256),
    big("not256", &[I32, I32], &[], 3, F::Not256),
    big("shl256", P3, &[], 3, F::Shl256),
    big("shr256", P3, &[], 3, F::Shr256),
    big("sar256", P3, &[], 3, F::Sar256),
    big("byte256", P3, &[], 3, F::Byte256),
    big("signextend256", P3, &[], 5, F::Signextend256),
    big("submod256", P4, &[], 3, F::Submod256),
    big("mulmodmont256", P4, &[], 5, F::Mulmodmont256),
];

// Compile-time check: entry i describes the HostFn with discriminant i.
const _: () = {
    let mut i = 0;
    while i < TABLE.len() {
        assert!(TABLE[i].func as usize == i);
        i += 1;
    }
};

/// The import table, indexed by `HostFn as usize`.
pub static IMPORTS: &[ImportDef] = &TABLE;

/// The table entry for import `namespace`.`name`, if any (revision and options are the
/// gate's business).
pub fn lookup(namespace: &str, name: &str) -> Option<&'static ImportDef> {
    let ns = Namespace::from_name(namespace)?;
    IMPORTS
        .iter()
        .find(|def| def.namespace == ns && def.name == name)
}

/// Extra gas `exp256` charges per significant byte of the exponent (EIP-160).
pub const EXP256_GAS_PER_BYTE: u64 = 50;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_is_found_by_its_names_and_is_unique() {
        for def in IMPORTS {
            let found = lookup(def.namespace.as_str(), def.name);
            assert_eq!(found, Some(def), "{}.{}", def.namespace, def.name);
        }
    }

    #[test]
    fn unknown_names_and_namespaces_are_not_found() {
        assert_eq!(lookup("ethereum", "getcaller"), None);
        assert_eq!(lookup("env", "getCaller"), None);
        assert_eq!(lookup("ethereum", "add256"), None);
        assert_eq!(lookup("bignum", "getCaller"), None);
    }

    #[test]
    fn signatures_display_like_wat() {
        let sig = HostFn::Call.def().signature;
        assert_eq!(sig.to_string(), "(i64, i32, i32, i32, i32) -> (i32)");
        assert_eq!(
            HostFn::GetGasLeft.def().signature.to_string(),
            "() -> (i64)"
        );
    }

    #[test]
    fn namespace_names_round_trip() {
        for ns in Namespace::ALL {
            assert_eq!(Namespace::from_name(ns.as_str()), Some(ns));
        }
        assert_eq!(Namespace::from_name("env"), None);
    }
}
