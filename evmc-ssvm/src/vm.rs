//! One execution from the EVMC face's point of view: the code gate of EWASM.md section 1 and
//! the outcome type the face turns into an `evmc_result`.
//!
//! provisional: steps 1–4 of the code gate and the option rules are implemented here; the
//! lead replaces [`execute`]'s tail with validation, ECI checks, compilation (through
//! `crate::cache`), the engine and the EEI.

use ewasm_host::{Address, HostContext, Message, Revision, StatusCode};

use crate::options::{Evm1Mode, Options};

/// The Wasm binary preamble `\0asm`.
pub const WASM_MAGIC: [u8; 4] = [0x00, 0x61, 0x73, 0x6d];
/// The only accepted Wasm version field, `01 00 00 00` (version 1, little-endian).
pub const WASM_VERSION_1_LE: [u8; 4] = [0x01, 0x00, 0x00, 0x00];

/// What one execution produced (EWASM.md section 2). The EVMC face enforces that a status
/// other than SUCCESS or REVERT carries gas_left 0 and no output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Final status.
    pub status: StatusCode,
    /// Gas left (meaningful for SUCCESS and REVERT only).
    pub gas_left: i64,
    /// Return or revert data.
    pub output: Vec<u8>,
    /// Address of a created account (only for results of nested creates; zero here).
    pub create_address: Address,
}

impl Outcome {
    /// An outcome with `status`, no gas left and no output.
    pub fn status(status: StatusCode) -> Outcome {
        Outcome {
            status,
            gas_left: 0,
            output: Vec::new(),
            create_address: [0; 20],
        }
    }
}

/// The kind of code a message carries (EWASM.md section 1 step 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    /// At least 8 bytes starting with the Wasm preamble.
    Ewasm,
    /// Anything else, including empty code.
    Evm1,
}

/// Classifies `code` as Ewasm or EVM1.
pub fn code_kind(code: &[u8]) -> CodeKind {
    if code.len() >= 8 && code.starts_with(&WASM_MAGIC) {
        CodeKind::Ewasm
    } else {
        CodeKind::Evm1
    }
}

/// Steps 1–4 of the code gate. `Err` carries the status that ends the execution.
pub fn gate(opts: &Options, rev: Revision, msg: &Message, code: &[u8]) -> Result<(), StatusCode> {
    if msg.gas < 0 {
        return Err(StatusCode::Failure);
    }
    if rev < Revision::Byzantium {
        return Err(StatusCode::Rejected);
    }
    if code_kind(code) == CodeKind::Evm1 {
        return Err(match opts.evm1mode {
            Evm1Mode::Reject => StatusCode::Failure,
            Evm1Mode::Fallback => StatusCode::Rejected,
        });
    }
    if code.get(4..8) != Some(&WASM_VERSION_1_LE[..]) {
        return Err(StatusCode::ContractValidationFailure);
    }
    Ok(())
}

/// Executes `code` for `msg` at revision `rev` with host `host`.
///
/// Flags other than STATIC are rejected by the EVMC face before this is called (a
/// [`Message`] has only `is_static`).
pub fn execute(
    opts: &Options,
    rev: Revision,
    msg: &Message,
    code: &[u8],
    host: &mut dyn HostContext,
) -> Outcome {
    if let Err(status) = gate(opts, rev, msg, code) {
        return Outcome::status(status);
    }
    // provisional: validation, ECI, compilation and execution are not connected yet; the
    // lead replaces this with the engine + EEI. Until then every Ewasm contract fails.
    let _ = host;
    Outcome::status(StatusCode::Failure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ewasm_host::CallKind;

    fn msg(gas: i64) -> Message {
        Message {
            kind: CallKind::Call,
            is_static: false,
            depth: 0,
            gas,
            recipient: [1; 20],
            sender: [2; 20],
            input: Vec::new(),
            value_be: [0; 32],
            create2_salt: [0; 32],
        }
    }

    /// The smallest valid module: preamble and version 1.
    const EMPTY_MODULE: [u8; 8] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

    #[test]
    fn detection_needs_eight_bytes_and_the_preamble() {
        assert_eq!(code_kind(&EMPTY_MODULE), CodeKind::Ewasm);
        assert_eq!(code_kind(&EMPTY_MODULE[..7]), CodeKind::Evm1);
        assert_eq!(code_kind(&[]), CodeKind::Evm1);
        assert_eq!(
            code_kind(&[0x60, 0x00, 0x60, 0x00, 0xf3, 0, 0, 0]),
            CodeKind::Evm1
        );
        // Preamble with a bad version is still Ewasm (the version check comes next).
        assert_eq!(code_kind(b"\0asm\x02\0\0\0"), CodeKind::Ewasm);
    }

    #[test]
    fn gate_order_and_statuses() {
        let o = Options::default();
        let fallback = Options {
            evm1mode: Evm1Mode::Fallback,
            ..Options::default()
        };
        let byz = Revision::Byzantium;
        assert_eq!(
            gate(&o, byz, &msg(-1), &EMPTY_MODULE),
            Err(StatusCode::Failure)
        );
        // Negative gas comes before the revision check.
        let homestead = Revision::Homestead;
        assert_eq!(
            gate(&o, homestead, &msg(-1), &EMPTY_MODULE),
            Err(StatusCode::Failure)
        );
        for rev in [Revision::Frontier, homestead, Revision::SpuriousDragon] {
            assert_eq!(
                gate(&o, rev, &msg(0), &EMPTY_MODULE),
                Err(StatusCode::Rejected)
            );
        }
        assert_eq!(gate(&o, byz, &msg(0), &[]), Err(StatusCode::Failure));
        assert_eq!(
            gate(&o, byz, &msg(0), &[0xfe, 0x00]),
            Err(StatusCode::Failure)
        );
        assert_eq!(
            gate(&fallback, byz, &msg(0), &[0xfe]),
            Err(StatusCode::Rejected)
        );
        assert_eq!(
            gate(&fallback, byz, &msg(0), &[]),
            Err(StatusCode::Rejected)
        );
        let v2 = b"\0asm\x02\0\0\0";
        assert_eq!(
            gate(&o, byz, &msg(0), v2),
            Err(StatusCode::ContractValidationFailure)
        );
        assert_eq!(gate(&o, byz, &msg(0), &EMPTY_MODULE), Ok(()));
        assert_eq!(gate(&o, Revision::Shanghai, &msg(5), &EMPTY_MODULE), Ok(()));
    }
}
