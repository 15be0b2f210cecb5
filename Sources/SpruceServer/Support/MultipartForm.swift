import Foundation
import MultipartKit
import NIOCore

/// A `multipart/form-data` body read with MultipartKit's parser: its text fields (as a ``FormData``) and its files.
struct MultipartForm: Sendable {
    /// One uploaded file.
    struct Upload: Sendable {
        let filename: String
        let bytes: [UInt8]
    }

    private(set) var fields: [String: String] = [:]
    private(set) var uploads: [String: Upload] = [:]

    /// The boundary of a `multipart/form-data` content type, or `nil` when it is not one.
    static func boundary(of contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            let value = part.dropFirst("boundary=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.utf8.count > 200 ? nil : value
        }
        return nil
    }

    /// Parses `body`; a part without a name is ignored, the first part of a name wins.
    /// - Throws: ``ServerError`` naming the body when it is not well-formed multipart.
    init(body: ByteBuffer, boundary: String) throws {
        let parser = MultipartParser(boundary: boundary)
        var headers: [String: String] = [:]
        var content = ByteBuffer()
        var parts: [(headers: [String: String], body: ByteBuffer)] = []
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { chunk in content.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append((headers, content))
            headers = [:]
            content = ByteBuffer()
        }
        do { try parser.execute(body) } catch {
            throw ServerError.invalid("body", "is not well-formed multipart/form-data")
        }
        for part in parts {
            let disposition = Self.parameters(part.headers["content-disposition"] ?? "")
            guard let name = disposition["name"], fields[name] == nil, uploads[name] == nil else { continue }
            if let filename = disposition["filename"] {
                uploads[name] = Upload(filename: filename, bytes: Array(part.body.readableBytesView))
            } else {
                fields[name] = String(decoding: part.body.readableBytesView, as: UTF8.self)
            }
        }
    }

    /// The text fields as a form.
    var form: FormData { FormData(fields: fields) }

    /// `name="x"; filename="y.csv"` → ["name": "x", "filename": "y.csv"].
    static func parameters(_ header: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in header.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            result[pair[0].lowercased()] = value
        }
        return result
    }
}
