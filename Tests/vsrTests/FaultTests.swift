import Foundation
import XCTest

/// Faults outside vsr: a full disk, the output folder removed, signals at random points, a stdout
/// reader that stalls. Each ends in bounded time with a clear error or a complete file.
final class FaultTests: TemporaryDirectoryTestCase {
    private var sample: String { Tools.sample(Tools.samples[0]) }

    /// A long input, so that a run is still going when the test acts on it.
    private func longInput(seconds: Int = 60) throws -> String {
        let input = path("long.mp4")
        try Tools.ffmpeg([
            "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=\(seconds)",
            "-c:v", "libx264", "-preset", "ultrafast", input,
        ])
        return input
    }

    /// A 100 kB tmpfs: the mkv (through libavformat) and the y4m (vsr's own writer) both fail with
    /// one error line naming the output, exit 1, and no temporary file left on the full disk.
    func testFullDisk() throws {
        let disk = path("disk")
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        let mount = try Tools.run("/bin/mount", ["-t", "tmpfs", "-o", "size=100k", "tmpfs", disk], timeout: 30)
        guard mount.status == 0 else {
            throw XCTSkip("SKIPPED: mounting a small tmpfs needs root (\(mount.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        defer { _ = try? Tools.run("/bin/umount", [disk], timeout: 30) }
        for name in ["out.mkv", "out.y4m"] {
            let output = "\(disk)/\(name)"
            let result = try Tools.run(
                Tools.vsr, ["upscale", sample, "-o", output, "--model", "bicubic", "--progress", "none"], timeout: 120)
            XCTAssertEqual(result.status, 1, result.stderr)
            XCTAssertTrue(result.stderr.hasPrefix("vsr: error: \(output): "), result.stderr)
            XCTAssertTrue(result.stderr.lowercased().contains("no space left on device"), result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk), [], "left on the full disk after \(name)")
        }
    }

    /// The output's folder is removed while vsr writes into it: a clear error, no hang.
    func testOutputFolderRemovedMidRun() throws {
        let input = try longInput()
        let folder = path("gone")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let output = "\(folder)/out.mkv"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.vsr)
        process.arguments = ["upscale", input, "-o", output, "--model", "bicubic", "--progress", "none"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // Wait for the temporary output to exist, then remove the folder under it.
        let appeared = Date().addingTimeInterval(30)
        while (try? FileManager.default.contentsOfDirectory(atPath: folder).isEmpty) != false, Date() < appeared {
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTAssertTrue(process.isRunning, "the run ended before the folder was removed")
        try FileManager.default.removeItem(atPath: folder)
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        XCTAssertFalse(process.isRunning, "vsr hung after its output folder was removed")
        if process.isRunning { process.terminate(); return }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationStatus, 73, stderr)
        XCTAssertTrue(stderr.hasSuffix("vsr: error: \(output): cannot write output: No such file or directory\n"), stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder))
    }

    /// SIGINT and SIGTERM at random points (scripts/signal-trials.py, which the note runs with 100
    /// trials): each trial ends with a playable file or a clean error and leaves no temporary file.
    func testSignalsAtRandomPoints() throws {
        let script = Tools.packageRoot.appendingPathComponent("scripts/signal-trials.py").path
        let result = try Tools.run("/usr/bin/python3", [script, "--trials", "12", "--seed", "5", "--vsr", Tools.vsr], timeout: 600)
        print(result.stdoutText)
        XCTAssertEqual(result.status, 0, result.stdoutText + result.stderr)
        XCTAssertTrue(result.stdoutText.contains("every trial ended with a playable file or a clean error"), result.stdoutText)
    }

    /// A reader that stops reading for 3 s: vsr blocks (no busy loop, no growing buffer) and then
    /// delivers every byte once the reader goes on.
    func testStalledStdoutReader() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tools.vsr)
        process.arguments = ["upscale", sample, "-o", "-", "--model", "bicubic", "--progress", "none"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 1)
        let before = try cpuSecondsAndRSS(of: process.processIdentifier)
        Thread.sleep(forTimeInterval: 3)
        let after = try cpuSecondsAndRSS(of: process.processIdentifier)
        XCTAssertTrue(process.isRunning, "vsr finished with the pipe full")
        XCTAssertLessThan(after.cpu - before.cpu, 0.3, "vsr used CPU while its reader stalled")
        XCTAssertLessThan(after.rssKB, before.rssKB + 20_000, "memory grew while the reader stalled")
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let header = bytes.prefix { $0 != 0x0A }.count + 1
        XCTAssertEqual(bytes.count, header + 50 * ("FRAME\n".count + 640 * 360 * 3 / 2), "every frame after the stall")
        print(
            "stalled reader: vsr used \(String(format: "%.3f", after.cpu - before.cpu)) s CPU in 3 s; RSS \(before.rssKB) -> \(after.rssKB) kB"
        )
    }

    /// User+system CPU seconds and resident memory of a running process, from /proc.
    private func cpuSecondsAndRSS(of pid: Int32) throws -> (cpu: Double, rssKB: Int) {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // Fields after the command name (which is in parentheses and may contain spaces).
        let fields = stat[stat.index(after: try XCTUnwrap(stat.lastIndex(of: ")")))...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let cpu = (Double(fields[11]) ?? 0) / ticks + (Double(fields[12]) ?? 0) / ticks
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let rss =
            status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        return (cpu, rss)
    }
}
