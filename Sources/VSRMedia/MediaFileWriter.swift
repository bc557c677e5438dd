import CFFmpeg
import Foundation
import VSRCore

/// A `FrameSink` that encodes frames and muxes them into a file, together with the streams,
/// chapters and metadata copied from a `MediaFileReader`.
///
/// Bytes go to a temporary file beside the output, renamed over the output by `finish()`, so a
/// failed run never leaves a half-written file under the requested name. Not thread-safe: every call,
/// and the muxing of the copied streams' packets (taken from the reader's `copiedPackets` before each
/// frame and at the end), happens on the caller's thread.
public final class MediaFileWriter: FrameSink {
    public let outputPath: String
    private let overwrite: Bool
    /// The file FFmpeg writes (for a sequence: its pattern inside `temporaryDirectory`).
    private let temporaryPath: String
    /// A numbered image sequence (`out_%03d.png`): written into a temporary folder, then moved.
    private let sequence: ImageSequence?
    private let temporaryDirectory: String?
    /// One picture only: an image file name without a pattern.
    private let holdsOnePicture: Bool
    /// Video packets muxed: the pictures of an image output.
    private var picturesWritten = 0
    private let muxer: Muxer
    private let encoder: VideoEncoder
    private let videoStreamIndex: Int32
    private let encoderTimeBase: AVRational
    /// Containers without timestamps (y4m) number frames instead of carrying pts.
    private let numbersFrames: Bool
    /// Set where the encoder counts frames at the average rate (Theora, MPEG-4 Part 2, AVI): pts are
    /// rescaled from this time base to `encoderTimeBase`.
    private let sourceTimeBase: AVRational?
    private var lastSourcePts: Int64?
    /// Frames moved to the next tick of a fixed-rate output (variable-rate input into Theora or AVI).
    public private(set) var retimedFrames = 0
    private let converter = PixelConverter()
    private let outputFrame = Frame()
    private let packet = Packet()
    /// The source's other streams, chapters and metadata; nil without a source.
    private var sourceStreams: SourceStreams?
    /// What was converted to fit the container, and the encoder's own notes.
    public private(set) var notes: [String] = []
    /// Frame durations by pts, given to the packets the encoder returns (encoders drop them).
    private var durations: [Int64: Int64] = [:]
    private var state: State = .open
    /// For GIF: FFmpeg's `palettegen` and `paletteuse`, a palette per frame from its own colours.
    private var paletteFilters: VideoFilterGraph?
    /// Frames inside the palette filters, in order, for their timing and side data.
    private var framesInFilters: [VideoFrame] = []
    private let filtered = Frame()
    /// One palette per frame (GIF's local colour tables), made from that frame's colours: the
    /// memory of a single pass, and greys stay grey.
    static let paletteChain = "split[colours][picture];[colours]palettegen=stats_mode=single[palette];[picture][palette]paletteuse=new=1"

    private var lastPts: Int64?
    /// Frames whose timestamp did not increase (damaged input) and was moved after the previous one.
    public private(set) var reorderedTimestamps = 0
    /// One line per stream that was dropped because the container cannot hold it.
    public private(set) var warnings: [String] = []
    /// Frames whose A53 closed captions the encoder could not carry (all but libx264 in FFmpeg 5.1).
    public private(set) var droppedCaptionFrames = 0
    /// Encoders that write A53 closed captions from frame side data (`a53cc`).
    static let captionEncoders: Set<String> = ["libx264", "libx264rgb"]

    private enum State { case open, finished, aborted }

