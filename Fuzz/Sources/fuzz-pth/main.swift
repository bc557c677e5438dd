import Foundation
import FuzzDriver
import VSRInference
import ZIPFoundation

/// A fuzz input whose first byte is even is a whole `.pth` file (zip level). Otherwise the rest is
/// the pickle: it is stored as `archive/data.pkl` next to four 256-byte float storages named 0 to 3,
/// so that mutations reach the pickle reader and the tensor gathering past the zip's CRC checks.
/// Either way the file is read from disk, as `vsr import` reads it (ZIPFoundation's in-memory reader
/// traps on a seek past the end, so the product never uses it).
runFuzzer { bytes, count in
    guard let bytes, count > 0 else { return 0 }
    let rest = Data(bytes: bytes + 1, count: count - 1)
    let file = bytes[0] % 2 == 0 ? rest : CheckpointWrapper.archive(pickle: rest)
    let url = URL(fileURLWithPath: FuzzScratch.write(file))
    guard let tensors = try? TorchCheckpoint.read(contentsOf: url) else { return 0 }
    for (name, entry) in tensors {
        precondition(entry.values.count == entry.shape.reduce(1, *), "tensor \(name) has the wrong number of values")
    }
    return 0
}

enum CheckpointWrapper {
    static func archive(pickle: Data) -> Data {
        guard let archive = try? Archive(data: Data(), accessMode: .create, pathEncoding: nil) else {
            fatalError("cannot create an in-memory zip")
        }
        func add(_ path: String, _ data: Data) {
            do {
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none) {
                    position, size in data.subdata(in: Int(position)..<Int(position) + size)
                }
            } catch { fatalError("cannot add \(path) to an in-memory zip: \(error)") }
        }
        add("archive/data.pkl", pickle)
        // Made per input: a lazily made global would count as a leak in libFuzzer's first run.
        let storage = Data((0..<256).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        for key in 0..<4 { add("archive/data/\(key)", storage) }
        guard let data = archive.data else { fatalError("an in-memory zip without data") }
        return data
    }
}
