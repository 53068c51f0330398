//! The `portplan` binary: argument parsing and exit codes; the work lives in the library.

mod cli;

fn main() -> std::process::ExitCode {
    tune_allocator();
    cli::run()
}

/// glibc grows its heap 128 KiB at a time, each step a system call (`brk`, or `mprotect` in a
/// thread's arena); parsing a large values file and compiling its schema allocate tens of
/// megabytes in many small steps. Asking for 16 MiB of headroom per step costs nothing until
/// the pages are touched and took a quarter off `validate` on the community chart's values
/// (bench/run; docs/performance.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: mallopt only changes allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, 16 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
