/// A float tensor of shape channels x height x width (batch 1, PyTorch's NCHW with N = 1), stored
/// densely: `data[(c * height + y) * width + x]`.
public struct Tensor: Sendable, Equatable {
    public let channels: Int
    public let height: Int
    public let width: Int
    public var data: [Float]

    public init(channels: Int, height: Int, width: Int, data: [Float]) {
        precondition(
            data.count == channels * height * width,
            "tensor data has \(data.count) values, expected \(channels)x\(height)x\(width)")
        self.channels = channels
        self.height = height
        self.width = width
        self.data = data
    }

    public init(channels: Int, height: Int, width: Int, repeating value: Float = 0) {
        self.init(
            channels: channels, height: height, width: width,
            data: [Float](repeating: value, count: channels * height * width))
    }

    /// A tensor whose values are left uninitialized, for kernels that write every element (each by
    /// exactly one worker) before anyone reads it.
    static func uninitialized(channels: Int, height: Int, width: Int) -> Tensor {
        let count = channels * height * width
        return Tensor(
            channels: channels, height: height, width: width,
            data: [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count })
    }

    public var count: Int { data.count }
    public var planeSize: Int { height * width }
    public var shape: [Int] { [channels, height, width] }

    public subscript(c: Int, y: Int, x: Int) -> Float {
        get { data[(c * height + y) * width + x] }
        set { data[(c * height + y) * width + x] = newValue }
    }

    /// The largest absolute difference to `other` (same shape).
    public func maxAbsDifference(to other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes differ: \(shape) vs \(other.shape)")
        var worst: Float = 0
        for i in 0..<data.count { worst = max(worst, abs(data[i] - other.data[i])) }
        return worst
    }
}
