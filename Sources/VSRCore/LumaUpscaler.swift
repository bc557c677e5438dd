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
