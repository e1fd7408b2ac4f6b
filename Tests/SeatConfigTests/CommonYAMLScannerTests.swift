import Foundation
import SeatTestSupport
import Testing
@testable import SeatConfig

/// `CommonYAMLScanner` gives, for every file it reads to the end, exactly the
/// events libyaml gives (`YAMLEventCursor`): kinds, lines, columns, texts and
/// styles. Any file it stops on is read through libyaml by the fast path, so
/// stopping is always safe; reading a file differently never is.
struct CommonYAMLScannerTests {
    static let limits = LoaderLimits(maxBytes: 1 << 24, maxDepth: 64, maxNodes: 1 << 20)

    /// The scanner's events, or nil when it stops.
    static func scanned(_ bytes: [UInt8], limits: LoaderLimits = limits) -> [RecordedEvent]? {
        bytes.withUnsafeBufferPointer { buffer in
            var scanner = CommonYAMLScanner(buffer, limits: limits)
            return scanner.recordAll()
        }
    }

    /// libyaml's events, or nil when the cursor stops.
    static func libyaml(_ bytes: [UInt8], limits: LoaderLimits = limits) -> [RecordedEvent]? {
        bytes.withUnsafeBufferPointer { buffer in
            guard var cursor = try? YAMLEventCursor(buffer, limits: limits) else { return nil }
            return cursor.recordAll()
        }
    }

    /// Expects the scanner to agree with libyaml on `text` whenever it reads
    /// it; returns whether it did.
    @discardableResult
    static func expectAgreement(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
        let bytes = Array(text.utf8)
        guard let scanned = scanned(bytes) else { return false }
        let reference = libyaml(bytes)
        #expect(scanned == reference, "\(text.debugDescription)", sourceLocation: sourceLocation)
        return true
    }

    // MARK: Files

