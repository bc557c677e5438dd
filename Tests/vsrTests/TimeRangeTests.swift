import Foundation
import VSRCore
import XCTest

/// `--start`, `--end`, `--duration`: frame-accurate cuts of a file, judged by ffprobe.
final class TimeRangeTests: TemporaryDirectoryTestCase {
    func testTimesParse() {
        XCTAssertEqual(TimeRange.seconds("90"), 90)
        XCTAssertEqual(TimeRange.seconds("1.5"), 1.5)
        XCTAssertEqual(TimeRange.seconds("01:30"), 90)
        XCTAssertEqual(TimeRange.seconds("00:01:30.250"), 90.25)
        XCTAssertEqual(TimeRange.seconds("1:00:00"), 3600)
        for bad in ["", "x", "-1", "1:60", "1:2:3:4", "1::2", "inf", "nan"] { XCTAssertNil(TimeRange.seconds(bad), bad) }
    }

    func testStartAndDurationGiveExactlyTheFramesInTheRangeAndAudioOfItsLength() throws {
        let input = path("five.mp4")
        try Tools.ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "5", "-c:v", "libx264", "-g", "50", "-c:a", "aac", "-shortest", input,
        ])
        let output = path("cut.mkv")
        let result = try Tools.vsr([
            "upscale", input, "-o", output, "--start", "1.5", "--duration", "2", "--model", "bicubic", "--progress", "none",
            "--encoder-preset", "ultrafast",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let inputTimes = try Probe(input).framePresentationTimes().compactMap(Double.init)
        let expected = inputTimes.filter { $0 >= 1.5 - 1e-9 && $0 < 3.5 - 1e-9 }.map { $0 - 1.5 }
        let outputTimes = try Probe(output).framePresentationTimes().compactMap(Double.init)
        XCTAssertEqual(outputTimes.count, expected.count)
        XCTAssertEqual(expected.count, 50)
        for (got, want) in zip(outputTimes, expected) { XCTAssertEqual(got, want, accuracy: 0.0015) }

        let packets = try Tools.ffprobe(output, ["-select_streams", "a:0", "-show_entries", "packet=pts_time,duration_time"])
        let audio = (packets["packets"] as? [[String: Any]] ?? []).compactMap { p -> (Double, Double)? in
            guard let start = Double(p["pts_time"] as? String ?? ""), let length = Double(p["duration_time"] as? String ?? "") else {
                return nil
            }
            return (start, length)
        }
        let first = try XCTUnwrap(audio.first), last = try XCTUnwrap(audio.last)
        XCTAssertEqual(first.0, 0, accuracy: 0.025, "audio starts within one AAC frame of the cut")
        XCTAssertEqual(last.0 + last.1 - first.0, 2, accuracy: 0.05, "two seconds of sound")
    }

    func testEndAndBadRangesAreRefused() throws {
        let sample = Tools.sample(Tools.samples[0])
        let end = try Tools.vsr([
            "upscale", sample, "-o", path("end.mkv"), "--end", "00:00:01.000", "--model", "bicubic", "--progress", "none",
        ])
        XCTAssertEqual(end.status, 0, end.stderr)
        XCTAssertTrue(end.stderr.contains("upscaled 25 frames"), end.stderr)
        for (arguments, message) in [
            (["--start", "2", "--end", "1"], "must come after --start"), (["--end", "2", "--duration", "1"], "not both"),
            (["--start", "1:75"], "is not a time"), (["--duration", "0"], "more than 0"),
        ] {
            let result = try Tools.vsr(["upscale", sample, "-o", path("bad.mkv"), "--model", "bicubic"] + arguments)
            XCTAssertEqual(result.status, 64, result.stderr)
            XCTAssertTrue(result.stderr.contains(message), result.stderr)
        }
        let pipe = try Tools.run(
            "/bin/bash", ["-c", "printf 'YUV4MPEG2 W8 H6 F25:1\\n' | \"\(Tools.vsr)\" upscale - -o \(path("p.y4m")) --start 1"])
        XCTAssertEqual(pipe.status, 64, pipe.stderr)
        XCTAssertTrue(pipe.stderr.contains("need a media file as input"), pipe.stderr)
        XCTAssertEqual(try listing().filter { !$0.hasPrefix("end") }, [])
    }
}
