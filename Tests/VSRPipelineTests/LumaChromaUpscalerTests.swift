import VSRCore
import VSRPipeline
import XCTest

final class LumaChromaUpscalerTests: XCTestCase {
    func testOddSizedFrameGetsExactOutputPlaneSizes() throws {
        let source = ArraySource(count: 1, width: 5, height: 3, format: .yuv420p)
        let frame = try XCTUnwrap(source.nextFrame())
        let upscaler = LumaChromaUpscaler(
            luma: ResizingLumaUpscaler(resizer: NearestResizer(), scale: 3),
            chroma: NearestResizer())
        let out = try upscaler.upscale(frame)
        XCTAssertEqual([out.planes[0].width, out.planes[0].height], [15, 9])
        // ceil(15/2) x ceil(9/2): not 3 x the input's 3x2 chroma.
        XCTAssertEqual([out.planes[1].width, out.planes[1].height], [8, 5])
        XCTAssertEqual([out.planes[2].width, out.planes[2].height], [8, 5])
        XCTAssertEqual(out.pts, frame.pts)
        XCTAssertEqual(out.index, frame.index)
        XCTAssertEqual(out.format, .yuv420p)
    }

    func testGrayFramesHaveNoChroma() throws {
        let frame = try XCTUnwrap(ArraySource(count: 1, format: .gray10le).nextFrame())
        let out = try LumaChromaUpscaler(
            luma: ResizingLumaUpscaler(resizer: NearestResizer(), scale: 2),
            chroma: NearestResizer()
        ).upscale(frame)
        XCTAssertEqual(out.planes.count, 1)
        XCTAssertEqual(out.planes[0].bitDepth, 10)
    }

    func testWrongSizedLumaIsAnError() throws {
        let frame = try XCTUnwrap(ArraySource(count: 1).nextFrame())
        let upscaler = LumaChromaUpscaler(luma: BrokenUpscaler(), chroma: NearestResizer())
        XCTAssertThrowsError(try upscaler.upscale(frame)) { error in
            XCTAssertTrue("\(error)".contains("expected 10x6"), "\(error)")
        }
    }
}
