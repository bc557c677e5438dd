import Foundation

/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, an optional `__metadata__` string map, then the
/// raw little-endian data. Every offset and size is checked before any value is read.
public enum SafeTensors {
    /// Headers larger than this are refused (the format's reference implementation uses 100 MB).
    public static let maximumHeaderBytes = 100_000_000

    public static func read(contentsOf url: URL) throws -> WeightSet {
        // A device or a FIFO (/dev/zero, a pipe) is never a model file, and reading it may not end.
        var status = stat()
        if stat(url.path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            throw WeightsError.malformed(source: url.path, reason: "not a regular file; expected a .safetensors model file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw WeightsError.malformed(source: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        return try read(data, source: url.path)
    }

    public static func read(_ data: Data, source: String) throws -> WeightSet {
        func fail(_ reason: String) -> WeightsError { .malformed(source: source, reason: "not a safetensors file: \(reason)") }
        guard data.count >= 8 else { throw fail("\(data.count) bytes, expected at least an 8-byte header length") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        if data.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw WeightsError.malformed(
                source: source, reason: "this is a zip file, such as a PyTorch checkpoint (.pth): convert it with vsr import first")
        }
        // The message keeps the file's bytes out: it may be any file (a recipe can name one).
        guard headerLength <= UInt64(min(maximumHeaderBytes, data.count - 8)) else {
            throw fail("its first 8 bytes give a header length that exceeds the file (\(data.count) bytes)")
        }
        let headerEnd = 8 + Int(headerLength)
        let header = data.subdata(in: data.startIndex + 8..<data.startIndex + headerEnd)
        guard let json = try? JSONSerialization.jsonObject(with: header), let object = json as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        let payload = data.count - headerEnd
        var weights = WeightSet()
        for (name, value) in object {
            if name == "__metadata__" {
                guard let metadata = value as? [String: String] else { throw fail("__metadata__ must map strings to strings") }
                weights.metadata = metadata
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
            else {
                throw fail("tensor '\(name)' needs dtype, shape and data_offsets")
            }
            guard let width = DType(rawValue: dtype) else {
                throw WeightsError.malformed(source: source, reason: "tensor '\(name)' has dtype \(dtype); supported: F32, F16, BF16")
            }
            guard shape.allSatisfy({ $0 >= 0 }), shape.count <= 8 else { throw fail("tensor '\(name)' has shape \(shape)") }
            let (count, overflow) = shape.reduce((1, false)) { acc, d in
                let (p, o) = acc.0.multipliedReportingOverflow(by: d); return (p, acc.1 || o)
            }
            // Every product is checked: the release build has no overflow traps (-Ounchecked), and a
            // wrapped byte count would pass the range check below.
            let (byteCount, bytesOverflow) = count.multipliedReportingOverflow(by: width.bytes)
            guard !overflow, !bytesOverflow else {
                throw fail("tensor '\(name)' \(dtype)\(shape) has more elements than any file can hold")
            }
            let begin = offsets[0], end = offsets[1]
            guard begin >= 0, begin <= end, end <= payload, end - begin == byteCount else {
                throw fail(
                    "tensor '\(name)' \(dtype)\(shape) has data_offsets [\(begin), \(end)], which do not fit "
                        + "\(byteCount) bytes in a \(payload)-byte payload")
            }
            let bytes = data.subdata(in: data.startIndex + headerEnd + begin..<data.startIndex + headerEnd + end)
            weights.tensors[name] = WeightSet.Entry(shape: shape, values: width.decode(bytes, count: count))
        }
        return weights
    }

    /// The safetensors encoding of `weights` (float32, names sorted, header padded to 8 bytes).
    public static func encode(_ weights: WeightSet) throws -> Data {
        var header: [String: Any] = [:]
        var payload = Data()
        for name in weights.tensors.keys.sorted() {
            let entry = weights.tensors[name]!
            let begin = payload.count
            entry.values.withUnsafeBufferPointer {
                payload.append(
                    UnsafeBufferPointer(
                        start: UnsafeRawPointer($0.baseAddress!)
                            .assumingMemoryBound(to: UInt8.self), count: $0.count * 4))
            }
            header[name] = ["dtype": "F32", "shape": entry.shape, "data_offsets": [begin, payload.count]]
        }
        if !weights.metadata.isEmpty { header["__metadata__"] = weights.metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        var length = UInt64(json.count).littleEndian
        withUnsafeBytes(of: &length) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(payload)
        return out
    }

    public static func write(_ weights: WeightSet, to url: URL) throws {
        try encode(weights).write(to: url, options: .atomic)
    }

    enum DType: String {
        case f32 = "F32", f16 = "F16", bf16 = "BF16"

        var bytes: Int { self == .f32 ? 4 : 2 }

        func decode(_ bytes: Data, count: Int) -> [Float] {
            bytes.withUnsafeBytes { raw in
                (0..<count).map { i in
                    switch self {
                    case .f32: return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    case .f16:
                        return Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                    case .bf16:
                        return Float(
                            bitPattern: UInt32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                    }
                }
            }
        }
    }
}
