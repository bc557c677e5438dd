import Foundation
import XCTest

/// Damaged and hostile media files: each ends in bounded time with a clear message and the
/// documented exit status, never a crash; the frames decodable before the damage are written.
final class DamagedMediaTests: TemporaryDirectoryTestCase {
    private var sample: String { Tools.sample(Tools.samples[0]) }

    /// What one run did: status, stderr, and the frames ffmpeg decodes from the output without an
    /// error (nil when there is no output file).
    private struct Outcome {
        let status: Int32
        let stderr: String
        let frames: Int?
    }

    private func upscale(_ input: String, output: String = "out.mkv", extra: [String] = []) throws -> Outcome {
        let out = path(output)
        let result = try Tools.run(
            Tools.vsr, ["upscale", input, "-o", out, "--model", "bicubic", "--progress", "none"] + extra,
            timeout: 120)
        XCTAssertFalse(result.stderr.contains("Fatal error"), result.stderr)
        XCTAssertTrue(try listing().allSatisfy { !$0.contains("vsr-tmp") && !$0.contains(".vsr-") }, "temporary file left behind")
        guard FileManager.default.fileExists(atPath: out) else { return Outcome(status: result.status, stderr: result.stderr, frames: nil) }
        let decode = try Tools.run(Tools.which("ffmpeg")!, ["-v", "error", "-i", out, "-map", "0:v", "-f", "framemd5", "-"])
        XCTAssertEqual(decode.status, 0, "the output does not decode: \(decode.stderr)")
        XCTAssertEqual(decode.stderr, "", "decoding the output reported: \(decode.stderr)")
        let frames = decode.stdoutText.split(separator: "\n").filter { !$0.hasPrefix("#") }.count
        return Outcome(status: result.status, stderr: result.stderr, frames: frames)
    }

    private func lastLine(_ text: String) -> String { text.split(separator: "\n").last.map(String.init) ?? "" }

