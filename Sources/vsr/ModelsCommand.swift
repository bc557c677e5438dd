import ArgumentParser
import Foundation
import VSRInference
import VSRRun

/// `vsr models`: the built-in upscalers and the installed models.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the built-in and installed models.",
        discussion: "GFLOP/MP is the work per output megapixel, counted from the model graph (2 FLOP per multiply-add)."
    )

    private func row(_ name: String, _ model: any SRModel, _ location: String) -> [String] {
        let d = model.descriptor
        let perMegapixel = model.flops(height: 256, width: 256) / Double(256 * 256 * d.scale * d.scale) * 1e6 / 1e9
        let arch =
            d.hyperParameters["variant"]
            ?? (d.arch == "plainsr" ? "plainsr M\(d.hyperParameters["hidden"] ?? "?")C\(d.hyperParameters["channels"] ?? "?")" : d.arch)
        return [name, arch, "\(d.scale)", "\(d.colors)", "\(model.parameterCount)", String(format: "%.1f", perMegapixel), location]
    }

    func run() throws {
        let catalog = ModelCatalog()
        var rows = [["name", "arch", "scale", "colours", "parameters", "GFLOP/MP", "location"]]
        for name in ModelCatalog.classical.keys.sorted() {
            rows.append([name, "classical", "any", "1", "0", "-", "built in (swscale)"])
        }
        for entry in catalog.entries() {
            switch entry.model {
            case .success(let model): rows.append(row(entry.name, model, entry.location))
            case .failure(let error): rows.append([entry.name, "unreadable: \(error)", "", "", "", "", entry.location])
            }
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max()! }
        for row in rows {
            print(
                zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        if catalog.store.names().isEmpty {
            print("\nno models installed in \(catalog.store.directory.path); add one with `vsr import`")
        }
    }
}
