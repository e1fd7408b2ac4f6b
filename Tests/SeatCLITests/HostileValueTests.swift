import Foundation
import Testing

/// Values the loader accepts must reach the ledger exactly as written, and
/// values that reach the ledger some other way (an older seatctl, a portal
/// operation, a hand edit) must never reach a terminal raw.
@Suite struct HostileValueTests {
    static let now = HostileInputTests.now

    /// Names full of SQL metacharacters round-trip byte for byte: every value
    /// is a bound parameter, never spliced into SQL.
    @Test func sqlMetacharactersRoundTripExactly() throws {
        let names = [
            "Robert'); DROP TABLE users;--",
            "x' OR '1'='1",
            "semi; colon -- and /* comment */",
            "back\\slash %percent _under",
            "\"double\" `tick` [bracket]",
        ]
        var text = HostileInputTests.initial
        for (index, name) in names.enumerated() {
            let quoted = "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            text += "  o'brien\(index)@hostile.example:\n    name: \(quoted)\n"
        }
        let seatctl = try SeatctlRunner()
        try seatctl.write("seats.yaml", text)
        let apply = try seatctl.run(["apply", "--auto-approve", "seats.yaml", "--now", Self.now])
        try #require(apply.status == 0, "\(apply.stderr)")

        let dump = try LedgerDump(path: seatctl.directory.appendingPathComponent("State/ledger.sqlite").path)
        #expect(dump.tables.keys.contains("users"))
        #expect(dump.tables["users"]?.count == 1 + names.count)
        let stored = try SQLiteShell.run(seatctl.directory.appendingPathComponent("State/ledger.sqlite").path,
                                         "SELECT email || '|' || name FROM users WHERE email LIKE 'o''brien%' ORDER BY email")
        #expect(stored == names.enumerated().map { "o'brien\($0.offset)@hostile.example|\($0.element)" })
        // And planning the same file again finds nothing to change.
        let again = try seatctl.run(["plan", "seats.yaml", "--detailed-exitcode", "--now", Self.now])
        #expect(again.status == 0, "\(again.stdout)")
    }

