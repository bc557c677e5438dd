import CFFmpeg
import VSRCore

/// What becomes of each of the input's other streams (audio, subtitles, data, attachments, cover
/// art) in an output container: copied, converted to a format the container holds, or dropped.
/// `MediaFileWriter` acts on it; `vsr probe` reports it before a run.
public struct StreamPlan {
    public enum Fate: Equatable {
        case copied
        /// Text subtitles turned into another text format (`mov_text` for mp4).
        case converted(to: String)
        /// Audio re-encoded; `chosen` when `--audio-codec` asked for it rather than the container.
        case reencoded(to: String, chosen: Bool)
        /// The container cannot hold it (and nothing it holds could be made from it).
        case dropped
        /// FFmpeg's demuxer did not recognize its codec (codec id none: FFmpeg 5.1 reads Matroska's
        /// S_TEXT/WEBVTT so), and no muxer writes a stream of unknown codec, whatever the container.
        case unknownCodec
        /// Left out by `--no-audio`, `--no-subtitles`.
        case notSelected
        /// A QuickTime timecode track: its start time goes on the video stream as the `timecode`
        /// tag, from which the mov/mp4 muxer writes a new timecode track (and Matroska keeps the tag).
        case timecode(String)
    }

    public struct Entry {
        public let index: Int
        /// audio, subtitle, data, attachment, video (cover art).
        public let kind: String
        public let codec: String
        public let fate: Fate
        /// The container's name, for messages.
        let container: String
        let subtitleConverter: SubtitleConverter?
        let audioConverter: AudioConverter?

        /// One line for the run's messages, nil for a plain copy.
        public var message: String? {
            switch fate {
            case .copied, .notSelected: return nil
            case .timecode(let value):
                return "timecode track #\(index) (\(value)) kept as the video's timecode"
                    + (MediaFileWriter.isoMediaMuxers.contains(container)
                        ? "" : " tag: the \(container) container has no timecode tracks")
            case .dropped: return "dropped \(kind) stream #\(index) (\(codec)): the \(container) container cannot hold it"
            case .unknownCodec:
                return "dropped \(kind) stream #\(index): its codec is unknown to FFmpeg \(StreamPlan.ffmpegVersion), "
                    + "and no container can take a stream of unknown codec"
            case .converted(let target):
                return "converted \(kind) stream #\(index) from \(codec) to \(target): the \(container) container cannot hold \(codec)"
            case .reencoded(let target, let chosen):
                return "re-encoded audio stream #\(index) from \(codec) to \(target)"
                    + (chosen ? " (--audio-codec)" : ": the \(container) container cannot hold \(codec)")
            }
        }
    }

    public let entries: [Entry]

    /// The FFmpeg libraries' release, major.minor ("5.1" of "5.1.9-0+deb12u1"), for messages about
    /// what they cannot read: what a release reads does not change with its point updates.
    public static var ffmpegVersion: String {
        let version = String(cString: av_version_info())
        let parts = version.split(separator: ".", maxSplits: 2)
        guard parts.count >= 2, let minor = parts[1].split(whereSeparator: { !$0.isNumber }).first else { return version }
        return "\(parts[0]).\(minor)"
    }

    init(demuxer: Demuxer, format: UnsafePointer<AVOutputFormat>, selection: StreamSelection) throws {
        let container = String(cString: format.pointee.name)
        var entries: [Entry] = []
        for index in 0..<demuxer.streamCount where index != demuxer.videoStreamIndex {
            let input = demuxer.stream(index)
            let parameters = input.pointee.codecpar!
            let kind = parameters.pointee.codec_type
            let isCoverArt = input.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC != 0
            let wanted: Bool
            switch kind {
            case AVMEDIA_TYPE_AUDIO: wanted = selection.audio
            case AVMEDIA_TYPE_SUBTITLE: wanted = selection.subtitles
            case AVMEDIA_TYPE_VIDEO: wanted = selection.other && isCoverArt
            default: wanted = selection.other
            }
            let codec = String(cString: avcodec_get_name(parameters.pointee.codec_id))
            let kindName = av_get_media_type_string(kind).map { String(cString: $0) } ?? "data"
            func entry(_ fate: Fate, subtitles: SubtitleConverter? = nil, audio: AudioConverter? = nil) -> Entry {
                Entry(
                    index: Int(index), kind: kindName, codec: codec, fate: fate, container: container,
                    subtitleConverter: subtitles, audioConverter: audio)
            }
            guard wanted else {
                entries.append(entry(.notSelected))
                continue
            }
            if parameters.pointee.codec_tag == MediaFileWriter.fourCC("tmcd"),
                let value = av_dict_get(input.pointee.metadata, "timecode", nil, 0)
            {
                entries.append(entry(.timecode(String(cString: value.pointee.value))))
                continue
            }
            // (After the timecode: a QuickTime tmcd track is codec none too, and is kept.)
            if parameters.pointee.codec_id == AV_CODEC_ID_NONE {
                entries.append(entry(.unknownCodec))
                continue
            }
            // Picture containers (image2, GIF, WebP) have no default audio or subtitle codec: they hold
            // the video alone, whatever a header written with another stream says.
            let picturesOnly = format.pointee.audio_codec == AV_CODEC_ID_NONE && format.pointee.subtitle_codec == AV_CODEC_ID_NONE
            let accepted = !picturesOnly && Muxer.accepts(input, format: format)
            if kind == AVMEDIA_TYPE_AUDIO, !picturesOnly, selection.audioCodec != "copy", !accepted || selection.audioCodec != nil,
                let converter = try AudioConverter.make(for: input, format: format, codecName: selection.audioCodec)
            {
                entries.append(entry(.reencoded(to: converter.targetName, chosen: accepted), audio: converter))
            } else if accepted {
                entries.append(entry(.copied))
            } else if !picturesOnly, let converter = SubtitleConverter.make(for: input, format: format) {
                entries.append(entry(.converted(to: converter.targetName), subtitles: converter))
            } else {
                entries.append(entry(.dropped))
            }
        }
        self.entries = entries
    }

    /// The plan for upscaling `input` into `output` (only its extension matters).
    public static func plan(input: String, output: String, selection: StreamSelection) throws -> StreamPlan {
        let demuxer = try Demuxer(path: input)
        return try StreamPlan(demuxer: demuxer, format: Muxer.format(for: output), selection: selection)
    }
}
