import ArgumentParser
import Foundation
import VSRCore
import VSRInference
import VSRRun

/// `vsr import CKPT.pth [--arch A] [--scale N] [-o OUT.safetensors]`: converts a PyTorch checkpoint.
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

    @Option(
        help: ArgumentHelp(
            "Architecture: \(CheckpointImporter.architectures.joined(separator: ", ")) (default: inferred from the tensors' shapes).",
            valueName: "name"))
    var arch: String?

    @Option(help: "The checkpoint's upscaling factor (default: inferred from the tensors' shapes).")
    var scale: Int?

    @Flag(name: [.customShort("y"), .long], help: "Replace an installed model or output file of the same name.")
    var overwrite = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the model (default: the user model folder).", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Name in the user model folder (default: the checkpoint's file name).", valueName: "name"))
    var name: String?

    func validate() throws {
        if let arch, !CheckpointImporter.architectures.contains(arch) {
            throw ValidationError("--arch must be one of \(CheckpointImporter.architectures.joined(separator: ", ")), got '\(arch)'")
        }
        if let scale { try UpscaleSettings.check(scale: scale) }
    }

    func run() throws {
        guard FileManager.default.isReadableFile(atPath: checkpoint) else { throw VSRError.inputNotFound(path: checkpoint) }
        let url = URL(fileURLWithPath: checkpoint)
        let imported = try CheckpointImporter.importCheckpoint(url, arch: arch, scale: scale)
        let (weights, model) = (imported.weights, imported.model)
        if let inferred = imported.inferred {
            Console.note("inferred the \(inferred) from the tensors' shapes: --arch \(imported.arch) --scale \(imported.scale)")
        }
        let destination: URL
        if let output {
            if !overwrite, FileManager.default.fileExists(atPath: output) { throw VSRError.outputExists(path: output) }
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
            if !overwrite, FileManager.default.fileExists(atPath: store.url(for: modelName).path) {
                throw VSRError.outputExists(path: store.url(for: modelName).path)
            }
            do { destination = try store.install(weights, as: modelName) } catch {
                throw VSRError.outputUnwritable(path: store.url(for: modelName).path, reason: error.localizedDescription)
            }
        }
        Console.note(
            "imported \(weights.tensors.count) tensors (\(model.parameterCount) parameters, \(imported.arch) x\(imported.scale)) "
                + "into \(destination.path)")
    }
}