    /// A UTF-8 byte order mark is accepted, and changes nothing: the file
    /// plans exactly as it does without one.
    @Test func utf8ByteOrderMarkIsAcceptedAndIgnored() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("plain.yaml", HostileInputTests.initial)
        try Data([0xEF, 0xBB, 0xBF] + Array(HostileInputTests.initial.utf8)).write(to: seatctl.directory.appendingPathComponent("bom.yaml"))
        for format in ["text", "json"] {
            let plain = try seatctl.run(["plan", "plain.yaml", "--format", format, "--now", Self.now])
            let bom = try seatctl.run(["plan", "bom.yaml", "--format", format, "--now", Self.now])
            #expect(plain.status == 0 && bom.status == 0)
            #expect(bom.stdout == plain.stdout)
        }
        let apply = try seatctl.run(["apply", "--auto-approve", "bom.yaml", "--now", Self.now])
        #expect(apply.status == 0, "\(apply.stderr)")
        #expect(try seatctl.run(["plan", "plain.yaml", "--detailed-exitcode", "--now", Self.now]).status == 0)
    }

    /// Terminal escapes and control characters in the file are refused,
    /// with the offending value shown escaped.
    @Test func controlCharactersInNamesAndEmailsAreRefusedAndShownEscaped() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("seats.yaml", HostileInputTests.initial)
        try #require(try seatctl.run(["apply", "--auto-approve", "seats.yaml", "--now", Self.now]).status == 0)
        let before = try seatctl.stateBytes()
        try seatctl.write("bad.yaml", """
            account: hostile
            kind: enterprise
            name: "Acme\\e]0;owned\\a"
            users:
              ann@hostile.example:
                role: administrator
                name: "Ann\\e[2J\\e[31mRed"
                plans: [time-monthly]
              "bob\\e[8m@hostile.example": {}
              carol@hostile.example:
                name: "Carol\\u202Eloc.exe"
              dave@hostile.example:
                name: "Line one\\nLine two"

            """)
        for format in ["text", "json"] {
            let result = try seatctl.run(["apply", "--auto-approve", "bad.yaml", "--format", format, "--now", Self.now])
            #expect(result.status == 1)
            Self.expectNoRawControls(result)
            if format == "text" {
                #expect(result.stdout == "")
                #expect(result.stderr == """
                    bad.yaml:3:7: error: name "Acme\\u{1B}]0;owned\\u{7}" contains the control or invisible character U+001B [invalid_value]
                        3 | name: "Acme\\e]0;owned\\a"
                          |       ^
                       hint: a name is one line of at most 256 characters, without control or invisible characters
                    bad.yaml:7:11: error: name "Ann\\u{1B}[2J\\u{1B}[31mRed" contains the control or invisible character U+001B [invalid_value]
                        7 |     name: "Ann\\e[2J\\e[31mRed"
                          |           ^
                       hint: a name is one line of at most 256 characters, without control or invisible characters
                    bad.yaml:9:3: error: "bob\\u{1B}[8m@hostile.example" is not a valid email address: it contains the control or invisible character U+001B [invalid_value]
                        9 |   "bob\\e[8m@hostile.example": {}
                          |   ^
                       hint: write it as local@domain, e.g. alice@acme.com
                    bad.yaml:11:11: error: name "Carol\\u{202E}loc.exe" contains the control or invisible character U+202E [invalid_value]
                       11 |     name: "Carol\\u202Eloc.exe"
                          |           ^
                       hint: a name is one line of at most 256 characters, without control or invisible characters
                    bad.yaml:13:11: error: name "Line one\\u{A}Line two" contains the control or invisible character U+000A [invalid_value]
                       13 |     name: "Line one\\nLine two"
                          |           ^
                       hint: a name is one line of at most 256 characters, without control or invisible characters

                    """)
            }
        }
        #expect(try seatctl.stateBytes() == before)
    }

    /// Names and emails that reached the ledger with terminal escapes in them
    /// (written here straight into the file) come out escaped in every
    /// command and every format.
    @Test func controlCharactersAlreadyInTheLedgerNeverReachTheTerminalRaw() throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("seats.yaml", HostileInputTests.initial + "  bob@hostile.example:\n    plans: [time-monthly]\n")
        try #require(try seatctl.run(["apply", "--auto-approve", "seats.yaml", "--now", Self.now]).status == 0)
        let ledger = seatctl.directory.appendingPathComponent("State/ledger.sqlite").path
        let evilName = "'Evil' || char(27) || '[2J' || char(27) || ']0;title' || char(7) || char(155) || '31m' || char(8238)"
        let evilEmail = "'mallory' || char(27) || '[8m@hostile.example'"
        try SQLiteShell.run(ledger, """
            UPDATE users SET name = \(evilName) WHERE email = 'ann@hostile.example';
            UPDATE users SET email = \(evilEmail) WHERE email = 'bob@hostile.example';
            UPDATE licenses SET assigned_to = \(evilEmail) WHERE assigned_to = 'bob@hostile.example';
            UPDATE journal SET subject = \(evilEmail), actor = \(evilName) WHERE subject = 'bob@hostile.example';
            """)
        var outputs: [SeatctlRunner.Result] = []
        for format in ["text", "json"] {
            for command in [["plan", "seats.yaml"], ["status"], ["history"], ["apply", "--auto-approve", "seats.yaml"]] {
                let result = try seatctl.run(command + ["--format", format, "--now", Self.now])
                outputs.append(result)
                Self.expectNoRawControls(result, "\(command) --format \(format)")
            }
        }
        // The escaped forms are there: the values were shown, not dropped.
        let everything = outputs.map { $0.stdout + $0.stderr }.joined()
        #expect(everything.contains("mallory\\u{1B}[8m@hostile.example") || everything.contains("mallory\\u001b[8m@hostile.example"))
        #expect(everything.contains("Evil\\u{1B}[2J") || everything.contains("Evil\\u001b[2J"))
        let markdown = try seatctl.run(["plan", "seats.yaml", "--format", "markdown", "--now", Self.now])
        #expect(markdown.status == 0, "\(markdown.stderr)")
        Self.expectNoRawControls(markdown, "markdown")
        // Escaped for the terminal, then for Markdown: GitHub shows `mallory\u{1B}[8m@hostile.example`.
        #expect(markdown.stdout.contains(#"mallory\\u\{1B\}\[8m\@hostile.example"#), "\(markdown.stdout)")
    }

    static func expectNoRawControls(_ result: SeatctlRunner.Result, _ context: String = "",
                                    sourceLocation: SourceLocation = #_sourceLocation) {
        for (stream, text) in [("stdout", result.stdout), ("stderr", result.stderr)] {
            let raw = text.unicodeScalars.filter { $0 != "\n" && (($0.value < 0x20) || (0x7F...0x9F).contains($0.value)
                || (0x202A...0x202E).contains($0.value) || (0x2066...0x2069).contains($0.value)) }
            #expect(raw.isEmpty, "\(context) \(stream) carries raw \(raw.map { String($0.value, radix: 16) })",
                    sourceLocation: sourceLocation)
        }
    }
}
