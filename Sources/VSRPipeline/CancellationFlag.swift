import Synchronization

/// A flag one thread raises (a signal handler's queue) and the pipeline polls between frames.
/// Thread-safe.
public final class CancellationFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    public func cancel() { raised.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { raised.load(ordering: .relaxed) }
}
