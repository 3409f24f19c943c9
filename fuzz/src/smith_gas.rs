//! Target `smith_gas`: wasm-smith modules (SSVM's feature set, no imports) compiled with
//! in-VM metering and run under a gas limit: instantiate, then call every exported function
//! with zero arguments until one runs out of gas.
//!
//! Properties: every generated module compiles (wasm-smith emits only valid modules); the
//! gas counter stays within `0..=limit`; runs are deterministic; metering is exact and
//! monotone: with exactly the gas a complete run used, the run is identical and ends with
//! 0 gas left, and with one unit less it runs out of gas.
//!
//! Every run also carries the limits of EWASM.md section 4.2 as a contract has them: a step
//! budget equal to the gas limit (metered code pays at least one gas per step, so the gas
//! always runs out first or together) and a small call-tree memory budget that modules
//! reach, so `memory.grow` and `table.grow` past it return -1.

use arbitrary::Unstructured;
use ssvm::engine::{Config, ExternType, Translation, MemoryBudget, Module, NoHost, Store, Trap, Value};

use crate::smith;

/// Pages a module may declare (and grow to).
const MAX_PAGES: u64 = 16;
/// Upper bound of the gas limit.
const MAX_GAS: i64 = 2_000_000;
/// The call-tree memory budget of every run, in pages (memories and tables together).
const TREE_PAGES: u64 = 12;

/// True for the traps that end a run for want of gas or steps.
fn exhausted(trap: Trap) -> bool {
    matches!(trap, Trap::OutOfGas | Trap::StepLimitExceeded)
}

/// What one run observed: per step (instantiation, then each export call) its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Instantiation result (`Err` carries the start function's trap or `None` for other errors).
    pub instantiate: Result<(), Option<Trap>>,
    /// Per export call: its results or trap.
    pub calls: Vec<Result<Vec<Value>, Trap>>,
    /// Gas left at the end.
    pub gas_left: i64,
}

impl Record {
    /// True when some step ran out of gas.
    pub fn out_of_gas(&self) -> bool {
        matches!(self.instantiate, Err(Some(t)) if exhausted(t))
            || self.calls.iter().any(|c| matches!(c, Err(t) if exhausted(*t)))
    }
}

/// Runs one input; panics on a violated property.
pub fn run(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(limit) = u.int_in_range(0..=MAX_GAS) else {
        return;
    };
    let Ok(module) = smith::engine_module(&mut u, MAX_PAGES, false) else {
        return;
    };
    let wasm = module.to_bytes();
    let config = Config {
        metering: true,
        max_memory_pages: MAX_PAGES as u32,
        // Each function translated on its first call, as contracts run by default.
        translation: Translation::Lazy,
        ..Config::default()
    };
    let module = match Module::compile(&wasm, &config) {
        Ok(m) => m,
        Err(e) => panic!("valid wasm-smith module rejected: {e}"),
    };
    let first = execute(&module, &config, limit);
    assert!(
        (0..=limit).contains(&first.gas_left),
        "gas left {} outside 0..={limit}",
        first.gas_left
    );
    assert_eq!(
        first,
        execute(&module, &config, limit),
        "non-deterministic run"
    );
    if first.out_of_gas() {
        return;
    }
    let used = limit - first.gas_left;
    let exact = execute(&module, &config, used);
    assert_eq!(
        Record {
            gas_left: first.gas_left,
            ..exact.clone()
        },
        first,
        "run with exactly the used gas ({used}) differs"
    );
    assert_eq!(exact.gas_left, 0, "exact-gas run left gas");
    if used > 0 {
        let short = execute(&module, &config, used - 1);
        assert!(
            short.out_of_gas(),
            "run with {} gas (one less than used) did not run out",
            used - 1
        );
    }
}

/// Instantiates `module` with `gas` and calls its exported functions in export order with
/// zero arguments, stopping after an out-of-gas trap.
pub fn execute(module: &Module, config: &Config, gas: i64) -> Record {
    let config = Config {
        step_limit: Some(u64::try_from(gas).unwrap_or(0)),
        ..*config
    };
    let mut store = Store::with_budget(config, MemoryBudget::new(TREE_PAGES));
    store.set_gas(gas);
    let mut record = Record {
        instantiate: Ok(()),
        calls: Vec::new(),
        gas_left: 0,
    };
    let instance = match store.instantiate(module, &[], &mut NoHost) {
        Ok(i) => i,
        Err(e) => {
            record.instantiate = Err(match e {
                ssvm::engine::InstantiateError::Start(trap) => Some(trap),
                _ => None,
            });
            record.gas_left = store.gas();
            return record;
        }
    };
    for export in module.exports() {
        let ExternType::Func(ty) = &export.ty else {
            continue;
        };
        let args: Vec<Value> = ty.params.iter().map(|t| Value::zero(*t)).collect();
        let result = store
            .invoke(&mut NoHost, instance, &export.name, &args)
            .map_err(|e| match e {
                ssvm::engine::InvokeError::Trap(t) => t,
                other => panic!("invoke of an exported function failed: {other}"),
            });
        let stop = matches!(result, Err(t) if exhausted(t));
        record.calls.push(result);
        if stop {
            break;
        }
    }
    record.gas_left = store.gas();
    record
}
