// The only file that calls libqrencode. Every call returns NULL and sets errno on failure
// (ERANGE: the data does not fit, EINVAL: invalid input); the result is copied out and freed at once.
import CQREncode

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

enum LibQREncode {
    struct Matrix {
        var width: Int
        var version: Int
        var modules: [UInt8]
    }

    static func encode(text: String, options: QRCode.Options) throws(QRCodeError) -> Matrix {
        guard !text.isEmpty else { throw .emptyText }
        if let version = options.minimumVersion, !options.versionRange.contains(version) {
            throw .invalidVersion(version, allowed: options.versionRange)
        }
        if options.micro, options.level == .high {
            throw .levelNotAvailableForMicro(options.level)
        }
        let level = options.level.cLevel
        var mode = options.mode
        if mode == .alphanumeric {
            if let index = text.utf8.firstIndex(where: { !QRCode.alphanumericCharacters.contains($0) }) {
                let character = text[index...].first ?? "?"
                throw .alphanumericNotPossible(character: character)
            }
        } else if mode == .automatic, text.utf8.contains(0) {
            // QRcode_encodeString reads a C string and would stop at the NUL: encode the bytes instead.
            mode = .byte
        }

        let firstVersion = options.minimumVersion ?? (options.micro ? 1 : 0)
        var code: UnsafeMutablePointer<QRcode>?
        var failure: Int32 = 0
        // Micro QR versions do not grow on their own in libqrencode's input API: try each in turn.
        let versions = options.micro && mode == .alphanumeric ? Array(firstVersion...4) : [firstVersion]
        for version in versions {
            errno = 0
            code = encodeOnce(text: text, version: Int32(version), level: level, mode: mode, micro: options.micro)
            failure = errno
            if code != nil { break }
        }
        guard let code else {
            if failure == ERANGE || (options.micro && failure == EINVAL) {
                let limit = QRCode.maximumCapacity(level: options.level, mode: mode, micro: options.micro, text: text)
                let length = text.utf8.count  // numeric and alphanumeric text is ASCII: characters = bytes
                throw .textTooLong(
                    level: options.level, version: limit.version, capacity: limit.capacity, unit: limit.unit,
                    length: length)
            }
            throw .encodingFailed(errno: failure)
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let count = width * width
        guard width > 0, let data = code.pointee.data else { throw .encodingFailed(errno: EINVAL) }
        let modules = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            for index in 0..<count {
                buffer[index] = data[index] & 1
            }
            initialized = count
        }
        return Matrix(width: width, version: Int(code.pointee.version), modules: modules)
    }

    private static func encodeOnce(
        text: String, version: Int32, level: QRecLevel, mode: QRCode.Mode, micro: Bool
    ) -> UnsafeMutablePointer<QRcode>? {
        var text = text  // withUTF8 may make the storage contiguous
        switch mode {
        case .automatic:
            return micro
                ? QRcode_encodeStringMQR(text, version, level, QR_MODE_8, 1)
                : QRcode_encodeString(text, version, level, QR_MODE_8, 1)
        case .byte:
            return text.withUTF8 { buffer in
                micro
                    ? QRcode_encodeDataMQR(Int32(buffer.count), buffer.baseAddress, version, level)
                    : QRcode_encodeData(Int32(buffer.count), buffer.baseAddress, version, level)
            }
        case .alphanumeric:
            guard let input = micro ? QRinput_newMQR(version, level) : QRinput_new2(version, level) else { return nil }
            defer { QRinput_free(input) }
            let appended = text.withUTF8 { buffer in
                QRinput_append(input, QR_MODE_AN, Int32(buffer.count), buffer.baseAddress)
            }
            guard appended == 0 else { return nil }
            return QRcode_encodeInput(input)
        }
    }
}

extension QRCode.ErrorCorrectionLevel {
    fileprivate var cLevel: QRecLevel {
        switch self {
        case .low: return QR_ECLEVEL_L
        case .medium: return QR_ECLEVEL_M
        case .quartile: return QR_ECLEVEL_Q
        case .high: return QR_ECLEVEL_H
        }
    }
}
