//! `ssvm run ...`: executes a contract on the SSVM EVMC library (see `ssvm_tests::cli`).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let status = ssvm_tests::cli::ssvm_main(&args, &mut std::io::stdout());
    std::process::exit(status);
}
