import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SpruceCore
import SpruceQR
import SpruceStore

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
    static let renderVersion = "4"
    static let cacheControl = "public, max-age=600"

    enum Format: String, Sendable {
        case png, svg

        var contentType: String { self == .png ? "image/png" : "image/svg+xml" }
    }

    /// A query integer within bounds, or the default; anything else is a 400 naming the parameter and its range.
    static func bounded(_ query: FormData, _ name: String, _ range: ClosedRange<Int>, default value: Int) throws -> Int
    {
        guard let text = query[name] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ServerError.invalid(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}

extension QRImages {
    /// What a QR request asks for: the format, and size and margin from the query within bounds.
    struct Shape: Sendable {
        let format: Format
        let size: Int
        let margin: Int

        /// - Throws: a 400 naming `size` or `margin` and its range.
        init(format: Format, query: String?) throws {
            let query = FormData(query: query)
            self.format = format
            self.size = try QRImages.bounded(query, "size", QRImages.sizes, default: QRImages.defaultSize)
            self.margin = try QRImages.bounded(query, "margin", QRImages.margins, default: QRImages.defaultMargin)
        }

        /// Everything the image depends on besides the public URL: a link whose colors change gets a new key.
        func cacheKey(_ link: PublicLinkRecord) -> String {
            "\(format.rawValue)|\(size)|\(margin)|\(link.qrColors.foreground)|\(link.qrColors.background)|\(link.code.rawValue)"
        }
    }

    /// The response for a rendered image: 304 without a body when `If-None-Match` names its ETag (or `*`).
    static func response(
        _ image: QRImageCache.Image,
        format: Format,
        ifNoneMatch: String?
    ) -> (status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer?) {
        var headers: HTTPFields = [.eTag: image.etag, .cacheControl: cacheControl]
        if isFresh(image, ifNoneMatch: ifNoneMatch) { return (.notModified, headers, nil) }
        headers[.contentType] = format.contentType
        return (.ok, headers, image.body)
    }

    /// Whether `If-None-Match` names the image's ETag (or `*`): the client's copy is current.
    static func isFresh(_ image: QRImageCache.Image, ifNoneMatch: String?) -> Bool {
        guard let ifNoneMatch else { return false }
        return ifNoneMatch.split(separator: ",").contains {
            let candidate = $0.trimmingCharacters(in: .whitespaces)
            return candidate == image.etag || candidate == "*"
        }
    }
}

/// The QR images of practice links: rendered on first request in the link's colors, then served from the cache.
struct QRImageMaker: Sendable {
    /// The site's public origin: images encode the link's URL on it.
    let publicURL: String
    let cache: QRImageCache

    /// The image of `link` in `shape`, from the cache or rendered and cached.
    func image(for link: PublicLinkRecord, shape: QRImages.Shape) throws -> QRImageCache.Image {
        let key = shape.cacheKey(link)
        if let cached = cache.get(key) { return cached }
        let image = try render(link, shape: shape)
        cache.put(image, for: key)
        return image
    }

    /// Renders the QR code of the link's public URL in the link's colors, with an ETag that digests everything the
    /// bytes depend on: render version, format, size, margin, colors and the encoded URL.
    func render(_ link: PublicLinkRecord, shape: QRImages.Shape) throws -> QRImageCache.Image {
        let text = ScanMarker.codeText(for: .practice(link.code), origin: publicURL)
        let colors = link.qrColors
        let identity =
            "\(QRImages.renderVersion)|\(shape.format.rawValue)|\(shape.size)|\(shape.margin)|"
            + "\(colors.foreground)|\(colors.background)|\(text)"
        let digest = Data(SHA256.hash(data: Data(identity.utf8)).prefix(16))
        let etag = "\"" + digest.map { String(format: "%02x", $0) }.joined() + "\""
        let qr = try QRCode(text: text)
        let options = RenderOptions(
            scale: shape.size, margin: shape.margin, foreground: try RGBAColor(hex: colors.foreground),
            background: try RGBAColor(hex: colors.background))
        let bytes: [UInt8]
        switch shape.format {
        case .png: bytes = try PNGRenderer(options: options, compression: .smallest).render(qr)
        case .svg: bytes = Array(try SVGRenderer(options: options).render(qr).utf8)
        }
        return QRImageCache.Image(etag: etag, body: ByteBuffer(bytes: bytes))
    }
}
