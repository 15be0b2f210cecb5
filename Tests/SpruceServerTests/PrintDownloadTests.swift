import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SpruceCore
import SprucePrint
import SpruceStore
import Testing

@testable import SpruceServer

/// `GET /workspace/links/{code}/print.pdf` on a live server: members of the link's organization get the PDF with
/// an ETag (304 when it still matches); anyone else gets what a member page or an unknown link gives.
@Suite("Print downloads")
struct PrintDownloadTests {
    static let path = "/workspace/links/4827163/print.pdf?layout=cards&paper=a4"

    @Test("a member gets a PDF that scans, with an ETag; If-None-Match gives 304; the query changes the ETag")
    func memberDownload() async throws {
        try await withLiveServer { server in
            let maya = server.browser()
            _ = try await maya.logIn("maya.chen@oakstreetpeds.example")
            let page = try await maya.get(Self.path)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "application/pdf")
            #expect(page.headers[.cacheControl] == "private, no-cache")
            #expect(page.headers[.contentDisposition] == "attachment; filename=\"spruce-4827163-cards-a4.pdf\"")
            let etag = try #require(page.headers[.eTag])
            #expect(etag.hasPrefix("\"") && etag.count == 34)
            let bytes = Array(page.body.readableBytesView)
            #expect(bytes.starts(with: Array("%PDF-".utf8)))

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "print-http-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let pdf = folder.appendingPathComponent("cards.pdf")
            try Data(bytes).write(to: pdf)
            let info = try await runTool(["pdfinfo", pdf.path])
            #expect(info.output.contains("595.276 x 841.89 pts (A4)"))
            let raster = try await runTool(
                ["pdftoppm", "-r", "150", "-png", pdf.path, folder.appendingPathComponent("page").path])
            #expect(raster.status == 0)
            let script = packageRoot.appendingPathComponent("scripts/decode_all_qr.py").path
            let decoded = try await runTool(["python3", script, folder.appendingPathComponent("page-1.png").path])
            let entries = try JSONSerialization.jsonObject(with: Data(decoded.output.utf8)) as? [[String: Any]]
            let texts = entries?.first?["texts"] as? [String]
            #expect(texts == Array(repeating: "HTTPS://SPRUCE.CARE/4827163?qr", count: 10))
            // Every printed code is a scan of the same link.
            for text in texts ?? [] {
                let scanned = try ScannedLink.parse(text)
                #expect(scanned.isScan)
                #expect(scanned.target == .practice(try LinkCode("4827163")))
            }

            let again = try await maya.get(Self.path, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
            #expect(again.headers[.eTag] == etag)

            let other = try await maya.get(Self.path + "&headline=Scan%20me")
            #expect(other.status == .ok)
            #expect(other.headers[.eTag] != etag)
            let poster = try await maya.get("/workspace/links/4827163/print.pdf")
            #expect(poster.status == .ok)
            #expect(poster.headers[.contentDisposition] == "attachment; filename=\"spruce-4827163-poster-letter.pdf\"")
        }
    }

    @Test("another organization's member gets the unknown link's 404; a visitor goes to log in; disabled is 410")
    func othersRefused() async throws {
        try await withLiveServer { server in
            let visitor = server.browser()
            let anonymous = try await visitor.get(Self.path)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.location?.hasPrefix("/login?next=") == true)

            let sam = server.browser()
            _ = try await sam.logIn("sam@riverbendpt.example")
            let foreign = try await sam.get(Self.path)
            let unknown = try await sam.get("/workspace/links/1234567/print.pdf?layout=cards&paper=a4")
            let malformed = try await sam.get("/workspace/links/x/print.pdf")
            #expect(foreign.status == .notFound)
            #expect(foreign.text == unknown.text)
            #expect(malformed.status == .notFound && malformed.text == unknown.text)
            #expect(foreign.headers[.eTag] == nil)

            let maya = server.browser()
            _ = try await maya.logIn("maya.chen@oakstreetpeds.example")
            #expect(try await maya.get("/workspace/links/7718204/print.pdf").status == .gone)
            let badLayout = try await maya.get("/workspace/links/4827163/print.pdf?layout=banner")
            #expect(badLayout.status == .badRequest)
            #expect(badLayout.text.contains("Layout must be one of: poster, flyer, tent, cards."))
            let badHeadline = try await maya.get(
                "/workspace/links/4827163/print.pdf?headline=" + String(repeating: "x", count: 61))
            #expect(badHeadline.status == .badRequest)
            #expect(badHeadline.text.contains("Headline must be at most 60 characters."))
        }
    }

    @Test("downloads are rate limited per member: past the limit, 429 with Retry-After")
    func rateLimited() async throws {
        let limit = 3
        var throttles = Throttles.unlimited
        throttles.printsPerMember = RatePolicy(limit: limit, window: 15 * 60)
        try await withLiveServer(throttles: throttles) { server in
            let maya = server.browser()
            _ = try await maya.logIn("maya.chen@oakstreetpeds.example")
            for _ in 0..<limit {
                #expect(try await maya.get("/workspace/links/4827163/print.pdf?layout=flyer").status == .ok)
            }
            let refused = try await maya.get("/workspace/links/4827163/print.pdf?layout=flyer")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)
            // Another member of the same practice has a count of their own.
            let desk = server.browser()
            _ = try await desk.logIn("front.desk@oakstreetpeds.example")
            #expect(try await desk.get("/workspace/links/4827163/print.pdf?layout=flyer").status == .ok)
        }
    }
}

@Suite("Print render pool and cache")
struct PrintRenderPoolTests {
    @Test("the pool renders off the event loop and refuses with 503 past its capacity")
    func capacity() async throws {
        let content = try PrintContent(practiceName: "Oak Street Pediatrics", url: "https://spruce.care/4827163")
        let document = PrintDocument(layout: .poster, paper: .letter)
        let bytes = try await PrintRenderPool(capacity: 1).render(document, content)
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        let full = PrintRenderPool(capacity: 0)
        let error = await #expect(throws: HTTPError.self) { try await full.render(document, content) }
        #expect(error?.status == .serviceUnavailable)
        #expect(error?.headers[.retryAfter] == "1")
    }

    @Test("the cache keeps documents by ETag up to its byte limit, then starts over")
    func cache() {
        let cache = PrintCache(byteLimit: 10)
        cache.put(ByteBuffer(bytes: Array(repeating: 1, count: 6)), for: "\"a\"")
        #expect(cache.get("\"a\"")?.readableBytes == 6)
        cache.put(ByteBuffer(bytes: Array(repeating: 2, count: 6)), for: "\"b\"")
        #expect(cache.get("\"a\"") == nil)
        #expect(cache.get("\"b\"")?.readableBytes == 6)
        cache.put(ByteBuffer(bytes: Array(repeating: 3, count: 11)), for: "\"c\"")
        #expect(cache.get("\"c\"") == nil)
    }
}
