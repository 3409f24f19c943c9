//! The interpreter. Code runs as words that each name their handler ([`word`]); a handler
//! does its instruction and tail-calls the next word's handler. Handlers are grouped by
//! family: [`numeric`], [`memory`], [`control`] (branches, returns, metering), [`calls`],
//! [`data`] (copies, constants, globals, bignum), [`bulk`] (bulk memory, tables,
//! references); [`encode`] turns the translator's
//! instructions into words. Call frames are windows of untyped `u64` slots on one value
//! stack ([`frame`]); suspended callers are on an explicit frame stack (no Rust recursion).
//!
//! A call frame starts at the caller's argument slots: arguments are not copied, and the
//! callee's results come back in the same slots.

mod bulk;
mod calls;
mod control;
mod data;
pub(crate) mod encode;
mod frame;
mod memory;
mod numeric;
pub(crate) mod word;

use std::cell::RefCell;
use std::sync::OnceLock;

use super::bignum::BigCall;
use super::code::FuncCode;
use super::host::{Host, HostCallContext};
use super::memory::{Dirty, Memory, StoreMarks};
use super::module::CompiledFunc;
use super::pool::{self, Pool};
use super::store::{Entities, FuncInst, FuncKind, Global, InstanceData};
use super::table::Table;
use super::trap::Trap;
use super::types::{FuncType, ValType};
use frame::Fp;
use word::{dispatch, Done, Ip, Mem, Word, BUDGET};

/// Limits applied to one top-level call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub max_call_depth: usize,
    pub max_value_stack: usize,
    pub metering: bool,
    pub steps: u64,
}

/// A suspended caller.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    /// The word to continue at.
    ret: Ip,
    /// The caller's frame offset in the value stack.
    fp: usize,
    /// The caller's instance.
    inst: u32,
}

/// With debug assertions: how far the native stack may grow below the loop in `run` before
/// a handler pauses (see `word`).
#[cfg(debug_assertions)]
const STACK_GUARD: usize = 128 * 1024;

/// Value-stack slots allocated up front; the stack doubles from there when a call needs more.
const INITIAL_STACK_SLOTS: usize = 1024;

/// The reusable value stack, frame stack and host-result scratch space. A machine comes
/// from its thread's pool and goes back there when dropped (see `pool`), so a call reuses
/// the stacks of the previous one without allocating or clearing them.
#[derive(Debug, Default)]
pub(crate) struct Machine {
    stack: Vec<u64>,
    frames: Vec<Frame>,
    scratch: Vec<u64>,
}

/// The largest value stack a pooled machine keeps (slots).
const MAX_POOLED_STACK: usize = 64 * 1024;

thread_local! {
    static MACHINE_ITEMS: RefCell<Vec<Machine>> = const { RefCell::new(Vec::new()) };
}

/// The thread's idle machines.
static MACHINES: Pool<Machine> = Pool {
    items: &MACHINE_ITEMS,
    max: pool::MAX_ITEMS,
};

impl Machine {
    /// A machine from the thread's pool, or a new one.
    pub(crate) fn pooled() -> Machine {
        MACHINES.take(|_| true).unwrap_or_default()
    }
}

impl Drop for Machine {
    fn drop(&mut self) {
        if self.stack.capacity() > 0 && self.stack.len() <= MAX_POOLED_STACK && MACHINES.has_room()
        {
            MACHINES.give(Machine {
                stack: std::mem::take(&mut self.stack),
                frames: std::mem::take(&mut self.frames),
                scratch: std::mem::take(&mut self.scratch),
            });
        }
    }
}

/// Makes the value stack at least `need` slots long (doubling, up to the limit).
fn reserve(stack: &mut Vec<u64>, need: usize, limit: usize) -> Result<(), Trap> {
    if need > stack.len() {
        if need > limit {
            return Err(Trap::ValueStackExhausted);
        }
        let len = need.next_power_of_two().min(limit);
        // A refused allocation ends the run like an exhausted stack, never aborts.
        stack
            .try_reserve_exact(len - stack.len())
            .map_err(|_| Trap::ValueStackExhausted)?;
        stack.resize(len, 0);
    }
    Ok(())
}

