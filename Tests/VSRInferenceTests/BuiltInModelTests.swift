import XCTest

@testable import VSRInference

/// The models compiled into the binary decode, build strictly, and are the documented defaults.
final class BuiltInModelTests: XCTestCase {
    func testShippedModelsBuildAsLumaPlainSR() throws {
        XCTAssertEqual(
            BuiltInModels.names,
            ["repsr-y-x2", "repsr-y-x2-fast", "repsr-y-x2-quality", "repsr-y-x4", "repsr-y-x4-fast", "repsr-y-x4-quality"])
        for name in BuiltInModels.names {
            let model = try XCTUnwrap(try BuiltInModels.model(named: name))
            XCTAssertEqual(model.descriptor.arch, "plainsr", name)
            XCTAssertEqual(model.descriptor.colors, 1, name)
            XCTAssertEqual(model.descriptor.inputRange, 1, name)
            XCTAssertTrue(name.hasPrefix("repsr-y-x\(model.descriptor.scale)"), "\(name): scale \(model.descriptor.scale)")
            // A flat grey input stays flat grey: the nearest-upsampled skip carries it, the body adds ~0.
            let grey = Tensor(channels: 1, height: 12, width: 12, data: [Float](repeating: 0.5, count: 144))
            let out = try model.forward(grey, context: InferenceContext(kernels: .reference, threads: 1))
            XCTAssertEqual(out.width, 12 * model.descriptor.scale)
            XCTAssertLessThan(out.data[out.data.count / 2 + out.width / 2].distance(to: 0.5).magnitude, 0.02, name)
        }
        XCTAssertEqual(BuiltInModels.defaultName(scale: 2), "repsr-y-x2")
        XCTAssertNil(BuiltInModels.defaultName(scale: 3))
        XCTAssertNil(try BuiltInModels.weights(named: "nope"))
    }
}
