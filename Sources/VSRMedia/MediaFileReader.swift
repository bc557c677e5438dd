import CFFmpeg
import VSRCore

/// A `FrameSource` over a media file: demuxes, decodes the main video stream, and moves each packet
/// of the streams a `MediaFileWriter` copies into `copiedPackets`, from which the writer takes them on
/// its own thread. Not thread-safe otherwise.
public final class MediaFileReader: FrameSource {
    public let path: String
    public let streamInfo: VideoStreamInfo
    let demuxer: Demuxer
    private let decoder: VideoDecoder
    private let converter = PixelConverter()
    private let packet = Packet()
    private let decoded = Frame()
    private var draining = false
    private var finished = false
    private var nextIndex = 0
    private var nextPts: Int64 = 0
    /// Packets of the other streams, in file order, for the writer that copies them.
    let copiedPackets = CopiedPackets()
    /// The part of the input read, if not all of it.
    public let range: TimeRange?
    /// The exact frames read, if given; `wanted` are those not read yet.
    public let selection: FrameSelection?
    private var wanted: Set<Int64>
    /// Keyframes decoded past the selection's last frame (the reader gives up after a few).
    private var keyframesPastSelection = 0
    /// Frames decoded inside the selection's span that it does not list: the decoder and the plan disagree.
    public private(set) var unselectedFrames: [Int64] = []
    /// The selection's timestamps not read (after the end): frames the decoder did not give.
    public var missingSelectedFrames: [Int64] { selection.map { $0.timestamps.filter(wanted.contains) } ?? [] }
    /// `range` in AV_TIME_BASE units from the container's origin; everything is shifted by `startTime`.
    private var startTime: Int64 = 0
    private var endTime: Int64?

    /// `startTime` in `timeBase`: what is subtracted from every timestamp of that stream.
    func offset(in timeBase: AVRational) -> Int64 {
        range == nil ? 0 : av_rescale_q(startTime, vsr_time_base_q(), timeBase)
    }

    /// The shift applied to every timestamp, in AV_TIME_BASE units (for chapters).
    var timeOffset: Int64 { range == nil ? 0 : startTime }

    /// Packets read at open to measure the frame rate, handed out before reading on.
    private var lookahead: [Packet] = []
    /// How many video packets the frame-rate measurement reads at open.
    static let lookaheadVideoPackets = 48

