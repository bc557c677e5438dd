/// The seam SR models plug into: takes a luma plane and returns one `scale` times larger in each
/// dimension, at the same bit depth.
public protocol LumaUpscaler: AnyObject {
    /// The integer upscaling factor.
    var scale: Int { get }
    /// A short name for messages and statistics ("bicubic", "rlfn-x2", ...).
    var name: String { get }
    /// The plane `scale` times larger.
    func upscale(_ luma: Plane) throws -> Plane
}

/// Resamples a single plane to an arbitrary size (used for chroma, and by classical luma upscalers).
public protocol PlaneResizer: AnyObject {
    var name: String { get }
    func resize(_ plane: Plane, toWidth width: Int, height: Int) throws -> Plane
}

/// Upscales whole frames: implemented by the classical/luma path (`FrameUpscaler`) and by models
/// that work on RGB. Not thread-safe unless an implementation says so.
public protocol FrameUpscaling: AnyObject {
    var scale: Int { get }
    /// A short description for messages ("bicubic", "rlfn_x2 (RGB, tiles 256+16)").
    var name: String { get }
    func upscale(_ frame: VideoFrame) throws -> VideoFrame
}
