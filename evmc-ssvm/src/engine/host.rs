//! The engine's host-function interface: one trait the embedder implements.

use super::memory::Dirty;
use super::trap::Trap;

/// Identifies a host function to the embedder (chosen by whoever allocates it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HostFuncId(pub u32);

/// What a host function may touch: the caller instance's memory and the gas counter.
/// What it writes into the memory must be recorded (the engine reuses memory buffers after
/// zeroing only what was written, see [`Dirty`]): [`HostCallContext::memory_mut`] records
/// the whole memory, a host that knows what it wrote takes [`HostCallContext::split`] and
/// marks exactly that.
#[derive(Debug)]
pub struct HostCallContext<'a> {
    /// The calling instance's linear memory (empty if it has none).
    memory: &'a mut [u8],
    /// What was written into `memory`.
    written: &'a mut Dirty,
    /// The engine's gas counter, shared with in-VM metering.
    pub gas: &'a mut i64,
}

impl<'a> HostCallContext<'a> {
    /// The context of one host call.
    pub(crate) fn new(memory: &'a mut [u8], written: &'a mut Dirty, gas: &'a mut i64) -> Self {
        HostCallContext {
            memory,
            written,
            gas,
        }
    }

    /// The caller's memory, to read.
    pub fn memory(&self) -> &[u8] {
        self.memory
    }

    /// The caller's memory, to write anywhere (all of it counts as written).
    pub fn memory_mut(&mut self) -> &mut [u8] {
        self.written.mark_all();
        self.memory
    }

    /// The memory, the record the caller must mark every write in (`Dirty::mark`), and the
    /// gas counter.
    pub fn split(self) -> (&'a mut [u8], &'a mut Dirty, &'a mut i64) {
        (self.memory, self.written, self.gas)
    }
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
