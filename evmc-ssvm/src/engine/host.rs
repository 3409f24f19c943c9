//! The engine's host-function interface: one trait the embedder implements.

use super::trap::Trap;

/// Identifies a host function to the embedder (chosen by whoever allocates it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostFuncId(pub u32);

/// What a host function may touch: the caller instance's memory and the gas counter.
#[derive(Debug)]
pub struct HostCallContext<'a> {
    /// The calling instance's linear memory (empty if it has none).
    pub memory: &'a mut [u8],
    /// The engine's gas counter, shared with in-VM metering.
    pub gas: &'a mut i64,
}

/// Implemented by embedders to run imported host functions. Arguments and results are raw
/// slots: i32 zero-extended to u64, f32/f64 as bits.
pub trait Host {
    /// Runs host function `func`; write exactly `results.len()` results.
    fn call(
        &mut self,
        func: HostFuncId,
        ctx: HostCallContext<'_>,
        args: &[u64],
        results: &mut [u64],
    ) -> Result<(), Trap>;
}

/// A host that has no functions: every call traps with `Trap::Host(0)`.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoHost;

impl Host for NoHost {
    fn call(
        &mut self,
        _: HostFuncId,
        _: HostCallContext<'_>,
        _: &[u64],
        _: &mut [u64],
    ) -> Result<(), Trap> {
        Err(Trap::Host(0))
    }
}