    /// Creates the output (after checking it may be written) and writes the container header.
    /// - Parameters:
    ///   - video: the frames that will be written (already at the output size).
    ///   - source: the reader whose other streams, chapters and metadata are copied; it keeps the
    ///     packets of the copied streams for this writer from now on.
    ///   - inputs: other files of the run the output must not be (a y4m or raw input); `source` is always one.
    public init(
        path: String, video: VideoStreamInfo, source: MediaFileReader?, streams: StreamSelection,
        settings: EncoderSettings, overwrite: Bool, notSameAs inputs: [String] = []
    ) throws {
        outputPath = path
        self.overwrite = overwrite
        let format = try Muxer.format(for: path)
        let isImage = String(cString: format.pointee.name) == "image2"
        sequence = isImage ? ImageSequence(path) : nil
        if sequence?.kind == .glob {
            throw VSRError.usage("\(path): a glob names pictures to read; name a sequence to write with a pattern such as out_%03d.png")
        }
        holdsOnePicture = isImage && sequence == nil
        try SafeOutput.check(sequence?.name(1) ?? path, overwrite: overwrite, notSameAs: inputs + (source.map { [$0.path] } ?? []))
        if let sequence {
            let folder = try SafeOutput.makeTemporaryDirectory(for: sequence.name(1))
            temporaryDirectory = folder
            temporaryPath = folder + "/" + (sequence.pattern as NSString).lastPathComponent
        } else {
            // Created here with O_EXCL and a random name; FFmpeg then opens this file of ours by name.
            let (temporary, descriptor) = try SafeOutput.makeTemporary(for: path)
            close(descriptor)
            temporaryPath = temporary
            temporaryDirectory = nil
        }
        do {
            muxer = try Muxer(path: temporaryPath, format: format, displayPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporaryDirectory ?? temporaryPath)
            throw error
        }
        do {
            let muxerName = String(cString: format.pointee.name)
            numbersFrames = muxerName == "yuv4mpegpipe" || format.pointee.flags & AVFMT_NOTIMESTAMPS != 0
            let rate = video.frameRate
            let codec = try VideoEncoder.codec(settings: settings, muxer: format, video: video, outputPath: path)
            let frameRateClock = !numbersFrames && VideoEncoder.needsFrameRateClock(codec: codec, muxer: format)
            if numbersFrames || frameRateClock {
                guard rate.num > 0, rate.den > 0 else {
                    throw VSRError.unsupported("\(path): \(muxerName) needs a constant frame rate, but the input has none")
                }
                encoderTimeBase = AVRational(num: rate.den, den: rate.num)
            } else {
                encoderTimeBase = video.timeBase.avRational
            }
            sourceTimeBase = frameRateClock ? video.timeBase.avRational : nil
            let hdr = source.flatMap { StaticHDRMetadata(stream: $0.demuxer.videoStream) }
            encoder = try VideoEncoder(
                video: video, timeBase: Rational(encoderTimeBase), muxer: format,
                settings: settings, outputPath: path, hdr: hdr)
            notes += encoder.notes
            if encoder.pixelFormat == AV_PIX_FMT_PAL8 {
                paletteFilters = try VideoFilterGraph(input: video, filters: Self.paletteChain, outputFormat: "pal8")
            }
            let encodedDepth = av_pix_fmt_desc_get(encoder.pixelFormat).map { Int($0.pointee.comp.0.depth) } ?? 8
            if settings.pixelFormat == nil, encodedDepth < video.format.bitDepth {
                warnings.append(
                    "\(video.format.bitDepth)-bit video is written at \(encodedDepth) bits: encoder \(encoder.codecName) "
                        + "cannot hold more (ffv1 and libx265 can)")
            }
            let encodedAlpha = av_pix_fmt_desc_get(encoder.pixelFormat).map { $0.pointee.flags & UInt64(AV_PIX_FMT_FLAG_ALPHA) != 0 }
            if video.format.hasAlpha, encodedAlpha != true {
                warnings.append(
                    "the alpha (transparency) plane is dropped: encoder \(encoder.codecName) with "
                        + "\(PixelFormat.name(of: encoder.pixelFormat)) cannot carry it (ffv1, png, prores_ks and libvpx-vp9 can)")
            }
            let stream = muxer.addStream()
            videoStreamIndex = stream.pointee.index
            try FFmpeg.check(
                avcodec_parameters_from_context(stream.pointee.codecpar, encoder.context),
                "\(path): video stream parameters")
            stream.pointee.time_base = encoderTimeBase
            try Self.describeVideo(stream, video: video, muxerName: muxerName, hdr: hdr)
            if let source {
                let copied = try SourceStreams(source: source, muxer: muxer, video: stream, selection: streams)
                notes += copied.notes
                warnings += copied.warnings
                sourceStreams = copied
            }
            var options = Self.muxerOptions(muxerName, metadata: muxer.context.pointee.metadata)
            if muxerName == "gif", let source, let loop = GIFLoop.count(inFile: source.path) { options["loop"] = String(loop) }
            try muxer.writeHeader(options: options)
        } catch {
            muxer.close()
            try? FileManager.default.removeItem(atPath: temporaryDirectory ?? temporaryPath)
            throw error
        }
    }

    deinit {
        if state == .open { abort() }
    }