    /// Opens `path`; throws `VSRError.inputNotFound` or `.invalidInput` naming the file.
    /// - Parameter range: the part to read (`--start`, `--end`): the demuxer seeks to the keyframe
    ///   before its start, frames before it are decoded and dropped, every stream's timestamps are
    ///   shifted so the part starts at zero, and the other streams' packets are cut to it.
    ///   `sequenceRate` is the frame rate of an image sequence (`frame_%03d.png`, `shots/*.png`).
    /// - Parameter selection: exact frames to read (a planned segment); every other frame, and
    ///   every other stream's packet, is passed over.
    public init(
        path: String, range: TimeRange? = nil, sequenceRate: Rational = Rational(25, 1), selection: FrameSelection? = nil
    ) throws {
        self.path = path
        demuxer = try Demuxer(path: path, sequenceRate: sequenceRate)
        let stream = demuxer.videoStream
        indexedFrameCount = range == nil && selection == nil ? MediaFileReader.indexedPackets(stream) : nil
        self.selection = selection
        wanted = Set(selection?.timestamps ?? [])
        if let seek = selection?.seekTo {
            try FFmpeg.check(av_seek_frame(demuxer.context, demuxer.videoStreamIndex, seek, AVSEEK_FLAG_BACKWARD)) {
                VSRError.invalidInput(path: path, reason: "cannot seek to the keyframe at pts \(seek): \($0)")
            }
        }
        decoder = try VideoDecoder(stream: stream, path: path)
        self.range = range
        if let range {
            let context = demuxer.context
            // Times are measured from the container's start (where ffprobe's pts_time counts from 0
            // too): the first timestamp of the file, when the container knows it.
            let origin = context.pointee.start_time == vsr_nopts_value() ? 0 : context.pointee.start_time
            startTime = origin + Int64(range.start * Double(AV_TIME_BASE))
            endTime = range.end.map { origin + Int64($0 * Double(AV_TIME_BASE)) }
            if range.start > 0 {
                let target = av_rescale_q(startTime, vsr_time_base_q(), stream.pointee.time_base)
                try FFmpeg.check(av_seek_frame(context, demuxer.videoStreamIndex, target, AVSEEK_FLAG_BACKWARD)) {
                    VSRError.invalidInput(path: path, reason: "cannot seek to \(range.start) s: \($0)")
                }
            }
        }
        let ahead = try MediaFileReader.readAhead(demuxer)
        lookahead = ahead
        let videoIndex = demuxer.videoStreamIndex
        let timestamps = ahead.filter { $0.streamIndex == videoIndex }.compactMap { packet -> Int64? in
            let p = packet.pointer.pointee
            let time = p.pts == vsr_nopts_value() ? p.dts : p.pts
            return time == vsr_nopts_value() ? nil : time
        }
        let measuredRate = TimestampRate.measured(timestamps, timeBase: stream.pointee.time_base)
        var info = try MediaFileReader.describe(stream: stream, demuxer: demuxer, measuredRate: measuredRate, path: path)
        if let range, let rate = info.frameRate.doubleValue, rate > 0 {
            let total = demuxer.context.pointee.duration > 0 ? Double(demuxer.context.pointee.duration) / Double(AV_TIME_BASE) : nil
            if let length = (range.end ?? total).map({ $0 - range.start }) {
                let count = max(0, Int((length * rate).rounded()))
                info.estimatedFrameCount = info.estimatedFrameCount.map { min($0, count) } ?? count
            }
        }
        if let selection {
            info.frameRate = selection.frameRate
            info.estimatedFrameCount = selection.timestamps.count
        }
        streamInfo = info
    }

    /// The video packets the container's index lists with data in them: AVI indexes zero-size "drop"
    /// frames that no demuxer returns and no decoder sees. Nil without a count in the header.
    private static func indexedPackets(_ stream: UnsafeMutablePointer<AVStream>) -> Int? {
        guard stream.pointee.nb_frames > 0 else { return nil }
        let entries = avformat_index_get_entries_count(stream)
        guard entries > 0 else { return Int(stream.pointee.nb_frames) }
        return (0..<entries).reduce(0) { count, index in
            guard let entry = avformat_index_get_entry(stream, index) else { return count }
            return entry.pointee.size > 0 ? count + 1 : count
        }
    }

    /// Reads the first `lookaheadVideoPackets` video packets (and what lies between them), at most
    /// 64 MiB, so the frame rate can be measured from their timestamps.
    private static func readAhead(_ demuxer: Demuxer) throws -> [Packet] {
        var packets: [Packet] = []
        var videoPackets = 0, bytes = 0
        while videoPackets < lookaheadVideoPackets, bytes < 64 << 20 {
            let packet = Packet()
            guard try demuxer.read(into: packet) else { break }
            if packet.streamIndex == demuxer.videoStreamIndex { videoPackets += 1 }
            bytes += Int(packet.pointer.pointee.size)
            packets.append(packet)
        }
        return packets
    }

    /// What of the video cannot be kept, one line each: bits beyond 10, a Dolby Vision
    /// configuration. (Alpha is kept where the output can hold it; the writers say where not.)
    public var conversionWarnings: [String] {
        let stream = demuxer.videoStream
        let source = AVPixelFormat(rawValue: stream.pointee.codecpar.pointee.format)
        var lines: [String] = []
        if let descriptor = av_pix_fmt_desc_get(source) {
            let depth = Int(descriptor.pointee.comp.0.depth)
            if depth > streamInfo.format.bitDepth {
                lines.append(
                    "\(path): \(depth)-bit video (\(streamInfo.sourceFormatName)) is processed and written at "
                        + "\(streamInfo.format.bitDepth) bits: vsr's planes hold at most 10")
            }
        }
        if av_stream_get_side_data(stream, AV_PKT_DATA_DOVI_CONF, nil) != nil {
            lines.append(
                "\(path): the Dolby Vision configuration is dropped: the output is its base layer, re-encoded, "
                    + "with the base layer's colour tags")
        }
        return lines
    }

