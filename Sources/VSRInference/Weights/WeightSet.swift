/// Named float tensors with their shapes, as read from a weights file, plus the file's metadata.
public struct WeightSet: Sendable {
    public struct Entry: Sendable, Equatable {
        public var shape: [Int]
        public var values: [Float]

        public init(shape: [Int], values: [Float]) {
            precondition(values.count == shape.reduce(1, *), "tensor values do not match shape \(shape)")
            self.shape = shape
            self.values = values
        }
    }

    public var tensors: [String: Entry]
    public var metadata: [String: String]

    public init(tensors: [String: Entry] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }
}

/// Hands out a weight set's tensors to a model builder, checking every shape, and at the end
/// reports every problem at once: missing tensors, wrong shapes, and tensors nobody used.
public final class WeightConsumer {
    private let weights: WeightSet
    private var used: Set<String> = []
    private var problems: [String] = []
    private let source: String

    public init(_ weights: WeightSet, source: String) {
        self.weights = weights
        self.source = source
    }

    /// The values of `name`, which must have `shape`; zeros (and a recorded problem) otherwise.
    public func take(_ name: String, shape: [Int]) -> [Float] {
        used.insert(name)
        guard let entry = weights.tensors[name] else {
            problems.append("missing \(name) \(shape)")
            return [Float](repeating: 0, count: shape.reduce(1, *))
        }
        guard entry.shape == shape else {
            problems.append("\(name) has shape \(entry.shape), expected \(shape)")
            return [Float](repeating: 0, count: shape.reduce(1, *))
        }
        return entry.values
    }

    /// A conv layer `name`.weight / `name`.bias.
    public func conv(
        _ name: String, in inChannels: Int, out outChannels: Int, kernel: Int, stride: Int = 1,
        padding: Int? = nil
    ) -> Conv2d {
        Conv2d(
            inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride, padding: padding,
            weight: take("\(name).weight", shape: [outChannels, inChannels, kernel, kernel]),
            bias: take("\(name).bias", shape: [outChannels]))
    }

    /// Throws `WeightsError.mismatch` listing every problem, including unused tensors.
    public func finish() throws {
        let unused = weights.tensors.keys.filter { !used.contains($0) }.sorted()
        let all = problems + unused.map { "unexpected \($0) \(weights.tensors[$0]!.shape)" }
        if !all.isEmpty { throw WeightsError.mismatch(source: source, problems: all) }
    }
}

/// Failures reading or matching weights; each names the file and what was expected.
public enum WeightsError: Error, CustomStringConvertible, Equatable {
    case malformed(source: String, reason: String)
    case mismatch(source: String, problems: [String])
    case unknownArchitecture(source: String, arch: String)

    /// The file the error is about.
    public var source: String {
        switch self {
        case .malformed(let source, _), .mismatch(let source, _), .unknownArchitecture(let source, _): return source
        }
    }

    /// What is wrong, without the file name.
    public var reason: String {
        switch self {
        case .malformed(_, let reason): return reason
        case .mismatch(_, let problems): return "the weights do not fit the architecture: " + problems.joined(separator: "; ")
        case .unknownArchitecture(_, let arch):
            return "unknown architecture '\(arch)' (known: \(ModelRegistry.architectures.joined(separator: ", ")))"
        }
    }

    public var description: String { "\(source): \(reason)" }
}
