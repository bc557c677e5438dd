import VSRCore

/// A `FrameSink` in front of one that cannot take an alpha plane (a y4m stream of 4:2:0 with
/// alpha): it removes the plane and passes the frame on in the same layout without alpha.
public final class AlphaDroppingSink: FrameSink {
    private let inner: FrameSink

    public init(_ inner: FrameSink) { self.inner = inner }

    public func write(_ frame: VideoFrame) throws {
        guard frame.format.hasAlpha else { return try inner.write(frame) }
        var opaque = frame.replacingPlanes(Array(frame.planes.prefix(3)))
        opaque.format = frame.format.withoutAlpha
        try inner.write(opaque)
    }

    public func finish() throws -> Int64? { try inner.finish() }
    public func abort() { inner.abort() }
}
