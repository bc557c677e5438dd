import Foundation

/// A value shared by test threads behind an `NSLock`. The standard library's `Mutex` would do, but
/// on Linux it waits on futexes that ThreadSanitizer does not see, so its critical sections read as
/// races under `make sanitize-pipeline`; `NSLock` is a pthread mutex, which it does.
final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
