import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An RFC 9457 problem document. `field` and `rule` name what was wrong with the input when something was.
struct Problem: Codable, Sendable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let instance: String?
    let field: String?
    let rule: String?

    init(_ mapped: MappedError, instance: String?) {
        self.type = "https://spruce.care/problems/" + mapped.slug
        self.title = mapped.title
        self.status = mapped.status.code
        self.detail = mapped.detail
        self.instance = instance
        self.field = mapped.field
        self.rule = mapped.rule
    }

    func response(headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONEncoder.api.encode(self)) ?? Data("{}".utf8)
        var fields = headers
        fields[.contentType] = "application/problem+json"
        fields[.cacheControl] = "no-store"
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
