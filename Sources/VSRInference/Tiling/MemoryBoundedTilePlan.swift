extension SRModel {
    /// `tilePlan`, with the tile size lowered where some tile would hold a buffer larger than `limit`
    /// bytes (`largestTensorBytes`; by default what a worker thread's heap can hold,
    /// `MemoryReuse.largestReusedBlock`): the largest tile size from `tileSize` down to half of it
    /// whose tiles all fit. A frame that fits in one tile is cut too if its tensors do not fit.
    ///
    /// Larger blocks are mapped and unmapped by glibc at every allocation on threads other than the
    /// first (`MemoryReuse`), so every layer's output lands on fresh pages: `vsr upscale` of 8
    /// frames of 1920x1080 with repsr-y-x2-quality (M6C32), whose 1024 tiles (four, 1056x548 padded)
    /// hold 74 MB tensors, took 2.1 million page faults and more system time than half its user
    /// time; in six tiles, 0.11 million and 1.5x faster. The search stops at half the asked size,
    /// so that no tile recomputes much more halo than asked for: a model whose tensors would need
    /// smaller tiles (thousands of channels) keeps the asked plan, faults and all.
    public func memoryBoundedTilePlan(
        width: Int, height: Int, tileSize: Int, halo: Int, kernels: KernelSet, limit: Int = MemoryReuse.largestReusedBlock
    ) -> TilePlan {
        func largestBuffer(_ plan: TilePlan) -> Int {
            plan.tiles.lazy.map { largestTensorBytes(height: $0.padded.height, width: $0.padded.width, kernels: kernels) }.max() ?? 0
        }
        let asked = tilePlan(width: width, height: height, tileSize: tileSize, halo: halo, kernels: kernels)
        guard largestBuffer(asked) > limit else { return asked }
        // Runs every frame: most sizes cut the frame as the size above them did (1023 down to 960
        // all make 2 x 2 tiles of a 1920x1080 frame), and those are not weighed again.
        var previous = asked
        for size in stride(from: tileSize - 1, through: max(1, tileSize / 2), by: -1) {
            let plan = tilePlan(width: width, height: height, tileSize: size, halo: halo, kernels: kernels)
            if plan.tiles == previous.tiles { continue }
            if largestBuffer(plan) <= limit { return plan }
            previous = plan
        }
        return asked
    }
}
