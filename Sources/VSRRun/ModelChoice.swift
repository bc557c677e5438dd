import VSRCore
import VSRInference
import VSRMedia

/// What upscales the luma (or, for RGB models, the whole frame): a classical filter or a network.
public enum ModelChoice {
    case classical(ResamplingFilter)
    case network(name: String, model: any SRModel)

    /// The network's own factor; nil for classical filters, which take any.
    public var scale: Int? {
        if case .network(_, let model) = self { return model.descriptor.scale }
        return nil
    }

    /// The name a user gives with --model ("bicubic", "repsr-y-x2").
    public var displayName: String {
        switch self {
        case .classical(let filter): return filter.rawValue
        case .network(let name, _): return name
        }
    }

    public var isNetwork: Bool {
        if case .network = self { return true }
        return false
    }
}
