import Foundation

/// An elementwise activation with PyTorch's semantics, fused into convolutions where possible.
public enum Activation: Sendable, Equatable {
    case identity
    case relu
    /// `LeakyReLU(negative_slope)`; RLFN uses 0.05.
    case leakyReLU(Float)
    /// `PReLU` with one slope per channel, or one shared slope (an array of one).
    case prelu([Float])
    case silu
    case sigmoid
    case tanh

    /// Applies the activation to `value` in channel `channel`.
    @inline(__always)
    public func apply(_ value: Float, channel: Int) -> Float {
        switch self {
        case .identity: return value
        case .relu: return value > 0 ? value : 0
        case .leakyReLU(let slope): return value >= 0 ? value : value * slope
        case .prelu(let slopes): return value >= 0 ? value : value * slopes[slopes.count == 1 ? 0 : channel]
        case .silu: return value / (1 + Foundation.exp(-value))
        case .sigmoid: return 1 / (1 + Foundation.exp(-value))
        case .tanh: return Foundation.tanh(value)
        }
    }

    /// Each channel's slope for negative values when the activation is piecewise linear (what the
    /// convolution kernels fuse into their store); nil for smooth activations.
    func negativeSlopes(channels: Int) -> [Float]? {
        negativeSlope(channel: 0) == nil ? nil : (0..<channels).map { negativeSlope(channel: $0)! }
    }

    /// The slope for negative values in `channel` when the activation is piecewise linear
    /// (identity 1, ReLU 0, leaky/PReLU their slope); nil for smooth activations.
    public func negativeSlope(channel: Int) -> Float? {
        switch self {
        case .identity: return 1
        case .relu: return 0
        case .leakyReLU(let slope): return slope
        case .prelu(let slopes): return slopes[slopes.count == 1 ? 0 : channel]
        case .silu, .sigmoid, .tanh: return nil
        }
    }
}
