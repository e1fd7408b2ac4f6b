import SeatCore
import Testing
@testable import SeatConfig

/// Hostile inputs are refused with `input_limit`, before they can cost
/// time, memory or stack.
struct LoaderLimitsTests {
    /// The classic "billion laughs": 9 levels of 10 aliases, 10^9 nodes expanded.
    static func billionLaughs() -> [UInt8] {
        var text = "account: acme\nkind: enterprise\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        var previous = "a"
        for level in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = level
        }
        return bytes(text)
    }

    @Test func billionLaughsIsRefusedWithoutExpanding() throws {
        for load in [Self.desired, Self.catalog] {
            let diagnostics = load(Self.billionLaughs(), .standard)
            #expect(diagnostics.map(\.code) == ["input_limit"])
            let diagnostic = try #require(diagnostics.first)
            #expect(diagnostic.message == "aliases expand the file to more than 16000000 values")
            // Level "i" (10^8 values) is the first to pass the limit.
            #expect(diagnostic.location?.line == 10)
        }
    }

    @Test func aliasesThatMultiplyTheFileTenfoldAreRefused() throws {
        // 102 nodes written under the anchor, then 200 aliases to it: about 20,000 nodes
        // expanded from about 300 written, under maxNodes but far past 10x + 1000.
        let items = Array(repeating: "x", count: 100).joined(separator: ", ")
        let text = "account: acme\nkind: enterprise\nbig: &big [\(items)]\nmore: ["
            + Array(repeating: "*big", count: 200).joined(separator: ", ") + "]\n"
        let diagnostics = Self.desired(bytes(text), .standard)
        #expect(diagnostics.map(\.code) == ["input_limit"])
        #expect(diagnostics.first?.message.hasPrefix("aliases expand the file to ") == true)
        #expect(diagnostics.first?.location == FileLocation(file: "limits.yaml", line: 4, column: 8))
    }

    @Test func modestAliasesPassTheLimits() {
        let items = Array(repeating: "x", count: 100).joined(separator: ", ")
        let text = "account: acme\nkind: enterprise\nbig: &big [\(items)]\nmore: [*big, *big, *big]\n"
        #expect(Self.desired(bytes(text), .standard).map(\.code) == ["unknown_key", "unknown_key"])
    }

    static let deepFiles: [(String, [UInt8])] = [
        ("flow sequences", bytes(String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))),
        ("flow mappings", bytes(String(repeating: "{a: ", count: 100_000) + "x" + String(repeating: "}", count: 100_000))),
        ("block sequences", bytes(String(repeating: "- ", count: 100_000) + "x\n")),
        ("flow mappings under a key", bytes("account: " + String(repeating: "{a: ", count: 100_000) + "x"
            + String(repeating: "}", count: 100_000) + "\n")),
        // Block mappings need one more space per level, so 100,000 levels would be a 5 GB
        // file; 3,000 levels (4.5 MB) show the same refusal.
        ("block mappings", bytes((0..<3_000).map { String(repeating: " ", count: $0) + "a:\n" }.joined())),
    ]

    @Test(arguments: deepFiles.map(\.0))
    func deepNestingIsRefused(_ name: String) throws {
        let data = try #require(Self.deepFiles.first { $0.0 == name }?.1)
        for load in [Self.desired, Self.catalog] {
            let diagnostics = load(data, .standard)
            #expect(diagnostics.map(\.code) == ["input_limit"])
            #expect(diagnostics.first?.message == "the file nests more than 64 levels deep")
        }
    }

    @Test func nestingUpToTheLimitIsNotAnInputLimit() {
        // The root mapping is level 1, so 63 more levels reach exactly 64.
        func nested(_ levels: Int) -> [UInt8] {
            bytes("account: acme\nkind: enterprise\nname: " + String(repeating: "[", count: levels)
                  + String(repeating: "]", count: levels) + "\n")
        }
        #expect(Self.desired(nested(63), .standard).map(\.code) == ["wrong_type"])
        #expect(Self.desired(nested(64), .standard).map(\.code) == ["input_limit"])
        let shallow = LoaderLimits(maxBytes: 1 << 20, maxDepth: 2, maxNodes: 1_000)
        #expect(Self.desired(bytes("account: acme\nkind: enterprise\nguards: {maxUnassignments: 1}\n"), shallow).isEmpty)
        #expect(Self.desired(bytes("account: acme\nkind: enterprise\nusers: {a@acme.com: {}}\n"), shallow)
            .map(\.code) == ["input_limit"])
    }

    @Test func fileLargerThanMaxBytesIsRefusedBeforeParsing() throws {
        let limits = LoaderLimits(maxBytes: 32, maxDepth: 64, maxNodes: 1_000)
        let text = bytes("account: acme\nkind: enterprise\n")   // 31 bytes
        #expect(Self.desired(text, limits).isEmpty)
        let larger = text + bytes("#\n")
        for load in [Self.desired, Self.catalog] {
            let diagnostics = load(larger, limits)
            #expect(diagnostics.map(\.code) == ["input_limit"])
            let diagnostic = try #require(diagnostics.first)
            #expect(diagnostic.message == "\"limits.yaml\" is 33 bytes, more than the limit of 32 bytes")
            #expect(diagnostic.location == nil)
        }
        // Not even looked at: invalid YAML over the limit is still only too large.
        #expect(Self.desired(bytes(String(repeating: "[", count: 40)), limits).map(\.code) == ["input_limit"])
    }

    @Test func moreNodesThanMaxNodesIsRefused() {
        let limits = LoaderLimits(maxBytes: 1 << 20, maxDepth: 64, maxNodes: 10)
        let text = "account: acme\nkind: enterprise\nemailDomains: [a.com, b.com, c.com, d.com, e.com]\n"
        #expect(Self.desired(bytes(text), limits).map(\.code) == ["input_limit"])
    }

    @Test func standardLimits() {
        #expect(LoaderLimits.standard == LoaderLimits(maxBytes: 256 * 1024 * 1024, maxDepth: 64, maxNodes: 16_000_000))
    }

    private static func desired(_ data: [UInt8], _ limits: LoaderLimits) -> [Diagnostic] {
        let result = ConfigLoader.loadDesiredState(data, file: "limits.yaml", limits: limits)
        if result.diagnostics.hasErrors { #expect(result.state == nil) }
        return result.diagnostics
    }

    private static func catalog(_ data: [UInt8], _ limits: LoaderLimits) -> [Diagnostic] {
        let result = ConfigLoader.loadCatalog(data, file: "limits.yaml", limits: limits)
        if result.diagnostics.hasErrors { #expect(result.catalog == nil) }
        return result.diagnostics
    }
}