    /// Number of packets the decoder could not decode (damaged data); decoding continued past them.
    public var corruptPackets: Int { decoder.corruptPackets }
    /// Video packets read so far.
    public private(set) var videoPackets = 0
    /// The video packet count in the container's index (mp4, mov); nil where the container has none.
    public let indexedFrameCount: Int?
    /// Frame intervals missing from the timestamps: gaps longer than two frames at the average rate,
    /// where a demuxer skipped damaged data (Matroska resyncs past a broken cluster without an error).
    public private(set) var missingFrames = 0

    /// After the last frame: an error when the input ended before the packets its index lists
    /// (a truncated mp4 or mov). Nil when the input is whole or was not read to its end.
    public var truncation: VSRError? {
        guard finished, let indexed = indexedFrameCount, videoPackets < indexed else { return nil }
        return .invalidInput(
            path: path,
            reason: "the input ends after \(videoPackets) of the \(indexed) video packets " + "its index lists: the file is truncated")
    }

    /// The first frame, decoded ahead and kept for `nextFrame()`, for what the stream tags do not
    /// say (whether its frames are interlaced).
    public func peekFirstFrame() throws -> VideoFrame? {
        if nextIndex == 0, peeked == nil { peeked = try decodeNext() }
        return peeked
    }

    private var peeked: VideoFrame?

    public func nextFrame() throws -> VideoFrame? {
        if let frame = peeked {
            peeked = nil
            return frame
        }
        return try decodeNext()
    }

    private func decodeNext() throws -> VideoFrame? {
        try decodeNextFrame() ? makeFrame(decoded.pointer) : nil
    }

    /// The next frame's timing only, without its pictures: `vsr plan`'s pass over the input.
    public func nextTiming() throws -> FrameTiming? {
        guard try decodeNextFrame() else { return nil }
        let timing = frameTiming(decoded.pointer)
        nextIndex += 1
        return timing
    }

    /// Whether the frame is one of the selection's (nil without a selection); counts what it passes over.
    private func isSelected(_ frame: UnsafeMutablePointer<AVFrame>) -> Bool? {
        guard let selection, let first = selection.timestamps.first, let last = selection.timestamps.last else { return nil }
        let pts = frame.pointee.best_effort_timestamp
        if pts > last, frame.pointee.key_frame != 0 { keyframesPastSelection += 1 }
        if wanted.remove(pts) != nil { return true }
        if pts >= first, pts <= last { unselectedFrames.append(pts) }
        return false
    }

    /// Decodes into `decoded` the next frame the run reads; false at the end.
    private func decodeNextFrame() throws -> Bool {
        while !finished {
            if selection != nil, wanted.isEmpty || keyframesPastSelection >= selection!.keyframesPastEnd {
                finished = true
                break
            }
            switch try decoder.receive(into: decoded) {
            case .ok:
                if let selected = isSelected(decoded.pointer) {
                    if !selected { continue }
                    return true
                }
                if range != nil {
                    let timeBase = demuxer.videoStream.pointee.time_base, offset = offset(in: timeBase)
                    let pts = decoded.pointer.pointee.best_effort_timestamp
                    if pts != vsr_nopts_value() {
                        if pts < offset { continue }
                        if let endTime, pts >= av_rescale_q(endTime, vsr_time_base_q(), timeBase) {
                            finished = true
                            return false
                        }
                        decoded.pointer.pointee.best_effort_timestamp = pts - offset
                    }
                }
                return true
            case .endOfStream:
                finished = true
            case .again:
                try feedDecoder()
            }
        }
        return false
    }

