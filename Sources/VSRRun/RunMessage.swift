/// A message for the user from a run.
public enum RunMessage: Equatable, Sendable {
    case warning(String)
    case note(String)
}
