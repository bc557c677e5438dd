/// Consecutive 3x3 layers that all run by Winograd with F(4x4) or F(6x6) (RLFN's block: c1_r, c2_r,
/// c3_r, the block's input added to the last), run layer by layer over the whole frame with the
/// tensors between them in lane order (`ColumnOrder.lanes`), as `WinogradBandChain` hands on its
/// bands: each output transform but the last stores its tiles' column vectors as they are, and
/// each input transform but the first reads them with two shuffles a row, where pixel order costs
/// F(4x4)'s input transform eight loads and two 4x4 transposes a row. The arithmetic is that of
/// the layers one by one: the output is the same to the bit.
///
/// `.build/winograd-transform-bench 320 180` (a 48 -> 48 F(4x4) layer, AVX2-only AMD EPYC Zen 3,
/// family 25 model 1, 2026-12-06): input transform 1.90 ms a layer in lane order against 2.80 in
/// pixel order streaming through memory, 1.68 against 2.92 with a chunk's data in cache; output
/// transform 1.94 against 1.88 and 1.25 against 1.30. Whole forward passes (`vsr-kernel-bench
/// model`, the two alternating run by run in one process, medians of 11 (3 at 960x540), same
/// CPU), chain against layers one by one, time on 1 / 2 threads: RLFN-S x2 at 320x180 0.944 /
/// 0.980 and 0.981 / 0.995, at 960x540 0.937 / 0.992; RLFN x2 at 320x180 0.965 / 0.985. On two
/// threads the layers wait on memory more than on the transforms' shuffles.
enum WinogradLaneChain {
    /// Whether `layers` run so on a fast kernel table (`winograd`: whether it runs Winograd where it
    /// applies): two or more, each by Winograd (`ConvolutionChoice`) with `activation`, all with one
    /// tile other than F(2x2), each reading the previous one's channels.
    static func applies(_ layers: [Conv2d], activation: Activation, cpu: CPUKernels, winograd: Bool) -> Bool {
        guard layers.count >= 2, let tile = layers[0].winogradWeights?.tile, tile != .f2 else { return false }
        return layers.allSatisfy {
            KernelSet.runsByWinograd($0, activation: activation, winograd: winograd) && $0.winogradWeights?.tile == tile
        } && zip(layers, layers.dropFirst()).allSatisfy { $0.outChannels == $1.inChannels }
    }

    /// The layers over `input`, each with `activation`, `residual` added to the last one's output;
    /// `applies` must hold.
    static func run(
        _ layers: [Conv2d], activation: Activation, _ input: Tensor, residual: Tensor?, threads: Int, cpu: CPUKernels
    ) -> Tensor {
        let height = input.height, width = input.width
        let tile = layers[0].winogradWeights!.tile
        let rowFloats = ColumnOrder.lanes.rowFloats(width: width, tile: tile)
        // A cache line past each plane, so that the channels' rows do not all fall on the same 4 KiB
        // offsets (as `RowWindow`'s planes).
        let plane = height * rowFloats + 16
        let channels = layers.dropLast().map(\.outChannels).max()!
        let buffers = (0..<min(2, layers.count - 1)).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: channels * plane) }
        defer { buffers.forEach { $0.deallocate() } }
        var output = Tensor.uninitialized(channels: layers.last!.outChannels, height: height, width: width)
        input.data.withUnsafeBufferPointer { inputBuffer in
            output.data.withUnsafeMutableBufferPointer { outputBuffer in
                (residual?.data).withUnsafeOptionalBuffer { residualBuffer in
                    for (index, layer) in layers.enumerated() {
                        let first = index == 0, last = index == layers.count - 1
                        let from =
                            first
                            ? RowWindow.View(base: inputBuffer.baseAddress!, plane: height * width)
                            : RowWindow.View(base: UnsafePointer(buffers[(index - 1) % 2]), plane: plane)
                        let to =
                            last
                            ? RowWindow.MutableView(base: outputBuffer.baseAddress!, plane: height * width)
                            : RowWindow.MutableView(base: buffers[index % 2], plane: plane)
                        WinogradConvolution.run(
                            layer, activation: activation, cpu: cpu, threads: threads, height: height, width: width,
                            rows: 0..<height, input: from, output: to, residual: last ? residualBuffer : nil,
                            inputOrder: first ? .pixels : .lanes, outputOrder: last ? .pixels : .lanes)
                    }
                }
            }
        }
        return output
    }
}
