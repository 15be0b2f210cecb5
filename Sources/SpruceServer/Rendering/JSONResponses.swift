import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension JSONEncoder {
    /// The API's encoder: sorted keys, unescaped slashes, ISO 8601 dates.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

extension ByteBuffer {
    /// `value` encoded with the API's settings (``JSONEncoder/api``).
    init(json value: some Encodable) throws {
        self.init(bytes: try JSONEncoder.api.encode(value))
    }
}

extension Response {
    /// JSON with the API's encoder settings, `no-store` unless `headers` say otherwise.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws
        -> Response
    {
        var fields = headers
        fields[.contentType] = "application/json"
        if fields[.cacheControl] == nil { fields[.cacheControl] = "no-store" }
        return Response(status: status, headers: fields, body: .init(byteBuffer: try ByteBuffer(json: value)))
    }
}
