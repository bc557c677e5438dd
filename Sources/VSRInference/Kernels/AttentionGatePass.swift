import CVSRKernels

/// `AttentionGate` in one pass, threads claiming blocks of pixels. For each block a worker resizes
/// the ESA's context for the block's pixels (`BilinearUpsample.blendRows`), runs the micro-kernel
/// three times into buffers of its own (conv_f plus that context, conv4 on that, c5 on the block's
/// features), then gates from there with `cpu`'s gate into the output: of the layer-by-layer form's
/// tensors (the resized context and the ESA's sum, 16 channels of the frame each, and c5's and
/// conv4's output, every feature channel) only the output is written to memory. With the resize
/// a pass of its own before it, its threads splitting the channels, RLFN-S x2 at 320x180 spent
/// 1.25 ms a frame in it on one thread and 2.41 on two, and 32.3 / 18.6 in the pass; with the resize
/// in the pass, the pass took 32.7 / 18.1 (`vsr-kernel-bench model --by-operation`, AMD EPYC Zen 4,
/// AVX-512; on the AVX2 kernels 1.36 / 3.47 and 41.7 / 23.4, then 37.3 / 19.8, one run each in a
/// noisy hour). RLFN-S x2 320x180 (`vsr-kernel-bench
/// model`), AMD EPYC Zen 4, six rounds alternating, ms a frame on 1 / 2 threads: ESA's conv4 and
/// gate fused alone 218.8 / 117.5, with c5 in the pass 209.4 / 113.0, with conv_f too 205.3 / 114.7.
/// The pass it grew from, ESA's conv4 and gate alone, ran 1.41x / 1.46x the conv then the gate at
/// 960x540 (16 -> 52 channels, 1 / 2 threads, AMD EPYC Zen 3; blocks of 128 and 2400 pixels no
/// better). The pixels after the whole blocks make one shorter block of whole micro-kernel chunks,
/// and only the last partial chunk's (under 64) are summed one by one, in the layers' order: summed
/// so, the up to 959 pixels past the last whole block had made that pass 2-3.6x slower than the
/// layers one by one on frames such as 80x45, 96x64 and 128x72 (AVX2-only AMD EPYC, family 23 model 1).
enum AttentionGatePass {
    /// Pixels a worker takes at a time: its four buffers (the feature channels' values and gates,
    /// the resized context and conv_f's sums) hold about 490 KB at 48 feature channels, in a Zen 4's
    /// 1 MiB L2.
    static let blockPixels = 960

