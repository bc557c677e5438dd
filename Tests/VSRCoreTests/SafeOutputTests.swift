import Foundation
import XCTest

@testable import VSRCore

final class SafeOutputTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vsr-safe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func file(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Two runs writing the same output without -y: the later commit finds the file and refuses,
    /// instead of silently replacing the first run's output.
    func testACommitWithoutOverwriteNeverReplacesAFile() throws {
        let output = file("out.mkv")
        let first = try SafeOutput.makeTemporary(for: output), second = try SafeOutput.makeTemporary(for: output)
        XCTAssertNotEqual(first.path, second.path, "each run gets its own temporary name")
        for (run, text) in [(first, "first"), (second, "second")] {
            _ = text.withCString { write(run.descriptor, $0, strlen($0)) }
            close(run.descriptor)
        }
        try SafeOutput.commit(first.path, to: output, overwrite: false)
        XCTAssertThrowsError(try SafeOutput.commit(second.path, to: output, overwrite: false)) { error in
            XCTAssertEqual(error as? VSRError, .outputExists(path: output))
        }
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), "first")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["out.mkv"], "the refused run's file is gone")
    }

    func testTemporaryFilesAreNewRegularFilesWithTheUsualMode() throws {
        let made = try SafeOutput.makeTemporary(for: file("out.mkv"))
        defer { close(made.descriptor) }
        var status = stat()
        XCTAssertEqual(lstat(made.path, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFREG)
        XCTAssertTrue(URL(fileURLWithPath: made.path).lastPathComponent.hasPrefix(".out.mkv.\(getpid())."))
        XCTAssertTrue(made.path.hasSuffix(".vsr-tmp"))
    }

    func testCheckRefusesInputsFoldersAndExistingFiles() throws {
        let input = file("in.mp4"), hardLink = file("again.mp4")
        try Data("video".utf8).write(to: URL(fileURLWithPath: input))
        XCTAssertEqual(link(input, hardLink), 0)
        XCTAssertThrowsError(try SafeOutput.check(hardLink, overwrite: true, notSameAs: [input])) { error in
            XCTAssertTrue("\(error)".contains("would overwrite the input"), "\(error)")
        }
        XCTAssertThrowsError(try SafeOutput.check(input, overwrite: false)) { XCTAssertEqual($0 as? VSRError, .outputExists(path: input)) }
        XCTAssertNoThrow(try SafeOutput.check(input, overwrite: true))
        XCTAssertThrowsError(try SafeOutput.check(folder.path, overwrite: true))
        XCTAssertThrowsError(try SafeOutput.check(file("none/x.mkv"), overwrite: true))
    }
}
