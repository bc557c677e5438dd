/// How raw frames are written to stdout or a raw file (`--output-format`, a preset's `output_format`).
public enum RawOutputFormat: String, CaseIterable, Sendable {
    case y4m, rawvideo
}
