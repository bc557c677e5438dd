import CFFmpeg
import VSRCore

/// A libavfilter graph with one video input and one video output (`buffer` -> filters ->
/// `buffersink`), for the jobs FFmpeg's filters do better than hand-written code: deinterlacing
/// (`bwdif`) and turning pictures upright (`transpose`, `hflip`, `vflip`). Not thread-safe.
final class VideoFilterGraph {
    private var graph: UnsafeMutablePointer<AVFilterGraph>?
    private let source: UnsafeMutablePointer<AVFilterContext>
    private let sink: UnsafeMutablePointer<AVFilterContext>
    /// The filters, as given, for messages.
    let description: String

    /// Builds and configures the graph for frames described by `input`; `filters` is a libavfilter
    /// chain such as `bwdif=mode=send_frame:deint=interlaced,transpose=clock`.
    /// - Parameter outputFormat: the format frames leave in; nil keeps the input's.
    init(input: VideoStreamInfo, filters: String, outputFormat: String? = nil) throws {
        description = filters
        guard let graph = avfilter_graph_alloc() else { fatalError("avfilter_graph_alloc: out of memory") }
        self.graph = graph
        // One thread: the upscaler has the cores; these filters are a small share of the work.
        graph.pointee.nb_threads = 1
        let failure = { (what: String) in { (message: String) in VSRError.processing("filters '\(filters)': \(what): \(message)") } }
        var sar = input.sampleAspectRatio
        if sar.num <= 0 || sar.den <= 0 { sar = Rational(1, 1) }
        var arguments =
            "video_size=\(input.width)x\(input.height):pix_fmt=\(input.format.avPixelFormat.rawValue)"
            + ":time_base=\(input.timeBase.num)/\(input.timeBase.den):pixel_aspect=\(sar.num)/\(sar.den)"
        if input.frameRate.num > 0, input.frameRate.den > 0 { arguments += ":frame_rate=\(input.frameRate.num)/\(input.frameRate.den)" }
        do {
            // The chain ends in the input's pixel format: vsr's planes keep one layout per run.
            (source, sink) = try FilterChain.build(
                graph, source: "buffer", arguments: arguments, chain: "\(filters),format=\(outputFormat ?? input.format.rawValue)",
                sink: "buffersink", failure: failure)
        } catch {
            avfilter_graph_free(&self.graph)
            throw error
        }
    }

    deinit { avfilter_graph_free(&graph) }

    /// What comes out: size, time base, frame rate and aspect ratio after the filters.
    func describeOutput(_ input: VideoStreamInfo) -> VideoStreamInfo {
        var info = input
        info.width = Int(av_buffersink_get_w(sink))
        info.height = Int(av_buffersink_get_h(sink))
        info.timeBase = Rational(av_buffersink_get_time_base(sink))
        let rate = av_buffersink_get_frame_rate(sink)
        if rate.num > 0, rate.den > 0 { info.frameRate = Rational(rate) }
        let sar = av_buffersink_get_sample_aspect_ratio(sink)
        if input.sampleAspectRatio.num > 0, sar.num > 0 { info.sampleAspectRatio = Rational(sar) }
        return info
    }

    /// Hands `frame` to the graph (which takes its buffers), or nil at the end of the input.
    func send(_ frame: UnsafeMutablePointer<AVFrame>?) throws {
        try FFmpeg.check(av_buffersrc_add_frame_flags(source, frame, 0), "filters '\(description)': sending a frame")
    }

    /// The next filtered frame: `.ok` (in `frame`), `.again` (send more) or `.endOfStream`.
    func receive(into frame: Frame) throws -> FFmpegStatus {
        frame.unref()
        return try FFmpeg.status(av_buffersink_get_frame(sink, frame.pointer)) {
            VSRError.processing("filters '\(self.description)': \($0)")
        }
    }
}
