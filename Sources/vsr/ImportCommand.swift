import ArgumentParser
import Foundation
import VSRCore
import VSRInference
import VSRRun

/// `vsr import CKPT.pth --arch A --scale N [-o OUT.safetensors]`: converts a PyTorch checkpoint.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a PyTorch checkpoint (.pth) into a vsr model (.safetensors).",
        discussion: """
            Reads zip-format checkpoints written by torch.save (no Python needed), checks every tensor \
            against the architecture, and writes safetensors with the architecture in its metadata. \
            Without -o the model is installed in the user model folder ($XDG_DATA_HOME/vsr/models) \
            under the checkpoint's name, where `--model NAME` and `vsr models` find it.
            """
    )

    @Argument(help: ArgumentHelp("The checkpoint to import.", valueName: "checkpoint"))
    var checkpoint: String

    @Option(help: ArgumentHelp("Architecture: \(CheckpointImporter.architectures.joined(separator: ", ")).", valueName: "name"))
    var arch: String

    @Option(help: "The checkpoint's upscaling factor.")
    var scale: Int

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the model (default: the user model folder).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Name in the user model folder (default: the checkpoint's file name).", valueName: "name"))
    var name: String?

    func validate() throws {
        guard CheckpointImporter.architectures.contains(arch) else {
            throw ValidationError("--arch must be one of \(CheckpointImporter.architectures.joined(separator: ", ")), got '\(arch)'")
        }
        try UpscaleSettings.check(scale: scale)
    }

    func run() throws {
        guard FileManager.default.isReadableFile(atPath: checkpoint) else { throw VSRError.inputNotFound(path: checkpoint) }
        let url = URL(fileURLWithPath: checkpoint)
        let (weights, model) = try CheckpointImporter.importCheckpoint(url, arch: arch, scale: scale)
        let destination: URL
        if let output {
            destination = URL(fileURLWithPath: output)
            do { try SafeTensors.write(weights, to: destination) } catch {
                throw VSRError.outputUnwritable(path: output, reason: error.localizedDescription)
            }
        } else {
            let store = ModelStore()
            let modelName = name ?? url.deletingPathExtension().lastPathComponent
            if BuiltInModels.names.contains(modelName) {
                throw VSRError.usage("'\(modelName)' is the name of a shipped model; choose another with --name")
            }
            do { destination = try store.install(weights, as: modelName) } catch {
                throw VSRError.outputUnwritable(path: store.url(for: modelName).path, reason: error.localizedDescription)
            }
        }
        Console.note(
            "imported \(weights.tensors.count) tensors (\(model.parameterCount) parameters, \(arch) x\(scale)) "
                + "into \(destination.path)")
    }
}
