import ArgumentParser
import VSRStreams

/// `--input-format`: how stdin or a raw file is read.
public enum RawInputFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    case y4m, rawvideo
}

/// `--output-format`: how stdout or a raw file is written.
extension RawOutputFormat: ExpressibleByArgument {}