/// Everything a handler reaches through its `ex` argument: the store's entities, the
/// machine, the host, gas and limits, the current instance, and how the run ended.
pub(crate) struct Exec<'a> {
    instances: &'a [InstanceData],
    funcs: &'a [FuncInst],
    sigs: &'a [FuncType],
    memories: &'a mut [Memory],
    tables: &'a mut [Table],
    globals: &'a mut [Global],
    stack: &'a mut Vec<u64>,
    /// `stack.as_mut_ptr()`, taken again after every resize.
    stack_base: *mut u64,
    frames: &'a mut Vec<Frame>,
    scratch: &'a mut Vec<u64>,
    host: &'a mut dyn Host,
    /// Gas left (the caller's counter is updated when the run ends).
    gas: i64,
    limits: Limits,
    /// Events left in the current slice, and those of them that were not steps (see
    /// `word`).
    budget: u32,
    other_events: u32,
    /// The events the current slice started with (shrunk by [`Exec::spend_steps`]).
    slice: u32,
    /// Steps left at the start of the current slice, less the steps spent for work since.
    steps_left: u64,
    /// With debug assertions: a handler pauses when the native stack reaches below this
    /// address (see `word`).
    #[cfg(debug_assertions)]
    stack_floor: usize,
    /// What the handlers wrote into the current instance's memory since the last switch
    /// (merged into the memory's record by [`Exec::flush_dirty`]).
    dirty: Dirty,
    /// The stores into the current instance's memory since the last switch (merged the
    /// same way).
    stores: StoreMarks,
    /// The running instance, its module's functions and bignum call sites.
    cur: usize,
    inst: &'a InstanceData,
    bodies: &'a [FuncCode],
    bigcalls: &'a [OnceLock<BigCall>],
    /// The function a call found untranslated: (instance, defined function index).
    untranslated: (usize, usize),
    /// Why the run stopped ([`Done::Trap`]).
    trap: Trap,
    /// Results of the entry function ([`Done::Return`]).
    results: usize,
    /// Where to resume after [`Done::Pause`], with the accumulator.
    resume: Option<(Ip, Fp, Mem, u64)>,
}

impl<'a> Exec<'a> {
    /// The body of defined function `index` of instance `instance`, if it was translated
    /// (one acquire load); else `None`, with the function noted in `untranslated` for
    /// `calls::translate_and_retry`.
    #[inline(always)]
    fn body(&mut self, instance: usize, index: usize) -> Option<&'a CompiledFunc> {
        let bodies: &'a [FuncCode] = if instance == self.cur {
            self.bodies
        } else {
            &self.instances[instance].module.funcs
        };
        let body = bodies[index].get();
        if body.is_none() {
            self.untranslated = (instance, index);
        }
        body
    }

    /// Stops the run with `trap`. (The result goes through `black_box` so that callers
    /// cannot assume it and must call this in tail position: a handler whose cold paths
    /// end in tail calls needs no stack frame on its hot path.)
    #[cold]
    #[inline(never)]
    fn trap(&mut self, trap: Trap) -> Done {
        self.trap = trap;
        std::hint::black_box(Done::Trap)
    }

    /// Switches to instance `i`; returns its memory.
    fn switch_to(&mut self, i: usize) -> Mem {
        self.flush_dirty();
        self.cur = i;
        self.inst = &self.instances[i];
        self.bodies = &self.inst.module.funcs;
        self.bigcalls = &self.inst.module.bigcalls;
        self.memory()
    }

    /// Merges what was written into the current memory into its record.
    fn flush_dirty(&mut self) {
        let mut dirty = std::mem::take(&mut self.dirty);
        dirty.merge(self.stores.take());
        if let Some(memory) = self.memories.get_mut(self.inst.memory as usize) {
            memory.dirty.merge(dirty);
        }
    }

    /// The current instance's memory.
    fn memory(&mut self) -> Mem {
        Mem::of(&mut self.memories[self.inst.memory as usize].data)
    }

    /// Charges `amount` gas; `false` if not enough is left (nothing is charged then).
    #[inline(always)]
    fn charge(&mut self, amount: i64) -> bool {
        if self.gas < amount {
            return false;
        }
        self.gas -= amount;
        true
    }

    /// Spends `steps` steps at once for work that grows with an operand (EWASM.md section
    /// 4.2); `false` (nothing spent) if fewer are left.
    #[inline]
    fn spend_steps(&mut self, steps: u64) -> bool {
        let used = u64::from(self.slice - self.budget - self.other_events);
        let left = self.steps_left.saturating_sub(used);
        if steps > left {
            return false;
        }
        self.steps_left -= steps;
        // The slice was sized for the steps left before: shrink it so that the step past
        // the limit still ends it (`used` stays the same).
        let events = (left - steps).saturating_add(1);
        if u64::from(self.budget) > events {
            let cut = self.budget - events as u32;
            self.budget -= cut;
            self.slice -= cut;
        }
        true
    }

    /// The frame at slot offset `offset` of the value stack.
    fn frame_at(&self, offset: usize) -> Fp {
        Fp::new(self.stack_base, self.stack.len(), offset)
    }

    /// Makes the value stack at least `need` slots long.
    fn reserve(&mut self, need: usize) -> Result<(), Trap> {
        if need > self.stack.len() {
            reserve(self.stack, need, self.limits.max_value_stack)?;
            self.stack_base = self.stack.as_mut_ptr();
        }
        Ok(())
    }
}

