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
        let parts = try self.parts(code, organizationID: organizationID, profile: profile)
        var body = ByteBuffer()
        body.reserveCapacity(parts.length)
        parts.write(into: &body)
        return body
    }

    /// The body's parts, to be written where the caller wants them (``HotReads`` writes them right after the head).
    func parts(_ code: LinkCode, organizationID: OrganizationID, profile: ClinicProfile) throws -> Parts {
        Parts(
            code: code.rawValue, profile: try profiles.value(for: organizationID, profile) { try ByteBuffer(json: $0) },
            linkURLPrefix: linkURLPrefix)
    }

    /// A body's parts: its length is known before it is written.
    struct Parts {
        let code: String
        let profile: ByteBuffer
        let linkURLPrefix: ByteBuffer

        private static let opening: StaticString = "{\"code\":\""
        private static let beforeProfile: StaticString = "\",\"profile\":"
        private static let beforeURL: StaticString = ",\"url\":"
        private static let closing: StaticString = "\"}"

        var length: Int {
            Self.opening.utf8CodeUnitCount + Self.beforeProfile.utf8CodeUnitCount + Self.beforeURL.utf8CodeUnitCount
                + Self.closing.utf8CodeUnitCount + 2 * code.utf8.count + profile.readableBytes
                + linkURLPrefix.readableBytes
        }

        func write(into body: inout ByteBuffer) {
            body.writeStaticString(Self.opening)
            body.writeString(code)
            body.writeStaticString(Self.beforeProfile)
            body.writeImmutableBuffer(profile)
            body.writeStaticString(Self.beforeURL)
            body.writeImmutableBuffer(linkURLPrefix)
            body.writeString(code)
            body.writeStaticString(Self.closing)
        }
    }
}
