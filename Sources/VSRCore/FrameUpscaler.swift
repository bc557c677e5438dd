/// Upscales whole frames: implemented by the classical/luma path (`LumaChromaUpscaler`) and by models
/// that work on RGB. Not thread-safe unless an implementation says so.
public protocol FrameUpscaler: AnyObject {
    var scale: Int { get }
    /// A short description for messages ("bicubic", "rlfn_x2 (RGB, tiles 256+16)").
    var name: String { get }
    func upscale(_ frame: VideoFrame) throws -> VideoFrame
}
