import SeatCore
import Testing
@testable import SeatConfig

struct DiagnosticRendererTests {
    private func source(lines count: Int, line: Int, text: String) -> [UInt8] {
        var all = Array(repeating: "x: 1", count: count)
        all[line - 1] = text
        return bytes(all.joined(separator: "\n") + "\n")
    }

    @Test func rendersLikeACompiler() {
        let file = source(lines: 14, line: 12, text: "    licenses: 2")
        let diagnostic = Diagnostic.error(.assignedLicense,
                                          "plan \"full-suite-monthly\" declares 2 licenses but 3 users in this file hold it",
                                          at: FileLocation(file: "seats.yaml", line: 12, column: 15),
                                          hint: "raise licenses to 3, or write `licenses: auto`")
        let output = DiagnosticRenderer(sources: ["seats.yaml": file], color: false).render(diagnostic)
        #expect(output == #"""
            seats.yaml:12:15: error: plan "full-suite-monthly" declares 2 licenses but 3 users in this file hold it [assigned_license]
               12 |     licenses: 2
                  |               ^
               hint: raise licenses to 3, or write `licenses: auto`
            """#)
    }

    @Test func withoutLocationOrSourceOnlyTheHeaderAndHint() {
        let renderer = DiagnosticRenderer(sources: [:], color: false)
        #expect(renderer.render(Diagnostic.error(.largeChange, "too many")) == "error: too many [large_change]")
        let elsewhere = Diagnostic.warning(.unmanagedUser, "bob is not in the file",
                                           at: FileLocation(file: "other.yaml", line: 3, column: 1), hint: "add him")
        #expect(renderer.render(elsewhere) == "other.yaml:3:1: warning: bob is not in the file [unmanaged_user]\n   hint: add him")
    }

    @Test func lineBeyondTheFileOrEmptyShowsNoSnippet() {
        let renderer = DiagnosticRenderer(sources: ["s.yaml": bytes("a: 1\n\nb: 2\n")], color: false)
        #expect(renderer.render(Diagnostic.error(.yamlSyntax, "m", at: FileLocation(file: "s.yaml", line: 9, column: 1)))
            == "s.yaml:9:1: error: m [yaml_syntax]")
        #expect(renderer.render(Diagnostic.error(.yamlSyntax, "m", at: FileLocation(file: "s.yaml", line: 2, column: 1)))
            == "s.yaml:2:1: error: m [yaml_syntax]")
    }

    @Test func colorMarksSeverityAndMessage() {
        let renderer = DiagnosticRenderer(sources: [:], color: true)
        #expect(renderer.render(Diagnostic.error(.largeChange, "too many"))
            == "\u{1B}[1;31merror\u{1B}[0m: \u{1B}[1mtoo many\u{1B}[0m [large_change]")
        #expect(renderer.render(Diagnostic.warning(.licenseExpired, "expired"))
            == "\u{1B}[33mwarning\u{1B}[0m: \u{1B}[1mexpired\u{1B}[0m [license_expired]")
    }

    @Test func severalDiagnosticsAreSeparatedByNewlines() {
        let renderer = DiagnosticRenderer(sources: [:], color: false)
        let output = renderer.render([Diagnostic.error(.largeChange, "one"), Diagnostic.warning(.unmanagedUser, "two")])
        #expect(output == "error: one [large_change]\nwarning: two [unmanaged_user]")
    }

    @Test func gutterWidensForLongFiles() {
        let file = bytes(String(repeating: "\n", count: 123_455) + "key: value\n")
        let output = DiagnosticRenderer(sources: ["s.yaml": file], color: false)
            .render(Diagnostic.error(.unknownKey, "m", at: FileLocation(file: "s.yaml", line: 123_456, column: 6)))
        #expect(output == "s.yaml:123456:6: error: m [unknown_key]\n123456 | key: value\n       |      ^")
    }

    @Test func tabsAreExpandedConsistentlyWithTheCaret() {
        let file = bytes("a:\n\tb: 1\n")
        let output = DiagnosticRenderer(sources: ["s.yaml": file], color: false)
            .render(Diagnostic.error(.yamlSyntax, "m", at: FileLocation(file: "s.yaml", line: 2, column: 2)))
        #expect(output == "s.yaml:2:2: error: m [yaml_syntax]\n    2 |     b: 1\n      |     ^")
    }

    @Test func columnsCountUnicodeScalars() {
        let file = bytes("name: \"Zoë Ünïcode\" x\n")
        let output = DiagnosticRenderer(sources: ["s.yaml": file], color: false)
            .render(Diagnostic.error(.yamlSyntax, "m", at: FileLocation(file: "s.yaml", line: 1, column: 21)))
        #expect(output == "s.yaml:1:21: error: m [yaml_syntax]\n    1 | name: \"Zoë Ünïcode\" x\n      |                     ^")
    }

    @Test func caretPastTheEndOfTheLine() {
        let output = DiagnosticRenderer(sources: ["s.yaml": bytes("key:\n")], color: false)
            .render(Diagnostic.error(.yamlSyntax, "m", at: FileLocation(file: "s.yaml", line: 1, column: 6)))
        #expect(output == "s.yaml:1:6: error: m [yaml_syntax]\n    1 | key:\n      |      ^")
    }

    @Test func longLinesAreCutAroundTheColumn() throws {
        let line = (0..<500).map { String(UnicodeScalar(UInt8(ascii: "a") + UInt8($0 % 26))) }.joined()
        let renderer = DiagnosticRenderer(sources: ["s.yaml": bytes(line + "\n" + line)], color: false)
        for (lineNumber, column) in [(1, 300), (1, 2), (1, 499), (2, 300)] {
            let output = renderer.render(Diagnostic.error(.yamlSyntax, "m",
                                                          at: FileLocation(file: "s.yaml", line: lineNumber, column: column)))
            let parts = output.split(separator: "\n").map(String.init)
            #expect(parts.count == 3)
            let shown = Array(parts[1].dropFirst(8))      // after "    1 | "
            let caret = try #require(Array(parts[2].dropFirst(8)).firstIndex(of: "^"))
            #expect(shown.count <= DiagnosticRenderer.maxLineWidth + 2)
            let expected = Array(line)[column - 1]
            #expect(shown[caret] == expected)
            #expect((shown.first == "…") == (column > 100))
            #expect((shown.last == "…") == (column < 420))
        }
    }

    @Test func manyCaretsOnOneLongLine() throws {
        // A users mapping in flow style: every problem is on line 1.
        let line = "{" + (0..<2_000).map { "u\($0)@x: {}" }.joined(separator: ", ") + "}"
        let columns = [2, 5_000, 19_000, 3]
        let locations = columns.map { FileLocation(file: "s.yaml", line: 1, column: $0) }
        let output = DiagnosticRenderer(sources: ["s.yaml": bytes(line)], color: false)
            .render(locations.map { Diagnostic.error(.invalidValue, "m", at: $0) })
        let parts = output.split(separator: "\n").map(String.init)
        #expect(parts.count == 12)
        for (index, column) in columns.enumerated() {
            let shown = Array(parts[index * 3 + 1].dropFirst(8))
            let caret = try #require(Array(parts[index * 3 + 2].dropFirst(8)).firstIndex(of: "^"))
            #expect(shown[caret] == Array(line)[column - 1])
        }
    }

    @Test func userTextIsSanitized() {
        let renderer = DiagnosticRenderer(sources: ["bad\u{1B}]0;x\u{7}.yaml": bytes("name: a\u{1B}[31mb\n")], color: false)
        let diagnostic = Diagnostic.error(.invalidValue, "name \"\u{1B}[31mEvil\u{202E}\" is bad",
                                          at: FileLocation(file: "bad\u{1B}]0;x\u{7}.yaml", line: 1, column: 9),
                                          hint: "rename \u{9B}2J")
        let output = renderer.render(diagnostic)
        #expect(output == #"""
            bad\u{1B}]0;x\u{7}.yaml:1:9: error: name "\u{1B}[31mEvil\u{202E}" is bad [invalid_value]
                1 | name: a\u{1B}[31mb
                  |              ^
               hint: rename \u{9B}2J
            """#)
        #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" || $0 == "\u{9B}" || $0 == "\u{202E}" })
    }

    @Test func escapedNameFromAFileIsRenderedEscaped() throws {
        // A double-quoted "\e" puts a real ESC into the value; the message shows it escaped.
        let text = "account: acme\nkind: enterprise\nusers:\n  a@acme.com:\n    role: \"\\e[31madmin\"\n"
        let (_, diagnostics) = ConfigLoader.loadDesiredState(bytes(text), file: "s.yaml")
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostic.message == "unknown role \"\u{1B}[31madmin\"")
        let output = DiagnosticRenderer(sources: ["s.yaml": bytes(text)], color: true).render(diagnostic)
        #expect(output.contains("unknown role \"\\u{1B}[31madmin\""))
        #expect(output.unicodeScalars.filter { $0 == "\u{1B}" }.count == 4)   // only our own colour codes
    }

    @Test func rawControlCharacterInTheFileIsShownEscaped() throws {
        let text = bytes("account: acme\nname: a") + [0x1B] + bytes("[2Jb\n")
        let (_, diagnostics) = ConfigLoader.loadDesiredState(text, file: "s.yaml")
        let output = DiagnosticRenderer(sources: ["s.yaml": text], color: false).render(diagnostics)
        #expect(output == #"""
            s.yaml:2:8: error: the file contains the control character U+001B [yaml_syntax]
                2 | name: a\u{1B}[2Jb
                  |        ^
               hint: remove it; in a double-quoted string it can be written as \u001B
            """#)
    }
}

struct TerminalSanitizerTests {
    @Test(arguments: [
        ("plain text", "plain text"),
        ("Zoë 日本 🙂", "Zoë 日本 🙂"),
        ("\u{1B}[31mred", "\\u{1B}[31mred"),
        ("a\u{0}b", "a\\u{0}b"),
        ("tab\there\nnew", "tab\\u{9}here\\u{A}new"),
        ("del\u{7F}", "del\\u{7F}"),
        ("csi\u{9B}31m", "csi\\u{9B}31m"),
        ("\u{202E}txt.exe", "\\u{202E}txt.exe"),
        ("\u{2066}iso\u{2069}", "\\u{2066}iso\\u{2069}"),
        ("rlm\u{200F}", "rlm\\u{200F}"),
        ("line\u{2028}sep", "line\\u{2028}sep"),
    ])
    func escapes(_ input: String, _ expected: String) {
        #expect(sanitizedForTerminal(input) == expected)
    }
}
