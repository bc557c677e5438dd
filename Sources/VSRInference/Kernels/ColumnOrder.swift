/// How the rows a Winograd layer reads or writes order their pixels (`WinogradConvolution.run`).
enum ColumnOrder: Sendable {
    /// Pixel x at column x, what every other kernel reads and writes.
    case pixels

    /// The transforms' own order, for the rows one Winograd layer hands the next
    /// (`WinogradBandChain`): the transforms hold 16 tiles in a vector's lanes, one vector per tile
    /// column, and in lane order each group of 16 tiles' pixels in a row (96 for F(6x6), 64 for
    /// F(4x4)) lies as those vectors do: F(6x6)'s pixel 6t + k at 16k + t, F(4x4)'s pixel 4t + k at
    /// 16k + 4L + i for t = 4i + L (its transforms' lane order). Rows run to whole groups, the pixels
    /// past the image zero. The output transform then stores its column vectors as they are, and the
    /// next input transform takes a patch's columns from them with two shuffles a row, where pixel
    /// order costs F(6x6)'s input transform 16 loads and an 8x8 transpose and its output transform a
    /// 96-pixel repack (18 shuffles) a row, and F(4x4)'s eight loads and two 4x4 transposes, and one.
    /// `.build/winograd-transform-bench 960 540 6 16` (a 16 -> 16 layer at 960x540, AMD EPYC Zen 4,
    /// AVX-512; three runs): with one chunk's data in cache, as in a band chain, F(6x6)'s input
    /// transform took 1.59-1.66 ms a layer in lane order against 2.58-2.76 in pixel order, its output
    /// transform 1.22-1.26 against 1.96-1.97; streaming whole layers through memory, both wait on it
    /// alike (3.78-3.87 against 3.95-4.19, and 3.90-4.19 against 3.79-3.98). F(4x4) with the AVX2
    /// kernels on the same CPU (`VSR_CPU=avx2 ... 960 540 4 16`, three runs, in cache): input 1.95-1.96
    /// against 3.27-3.29 ms, output 1.49-1.51 against 1.59-1.61 (streaming, memory-bound, four runs in
    /// a noisy hour: input 4.2-4.5 against 4.3-6.9, output 4.6-4.8 against 3.7-3.9).
    case lanes

    /// Pixels a lane-order group of 16 `tile` tiles covers.
    static func groupPixels(_ tile: WinogradTile) -> Int { 16 * tile.size }

    /// Floats a row of `width` pixels takes in this order, for `tile`'s transforms.
    func rowFloats(width: Int, tile: WinogradTile) -> Int {
        switch self {
        case .pixels: return width
        case .lanes:
            let group = ColumnOrder.groupPixels(tile)
            return (width + group - 1) / group * group
        }
    }
}
