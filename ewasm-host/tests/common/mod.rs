//! Shared fixture for the EEI integration tests: a recording mock host, a message, code,
//! 64 KiB of memory and a gas counter, and a frame that runs EEI calls over them.
#![allow(dead_code)]

use ewasm_host::mock::MockHost;
use ewasm_host::{Eei, EeiOptions, HostExit, HostFn, Message, Revision};

/// The running contract's address.
pub const SELF: [u8; 20] = [0x5e; 20];
/// The caller.
pub const CALLER: [u8; 20] = [0xca; 20];
/// Another account.
pub const OTHER: [u8; 20] = [0x07; 20];
/// Gas at the start of every test.
pub const GAS: i64 = 1_000_000;
/// One Wasm page.
pub const PAGE: usize = 65536;

/// What an EEI call returns.
pub type Res = Result<Option<u64>, HostExit>;

/// Everything one frame needs.
pub struct Fx {
    pub host: MockHost,
    pub msg: Message,
    pub code: Vec<u8>,
    pub rev: Revision,
    pub opts: EeiOptions,
    pub mem: Vec<u8>,
    pub gas: i64,
}

/// A live frame over a fixture (keeps the return-data buffer between calls).
pub struct Frame<'a> {
    pub eei: Eei<'a>,
    pub mem: &'a mut [u8],
    pub gas: &'a mut i64,
}

impl Frame<'_> {
    /// Runs one EEI function.
    pub fn call(&mut self, f: HostFn, args: &[u64]) -> Res {
        self.eei.call(f, self.mem, self.gas, args)
    }
}

impl Fx {
    /// Depth 0, not static, Byzantium, one page of zero memory, `GAS` gas.
    pub fn new() -> Fx {
        Fx {
            host: MockHost::new(),
            msg: Message::call(CALLER, SELF, GAS, Vec::new()),
            code: Vec::new(),
            rev: Revision::Byzantium,
            opts: EeiOptions::default(),
            mem: vec![0; PAGE],
            gas: GAS,
        }
    }

    /// A frame over this fixture.
    pub fn frame(&mut self) -> Frame<'_> {
        Frame {
            eei: Eei::new(&mut self.host, &self.msg, &self.code, self.rev, self.opts),
            mem: &mut self.mem,
            gas: &mut self.gas,
        }
    }

    /// One call in a fresh frame.
    pub fn call(&mut self, f: HostFn, args: &[u64]) -> Res {
        self.frame().call(f, args)
    }

    /// Gas used so far.
    pub fn used(&self) -> i64 {
        GAS - self.gas
    }

    /// Writes `bytes` to memory at `offset`.
    pub fn put(&mut self, offset: usize, bytes: &[u8]) {
        self.mem[offset..offset + bytes.len()].copy_from_slice(bytes);
    }

    /// Memory bytes `offset .. offset + len`.
    pub fn get(&self, offset: usize, len: usize) -> &[u8] {
        &self.mem[offset..offset + len]
    }
}

/// A big-endian 32-byte integer from a u128.
pub fn be32(v: u128) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[16..].copy_from_slice(&v.to_be_bytes());
    out
}

/// A 32-byte word filled with `b`.
pub fn word(b: u8) -> [u8; 32] {
    [b; 32]
}
