import Foundation
import VSRCore

/// The image pairs of a dataset folder, from its manifest.csv.
public struct DatasetManifest {
    public struct Item {
        public var name: String
        public var highResolution: String
        public var lowResolution: String
    }

    public static func load(directory: String, scale: Int) throws -> [Item] {
        let manifest = URL(fileURLWithPath: directory).appendingPathComponent("manifest.csv")
        guard let text = try? String(contentsOf: manifest, encoding: .utf8) else {
            throw VSRError.inputNotFound(path: manifest.path)
        }
        let lines = text.split(whereSeparator: \.isNewline).map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        guard let header = lines.first, let hr = header.firstIndex(of: "hr") else {
            throw VSRError.invalidInput(path: manifest.path, reason: "expected a header row with an 'hr' column")
        }
        guard let lr = header.firstIndex(of: "lr_x\(scale)") else {
            throw VSRError.invalidInput(path: manifest.path, reason: "no 'lr_x\(scale)' column: the dataset has no x\(scale) images")
        }
        let items = lines.dropFirst().filter { $0.count > max(hr, lr) }.map { row in
            Item(
                name: URL(fileURLWithPath: row[hr]).deletingPathExtension().lastPathComponent,
                highResolution: URL(fileURLWithPath: directory).appendingPathComponent(row[hr]).path,
                lowResolution: URL(fileURLWithPath: directory).appendingPathComponent(row[lr]).path)
        }
        guard !items.isEmpty else { throw VSRError.invalidInput(path: manifest.path, reason: "lists no images") }
        return items
    }
}
