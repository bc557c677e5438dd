import Foundation
import VSRCore
import VSRInference
import XCTest

@testable import VSRRun

final class ModelCatalogTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vsr-catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private var catalog: ModelCatalog { ModelCatalog(store: ModelStore(directory: folder)) }

    /// Installs the shipped x2 model under `name`, as `vsr import` would.
    private func install(_ name: String) throws {
        let weights = try XCTUnwrap(BuiltInModels.weights(named: "repsr-y-x2"))
        _ = try ModelStore(directory: folder).install(weights, as: name)
    }

    func testClassicalShippedAndInstalledNames() throws {
        try install("mine")
        XCTAssertEqual(catalog.allNames, ["bicubic", "lanczos"] + BuiltInModels.names + ["mine"])
        XCTAssertTrue(catalog.contains("mine"))
        XCTAssertFalse(catalog.contains("nope"))
        guard case .classical(.lanczos) = try catalog.resolve(model: "lanczos", weights: nil, scale: nil).choice else {
            return XCTFail("lanczos is classical")
        }
        guard case .network(let name, let model) = try catalog.resolve(model: "mine", weights: nil, scale: nil).choice else {
            return XCTFail("an installed model is a network")
        }
        XCTAssertEqual(name, "mine")
        XCTAssertEqual(model.descriptor.scale, 2)
    }

    func testDefaultsPerScale() throws {
        for (scale, expected) in [(2, "repsr-y-x2"), (4, "repsr-y-x4")] {
            let (choice, note) = try catalog.resolve(model: nil, weights: nil, scale: scale)
            guard case .network(let name, _) = choice else { return XCTFail("x\(scale) has a shipped model") }
            XCTAssertEqual(name, expected)
            XCTAssertNil(note)
        }
        let (choice, note) = try catalog.resolve(model: nil, weights: nil, scale: 3)
        guard case .classical(.bicubic) = choice else { return XCTFail("x3 falls back to bicubic") }
        XCTAssertTrue(note?.contains("no model is shipped for x3") ?? false)
    }

    func testUnknownNamesAndFilesMapToUsageAndMissingInput() {
        XCTAssertThrowsError(try catalog.resolve(model: "nope", weights: nil, scale: nil)) { error in
            XCTAssertEqual(ExitStatusMapping.status(for: error), ExitStatus.usage)
            XCTAssertTrue("\(error)".contains("unknown model 'nope'"))
        }
        XCTAssertThrowsError(try catalog.resolve(model: nil, weights: folder.appendingPathComponent("x.safetensors").path, scale: nil)) {
            error in
            XCTAssertEqual(ExitStatusMapping.status(for: error), ExitStatus.noInput)
        }
    }

    func testADamagedInstalledModelIsListedWithItsErrorAndIsBadData() throws {
        try Data("not a model".utf8).write(to: folder.appendingPathComponent("broken.safetensors"))
        // An element count whose byte size overflows: `vsr models` died with SIGSEGV on it (issue 20).
        let json = #"{"w":{"dtype":"F32","shape":[4611686018427387905],"data_offsets":[0,4]}}"#
        var huge = withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { Data($0) }
        huge.append(Data(json.utf8) + Data(count: 4))
        try huge.write(to: folder.appendingPathComponent("huge.safetensors"))
        for name in ["broken", "huge"] {
            let entry = try XCTUnwrap(catalog.entries().first { $0.name == name })
            guard case .failure(let error) = entry.model else { return XCTFail("a damaged file cannot load") }
            XCTAssertEqual(ExitStatusMapping.status(for: error), ExitStatus.dataError)
        }
        XCTAssertThrowsError(try catalog.network(named: "broken")) { error in
            XCTAssertEqual(ExitStatusMapping.status(for: error), ExitStatus.dataError)
        }
    }

    func testFirstAvailableOfARecipesList() throws {
        try install("mine")
        XCTAssertEqual(try catalog.firstAvailable(["nope", "mine", "bicubic"], recipe: "r.json"), "mine")
        XCTAssertNil(try catalog.firstAvailable([], recipe: "r.json"))
    }
}
