import Foundation

/// The table of kernels a model runs on, chosen once (as dav1d chooses its DSP functions at init).
/// `.reference` is naive and obviously correct; `.optimized` overrides the hot ops (3x3 and 1x1
/// stride-1 convolutions, ESA's strided 3x3, gate, max-pool, resize and pixel shuffle) with SIMD or separable,
/// threaded kernels and falls back to the reference for the rest; `.direct` is `.optimized` without the Winograd path. The convolutions'
/// micro-kernel is the instruction set's (`CPUKernels`): the CPU's best, or `VSR_CPU`'s.
public struct KernelSet: Sendable {
    public typealias Convolution = @Sendable (Conv2d, Tensor, Activation, Tensor?, Int) -> Tensor

    /// Consecutive layers, each with one activation, a residual added to the last one's output, on up
    /// to `threads` threads: layers, activation, input, residual, threads (RLFN's block convolutions).
    public typealias ConvolutionChain = @Sendable ([Conv2d], Activation, Tensor, Tensor?, Int) -> Tensor

    /// `x * sigmoid(gate)` on up to `threads` threads.
    public typealias Gate = @Sendable (Tensor, Tensor, Int) -> Tensor

    /// `value(x) * sigmoid(gate(sum(reduced) + added))` (RLFN's block ends so, `AttentionGate`) on up
    /// to `threads` threads, `added` the ESA's context resized to the frame: layers, x, reduced,
    /// added, threads.
    public typealias GatedConvolution = @Sendable (AttentionGate, Tensor, Tensor, BilinearUpsample, Int) -> Tensor

    /// A max-pool without padding on up to `threads` threads: input, kernel, stride, threads.
    public typealias MaxPool = @Sendable (Tensor, Int, Int, Int) -> Tensor

    /// A bilinear resize by precomputed taps on up to `threads` threads: input, row taps, column
    /// taps, threads.
    public typealias Resize = @Sendable (Tensor, BilinearTaps, BilinearTaps, Int) -> Tensor

    /// `nn.PixelShuffle` by a factor on up to `threads` threads, adding a skip nearest-upsampled when
    /// given, into the window's kept part: input, factor, skip, threads, window.
    public typealias PixelShuffle = @Sendable (Tensor, Int, Tensor?, Int, OutputWindow) -> Void

    public let name: String
    /// The instruction set of the convolution micro-kernels; nil for the reference set.
    public let cpu: CPUKernels?
    /// Whether `conv` runs layers that carry Winograd weights by Winograd (`ConvolutionChoice.usesWinograd`).
    public let winograd: Bool
    public let conv: Convolution
    /// Layers one after another; `conv` one by one, or Winograd layers handing on lane order
    /// (`WinogradLaneChain`).
    public let convChain: ConvolutionChain
    /// `x * sigmoid(gate)`.
    public let sigmoidGate: Gate
    /// `value(x) * sigmoid(gate(sum(reduced) + added))`, an `AttentionGate`'s three 1x1 layers, `added` resized on the way.
    public let gatedConvolution: GatedConvolution
    /// RLFN's ESA max-pool.
    public let maxPool: MaxPool
    /// RLFN's ESA resize back to the frame.
    public let resize: Resize
    /// The models' last step: pixel shuffle, with PlainSR's global skip.
    public let pixelShuffle: PixelShuffle

    public static let reference = KernelSet(
        name: "reference", cpu: nil, winograd: false,
        conv: referenceConvolution,
        convChain: { oneByOne($0, $1, $2, $3, $4, conv: referenceConvolution) },
        sigmoidGate: { x, gate, _ in ReferenceOps.multiply(x, ReferenceOps.activate(gate, .sigmoid)) },
        gatedConvolution: { layers, x, reduced, added, _ in layers.reference(x: x, reduced: reduced, added: added.reference()) },
        maxPool: { input, kernel, stride, _ in ReferenceOps.maxPool2d(input, kernel: kernel, stride: stride) },
        resize: { input, rows, columns, _ in ReferenceOps.resizeBilinear(input, rows: rows, columns: columns) },
        pixelShuffle: { input, factor, skip, _, window in
            let shuffled = ReferenceOps.pixelShuffle(input, factor: factor)
            window.store(skip.map { ReferenceOps.add(shuffled, ReferenceOps.upsampleNearest($0, factor: factor)) } ?? shuffled)
        })

    /// The naive convolution, then the epilogue (`Conv2d.reference`).
    private static let referenceConvolution: Convolution = { layer, input, activation, residual, _ in
        layer.reference(input, activation: activation, residual: residual)
    }

    /// `layers` one after another by `conv`, each with `activation`, `residual` added to the last
    /// one's output: a `ConvolutionChain` that runs no chain of its own.
    static func oneByOne(
        _ layers: [Conv2d], _ activation: Activation, _ input: Tensor, _ residual: Tensor?, _ threads: Int, conv: Convolution
    ) -> Tensor {
        layers.indices.reduce(input) { x, index in
            conv(layers[index], x, activation, index == layers.count - 1 ? residual : nil, threads)
        }
    }

    /// The fast kernels on this CPU's instruction set (`CPUKernels.selected`).
    public static let optimized = optimized(cpu: .selected)

    /// The fast kernels without Winograd, on this CPU's instruction set.
    public static let direct = direct(cpu: .selected)

