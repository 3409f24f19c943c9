//! The engine's hot-path error: a small `Copy` trap code with the spec's trap messages.

use std::fmt;

/// Why execution stopped abnormally. `Display` gives the Wasm spec's trap message.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trap {
    /// `unreachable` was executed.
    Unreachable,
    /// A load, store or host memory access was outside linear memory.
    MemoryOutOfBounds,
    /// `call_indirect` index outside the table.
    TableOutOfBounds,
    /// A table instruction (`table.get/set/fill/copy/init`) outside its table or segment.
    TableAccessOutOfBounds,
    /// `call_indirect` hit an empty table slot.
    UninitializedElement,
    /// `call_indirect` callee has a different signature.
    IndirectCallTypeMismatch,
    /// Integer division or remainder by zero.
    IntegerDivideByZero,
    /// Signed division overflow or float-to-int out of range.
    IntegerOverflow,
    /// Float-to-int conversion of NaN.
    InvalidConversionToInteger,
    /// Call depth exceeded `Config::max_call_depth`.
    CallStackExhausted,
    /// Value stack exceeded `Config::max_value_stack`.
    ValueStackExhausted,
    /// A gas charge exceeded the gas left.
    OutOfGas,
    /// The configured step limit was exceeded.
    StepLimitExceeded,
    /// A function translated on its first call could not be translated. Validation
    /// rules out every such failure (README, "Lazy translation"); this ends the run
    /// cleanly should one happen anyway.
    TranslationFailed,
    /// A host function stopped execution with this host-defined code.
    Host(u8),
}

impl Trap {
    /// The spec's message for this trap (host exits get a generic message).
    pub fn message(self) -> &'static str {
        match self {
            Trap::Unreachable => "unreachable",
            Trap::MemoryOutOfBounds => "out of bounds memory access",
            Trap::TableOutOfBounds => "undefined element",
            Trap::TableAccessOutOfBounds => "out of bounds table access",
            Trap::UninitializedElement => "uninitialized element",
            Trap::IndirectCallTypeMismatch => "indirect call type mismatch",
            Trap::IntegerDivideByZero => "integer divide by zero",
            Trap::IntegerOverflow => "integer overflow",
            Trap::InvalidConversionToInteger => "invalid conversion to integer",
            Trap::CallStackExhausted => "call stack exhausted",
            Trap::ValueStackExhausted => "value stack exhausted",
            Trap::OutOfGas => "out of gas",
            Trap::StepLimitExceeded => "step limit exceeded",
            Trap::TranslationFailed => "function translation failed",
            Trap::Host(_) => "host exit",
        }
    }

    /// True for the two resource-exhaustion traps (spec `assert_exhaustion`).
    pub fn is_exhaustion(self) -> bool {
        matches!(self, Trap::CallStackExhausted | Trap::ValueStackExhausted)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trap::Host(code) => write!(f, "host exit {code}"),
            other => f.write_str(other.message()),
        }
    }
}

impl std::error::Error for Trap {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_spec_wording() {
        assert_eq!(
            Trap::IntegerDivideByZero.to_string(),
            "integer divide by zero"
        );
        assert_eq!(
            Trap::MemoryOutOfBounds.to_string(),
            "out of bounds memory access"
        );
        assert_eq!(Trap::Host(7).to_string(), "host exit 7");
        assert_eq!(std::mem::size_of::<Trap>(), 2);
    }
}
