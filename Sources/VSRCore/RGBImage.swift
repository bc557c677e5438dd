/// An 8-bit RGB picture, pixels interleaved row by row (R, G, B).
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGB image needs width x height x 3 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
