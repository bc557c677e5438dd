import Foundation

/// The table of kernels a model runs on, chosen once (as dav1d chooses its DSP functions at init).
/// `.reference` is naive and obviously correct; `.optimized` overrides the hot ops (3x3 and 1x1
/// stride-1 convolutions) with SIMD kernels and falls back to the reference for the rest.
public struct KernelSet: Sendable {
    public typealias Convolution = @Sendable (Conv2d, Tensor, Activation, Tensor?, Int) -> Tensor

    public typealias Gate = @Sendable (Tensor, Tensor) -> Tensor

    public let name: String
    public let conv: Convolution
    /// `x * sigmoid(gate)`.
    public let sigmoidGate: Gate

    public static let reference = KernelSet(
        name: "reference",
        conv: { layer, input, activation, residual, _ in layer.reference(input, activation: activation, residual: residual) },
        sigmoidGate: { x, gate in ReferenceOps.multiply(x, ReferenceOps.activate(gate, .sigmoid)) })

    public static let optimized = KernelSet(
        name: "optimized",
        conv: { layer, input, activation, residual, threads in
            let same = layer.kernel == 3 && layer.padding == 1 || layer.kernel == 1 && layer.padding == 0
            if layer.stride == 1 && same {
                return DirectConvolution.run(layer, input, activation: activation, residual: residual, threads: threads)
            }
            if layer.stride == 2 && layer.kernel == 3 && layer.padding == 0 {
                return DirectConvolution.runStrided(layer, input, activation: activation, residual: residual, threads: threads)
            }
            return layer.reference(input, activation: activation, residual: residual)
        },
        sigmoidGate: ElementwiseKernels.sigmoidGate)
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
