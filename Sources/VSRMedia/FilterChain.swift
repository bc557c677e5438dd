import CFFmpeg
import VSRCore

/// The one way vsr builds a libavfilter graph: a source (`buffer` or `abuffer`) with its
/// arguments, a textual chain, and a sink (`buffersink` or `abuffersink`), linked and configured.
/// Video frames (`VideoFilterGraph`) and audio re-encoding (`AudioConverter`) both go through it.
enum FilterChain {
    /// Adds the source and sink to `graph`, parses `chain` between them and configures the graph.
    /// Returns the two ends; the graph owns them. `failure` names the stage that failed.
    static func build(
        _ graph: UnsafeMutablePointer<AVFilterGraph>, source: String, arguments: String, chain: String, sink: String,
        failure: (String) -> (String) -> VSRError
    ) throws -> (source: UnsafeMutablePointer<AVFilterContext>, sink: UnsafeMutablePointer<AVFilterContext>) {
        var created: UnsafeMutablePointer<AVFilterContext>? = nil
        try FFmpeg.check(
            avfilter_graph_create_filter(&created, avfilter_get_by_name(source), "in", arguments, nil, graph),
            failure("the source"))
        let input = created!
        try FFmpeg.check(
            avfilter_graph_create_filter(&created, avfilter_get_by_name(sink), "out", nil, nil, graph), failure("the sink"))
        let output = created!
        var outputs = avfilter_inout_alloc(), inputs = avfilter_inout_alloc()
        defer {
            avfilter_inout_free(&outputs)
            avfilter_inout_free(&inputs)
        }
        outputs!.pointee.name = av_strdup("in")
        outputs!.pointee.filter_ctx = input
        inputs!.pointee.name = av_strdup("out")
        inputs!.pointee.filter_ctx = output
        try FFmpeg.check(avfilter_graph_parse_ptr(graph, chain, &inputs, &outputs, nil), failure("parsing"))
        try FFmpeg.check(avfilter_graph_config(graph, nil), failure("configuring"))
        return (input, output)
    }
}