    @Test func theExamplesAndFixturesAreReadAsLibyamlReadsThem() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var files = try FastPathEquivalenceTests.fixtureNames().map { String(decoding: try Fixtures.bytes($0), as: UTF8.self) }
        for example in ["acme/seats.yaml", "solo/seats.yaml", "catalog.yaml"] {
            files.append(try String(contentsOf: root.appendingPathComponent("Examples/\(example)"), encoding: .utf8))
        }
        let read = files.filter { Self.expectAgreement($0) }.count
        // The valid files are in the common form: the scanner is not merely refusing everything.
        #expect(read >= 25, "read \(read) of \(files.count)")
        #expect(Self.scanned(Array(try Fixtures.bytes("valid/seats.yaml"))) != nil)
    }

    @Test func theBenchmarksFileIsReadAsLibyamlReadsIt() {
        let bytes = FastPathEquivalenceTests.benchmarkShaped(users: 300, plans: 20)
        let scanned = Self.scanned(bytes)
        #expect(scanned != nil)
        #expect(scanned == Self.libyaml(bytes))
    }

    @Test func hereIsWhatTheCommonFormCovers() {
        let cases = [
            "a: 1\n", "a: 1", "a:\n", "a:", "a:\nb: 2\n", "a: b c  # note\n", "a: b#c\n", "a: x:y\n",
            "---\na: 1\n", "--- # doc\na: 1\n", "# head\n\na: 1\n  # indented comment\nb:\n", "a: 'x y'\n",
            "a: \"x: y # z\"\n", "a: ''\n", "a: \"\"\n", "a: []\n", "a: {}\n", "a: [x, y z,  w]\n", "a: [ x ]\n",
            "a: {b: c, d: [e, f], g: {h: i}}\n", "a: [[x], {y: z}, 'q', \"r\"]\n", "a: [x,y]\n",
            "a:\n  b: 1\n  c:\n    d: 2\ne: 3\n", "a:\n- x\n- y\nb: 1\n", "a:\n  - x\n  - [y]\nb:\n",
            "a:\n- x\n", "a:\n  b:\n  - x\n  c: 1\n", "a: b\n\n\n", "a: ~\nb: null\nc: yes\n", "a: -\n",
            "user@corp.example:\n  name: Ada Lovelace\n  plans: [p-1, p-2]\n", "a:   spaced   \n", "a: [x]   # c\n",
            "a: 'it''s'\n", "a: \"x\\ny\"\n", "a:\n\tb: 1\n", "a: b\r\n", "a: é\n", "a: &x 1\n", "a: *x\n",
            "a: !t 1\n", "a: |\n  x\n", "a: b\n  c\n", "a: [x,\n  y]\n", "- a\n", "a:\n  - b: 1\n", "? a\n: b\n",
            "a: 1\n---\nb: 2\n", "a: 1\n...\n", "%YAML 1.1\n---\na: 1\n", "", "# only\n", "  a: 1\n",
            "a:\n  b: 1\n c: 2\n", "a: [x, ]\n", "a: {x}\n", "a: {x: }\n", "a: -1\n", "\"a\": 1\n", "a : 1\n",
            // The last line without a line feed: spaces or a comment alone close blocks where they end.
            "a:\n  b:\n    c: 1\n  ", "a:\n  b:\n    c: 1\n      ", "a:\n  b:\n    c: 1\n # x", "a:\n  - x\n ",
            "a:\n  b:\n    c: 1\n", "a:\n  b:\n    c: 1   ",
        ]
        var read = 0
        for text in cases where Self.expectAgreement(text) { read += 1 }
        #expect(read >= 30, "read \(read) of \(cases.count)")
        // What must be read (the common form), and what must be left to libyaml.
        for text in ["a: 1\n", "a:\n- x\nb: 1\n", "a: {b: [c]}\n", "a: 'x'\n", "---\na:\n  b: 2\n"] {
            #expect(Self.scanned(Array(text.utf8)) != nil, "\(text.debugDescription)")
        }
        for text in ["a: 'it''s'\n", "a: \"x\\ny\"\n", "a:\n\tb: 1\n", "a: b\r\n", "a: é\n", "a: &x 1\n",
                     "a: |\n  x\n", "a: b\n  c\n", "a: [x,\n  y]\n", "a:\n  - b: 1\n", "a: 1\n---\nb: 2\n", ""] {
            #expect(Self.scanned(Array(text.utf8)) == nil, "\(text.debugDescription)")
        }
    }

    @Test func theLimitsStopItWhereTheyStopLibyaml() {
        let text = Array("a:\n  b:\n    c: [d, {e: f}]\n".utf8)
        for depth in 1...6 {
            for nodes in [1, 5, 8, 9, 10, 100] {
                let limits = LoaderLimits(maxBytes: 1 << 20, maxDepth: depth, maxNodes: nodes)
                let scanned = Self.scanned(text, limits: limits)
                #expect((scanned != nil) == (Self.libyaml(text, limits: limits) != nil), "depth \(depth), nodes \(nodes)")
                if scanned != nil { #expect(depth >= 4 && nodes >= 9) }
            }
        }
    }

    // MARK: Generated files

    /// A random file in the common form.
    struct Generator {
        var random: SplitMix64
        var lines: [String] = []

        static let words = ["a", "bc", "user0001@corp.example", "plan-07", "12", "0.5", "true", "~", "null", "x_y",
                            "Ada Lovelace", "v/1+2", "."]
        static let blockOnly = ["a, b", "x[1]", "y{z}", "it's", "say \"hi\"", "a:b", "50%", "q?", "r!", "a-", "x#y"]
        static let quotable = ["a, b", "x[1]", "50%", "#x", "q?", "- z", "k: v"]

        mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items.randomElement(using: &random)! }

        mutating func padding() -> String {
            (chance(20) ? " " + String(repeating: " ", count: Int.random(in: 0...2, using: &random)) : "")
                + (chance(15) ? " # " + pick(Self.words) : "")
        }

        mutating func filler(_ indent: Int) {
            if chance(8) { lines.append("") }
            if chance(8) { lines.append(String(repeating: " ", count: Int.random(in: 0...indent + 2, using: &random)) + "# note: [x]") }
        }

        mutating func flow(_ depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 2 ? 2 : 5), using: &random) {
            case 0: return pick(Self.words)
            case 1: return chance(50) ? "'\(pick(Self.words))'" : "\"\(pick(Self.words)) \(pick(Self.quotable))\""
            case 2, 3:
                let items = (0..<Int.random(in: 0...3, using: &random)).map { _ in flow(depth + 1) }
                return "[" + items.joined(separator: chance(30) ? "," : ", ") + "]"
            default:
                let items = (0..<Int.random(in: 0...3, using: &random)).map { _ in "\(pick(Self.words)): \(flow(depth + 1))" }
                return chance(20) ? "{ " + items.joined(separator: ", ") + " }" : "{" + items.joined(separator: ", ") + "}"
            }
        }

        mutating func inline(_ depth: Int) -> String {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return pick(Self.words)
            case 1: return pick(Self.blockOnly)
            default: return flow(depth)
            }
        }

        mutating func mapping(_ indent: Int, _ depth: Int) {
            let pad = String(repeating: " ", count: indent)
            for index in 0..<Int.random(in: 1...4, using: &random) {
                filler(indent)
                let key = pick(Self.words) + "\(index)"
                switch Int.random(in: 0..<(depth >= 3 ? 3 : 6), using: &random) {
                case 0, 1: lines.append("\(pad)\(key): \(inline(depth))\(padding())")
                case 2: lines.append("\(pad)\(key):\(padding())")
                case 3, 4:
                    lines.append("\(pad)\(key):\(padding())")
                    mapping(indent + pick([1, 2, 4]), depth + 1)
                default:
                    lines.append("\(pad)\(key):\(padding())")
                    let entry = chance(40) ? indent : indent + pick([1, 2])
                    for _ in 0..<Int.random(in: 1...3, using: &random) {
                        filler(entry)
                        lines.append(String(repeating: " ", count: entry) + "- " + inline(depth) + padding())
                    }
                }
            }
        }

        mutating func file() -> String {
            lines = chance(20) ? ["---"] : []
            if chance(20) { lines.insert("# a file", at: 0) }
            mapping(0, 0)
            // Some files end without a line feed, some of those on spaces or a comment.
            let end = chance(80) ? "\n" : pick(["", "\n" + String(repeating: " ", count: Int.random(in: 1...6, using: &random)),
                                               "\n  # end"])
            return lines.joined(separator: "\n") + end
        }
    }

    @Test(arguments: 0..<4)
    func generatedFilesAreReadAsLibyamlReadsThem(batch: Int) {
        var generator = Generator(random: SplitMix64(seed: UInt64(batch) &* 7_919 &+ 11))
        for _ in 0..<500 {
            let text = generator.file()
            // Every generated file is in the common form.
            #expect(Self.expectAgreement(text), "\(text.debugDescription)")
        }
    }

    /// Files one to three edits away from the common form, with the
    /// characters that change YAML's meaning: whatever the scanner still
    /// reads, it reads as libyaml does.
    @Test(arguments: 0..<4)
    func editedFilesAreReadAsLibyamlReadsThemOrLeftToIt(batch: Int) {
        var generator = Generator(random: SplitMix64(seed: UInt64(batch) &* 104_729 &+ 5))
        let alphabet: [[UInt8]] = [" ", "  ", "\n", ":", ": ", "-", "- ", "#", " #", "[", "]", "{", "}", ",", "\"",
                                   "'", "\t", "a", "&", "*", "!", "|", ">", "?", "%", "@", "`", "\\", "~", ".", "\r",
                                   "é", "---", "...", "\n  ", "\n- ", "\u{0}"].map { Array($0.utf8) }
        var read = 0, total = 0
        for _ in 0..<600 {
            var bytes = Array(generator.file().utf8)
            for _ in 0..<Int.random(in: 1...3, using: &generator.random) {
                let at = Int.random(in: 0...bytes.count, using: &generator.random)
                switch Int.random(in: 0..<3, using: &generator.random) {
                case 0: bytes.insert(contentsOf: generator.pick(alphabet), at: at)
                case 1: if at < bytes.count { bytes.remove(at: at) }
                default: if at < bytes.count { bytes[at] = generator.pick(alphabet)[0] }
                }
            }
            total += 1
            if let scanned = Self.scanned(bytes) {
                read += 1
                #expect(scanned == Self.libyaml(bytes), "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
        }
        // Many edits keep a file in the common form; the comparison is not vacuous.
        #expect(read > total / 5, "read \(read) of \(total)")
    }
}
