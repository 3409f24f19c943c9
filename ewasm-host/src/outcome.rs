//! Outcomes of an execution and the ONE mapping from an outcome to an EVMC status code,
//! gas policy and output policy (EWASM.md section 2).

use crate::host::StatusCode;

/// Why a host function ended or aborted execution (the `Err` side of every EEI call).
///
/// Finish/revert data is kept in [`crate::Eei`] (see [`crate::Eei::output`]), not here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum HostExit {
    /// `finish`: successful end with the finish data.
    Finish,
    /// `revert`: revert with the revert data.
    Revert,
    /// `selfDestruct`: successful end, empty output.
    SelfDestruct,
    /// A gas charge larger than the gas left.
    OutOfGas,
    /// A memory range outside memory or outside a host buffer.
    InvalidMemoryAccess,
    /// A state change attempted in static mode.
    StaticModeViolation,
    /// `log` with more than 4 topics (Hera's rule).
    ContractValidationFailure,
    /// Negative gas argument, or a value >= 2^128 where a u128 is read or written.
    ArgumentOutOfRange,
    /// A rule that ends the frame with FAILURE and no gas: `create`/`create2` init code
    /// over the EIP-3860 limit from Shanghai (EWASM.md section 3.4).
    Failure,
}

impl HostExit {
    /// Every variant.
    pub const ALL: [HostExit; 9] = [
        HostExit::Finish,
        HostExit::Revert,
        HostExit::SelfDestruct,
        HostExit::OutOfGas,
        HostExit::InvalidMemoryAccess,
        HostExit::StaticModeViolation,
        HostExit::ContractValidationFailure,
        HostExit::ArgumentOutOfRange,
        HostExit::Failure,
    ];
}

/// How one execution ended, as seen by the code that turns it into an EVMC result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `main` returned normally.
    Returned,
    /// A host function ended or aborted execution.
    Exit(HostExit),
    /// Any Wasm trap (unreachable, division by zero, out-of-bounds access, stack
    /// exhaustion, ...), including a bignum operand out of bounds.
    Trap,
    /// The code gate rejected the code (version, validation, ECI, or a CREATE output
    /// that is wasm but fails the gate).
    Validation,
    /// The message is unusable before any code runs: negative gas, unknown flags, or
    /// non-wasm code under `evm1mode=reject` (EWASM.md section 1 steps 1 and 3).
    BadMessage,
    /// The VM declines to run this code or revision (pre-Byzantium revision, or non-wasm
    /// code under `evm1mode=fallback`).
    Rejected,
    /// A bug in the engine (a caught panic).
    Internal,
}

/// The EVMC result shape of an [`Ending`]: status, whether the remaining gas is kept
/// (otherwise gas_left is 0), and whether the EEI output buffer is returned (otherwise the
/// output is empty).
pub fn to_status(ending: Ending) -> (StatusCode, bool, bool) {
    match ending {
        Ending::Returned => (StatusCode::Success, true, true),
        Ending::Exit(HostExit::Finish) => (StatusCode::Success, true, true),
        Ending::Exit(HostExit::SelfDestruct) => (StatusCode::Success, true, false),
        Ending::Exit(HostExit::Revert) => (StatusCode::Revert, true, true),
        Ending::Exit(HostExit::OutOfGas) => (StatusCode::OutOfGas, false, false),
        Ending::Exit(HostExit::InvalidMemoryAccess) => {
            (StatusCode::InvalidMemoryAccess, false, false)
        }
        Ending::Exit(HostExit::StaticModeViolation) => {
            (StatusCode::StaticModeViolation, false, false)
        }
        Ending::Exit(HostExit::ContractValidationFailure) => {
            (StatusCode::ContractValidationFailure, false, false)
        }
        Ending::Exit(HostExit::ArgumentOutOfRange) => {
            (StatusCode::ArgumentOutOfRange, false, false)
        }
        Ending::Exit(HostExit::Failure) | Ending::Trap => (StatusCode::Failure, false, false),
        Ending::Validation => (StatusCode::ContractValidationFailure, false, false),
        Ending::BadMessage => (StatusCode::Failure, false, false),
        Ending::Rejected => (StatusCode::Rejected, false, false),
        Ending::Internal => (StatusCode::InternalError, false, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use StatusCode as S;

    /// Every ending with the row of EWASM.md section 2 it must produce (written from the
    /// document, numbers included).
    #[test]
    fn every_ending_maps_as_section_2_says() {
        let expected: [(Ending, i32, bool, bool); 15] = [
            (Ending::Returned, 0, true, true),
            (Ending::Exit(HostExit::Finish), 0, true, true),
            (Ending::Exit(HostExit::SelfDestruct), 0, true, false),
            (Ending::Exit(HostExit::Revert), 2, true, true),
            (Ending::Trap, 1, false, false),
            (Ending::Exit(HostExit::OutOfGas), 3, false, false),
            (Ending::Exit(HostExit::InvalidMemoryAccess), 9, false, false),
            (
                Ending::Exit(HostExit::StaticModeViolation),
                11,
                false,
                false,
            ),
            (Ending::Validation, 13, false, false),
            (
                Ending::Exit(HostExit::ContractValidationFailure),
                13,
                false,
                false,
            ),
            (Ending::Exit(HostExit::ArgumentOutOfRange), 14, false, false),
            (Ending::Exit(HostExit::Failure), 1, false, false),
            (Ending::Internal, -1, false, false),
            (Ending::BadMessage, 1, false, false),
            (Ending::Rejected, -2, false, false),
        ];
        for (ending, status, keep_gas, keep_output) in expected {
            let (s, g, o) = to_status(ending);
            assert_eq!(
                (s as i32, g, o),
                (status, keep_gas, keep_output),
                "{ending:?}"
            );
        }
        // Every HostExit variant is covered above.
        for exit in HostExit::ALL {
            assert!(
                expected.iter().any(|e| e.0 == Ending::Exit(exit)),
                "{exit:?}"
            );
        }
        assert_eq!(to_status(Ending::Trap).0, S::Failure);
    }
}
