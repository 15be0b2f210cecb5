/// The marker that tells a scan from a click: codes the service renders (QR images, print, the CLI's invitation
/// codes) encode the link's URL followed by `?qr`, and the scanned-link parser and the server recognize it.
///
/// The rule: the marker is a query that is exactly `qr` (lowercase, no value, nothing else). Anything else —
/// `?qr=1`, `?QR`, `?qr&qr`, `?qr&utm_source=x`, `?qr?qr` — is not the marker: the query stays raw attribution and
/// the request is a plain visit, so a hostile or doubled marker can never count a scan twice.
///
/// The rendered text is in uppercase (`HTTPS://SPRUCE.CARE/48271630?qr`) so that a QR encoder puts the scheme, host
/// and code in alphanumeric mode (5.5 bits per character instead of 8): the marker then costs no modules for the
/// common codes (8-digit codes stay version 2, 25×25). Hosts are case-insensitive, and codes and invitation tokens
/// are read case-insensitively. The path segment `i` of invitations stays lowercase, as the router matches it.
public enum ScanMarker {
    /// The query that marks a scan, without the `?`.
    public static let query = "qr"

    /// Whether a raw query's UTF-8 bytes (without the `?`) are the scan marker.
    public static func isMarker(_ query: some Sequence<UInt8>) -> Bool {
        query.elementsEqual(Self.query.utf8)
    }

    /// The text a service-rendered QR code of `target` encodes, on `origin` (e.g. `https://spruce.care`).
    public static func codeText(for target: ScannedLink.Target, origin: String) -> String {
        var base = origin
        while base.hasSuffix("/") { base.removeLast() }
        let upper = String(decoding: ASCII.uppercased(base.utf8), as: UTF8.self)
        switch target {
        case .practice(let code):
            return upper + "/" + String(decoding: ASCII.uppercased(code.rawValue.utf8), as: UTF8.self) + "?" + query
        case .invitation(let token):
            return upper + "/i/" + String(decoding: ASCII.uppercased(token.rawValue.utf8), as: UTF8.self) + "?" + query
        }
    }
}
