import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SpruceCore
import SpruceQR

/// `GET /{code}/qr.png` and `GET /{code}/qr.svg`: the QR code of an existing, active practice link.
///
/// Only `size` (pixels per module) and `margin` (quiet-zone modules) come from the query, within bounds. Colors
/// are the link's, never the query's, and there is no endpoint that encodes arbitrary text.
enum QRImages {
    static let sizes = 1...32
    static let margins = 0...16
    static let defaultSize = 8
    static let defaultMargin = 4
    /// Bumped when rendering changes, so old ETags stop matching.
    static let renderVersion = "1"
    static let cacheControl = "public, max-age=600"

    enum Format: String, Sendable {
        case png, svg

        var contentType: String { self == .png ? "image/png" : "image/svg+xml" }
    }

    /// A query integer within bounds, or the default; anything else is a 400 naming the parameter and its range.
    static func bounded(_ query: FormData, _ name: String, _ range: ClosedRange<Int>, default value: Int) throws -> Int {
        guard let text = query[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ServerError.invalid(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}

extension Site {
    func qrImage(_ request: Request, context: SpruceRequestContext, format: QRImages.Format) async throws -> Response {
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else { throw ServerError(.notFound) }
        let query = FormData(query: request.uri.query)
        let size = try QRImages.bounded(query, "size", QRImages.sizes, default: QRImages.defaultSize)
        let margin = try QRImages.bounded(query, "margin", QRImages.margins, default: QRImages.defaultMargin)
        if case .unavailable(let resolution) = try await resolve(code) {
            throw resolution.httpStatus == 404 ? ServerError(.notFound) : HTTPError(.gone, message: resolution.message)
        }
        let key = "\(format.rawValue)|\(size)|\(margin)|\(code.rawValue)"
        let image: QRImageCache.Image
        if let cached = qrCache.get(key) {
            image = cached
        } else {
            let text = linkURL(code)
            // The ETag is a digest of everything the bytes depend on: render version, format, size, margin,
            // colors and the encoded URL.
            let identity = "\(QRImages.renderVersion)|\(format.rawValue)|\(size)|\(margin)|000000|ffffff|\(text)"
            let etag = "\"" + Data(SHA256.hash(data: Data(identity.utf8)).prefix(16)).map { String(format: "%02x", $0) }.joined() + "\""
            let qr = try QRCode(text: text)
            let options = RenderOptions(scale: size, margin: margin)
            let bytes: [UInt8]
            switch format {
            case .png: bytes = try PNGRenderer(options: options).render(qr)
            case .svg: bytes = Array(try SVGRenderer(options: options).render(qr).utf8)
            }
            image = QRImageCache.Image(etag: etag, body: ByteBuffer(bytes: bytes))
            qrCache.put(image, for: key)
        }
        var headers: HTTPFields = [.eTag: image.etag, .cacheControl: QRImages.cacheControl]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: {
            let candidate = $0.trimmingCharacters(in: .whitespaces)
            return candidate == image.etag || candidate == "*"
        }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = format.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: image.body))
    }
}
