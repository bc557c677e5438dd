import ArgumentParser
import Foundation
import VSRPresets

/// `vsr presets`: the presets `--pipeline` can name, with what each fixes.
struct PresetsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presets",
        abstract: "List the presets for `vsr upscale --pipeline`.",
        discussion: "Presets are searched in $XDG_DATA_HOME/vsr/pipelines, PREFIX/share/vsr/pipelines and the source checkout's Pipelines/."
    )

    func run() throws {
        let presets = PresetLibrary.all()
        guard !presets.isEmpty else {
            print("no presets found in " + PresetLibrary.directories.map(\.path).joined(separator: ", "))
            return
        }
        let width = presets.map(\.name.count).max()!
        for (name, path) in presets {
            let line: String
            do {
                let preset = try PipelinePreset.load(path: path)
                let model = preset.weights ?? (preset.models.isEmpty ? "default" : preset.models.joined(separator: " | "))
                line = "\(preset.description)  [model \(model), x\(preset.scale.map(String.init) ?? "model's")]"
            } catch {
                line = "unreadable: \(error)"
            }
            print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + line + "  (\(path))")
        }
    }
}
