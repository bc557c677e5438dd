/// The end of RLFN's residual block with its ESA folded in: `value(x) * sigmoid(gate(sum(reduced) +
/// added))` for three 1x1 layers, where `value` is the block's c5, `sum` the ESA's conv_f and `gate`
/// its conv4. As three layers and a gate, c5's output (every feature channel of the frame) and the
/// ESA's sum were written out and read back by the next pass; one pass over blocks of pixels
/// (`AttentionGatePass`) keeps both in a worker's buffers.
public struct AttentionGate: Sendable {
    /// What the gate multiplies: the block's c5, on the block's features `x`.
    public let value: Conv2d
    /// The ESA's conv_f, on its reduced features, the upsampled context `added` to its output.
    public let sum: Conv2d
    /// The ESA's conv4: the sum back to the feature channels, then the sigmoid.
    public let gate: Conv2d

    public init(value: Conv2d, sum: Conv2d, gate: Conv2d) {
        precondition(
            sum.outChannels == gate.inChannels && gate.outChannels == value.outChannels,
            "attention gate: \(sum.outChannels) -> \(gate.inChannels) and \(gate.outChannels) -> \(value.outChannels) channels differ")
        self.value = value
        self.sum = sum
        self.gate = gate
    }

    /// Whether `AttentionGatePass` runs it: every layer 1x1 with stride 1 and no padding.
    var isPointwise: Bool { [value, sum, gate].allSatisfy { $0.kernel == 1 && $0.stride == 1 && $0.padding == 0 } }

    /// The naive ops, layer by layer.
    func reference(x: Tensor, reduced: Tensor, added: Tensor) -> Tensor {
        let sum = sum.reference(reduced, activation: .identity, residual: added)
        let gate = ReferenceOps.activate(gate.reference(sum, activation: .identity, residual: nil), .sigmoid)
        return ReferenceOps.multiply(value.reference(x, activation: .identity, residual: nil), gate)
    }

    public var parameterCount: Int { [value, sum, gate].reduce(0) { $0 + $1.parameterCount } }
}