    /// The fast kernels: Winograd (the layer's tile, F(6x6, 3x3) or F(4x4, 3x3) as
    /// `WinogradConvolution.preferredTile` chose at load) where `ConvolutionChoice` says so, the
    /// direct SIMD convolution for the other 3x3 and 1x1 layers, on `cpu`'s micro-kernel.
    public static func optimized(cpu: CPUKernels) -> KernelSet { fast(name: "optimized", cpu: cpu, winograd: true) }

    /// The fast kernels without Winograd: every 3x3 layer by direct convolution (the benchmark's
    /// baseline, and the kernel whose share of the FMA peak it reports).
    public static func direct(cpu: CPUKernels) -> KernelSet { fast(name: "direct", cpu: cpu, winograd: false) }

    /// The SIMD and threaded entries on `cpu`'s micro-kernel; wide 3x3 layers by Winograd when `winograd`.
    private static func fast(name: String, cpu: CPUKernels, winograd: Bool) -> KernelSet {
        let conv: Convolution = { layer, input, activation, residual, threads in
            if runsByWinograd(layer, activation: activation, winograd: winograd) {
                return WinogradConvolution.run(
                    layer, input, activation: activation, residual: residual, threads: threads,
                    cpu: cpu)
            }
            return directConvolution(layer, input, activation, residual, threads, cpu)
        }
        return KernelSet(
            name: name, cpu: cpu, winograd: winograd,
            conv: conv,
            convChain: { layers, activation, input, residual, threads in
                if WinogradLaneChain.applies(layers, activation: activation, cpu: cpu, winograd: winograd) {
                    return WinogradLaneChain.run(layers, activation: activation, input, residual: residual, threads: threads, cpu: cpu)
                }
                return oneByOne(layers, activation, input, residual, threads, conv: conv)
            },
            sigmoidGate: { ElementwiseKernels.sigmoidGate($0, $1, threads: $2, cpu: cpu) },
            gatedConvolution: { gatedConvolution($0, $1, $2, $3, $4, cpu) },
            maxPool: { ResamplingKernels.maxPool($0, kernel: $1, stride: $2, threads: $3) },
            resize: { ResamplingKernels.resizeBilinear($0, rows: $1, columns: $2, threads: $3) },
            pixelShuffle: { ElementwiseKernels.pixelShuffle($0, factor: $1, adding: $2, threads: $3, into: $4) })
    }

    /// 1x1 layers, their gate and the resize in one pass (`AttentionGatePass`); other layers one by
    /// one after the resize, then the gate.
    private static func gatedConvolution(
        _ layers: AttentionGate, _ x: Tensor, _ reduced: Tensor, _ added: BilinearUpsample, _ threads: Int, _ cpu: CPUKernels
    ) -> Tensor {
        if layers.isPointwise {
            return AttentionGatePass.run(layers, x: x, reduced: reduced, added: added, threads: threads, cpu: cpu)
        }
        let resized = ResamplingKernels.upsample(added, threads: threads)
        let sum = directConvolution(layers.sum, reduced, .identity, resized, threads, cpu)
        let value = directConvolution(layers.value, x, .identity, nil, threads, cpu)
        return ElementwiseKernels.sigmoidGate(
            value, directConvolution(layers.gate, sum, .identity, nil, threads, cpu), threads: threads, cpu: cpu)
    }

    /// Whether a table that runs Winograd where it applies (`winograd`) runs `layer` so: the
    /// dispatch in `conv`, and the path `timed(into:)` names.
    static func runsByWinograd(_ layer: Conv2d, activation: Activation, winograd: Bool) -> Bool {
        winograd && ConvolutionChoice.usesWinograd(layer, activation: activation)
    }

    private static func directConvolution(
        _ layer: Conv2d, _ input: Tensor, _ activation: Activation, _ residual: Tensor?,
        _ threads: Int, _ cpu: CPUKernels
    ) -> Tensor {
        switch ConvolutionChoice.directForm(layer) {
        case .sameStride1:
            return DirectConvolution.run(layer, input, activation: activation, residual: residual, threads: threads, cpu: cpu)
        case .stride2Unpadded3x3:
            return DirectConvolution.runStrided(
                layer, input, activation: activation, residual: residual, threads: threads,
                cpu: cpu)
        case nil:
            return layer.reference(input, activation: activation, residual: residual)
        }
    }
}

extension KernelSet {
    /// `pixelShuffle` into a new tensor ([C*r*r, H, W] -> [C, H*r, W*r]).
    public func pixelShuffled(_ input: Tensor, factor: Int, adding skip: Tensor?, threads: Int) -> Tensor {
        Tensor.filled(channels: input.channels / (factor * factor), upscaling: input, by: factor) {
            pixelShuffle(input, factor, skip, threads, $0)
        }
    }
}

/// Where and how a forward pass runs.
public struct InferenceContext: Sendable {
    public var kernels: KernelSet
    /// Threads for the parallel kernels.
    public var threads: Int
    /// Set when the input is a tile of a larger frame: where the tile lies. Layers whose geometry
    /// spans the frame (RLFN's ESA resize) then sample on the whole frame's grid.
    public var region: FrameRegion?

    public init(kernels: KernelSet = .optimized, threads: Int = InferenceContext.defaultThreads) {
        self.kernels = kernels
        self.threads = max(1, threads)
    }

    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }
}

/// A tile's place in its frame, in input pixels.
public struct FrameRegion: Sendable, Equatable {
    public var x: Int, y: Int
    public var frameWidth: Int, frameHeight: Int

    public init(x: Int, y: Int, frameWidth: Int, frameHeight: Int) {
        self.x = x
        self.y = y
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
    }
}
