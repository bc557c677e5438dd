import CFFmpeg
import VSRCore
import XCTest

@testable import VSRMedia

final class TimestampRateTests: XCTestCase {
    private let milliseconds = AVRational(num: 1, den: 1000)

    func testMillisecondRoundingSnapsToTheCommonRate() {
        // 30 fps in a 1 ms clock: 33, 33, 34 ms steps.
        let pts = (0..<30).map { Int64((Double($0) * 1000 / 30).rounded()) }
        XCTAssertEqual(TimestampRate.measured(pts.shuffled(), timeBase: milliseconds), Rational(30, 1))
        let ntsc = (0..<48).map { Int64((Double($0) * 1001 / 30).rounded()) }
        XCTAssertEqual(TimestampRate.measured(ntsc, timeBase: milliseconds), Rational(30000, 1001))
    }

    func testGapsDoNotMoveTheMeasuredRate() {
        var pts = (0..<20).map { Int64($0 * 40) }
        pts += (0..<20).map { Int64(5000 + $0 * 40) }
        XCTAssertEqual(TimestampRate.measured(pts, timeBase: milliseconds), Rational(25, 1))
    }

    func testUncommonRatesAreKeptExactly() {
        let pts = (0..<10).map { Int64($0 * 3) }  // 1/3 s per frame in a 1/9 clock: 3 fps
        XCTAssertEqual(TimestampRate.measured(pts, timeBase: AVRational(num: 1, den: 9)), Rational(3, 1))
        XCTAssertNil(TimestampRate.measured([5], timeBase: milliseconds))
    }

    func testTheStatedRateWinsUnlessTheTimestampsDisagree() {
        XCTAssertEqual(TimestampRate.choose(stated: Rational(1000, 1), measured: Rational(30, 1)), Rational(30, 1))
        // A variable-rate average near the median interval is the container's to state.
        XCTAssertEqual(TimestampRate.choose(stated: Rational(12, 1), measured: Rational(10, 1)), Rational(12, 1))
        XCTAssertEqual(TimestampRate.choose(stated: Rational(0, 0), measured: Rational(25, 1)), Rational(25, 1))
        XCTAssertEqual(TimestampRate.choose(stated: Rational(25, 1), measured: nil), Rational(25, 1))
    }
}
