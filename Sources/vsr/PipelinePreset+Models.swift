import VSRCore
import VSRInference
import VSRPresets

extension PipelinePreset {
    /// The first of `models` that is available here: a classical filter, a shipped model or an installed one.
    func availableModel(store: ModelStore) throws -> String? {
        guard !models.isEmpty else { return nil }
        let known = Set(ModelChoice.classicalNames.keys).union(ModelChoice.availableNetworkNames(store: store))
        guard let name = models.first(where: known.contains) else {
            throw VSRError.usage("\(path): none of the preset's models is available (\(models.joined(separator: ", "))); see vsr models")
        }
        return name
    }
}
