/// How the rows a Winograd layer reads or writes order their pixels (`WinogradConvolution.run`).
enum ColumnOrder: Sendable {
    /// Pixel x at column x, what every other kernel reads and writes.
    case pixels

    /// F(6x6)'s lane order, for the rows one Winograd layer hands the next (`WinogradBandChain`):
    /// within each 96 pixels of a row (16 tiles), pixel 6t + k lies at 16k + t, where the transforms'
    /// lane t of column vector k holds it, and rows run to whole 96s, the pixels past the image
    /// zero. The output transform then stores its column vectors as they are, and the next input
    /// transform takes a patch's columns from them with two shuffles a row, where pixel order costs
    /// the input transform 16 loads and an 8x8 transpose and the output transform a 96-pixel repack
    /// (18 shuffles) a row. `.build/winograd-transform-bench 960 540 6 16` (a 16 -> 16 layer at
    /// 960x540, AMD EPYC Zen 4, AVX-512; three runs): with one chunk's data in cache, as in a band
    /// chain, the input transform took 1.59-1.66 ms a layer in lane order against 2.58-2.76 in pixel
    /// order, the output transform 1.22-1.26 against 1.96-1.97; streaming whole layers through
    /// memory, both wait on it alike (3.78-3.87 against 3.95-4.19, and 3.90-4.19 against 3.79-3.98).
    case lanes

    /// Pixels a lane-order group covers: 16 F(6x6) tiles.
    static let groupPixels = 96

    /// Floats a row of `width` pixels takes in this order.
    func rowFloats(width: Int) -> Int {
        switch self {
        case .pixels: return width
        case .lanes: return (width + ColumnOrder.groupPixels - 1) / ColumnOrder.groupPixels * ColumnOrder.groupPixels
        }
    }
}
