import Foundation
import XCTest

/// SIGINT, SIGTERM and SIGHUP stop the run, finalize a playable file with the frames done, and exit
/// 130; a second signal during the finalization ends the process at once.
final class SignalTests: TemporaryDirectoryTestCase {
    func testSIGINTKeepsPlayablePartialOutput() throws { try interrupt(with: SIGINT) }
    func testSIGTERMKeepsPlayablePartialOutput() throws { try interrupt(with: SIGTERM) }
    func testSIGHUPKeepsPlayablePartialOutput() throws { try interrupt(with: SIGHUP) }

    func testASecondSignalEndsTheRunAtOnce() throws {
        let input = path("long.mp4")
        try Tools.ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=60", "-c:v", "libx264", "-preset", "ultrafast", input,
        ])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.vsr)
        process.arguments = [
            "upscale", input, "-o", path("partial.mp4"), "--scale", "4", "--model", "bicubic", "--preset", "veryslow", "--progress", "none",
        ]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 4)
        XCTAssertTrue(process.isRunning, "the run ended before the signal; make the input longer")
        kill(process.processIdentifier, SIGINT)
        // x264 veryslow at 1280x720 takes seconds to flush its lookahead: the second signal lands in it.
        Thread.sleep(forTimeInterval: 0.3)
        let second = Date()
        kill(process.processIdentifier, SIGINT)
        while process.isRunning && Date().timeIntervalSince(second) < 30 { Thread.sleep(forTimeInterval: 0.02) }
        XCTAssertFalse(process.isRunning)
        XCTAssertLessThan(Date().timeIntervalSince(second), 1.0, "the second signal did not end the run at once")
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "ended by the signal's default action")
        XCTAssertEqual(process.terminationStatus, SIGINT)
    }

    private func interrupt(with signal: Int32) throws {
        // Long enough that the run is still going when the signal arrives.
        let input = path("long.mp4")
        try Tools.ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=60",
            "-c:v", "libx264", "-preset", "ultrafast", input,
        ])
        let output = path("partial.mp4")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.vsr)
        process.arguments = [
            "upscale", input, "-o", output, "--scale", "4", "--model", "bicubic", "--preset", "slow", "--progress", "none",
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until the encoder has had time to produce frames, then interrupt.
        Thread.sleep(forTimeInterval: 4)
        XCTAssertTrue(process.isRunning, "the run ended before the signal; make the input longer")
        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertFalse(process.isRunning, "vsr did not stop after the signal")
        if process.isRunning { process.terminate(); return }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)

        XCTAssertEqual(process.terminationStatus, 130, stderr)
        XCTAssertTrue(stderr.contains("interrupted"), stderr)
        let frames = try Probe(output).framePresentationTimes().count
        XCTAssertGreaterThan(frames, 0)
        XCTAssertLessThan(frames, 1500)
        // Playable: decodes to the end without an error.
        let decode = try Tools.run(Tools.which("ffmpeg")!, ["-v", "error", "-i", output, "-f", "null", "-"])
        XCTAssertEqual(decode.status, 0)
        XCTAssertEqual(decode.stderr, "", "decoding the partial file reported: \(decode.stderr)")
        XCTAssertEqual(try listing().sorted(), ["long.mp4", "partial.mp4"], "temporary files left behind")
    }
}
