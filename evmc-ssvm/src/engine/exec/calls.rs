//! Call handlers: defined functions, imports (host functions or another instance's
//! functions) and `call_indirect`.
//!
//! The callee's frame starts at the caller's slot `base`, where the arguments are; the
//! caller's return position, frame and instance go on the frame stack. Word operands:
//! `a` = `base`, `c` = function index (`CallIndirect`: type index, with the index slot in
//! `a` and the table in `c` of the data word after it).

use super::frame::Fp;
use super::word::{goto, step_to, Done, Ip, Mem, Word};
use super::{Exec, Frame};
use crate::engine::host::HostCallContext;
use crate::engine::isa::Instr;
use crate::engine::module::CompiledFunc;
use crate::engine::store::FuncKind;
use crate::engine::trap::Trap;
use crate::engine::types::ref_from_raw;

/// Enters `callee` of `instance` with its frame at slot `base` of `fp`, returning to `ret`
/// (a step), charging its entry block when metering (`CompiledFunc::entry_gas`).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn enter(
    ret: Ip,
    fp: Fp,
    base: u16,
    instance: usize,
    callee: &CompiledFunc,
    mem: Mem,
    ex: &mut Exec<'_>,
    acc: u64,
) -> Done {
    if ex.frames.len() + 1 >= ex.limits.max_call_depth {
        return ex.trap(Trap::CallStackExhausted);
    }
    if callee.entry_gas > 0 && !ex.charge(i64::from(callee.entry_gas)) {
        return ex.trap(Trap::OutOfGas);
    }
    let caller = fp.offset_from(ex.stack_base);
    let offset = caller + usize::from(base);
    let need = offset + callee.frame_size as usize;
    let frame = if need > ex.stack.len() {
        match grow(ex, offset, need) {
            Ok(frame) => frame,
            Err(t) => return ex.trap(t),
        }
    } else {
        fp.add(base)
    };
    ex.frames.push(Frame {
        ret,
        fp: caller,
        inst: ex.cur as u32,
    });
    if callee.locals > 0 {
        frame.zero(callee.params, callee.locals as usize);
    }
    let mem = if instance == ex.cur {
        mem
    } else {
        ex.switch_to(instance)
    };
    let ip = Ip::at(&callee.words, callee.call_entry as usize);
    step_to(ip, frame, mem, ex, acc)
}

/// The cold side of a call whose callee was never translated (`Exec::untranslated`):
/// translates it (see `code`), then runs the call word at `ip` again, which finds it. (A
/// tail call with the handler's own parameters: the handlers' hot paths need no stack
/// frame for it.) Nothing before the lookup of the callee has an effect, so the call word
/// runs as if for the first time.
#[cold]
#[inline(never)]
fn translate_and_retry(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let (instance, index) = ex.untranslated;
    ex.instances[instance].module.translate_on_call(index);
    (ip.word().h)(ip, fp, mem, ex, acc)
}

/// Grows the value stack to `need` slots (out of line: it is rare); returns the frame at
/// `offset`.
#[cold]
#[inline(never)]
fn grow(ex: &mut Exec<'_>, offset: usize, need: usize) -> Result<Fp, Trap> {
    ex.reserve(need)?;
    Ok(ex.frame_at(offset))
}

/// Calls the function at store address `addr` from the word at `ip` (`len` words long).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn call_addr(
    addr: u32,
    ip: Ip,
    len: i32,
    fp: Fp,
    base: u16,
    mem: Mem,
    ex: &mut Exec<'_>,
    acc: u64,
) -> Done {
    let f = ex.funcs[addr as usize];
    let ret = ip.offset(len);
    let id = match f.kind {
        FuncKind::Wasm { instance, index } => {
            let Some(callee) = ex.body(instance as usize, index as usize) else {
                return translate_and_retry(ip, fp, mem, ex, acc);
            };
            return enter(ret, fp, base, instance as usize, callee, mem, ex, acc);
        }
        FuncKind::Host(id) => id,
    };
    let sig = &ex.sigs[f.sig as usize];
    let (n, r) = (sig.params.len(), sig.results.len());
    if ex.scratch.len() < r {
        ex.scratch.resize(r, 0);
    }
    let ctx = HostCallContext::new(mem.bytes(), &mut ex.dirty, &mut ex.gas);
    if let Err(t) = ex
        .host
        .call(id, ctx, fp.slice(base, n), &mut ex.scratch[..r])
    {
        return ex.trap(t);
    }
    for (k, (v, ty)) in ex.scratch[..r].iter().zip(sig.results.iter()).enumerate() {
        fp.set(base + k as u16, super::normalize(*ty, *v));
    }
    goto(ret, fp, mem, ex, acc)
}

/// `call` of a defined function of the current instance.
fn call_internal(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let Some(callee) = ex.body(ex.cur, w.c as usize) else {
        return translate_and_retry(ip, fp, mem, ex, acc);
    };
    enter(ip.next(), fp, w.a, ex.cur, callee, mem, ex, acc)
}

/// `call` of an imported function.
fn call_import(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let addr = ex.inst.funcs[w.c as usize];
    call_addr(addr, ip, 1, fp, w.a, mem, ex, acc)
}

/// `call_indirect`: checks the table entry and its signature, then calls it.
fn call_indirect(ip: Ip, fp: Fp, mem: Mem, ex: &mut Exec<'_>, acc: u64) -> Done {
    let w = ip.word();
    let data = ip.next().word();
    let i = fp.get(data.a) as u32 as usize;
    let table = ex.inst.tables.get(data.c as usize).copied().unwrap_or(0);
    let entry = match ex.tables[table as usize].elems.get(i) {
        None => return ex.trap(Trap::TableOutOfBounds),
        Some(raw) => match ref_from_raw(*raw) {
            None => return ex.trap(Trap::UninitializedElement),
            Some(addr) => addr,
        },
    };
    if ex.funcs[entry as usize].sig != ex.inst.sig_ids[w.c as usize] {
        return ex.trap(Trap::IndirectCallTypeMismatch);
    }
    call_addr(entry, ip, 2, fp, w.a, mem, ex, acc)
}

/// Appends the word of a call instruction; `false` for any other.
pub(super) fn encode(instr: &Instr, out: &mut Vec<Word>) -> bool {
    let word = match *instr {
        Instr::CallInternal { func, base } => Word::new(call_internal, base as u16, 0, func),
        Instr::CallImport { func, base } => Word::new(call_import, base as u16, 0, func),
        Instr::CallIndirect { ty, base } => Word::new(call_indirect, base as u16, 0, ty),
        _ => return false,
    };
    out.push(word);
    true
}
