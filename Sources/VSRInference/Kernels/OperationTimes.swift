import Dispatch
import Synchronization

/// Wall time spent in each operation of a kernel table, by the operation and its shape (a layer's
/// kernel size, channels and path, the gate's layers, the pool's window): what `vsr-kernel-bench
/// model --by-operation` prints, so that where a forward pass spends its time is measured by the
/// product's own build rather than by a profiling build kept aside. Each entry is timed around the
/// kernel table's call, threads included, so the entries add up to the forward pass less what runs
/// outside the table (PlainSR's row and band chains, tensor copies, the model's own arithmetic).
public final class OperationTimes: Sendable {
    /// One operation's calls and their summed seconds.
    public struct Entry: Sendable {
        public let name: String
        public var calls = 0
        public var seconds = 0.0
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// Runs `body`, adding its wall time to `name`'s entry.
    func measure<R>(_ name: String, _ body: () -> R) -> R {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        entries.withLock { entries in
            var entry = entries[name] ?? Entry(name: name)
            entry.calls += 1
            entry.seconds += seconds
            entries[name] = entry
        }
        return result
    }

    /// The entries so far, the most time first.
    public var sorted: [Entry] { entries.withLock { Array($0.values) }.sorted { $0.seconds > $1.seconds } }

    /// Forgets every entry (after warm-up runs).
    public func reset() { entries.withLock { $0.removeAll() } }
}

extension KernelSet {
    /// This table with every entry timed into `times` under its operation's name and shape; the
    /// same kernels run.
    public func timed(into times: OperationTimes) -> KernelSet {
        let base = self
        let conv: Convolution = { layer, input, activation, residual, threads in
            times.measure(base.convolutionName(layer, activation: activation, residual: residual != nil)) {
                base.conv(layer, input, activation, residual, threads)
            }
        }
        return KernelSet(
            name: name, cpu: cpu, winograd: winograd,
            conv: conv,
            convChain: { layers, activation, input, residual, threads in
                guard let cpu = base.cpu, WinogradLaneChain.applies(layers, activation: activation, cpu: cpu, winograd: base.winograd)
                else {
                    // One by one, each timed as `conv` times it.
                    return Self.oneByOne(layers, activation, input, residual, threads, conv: conv)
                }
                let name = "\(layers.count) x conv \(Self.shape(layers[0])), Winograd \(layers[0].winogradWeights!.tile) in lane order"
                return times.measure(name + (residual == nil ? "" : " + residual")) {
                    base.convChain(layers, activation, input, residual, threads)
                }
            },
            sigmoidGate: { x, gate, threads in
                times.measure("sigmoid gate, \(x.channels) channels") { base.sigmoidGate(x, gate, threads) }
            },
            gatedConvolution: { layers, x, reduced, added, threads in
                let name =
                    "attention gate: c5 \(Self.shape(layers.value)), resize \(added.source.channels) channels, "
                    + "conv_f \(Self.shape(layers.sum)), conv4 \(Self.shape(layers.gate)), sigmoid gate"
                return times.measure(name) { base.gatedConvolution(layers, x, reduced, added, threads) }
            },
            maxPool: { input, kernel, stride, threads in
                times.measure("max-pool \(kernel)x\(kernel) stride \(stride), \(input.channels) channels") {
                    base.maxPool(input, kernel, stride, threads)
                }
            },
            resize: { input, rows, columns, threads in
                times.measure("bilinear resize, \(input.channels) channels") { base.resize(input, rows, columns, threads) }
            },
            pixelShuffle: { input, factor, skip, threads, window in
                times.measure("pixel shuffle x\(factor)\(skip == nil ? "" : " + skip")") {
                    base.pixelShuffle(input, factor, skip, threads, window)
                }
            })
    }

    /// "3x3 48->48, Winograd F(6x6, 3x3) + residual": the layer's shape and the path this table
    /// runs it by.
    private func convolutionName(_ layer: Conv2d, activation: Activation, residual: Bool) -> String {
        let path: String
        if cpu == nil {
            path = "reference"
        } else if Self.runsByWinograd(layer, activation: activation, winograd: winograd), let tile = layer.winogradWeights?.tile {
            path = "Winograd \(tile)"
        } else {
            path = "direct"
        }
        return "conv \(Self.shape(layer)), \(path)\(residual ? " + residual" : "")"
    }

    /// "3x3 stride 2 16->16".
    private static func shape(_ layer: Conv2d) -> String {
        "\(layer.kernel)x\(layer.kernel)\(layer.stride == 1 ? "" : " stride \(layer.stride)") \(layer.inChannels)->\(layer.outChannels)"
    }
}
