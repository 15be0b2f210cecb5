import Foundation
import SpruceCore
import Testing

@testable import SpruceServer

@Suite("Route table")
struct RouteTableTests {
    /// How many routes the controllers register: one per method and path, none lost or doubled in a move.
    static let routeCount = 93

    @Test("every first path segment the server routes is a reserved word, so no code can shadow a route")
    func reservedSegments() async throws {
        try await withServerParts { parts in
            let endpoints = parts.routeTable.endpoints
            #expect(endpoints.count == Self.routeCount)
            for route in endpoints {
                guard let first = route.path.split(separator: "/").first else { continue }
                if first.hasPrefix("{") { continue }
                #expect(ReservedWords.routeSegments.contains(String(first)), "\(route.method) \(route.path)")
                #expect(throws: LinkCodeError.self) { try LinkCode(String(first)) }
            }
        }
    }

    @Test("the OpenAPI document lists exactly the /api/v1 and /api/app/v1 routes, with their methods")
    func openAPIMatchesRoutes() async throws {
        let url = packageRoot.appendingPathComponent("Sources/SpruceServer/Templates/openapi.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        var routed: Set<String> = []
        try await withServerParts { parts in
            routed = Set(
                parts.routeTable.endpoints.filter { $0.path.hasPrefix("/api/v1/") || $0.path.hasPrefix("/api/app/v1/") }
                    .map { "\($0.method) \($0.path)" })
        }
        #expect(documented == routed)
        // Every operation documents its success and error responses as problem+json.
        for (path, operations) in paths {
            for (method, value) in operations {
                let operation = try #require(value as? [String: Any])
                let responses = try #require(operation["responses"] as? [String: [String: Any]], "\(method) \(path)")
                for (status, response) in responses where !status.hasPrefix("2") {
                    let content = response["content"] as? [String: Any]
                    #expect(content?["application/problem+json"] != nil, "\(method) \(path) \(status)")
                }
            }
        }
    }
}
