import Foundation
import SeatCore
import Testing
@_spi(Fuzzing) @testable import SeatConfig

/// The desired-state fast path (`DesiredStateFastPath`) must give exactly
/// what the reference reader (`YAMLComposer` + `DesiredStateReader`) gives:
/// the same `DesiredState`, locations included, and the same diagnostics in
/// the same order, for valid and invalid files alike.
struct FastPathEquivalenceTests {
    /// Loads `data` both ways, expects the same result, and returns the route
    /// `ConfigLoader` took.
    @discardableResult
    static func expectSameAsReference(_ data: [UInt8], file: String = "seats.yaml", limits: LoaderLimits = .standard,
                                      sourceLocation: Testing.SourceLocation = #_sourceLocation)
        -> ConfigLoader.DesiredStateRoute {
        let reference = ConfigLoader.composeDesiredState(data, file: file, limits: limits)
        let loaded = ConfigLoader.loadDesiredStateTracingRoute(data, file: file, limits: limits)
        #expect(loaded.state == reference.state, sourceLocation: sourceLocation)
        #expect(loaded.diagnostics == reference.diagnostics, sourceLocation: sourceLocation)
        // The fast path alone must never accept what the reference refuses.
        // (The size limit is checked before either reader runs.)
        let fast = data.withUnsafeBufferPointer { DesiredStateFastPath.read($0, file: file, limits: limits) }
        if case .state(let state, _) = fast, data.count <= limits.maxBytes {
            #expect(reference.diagnostics.isEmpty, sourceLocation: sourceLocation)
            #expect(state == reference.state, sourceLocation: sourceLocation)
        }
        return loaded.route
    }

    static func fixtureNames() throws -> [String] {
        guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else { return [] }
        return try ["valid", "invalid"].flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
                .filter { $0.hasSuffix(".yaml") }.sorted().map { "\(folder)/\($0)" }
        }
    }

    @Test func everyFixtureLoadsAsTheReferenceLoadsIt() throws {
        let names = try Self.fixtureNames()
        #expect(names.count >= 40)
        for name in names {
            let data = try Fixtures.bytes(name)
            let route = Self.expectSameAsReference(data, file: (name as NSString).lastPathComponent)
            if name == "valid/seats.yaml" {
                #expect(route == .events, "the valid fixture should take the fast path")
            }
            // (A desired-state file given as a catalog is a valid desired-state file.)
            if name.hasPrefix("invalid/") && name != "invalid/catalog-desired-as-catalog.yaml" {
                #expect(route != .events, "\(name) is invalid and must be read the reference way")
            }
        }
    }

