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

    /// `vsr models` with a damaged file in the user's model folder lists it as unreadable (it died
    /// with SIGSEGV on an element count whose byte size overflowed).
    func testModelsListsADamagedInstalledModel() throws {
        let models = path("data/vsr/models")
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        let json = #"{"w":{"dtype":"F32","shape":[4611686018427387905],"data_offsets":[0,4]}}"#
        var data = withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { Data($0) }
        data.append(Data(json.utf8) + Data(count: 4))
        try data.write(to: URL(fileURLWithPath: models + "/huge.safetensors"))
        let run = try Tools.vsr(["models"], environment: ["XDG_DATA_HOME": path("data")])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdoutText.contains("huge") && run.stdoutText.contains("unreadable"), run.stdoutText)
    }

    /// A .pth whose data.pkl inflates to 1.1 GB from 1 MB (a ratio the zip preflight allows) is
    /// refused from its declared size before anything that large is allocated.
    func testACheckpointZipBombIsRefusedBeforeInflating() throws {
        let bomb = path("bomb.pth")
        let script = """
            import sys, zipfile, zlib
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                with z.open('archive/data.pkl', 'w', force_zip64=True) as f:
                    chunk = bytes(1 << 24)
                    for _ in range(66):
                        f.write(chunk)
            """
        let made = try Tools.run("/usr/bin/python3", ["-c", script, bomb])
        XCTAssertEqual(made.status, 0, made.stderr)
        let start = Date()
        let run = try Tools.vsr(["import", bomb, "--arch", "rlfn", "--scale", "2", "-o", path("x.safetensors")])
        XCTAssertEqual(run.status, 65, run.stderr)
        XCTAssertTrue(run.stderr.contains("more than a checkpoint may hold"), run.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.safetensors")))
    }
}
