/// The GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table, for deciding whether a text fits
/// GSM-7 and how many septets it takes.
enum GSMAlphabet {
    /// The 128 characters of the basic table (one septet each). ESC (0x1B) is not a character.
    static let basic: Set<Unicode.Scalar> = {
        let table =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
        return Set(table.unicodeScalars)
    }()

    /// The extension table: each is sent as ESC + character, two septets.
    static let extended: Set<Unicode.Scalar> = Set("^{}\\[~]|€\u{000C}".unicodeScalars)

    /// Septets for `scalar` in GSM-7, or `nil` when it is not in either table.
    static func septets(_ scalar: Unicode.Scalar) -> Int? {
        if basic.contains(scalar) { return 1 }
        if extended.contains(scalar) { return 2 }
        return nil
    }
}
