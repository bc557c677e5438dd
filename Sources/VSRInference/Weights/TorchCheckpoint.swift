import Foundation
import ZIPFoundation

/// Reads a zip-format PyTorch checkpoint (`torch.save` since 1.6) without Python: the pickled
/// state_dict in `<folder>/data.pkl`, each tensor's storage in `<folder>/data/<key>`.
public enum TorchCheckpoint {
    /// The float32 tensors of the checkpoint's state_dict, by name. Accepts a bare state_dict or
    /// one under `params_ema`, `params`, `state_dict` or `model`; strips DataParallel's `module.`.
    public static func read(contentsOf url: URL) throws -> [String: WeightSet.Entry] {
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw WeightsError.malformed(source: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        do {
            try ZipPreflight.check([UInt8](bytes))
        } catch {
            throw WeightsError.malformed(source: url.path, reason: "not a zip-format PyTorch checkpoint (\(error))")
        }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw WeightsError.malformed(source: url.path, reason: "not a zip-format PyTorch checkpoint (\(error))")
        }
        return try read(archive, source: url.path)
    }

    private static func read(_ archive: Archive, source: String) throws -> [String: WeightSet.Entry] {
        guard let pickleEntry = archive.first(where: { $0.path.hasSuffix("data.pkl") && $0.type == .file }) else {
            throw WeightsError.malformed(source: source, reason: "no data.pkl in the archive; expected a torch.save zip file")
        }
        let folder = String(pickleEntry.path.dropLast("data.pkl".count))
        var budget = maximumInflatedBytes
        var reader = PickleReader(bytes: try extract(pickleEntry, from: archive, source: source, budget: &budget), source: source)
        let root = try reader.read()
        guard case .dict(let pairs) = try stateDict(in: root, source: source) else {
            throw WeightsError.malformed(source: source, reason: "the checkpoint is not a state_dict")
        }
        var storages: [String: [UInt8]] = [:]
        var tensors: [String: WeightSet.Entry] = [:]
        for (key, value) in pairs {
            guard case .string(var name) = key else { continue }
            guard case .tensor(let storage, let offset, let shape, let stride) = value else { continue }
            if name.hasPrefix("module.") { name.removeFirst("module.".count) }
            guard case .persistentID(.tuple(let id)) = storage, id.count >= 5, case .global(_, let type) = id[1],
                case .string(let storageKey) = id[2]
            else {
                throw WeightsError.malformed(source: source, reason: "tensor \(name) has an unrecognised storage")
            }
            guard type == "FloatStorage" else {
                throw WeightsError.malformed(source: source, reason: "tensor \(name) is stored as \(type); only float32 is supported")
            }
            if storages[storageKey] == nil {
                guard let entry = archive["\(folder)data/\(storageKey)"] else {
                    throw WeightsError.malformed(source: source, reason: "storage \(storageKey) of \(name) is missing from the archive")
                }
                storages[storageKey] = try extract(entry, from: archive, source: source, budget: &budget)
            }
            tensors[name] = try gather(storages[storageKey]!, offset: offset, shape: shape, stride: stride, name: name, source: source)
        }
        return tensors
    }

    private static func stateDict(in root: PickleValue, source: String) throws -> PickleValue {
        guard case .dict(let pairs) = root else { return root }
        for wrapper in ["params_ema", "params", "state_dict", "model"] {
            if let (_, inner) = pairs.first(where: { $0.0 == .string(wrapper) }), case .dict = inner { return inner }
        }
        return root
    }

    /// Bytes of all entries one checkpoint may inflate to; RLFN's largest is 2 MB, so this is generous.
    static let maximumInflatedBytes = 1 << 30

