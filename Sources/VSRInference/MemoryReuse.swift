#if canImport(CMalloc)
import CMalloc
#endif

/// Keeps the large buffers a forward pass frees for the next one to reuse.
///
/// Every layer allocates its output (12 MB for 52 channels of a 320x180 frame) and frees its input.
/// glibc serves blocks that large with fresh `mmap`s, or trims them off the heap when freed, so each
/// layer's output starts as untouched pages: a page fault and a kernel page clear per 4 KiB, about
/// 5% of an RLFN forward on one thread here, and faults take a process-wide lock on two. Raising
/// glibc's mmap threshold to its maximum (32 MiB) and its trim threshold keeps those blocks in the
/// heap for the next layer, at the cost of the process holding on to its high-water mark. Blocks
/// over 32 MiB (52 channels of a 960x540 frame are 108 MB) would still be mmapped whatever the
/// threshold, so mmap is turned off for malloc altogether (`M_MMAP_MAX` 0): page faults were 20% of
/// a one-thread RLFN forward at 960x540 before.
///
/// Threads other than the first allocate from glibc's per-thread arenas, which grow in heaps of up
/// to 64 MiB, and there the trim threshold does not cover everything: a heap that becomes wholly
/// free is unmapped unless the top pad asks for more than it could hold (glibc's `heap_trim`
/// compares with `M_TOP_PAD`, not `M_TRIM_THRESHOLD`). `vsr upscale`'s workers build each tile's
/// layers there, so every frame's tensors landed on fresh pages again: at 960x540 -> 1920x1080 with
/// repsr-y-x2, 4,000 to 7,800 page faults a frame and a seventh of the CPU time in the kernel (AMD EPYC
/// Zen 4). A top pad of a whole heap keeps the arenas' heaps mapped. It costs address space only:
/// pages of the pad that nothing touches take no memory.
///
/// Blocks over a per-thread heap (64 MiB: a 32-channel layer's tensor of a 1024 tile) are still
/// mmapped on threads other than the first: glibc 2.36's fallback when a heap cannot hold a block
/// maps it whatever `M_MMAP_MAX` says, and unmaps it when freed. repsr-y-x2-quality at 1920x1080
/// in `vsr upscale` took 2.1 million page faults for 8 frames (4.5 s of system time to 7.4 s of
/// user time); `M_ARENA_MAX` 1 removes them but made the default model 23% slower. So tiles are
/// cut small enough that their tensors fit in a heap (`largestReusedBlock`,
/// `SRModel.memoryBoundedTilePlan`).
///
/// A process-wide setting: executables call this once, at start (vsr, vsr-kernel-bench).
public enum MemoryReuse {
    public static func keepFreedBuffers() {
        #if canImport(CMalloc)
        _ = mallopt(M_MMAP_THRESHOLD, 32 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
        _ = mallopt(M_MMAP_MAX, 0)
        _ = mallopt(M_TOP_PAD, perThreadHeapSize)
        #endif
    }

    /// glibc's largest per-thread heap on 64-bit (`HEAP_MAX_SIZE`: twice the largest mmap threshold).
    static let perThreadHeapSize: Int32 = 64 << 20

    /// The largest block, in bytes, that a worker thread's arena serves from a heap it keeps: a heap
    /// less its header and the block's (rounded well up). Tiles keep their tensors under it.
    public static let largestReusedBlock = Int(perThreadHeapSize) - (64 << 10)

    /// Fills every block malloc hands out, and every block freed, with a fixed byte (glibc's
    /// M_PERTURB), so that code reading memory it never wrote reads the same bytes in every run.
    /// libx264's AVX-512 code does: on an AMD EPYC Zen 4 (Debian's libx264 164) the same segment
    /// came out of a job as different bytes from run to run (heap garbage left by the previous
    /// segment's encoder), identical with x264's AVX-512 code masked off or with this set, which
    /// broke a resumed job's promise of the uninterrupted run's bytes. It costs a fill per
    /// allocation and per free; jobs set it (`JobTask`), plain runs do not.
    public static func fillAllocatedBlocks() {
        #if canImport(CMalloc)
        _ = mallopt(M_PERTURB, 0x5a)
        #endif
    }
}
