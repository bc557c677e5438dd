/// How the lines of a picture were captured: all at once, or as two interlaced fields.
public enum FieldOrder: String, Sendable, Equatable {
    case progressive
    case topFieldFirst = "top field first"
    case bottomFieldFirst = "bottom field first"
    /// Not tagged: a stream-level value only (frames say what they are).
    case unknown

    public var isInterlaced: Bool { self == .topFieldFirst || self == .bottomFieldFirst }
}
