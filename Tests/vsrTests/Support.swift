import Foundation
import XCTest

/// The result of running a command to completion.
struct CommandResult {
    var status: Int32
    var stdout: Data
    var stderr: String
    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs the built `vsr` binary and the ffmpeg/ffprobe CLIs (an independent reader of its output).
enum Tools {
    /// The `vsr` binary beside the test bundle (SwiftPM builds it because the tests depend on it);
    /// `VSR_BIN` overrides it.
    static var vsr: String {
        if let path = ProcessInfo.processInfo.environment["VSR_BIN"] { return path }
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return here.appendingPathComponent("vsr").path
    }

    /// Under `make sanitize` the test process runs without LeakSanitizer (XCTest and Foundation
    /// keep objects alive to the end) while every `vsr` it starts is checked for leaks:
    /// VSR_CHILD_ASAN_OPTIONS becomes ASAN_OPTIONS for the children.
    static func prepareChildEnvironment() { _ = childEnvironment }
    private static let childEnvironment: Void = {
        if let options = ProcessInfo.processInfo.environment["VSR_CHILD_ASAN_OPTIONS"] { setenv("ASAN_OPTIONS", options, 1) }
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func sample(_ name: String) -> String {
        packageRoot.appendingPathComponent("Samples").appendingPathComponent(name).path
    }

    /// `../shared` beside the package: checkpoints, test sets, real media.
    static let sharedFolder = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")

    /// A file or folder under `../shared`; the test is skipped with a visible message when it is
    /// absent (`make test` refuses to start without `../shared`, so CI fails loudly instead).
    static func shared(_ relative: String) throws -> String {
        let path = sharedFolder.appendingPathComponent(relative).path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("SKIPPED: \(path) is absent") }
        return path
    }

    static let samples = ["testsrc2-320x180-h264-aac.mp4", "vfr-mandelbrot-256x144.mkv", "odd-321x181-yuv422p10.mkv"]

    /// Under a sanitizer (`make sanitize`) programs run several times slower: timeouts stretch.
    static let timeoutScale: Double = ProcessInfo.processInfo.environment["VSR_SANITIZER"] == nil ? 1 : 10

    @discardableResult
    /// `environment` adds to (or overrides) this process's environment.
    static func run(
        _ executable: String, _ arguments: [String], timeout: TimeInterval = 300,
        environment: [String: String] = [:]
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        // stdout goes to a file and stderr to a pipe read here, so neither can fill up and block.
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("vsr-test-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL) }
        let out = try FileHandle(forWritingTo: outURL)
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try out.close()
        let watchdog = DispatchWorkItem { [process] in if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout * timeoutScale, execute: watchdog)
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return CommandResult(
            status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    static func vsr(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandResult {
        try run(vsr, arguments, environment: environment)
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    @discardableResult
    static func ffmpeg(_ arguments: [String]) throws -> CommandResult {
        let result = try run(which("ffmpeg") ?? "/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-v", "error"] + arguments)
        if result.status != 0 { throw failure("ffmpeg \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result
    }

    /// ffprobe's JSON for `arguments` (without the output-format flags).
    static func ffprobe(_ path: String, _ arguments: [String]) throws -> [String: Any] {
        let result = try run(which("ffprobe") ?? "/usr/bin/ffprobe", ["-v", "error", "-of", "json"] + arguments + [path])
        if result.status != 0 { throw failure("ffprobe \(path): \(result.stderr)") }
        return try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any] ?? [:]
    }

    static func failure(_ message: String) -> NSError {
        NSError(domain: "vsrTests", code: 2, userInfo: [NSLocalizedDescriptionKey: message])
    }
}

/// A fresh temporary directory per test, removed afterwards.
class TemporaryDirectoryTestCase: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        Tools.prepareChildEnvironment()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vsr-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Names in the test directory (to check nothing partial or temporary is left behind).
    func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }
}

/// What ffprobe reports about a file, reduced to what the tests compare.
struct Probe {
    let json: [String: Any]
    let path: String

    init(_ path: String) throws {
        self.path = path
        json = try Tools.ffprobe(path, ["-show_streams", "-show_format", "-show_chapters"])
    }

    var streams: [[String: Any]] { json["streams"] as? [[String: Any]] ?? [] }
    var video: [String: Any] { streams.first { $0["codec_type"] as? String == "video" } ?? [:] }
    func streams(ofType type: String) -> [[String: Any]] { streams.filter { $0["codec_type"] as? String == type } }
    var chapters: [[String: Any]] { json["chapters"] as? [[String: Any]] ?? [] }
    var duration: Double { Double((json["format"] as? [String: Any])?["duration"] as? String ?? "") ?? -1 }
    func videoInt(_ key: String) -> Int { video[key] as? Int ?? -1 }
    func videoString(_ key: String) -> String { video[key] as? String ?? "" }

    /// Presentation times of the decoded video frames, in seconds, as ffprobe prints them.
    func framePresentationTimes() throws -> [String] {
        let frames = try Tools.ffprobe(path, ["-select_streams", "v:0", "-show_entries", "frame=pts_time"])
        return (frames["frames"] as? [[String: Any]] ?? []).map { $0["pts_time"] as? String ?? "none" }
    }

    /// pts and MD5 of every packet of the given stream type ("a", "s").
    func packetDigests(_ selector: String) throws -> [String] {
        let packets = try Tools.ffprobe(
            path,
            [
                "-select_streams", selector, "-show_data_hash", "MD5",
                "-show_entries", "packet=pts_time,data_hash",
            ])
        return (packets["packets"] as? [[String: Any]] ?? []).map {
            "\($0["pts_time"] as? String ?? "none") \($0["data_hash"] as? String ?? "none")"
        }
    }
}
