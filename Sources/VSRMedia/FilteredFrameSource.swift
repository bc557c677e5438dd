import CFFmpeg
import VSRCore

/// A `FrameSource` that passes another source's frames through FFmpeg filters: deinterlacing and
/// turning pictures upright (see `FrameCorrection`), for files and pipes alike. Frames are numbered
/// afresh; each keeps the timestamps the filters give it. Not thread-safe, like the source it wraps.
public final class FilteredFrameSource: FrameSource {
    public let streamInfo: VideoStreamInfo
    /// What the filters do, in words, for the run's notes.
    public let summary: String
    private let inner: FrameSource
    private let graph: VideoFilterGraph
    private let input = Frame()
    private let output = Frame()
    private var innerFinished = false
    private var nextIndex = 0
    /// Input durations by pts, for output frames whose time base and pts are the input's.
    private var durations: [Int64: Int64] = [:]
    /// Input captions by the pts they have in the output's time base (the first field's frame
    /// carries them when deinterlacing makes two).
    private var captions: [Int64: [UInt8]] = [:]
    private let sameTimeBase: Bool
    private let nominalDuration: Int64

    /// Wraps `inner` with `correction`'s filters; nil when there is nothing to do.
    public init?(_ inner: FrameSource, correction: FrameCorrection) throws {
        guard let filters = correction.filterChain else { return nil }
        self.inner = inner
        let source = inner.streamInfo
        graph = try VideoFilterGraph(input: source, filters: filters)
        var info = graph.describeOutput(source)
        info.fieldOrder = correction.deinterlace ? .progressive : source.fieldOrder
        if correction.rotate { info.displayMatrix = nil }
        if let count = source.estimatedFrameCount, correction.deinterlace, correction.fieldRate {
            info.estimatedFrameCount = count * 2
        }
        streamInfo = info
        summary = correction.summary
        sameTimeBase = info.timeBase == source.timeBase
        nominalDuration = info.nominalFrameDuration
    }

    public func nextFrame() throws -> VideoFrame? {
        while true {
            switch try graph.receive(into: output) {
            case .ok: return makeFrame()
            case .endOfStream: return nil
            case .again:
                guard !innerFinished else { return nil }
                guard let frame = try inner.nextFrame() else {
                    innerFinished = true
                    try graph.send(nil)
                    continue
                }
                try send(frame)
            }
        }
    }

    private func send(_ frame: VideoFrame) throws {
        let f = input.pointer
        av_frame_unref(f)
        f.pointee.width = Int32(frame.width)
        f.pointee.height = Int32(frame.height)
        f.pointee.format = frame.format.avPixelFormat.rawValue
        try FFmpeg.check(av_frame_get_buffer(f, 0), "allocating a \(frame.width)x\(frame.height) frame")
        FramePlanes.copy(frame.planes, into: f)
        f.pointee.pts = frame.pts
        f.pointee.pkt_duration = frame.duration
        f.pointee.interlaced_frame = frame.fields.isInterlaced ? 1 : 0
        f.pointee.top_field_first = frame.fields == .topFieldFirst ? 1 : 0
        f.pointee.sample_aspect_ratio = inner.streamInfo.sampleAspectRatio.avRational
        if sameTimeBase, frame.duration > 0 { durations[frame.pts] = frame.duration }
        if let cc = frame.closedCaptions {
            captions[av_rescale_q(frame.pts, inner.streamInfo.timeBase.avRational, streamInfo.timeBase.avRational)] = cc
        }
        try graph.send(f)
    }

    private func makeFrame() -> VideoFrame {
        let f = output.pointer
        let pts = f.pointee.pts
        var duration = sameTimeBase ? durations.removeValue(forKey: pts) ?? 0 : 0
        if duration <= 0 { duration = nominalDuration }
        // Entries older than this frame will not be asked for (filters keep order).
        if durations.count > 64 { durations = durations.filter { $0.key > pts } }
        if captions.count > 64 { captions = captions.filter { $0.key >= pts } }
        let planes = FramePlanes.planes(of: f, format: streamInfo.format)
        defer { nextIndex += 1 }
        var frame = VideoFrame(index: nextIndex, pts: pts, duration: duration, format: streamInfo.format, planes: planes)
        frame.closedCaptions = captions.removeValue(forKey: pts)
        return frame
    }
}
