import Foundation

/// A blocking FIFO of at most `capacity` items between two pipeline stages: `push` waits while it
/// is full (backpressure), `pop` waits while it is empty. `close()` ends it: pushes are refused and
/// pops drain what is left, then return nil. Thread-safe.
public final class BoundedQueue<Element>: @unchecked Sendable {
    public let capacity: Int
    /// Waiting items, oldest first. A pop removes its item outright: a popped item (a frame and its
    /// planes) must not outlive its consumer's use of it. (An index over an array compacted every 64
    /// pops kept up to 64 frames more than the capacity alive: about 200 MB of 1920x1080 frames,
    /// measured.) The array holds at most `capacity` items, so moving them up is nothing next to a
    /// frame's work.
    private var items: [Element] = []
    private var closed = false
    private let condition = NSCondition()

    public init(capacity: Int) {
        precondition(capacity >= 1, "a queue needs room for one item")
        self.capacity = capacity
    }

    /// Waits for room, then appends. Returns false (dropping the item) if the queue was closed.
    @discardableResult
    public func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !closed && items.count >= capacity { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Waits for an item; nil once the queue is closed and empty.
    public func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while !closed && items.isEmpty { condition.wait() }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Items waiting now (for statistics and tests).
    public var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count
    }
}
