/// Resamples a single plane to an arbitrary size (used for chroma, and by classical luma upscalers).
public protocol PlaneResizer: AnyObject {
    var name: String { get }
    func resize(_ plane: Plane, toWidth width: Int, height: Int) throws -> Plane
}
