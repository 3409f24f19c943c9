//! Test support: runs a module's `main` under wasmi with a `useGas` host that sums gas.

use super::*;

/// Result of running a module's `main` under wasmi with a summing `useGas` host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WasmiRun {
    /// Sum of all `useGas` arguments (start function included).
    pub gas: u64,
    /// The little-endian `u64` at memory address 0 after `main`, if `memory` is exported.
    pub word0: Option<u64>,
}

/// Instantiates `wasm` in wasmi (fuel-bounded, so a runaway module fails instead of
/// hanging), runs `main: () -> ()` and reports the gas summed by `ethereum.useGas`.
pub(crate) fn run_wasmi(wasm: &[u8]) -> Result<WasmiRun, String> {
    let mut config = wasmi::Config::default();
    config.consume_fuel(true);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, wasm).map_err(|e| e.to_string())?;
    let mut store = wasmi::Store::new(&engine, 0u64);
    store.set_fuel(1 << 32).map_err(|e| e.to_string())?;
    let mut linker = wasmi::Linker::<u64>::new(&engine);
    linker
        .func_wrap(
            USE_GAS_MODULE,
            USE_GAS_NAME,
            |mut caller: wasmi::Caller<'_, u64>, amount: i64| -> Result<(), wasmi::Error> {
                let amount =
                    u64::try_from(amount).map_err(|_| wasmi::Error::new("negative gas"))?;
                *caller.data_mut() += amount;
                Ok(())
            },
        )
        .map_err(|e| e.to_string())?;
    let instance = linker
        .instantiate_and_start(&mut store, &module)
        .map_err(|e| e.to_string())?;
    let main = instance
        .get_typed_func::<(), ()>(&store, "main")
        .map_err(|e| e.to_string())?;
    main.call(&mut store, ()).map_err(|e| e.to_string())?;
    let word0 = instance.get_memory(&store, "memory").and_then(|m| {
        let bytes: [u8; 8] = m.data(&store).get(..8)?.try_into().ok()?;
        Some(u64::from_le_bytes(bytes))
    });
    Ok(WasmiRun {
        gas: *store.data(),
        word0,
    })
}
