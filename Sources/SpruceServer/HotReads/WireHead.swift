import HTTPTypes
import NIOCore

/// A response head serialized once, as NIO's `HTTPResponseEncoder` writes the router's: the status line and the
/// fixed fields as bytes, in the order given, with slots for the fields whose values change with each answer.
/// Writing an answer then copies a few byte runs instead of building, validating and encoding a field list.
struct WireHead: Sendable {
    /// The fields whose value each answer gives.
    enum Slot: Sendable {
        case contentLength, date, setCookie, eTag

        var name: HTTPField.Name {
            switch self {
            case .contentLength: .contentLength
            case .date: .date
            case .setCookie: .setCookie
            case .eTag: .eTag
            }
        }
    }

    /// The values of one answer's slots; a slot the head has but whose value is nil is left out.
    struct Values {
        var contentLength: Int
        var date: String
        var setCookie: String? = nil
        var eTag: String? = nil
    }

    /// Bytes up to each slot's value (its `Name: ` included), then the slot; the last run ends the head.
    private let runs: [(bytes: [UInt8], slot: Slot?)]
    /// The head's size without the slots' values, to size the answer's buffer.
    let fixedSize: Int

    /// - Parameters:
    ///   - fields: the head's fields in wire order; a field named by one of `slots` marks where its value goes
    ///     (its value here is ignored).
    init(status: HTTPResponse.Status, fields: HTTPFields, slots: [Slot]) {
        var runs: [(bytes: [UInt8], slot: Slot?)] = []
        var bytes = Array("HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n".utf8)
        for field in fields {
            if let slot = slots.first(where: { $0.name == field.name }) {
                runs.append((bytes, slot))
                bytes = []
                continue
            }
            bytes += Array("\(field.name.rawName): \(field.value)\r\n".utf8)
        }
        bytes += Array("\r\n".utf8)
        runs.append((bytes, nil))
        self.runs = runs
        fixedSize = runs.reduce(0) { $0 + $1.bytes.count + 32 }
    }

    /// Writes the head with `values` into `buffer`.
    func write(_ values: Values, into buffer: inout ByteBuffer) {
        for run in runs {
            buffer.writeBytes(run.bytes)
            guard let slot = run.slot else { continue }
            switch slot {
            case .contentLength: Self.write(field: slot, value: String(values.contentLength), into: &buffer)
            case .date: Self.write(field: slot, value: values.date, into: &buffer)
            case .setCookie: values.setCookie.map { Self.write(field: slot, value: $0, into: &buffer) }
            case .eTag: values.eTag.map { Self.write(field: slot, value: $0, into: &buffer) }
            }
        }
    }

    private static func write(field slot: Slot, value: String, into buffer: inout ByteBuffer) {
        buffer.writeString(slot.name.rawName)
        buffer.writeStaticString(": ")
        buffer.writeString(value)
        buffer.writeStaticString("\r\n")
    }
}
