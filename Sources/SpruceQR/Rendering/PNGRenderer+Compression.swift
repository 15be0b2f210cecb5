extension PNGRenderer {
    /// zlib level, zlib strategy and PNG row filter.
    public struct Compression: Sendable, Hashable {
        /// zlib level 0...9.
        public var level: Int
        /// zlib strategy.
        public var strategy: Strategy
        /// PNG row filter.
        public var filter: Filter
        /// zlib memLevel 1...9 (libpng's default is 8).
        public var memoryLevel: Int
        /// zlib window 9...15 bits, or `nil` for libpng's choice (sized to the image).
        public var windowBits: Int?

        /// Creates compression settings.
        public init(level: Int, strategy: Strategy, filter: Filter, memoryLevel: Int = 8, windowBits: Int? = nil) {
            self.level = level
            self.strategy = strategy
            self.filter = filter
            self.memoryLevel = memoryLevel
            self.windowBits = windowBits
        }

        /// The default, chosen by measurement (Benchmarks/run-qr.sh, and callgrind instruction counts on the C
        /// floor): zlib level 1, default strategy, no row filter, memLevel 4. At scale s every module row is
        /// written s times, and level 1 already finds each repeat one row back, so filter Up only saves 3 % of
        /// the size (442 vs 457 bytes for a version-2 code) for 6 % more work. A small memLevel avoids zlib's
        /// 256 KiB pending buffer (an mmap per image) and a 64 KiB hash clear: about a third off the PNG time.
        public static let fast = Compression(level: 1, strategy: .default, filter: .none, memoryLevel: 4)
        /// For images sent many times (the server's cached QR images, emailed ones): the smallest files, chosen by
        /// measurement over five link texts (versions 2–5) at scales 6 and 8 (level M, margin 4): zlib level 9,
        /// `Z_FILTERED`, no row filter, a 512-byte window, memLevel 5. No filter beats Sub, Up, Average, Paeth and
        /// adaptive (1-bit rows repeat exactly, which LZ77 matches one row back), and a small window gives shorter
        /// distance codes: 254 bytes for `https://spruce.care/100000` at scale 8, against 290 with libpng's window,
        /// 331 with adaptive filters, 469 with ``fast`` and 284 from segno. memLevel 5 gives the same bytes as 9 at
        /// a third of the time (zlib clears and fills smaller tables): about 2× the time of ``fast`` per image.
        public static let smallest = Compression(
            level: 9, strategy: .filtered, filter: .none, memoryLevel: 5, windowBits: 9)

        /// zlib compression strategies (`Z_DEFAULT_STRATEGY`, `Z_FILTERED`, `Z_HUFFMAN_ONLY`, `Z_RLE`).
        public enum Strategy: Int32, Sendable, Hashable, CaseIterable {
            /// zlib's default: LZ77 matches and Huffman codes.
            case `default` = 0
            /// Favours Huffman codes over short matches.
            case filtered = 1
            /// No matches, Huffman codes only.
            case huffmanOnly = 2
            /// Matches at distance one only (run lengths).
            case rle = 3
        }

        /// PNG filters (`PNG_FILTER_*`); `.all` lets libpng choose per row.
        public enum Filter: Int32, Sendable, Hashable, CaseIterable {
            /// No filter (the fastest).
            case none = 0x08
            /// Difference to the pixel byte on the left.
            case sub = 0x10
            /// Difference to the row above.
            case up = 0x20
            /// Difference to the average of left and above.
            case average = 0x40
            /// Paeth predictor.
            case paeth = 0x80
            /// libpng chooses a filter per row (the slowest).
            case all = 0xF8
        }
    }
}
