import Foundation
import FuzzDriver
import VSRMedia

/// One fuzz input is a whole media file (the corpus starts from small mp4, mkv, webm and ts files
/// that `make fuzz` makes with ffmpeg): it goes through what `vsr probe` does (demuxer, the packet
/// and timestamp analysis, colour and HDR side data) and through `vsr upscale`'s reader (demux,
/// decode, convert) for its first frames. Any crash, trap or sanitizer report is a finding; errors
/// are expected.
// FFmpeg's log would be most of the work (damaged inputs make it talk): silenced, as vsr does.
MediaLogging.configure(verbose: false)
runFuzzer { bytes, count in
    guard let bytes else { return 0 }
    let path = FuzzScratch.write(Data(bytes: bytes, count: count))
    _ = try? MediaProbe(path: path)
    if let reader = try? MediaFileReader(path: path) {
        var frames = 0
        while frames < 8, let frame = try? reader.nextFrame() {
            precondition(frame.planes.count == frame.format.planeCount, "a frame with the wrong number of planes")
            frames += 1
        }
        _ = reader.truncation
    }
    return 0
}
