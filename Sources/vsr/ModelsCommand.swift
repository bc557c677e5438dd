import ArgumentParser
import Foundation
import VSRInference

/// `vsr models`: the built-in upscalers and the installed models.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the built-in and installed models.",
        discussion: "GFLOP/MP is the work per output megapixel, counted from the model graph (2 FLOP per multiply-add)."
    )

    func run() throws {
        let store = ModelStore()
        var rows = [["name", "arch", "scale", "colours", "parameters", "GFLOP/MP", "location"]]
        for name in ModelChoice.classicalNames.keys.sorted() {
            rows.append([name, "classical", "any", "1", "0", "-", "built in (swscale)"])
        }
        func row(_ name: String, _ model: any SRModel, _ location: String) -> [String] {
            let d = model.descriptor
            let perMegapixel = model.flops(height: 256, width: 256) / Double(256 * 256 * d.scale * d.scale) * 1e6 / 1e9
            let arch = d.hyperParameters["variant"] ?? (d.arch == "plainsr" ? "plainsr M\(d.hyperParameters["hidden"] ?? "?")C\(d.hyperParameters["channels"] ?? "?")" : d.arch)
            return [name, arch, "\(d.scale)", "\(d.colors)", "\(model.parameterCount)", String(format: "%.1f", perMegapixel), location]
        }
        for name in BuiltInModels.names {
            do {
                if let model = try BuiltInModels.model(named: name) { rows.append(row(name, model, "built in (trained by Training/)")) }
            } catch {
                rows.append([name, "unreadable: \(error)", "", "", "", "", "built in"])
            }
        }
        for name in store.names() {
            let url = store.url(for: name)
            do {
                rows.append(row(name, try ModelRegistry.build(SafeTensors.read(contentsOf: url), source: url.path), url.path))
            } catch {
                rows.append([name, "unreadable: \(error)", "", "", "", "", url.path])
            }
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max()! }
        for row in rows {
            print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        if store.names().isEmpty {
            print("\nno models installed in \(store.directory.path); add one with `vsr import`")
        }
    }
}
