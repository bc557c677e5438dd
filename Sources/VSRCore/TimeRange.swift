/// A part of an input to upscale, in seconds from the start of its timeline: `[start, end)`.
public struct TimeRange: Sendable, Equatable {
    public var start: Double
    /// nil: to the end of the input.
    public var end: Double?

    public init(start: Double = 0, end: Double? = nil) {
        self.start = start
        self.end = end
    }

    /// Parses `90`, `1.5`, `01:30` or `00:01:30.250` into seconds; nil when it is none of these.
    public static func seconds(_ text: String) -> Double? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var total = 0.0
        for (index, part) in parts.enumerated() {
            let isLast = index == parts.count - 1
            guard let value = isLast ? Double(part) : Int(part).map(Double.init), value >= 0, value.isFinite else { return nil }
            if !isLast && parts.count > 1 && index > 0 && value >= 60 { return nil }
            total = total * 60 + value
        }
        if parts.count > 1, let seconds = Double(parts.last!), seconds >= 60 { return nil }
        return total
    }
}