/// A raw value of type `ty` as slots hold it: an i32 zero-extended (every handler writes
/// i32 results that way, so `i64.extend_i32_u` changes no bits); values from outside (host
/// results, an embedder's arguments) are normalized on the way in.
#[inline(always)]
fn normalize(ty: ValType, raw: u64) -> u64 {
    match ty {
        ValType::I32 | ValType::F32 => u64::from(raw as u32),
        ValType::I64 | ValType::F64 | ValType::FuncRef | ValType::ExternRef => raw,
    }
}

/// Returns to the loop in `run`, which resumes at `ip`. The parameters come in the order
/// of a handler's, so a handler tail-calls this without moving its arguments.
#[cold]
#[inline(never)]
fn pause(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    ex.resume = Some((ip, fp, mem, acc));
    std::hint::black_box(Done::Pause)
}

/// The only word of a body whose translation failed: running it traps with
/// [`Trap::TranslationFailed`].
pub(crate) fn failed_call_word() -> Word {
    Word::new(control::translation_failed, 0, 0, 0)
}

/// Runs function `func` (a store address) with raw `args`; returns raw results.
pub(crate) fn call(
    ent: &mut Entities,
    m: &mut Machine,
    limits: &Limits,
    gas: &mut i64,
    host: &mut dyn Host,
    func: u32,
    args: &[u64],
) -> Result<Vec<u64>, Trap> {
    // The stack grows on demand up to `max_value_stack`, so an execution that needs little
    // (most contracts, and every nested EVMC frame) allocates little.
    let initial = INITIAL_STACK_SLOTS.max(args.len());
    reserve(
        &mut m.stack,
        initial.min(limits.max_value_stack),
        limits.max_value_stack,
    )?;
    reserve(&mut m.stack, args.len(), limits.max_value_stack)?;
    m.frames.clear();
    let params = ent
        .funcs
        .get(func as usize)
        .and_then(|f| ent.sigs.get(f.sig as usize))
        .map_or(&[][..], |sig| &sig.params[..]);
    for (k, arg) in args.iter().enumerate() {
        let ty = params.get(k).copied().unwrap_or(ValType::I64);
        m.stack[k] = normalize(ty, *arg);
    }
    let results = run(ent, m, limits, gas, host, func, args.len())?;
    Ok(m.stack[..results].to_vec())
}

