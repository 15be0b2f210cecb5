// QR benchmark: encode N distinct texts `https://spruce.care/1NNNNN` at level M and render each as a PNG at
// scale 8, margin 4 into memory; then the terminal and SVG renderers on the same codes.
//
// Usage: QRBenchmark [count] [zlib-level zlib-strategy png-filter [mem-level]]
//   strategy: default|filtered|huffman|rle; filter: none|sub|up|average|paeth|all
// Prints `key=value` lines that Benchmarks/run-qr.sh reads. With QR_BENCH_PNG_ONLY set, only the encode + PNG
// loop runs (run-qr.sh counts its instructions with callgrind).
import SpruceQR

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Process CPU time in µs: other work on the (shared) machine does not count against us.
func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1e6 + Double(time.tv_nsec) / 1e3
}

let arguments = CommandLine.arguments

// `QRBenchmark --sizes FILE`: for each text line of FILE, the PNG sizes of the images sent many times (the server's
// cached image at scale 8 and the emailed one at scale 6, margin 4, level M, `.smallest`) and the batch/file
// setting (`.fast`, scale 8), as `sizes <served> <emailed> <fast> <text>`; run-qr.sh compares them with segno.
if arguments.count > 2, arguments[1] == "--sizes" {
    guard let file = fopen(arguments[2], "r") else {
        print("error: cannot read \(arguments[2])")
        exit(1)
    }
    defer { fclose(file) }
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    while getline(&line, &capacity, file) > 0, let line {
        var text = String(cString: line)
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        guard !text.isEmpty else { continue }
        do {
            let code = try QRCode(text: text, options: QRCode.Options(level: .medium))
            let served = try PNGRenderer(options: RenderOptions(scale: 8, margin: 4), compression: .smallest).render(
                code)
            let emailed = try PNGRenderer(options: RenderOptions(scale: 6, margin: 4), compression: .smallest).render(
                code)
            let fast = try PNGRenderer(options: RenderOptions(scale: 8, margin: 4), compression: .fast).render(code)
            print("sizes \(served.count) \(emailed.count) \(fast.count) \(text)")
        } catch {
            print("error: \(text): \(error)")
            exit(1)
        }
    }
    free(line)
    exit(0)
}

let count = arguments.count > 1 ? Int(arguments[1]) ?? 10_000 : 10_000
var compression = PNGRenderer.Compression.fast
if arguments.count > 4 {
    let strategies: [String: PNGRenderer.Compression.Strategy] = [
        "default": .default, "filtered": .filtered, "huffman": .huffmanOnly, "rle": .rle,
    ]
    let filters: [String: PNGRenderer.Compression.Filter] = [
        "none": .none, "sub": .sub, "up": .up, "average": .average, "paeth": .paeth, "all": .all,
    ]
    guard let level = Int(arguments[2]), let strategy = strategies[arguments[3]], let filter = filters[arguments[4]]
    else {
        print("usage: QRBenchmark [count] [zlib-level default|filtered|huffman|rle none|sub|up|average|paeth|all]")
        exit(2)
    }
    let memoryLevel = arguments.count > 5 ? Int(arguments[5]) ?? 4 : 4
    compression = .init(level: level, strategy: strategy, filter: filter, memoryLevel: memoryLevel)
}

let texts = (0..<count).map { "https://spruce.care/1\(String(100_000 + $0).dropFirst())" }
let renderer = PNGRenderer(options: RenderOptions(scale: 8, margin: 4), compression: compression)
let options = QRCode.Options(level: .medium)

do {
    // Warm-up (page faults, lazy symbol binding), not timed.
    for text in texts.prefix(200) { _ = try renderer.render(QRCode(text: text, options: options)) }

    var totalBytes = 0
    let start = now()
    for text in texts {
        let code = try QRCode(text: text, options: options)
        totalBytes += try renderer.render(code).count
    }
    let pngMicros = (now() - start) / Double(count)
    let averageBytes = totalBytes / count
    if getenv("QR_BENCH_PNG_ONLY") != nil {  // for instruction counts under callgrind: the timed loop only
        print("count=\(count)")
        print("png_bytes=\(averageBytes)")
        print("swift_png_us=\(pngMicros)")
        exit(0)
    }

    var codes: [QRCode] = []
    codes.reserveCapacity(count)
    let encodeStart = now()
    for text in texts { codes.append(try QRCode(text: text, options: options)) }
    let encodeMicros = (now() - encodeStart) / Double(count)

    let renderStart = now()
    for code in codes { totalBytes += try renderer.render(code).count }
    let renderMicros = (now() - renderStart) / Double(count)

    let terminal = TerminalRenderer()
    let terminalStart = now()
    for code in codes { totalBytes += try terminal.render(code).utf8.count }
    let terminalMicros = (now() - terminalStart) / Double(count)

    let svg = SVGRenderer(options: RenderOptions(scale: 8, margin: 4))
    let svgStart = now()
    for code in codes { totalBytes += try svg.render(code).utf8.count }
    let svgMicros = (now() - svgStart) / Double(count)

    print("count=\(count)")
    print("version=\(codes[0].version)")
    print("png_bytes=\(averageBytes)")
    print("swift_png_us=\(pngMicros)")
    print("swift_encode_us=\(encodeMicros)")
    print("swift_png_only_us=\(renderMicros)")
    print("swift_terminal_us=\(terminalMicros)")
    print("swift_svg_us=\(svgMicros)")
    print("checksum=\(totalBytes)")
} catch {
    print("error: \(error)")
    exit(1)
}
