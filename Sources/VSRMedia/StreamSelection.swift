/// Which of the input's other streams are copied to the output.
public struct StreamSelection: Sendable, Equatable {
    public var audio: Bool
    public var subtitles: Bool
    /// Data streams, attachments and attached pictures (cover art).
    public var other: Bool
    /// nil: copy audio, re-encoding only what the container cannot hold; "copy": never re-encode
    /// (drop what does not fit); an encoder name: re-encode every audio stream with it.
    public var audioCodec: String?

    public init(audio: Bool = true, subtitles: Bool = true, other: Bool = true, audioCodec: String? = nil) {
        self.audioCodec = audioCodec
        self.audio = audio
        self.subtitles = subtitles
        self.other = other
    }
}
