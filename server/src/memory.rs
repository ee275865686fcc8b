//! How the process gives memory back. glibc keeps freed memory in one arena per thread and raises
//! its threshold for returning large blocks after each one it frees: a photo decoded on each of
//! tokio's blocking threads in turn left a copy of its buffers in every arena, far above the
//! decoding budget (DS-01). Large blocks are mapped and unmapped on their own instead, and the
//! number of arenas is bounded. With this, `scripts/bench-memory.sh` (40 photos of 12 MP) peaks under
//! 200 MB (193 MB measured) and is back near its idle size within seconds. mimalloc 0.1.52 as the global allocator was
//! measured and dropped: 60 s after three photos it still held 123 MB, and the server died without
//! a message while processing six.

/// Blocks of 1 MiB and more come from their own mapping and go back to the system when freed.
const MMAP_THRESHOLD: i32 = 1024 * 1024;
/// Threads share a few arenas instead of one each.
const ARENAS: i32 = 4;

pub fn return_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets allocator parameters; called before any other thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
    }
}
