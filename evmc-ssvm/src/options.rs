//! VM options (EWASM.md section 7): their defaults, parsing from EVMC `set_option` strings,
//! and a fingerprint that identifies the options a compiled module depends on.

use std::fmt;

pub use crate::engine::{Translation, WasmVersion};

/// What to do with code that is not Ewasm (EWASM.md section 1 step 3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Evm1Mode {
    /// Fail the execution with `EVMC_FAILURE` (default).
    #[default]
    Reject,
    /// Answer `EVMC_REJECTED` so the client runs its own EVM; advertises the EVM1 capability.
    Fallback,
}

/// Whether floating-point opcodes are allowed (EWASM.md section 1 step 8).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Floats {
    /// Floats run deterministically with canonical NaNs (default).
    #[default]
    Allow,
    /// Any float opcode fails the code gate with CONTRACT_VALIDATION_FAILURE.
    Reject,
}

/// Why `set_option` refused a name/value pair (maps to the EVMC set_option results).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptionError {
    /// No option has this name (`EVMC_SET_OPTION_INVALID_NAME`).
    InvalidName,
    /// The option exists but the value is not allowed (`EVMC_SET_OPTION_INVALID_VALUE`).
    InvalidValue,
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionError::InvalidName => f.write_str("unknown option name"),
            OptionError::InvalidValue => f.write_str("invalid option value"),
        }
    }
}

impl std::error::Error for OptionError {}

/// Smallest accepted `max_memory_pages`.
pub const MIN_MEMORY_PAGES: u32 = 1;
/// Largest accepted `max_memory_pages`: the whole 4 GiB a 32-bit Wasm memory can address.
pub const MAX_MEMORY_PAGES: u32 = 65536;
/// Default `max_memory_pages`: 4096 pages = 256 MiB, the default hard limit of the Ewasm
/// team's own interpreter (Fizzy). `memory.grow` beyond it returns -1.
pub const DEFAULT_MAX_MEMORY_PAGES: u32 = 4096;

/// Default `max_tree_memory_pages`: 16384 pages = 1 GiB for all the memories and tables
/// alive at once in one call tree (EWASM.md section 4.2).
pub const DEFAULT_MAX_TREE_MEMORY_PAGES: u32 = 16384;

/// Every option name `set_option` accepts, in EWASM.md order (single source of truth for
/// the name check; a test sets each one).
pub const OPTION_NAMES: [&str; 10] = [
    "metering",
    "evm1mode",
    "debug",
    "bignum",
    "floats",
    "max_memory_pages",
    "max_tree_memory_pages",
    "trace",
    "wasm",
    "translation",
];

/// The VM options of EWASM.md section 7.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Options {
    /// Charge gas for Wasm instructions inside the VM (section 4). Default `false`.
    pub metering: bool,
    /// Handling of non-Ewasm code. Default [`Evm1Mode::Reject`].
    pub evm1mode: Evm1Mode,
    /// Allow imports from namespace `debug` (section 6). Default `false`.
    pub debug: bool,
    /// Allow imports from namespace `bignum` (section 5). Default `true`.
    pub bignum: bool,
    /// Float opcode policy. Default [`Floats::Allow`].
    pub floats: Floats,
    /// Upper bound on linear memory, in 64 KiB pages (1..=65536).
    /// Default [`DEFAULT_MAX_MEMORY_PAGES`].
    pub max_memory_pages: u32,
    /// Upper bound on the pages of linear memory and tables alive at once in one call tree
    /// (1..=65536, EWASM.md section 4.2). Default [`DEFAULT_MAX_TREE_MEMORY_PAGES`].
    pub max_tree_memory_pages: u32,
    /// One stderr line per EEI call. Default `false`.
    pub trace: bool,
    /// The WebAssembly contracts may use (EWASM.md section 1.1). Default
    /// [`WasmVersion::V2`] (`2.0`).
    pub wasm: WasmVersion,
    /// When function bodies are translated: on first call (`lazy`, default) or all at
    /// compile time (`eager`). Results, gas and statuses are the same either way.
    pub translation: Translation,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            metering: false,
            evm1mode: Evm1Mode::Reject,
            debug: false,
            bignum: true,
            floats: Floats::Allow,
            max_memory_pages: DEFAULT_MAX_MEMORY_PAGES,
            max_tree_memory_pages: DEFAULT_MAX_TREE_MEMORY_PAGES,
            trace: false,
            wasm: WasmVersion::V2,
            translation: Translation::Lazy,
        }
    }
}

