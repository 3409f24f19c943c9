//! The `debug` namespace (option `debug`): print values, memory and storage to stderr,
//! prefixed with the call depth. No gas; bad ranges are `InvalidMemoryAccess`.

use crate::eei::{Eei, HostResult, Invocation};
use crate::memory::slice;

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Printable text of `bytes`: ASCII graphic characters and spaces as is, others as `\xNN`.
pub(crate) fn text(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                char::from(b).to_string()
            } else {
                format!("\\x{b:02x}")
            }
        })
        .collect()
}

/// One debug line: `[depth N] what: body`.
pub(crate) fn line(depth: i32, what: &str, body: &str) -> String {
    format!("[depth {depth}] {what}: {body}")
}

fn emit(eei: &Eei<'_>, what: &str, body: &str) -> HostResult {
    if eei.opts.debug {
        eprintln!("{}", line(eei.msg.depth, what, body));
    }
    Ok(None)
}

/// `print32(i32 value)`.
pub(crate) fn print32(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    let v = inv.u32_arg(0);
    emit(eei, "print32", &format!("{v} ({v:#010x})"))
}

/// `print64(i64 value)`.
pub(crate) fn print64(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    let v = inv.i64_arg(0) as u64;
    emit(eei, "print64", &format!("{v} ({v:#018x})"))
}

/// `printMem(i32 off, i32 len)`: the bytes as text.
pub(crate) fn print_mem(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    let bytes = slice(inv.mem(), inv.u32_arg(0), inv.u32_arg(1))?;
    emit(eei, "printMem", &text(bytes))
}

/// `printMemHex(i32 off, i32 len)`: the bytes as hex.
pub(crate) fn print_mem_hex(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    let bytes = slice(inv.mem(), inv.u32_arg(0), inv.u32_arg(1))?;
    emit(eei, "printMemHex", &hex(bytes))
}

fn storage_value(
    eei: &mut Eei<'_>,
    inv: &Invocation<'_>,
) -> Result<([u8; 32], [u8; 32]), crate::HostExit> {
    let key = inv.read_at::<32>(0)?;
    let own = eei.self_address();
    let value = if eei.opts.debug {
        eei.host.get_storage(&own, &key)
    } else {
        [0; 32]
    };
    Ok((key, value))
}

/// `printStorage(i32 key)`: the own storage value at `key` as text.
pub(crate) fn print_storage(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    let (key, value) = storage_value(eei, inv)?;
    emit(
        eei,
        "printStorage",
        &format!("{} = {}", hex(&key), text(&value)),
    )
}

/// `printStorageHex(i32 key)`: the own storage value at `key` as hex.
pub(crate) fn print_storage_hex(eei: &mut Eei<'_>, inv: &mut Invocation<'_>) -> HostResult {
    let (key, value) = storage_value(eei, inv)?;
    emit(
        eei,
        "printStorageHex",
        &format!("{} = {}", hex(&key), hex(&value)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_bytes_as_hex_and_text() {
        assert_eq!(hex(&[0x00, 0xab, 0x10]), "00ab10");
        assert_eq!(text(b"Hi \x00!"), "Hi \\x00!");
        assert_eq!(line(3, "print32", "7"), "[depth 3] print32: 7");
    }
}
