import ArgumentParser
import Foundation
import VSRCore
import VSRInference
import VSRPresets
import XCTest

@testable import VSRRun

final class UpscaleSettingsTests: XCTestCase {
    private let catalog = ModelCatalog(store: ModelStore(directory: URL(fileURLWithPath: "/nonexistent/vsr-models")))

    private func recipe(_ json: String) throws -> PipelinePreset {
        try PipelinePreset.decode(Data(json.utf8), path: "/recipes/test.json")
    }

    func testDefaultsLiveInOnePlace() throws {
        let settings = try UpscaleSettings.parse([])
        XCTAssertNil(settings.tile, "no --tile: each model runs in its own tile size")
        XCTAssertEqual(settings.queueCapacity, 4)
        XCTAssertEqual(settings.chromaFilter, .lanczos)
        XCTAssertNil(settings.encoder().crf)
        let (choice, scale, note) = try settings.resolveModel(catalog: catalog)
        XCTAssertEqual(scale, 2)
        XCTAssertNil(note)
        guard case .network(let name, _) = choice else { return XCTFail("the default is a network, got \(choice)") }
        XCTAssertEqual(name, "repsr-y-x2")
    }

    func testFlagsOverrideTheRecipeAndTheRecipeFillsTheRest() throws {
        var settings = try UpscaleSettings.parse(["--tile", "128", "--crf", "20", "--preset", "fast"])
        try settings.apply(
            recipe(
                """
                {"version": 1, "model": ["no-such-model", "bicubic"], "scale": 3, "tile": 64, "queue_depth": 7,
                 "chroma_scaler": "spline", "encoder": {"codec": "libx265", "crf": 30, "preset": "slow", "options": {"tune": "grain"}}}
                """), catalog: catalog)
        XCTAssertEqual(settings.model, "bicubic", "the first available model of the list wins")
        XCTAssertEqual(settings.tile, 128, "a flag beats the recipe")
        XCTAssertEqual(settings.crf, 20)
        XCTAssertEqual(settings.encoderPreset, "fast", "--preset is the old name of --encoder-preset")
        XCTAssertEqual(settings.scale, 3)
        XCTAssertEqual(settings.queueCapacity, 7)
        XCTAssertEqual(settings.chromaFilter, .spline)
        XCTAssertEqual(settings.codec, "libx265")
        XCTAssertEqual(settings.encoder().options, ["tune": "grain"])
    }

