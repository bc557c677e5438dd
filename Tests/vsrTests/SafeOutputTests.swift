import Foundation
import XCTest

/// vsr never replaces a file it was not told to, never follows a symlink it did not create, and
/// finds every file it cannot write before the run starts (issue 20).
final class SafeOutputTests: TemporaryDirectoryTestCase {
    private let sample = Tools.sample("testsrc2-320x180-h264-aac.mp4")

    private func bytes(_ file: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: file)) }

    func testAnOutputThatIsTheInputUnderAnotherNameIsRefused() throws {
        let real = path("real.mp4"), link = path("link.mp4")
        try FileManager.default.copyItem(atPath: sample, toPath: real)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
        let before = try bytes(real)
        for (input, output) in [(link, real), (real, link)] {
            let run = try Tools.vsr(["upscale", input, "-o", output, "-y", "--model", "bicubic", "--frames", "2", "--progress", "none"])
            XCTAssertEqual(run.status, 64, run.stderr)
            XCTAssertTrue(run.stderr.contains("would overwrite the input"), run.stderr)
        }
        XCTAssertEqual(try bytes(real), before, "the input is untouched")
    }

    func testStatsJSONFollowsTheSameRulesBeforeTheRun() throws {
        let input = path("in.mp4"), output = path("out.mkv"), stats = path("stats.json")
        try FileManager.default.copyItem(atPath: sample, toPath: input)
        let before = try bytes(input)
        let onInput = try Tools.vsr(["upscale", input, "-o", output, "--model", "bicubic", "--frames", "2", "--stats-json", input])
        XCTAssertEqual(onInput.status, 64, onInput.stderr)
        XCTAssertTrue(onInput.stderr.contains("would overwrite the input"), onInput.stderr)
        XCTAssertEqual(try bytes(input), before, "the input video is untouched")
        let onOutput = try Tools.vsr(["upscale", input, "-o", output, "--model", "bicubic", "--frames", "2", "--stats-json", output])
        XCTAssertEqual(onOutput.status, 64, onOutput.stderr)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: stats))
        let exists = try Tools.vsr(["upscale", input, "-o", output, "--model", "bicubic", "--frames", "2", "--stats-json", stats])
        XCTAssertEqual(exists.status, 73, exists.stderr)
        XCTAssertTrue(exists.stderr.contains("stats.json: output exists"), exists.stderr)
        let unwritable = try Tools.vsr([
            "upscale", input, "-o", output, "--model", "bicubic", "--frames", "2", "--stats-json", path("none/s.json"),
        ])
        XCTAssertEqual(unwritable.status, 73, unwritable.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "each refusal came before the run")
        XCTAssertEqual(try listing().sorted(), ["in.mp4", "stats.json"])
    }

    func testASymlinkAtTheOutputIsReplacedNotFollowed() throws {
        let victim = path("victim.txt"), output = path("out.mkv")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: victim))
        try FileManager.default.createSymbolicLink(atPath: output, withDestinationPath: victim)
        let run = try Tools.vsr(["upscale", sample, "-o", output, "-y", "--model", "bicubic", "--frames", "2", "--progress", "none"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try bytes(victim), Data("keep".utf8), "the symlink's target is untouched")
        let attributes = try FileManager.default.attributesOfItem(atPath: output)
        XCTAssertEqual(attributes[.type] as? FileAttributeType, .typeRegular, "out.mkv is now vsr's file, not a link")
    }

    func testAFileNamedLikeAProtocolIsAFile() throws {
        let input = path("pipe:0.mp4"), output = path("http:out.mkv")
        try FileManager.default.copyItem(atPath: sample, toPath: input)
        let run = try Tools.vsr(["upscale", input, "-o", output, "--model", "bicubic", "--frames", "3", "--progress", "none"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try Probe("file:" + output).framePresentationTimes().count, 3, "ffprobe reads it as a file too")
    }

    func testTemporaryFilesOfDeadRunsAreSwept() throws {
        // A pid that has ended: a finished child's.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let pid = child.processIdentifier
        let stale = [path(".out.mkv.\(pid).a1b2c3.vsr-tmp"), path(".out.mkv.\(pid).vsr-tmp")]
        let alive = path(".out.mkv.\(getpid()).zzzzzz.vsr-tmp")
        for file in stale + [alive] { try Data("moov-less".utf8).write(to: URL(fileURLWithPath: file)) }
        let run = try Tools.vsr(["upscale", sample, "-o", path("out.mkv"), "--model", "bicubic", "--frames", "2", "--progress", "none"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(
            try listing().sorted(), [URL(fileURLWithPath: alive).lastPathComponent, "out.mkv"].sorted(),
            "the dead run's files are gone; a live process's file stays")
    }
}
