import Foundation
import FuzzDriver
import VSRPresets

/// One fuzz input is a preset file's bytes: strict JSON decoding must end in a preset or an error.
runFuzzer { bytes, count in
    guard let bytes else { return 0 }
    _ = try? PipelinePreset.decode(Data(bytes: bytes, count: count), path: "/fuzz/preset.json")
    return 0
}
