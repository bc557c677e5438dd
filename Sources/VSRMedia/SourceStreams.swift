import CFFmpeg
import Foundation
import VSRCore

/// What an output takes from its source besides the upscaled video: the video stream's identity
/// (tags, dispositions), the other streams (copied, or converted where the container needs it),
/// chapters and container metadata. Used by `MediaFileWriter` (frames encoded as they come) and by
/// `SegmentJoiner` (a planned job's segments joined), so both keep exactly the same things.
final class SourceStreams {
    private let muxer: Muxer
    private let outputPath: String
    /// Input stream index -> output stream index and input time base, for copied streams.
    private var copiedStreams: [Int32: (output: Int32, timeBase: AVRational)] = [:]
    /// Text subtitles the container holds only in another format, by input stream index.
    private var subtitleConverters: [Int32: SubtitleConverter] = [:]
    /// Audio re-encoded for the container (or by `--audio-codec`), by input stream index.
    private var audioConverters: [Int32: AudioConverter] = [:]
    /// Where the copied streams' packets wait.
    private let copiedPackets: CopiedPackets
    /// One line per stream converted or re-encoded to fit the container.
    private(set) var notes: [String] = []
    /// One line per stream dropped because the container cannot hold it or FFmpeg cannot name its codec.
    private(set) var warnings: [String] = []

    /// Adds the copied streams to `muxer` (before its header is written) and tags `video`, the
    /// output's video stream, as the source's video stream was. From now on `source` keeps the
    /// copied streams' packets for `writePending()`.
    init(source: MediaFileReader, muxer: Muxer, video: UnsafeMutablePointer<AVStream>, selection: StreamSelection) throws {
        self.muxer = muxer
        outputPath = muxer.displayPath
        copiedPackets = source.copiedPackets
        // The video stream's identity: language, title, handler, default and other dispositions.
        let input = source.demuxer.videoStream
        try FFmpeg.check(av_dict_copy(&video.pointee.metadata, input.pointee.metadata, 0), "copying video stream tags")
        // What described the old encoding is not true of the new one (ffmpeg drops these too).
        for key in ["encoder", "duration", "BPS", "NUMBER_OF_FRAMES", "NUMBER_OF_BYTES", "_STATISTICS_TAGS"] {
            av_dict_set(&video.pointee.metadata, key, nil, 0)
        }
        video.pointee.disposition = input.pointee.disposition & ~AV_DISPOSITION_ATTACHED_PIC
        try copyStreams(from: source, video: video.pointee.index, selection: selection)
        try copyContainerMetadata(from: source)
        source.copiedPackets.keep(streams: Set(copiedStreams.keys))
    }

    private func copyStreams(from source: MediaFileReader, video: Int32, selection: StreamSelection) throws {
        let demuxer = source.demuxer
        let plan = try StreamPlan(demuxer: demuxer, format: muxer.format, selection: selection)
        for entry in plan.entries {
            switch entry.fate {
            case .notSelected: continue
            case .timecode(let value):
                notes.append(entry.message ?? "")
                let stream = muxer.stream(video)
                try FFmpeg.check(av_dict_set(&stream.pointee.metadata, "timecode", value, 0), "setting the timecode")
                continue
            case .dropped, .unknownCodec:
                warnings.append(entry.message ?? "")
                continue
            case .converted, .reencoded: notes.append(entry.message ?? "")
            case .copied: break
            }
            let index = Int32(entry.index)
            let input = demuxer.stream(index)
            let output = muxer.addStream()
            try FFmpeg.check(
                avcodec_parameters_copy(output.pointee.codecpar, input.pointee.codecpar),
                "\(outputPath): copying stream #\(index)")
            // The input container's codec tag may mean something else in the output container.
            output.pointee.codecpar.pointee.codec_tag = 0
            output.pointee.time_base = input.pointee.time_base
            if let converter = entry.audioConverter {
                try converter.describe(output)
                audioConverters[index] = converter
            } else if let converter = entry.subtitleConverter {
                try converter.describe(output)
                subtitleConverters[index] = converter
            }
            if entry.audioConverter == nil {
                output.pointee.sample_aspect_ratio = input.pointee.sample_aspect_ratio
                output.pointee.avg_frame_rate = input.pointee.avg_frame_rate
            }
            copiedStreams[index] = (output.pointee.index, input.pointee.time_base)
            output.pointee.disposition = input.pointee.disposition
            av_dict_copy(&output.pointee.metadata, input.pointee.metadata, 0)
        }
    }

    private func copyContainerMetadata(from source: MediaFileReader) throws {
        let input = source.demuxer.context
        let output = muxer.context
        try FFmpeg.check(av_dict_copy(&output.pointee.metadata, input.pointee.metadata, 0), "copying metadata")
        let end = source.range?.end.map { source.timeOffset + Int64(($0 - source.range!.start) * Double(AV_TIME_BASE)) } ?? -1
        try FFmpeg.check(vsr_copy_chapters(output, input, source.timeOffset, end), "copying chapters")
    }

    /// Muxes the copied streams' packets the reader has read so far (libavformat interleaves them
    /// with the video by dts).
    func writePending() throws {
        for packet in copiedPackets.takeAll() {
            guard let stream = copiedStreams[packet.streamIndex] else { continue }
            if let converter = audioConverters[packet.streamIndex] {
                for converted in try converter.convert(packet) {
                    try muxer.write(converted, to: stream.output, from: converter.timeBase)
                }
                continue
            }
            if let converter = subtitleConverters[packet.streamIndex] {
                guard let converted = try converter.convert(packet) else { continue }
                try muxer.write(converted, to: stream.output, from: stream.timeBase)
                continue
            }
            try muxer.write(packet, to: stream.output, from: stream.timeBase)
        }
    }

    /// The last pending packets, and what the audio encoders still hold.
    func flush() throws {
        try writePending()
        for (index, converter) in audioConverters.sorted(by: { $0.key < $1.key }) {
            guard let stream = copiedStreams[index] else { continue }
            for packet in try converter.flush() { try muxer.write(packet, to: stream.output, from: converter.timeBase) }
        }
    }
}
