import Foundation
import XCTest

/// `../shared` beside the package: test images, official checkpoints, PyTorch reference outputs.
/// Tests that need it skip with a visible message when it is absent.
enum SharedData {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")

    static func file(_ relative: String) throws -> URL {
        let url = root.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("SKIPPED: \(url.path) is absent (the ../shared folder with checkpoints and references)")
        }
        return url
    }
}