    /// Reads packets until one video packet went to the decoder (or the input ended).
    private func feedDecoder() throws {
        while !draining {
            guard try readPacket() else {
                try decoder.send(nil)
                return
            }
            if packet.streamIndex == demuxer.videoStreamIndex {
                videoPackets += 1
                try decoder.send(packet)
                return
            }
            if range != nil {
                // Cut to the range: packets that start in it, shifted to its start.
                let timeBase = demuxer.stream(packet.streamIndex).pointee.time_base
                let p = packet.pointer
                let start = p.pointee.pts == vsr_nopts_value() ? p.pointee.dts : p.pointee.pts
                guard start != vsr_nopts_value() else { continue }
                let offset = offset(in: timeBase)
                if start < offset { continue }
                if let endTime, start >= av_rescale_q(endTime, vsr_time_base_q(), timeBase) { continue }
                if p.pointee.pts != vsr_nopts_value() { p.pointee.pts -= offset }
                if p.pointee.dts != vsr_nopts_value() { p.pointee.dts -= offset }
            }
            copiedPackets.put(packet)
        }
    }

    /// The next packet into `packet`: the ones read ahead at open first, then the demuxer's.
    /// False, and `draining` set, at the end of the input.
    private func readPacket() throws -> Bool {
        if !lookahead.isEmpty {
            let next = lookahead.removeFirst()
            packet.unref()
            av_packet_move_ref(packet.pointer, next.pointer)
            return true
        }
        if try demuxer.read(into: packet) { return true }
        draining = true
        return false
    }

    /// Reads on without decoding the video, handing the other streams' packets to `copiedPackets`,
    /// until a video packet starts after `time` (AV_TIME_BASE units) or the input ends: the source
    /// side of joining segments, which brings their video.
    func passOverVideo(until time: Int64) throws {
        while !draining {
            guard try readPacket() else { return }
            guard packet.streamIndex == demuxer.videoStreamIndex else {
                copiedPackets.put(packet)
                continue
            }
            let p = packet.pointer.pointee
            let start = p.dts == vsr_nopts_value() ? p.pts : p.dts
            if start != vsr_nopts_value(), av_rescale_q(start, demuxer.videoStream.pointee.time_base, vsr_time_base_q()) > time { return }
        }
    }

    /// The frame's timestamp and duration as the run keeps them, and whether it is a keyframe.
    private func frameTiming(_ frame: UnsafeMutablePointer<AVFrame>) -> FrameTiming {
        let f = frame.pointee
        let best = f.best_effort_timestamp
        let pts = best == vsr_nopts_value() ? nextPts : best
        let nominal = streamInfo.nominalFrameDuration
        if nextIndex > 0, nominal > 0, pts - nextPts > 2 * nominal { missingFrames += Int((pts - nextPts) / nominal) }
        // Containers fill packet durations in loosely (Matroska and FLV files with 1 ms durations for
        // 30 fps video): a duration under an eighth of the measured frame interval is not believed.
        var duration = f.pkt_duration
        if duration <= 0 || (nominal > 0 && duration * 8 < nominal) { duration = nominal }
        nextPts = pts + max(duration, 1)
        return FrameTiming(pts: pts, duration: duration, isKeyframe: f.key_frame != 0)
    }

    private func makeFrame(_ frame: UnsafeMutablePointer<AVFrame>) throws -> VideoFrame {
        let f = frame.pointee
        guard Int(f.width) == streamInfo.width, Int(f.height) == streamInfo.height else {
            throw VSRError.invalidInput(
                path: path,
                reason: "the video size changes mid-stream from "
                    + "\(streamInfo.width)x\(streamInfo.height) to \(f.width)x\(f.height) at frame \(nextIndex), "
                    + "which vsr does not support; split the input where the size changes")
        }
        let timing = frameTiming(frame)
        let (pts, duration) = (timing.pts, timing.duration)

        let source = AVPixelFormat(rawValue: f.format)
        let target = streamInfo.format
        let planes: [Plane]
        if PixelFormat(source) == target || MediaFileReader.fullRangeTwin(of: source) == target {
            planes = FramePlanes.planes(of: frame, format: target)
        } else {
            let matrix = streamInfo.color.matrix == 1 ? SWS_CS_ITU709 : SWS_CS_ITU601
            let converted = try converter.convert(frame, to: target.avPixelFormat, matrix: matrix)
            planes = FramePlanes.planes(of: converted, format: target)
        }
        defer { nextIndex += 1 }
        let fields: FieldOrder = f.interlaced_frame == 0 ? .progressive : (f.top_field_first != 0 ? .topFieldFirst : .bottomFieldFirst)
        var made = VideoFrame(index: nextIndex, pts: pts, duration: duration, format: target, planes: planes, fields: fields)
        if let captions = av_frame_get_side_data(frame, AV_FRAME_DATA_A53_CC), captions.pointee.size > 0 {
            made.closedCaptions = Array(UnsafeBufferPointer(start: captions.pointee.data, count: Int(captions.pointee.size)))
        }
        return made
    }

