import Foundation
import XCTest
import ZIPFoundation

@testable import VSRInference

/// Model files, checkpoints and their metadata are someone else's files: each case here crashed or
/// allocated without bound before (issue 20) and must now be a `WeightsError` naming the problem.
final class HostileWeightsTests: XCTestCase {
    func testElementCountsThatOverflowAreRefused() {
        for shape in ["[4611686018427387905]", "[4611686018427387904]", "[2147483648, 2147483648]", "[9223372036854775807, 2]"] {
            let data = SafeTensorsFixture.file(#"{"w":{"dtype":"F32","shape":\#(shape),"data_offsets":[0,4]}}"#, payload: 4)
            XCTAssertThrowsError(try SafeTensors.read(data, source: "huge.safetensors"), shape) { error in
                XCTAssertTrue("\(error)".contains("huge.safetensors"), "\(error)")
            }
        }
    }

    private func model(_ metadata: [String: String], tensors: [String: WeightSet.Entry] = [:]) throws -> any SRModel {
        try ModelRegistry.build(WeightSet(tensors: tensors, metadata: metadata), source: "hostile.safetensors")
    }

    func testHyperParametersAreBoundedBeforeAnythingIsAllocated() {
        let small = ["w": WeightSet.Entry(shape: [4], values: [0, 0, 0, 0])]
        let cases: [([String: String], String)] = [
            (["arch": "plainsr", "scale": "1000000", "colors": "1", "input_range": "1", "channels": "16", "hidden": "4"], "'scale'"),
            (
                [
                    "arch": "rlfn", "scale": "2", "colors": "3", "input_range": "255", "channels": "99999999", "mid_channels": "16",
                    "blocks": "4", "esa_channels": "16",
                ], "'channels'"
            ),
            (
                ["arch": "plainsr", "scale": "2", "colors": "1", "input_range": "1", "channels": "1000000", "hidden": "1000000000"],
                "'channels'"
            ),
            (["arch": "plainsr", "scale": "2", "colors": "1", "input_range": "1", "channels": "16", "hidden": "1000000000"], "'hidden'"),
            // Within the bounds, but far larger than the file's four floats: refused within the first layers.
            (
                ["arch": "plainsr", "scale": "2", "colors": "1", "input_range": "1", "channels": "4096", "hidden": "1024"],
                "larger than the file"
            ),
        ]
        for (metadata, expected) in cases {
            XCTAssertThrowsError(try model(metadata, tensors: small), "\(metadata)") { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) should mention \(expected)")
            }
        }
    }

    func testPicklesNestedTooDeepAreRefusedWithoutOverflowingTheStack() {
        let deep: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 60_000) + [0x2E]  // NONE, TUPLE1 x 60000
        var reader = PickleReader(bytes: deep, source: "deep.pth")
        XCTAssertThrowsError(try reader.read()) { error in
            XCTAssertTrue("\(error)".contains("nested deeper than 1000"), "\(error)")
        }
        let fine: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 999) + [0x2E]
        var shallow = PickleReader(bytes: fine, source: "fine.pth")
        XCTAssertNoThrow(try shallow.read())
    }

    /// A torch.save-style zip holding `pickle` as data.pkl and `storage` floats as data/0.
    private func checkpoint(pickle: [UInt8], storage: [Float]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).pth")
        let archive = try Archive(url: url, accessMode: .create)
        let bytes = storage.withUnsafeBytes { Data($0) }
        for (path, data) in [("archive/data.pkl", Data(pickle)), ("archive/data/0", bytes)] {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return url
    }

    /// OrderedDict([("w", _rebuild_tensor_v2(storage "0", offset, (2,), (stride,)))]).
    private func statePickle(offset: Int32, stride: Int32) -> [UInt8] {
        func int(_ value: Int32) -> [UInt8] { [0x4A] + withUnsafeBytes(of: value.littleEndian) { Array($0) } }
        var p: [UInt8] = [0x80, 0x02]
        p += Array("ccollections\nOrderedDict\n".utf8) + [0x29, 0x52]
        p += [0x58, 1, 0, 0, 0] + Array("w".utf8)
        p += Array("ctorch._utils\n_rebuild_tensor_v2\n".utf8)
        p += [0x28]
        p += [0x28, 0x58, 7, 0, 0, 0] + Array("storage".utf8) + Array("ctorch\nFloatStorage\n".utf8)
        p += [0x58, 1, 0, 0, 0] + Array("0".utf8) + [0x58, 3, 0, 0, 0] + Array("cpu".utf8) + [0x4B, 4, 0x74, 0x51]
        p += int(offset) + [0x4B, 2, 0x85] + int(stride) + [0x85, 0x89, 0x7D, 0x74, 0x52]
        p += [0x73, 0x2E]
        return p
    }

    func testNegativeAndHugeStridesAreRefused() throws {
        let good = try checkpoint(pickle: statePickle(offset: 0, stride: 2), storage: [1, 2, 3, 4])
        defer { try? FileManager.default.removeItem(at: good) }
        XCTAssertEqual(try TorchCheckpoint.read(contentsOf: good)["w"]?.values, [1, 3], "the hand-made checkpoint is valid")
        for (offset, stride, expected) in [
            (3, -100_000_000, "inconsistent shape"), (0, Int32.max, "reaches past"), (-1, 1, "inconsistent"),
        ] {
            let url = try checkpoint(pickle: statePickle(offset: Int32(offset), stride: Int32(stride)), storage: [1, 2, 3, 4])
            defer { try? FileManager.default.removeItem(at: url) }
            XCTAssertThrowsError(try TorchCheckpoint.read(contentsOf: url), "stride \(stride)") { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) should mention \(expected)")
            }
        }
    }

    func testNonRegularFilesAndOtherFormatsAreNamedWithoutTheirContents() throws {
        XCTAssertThrowsError(try SafeTensors.read(contentsOf: URL(fileURLWithPath: "/dev/zero"))) { error in
            XCTAssertTrue("\(error)".contains("/dev/zero: not a regular file"), "\(error)")
        }
        let text = FileManager.default.temporaryDirectory.appendingPathComponent("passwd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: text) }
        try Data("root:x:0:0:root:/root:/bin/bash\n".utf8).write(to: text)
        XCTAssertThrowsError(try SafeTensors.read(contentsOf: text)) { error in
            XCTAssertTrue("\(error)".contains("exceeds the file"), "\(error)")
            XCTAssertFalse("\(error)".contains("3475222254926655346") || "\(error)".contains("root"), "\(error)")
        }
        let zip = try checkpoint(pickle: statePickle(offset: 0, stride: 1), storage: [1, 2])
        defer { try? FileManager.default.removeItem(at: zip) }
        XCTAssertThrowsError(try SafeTensors.read(contentsOf: zip)) { error in
            XCTAssertTrue("\(error)".contains("vsr import first"), "\(error)")
        }
    }
}
