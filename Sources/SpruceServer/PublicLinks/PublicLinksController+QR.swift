import Hummingbird
import SpruceCore
import SpruceStore

extension PublicLinksController {
    /// `GET /{code}/qr.png` and `GET /{code}/qr.svg`: the QR code of an active practice link (``QRImages``).
    func qrImage(_ request: Request, context: SpruceRequestContext, format: QRImages.Format) async throws -> Response {
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else { throw ServerError(.notFound) }
        let shape = try QRImages.Shape(format: format, query: request.uri.query)
        let link: PublicLinkRecord
        switch try await links.resolve(code) {
        case .active(let found, _):
            link = found
        case .unavailable(let resolution):
            throw resolution.httpStatus == 404 ? ServerError(.notFound) : HTTPError(.gone, message: resolution.message)
        }
        let image = try qrImages.image(for: link, shape: shape)
        let (status, headers, body) = QRImages.response(
            image, format: format, ifNoneMatch: request.headers[.ifNoneMatch])
        return Response(status: status, headers: headers, body: body.map { .init(byteBuffer: $0) } ?? .init())
    }
}