impl Options {
    /// Sets option `name` to `value` as EVMC `set_option` does. On error `self` is unchanged.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), OptionError> {
        match name {
            "metering" => self.metering = parse_bool(value)?,
            "evm1mode" => self.evm1mode = parse_evm1mode(value)?,
            "debug" => self.debug = parse_bool(value)?,
            "bignum" => self.bignum = parse_bool(value)?,
            "floats" => self.floats = parse_floats(value)?,
            "max_memory_pages" => self.max_memory_pages = parse_pages(value)?,
            "max_tree_memory_pages" => self.max_tree_memory_pages = parse_pages(value)?,
            "trace" => self.trace = parse_bool(value)?,
            "wasm" => self.wasm = parse_wasm(value)?,
            "translation" => self.translation = parse_translation(value)?,
            _ => return Err(OptionError::InvalidName),
        }
        Ok(())
    }

    /// An exact (collision-free) encoding of every option, for cache keys: two option sets
    /// have the same fingerprint iff they are equal.
    ///
    /// Layout (bit 0 = least significant): 0 metering, 1 evm1mode=fallback, 2 debug,
    /// 3 bignum, 4 floats=reject, 5 trace, 6 wasm=mvp, 7 translation=eager,
    /// 8..=24 max_memory_pages, 25..=41 max_tree_memory_pages.
    pub fn fingerprint(&self) -> u64 {
        let flags = [
            self.metering,
            self.evm1mode == Evm1Mode::Fallback,
            self.debug,
            self.bignum,
            self.floats == Floats::Reject,
            self.trace,
            self.wasm == WasmVersion::Mvp,
            self.translation == Translation::Eager,
        ];
        let bits = flags
            .iter()
            .enumerate()
            .fold(0u64, |acc, (i, &on)| acc | (u64::from(on) << i));
        bits | (u64::from(self.max_memory_pages) << 8)
            | (u64::from(self.max_tree_memory_pages) << 25)
    }
}

/// Parses `true` / `false` (exact, lower case).
fn parse_bool(value: &str) -> Result<bool, OptionError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(OptionError::InvalidValue),
    }
}

/// Parses `reject` / `fallback`.
fn parse_evm1mode(value: &str) -> Result<Evm1Mode, OptionError> {
    match value {
        "reject" => Ok(Evm1Mode::Reject),
        "fallback" => Ok(Evm1Mode::Fallback),
        _ => Err(OptionError::InvalidValue),
    }
}

/// Parses `allow` / `reject`.
fn parse_floats(value: &str) -> Result<Floats, OptionError> {
    match value {
        "allow" => Ok(Floats::Allow),
        "reject" => Ok(Floats::Reject),
        _ => Err(OptionError::InvalidValue),
    }
}

/// Parses `2.0` / `mvp`.
fn parse_wasm(value: &str) -> Result<WasmVersion, OptionError> {
    match value {
        "2.0" => Ok(WasmVersion::V2),
        "mvp" => Ok(WasmVersion::Mvp),
        _ => Err(OptionError::InvalidValue),
    }
}

/// Parses `lazy` / `eager`.
fn parse_translation(value: &str) -> Result<Translation, OptionError> {
    match value {
        "lazy" => Ok(Translation::Lazy),
        "eager" => Ok(Translation::Eager),
        _ => Err(OptionError::InvalidValue),
    }
}

