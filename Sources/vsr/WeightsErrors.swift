import VSRCore
import VSRInference

extension WeightsError {
    /// The CLI's view of a weights problem: bad files are bad input (65), unknown names are usage errors (64).
    var asVSRError: VSRError {
        switch self {
        case .malformed, .mismatch: return .invalidInput(path: source, reason: reason)
        case .unknownArchitecture: return .usage(description)
        }
    }
}

/// Runs `body`, turning inference-library errors into `VSRError`s with their exit codes.
func translatingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as WeightsError {
        throw error.asVSRError
    } catch let error as ModelInputError {
        throw VSRError.processing(error.description)
    }
}
