import Foundation
import XCTest

@testable import VSRInference

/// The fuzz targets' seeds and every saved crash (Fuzz/Seeds, Fuzz/Regressions), replayed through
/// the code `fuzz-pth` and `fuzz-safetensors` call: seeds must load, regressions must be refused.
final class FuzzRegressionTests: XCTestCase {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    static func files(_ kind: String, _ target: String) throws -> [URL] {
        let folder = fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension != "md" }.sorted { $0.path < $1.path }
    }

    func testCheckpointSeedsLoadAndRegressionsAreRefused() throws {
        let seeds = try Self.files("Seeds", "pth")
        XCTAssertGreaterThanOrEqual(seeds.count, 3)
        for seed in seeds {
            let tensors = try TorchCheckpoint.read(contentsOf: seed)
            XCTAssertFalse(tensors.isEmpty, seed.lastPathComponent)
        }
        let regressions = try Self.files("Regressions", "pth")
        XCTAssertFalse(regressions.isEmpty)
        for file in regressions {
            XCTAssertThrowsError(try TorchCheckpoint.read(contentsOf: file), file.lastPathComponent) { error in
                XCTAssertTrue("\(error)".contains(file.path), "the error names the file: \(error)")
            }
        }
    }

    /// Pickles that trapped the reader (Fuzz/Regressions/pickle): each is refused with the byte
    /// position of the problem.
    func testPickleRegressionsAreRefused() throws {
        let regressions = try Self.files("Regressions", "pickle")
        XCTAssertFalse(regressions.isEmpty)
        for file in regressions {
            var reader = PickleReader(bytes: [UInt8](try Data(contentsOf: file)), source: file.lastPathComponent)
            XCTAssertThrowsError(try reader.read(), file.lastPathComponent) { error in
                XCTAssertTrue("\(error)".contains("at byte"), "\(error)")
            }
        }
    }

    /// The strided seed (a transposed 3x4 view saved under `params` with DataParallel's prefix).
    func testStridedSeedIsGatheredInOrder() throws {
        let seed = Self.fuzzFolder.appendingPathComponent("Seeds/pth/wrapped-strided.pth")
        let tensors = try TorchCheckpoint.read(contentsOf: seed)
        XCTAssertEqual(tensors["a.weight"]?.shape, [4, 3])
        XCTAssertEqual(tensors["a.weight"]?.values, [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
        XCTAssertEqual(tensors["a.bias"]?.values, [0, 0, 0, 0])
    }

    func testSafeTensorsSeedsBuildModels() throws {
        let seeds = try Self.files("Seeds", "safetensors")
        XCTAssertGreaterThanOrEqual(seeds.count, 2)
        for seed in seeds {
            let weights = try SafeTensors.read(contentsOf: seed)
            XCTAssertNoThrow(try ModelRegistry.build(weights, source: seed.path), seed.lastPathComponent)
        }
    }
}
