import VSRCore

/// What is done to decoded frames before they are upscaled: deinterlacing with FFmpeg's `bwdif`
/// (one frame per frame, or one per field), and turning them upright by their display matrix when
/// the output cannot carry the matrix. Decided from the stream and the run's options
/// (`DeinterlacePolicy`) by the run; applied by `FilteredFrameSource`.
public struct FrameCorrection: Sendable, Equatable {
    /// Run `bwdif` (it deinterlaces only the frames flagged interlaced unless `everyFrame`).
    public var deinterlace = false
    /// Deinterlace every frame, flagged or not (`--deinterlace on`).
    public var everyFrame = false
    /// One output frame per field (`--deinterlace-rate field`), doubling the frame rate.
    public var fieldRate = false
    /// Turn frames upright by this matrix.
    public var rotation: DisplayMatrix?

    public init(deinterlace: Bool = false, everyFrame: Bool = false, fieldRate: Bool = false, rotation: DisplayMatrix? = nil) {
        self.deinterlace = deinterlace
        self.everyFrame = everyFrame
        self.fieldRate = fieldRate
        self.rotation = rotation
    }

    var rotate: Bool { rotation.map { !$0.filterChain.isEmpty } ?? false }

    /// The libavfilter chain, or nil when nothing is to be done.
    var filterChain: String? {
        var filters: [String] = []
        if deinterlace {
            let mode = fieldRate ? "send_field" : "send_frame"
            filters.append("bwdif=mode=\(mode):parity=auto:deint=\(everyFrame ? "all" : "interlaced")")
        }
        if let rotation { filters += rotation.filterChain }
        return filters.isEmpty ? nil : filters.joined(separator: ",")
    }

    /// "deinterlaced (bwdif, one frame per field); turned upright (rotated 90° clockwise)".
    public var summary: String {
        var parts: [String] = []
        if deinterlace {
            parts.append(
                "deinterlaced with bwdif (\(fieldRate ? "one frame per field" : "one frame per frame")\(everyFrame ? ", every frame" : ""))"
            )
        }
        if let rotation, rotate {
            parts.append("frames turned as players show them (\(rotation.summary); the output cannot carry the display matrix)")
        }
        return parts.joined(separator: "; ")
    }
}