    func testAModelFlagKeepsTheRecipesModelOut() throws {
        var settings = try UpscaleSettings.parse(["--model", "lanczos"])
        try settings.apply(recipe(#"{"version": 1, "model": "bicubic"}"#), catalog: catalog)
        XCTAssertEqual(settings.model, "lanczos")
        XCTAssertNil(settings.weights)
    }

    func testARecipeWithNoAvailableModelIsAUsageError() throws {
        var settings = try UpscaleSettings.parse([])
        XCTAssertThrowsError(try settings.apply(recipe(#"{"version": 1, "model": ["nope"]}"#), catalog: catalog)) { error in
            XCTAssertEqual(ExitStatusMapping.status(for: error), ExitStatus.usage)
            XCTAssertTrue("\(error)".contains("none of the recipe's models is available (nope)"), "\(error)")
        }
    }

    func testOldAndNewFlagNamesAreTheSameSetting() throws {
        XCTAssertEqual(try UpscaleSettings.parse(["--pipeline", "a"]).recipe, "a")
        XCTAssertEqual(try UpscaleSettings.parse(["--recipe", "a"]).recipe, "a")
        XCTAssertEqual(try UpscaleSettings.parse(["--encoder-preset", "slow"]).encoderPreset, "slow")
    }

    func testValidationNamesTheFlag() throws {
        let cases: [([String], String)] = [
            (["--scale", "5"], "--scale must be 2, 3 or 4, got 5"),
            (["--tile", "8"], "--tile must be at least 16, got 8"),
            (["--halo=-1"], "--halo must be 0 or more, got -1"),
            (["--threads", "0"], "--threads must be at least 1, got 0"),
            (["--workers", "0"], "--workers must be at least 1, got 0"),
            (["--queue-depth", "0"], "--queue-depth must be at least 1, got 0"),
            (["--frames", "0"], "--frames must be at least 1, got 0"),
            (["--crf", "64"], "--crf must be 0...63, got 64"),
            (["--model", "a", "--weights", "b"], "give --model or --weights, not both"),
        ]
        for (arguments, message) in cases {
            XCTAssertThrowsError(try UpscaleSettings.parse(arguments), "\(arguments)") { error in
                XCTAssertTrue(UpscaleSettings.message(for: error).contains(message), "\(arguments): \(UpscaleSettings.message(for: error))")
            }
        }
        // A recipe's values pass the same checks when validated after merging.
        var settings = try UpscaleSettings.parse([])
        settings.tile = 8
        XCTAssertThrowsError(try settings.validate())
    }

    func testAScaleThatContradictsTheModelIsRefused() throws {
        let settings = try UpscaleSettings.parse(["--model", "repsr-y-x2", "--scale", "4"])
        XCTAssertThrowsError(try settings.resolveModel(catalog: catalog)) { error in
            XCTAssertEqual(error as? VSRError, .usage("the model upscales x2, but --scale is 4"))
        }
    }

    func testParallelismPolicy() throws {
        let settings = try UpscaleSettings.parse([])
        XCTAssertEqual(settings.parallelism(isNetwork: true, cores: 8).workers, 8)
        XCTAssertEqual(settings.parallelism(isNetwork: true, cores: 8).threads, 1)
        XCTAssertEqual(settings.parallelism(isNetwork: false, cores: 8).workers, 2)
        XCTAssertEqual(settings.parallelism(isNetwork: false, cores: 8).threads, 4)
        let threaded = try UpscaleSettings.parse(["--threads", "4"])
        XCTAssertEqual(threaded.parallelism(isNetwork: true, cores: 8).workers, 2)
        XCTAssertEqual(threaded.parallelism(isNetwork: true, cores: 8).threads, 4)
    }

    func testEncoderOptionFlagsOverTheRecipes() throws {
        var settings = try UpscaleSettings.parse(["--encoder-option", "tune=film", "--encoder-option", "x264-params=aq-mode=3:ref=2"])
        try settings.apply(recipe(#"{"version": 1, "encoder": {"options": {"tune": "grain", "profile": "high"}}}"#), catalog: catalog)
        XCTAssertEqual(settings.encoder().options, ["tune": "film", "profile": "high", "x264-params": "aq-mode=3:ref=2"])
        XCTAssertThrowsError(try UpscaleSettings.parse(["--encoder-option", "tune"])) { error in
            XCTAssertTrue(UpscaleSettings.message(for: error).contains("--encoder-option 'tune' is not key=value"))
        }
    }

    func testRecipesMayNotSetEncoderOptionsThatNameFiles() throws {
        for (options, mention) in [
            (#"{"x264-params": "stats=/home/u/.bashrc"}"#, "sets 'stats'"),
            (#"{"x265-params": "crf=20:csv=/tmp/x"}"#, "sets 'csv'"),
            (#"{"passlogfile": "/tmp/x"}"#, "'passlogfile' is not one a recipe may set"),
        ] {
            XCTAssertThrowsError(try recipe(#"{"version": 1, "encoder": {"options": \#(options)}}"#), options) { error in
                XCTAssertEqual(ExitStatusMapping.status(for: error), ExitStatus.dataError)
                XCTAssertTrue("\(error)".contains(mention), "\(error)")
            }
        }
        XCTAssertEqual(
            try recipe(#"{"version": 1, "encoder": {"options": {"tune": "film", "x264-params": "aq-mode=3"}}}"#).encoderOptions.count, 2)
    }

    func testRawInputsPixFmtIsNotTheEncoders() throws {
        let settings = try UpscaleSettings.parse(["--pix-fmt", "rgb24"])
        XCTAssertEqual(settings.encoder().pixelFormat, "rgb24")
        XCTAssertNil(settings.encoder(pixFmtNamesInput: true).pixelFormat)
    }
}
