import Foundation
import XCTest

@testable import VSRInference

final class SafeTensorsTests: XCTestCase {
    func testRoundTripKeepsValuesShapesAndMetadata() throws {
        let weights = WeightSet(
            tensors: [
                "b": .init(shape: [2, 3], values: [1, -2, 3.5, 0, .greatestFiniteMagnitude, -0.25]),
                "a": .init(shape: [1], values: [42]),
            ],
            metadata: ["arch": "plainsr", "scale": "2"])
        let data = try SafeTensors.encode(weights)
        let headerLength = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        XCTAssertEqual(headerLength % 8, 0, "header padded to 8 bytes")
        let back = try SafeTensors.read(data, source: "memory")
        XCTAssertEqual(back.tensors, weights.tensors)
        XCTAssertEqual(back.metadata, weights.metadata)
    }

    func testMalformedFilesAreRefusedWithTheirReason() throws {
        func header(_ json: String, payload: Int = 0) -> Data { SafeTensorsFixture.file(json, payload: payload) }
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "expected at least an 8-byte header length"),
            (Data([255, 255, 255, 255, 0, 0, 0, 0]), "exceeds the file"),
            (header("[1,2]"), "not a JSON object"),
            (header(#"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, payload: 8), "do not fit"),
            (header(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, payload: 8), "do not fit"),
            (header(#"{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, payload: 8), "dtype I64"),
            (header(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#), "shape [-1]"),
            (header(#"{"__metadata__":{"a":1}}"#), "__metadata__"),
        ]
        for (data, expected) in cases {
            XCTAssertThrowsError(try SafeTensors.read(data, source: "bad.safetensors")) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) should mention \(expected)")
                XCTAssertTrue("\(error)".contains("bad.safetensors"))
            }
        }
    }

    func testHalfPrecisionIsWidened() throws {
        var data = Data()
        let json = #"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}  "#
        var length = UInt64(json.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(json.utf8))
        data.append(contentsOf: [0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F])  // 1.0, -2.0 (F16); 1.0 (BF16)
        let weights = try SafeTensors.read(data, source: "half")
        XCTAssertEqual(weights.tensors["h"]?.values, [1, -2])
        XCTAssertEqual(weights.tensors["b"]?.values, [1])
    }
}

final class PickleReaderTests: XCTestCase {
    /// OrderedDict([("w", tensor)]) as torch.save writes it (protocol 2), hand-assembled.
    func testStateDictWithOneTensor() throws {
        var p: [UInt8] = [0x80, 0x02]
        p += Array("ccollections\nOrderedDict\n".utf8) + [0x71, 0x00, 0x29, 0x52, 0x71, 0x01]  // OrderedDict()
        p += [0x58, 1, 0, 0, 0] + Array("w".utf8)  // key
        p += Array("ctorch._utils\n_rebuild_tensor_v2\n".utf8)
        p += [0x28]  // MARK (args)
        p += [0x28, 0x58, 7, 0, 0, 0] + Array("storage".utf8)
        p += Array("ctorch\nFloatStorage\n".utf8)
        p += [0x58, 1, 0, 0, 0] + Array("0".utf8) + [0x58, 3, 0, 0, 0] + Array("cpu".utf8) + [0x4B, 6, 0x74, 0x51]
        p += [0x4B, 0, 0x4B, 2, 0x4B, 3, 0x86, 0x4B, 3, 0x4B, 1, 0x86, 0x89, 0x7D, 0x74, 0x52]
        p += [0x73, 0x2E]  // SETITEM, STOP
        var reader = PickleReader(bytes: p, source: "memory")
        guard case .dict(let pairs) = try reader.read() else { return XCTFail("expected a dict") }
        XCTAssertEqual(pairs.count, 1)
        XCTAssertEqual(pairs[0].0, .string("w"))
        guard case .tensor(_, let offset, let shape, let stride) = pairs[0].1 else { return XCTFail("expected a tensor") }
        XCTAssertEqual(offset, 0)
        XCTAssertEqual(shape, [2, 3])
        XCTAssertEqual(stride, [3, 1])
    }

    func testArbitraryCallsAreRefused() {
        let p: [UInt8] = [0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x58, 2, 0, 0, 0] + Array("ls".utf8) + [0x85, 0x52, 0x2E]
        var reader = PickleReader(bytes: p, source: "evil.pth")
        XCTAssertThrowsError(try reader.read()) { error in
            XCTAssertTrue("\(error)".contains("global os.system"), "\(error)")
        }
    }

    /// LONG1 (little-endian two's complement) after other opcodes: found by fuzz-pth, whose input
    /// made the sign check index the stream instead of the integer's own bytes (a trap).
    func testLong1IntegersAnywhereInTheStream() throws {
        let five: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x01]  // 2^32
        let negative: [UInt8] = [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]  // -2
        let p: [UInt8] = [0x80, 0x02, 0x4E, 0x4E, 0x28, 0x8A, 5] + five + [0x8A, 7] + negative + [0x8A, 0, 0x74, 0x2E]
        var reader = PickleReader(bytes: p, source: "long1")
        guard case .tuple(let values) = try reader.read() else { return XCTFail("expected a tuple") }
        XCTAssertEqual(values, [.int(1 << 32), .int(-2), .int(0)])
        let cut: [UInt8] = [0x80, 0x02, 0x8A, 6, 1, 2]
        var short = PickleReader(bytes: cut, source: "cut")
        XCTAssertThrowsError(try short.read()) { XCTAssertTrue("\($0)".contains("unexpected end"), "\($0)") }
    }

    func testTruncatedPickle() {
        var reader = PickleReader(bytes: [0x80, 0x02, 0x58, 9, 0, 0, 0, 0x41], source: "cut.pth")
        XCTAssertThrowsError(try reader.read()) { XCTAssertTrue("\($0)".contains("unexpected end"), "\($0)") }
    }
}
