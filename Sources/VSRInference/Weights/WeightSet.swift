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
    /// Floats that may still be filled with zeros for missing or misshapen tensors (so that every
    /// problem can be listed, e.g. a checkpoint tried with a wider architecture): four times what the
    /// file holds, plus 4 MB. Metadata that describes a model far larger than that (a hostile
    /// `channels=99999999`) is refused before anything that size is allocated.
    private var zeroFillBudget: Int

    public init(_ weights: WeightSet, source: String) {
        self.weights = weights
        self.source = source
        zeroFillBudget = 4 * weights.tensors.values.reduce(0) { $0 + $1.values.count } + (1 << 20)
    }

    /// The values of `name`, which must have `shape`; zeros (and a recorded problem) otherwise.
    /// Throws at once when the shape is larger than the whole file could describe.
    public func take(_ name: String, shape: [Int]) throws -> [Float] {
        used.insert(name)
        let (count, overflow) = shape.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d)
            return (p, acc.1 || o || d < 0)
        }
        if let entry = weights.tensors[name], entry.shape == shape { return entry.values }
        problems.append(weights.tensors[name].map { "\(name) has shape \($0.shape), expected \(shape)" } ?? "missing \(name) \(shape)")
        guard !overflow, count <= zeroFillBudget else {
            throw WeightsError.mismatch(
                source: source, problems: problems + ["the metadata describes a model larger than the file's tensors (\(name) \(shape))"])
        }
        zeroFillBudget -= count
        return [Float](repeating: 0, count: count)
    }

    /// A conv layer `name`.weight / `name`.bias.
    public func conv(
        _ name: String, in inChannels: Int, out outChannels: Int, kernel: Int, stride: Int = 1,
        padding: Int? = nil
    ) throws -> Conv2d {
        Conv2d(
            inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride, padding: padding,
            weight: try take("\(name).weight", shape: [outChannels, inChannels, kernel, kernel]),
            bias: try take("\(name).bias", shape: [outChannels]))
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
