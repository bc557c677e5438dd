import VSRCore

/// The text forms of frame sizes and rates that flags take.
public enum FrameGeometry {
    /// "WxH" with both sides positive.
    public static func parseSize(_ text: String, flag: String = "--size") throws -> (width: Int, height: Int) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else {
            throw VSRError.usage("\(flag) '\(text)' is not a frame size; expected WxH, e.g. 1280x720")
        }
        return (width, height)
    }

    /// "N" or "N/D" with both positive.
    public static func parseRate(_ text: String, flag: String = "--fps") throws -> Rational {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let numerator = Int32(parts[0]), denominator = parts.count == 2 ? Int32(parts[1]) : 1
        guard parts.count <= 2, let numerator, let denominator, numerator > 0, denominator > 0 else {
            throw VSRError.usage("\(flag) '\(text)' is not a frame rate; expected N or N/D, e.g. 30000/1001")
        }
        return Rational(numerator, denominator)
    }
}
