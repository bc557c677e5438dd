/// Which convolution algorithm a layer takes: a named function of the layer's shape and activation,
/// so that the benchmark, the tests and the kernel sets agree on it.
enum ConvolutionChoice {
    /// The direct kernel's two forms.
    enum DirectForm {
        /// 3x3 padding 1 or 1x1 padding 0, stride 1 ("same" size).
        case sameStride1
        /// RLFN's ESA: 3x3, stride 2, no padding.
        case stride2Unpadded3x3
    }

    /// Winograd (F(6x6, 3x3) with AVX-512 and F(4x4, 3x3) below, `WinogradConvolution.preferredTile`) for a 3x3 stride-1 "same" layer with at least
    /// `WinogradConvolution.minimumInputChannels` inputs (the layer then carries transformed weights)
    /// whose activation is piecewise linear (the output transform fuses only those).
    static func usesWinograd(_ layer: Conv2d, activation: Activation) -> Bool {
        layer.winogradWeights != nil && activation.negativeSlope(channel: 0) != nil
    }

    /// The direct kernel's form for `layer`, or nil when only the reference convolution runs it.
    static func directForm(_ layer: Conv2d) -> DirectForm? {
        let same = layer.kernel == 3 && layer.padding == 1 || layer.kernel == 1 && layer.padding == 0
        if layer.stride == 1 && same { return .sameStride1 }
        if layer.stride == 2 && layer.kernel == 3 && layer.padding == 0 { return .stride2Unpadded3x3 }
        return nil
    }
}
