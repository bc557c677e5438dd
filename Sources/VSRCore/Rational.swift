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

    /// `value` counted in `source` units, in this time base, rounded to the nearest (half away from
    /// zero, as FFmpeg's `av_rescale_q`). Exact for the products of 32-bit time bases and 63-bit values.
    public func rescale(_ value: Int64, from source: Rational) -> Int64 {
        let numerator = Int64(source.num) * Int64(den), denominator = Int64(source.den) * Int64(num)
        let (product, overflow) = value.multipliedReportingOverflow(by: numerator)
        guard !overflow, denominator != 0 else {
            return Int64((Double(value) * Double(numerator) / Double(denominator)).rounded())
        }
        let half = denominator / 2
        return product >= 0 ? (product + half) / denominator : -((-product + half) / denominator)
    }
}