    /// What the output's video stream says of the frames besides its codec parameters: the sample
    /// aspect ratio, the frame rate, the display matrix (where the container holds one), static HDR
    /// metadata and, for HEVC in ISO BMFF, the `hvc1` tag.
    static func describeVideo(
        _ stream: UnsafeMutablePointer<AVStream>, video: VideoStreamInfo, muxerName: String, hdr: StaticHDRMetadata?
    ) throws {
        let rate = video.frameRate
        stream.pointee.sample_aspect_ratio = video.sampleAspectRatio.avRational
        if rate.num > 0 && rate.den > 0 { stream.pointee.avg_frame_rate = rate.avRational }
        if let matrix = video.displayMatrix, isoMediaMuxers.contains(muxerName) {
            try matrix.attach(to: stream)
        }
        try hdr?.attach(to: stream)
        // Apple's players take HEVC in mp4/mov only under the `hvc1` tag (FFmpeg's default is `hev1`).
        if stream.pointee.codecpar.pointee.codec_id == AV_CODEC_ID_HEVC, isoMediaMuxers.contains(muxerName) {
            stream.pointee.codecpar.pointee.codec_tag = MediaFileWriter.fourCC("hvc1")
        }
    }

    /// FFmpeg's ISO BMFF muxers (movenc), which share what vsr relies on beyond codec tables: they
    /// write a stream's display matrix (the `tkhd` matrix), a timecode track from the video's
    /// `timecode` tag, `hvc1`-tagged HEVC, and every global tag with `use_metadata_tags`. FFmpeg has
    /// no capability query for these; FFmpeg 5.1's Matroska muxer, for one, drops the matrix, as
    /// `ffmpeg -c copy` to .mkv shows.
    static let isoMediaMuxers: Set<String> = ["mp4", "mov", "3gp", "3g2", "ipod", "ismv", "psp", "f4v"]

    /// mp4 and mov write only the tags of their fixed list (title, artist, ...) unless told to keep
    /// every key: phones' `com.apple.quicktime.*` and `com.android.*` tags need `use_metadata_tags`.
    static func muxerOptions(_ muxer: String, metadata: OpaquePointer?) -> [String: String] {
        guard isoMediaMuxers.contains(muxer) else { return [:] }
        var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
        while let next = av_dict_get(metadata, "", entry, AV_DICT_IGNORE_SUFFIX) {
            if String(cString: next.pointee.key).contains(".") { return ["movflags": "use_metadata_tags"] }
            entry = next
        }
        return [:]
    }

    static func fourCC(_ code: String) -> UInt32 {
        code.utf8.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }

    /// True when the container chosen by `path`'s extension keeps a display matrix.
    public static func carriesDisplayMatrix(path: String) -> Bool {
        guard let format = av_guess_format(nil, path, nil) else { return false }
        return isoMediaMuxers.contains(String(cString: format.pointee.name))
    }

    /// The encoder actually used (e.g. "libx264").
    public var codecName: String { encoder.codecName }
    /// The pixel format the encoder receives.
    public var encodedPixelFormat: String { PixelFormat.name(of: encoder.pixelFormat) }

    public func write(_ frame: VideoFrame) throws {
        try sourceStreams?.writePending()
        // The frame's own layout first; the palette filters or swscale make the encoder's from it
        // where the two differ (GIF's pal8, --pix-fmt yuv420p for a 4:2:2 source).
        let out = outputFrame.pointer
        try allocate(out, width: frame.width, height: frame.height, format: frame.format.avPixelFormat)
        FramePlanes.copy(frame.planes, into: out)
        if let paletteFilters {
            out.pointee.pts = frame.pts
            framesInFilters.append(frame)
            try paletteFilters.send(out)
            try drainPaletteFilters()
        } else if PixelFormat(encoder.pixelFormat) == frame.format {
            try send(out, frame: frame)
        } else {
            try send(converter.convert(out, to: encoder.pixelFormat), frame: frame)
        }
    }

    /// Encodes what the palette filters have finished, each with the timing of its source frame.
    private func drainPaletteFilters() throws {
        guard let paletteFilters else { return }
        while case .ok = try paletteFilters.receive(into: filtered), !framesInFilters.isEmpty {
            try send(filtered.pointer, frame: framesInFilters.removeFirst())
        }
    }

