import Foundation
import VSRCore
import XCTest

@testable import VSRRun

final class EndpointTests: XCTestCase {
    func testOutputKindByNameExtensionAndFlag() {
        XCTAssertEqual(OutputKind.choose(path: "-", format: nil), .raw(.y4m))
        XCTAssertEqual(OutputKind.choose(path: "-", format: .rawvideo), .raw(.rawvideo))
        XCTAssertEqual(OutputKind.choose(path: "a.Y4M", format: nil), .raw(.y4m))
        for name in ["a.yuv", "a.raw", "a.rgb"] { XCTAssertEqual(OutputKind.choose(path: name, format: nil), .raw(.rawvideo)) }
        for name in ["a.mp4", "a.mkv", "a.webm", "a"] { XCTAssertEqual(OutputKind.choose(path: name, format: nil), .encoded) }
        XCTAssertEqual(OutputKind.choose(path: "a.mkv", format: .y4m), .raw(.y4m))
    }

    func testSizesAndRates() throws {
        XCTAssertTrue(try FrameGeometry.parseSize("1280X720") == (1280, 720))
        XCTAssertEqual(try FrameGeometry.parseRate("30000/1001").num, 30000)
        for bad in ["12", "0x5", "x5", "5x", "axb", "1x2x3"] {
            XCTAssertThrowsError(try FrameGeometry.parseSize(bad), bad)
        }
        for bad in ["0", "1/0", "a", "1/2/3", "-5"] {
            XCTAssertThrowsError(try FrameGeometry.parseRate(bad), bad)
        }
    }

    func testRecipeFoldersComeFromTheEnvironmentAndTheExecutableNeverTheBuildMachine() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vsr-recipes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        // An installed layout: PREFIX/bin/vsr and PREFIX/share/vsr/pipelines.
        let installed = RecipeLibrary.defaultDirectories(
            environment: ["VSR_RECIPES": "/r", "XDG_DATA_HOME": "/data"],
            executable: root.appendingPathComponent("prefix/bin/vsr"))
        XCTAssertEqual(installed.map(\.path), ["/r", "/data/vsr/pipelines", root.path + "/prefix/share/vsr/pipelines"])
        // A development build: CHECKOUT/.build/<triple>/debug/vsr finds CHECKOUT/Pipelines.
        let checkout = root.appendingPathComponent("checkout")
        let binary = checkout.appendingPathComponent(".build/x86_64-unknown-linux-gnu/debug/vsr")
        try FileManager.default.createDirectory(at: binary.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data().write(to: checkout.appendingPathComponent("Package.swift"))
        let development = RecipeLibrary.defaultDirectories(environment: ["XDG_DATA_HOME": "/data"], executable: binary)
        XCTAssertEqual(development.last?.path, checkout.path + "/Pipelines")
    }

    func testRecipesByNameFirstFolderWins() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vsr-recipes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let first = root.appendingPathComponent("a"), second = root.appendingPathComponent("b")
        for folder in [first, second] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try Data("{}".utf8).write(to: first.appendingPathComponent("x.json"))
        try Data("{}".utf8).write(to: second.appendingPathComponent("x.json"))
        try Data("{}".utf8).write(to: second.appendingPathComponent("y.json"))
        let library = RecipeLibrary(directories: [first, second])
        XCTAssertEqual(library.all().map(\.name), ["x", "y"])
        XCTAssertEqual(try library.locate("x"), first.appendingPathComponent("x.json").path)
        XCTAssertThrowsError(try library.locate("z")) { error in
            XCTAssertEqual(ExitStatusMapping.status(for: error), ExitStatus.usage)
        }
    }
}

final class FrameMemoryBudgetTests: XCTestCase {
    private let input = VideoStreamInfo(
        width: 640, height: 360, format: .yuv420p, timeBase: Rational(1, 25), frameRate: Rational(25, 1),
        sampleAspectRatio: Rational(1, 1), color: ColorInfo(), estimatedFrameCount: nil, sourceFormatName: "yuv420p")

    func testDeepQueuesAreCutToTheBudgetWithANote() throws {
        let output = input.scaled(by: 2)
        let perFrame = FrameMemoryBudget.frameBytes(input) + FrameMemoryBudget.frameBytes(output)
        XCTAssertEqual(perFrame, 640 * 360 * 3 / 2 * 5)
        let budget = FrameMemoryBudget(bytes: perFrame * 20)
        var notes: [String] = []
        XCTAssertEqual(try budget.queueDepth(requested: 4, workers: 2, input: input, output: output) { notes.append($0) }, 4)
        XCTAssertTrue(notes.isEmpty)
        XCTAssertEqual(try budget.queueDepth(requested: 100_000, workers: 2, input: input, output: output) { notes.append($0) }, 9)
        XCTAssertTrue(notes.first?.contains("--queue-depth 100000") ?? false, "\(notes)")
        XCTAssertThrowsError(try budget.queueDepth(requested: 4, workers: 19, input: input, output: output) { _ in }) { error in
            XCTAssertTrue("\(error)".contains("lower --workers"), "\(error)")
        }
    }
}
