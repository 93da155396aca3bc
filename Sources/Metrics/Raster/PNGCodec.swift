import CPNG
import Foundation
import V2XCore

/// PNG encoding and decoding of `RasterCanvas` through libpng's simplified API
/// (`png_image_write_to_memory`, `png_image_begin_read_from_memory`), 8-bit RGBA.
public enum PNGCodec {
    /// The canvas as PNG bytes.
    /// - Throws: `V2XError.ioFailure` with libpng's message if encoding fails.
    public static func encode(_ canvas: RasterCanvas) throws -> Data {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(canvas.width)
        image.height = UInt32(canvas.height)
        image.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        var size: png_alloc_size_t = 0
        let sized = canvas.pixels.withUnsafeBytes { png_image_write_to_memory(&image, nil, &size, 0, $0.baseAddress, 0, nil) }
        guard sized != 0, size > 0 else { throw failure(&image, "cannot size PNG") }
        var data = Data(count: Int(size))
        let written = data.withUnsafeMutableBytes { out in
            canvas.pixels.withUnsafeBytes { png_image_write_to_memory(&image, out.baseAddress, &size, 0, $0.baseAddress, 0, nil) }
        }
        guard written != 0 else { throw failure(&image, "cannot encode PNG") }
        return data.prefix(Int(size))
    }

    /// Decodes PNG bytes (any colour type libpng reads) into an RGBA canvas.
    /// - Throws: `V2XError.malformedData` with libpng's message for data that is not a PNG.
    public static func decode(_ data: Data) throws -> RasterCanvas {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let begun = data.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard begun != 0 else { throw failure(&image, "not a PNG", code: .malformedData) }
        image.format = UInt32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)
        let width = Int(image.width), height = Int(image.height)
        guard width > 0, height > 0, width <= RasterCanvas.maxSide, height <= RasterCanvas.maxSide else {
            png_image_free(&image)
            throw V2XError(.unsupportedFormat, "PNG of \(width)×\(height) is larger than \(RasterCanvas.maxSide) a side")
        }
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        let finished = pixels.withUnsafeMutableBytes { png_image_finish_read(&image, nil, $0.baseAddress, 0, nil) }
        guard finished != 0 else { throw failure(&image, "cannot decode PNG", code: .malformedData) }
        return try RasterCanvas(width: width, height: height, pixels: pixels)
    }

    /// Writes the canvas as a PNG file, replacing it atomically.
    /// - Throws: `V2XError.ioFailure` naming the file.
    public static func write(_ canvas: RasterCanvas, to url: URL) throws {
        let data = try encode(canvas)
        do { try data.write(to: url, options: .atomic) } catch {
            throw V2XError(.ioFailure, "cannot write: \(error.localizedDescription)", path: url.path)
        }
    }

    /// An error carrying libpng's message; releases the image's resources.
    private static func failure(_ image: inout png_image, _ what: String, code: V2XError.Code = .ioFailure) -> V2XError {
        let message = withUnsafeBytes(of: image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        png_image_free(&image)
        return V2XError(code, message.isEmpty ? what : "\(what): \(message)")
    }
}
