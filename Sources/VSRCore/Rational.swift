/// A rational number such as a time base (1/90000), a frame rate (24000/1001) or a sample aspect ratio.
public struct Rational: Sendable, Equatable, Codable, CustomStringConvertible {
    public var num: Int32
    public var den: Int32

    public init(_ num: Int32, _ den: Int32) {
        self.num = num
        self.den = den
    }

    /// The value as a Double, or nil when the denominator is zero (FFmpeg's "unknown").
    public var doubleValue: Double? { den == 0 ? nil : Double(num) / Double(den) }
    public var description: String { "\(num)/\(den)" }
}