/// Parses a decimal page count in `MIN_MEMORY_PAGES..=MAX_MEMORY_PAGES` (digits only: no
/// sign, no spaces, no hex).
fn parse_pages(value: &str) -> Result<u32, OptionError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(OptionError::InvalidValue);
    }
    let pages: u32 = value.parse().map_err(|_| OptionError::InvalidValue)?;
    if (MIN_MEMORY_PAGES..=MAX_MEMORY_PAGES).contains(&pages) {
        Ok(pages)
    } else {
        Err(OptionError::InvalidValue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value each option accepts that differs from its default.
    fn non_default_value(name: &str) -> &'static str {
        match name {
            "metering" | "debug" | "trace" => "true",
            "bignum" => "false",
            "evm1mode" => "fallback",
            "floats" => "reject",
            "max_memory_pages" => "17",
            "max_tree_memory_pages" => "18",
            "wasm" => "mvp",
            "translation" => "eager",
            _ => panic!("no test value for option {name}"),
        }
    }

    #[test]
    fn defaults_match_ewasm_md() {
        let o = Options::default();
        assert!(!o.metering);
        assert_eq!(o.evm1mode, Evm1Mode::Reject);
        assert!(!o.debug);
        assert!(o.bignum);
        assert_eq!(o.floats, Floats::Allow);
        assert_eq!(o.max_memory_pages, 4096);
        assert_eq!(o.max_tree_memory_pages, 16384);
        assert!(!o.trace);
        assert_eq!(o.wasm, WasmVersion::V2);
        assert_eq!(o.translation, Translation::Lazy);
    }

    #[test]
    fn every_name_is_accepted_and_changes_the_options() {
        for name in OPTION_NAMES {
            let mut o = Options::default();
            assert_eq!(o.set(name, non_default_value(name)), Ok(()), "{name}");
            assert_ne!(o, Options::default(), "{name} had no effect");
        }
    }

    #[test]
    fn each_option_sets_its_own_field() {
        let mut o = Options::default();
        o.set("metering", "true").unwrap();
        o.set("evm1mode", "fallback").unwrap();
        o.set("debug", "true").unwrap();
        o.set("bignum", "false").unwrap();
        o.set("floats", "reject").unwrap();
        o.set("max_memory_pages", "65536").unwrap();
        o.set("max_tree_memory_pages", "5").unwrap();
        o.set("trace", "true").unwrap();
        o.set("wasm", "mvp").unwrap();
        o.set("translation", "eager").unwrap();
        let expected = Options {
            metering: true,
            evm1mode: Evm1Mode::Fallback,
            debug: true,
            bignum: false,
            floats: Floats::Reject,
            max_memory_pages: 65536,
            max_tree_memory_pages: 5,
            trace: true,
            wasm: WasmVersion::Mvp,
            translation: Translation::Eager,
        };
        assert_eq!(o, expected);
        o.set("translation", "lazy").unwrap();
        assert_eq!(o.translation, Translation::Lazy);
        o.set("metering", "false").unwrap();
        o.set("evm1mode", "reject").unwrap();
        o.set("floats", "allow").unwrap();
        o.set("wasm", "2.0").unwrap();
        assert_eq!(o.wasm, WasmVersion::V2);
        assert!(!o.metering);
        assert_eq!(o.evm1mode, Evm1Mode::Reject);
        assert_eq!(o.floats, Floats::Allow);
    }

    #[test]
    fn unknown_names_are_invalid_name_and_change_nothing() {
        for name in [
            "",
            "Metering",
            "metering ",
            "gas",
            "evm1_mode",
            "max-memory-pages",
        ] {
            let mut o = Options::default();
            assert_eq!(
                o.set(name, "true"),
                Err(OptionError::InvalidName),
                "{name:?}"
            );
            assert_eq!(o, Options::default());
        }
    }

    #[test]
    fn bad_values_are_invalid_value_and_change_nothing() {
        let cases = [
            ("metering", "1"),
            ("metering", "TRUE"),
            ("metering", ""),
            ("debug", "yes"),
            ("bignum", "true "),
            ("trace", "on"),
            ("evm1mode", "allow"),
            ("evm1mode", "Fallback"),
            ("floats", "true"),
            ("wasm", "2"),
            ("wasm", "1.0"),
            ("wasm", "MVP"),
            ("wasm", "3.0"),
            ("translation", "Lazy"),
            ("translation", "true"),
            ("translation", ""),
            ("max_memory_pages", "0"),
            ("max_memory_pages", "65537"),
            ("max_memory_pages", "-1"),
            ("max_memory_pages", "+5"),
            ("max_memory_pages", " 5"),
            ("max_memory_pages", "0x10"),
            ("max_memory_pages", "99999999999999999999"),
            ("max_memory_pages", ""),
            ("max_tree_memory_pages", "0"),
            ("max_tree_memory_pages", "65537"),
            ("max_tree_memory_pages", "-1"),
            ("max_tree_memory_pages", "1k"),
            ("max_tree_memory_pages", ""),
        ];
        for (name, value) in cases {
            let mut o = Options::default();
            assert_eq!(
                o.set(name, value),
                Err(OptionError::InvalidValue),
                "{name}={value:?}"
            );
            assert_eq!(o, Options::default());
        }
    }

    #[test]
    fn page_bounds_are_inclusive() {
        let mut o = Options::default();
        assert_eq!(o.set("max_memory_pages", "1"), Ok(()));
        assert_eq!(o.max_memory_pages, 1);
        assert_eq!(o.set("max_memory_pages", "65536"), Ok(()));
        assert_eq!(o.max_memory_pages, 65536);
        assert_eq!(o.set("max_memory_pages", "007"), Ok(()));
        assert_eq!(o.max_memory_pages, 7);
        assert_eq!(o.set("max_tree_memory_pages", "1"), Ok(()));
        assert_eq!(o.max_tree_memory_pages, 1);
        assert_eq!(o.set("max_tree_memory_pages", "65536"), Ok(()));
        assert_eq!(o.max_tree_memory_pages, 65536);
    }

    #[test]
    fn fingerprint_distinguishes_every_option() {
        let base = Options::default();
        // Defaults: bignum (bit 3) set, 4096 pages at bit 8, 16384 tree pages at bit 25.
        assert_eq!(base.fingerprint(), 0b1000 | (4096 << 8) | (16384 << 25));
        for name in OPTION_NAMES {
            let mut o = base;
            o.set(name, non_default_value(name)).unwrap();
            assert_ne!(o.fingerprint(), base.fingerprint(), "{name}");
        }
        let mut a = base;
        a.set("max_memory_pages", "2").unwrap();
        let mut b = base;
        b.set("max_memory_pages", "3").unwrap();
        assert_ne!(a.fingerprint(), b.fingerprint());
    }
}
