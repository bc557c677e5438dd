import Foundation

/// A blocking FIFO of at most `capacity` items between two pipeline stages: `push` waits while it
/// is full (backpressure), `pop` waits while it is empty. `close()` ends it: pushes are refused and
/// pops drain what is left, then return nil. Thread-safe.
public final class BoundedQueue<Element>: @unchecked Sendable {
    public let capacity: Int
    /// Popped slots before `head` are nil until the array is compacted: a popped item (a frame and
    /// its planes) must not outlive its consumer's use of it, or up to 64 frames more than the
    /// queue's capacity stay alive (about 200 MB of 1920x1080 frames, measured).
    private var items: [Element?] = []
    private var head = 0
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
        while !closed && items.count - head >= capacity { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Waits for an item; nil once the queue is closed and empty.
    public func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while !closed && items.count == head { condition.wait() }
        guard items.count > head, let item = items[head] else { return nil }
        items[head] = nil
        head += 1
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
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
        return items.count - head
    }
}
