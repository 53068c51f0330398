//! The `portplan` binary: argument parsing and exit codes; the work lives in the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
