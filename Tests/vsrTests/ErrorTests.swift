import Foundation
import XCTest

/// Every documented failure: one `vsr: error:` line naming the file and the reason, the documented
/// exit status, and nothing left under the output name.
final class ErrorTests: TemporaryDirectoryTestCase {
    private var sample: String { Tools.sample(Tools.samples[0]) }

    private func assertFails(
        _ arguments: [String], status: Int32, mentions: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let result = try Tools.vsr(arguments)
        XCTAssertEqual(result.status, status, "stderr: \(result.stderr)", file: file, line: line)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "expected one line, got: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("vsr: error: "), result.stderr, file: file, line: line)
        for word in mentions {
            XCTAssertTrue(result.stderr.contains(word), "'\(word)' not in: \(result.stderr)", file: file, line: line)
        }
        XCTAssertFalse(result.stderr.contains("Fatal error"), file: file, line: line)
    }

    func testMissingInput() throws {
        let missing = path("nope.mp4")
        try assertFails(
            ["upscale", "--model", "bicubic", missing, "-o", path("out.mp4")], status: 66, mentions: [missing, "no such file"])
        XCTAssertEqual(try listing(), [])
    }

    func testNotAMediaFile() throws {
        let text = path("notes.mp4")
        try "this is not a video\n".write(toFile: text, atomically: true, encoding: .utf8)
        try assertFails(["upscale", "--model", "bicubic", text, "-o", path("out.mp4")], status: 65, mentions: [text, "not a media file"])
        XCTAssertEqual(try listing(), ["notes.mp4"])
    }

    func testEmptyFile() throws {
        let empty = path("empty.mkv")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        try assertFails(["upscale", "--model", "bicubic", empty, "-o", path("out.mkv")], status: 65, mentions: [empty])
    }

    func testNoVideoStream() throws {
        let audio = path("tone.m4a")
        try Tools.ffmpeg(["-f", "lavfi", "-i", "sine=duration=0.3", "-c:a", "aac", audio])
        try assertFails(["upscale", "--model", "bicubic", audio, "-o", path("out.mp4")], status: 65, mentions: [audio, "no video stream"])
        XCTAssertEqual(try listing(), ["tone.m4a"])
    }

    func testUnknownCodec() throws {
        try assertFails(
            ["upscale", "--model", "bicubic", sample, "-o", path("out.mp4"), "--codec", "nosuchcodec"], status: 69,
            mentions: ["nosuchcodec"])
        XCTAssertEqual(try listing(), [])
    }

    func testUnknownPixelFormat() throws {
        try assertFails(
            ["upscale", "--model", "bicubic", sample, "-o", path("out.mp4"), "--pix-fmt", "yuv999p"], status: 64,
            mentions: ["yuv999p"])
        XCTAssertEqual(try listing(), [])
    }

    func testPixelFormatTheEncoderRefuses() throws {
        try assertFails(
            ["upscale", "--model", "bicubic", sample, "-o", path("out.mp4"), "--pix-fmt", "rgb24"], status: 69,
            mentions: ["libx264", "rgb24"])
    }

    func testOddOutputSizeForH264() throws {
        // The sample is HLG, so HEVC is the default encoder; H.264 when asked for.
        try assertFails(
            ["upscale", "--model", "bicubic", Tools.sample("odd-321x181-yuv422p10.mkv"), "-o", path("out.mkv"), "--scale", "3"],
            status: 69, mentions: ["963x543", "libx265"])
        try assertFails(
            [
                "upscale", "--model", "bicubic", Tools.sample("odd-321x181-yuv422p10.mkv"), "-o", path("out.mkv"), "--scale", "3",
                "--codec", "libx264",
            ], status: 69, mentions: ["963x543", "libx264"])
        XCTAssertEqual(try listing(), [])
    }

    func testUnwritableOutputDirectory() throws {
        let output = path("missing-dir/out.mp4")
        try assertFails(["upscale", "--model", "bicubic", sample, "-o", output], status: 73, mentions: [output, "no such directory"])
    }

    func testUnknownContainer() throws {
        try assertFails(["upscale", "--model", "bicubic", sample, "-o", path("out.nosuchext")], status: 64, mentions: ["out.nosuchext"])
    }

    func testExistingOutputWithoutOverwrite() throws {
        let output = path("exists.mp4")
        try "keep me".write(toFile: output, atomically: true, encoding: .utf8)
        try assertFails(["upscale", "--model", "bicubic", sample, "-o", output], status: 73, mentions: [output, "--overwrite"])
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), "keep me")
        XCTAssertEqual(try listing(), ["exists.mp4"])

        let replaced = try Tools.vsr([
            "upscale", "--model", "bicubic", sample, "-o", output, "-y", "--frames", "3", "--preset", "ultrafast",
        ])
        XCTAssertEqual(replaced.status, 0, replaced.stderr)
        XCTAssertEqual(try Probe(output).framePresentationTimes().count, 3)
    }

    func testOutputSameAsInput() throws {
        let copy = path("in.mp4")
        try FileManager.default.copyItem(atPath: sample, toPath: copy)
        try assertFails(["upscale", "--model", "bicubic", copy, "-o", copy, "-y"], status: 64, mentions: [copy, "overwrite the input"])
    }

    func testUnknownOption() throws {
        try assertFails(
            ["upscale", "--model", "bicubic", sample, "-o", path("out.mp4"), "--frobnicate"], status: 64, mentions: ["--frobnicate"])
    }

    func testBadScale() throws {
        try assertFails(
            ["upscale", "--model", "bicubic", sample, "-o", path("out.mp4"), "--scale", "5"], status: 64, mentions: ["--scale"])
    }

    func testMissingOutputOption() throws {
        try assertFails(["upscale", "--model", "bicubic", sample], status: 64, mentions: ["--output"])
    }

    func testHelpAndVersionSucceed() throws {
        let help = try Tools.vsr(["upscale", "--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdoutText.contains("--chroma-scaler"))
        let version = try Tools.vsr(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertFalse(version.stdoutText.isEmpty)
    }
}