/// Runs `func` with its `nargs` arguments at `stack[0..]`; returns the number of results
/// left there.
fn run(
    ent: &mut Entities,
    m: &mut Machine,
    limits: &Limits,
    gas: &mut i64,
    host: &mut dyn Host,
    func: u32,
    nargs: usize,
) -> Result<usize, Trap> {
    let entry = ent
        .funcs
        .get(func as usize)
        .copied()
        .ok_or(Trap::Unreachable)?;
    let (instance, index) = match entry.kind {
        FuncKind::Host(id) => {
            // A host function invoked directly by the embedder.
            let sig = ent.sigs.get(entry.sig as usize).ok_or(Trap::Unreachable)?;
            let r = sig.results.len();
            m.scratch.resize(r.max(m.scratch.len()), 0);
            let mut unused = Dirty::default();
            let ctx = HostCallContext::new(&mut [], &mut unused, gas);
            host.call(id, ctx, &m.stack[..nargs], &mut m.scratch[..r])?;
            reserve(&mut m.stack, r, usize::MAX)?;
            for (k, ty) in sig.results.iter().enumerate() {
                m.stack[k] = normalize(*ty, m.scratch[k]);
            }
            return Ok(r);
        }
        FuncKind::Wasm { instance, index } => (instance as usize, index as usize),
    };
    let Entities {
        instances,
        funcs,
        sigs,
        memories,
        tables,
        globals,
    } = ent;
    let module = &instances[instance].module;
    let cf = match module.funcs.get(index).and_then(FuncCode::get) {
        Some(body) => body,
        None => module.translate_on_call(index),
    };
    reserve(&mut m.stack, cf.frame_size as usize, limits.max_value_stack)?;
    let stack_base = m.stack.as_mut_ptr();
    let mut ex = Exec {
        instances,
        funcs,
        sigs,
        memories,
        tables,
        globals,
        stack: &mut m.stack,
        stack_base,
        frames: &mut m.frames,
        scratch: &mut m.scratch,
        host,
        gas: *gas,
        limits: *limits,
        budget: 0,
        other_events: 0,
        slice: 0,
        steps_left: 0,
        #[cfg(debug_assertions)]
        stack_floor: 0,
        dirty: Dirty::default(),
        stores: StoreMarks::default(),
        cur: instance,
        inst: &instances[instance],
        bodies: &[],
        bigcalls: &[],
        untranslated: (0, 0),
        trap: Trap::Unreachable,
        results: 0,
        resume: None,
    };
    let mem = ex.switch_to(instance);
    let fp = ex.frame_at(0);
    fp.zero(cf.params, cf.locals as usize);
    let at = (Ip::at(&cf.words, 0), fp, mem, 0);
    let result = run_slices(&mut ex, at, limits.steps);
    ex.flush_dirty();
    *gas = ex.gas;
    result
}

/// Runs slices of the run from `at` until it returns or traps; `steps` is the step limit.
fn run_slices(ex: &mut Exec<'_>, mut at: (Ip, Fp, Mem, u64), steps: u64) -> Result<usize, Trap> {
    #[cfg(debug_assertions)]
    {
        let marker = 0u8;
        ex.stack_floor = std::ptr::addr_of!(marker)
            .addr()
            .saturating_sub(STACK_GUARD);
    }
    ex.steps_left = steps;
    loop {
        // A slice ends after `slice` events; with at most `steps_left + 1` of them, the
        // step past the limit ends it (other events may end it sooner).
        let slice =
            u32::try_from(ex.steps_left.saturating_add(1)).map_or(BUDGET, |s| s.min(BUDGET));
        ex.slice = slice;
        ex.budget = slice;
        ex.other_events = 0;
        let (ip, fp, mem, acc) = at;
        match dispatch(ip, fp, mem, ex, acc) {
            Done::Pause => {
                // A pause ends the slice when its budget is used up (or, with debug
                // assertions, when the native stack is deep).
                let taken = u64::from(ex.slice - ex.budget - ex.other_events);
                ex.steps_left = ex
                    .steps_left
                    .checked_sub(taken)
                    .ok_or(Trap::StepLimitExceeded)?;
                at = ex.resume.take().ok_or(Trap::Unreachable)?;
            }
            Done::Return => return Ok(ex.results),
            Done::Trap => return Err(ex.trap),
        }
    }
}
