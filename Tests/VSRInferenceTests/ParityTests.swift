import Foundation
import XCTest

@testable import VSRInference

/// The models against PyTorch's outputs stored in ../shared/reference.
final class ParityTests: XCTestCase {
    private func reference(_ name: String) throws -> (input: Tensor, output: Tensor, file: WeightSet) {
        let file = try SafeTensors.read(contentsOf: SharedData.file("reference/\(name).reference.safetensors"))
        func tensor(_ key: String) throws -> Tensor {
            let entry = try XCTUnwrap(file.tensors[key])
            XCTAssertEqual(entry.shape.count, 4)
            XCTAssertEqual(entry.shape[0], 1)
            return Tensor(channels: entry.shape[1], height: entry.shape[2], width: entry.shape[3], data: entry.values)
        }
        return (try tensor("input"), try tensor("output"), file)
    }

    func testPlainSRMatchesPyTorch() throws {
        for name in ["plainsr_m4c16_x2", "plainsr_m4c16_x4"] {
            let (input, expected, file) = try reference(name)
            var weights = file
            weights.tensors = file.tensors.filter { $0.key.hasPrefix("weights.") }
            weights.metadata = [
                "arch": "plainsr", "scale": file.metadata["scale"]!, "colors": "1", "input_range": "1",
                "channels": file.metadata["channels"]!, "hidden": file.metadata["hidden"]!, "act": "prelu",
            ]
            let model = try ModelRegistry.build(weights, source: name, namePrefix: "weights.")
            for kernels in [KernelSet.reference] + CPUKernels.available.map({ KernelSet.optimized(cpu: $0) }) {
                let output = try model.forward(input, context: InferenceContext(kernels: kernels, threads: 2))
                let error = output.maxAbsDifference(to: expected)
                let label = kernels.name + (kernels.cpu.map { " \($0.level)" } ?? "")
                print("parity \(name) (\(label)): max abs error \(error) on the 0-1 scale")
                XCTAssertLessThanOrEqual(error, 1e-4, "\(name) with \(label) kernels")
            }
        }
    }

    func testOfficialRLFNCheckpointsMatchPyTorch() throws {
        let checkpoints = [
            ("rlfn_x2", "rlfn", 2), ("rlfn_x4", "rlfn", 4), ("rlfn_s_x2", "rlfn-s", 2),
            ("rlfn_s_x4", "rlfn-s", 4), ("rlfn_ntire_x4", "rlfn-prune", 4),
        ]
        for (name, arch, scale) in checkpoints {
            let (input, expected, _) = try reference(name)
            let url = try SharedData.file("models/rlfn-official/\(name).pth")
            let weights = try CheckpointImporter.importCheckpoint(url, arch: arch, scale: scale).weights
            // Through safetensors and back, as `vsr import` stores it.
            let stored = try SafeTensors.read(SafeTensors.encode(weights), source: name)
            let model = try ModelRegistry.build(stored, source: name)
            forEachCPULevel { cpu in
                do {
                    let output = try model.forward(input, context: InferenceContext(kernels: .optimized(cpu: cpu), threads: 2))
                    let error = output.maxAbsDifference(to: expected)
                    print("parity \(name) (\(cpu.level)): max abs error \(error) on the 0-255 scale")
                    XCTAssertLessThanOrEqual(error, 0.01, "\(name) with \(cpu.level) kernels")
                } catch { XCTFail("\(name) with \(cpu.level) kernels: \(error)") }
            }
        }
    }

    func testWrongArchitectureListsEveryMismatch() throws {
        let url = try SharedData.file("models/rlfn-official/rlfn_s_x2.pth")
        XCTAssertThrowsError(try CheckpointImporter.importCheckpoint(url, arch: "rlfn", scale: 2)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("conv_1.weight has shape [48, 3, 3, 3], expected [52, 3, 3, 3]"), text)
            XCTAssertTrue(text.contains("block_6.c5.weight"), text)
        }
        XCTAssertThrowsError(try CheckpointImporter.importCheckpoint(url, arch: "rlfn-s", scale: 4)) { error in
            XCTAssertTrue("\(error)".contains("upsampler.0.weight has shape [12, 48, 3, 3], expected [48, 48, 3, 3]"), "\(error)")
        }
    }
}