    /// An entry's bytes, never more than the size its header declares or what is left of the
    /// checkpoint's budget: ZIPFoundation takes the size from the data descriptor, which the
    /// preflight (central directory only) has not checked, and would inflate a lying entry anyway.
    private static func extract(_ entry: Entry, from archive: Archive, source: String, budget: inout Int) throws -> [UInt8] {
        let declared = entry.uncompressedSize
        guard declared <= UInt64(budget) else {
            throw WeightsError.malformed(
                source: source,
                reason: "\(entry.path) declares \(declared) bytes, more than a checkpoint may hold (\(maximumInflatedBytes))")
        }
        let limit = Int(declared)
        var data = [UInt8]()
        data.reserveCapacity(limit)
        struct Overrun: Error {}
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                guard chunk.count <= limit - data.count else { throw Overrun() }
                data.append(contentsOf: chunk)
            }
        } catch is Overrun {
            throw WeightsError.malformed(source: source, reason: "\(entry.path) inflates past the \(declared) bytes it declares")
        } catch {
            throw WeightsError.malformed(source: source, reason: "cannot read \(entry.path) from the archive (\(error))")
        }
        budget -= data.count
        return data
    }

    /// Reads a (possibly strided) float32 view out of a storage. Every index is checked with
    /// overflow-reporting arithmetic: the release build has no traps.
    private static func gather(
        _ storage: [UInt8], offset: Int, shape: [Int], stride: [Int], name: String,
        source: String
    ) throws -> WeightSet.Entry {
        func bad(_ reason: String) -> WeightsError { .malformed(source: source, reason: "tensor \(name) \(reason)") }
        let elements = storage.count / 4
        // torch.save never writes negative strides (PyTorch has none).
        guard shape.count == stride.count, offset >= 0, shape.allSatisfy({ $0 >= 0 }), stride.allSatisfy({ $0 >= 0 }) else {
            throw bad("has inconsistent shape \(shape), stride \(stride) and offset \(offset)")
        }
        var count = 1, last = offset
        for (size, step) in zip(shape, stride) {
            let (product, overflowA) = count.multipliedReportingOverflow(by: size)
            let (reach, overflowB) = max(size - 1, 0).multipliedReportingOverflow(by: step)
            let (sum, overflowC) = last.addingReportingOverflow(reach)
            guard !overflowA, !overflowB, !overflowC else { throw bad("has a shape \(shape) and stride \(stride) too large to address") }
            (count, last) = (product, sum)
        }
        // A tensor may repeat storage (stride 0) but not outgrow what one checkpoint may hold.
        guard count <= maximumInflatedBytes / 4 else { throw bad("has \(count) elements, more than a checkpoint may hold") }
        guard count == 0 || last < elements else {
            throw bad("reaches past its storage of \(elements) floats")
        }
        var values = [Float](repeating: 0, count: count)
        storage.withUnsafeBytes { raw in
            var index = [Int](repeating: 0, count: shape.count)
            for i in 0..<count {
                let element = offset + zip(index, stride).reduce(0) { $0 + $1.0 * $1.1 }
                values[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * element, as: UInt32.self)))
                var axis = shape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < shape[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return WeightSet.Entry(shape: shape, values: values)
    }
}

/// Turns an official RLFN checkpoint into a self-describing weight set.
public enum CheckpointImporter {
    public static let architectures = ["rlfn", "rlfn-s", "rlfn-prune", "plainsr"]

    /// The weights of `url` with the metadata that `ModelRegistry` builds `arch` from, and the model
    /// built from them: a checkpoint that does not fit fails here with every mismatch listed.
    public static func importCheckpoint(_ url: URL, arch: String, scale: Int) throws -> (weights: WeightSet, model: any SRModel) {
        try build(TorchCheckpoint.read(contentsOf: url), url: url, arch: arch, scale: scale)
    }

    /// What an import found: the architecture and scale (given or inferred), the weights and model.
    public struct Imported {
        public let weights: WeightSet
        public let model: any SRModel
        public let arch: String
        public let scale: Int
        /// "architecture and scale" or one of them when they were inferred from the shapes; nil when both were given.
        public let inferred: String?
    }

