//! The allocator of jsvm's binaries, and the one process setting it needs.
//!
//! The shipped `jsvm` and `jsvm-bench` (which measures what ships) both declare
//! `#[global_allocator] static ALLOCATOR: jsvm_alloc::Allocator = jsvm_alloc::Allocator;` and call
//! [`configure_process`] first thing in `main`. Libraries never set an allocator: an embedder
//! chooses its own.
//!
//! Why mimalloc: a token transfer on the full path takes 4% fewer instructions than on glibc's
//! malloc (README, Performance); QuickJS allocates through it too (rquickjs's rust-alloc), V8 and
//! RocksDB keep their own. Allocation never reaches a receipt: a run's memory bound counts
//! QuickJS's own size headers, not the allocator's.

/// The global allocator of jsvm's binaries.
pub use mimalloc::MiMalloc as Allocator;

/// Turns transparent huge pages off for this process (Linux; elsewhere nothing).
///
/// mimalloc asks the kernel for huge pages on its arena (`MADV_HUGEPAGE`), and a kernel that
/// grants them on request (`madvise`, Debian's default) backs each first touch of 2 MiB of it
/// with a fresh huge page. In a virtual machine that hands free memory back to its host (virtio
/// balloon page reporting, as on jsvm's build machine: `page_reporting_order=11` on a Firecracker
/// kernel) such a page is rarely still backed, and the host faults it in again page by page: 82
/// huge-page faults (`thp_fault_alloc` in /proc/vmstat) cost 1.5 s of system time in one
/// `jsvm-bench parallel-blocks --blocks 3 --workers 2` run, a quarter of its CPU time
/// (`perf record`: `clear_page_erms` under `do_huge_pmd_anonymous_page`, from mimalloc's fresh
/// pages). Without huge pages the same run had 2 such faults and 0.35 s of system time, and a
/// token transfer on the full path took about a third less wall time (README, Performance).
/// Where huge pages are cheap the loss is a few TLB misses on a heap of a few hundred MiB.
///
/// The setting is the process's (`PR_SET_THP_DISABLE`): the kernel checks it at every fault, so it
/// also covers the arena mimalloc reserved before `main`. It is inherited by child processes.
pub fn configure_process() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours. A kernel
    // without it (before 3.15) answers EINVAL, which changes nothing: huge pages stay as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether transparent huge pages are off for this process (`None` when the kernel cannot say).
    #[cfg(target_os = "linux")]
    fn huge_pages_disabled() -> Option<bool> {
        // SAFETY: PR_GET_THP_DISABLE takes plain integers; it answers 1, 0, or -1 on error.
        let answer = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        (answer >= 0).then_some(answer == 1)
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn configuring_the_process_turns_its_huge_pages_off() {
        configure_process();
        assert_eq!(huge_pages_disabled(), Some(true));
    }
}