    /// The deprecated full-range `yuvj` formats are the plain layouts with `range = full`.
    static func fullRangeTwin(of format: AVPixelFormat) -> PixelFormat? {
        switch format {
        case AV_PIX_FMT_YUVJ420P: return .yuv420p
        case AV_PIX_FMT_YUVJ422P: return .yuv422p
        case AV_PIX_FMT_YUVJ444P: return .yuv444p
        default: return nil
        }
    }

    private static func describe(
        stream: UnsafeMutablePointer<AVStream>, demuxer: Demuxer, measuredRate: Rational?,
        path: String
    ) throws -> VideoStreamInfo {
        let p = stream.pointee.codecpar.pointee
        guard p.width > 0, p.height > 0 else {
            throw VSRError.invalidInput(path: path, reason: "the video stream has no size (\(p.width)x\(p.height))")
        }
        let source = AVPixelFormat(rawValue: p.format)
        guard source != AV_PIX_FMT_NONE else {
            throw VSRError.invalidInput(path: path, reason: "the video stream has no known pixel format")
        }
        let sourceName = PixelFormat.name(of: source)
        let format = fullRangeTwin(of: source) ?? PixelFormat.nearest(to: source)
        var color = ColorInfo(
            primaries: Int32(p.color_primaries.rawValue), transfer: Int32(p.color_trc.rawValue),
            matrix: Int32(p.color_space.rawValue),
            range: ColorRange(rawValue: Int32(p.color_range.rawValue)) ?? .unspecified,
            chromaLocation: ChromaLocation(rawValue: Int32(p.chroma_location.rawValue)) ?? .unspecified)
        if fullRangeTwin(of: source) != nil { color.range = .full }
        let isRGB = av_pix_fmt_desc_get(source).map { $0.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB) != 0 } ?? false
        if isRGB || source == AV_PIX_FMT_PAL8 {
            // Converted to YUV here: tag what the conversion produced (FFmpeg's untagged default).
            color.matrix = p.height >= 720 ? 1 : 6
            color.range = .limited
        }
        var stated = stream.pointee.avg_frame_rate
        if stated.num <= 0 || stated.den <= 0 { stated = stream.pointee.r_frame_rate }
        let rate = TimestampRate.choose(stated: Rational(stated), measured: measuredRate).avRational
        var sar = stream.pointee.sample_aspect_ratio
        if sar.num == 0 { sar = p.sample_aspect_ratio }
        var count: Int? = stream.pointee.nb_frames > 0 ? Int(stream.pointee.nb_frames) : nil
        if count == nil, rate.num > 0, rate.den > 0 {
            let tb = stream.pointee.time_base
            if stream.pointee.duration > 0 {
                count = Int((Double(stream.pointee.duration) * av_q2d(tb) * av_q2d(rate)).rounded())
            } else if demuxer.context.pointee.duration > 0 {
                count = Int((Double(demuxer.context.pointee.duration) / Double(AV_TIME_BASE) * av_q2d(rate)).rounded())
            }
        }
        var info = VideoStreamInfo(
            width: Int(p.width), height: Int(p.height), format: format,
            timeBase: Rational(stream.pointee.time_base), frameRate: Rational(rate),
            sampleAspectRatio: Rational(sar), color: color, estimatedFrameCount: count,
            sourceFormatName: sourceName)
        info.fieldOrder = FieldOrder(p.field_order)
        info.displayMatrix = DisplayMatrix(stream: stream).flatMap { $0.isIdentity ? nil : $0 }
        return info
    }
}
