//! `ssvm-statetest ...`: runs GeneralStateTests on an EVMC library (see `ssvm_tests::cli`).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Nested calls re-enter the VM once per call depth: run on a large stack.
    let status = ssvm_tests::cli::on_large_stack(move || {
        ssvm_tests::cli::statetest_main(&args, &mut std::io::stdout())
    });
    std::process::exit(status);
}