    static func run(
        _ layers: AttentionGate, x: Tensor, reduced: Tensor, added: BilinearUpsample, threads: Int, cpu: CPUKernels
    ) -> Tensor {
        precondition(layers.isPointwise, "the attention gate's pass needs 1x1 layers")
        let channels = layers.value.outChannels, mid = layers.sum.outChannels
        precondition(
            x.shape == [layers.value.inChannels, reduced.height, reduced.width]
                && reduced.shape == [layers.sum.inChannels, reduced.height, reduced.width]
                && [added.source.channels, added.height, added.width] == [mid, reduced.height, reduced.width],
            "attention gate: shapes \(x.shape), \(reduced.shape) and \([mid, added.height, added.width]) do not fit its layers")
        let pixels = x.planeSize
        // Whole micro-kernel chunks and whole 16-lane vectors: 960 pixels with AVX2's 24, SSE2's 12
        // and AVX-512's 64.
        var unit = 16
        while unit % cpu.convPixels != 0 { unit += 16 }
        let block = unit * max(1, blockPixels / unit)
        let blocks = pixels / block
        let lastBlock = (pixels - blocks * block) / cpu.convPixels * cpu.convPixels
        let items = blocks + (lastBlock > 0 ? 1 : 0)
        var output = Tensor.uninitialized(channels: channels, height: x.height, width: x.width)
        // The context's rows blended along x, once: a few pooled rows.
        let arrays = [
            x.data, reduced.data, added.blendedColumns(), layers.value.packedWeights, layers.value.bias, layers.sum.packedWeights,
            layers.sum.bias, layers.gate.packedWeights, layers.gate.bias,
        ]
        withPointers(arrays[...]) { pointers in
            let p = pointers.map(UnsafePointerBox.init)
            let (xs, reduceds, blended) = (p[0], p[1], p[2])
            // Each layer's packed weights and bias, in `arrays`' order.
            let (valueLayer, sumLayer, gateLayer) = ((p[3], p[4]), (p[5], p[6]), (p[7], p[8]))
            output.data.withUnsafeMutableBufferPointer { outBuffer in
                let out = UnsafeMutablePointerBox(outBuffer.baseAddress!)
                if items > 0 {
                    [0].withUnsafeBufferPointer { tapBuffer in
                        let tap = UnsafePointerBox(tapBuffer.baseAddress!)
                        WorkQueue(count: items, workers: max(1, min(threads, items))).run { queue in
                            let values = UnsafeMutablePointer<Float>.allocate(capacity: channels * block)
                            let gates = UnsafeMutablePointer<Float>.allocate(capacity: channels * block)
                            let sums = UnsafeMutablePointer<Float>.allocate(capacity: mid * block)
                            let context = UnsafeMutablePointer<Float>.allocate(capacity: mid * block)
                            defer {
                                values.deallocate()
                                gates.deallocate()
                                sums.deallocate()
                                context.deallocate()
                            }
                            func args(
                                _ layer: Conv2d, _ packed: (UnsafePointerBox<Float>, UnsafePointerBox<Float>), inputStride: Int,
                                output: UnsafeMutablePointer<Float>
                            ) -> vsr_conv_args {
                                vsr_conv_args(
                                    input: nil, plane_stride: inputStride, taps: tap.pointer, tap_count: 1,
                                    in_channels: Int32(layer.inChannels), weights: packed.0.pointer, bias: packed.1.pointer,
                                    slopes: nil, residual: nil, residual_stride: block, output: output, output_stride: block,
                                    out_channels: Int32(layer.outChannels), pixels: 0, prefetch: Int32(2 * cpu.convPixels),
                                    prefetch_output: 0)
                            }
                            var sumArgs = args(layers.sum, sumLayer, inputStride: pixels, output: sums)
                            var gateArgs = args(layers.gate, gateLayer, inputStride: block, output: gates)
                            var valueArgs = args(layers.value, valueLayer, inputStride: pixels, output: values)
                            gateArgs.input = UnsafePointer(sums)
                            sumArgs.residual = UnsafePointer(context)
                            while let claimed = queue.claim() {
                                for index in claimed {
                                    let start = index * block, length = index < blocks ? block : lastBlock
                                    added.blendRows(blended.pointer, pixels: start..<(start + length), into: context, channelStride: block)
                                    sumArgs.input = reduceds.pointer + start
                                    valueArgs.input = xs.pointer + start
                                    sumArgs.pixels = Int32(length)
                                    gateArgs.pixels = Int32(length)
                                    valueArgs.pixels = Int32(length)
                                    cpu.convRow(&sumArgs)
                                    cpu.convRow(&gateArgs)
                                    cpu.convRow(&valueArgs)
                                    for channel in 0..<channels {
                                        cpu.sigmoidGate(
                                            values + channel * block, gates + channel * block, out.pointer + channel * pixels + start,
                                            length)
                                    }
                                }
                            }
                        }
                    }
                }
                let first = blocks * block + lastBlock
                if first < pixels {
                    gateOneByOne(
                        layers, pixels: first..<pixels, planeSize: pixels, x: xs.pointer, reduced: reduceds.pointer,
                        added: { channel, pixel in
                            var value: Float = 0
                            added.blendRows(blended.pointer, channel: channel, pixels: pixel..<(pixel + 1), into: &value)
                            return value
                        }, output: out.pointer)
                }
            }
        }
        return output
    }

    /// The pixels past the last whole chunk, one at a time (`Conv2d.pointwiseSum`).
    private static func gateOneByOne(
        _ layers: AttentionGate, pixels: Range<Int>, planeSize: Int, x: UnsafePointer<Float>, reduced: UnsafePointer<Float>,
        added: (_ channel: Int, _ pixel: Int) -> Float, output: UnsafeMutablePointer<Float>
    ) {
        var sums = [Float](repeating: 0, count: layers.sum.outChannels)
        for pixel in pixels {
            for m in sums.indices {
                sums[m] = layers.sum.pointwiseSum(channel: m) { reduced[$0 * planeSize + pixel] } + added(m, pixel)
            }
            for co in 0..<layers.value.outChannels {
                let gate = layers.gate.pointwiseSum(channel: co) { sums[$0] }
                let value = layers.value.pointwiseSum(channel: co) { x[$0 * planeSize + pixel] }
                output[co * planeSize + pixel] = value * Activation.sigmoid.apply(gate, channel: 0)
            }
        }
    }

    /// Calls `body` with a pointer to each array's storage, in order, all pinned for its length.
    private static func withPointers<R>(
        _ arrays: ArraySlice<[Float]>, _ pinned: [UnsafePointer<Float>] = [], _ body: ([UnsafePointer<Float>]) -> R
    ) -> R {
        guard let first = arrays.first else { return body(pinned) }
        return first.withUnsafeBufferPointer { withPointers(arrays.dropFirst(), pinned + [$0.baseAddress!], body) }
    }
}