    func testTruncatedMP4KeepsTheFramesBeforeTheCut() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: sample))
        var kept: [Int] = []
        for percent in [10, 50, 90] {
            let cut = path("cut\(percent).mp4")
            try bytes.prefix(bytes.count * percent / 100).write(to: URL(fileURLWithPath: cut))
            let outcome = try upscale(cut, output: "out\(percent).mkv")
            XCTAssertEqual(outcome.status, 65, outcome.stderr)
            XCTAssertTrue(lastLine(outcome.stderr).hasPrefix("vsr: error: \(cut): the input ends after"), outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("the file is truncated"), outcome.stderr)
            XCTAssertTrue(outcome.stderr.contains("kept the"), outcome.stderr)
            let frames = try XCTUnwrap(outcome.frames, "no output for the \(percent)% cut")
            XCTAssertGreaterThan(frames, 0)
            XCTAssertLessThan(frames, 50)
            kept.append(frames)
            let probe = try Tools.run(Tools.vsr, ["probe", cut, "--benchmark-seconds", "0"], timeout: 60)
            XCTAssertEqual(probe.status, 0, probe.stderr)
            XCTAssertTrue(probe.stdoutText.contains("  truncated: the index lists 50 video packets, the file holds "), probe.stdoutText)
        }
        XCTAssertEqual(kept, kept.sorted(), "a longer prefix keeps at least as many frames")
        print("truncated mp4: 10/50/90% kept \(kept) of 50 frames")
    }

    /// Random bytes flipped in the middle of a Matroska file: the demuxer resyncs past the broken
    /// cluster. vsr writes every frame it can decode and warns about the gap in the timestamps.
    func testCorruptedPacketsInMKV() throws {
        let clean = path("clean.mkv")
        try Tools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-frames:v", "50", "-c:v", "libx264", "-g", "10", clean])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: clean)))
        // 200 bytes spread over the middle fifth, the same on every run.
        let start = bytes.count * 4 / 10, span = bytes.count / 5
        for i in 0..<200 { bytes[start + (i * 7919) % span] = UInt8(truncatingIfNeeded: i * 131 + 17) }
        let corrupt = path("corrupt.mkv")
        try Data(bytes).write(to: URL(fileURLWithPath: corrupt))
        let outcome = try upscale(corrupt)
        XCTAssertTrue([0, 65].contains(outcome.status), outcome.stderr)
        XCTAssertTrue(
            outcome.stderr.contains("vsr: warning: \(corrupt):") || outcome.status == 65,
            "lost frames without a word: \(outcome.stderr)")
        let frames = try XCTUnwrap(outcome.frames)
        XCTAssertGreaterThan(frames, 10)
        print(
            "corrupted mkv: status \(outcome.status), \(frames) of 50 frames; \(outcome.stderr.replacingOccurrences(of: "\n", with: " | "))"
        )
    }

    /// A Matroska file cut before its first cluster: a video stream, no frame.
    func testVideoWithoutFrames() throws {
        let clean = path("clean.mkv")
        try Tools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-frames:v", "5", "-c:v", "libx264", clean])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: clean))
        let cluster = try XCTUnwrap(bytes.range(of: Data([0x1F, 0x43, 0xB6, 0x75])), "no Cluster element")
        let headerOnly = path("no-frames.mkv")
        try bytes.prefix(upTo: cluster.lowerBound).write(to: URL(fileURLWithPath: headerOnly))
        let outcome = try upscale(headerOnly)
        XCTAssertEqual(outcome.status, 65, outcome.stderr)
        XCTAssertTrue(outcome.stderr.hasPrefix("vsr: error: \(headerOnly):"), outcome.stderr)
        XCTAssertNil(outcome.frames, "an output was left for an input without frames")
    }

    /// A y4m stream with a header and no frame: an error, and no empty file under the output name.
    func testY4MWithoutFrames() throws {
        let input = path("header-only.y4m")
        try "YUV4MPEG2 W16 H16 F25:1 C420jpeg\n".write(toFile: input, atomically: true, encoding: .utf8)
        let outcome = try upscale(input, extra: ["--input-format", "y4m"])
        XCTAssertEqual(outcome.status, 65, outcome.stderr)
        XCTAssertEqual(outcome.stderr, "vsr: error: \(input): no video frames in the input; nothing was written\n")
        XCTAssertNil(outcome.frames)
        XCTAssertEqual(try listing(), ["header-only.y4m"])
    }

    func testTinyFrames() throws {
        for (size, format, codec) in [("1x1", "yuv444p", "ffv1"), ("2x2", "yuv420p", "ffv1")] {
            let input = path("tiny-\(size).mkv")
            try Tools.ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=16x16:rate=25", "-vf", "scale=\(size.replacingOccurrences(of: "x", with: ":"))",
                "-frames:v", "3", "-c:v", codec, "-pix_fmt", format, input,
            ])
            let outcome = try upscale(input, output: "out-\(size).mkv", extra: ["--model", "repsr-y-x2"])
            XCTAssertEqual(outcome.status, 0, outcome.stderr)
            XCTAssertEqual(outcome.frames, 3)
            let probe = try Probe(path("out-\(size).mkv"))
            XCTAssertEqual(probe.videoInt("width"), size == "1x1" ? 2 : 4)
        }
    }

    /// A Matroska header claiming 16384x16384 (the ffv1 data is 320x256): refused by the size
    /// limit before a decoder or frame is allocated.
    func testHugeFrameSizeInTheContainerHeader() throws {
        let small = path("small.mkv")
        try Tools.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x256:rate=5", "-frames:v", "2", "-c:v", "ffv1", small])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: small)))
        // PixelWidth (0xB0) = 320 and PixelHeight (0xBA) = 256, two bytes each, become 16384.
        for element in [[0xB0, 0x82, 0x01, 0x40], [0xBA, 0x82, 0x01, 0x00]] as [[UInt8]] {
            let at = try XCTUnwrap(Data(bytes).range(of: Data(element))?.lowerBound, "element \(element) not found")
            bytes[at + 2] = 0x40
            bytes[at + 3] = 0x00
        }
        let huge = path("huge.mkv")
        try Data(bytes).write(to: URL(fileURLWithPath: huge))
        let started = Date()
        let outcome = try upscale(huge)
        XCTAssertEqual(outcome.status, 65, outcome.stderr)
        XCTAssertEqual(
            outcome.stderr,
            "vsr: error: \(huge): frame size 16384x16384 is over the limit of 67108864 pixels " + "(8192x8192, sides up to 16384)\n")
        XCTAssertNil(outcome.frames)
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
    }

    /// MPEG-TS whose second half is 160x90: refused at the change, the frames before it kept.
    func testResolutionChangeMidStream() throws {
        let first = path("a.ts"), second = path("b.ts")
        try Tools.ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-frames:v", "10", "-c:v", "libx264", "-f", "mpegts", first,
        ])
        try Tools.ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25", "-frames:v", "10", "-c:v", "libx264",
            "-output_ts_offset", "0.4", "-f", "mpegts", second,
        ])
        let joined = path("joined.ts")
        try (try Data(contentsOf: URL(fileURLWithPath: first)) + Data(contentsOf: URL(fileURLWithPath: second)))
            .write(to: URL(fileURLWithPath: joined))
        let outcome = try upscale(joined)
        XCTAssertEqual(outcome.status, 65, outcome.stderr)
        XCTAssertTrue(
            lastLine(outcome.stderr).contains("the video size changes mid-stream from 320x180 to 160x90 at frame 10"), outcome.stderr)
        XCTAssertEqual(outcome.frames, 10)
    }
}
