import CFFmpeg
import Foundation
import VSRCore

/// Joins the encoded segments of a planned job into one file without re-encoding: their video
/// packets in order, each given its planned timestamp, and the source's other streams, chapters and
/// metadata copied once (by `SourceStreams`, as `vsr upscale` copies them). Muxed with FFmpeg's
/// bitexact flag, so the same segments always give the same bytes.
///
/// Written to a temporary file beside the output and renamed by `finish()`.
public final class SegmentJoiner {
    public let outputPath: String
    private let overwrite: Bool
    private let temporaryPath: String
    private let muxer: Muxer
    private let source: MediaFileReader
    private let sourceStreams: SourceStreams
    private let videoStreamIndex: Int32
    /// The time base of the planned timestamps (the source video stream's).
    private let timeBase: AVRational
    /// Every frame's planned timestamp and duration, in presentation order.
    private let timings: [FrameTiming]
    /// How many packets the decode order runs ahead of the presentation order at most (B-frames).
    private let reorderDepth: Int
    /// Frames written so far: the first planned timestamp the next segment takes.
    private var written = 0
    private var finished = false
    private let packet = Packet()
    /// Lines for the user: what was converted to fit the container, what was dropped.
    public private(set) var notes: [String] = []
    public private(set) var warnings: [String] = []

    /// - Parameters:
    ///   - firstSegment: a segment file, whose video stream parameters (the encoder's headers,
    ///     identical in every segment of a job) the output takes.
    ///   - timings: the plan's frames; `reorderDepth`: the largest of the segments' reorder depths.
    public init(
        output: String, source path: String, firstSegment: String, timings: [FrameTiming], reorderDepth: Int,
        streams: StreamSelection, overwrite: Bool
    ) throws {
        outputPath = output
        self.overwrite = overwrite
        self.timings = timings
        self.reorderDepth = reorderDepth
        try SafeOutput.check(output, overwrite: overwrite, notSameAs: [path, firstSegment])
        let format = try Muxer.format(for: output)
        source = try MediaFileReader(path: path)
        timeBase = source.demuxer.videoStream.pointee.time_base
        let (temporary, descriptor) = try SafeOutput.makeTemporary(for: output)
        close(descriptor)
        temporaryPath = temporary
        do {
            muxer = try Muxer(path: temporary, format: format, displayPath: output)
        } catch {
            unlink(temporary)
            throw error
        }
        do {
            muxer.context.pointee.flags |= AVFMT_FLAG_BITEXACT
            let segment = try Demuxer(path: firstSegment)
            let stream = muxer.addStream()
            videoStreamIndex = stream.pointee.index
            try FFmpeg.check(
                avcodec_parameters_copy(stream.pointee.codecpar, segment.videoStream.pointee.codecpar),
                "\(output): video stream parameters from \(firstSegment)")
            stream.pointee.codecpar.pointee.codec_tag = 0
            stream.pointee.time_base = timeBase
            // The segments hold upright frames (a plan turns them): no display matrix is written.
            // The sample aspect ratio is the source's, as `vsr upscale` keeps it (Matroska stores none
            // for square pixels, so the segment's own reads back as unknown).
            var video = source.streamInfo
            video.displayMatrix = nil
            stream.pointee.codecpar.pointee.sample_aspect_ratio = video.sampleAspectRatio.avRational
            let muxerName = String(cString: format.pointee.name)
            try MediaFileWriter.describeVideo(
                stream, video: video, muxerName: muxerName, hdr: StaticHDRMetadata(stream: source.demuxer.videoStream))
            sourceStreams = try SourceStreams(source: source, muxer: muxer, video: stream, selection: streams)
            notes = sourceStreams.notes
            warnings = sourceStreams.warnings
            try muxer.writeHeader(options: MediaFileWriter.muxerOptions(muxerName, metadata: muxer.context.pointee.metadata))
        } catch {
            muxer.close()
            unlink(temporary)
            throw error
        }
    }

    deinit { if !finished { abort() } }

    /// Appends the video packets of the segment that holds the next `frames` planned frames. Its
    /// packets' own timestamps only order them (Matroska keeps milliseconds): the k-th smallest is
    /// given the k-th planned timestamp, and the decode timestamps follow the planned ones, `reorderDepth`
    /// frames behind.
    public func append(segment path: String, frames: Int) throws {
        let segment = try Demuxer(path: path)
        var packets: [Packet] = []
        while true {
            let next = Packet()
            guard try segment.read(into: next) else { break }
            guard next.streamIndex == segment.videoStreamIndex else { continue }
            packets.append(next)
        }
        guard packets.count == frames, written + frames <= timings.count else {
            throw VSRError.invalidInput(path: path, reason: "holds \(packets.count) video packets where the plan has \(frames) frames")
        }
        let order = packets.indices.sorted { packets[$0].pointer.pointee.pts < packets[$1].pointer.pointee.pts }
        var rank = [Int](repeating: 0, count: packets.count)
        for (position, index) in order.enumerated() { rank[index] = position }
        for (index, packet) in packets.enumerated() {
            let p = packet.pointer
            let frame = timings[written + rank[index]]
            let decodeIndex = written + index
            p.pointee.pts = frame.pts
            p.pointee.dts = dts(decodeIndex)
            p.pointee.duration = frame.duration
            guard p.pointee.dts <= p.pointee.pts else {
                throw VSRError.invalidInput(path: path, reason: "its packets are reordered deeper than the receipts say (\(reorderDepth))")
            }
            try source.passOverVideo(until: av_rescale_q(frame.pts, timeBase, vsr_time_base_q()))
            try sourceStreams.writePending()
            try muxer.write(packet, to: videoStreamIndex, from: timeBase)
        }
        written += frames
    }

    /// The decode timestamp of the packet at `index` in decode order: the planned timestamp
    /// `reorderDepth` frames earlier, or before the first, steps of the first frame's duration.
    private func dts(_ index: Int) -> Int64 {
        if index >= reorderDepth { return timings[index - reorderDepth].pts }
        return timings[0].pts - Int64(reorderDepth - index) * max(1, timings[0].duration)
    }

    /// Copies the rest of the source's other streams, writes the trailer and renames the file into
    /// place. Returns the output's size in bytes.
    public func finish() throws -> Int64 {
        guard written == timings.count else {
            throw VSRError.processing("\(outputPath): \(written) of the plan's \(timings.count) frames were joined")
        }
        do {
            try source.passOverVideo(until: .max)
            try sourceStreams.flush()
            try muxer.finish()
            try SafeOutput.commit(temporaryPath, to: outputPath, overwrite: overwrite)
            finished = true
        } catch {
            abort()
            throw error
        }
        return ((try? FileManager.default.attributesOfItem(atPath: outputPath))?[.size] as? NSNumber)?.int64Value ?? 0
    }

    public func abort() {
        guard !finished else { return }
        finished = true
        muxer.close()
        unlink(temporaryPath)
    }
}
