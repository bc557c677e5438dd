/// Which encoder options a recipe may set. Recipes are shared files, and some encoder options read
/// or write files the user never named (x264's `stats=`, `qpfile=`; x265's `csv=`, `analysis-save=`),
/// so a recipe gets an allow-list of options that only shape the encoding, and inside
/// `x264-params`/`x265-params`/`x264opts` every option that names a file is refused. Options given
/// on the command line (`--encoder-option`) are the user's own and are not restricted.
public enum EncoderOptionPolicy {
    /// Encoder private options (libx264, libx265, libvpx-vp9, libaom, ffv1, prores) that take no file.
    public static let allowedKeys: Set<String> = [
        "tune", "profile", "level", "x264-params", "x265-params", "x264opts", "g", "bf", "refs", "aq-mode",
        "aq-strength", "psy", "psy-rd", "deblock", "rc-lookahead", "weightp", "weightb", "b-pyramid", "8x8dct",
        "fast-pskip", "mbtree", "me_method", "motion-est", "subq", "trellis", "a53cc", "forced-idr", "nal-hrd",
        "slices", "coder", "context", "row-mt", "tile-columns", "tile-rows", "cpu-used", "deadline", "lag-in-frames",
        "auto-alt-ref", "arnr-maxframes", "arnr-strength", "lossless", "aq_mode", "frame-parallel", "usage",
        "slicecrc", "level_ffv1", "qscale", "vendor", "bits_per_mb", "quant_mat", "alpha_bits", "crf_max", "qmin", "qmax",
    ]

    /// x264/x265 parameters that name a file to read or write.
    public static let fileParameters: Set<String> = [
        "stats", "qpfile", "cqmfile", "dump-yuv", "csv", "csv-log-level", "analysis-save", "analysis-load",
        "analysis-reuse-file", "zonefile", "dolby-vision-rpu", "lambda-file", "scaling-list", "recon", "input",
        "output", "log-file", "passlogfile", "qgfile",
    ]

    /// Why `key` = `value` may not come from a recipe, or nil when it may.
    public static func refusal(key: String, value: String) -> String? {
        guard allowedKeys.contains(key) else {
            return "encoder option '\(key)' is not one a recipe may set (it may name a file); "
                + "give it on the command line with --encoder-option if you mean it"
        }
        guard ["x264-params", "x265-params", "x264opts"].contains(key) else { return nil }
        for parameter in value.split(separator: ":") {
            let name = parameter.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            if fileParameters.contains(name) {
                return "encoder option '\(key)' sets '\(name)', which names a file; a recipe may not"
            }
        }
        return nil
    }
}
