//! Writes the wasm-smith module a `diff_wasmi` / `smith_gas` input generates (for triage):
//! `cargo run --example smith_dump -- <input> <out.wasm> [diff|gas]`.

use arbitrary::Unstructured;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: smith_dump <input> <out.wasm> [diff|gas]");
        std::process::exit(2);
    };
    let data = std::fs::read(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    let mut u = Unstructured::new(&data);
    let wasm = if args.get(3).map(String::as_str) == Some("gas") {
        let _ = u.int_in_range(0..=2_000_000i64);
        ssvm_fuzz::smith::engine_module(&mut u, 16, false).map(|m| m.to_bytes())
    } else {
        ssvm_fuzz::smith::engine_module(&mut u, 16, true).and_then(|mut m| {
            m.ensure_termination(1_000)
                .map_err(|_| arbitrary::Error::IncorrectFormat)?;
            Ok(m.to_bytes())
        })
    };
    let wasm = wasm.unwrap_or_else(|e| panic!("no module: {e}"));
    std::fs::write(out, wasm).unwrap_or_else(|e| panic!("{out}: {e}"));
}
