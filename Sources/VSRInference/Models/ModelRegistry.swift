/// Maps an architecture name in a weights file's metadata to the type that builds it, so a new
/// checkpoint of a known architecture needs no code.
public enum ModelRegistry {
    public static let architectures = ["rlfn", "plainsr"]

    /// Builds the model a weight set describes; every tensor must be used and every shape match.
    public static func build(_ weights: WeightSet, source: String, namePrefix: String = "") throws -> any SRModel {
        let descriptor = try ModelDescriptor(metadata: weights.metadata, source: source)
        let consumer = WeightConsumer(weights, source: source)
        let model: any SRModel
        switch descriptor.arch {
        case "rlfn": model = try RLFN(descriptor: descriptor, weights: consumer, source: source)
        case "plainsr": model = try PlainSR(descriptor: descriptor, weights: consumer, source: source, prefix: namePrefix)
        default: throw WeightsError.unknownArchitecture(source: source, arch: descriptor.arch)
        }
        try consumer.finish()
        return model
    }
}
