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

    public var isNetwork: Bool {
        if case .network = self { return true }
        return false
    }
}
