import Foundation
import HTTPTypes
import NIOCore
import SpruceCore
import SpruceStore

/// The body of `GET /api/v1/links/{code}`, put together from each organization's profile encoded once.
struct ProfileJSON: Sendable {
    /// The fixed headers of the answer, whichever way it is answered (router or ``HotReads``).
    static let headers: HTTPFields = [.contentType: "application/json", .cacheControl: "public, max-age=5"]

    /// Each organization's profile as JSON, the middle of every body.
    private let profiles = ProfileMemo<ByteBuffer>()
    /// `"https://spruce.care/` as a JSON string without its closing quote: the start of every link URL in JSON.
    private let linkURLPrefix: ByteBuffer

    /// - Parameter publicURL: the site's public origin, without a trailing slash.
    init(publicURL: String) throws {
        var prefix = try JSONEncoder.api.encode(publicURL + "/")
        prefix.removeLast()
        linkURLPrefix = ByteBuffer(bytes: prefix)
    }

    /// `{"code":…,"profile":…,"url":…}` as the API's encoder writes ``API/ResolvedLink`` (sorted keys, unescaped
    /// slashes). Codes are lowercase letters, digits and hyphens, which JSON strings hold as they are.
    func body(_ code: LinkCode, organizationID: OrganizationID, profile: ClinicProfile) throws -> ByteBuffer {
        let profileJSON = try profiles.value(for: organizationID, profile) { try ByteBuffer(json: $0) }
        var body = ByteBuffer()
        body.reserveCapacity(
            profileJSON.readableBytes + linkURLPrefix.readableBytes + 2 * code.rawValue.utf8.count + 32)
        body.writeStaticString("{\"code\":\"")
        body.writeString(code.rawValue)
        body.writeStaticString("\",\"profile\":")
        body.writeImmutableBuffer(profileJSON)
        body.writeStaticString(",\"url\":")
        body.writeImmutableBuffer(linkURLPrefix)
        body.writeString(code.rawValue)
        body.writeStaticString("\"}")
        return body
    }
}
