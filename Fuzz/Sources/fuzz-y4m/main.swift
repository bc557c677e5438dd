import Foundation
import FuzzDriver
import VSRCore
import VSRStreams

/// One fuzz input is a whole y4m stream. It goes through a file, as stdin would, so that the real
/// buffered descriptor reader runs; every frame is read until the end or the first error.
runFuzzer { bytes, count in
    guard let bytes else { return 0 }
    let path = FuzzScratch.write(Data(bytes: bytes, count: count))
    guard let input = try? ByteInput(path: path), let reader = try? Y4MReader(input: input) else { return 0 }
    for _ in 0..<64 {
        guard let frame = try? reader.nextFrame() else { break }
        precondition(frame.planes.allSatisfy { $0.bytes.count == $0.rowBytes * $0.height }, "a plane of the wrong size")
    }
    return 0
}