    private func send(_ avFrame: UnsafeMutablePointer<AVFrame>, frame: VideoFrame) throws {
        var pts = numbersFrames ? Int64(frame.index) : frame.pts
        if let sourceTimeBase { pts = av_rescale_q(frame.pts, sourceTimeBase, encoderTimeBase) }
        defer { lastSourcePts = frame.pts }
        if sourceTimeBase != nil, let last = lastPts, pts <= last, let lastSource = lastSourcePts, frame.pts > lastSource {
            // The source moved on, the fixed-rate clock did not: the next tick, and not damage.
            pts = last + 1
            retimedFrames += 1
        }
        // Damaged input can have timestamps that go backwards; an encoder given them makes packets
        // the muxer refuses (pts < dts). Such a frame is placed one frame duration after the last
        // (so the container's clock, e.g. Matroska's milliseconds, still tells them apart), as
        // ffmpeg keeps output timestamps valid, and is counted.
        if let last = lastPts, pts <= last {
            pts = last + max(frame.duration, 1)
            reorderedTimestamps += 1
        }
        lastPts = pts
        avFrame.pointee.pts = pts
        avFrame.pointee.pict_type = AV_PICTURE_TYPE_NONE
        // Constant-quantiser encoders (mjpeg) take the quality per frame.
        if encoder.context.pointee.flags & AV_CODEC_FLAG_QSCALE != 0 { avFrame.pointee.quality = encoder.context.pointee.global_quality }
        av_frame_remove_side_data(avFrame, AV_FRAME_DATA_A53_CC)
        if let captions = frame.closedCaptions {
            if Self.captionEncoders.contains(encoder.codecName) {
                guard let data = av_frame_new_side_data(avFrame, AV_FRAME_DATA_A53_CC, captions.count) else {
                    throw VSRError.processing("out of memory for closed captions")
                }
                data.pointee.data.update(from: captions, count: captions.count)
            } else {
                droppedCaptionFrames += 1
            }
        }
        if frame.duration > 0 && !numbersFrames {
            durations[pts] = sourceTimeBase.map { max(1, av_rescale_q(frame.duration, $0, encoderTimeBase)) } ?? frame.duration
        }
        try encoder.send(avFrame)
        try drainEncoder()
    }

    private func allocate(
        _ frame: UnsafeMutablePointer<AVFrame>, width: Int, height: Int,
        format: AVPixelFormat
    ) throws {
        let f = frame.pointee
        if f.width == Int32(width) && f.height == Int32(height) && f.format == format.rawValue {
            // The encoder may still hold a reference to the previous picture.
            try FFmpeg.check(av_frame_make_writable(frame), "making a frame writable")
            return
        }
        av_frame_unref(frame)
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        frame.pointee.format = format.rawValue
        try FFmpeg.check(av_frame_get_buffer(frame, 0), "allocating a \(width)x\(height) frame")
    }

    private func drainEncoder() throws {
        while case .ok = try encoder.receive(into: packet) {
            let p = packet.pointer
            if p.pointee.duration == 0, let duration = durations.removeValue(forKey: p.pointee.pts) {
                p.pointee.duration = duration
            } else {
                durations.removeValue(forKey: p.pointee.pts)
            }
            if holdsOnePicture, picturesWritten == 1 {
                throw VSRError.usage(
                    "\(outputPath) holds one picture and the input has more: name a sequence such as "
                        + "\(((outputPath as NSString).deletingPathExtension))_%03d.\((outputPath as NSString).pathExtension), or add --frames 1"
                )
            }
            try muxer.write(packet, to: videoStreamIndex, from: encoderTimeBase)
            picturesWritten += 1
        }
    }

    /// Drains the encoder, writes the trailer, and renames the temporary file over the output.
    /// Returns the size of the output in bytes.
    public func finish() throws -> Int64? {
        guard state == .open else { return nil }
        do {
            try sourceStreams?.writePending()
            if let paletteFilters {
                try paletteFilters.send(nil)
                try drainPaletteFilters()
            }
            try encoder.send(nil)
            try drainEncoder()
            try sourceStreams?.flush()
            try muxer.finish()
            if let sequence, let temporaryDirectory {
                // Picture n is written as n (image2 counts from 1), each moved by SafeOutput's rules,
                // after checking that none is there yet (no half-moved sequence beside old pictures).
                if !overwrite,
                    let taken = (0..<picturesWritten).map({ sequence.name($0 + 1) }).first(where: {
                        FileManager.default.fileExists(atPath: $0)
                    })
                {
                    throw VSRError.outputExists(path: taken)
                }
                for number in 1...max(1, picturesWritten) where picturesWritten > 0 {
                    let name = sequence.name(number)
                    try SafeOutput.commit(temporaryDirectory + "/" + (name as NSString).lastPathComponent, to: name, overwrite: overwrite)
                }
                try? FileManager.default.removeItem(atPath: temporaryDirectory)
            } else {
                try SafeOutput.commit(temporaryPath, to: outputPath, overwrite: overwrite)
            }
            state = .finished
        } catch {
            abort()
            throw error
        }
        let names = sequence.map { sequence in (0..<picturesWritten).map { sequence.name($0 + 1) } } ?? [outputPath]
        return names.reduce(Int64(0)) { total, name in
            total + (((try? FileManager.default.attributesOfItem(atPath: name))?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    public func abort() {
        guard state == .open else { return }
        state = .aborted
        muxer.close()
        try? FileManager.default.removeItem(atPath: temporaryDirectory ?? temporaryPath)
    }
}
