/// A 2-D convolution layer (PyTorch `nn.Conv2d`, groups 1, zero padding) with its weights.
public struct Conv2d: Sendable {
    public let inChannels: Int
    public let outChannels: Int
    public let kernel: Int
    public let stride: Int
    public let padding: Int
    /// [out][in][k][k], row-major, as PyTorch stores it.
    public let weight: [Float]
    public let bias: [Float]
    /// The weights in the optimized kernel's layout, packed once.
    let packedWeights: [Float]
    /// The Winograd-transformed weights, for 3x3 stride-1 padding-1 layers wide enough to gain.
    let winogradWeights: WinogradWeights?

    public init(
        inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int? = nil,
        weight: [Float], bias: [Float]
    ) {
        let same3x3 = kernel == 3 && stride == 1 && (padding ?? 1) == 1
        self.init(
            inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride, padding: padding,
            weight: weight, bias: bias,
            winograd: same3x3 && inChannels >= WinogradConvolution.minimumInputChannels ? WinogradConvolution.defaultTile : nil)
    }

    /// `winograd`: also transform the weights for the Winograd kernel with this tile (3x3, stride 1,
    /// padding 1 only); the other initializer does so for layers wide enough to gain.
    public init(
        inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int? = nil,
        weight: [Float], bias: [Float], winograd: WinogradTile?
    ) {
        precondition(weight.count == outChannels * inChannels * kernel * kernel, "conv weight size mismatch")
        precondition(bias.count == outChannels, "conv bias size mismatch")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding ?? (kernel - 1) / 2
        self.weight = weight
        self.bias = bias
        packedWeights = DirectConvolution.packWeights(
            weight, inChannels: inChannels, outChannels: outChannels,
            kernel: kernel)
        precondition(
            winograd == nil || kernel == 3 && stride == 1 && self.padding == 1, "Winograd needs a 3x3 stride-1 padding-1 layer")
        winogradWeights = winograd.map {
            WinogradConvolution.transformWeights(weight, inChannels: inChannels, outChannels: outChannels, tile: $0)
        }
    }

    public func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        ((height + 2 * padding - kernel) / stride + 1, (width + 2 * padding - kernel) / stride + 1)
    }

    public var parameterCount: Int { weight.count + bias.count }

    /// Multiply-accumulates for an input of `height` x `width`.
    public func multiplyAccumulates(height: Int, width: Int) -> Double {
        let out = outputSize(height: height, width: width)
        return Double(out.height * out.width) * Double(outChannels * inChannels * kernel * kernel)
    }

    /// Output channel `channel` of this 1x1 layer on one pixel whose input channel `ci` holds
    /// `input(ci)`, before any activation: the bias, then the input channels' products in order. The
    /// pointwise passes sum the pixels past the micro-kernel's last whole chunk one by one with it.
    func pointwiseSum(channel: Int, _ input: (Int) -> Float) -> Float {
        var sum = bias[channel]
        for ci in 0..<inChannels { sum += weight[channel * inChannels + ci] * input(ci) }
        return sum
    }

    /// This 1x1 layer after the 1x1 layer `first`, as one 1x1 layer: `self(first(x))` with no
    /// activation between, weights `W Wfirst` and bias `W bfirst + b`, summed in Double and rounded
    /// once. Equal to the two in exact arithmetic; in Float the sums' order differs.
    public func composed(after first: Conv2d) -> Conv2d {
        precondition(
            kernel == 1 && first.kernel == 1 && stride == 1 && first.stride == 1 && padding == 0 && first.padding == 0,
            "only 1x1 stride-1 layers compose")
        precondition(first.outChannels == inChannels, "composing \(first.outChannels) channels into \(inChannels)")
        let inputs = first.inChannels, middle = inChannels
        var weight = [Float](repeating: 0, count: outChannels * inputs), bias = [Float](repeating: 0, count: outChannels)
        for co in 0..<outChannels {
            var b = Double(self.bias[co])
            for m in 0..<middle { b += Double(self.weight[co * middle + m]) * Double(first.bias[m]) }
            bias[co] = Float(b)
            for ci in 0..<inputs {
                var w = 0.0
                for m in 0..<middle { w += Double(self.weight[co * middle + m]) * Double(first.weight[m * inputs + ci]) }
                weight[co * inputs + ci] = Float(w)
            }
        }
        return Conv2d(inChannels: inputs, outChannels: outChannels, kernel: 1, weight: weight, bias: bias)
    }

    /// `residual + activation(conv(input) + bias)`, through the context's kernels.
    public func callAsFunction(
        _ input: Tensor, activation: Activation = .identity, residual: Tensor? = nil,
        context: InferenceContext
    ) -> Tensor {
        precondition(input.channels == inChannels, "conv expects \(inChannels) channels, got \(input.channels)")
        return context.kernels.conv(self, input, activation, residual, context.threads)
    }

    /// The reference path: naive convolution, then the epilogue.
    func reference(_ input: Tensor, activation: Activation, residual: Tensor?) -> Tensor {
        var out = ReferenceOps.conv2d(
            input, weight: weight, bias: bias, outChannels: outChannels, kernel: kernel,
            stride: stride, padding: padding)
        out = ReferenceOps.activate(out, activation)
        if let residual { out = ReferenceOps.add(out, residual) }
        return out
    }
}