    @Test func benchmarkShapedFileTakesTheFastPath() {
        let data = Self.benchmarkShaped(users: 2_000, plans: 50)
        let route = Self.expectSameAsReference(data, file: "bench/seats.yaml")
        #expect(route == .events)
        let state = ConfigLoader.loadDesiredState(data, file: "bench/seats.yaml").state
        #expect(state?.users.count == 2_000)
        #expect(state?.users[100].role == Located(.administrator, at: FileLocation(file: "bench/seats.yaml",
                                                                                   line: 110 + 4 + 3 * 99 + 2, column: 11)))
    }

    /// Which events the fast path read `data` from, or nil when it fell back.
    static func source(_ data: [UInt8]) -> DesiredStateFastPath.Source? {
        let outcome = data.withUnsafeBufferPointer { DesiredStateFastPath.read($0, file: "seats.yaml", limits: .standard) }
        guard case .state(_, let source) = outcome else { return nil }
        return source
    }

    /// A file in the common form is read from `CommonYAMLScanner`'s events; a
    /// valid file outside it (CRLF line ends, a name outside ASCII, an escape)
    /// from libyaml's, with the same result as the reference reader.
    @Test func theCommonFormIsScannedAndTheRestReadThroughLibyaml() {
        let common = Self.benchmarkShaped(users: 40, plans: 5)
        #expect(Self.source(common) == .commonForm)
        let text = String(decoding: common, as: UTF8.self)
        for other in [text.replacingOccurrences(of: "\n", with: "\r\n"),
                      text.replacingOccurrences(of: "name: User 7\n", with: "name: José 7\n"),
                      text.replacingOccurrences(of: "name: User 7\n", with: "name: \"User\\u0020Seven\"\n"),
                      text.replacingOccurrences(of: "timezone: UTC\n", with: "timezone: >-\n  UTC\n")] {
            let data = Array(other.utf8)
            #expect(data != common)
            #expect(Self.source(data) == .libyaml)
            #expect(Self.expectSameAsReference(data) == .events)
        }
        // Invalid in either form: the reference reader reports it.
        let unknownKey = Array(text.replacingOccurrences(of: "prune: false", with: "prune: false\nprunes: true").utf8)
        #expect(Self.source(unknownKey) == nil)
        #expect(Self.expectSameAsReference(unknownKey) != .events)
    }

    /// What `Benchmarks/generate.py` writes, at a test's size.
    static func benchmarkShaped(users: Int, plans: Int) -> [UInt8] {
        var text = "# Generated: \(users) users, \(plans) plans.\naccount: bench\nkind: enterprise\nname: Benchmark Account\n"
            + "emailDomains: [corp.example]\ntimezone: UTC\nprune: false\nplans:\n"
        func planID(_ index: Int) -> String { index < 10 ? "bench-plan-0\(index)" : "bench-plan-\(index)" }
        for plan in 0..<plans { text += "  \(planID(plan)):\n    licenses: 40\n" }
        text += "users:\n"
        for user in 0..<users {
            let first = user % plans
            var second = (user * 7 + 3) % plans
            if second == first { second = (first + 1) % plans }
            let digits = String(user)
            text += "  user\(String(repeating: "0", count: 7 - digits.count))\(digits)@corp.example:\n    name: User \(user)\n"
            if user % 100 == 0 { text += "    role: administrator\n" }
            text += "    plans: [\(planID(first)), \(planID(second))]\n"
        }
        return Array(text.utf8)
    }

    @Test func randomFilesLoadAsTheReferenceLoadsThem() {
        var generator = RandomDesiredFile(seed: 0x5EA7_C7_10)
        var fast = 0, composed = 0
        for _ in 0..<1_000 {
            let (text, limits) = generator.next()
            switch Self.expectSameAsReference(Array(text.utf8), file: "random.yaml", limits: limits) {
            case .events: fast += 1
            case .composed: composed += 1
            }
        }
        // Both readers must have been exercised for the comparison to mean anything.
        #expect(fast >= 300)
        #expect(composed >= 300)
    }

    /// Files where the two readers could most easily part ways.
    static let trickyFiles: [(name: String, text: String, isFast: Bool)] = [
        ("canonically equal emails", "account: a\nkind: enterprise\nusers:\n  jos\u{E9}@x.example:\n  jose\u{301}@x.example:\n", false),
        ("a compatibility character equal to ASCII", "account: a\nkind: enterprise\nusers:\n  a`b@x.example:\n  a\u{1FEF}b@x.example:\n", false),
        ("the same email in other case", "account: a\nkind: enterprise\nusers:\n  Ann@X.example:\n  ann@x.EXAMPLE: {}\n", false),
        ("non-ASCII emails in other case", "account: a\nkind: enterprise\nusers:\n  \u{C9}MILE@x.example:\n  \u{E9}mile@x.example:\n", false),
        ("canonically equal plan items", "account: a\nkind: enterprise\nusers:\n  a@x.example: {plans: [\u{E9}, e\u{301}]}\n", false),
        ("distinct non-ASCII emails", "account: a\nkind: enterprise\nusers:\n  \u{C9}mile@x.example:\n  \u{674E}@x.example: {name: \u{674E}\u{96F7}}\n", true),
        ("a null plan key", "account: a\nkind: enterprise\nplans:\n  null: {licenses: 1}\n", false),
        ("a quoted null plan key", "account: a\nkind: enterprise\nplans:\n  'null': {licenses: 1}\n", true),
        ("numbers and words as names", "account: a\nkind: enterprise\nusers:\n  a@x.example: {name: 12}\n  b@x.example: {name: .NaN}\n  c@x.example: {name: null}\n", true),
        ("quoted auto", "account: a\nkind: enterprise\nplans:\n  p: {licenses: 'auto', headroom: +2}\n", true),
        ("a byte order mark", "\u{FEFF}account: a\nkind: enterprise\nusers: {a@x.example: ~}\n", true),
        ("CRLF and comments", "# c\r\naccount: a # c\r\nkind: enterprise\r\nusers:\r\n  # c\r\n  a@x.example:\r\n    role: manager # c\r\n", true),
        ("an empty second document", "account: a\nkind: enterprise\n---\n", false),
        ("a document end marker", "account: a\nkind: enterprise\n...\n", true),
        ("a tag on the root", "!!map\naccount: a\nkind: enterprise\n", false),
        ("a plain merge key", "account: a\nkind: enterprise\nusers:\n  <<: {}\n", false),
        ("a control character in a double-quoted name", "account: a\nkind: enterprise\nusers:\n  a@x.example: {name: \"a\\x01\"}\n", false),
        ("a name of 256 characters", "account: a\nkind: enterprise\nname: \(String(repeating: "n", count: 256))\n", true),
        ("a name of 257 characters", "account: a\nkind: enterprise\nname: \(String(repeating: "n", count: 257))\n", false),
    ]

    @Test func trickyFilesLoadAsTheReferenceLoadsThem() {
        for file in Self.trickyFiles {
            let route = Self.expectSameAsReference(Array(file.text.utf8))
            #expect((route == .events) == file.isFast, "\(file.name): \(route)")
        }
    }

    @Test func utf16IsLeftToTheComposer() {
        let text = "account: a\nkind: enterprise\n"
        for bom: [UInt8] in [[0xFF, 0xFE], [0xFE, 0xFF]] {
            let units = bom[0] == 0xFF ? text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
                                       : text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
            #expect(Self.expectSameAsReference(bom + units) != .events)
        }
    }

    @Test func limitsAreEnforcedAsTheComposerEnforcesThem() {
        let data = Self.benchmarkShaped(users: 20, plans: 5)
        let composed = data.withUnsafeBufferPointer { YAMLComposer.compose($0, file: "seats.yaml", limits: .standard) }
        guard case .document(let document) = composed else {
            Issue.record("the file does not compose")
            return
        }
        let nodes = document.nodes.count
        for maxNodes in [nodes - 1, nodes, nodes + 1, 10] {
            Self.expectSameAsReference(data, limits: LoaderLimits(maxBytes: 1 << 20, maxDepth: 64, maxNodes: maxNodes))
        }
        #expect(Self.expectSameAsReference(data, limits: LoaderLimits(maxBytes: 1 << 20, maxDepth: 64, maxNodes: nodes))
            == .events)
        for maxDepth in 1...5 {
            let route = Self.expectSameAsReference(data, limits: LoaderLimits(maxBytes: 1 << 20, maxDepth: maxDepth,
                                                                             maxNodes: 1_000))
            // Root, users, a user and its plans: four levels.
            #expect((route == .events) == (maxDepth >= 4))
        }
        let route = Self.expectSameAsReference(data, limits: LoaderLimits(maxBytes: data.count - 1, maxDepth: 64,
                                                                         maxNodes: 1_000))
        #expect(route != .events)
    }

    @Test func schemaKeysKeepTheirOrder() {
        // The order shows in messages ("valid keys are ...") and in `seatctl schema`.
        #expect(DesiredStateReader.topLevelKeys == ["account", "kind", "name", "emailDomains", "blockedDomains",
                                                    "timezone", "prune", "closeAccount", "guards", "plans", "users"])
        #expect(DesiredStateReader.planKeys == ["licenses", "headroom"])
        #expect(DesiredStateReader.userKeys == ["name", "role", "plans", "paused", "external"])
        #expect(DesiredStateReader.guardKeys == ["maxUnassignments", "maxChargeNow"])
    }
}