    /// Imports `url` as `arch` at `scale`, inferring what is nil: every architecture and scale is
    /// tried against the tensors' shapes (a model builds only when every tensor fits), and the file
    /// name (`x2`, `_s_`) decides between several fits. A given pair that does not fit, where
    /// another does, fails naming the one that fits.
    public static func importCheckpoint(_ url: URL, arch: String?, scale: Int?) throws -> Imported {
        let tensors = try TorchCheckpoint.read(contentsOf: url)
        if let arch, let scale {
            do {
                let (weights, model) = try build(tensors, url: url, arch: arch, scale: scale)
                return Imported(weights: weights, model: model, arch: arch, scale: scale, inferred: nil)
            } catch {
                let fits = candidates(tensors, url: url, arches: architectures, scales: [2, 3, 4])
                guard let fit = fits.first, fit.arch != arch || fit.scale != scale else { throw error }
                throw WeightsError.malformed(
                    source: url.path,
                    reason: "the tensors do not fit --arch \(arch) --scale \(scale); they fit --arch \(fit.arch) --scale \(fit.scale)")
            }
        }
        let fits = candidates(tensors, url: url, arches: arch.map { [$0] } ?? architectures, scales: scale.map { [$0] } ?? [2, 3, 4])
        guard !fits.isEmpty else {
            throw WeightsError.malformed(
                source: url.path,
                reason: "the tensors fit none of \(architectures.joined(separator: ", ")) at x2, x3 or x4; "
                    + "give --arch and --scale to see every mismatch")
        }
        // Several fits (rare: a scale the upsampler cannot tell apart): the file name decides.
        let name = url.deletingPathExtension().lastPathComponent.lowercased()
        let hinted =
            fits.first { name.contains("x\($0.scale)") && (name.contains("_s_") == ($0.arch == "rlfn-s") || $0.arch != "rlfn") } ?? fits[0]
        let what = [arch == nil ? "architecture" : nil, scale == nil ? "scale" : nil].compactMap { $0 }.joined(separator: " and ")
        return Imported(weights: hinted.weights, model: hinted.model, arch: hinted.arch, scale: hinted.scale, inferred: what)
    }

    private static func candidates(
        _ tensors: [String: WeightSet.Entry], url: URL, arches: [String], scales: [Int]
    ) -> [(arch: String, scale: Int, weights: WeightSet, model: any SRModel)] {
        arches.flatMap { arch in
            scales.compactMap { scale in
                (try? build(tensors, url: url, arch: arch, scale: scale)).map { (arch, scale, $0.weights, $0.model) }
            }
        }
    }

    private static func build(
        _ tensors: [String: WeightSet.Entry], url: URL, arch: String, scale: Int
    ) throws -> (weights: WeightSet, model: any SRModel) {
        var metadata: [String: String] = ["scale": String(scale), "source": url.lastPathComponent]
        switch arch {
        case "rlfn", "rlfn-s", "rlfn-prune":
            let variant = RLFN.variants[arch]!
            let colors = tensors["conv_1.weight"]?.shape[1] ?? 3
            metadata.merge([
                "arch": "rlfn", "variant": arch, "colors": String(colors), "input_range": "255",
                "channels": String(variant.features), "mid_channels": String(variant.mid),
                "blocks": String(variant.blocks), "esa_channels": "16",
            ]) { $1 }
        case "plainsr":
            let first = tensors["body.0.weight"]?.shape ?? [0, 1]
            let convs = tensors.keys.filter { $0.hasPrefix("body.") && $0.hasSuffix(".bias") }.count
            let slopes = tensors["body.1.weight"]?.shape.first
            metadata.merge([
                "arch": "plainsr", "colors": String(first[1]), "input_range": "1", "channels": String(first[0]),
                "hidden": String(max(convs - 2, 0)), "act": slopes == nil ? "relu" : "prelu",
                "prelu": slopes == 1 ? "shared" : "channel",
            ]) { $1 }
        default:
            throw WeightsError.unknownArchitecture(source: url.path, arch: arch)
        }
        let weights = WeightSet(tensors: tensors, metadata: metadata)
        return (weights, try ModelRegistry.build(weights, source: url.path))
    }
}
