/// Which of the input's other streams are copied to the output.
public struct StreamSelection: Sendable, Equatable {
    public var audio: Bool
    public var subtitles: Bool
    /// Data streams, attachments and attached pictures (cover art).
    public var other: Bool

    public init(audio: Bool = true, subtitles: Bool = true, other: Bool = true) {
        self.audio = audio
        self.subtitles = subtitles
        self.other = other
    }
}
