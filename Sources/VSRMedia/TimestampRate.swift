import CFFmpeg
import VSRCore

/// The frame rate the timestamps show, for containers whose stated rate is a guess: Matroska and FLV
/// files often carry 1 ms packet durations, which make FFmpeg's average rate read 1000 fps for 30 fps
/// video. The mean interval between the first frames' timestamps (gaps left out) decides.
enum TimestampRate {
    /// Rates that timestamps rounded to a container's clock (1 ms in Matroska) snap to.
    private static let common: [Rational] = [
        Rational(24000, 1001), Rational(24, 1), Rational(25, 1), Rational(30000, 1001), Rational(30, 1),
        Rational(48, 1), Rational(50, 1), Rational(60000, 1001), Rational(60, 1), Rational(100, 1),
        Rational(120000, 1001), Rational(120, 1), Rational(15, 1), Rational(12, 1), Rational(10, 1),
    ]

    /// The rate implied by `timestamps` (any order), or nil when there are fewer than two distinct ones.
    static func measured(_ timestamps: [Int64], timeBase: AVRational) -> Rational? {
        let sorted = timestamps.sorted()
        let steps = zip(sorted, sorted.dropFirst()).map { $1 - $0 }.filter { $0 > 0 }.sorted()
        guard !steps.isEmpty, timeBase.num > 0, timeBase.den > 0 else { return nil }
        // The mean step: rounding to the container's clock (33, 33, 34 ms) averages out, variable
        // rates give their average; gaps (steps over 4x the median) do not count.
        let median = steps[steps.count / 2]
        let regular = steps.filter { $0 <= 4 * median }
        let tick = av_q2d(timeBase)
        let seconds = Double(regular.reduce(0, +)) / Double(regular.count) * tick
        guard seconds > 0 else { return nil }
        let rate = 1 / seconds
        let tolerance = max(0.002, tick / seconds / Double(regular.count))
        let nearest = common.min { abs(($0.doubleValue ?? 0) / rate - 1) < abs(($1.doubleValue ?? 0) / rate - 1) }
        if let nearest, abs((nearest.doubleValue ?? 0) / rate - 1) <= tolerance { return nearest }
        return Rational(av_d2q(rate, 1_001_000))
    }

    /// The container's `stated` rate when the timestamps agree with it within a factor of 1.5 (a
    /// variable rate's average over the whole file differs from its first frames'); otherwise the
    /// measured one.
    static func choose(stated: Rational, measured: Rational?) -> Rational {
        guard let measured else { return stated }
        guard stated.num > 0, let statedValue = stated.doubleValue, let measuredValue = measured.doubleValue else {
            return measured
        }
        let ratio = statedValue / measuredValue
        return (1 / 1.5...1.5).contains(ratio) ? stated : measured
    }
}
