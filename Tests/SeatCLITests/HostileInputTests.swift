import Foundation
import Testing

/// The catalogue of bad input, through the real binary: each file is given
/// to `seatctl apply --auto-approve` against a ledger that already holds an
/// account, and must be refused with exactly the message below, exit 1,
/// nothing on standard output, and every byte of the ledger (with its
/// `-wal`/`-shm` companions) as it was.
@Suite struct HostileInputTests {
    static let now = "2026-11-22T09:00:00Z"

    /// The ledger every case starts from.
    static let initial = """
        account: hostile
        kind: enterprise
        emailDomains: [hostile.example]
        plans:
          time-monthly:
            licenses: 3
        users:
          ann@hostile.example:
            role: administrator
            plans: [time-monthly]

        """

    enum Content: Sendable {
        case text(String)
        case bytes([UInt8])
        /// A sparse file of this many bytes: costs no disk, and must be
        /// refused from its size alone.
        case sparse(Int)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var content: Content
        /// The command, with BAD standing for the file.
        var command: [String] = ["apply", "--auto-approve", "BAD"]
        var stderr: String

        var testDescription: String { name }
        var file: String { name + ".yaml" }
    }

    static func billionLaughs() -> String {
        var text = "account: hostile\nkind: enterprise\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        var previous = "a"
        for level in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            text += "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = level
        }
        return text
    }

    static let cases: [Case] = [
        Case(name: "alias-bomb", content: .text(billionLaughs()), stderr: """
            alias-bomb.yaml:10:8: error: aliases expand the file to more than 16000000 values [input_limit]
               10 | h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
                  |        ^
               hint: an alias may repeat a value, not multiply the file; write the values out

            """),
        Case(name: "nesting-100000-flow", content: .text("account: hostile\nkind: enterprise\nname: " + String(repeating: "[", count: 100_000) + "\n"), stderr: """
            nesting-100000-flow.yaml:3:8: error: the file nests more than 64 levels deep [input_limit]
                3 | name: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[…
                  |        ^
               hint: seatctl files need only a few levels; look for unbalanced brackets or runaway indentation

            """),
        // Block sequences nested on one line: "- - - … x".
        Case(name: "nesting-100000-block", content: .text("account: hostile\nkind: enterprise\nname:\n  "
            + String(repeating: "- ", count: 100_000) + "x\n"), stderr: """
            nesting-100000-block.yaml:4:129: error: the file nests more than 64 levels deep [input_limit]
                4 | …- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - …
                  |                                                                                  ^
               hint: seatctl files need only a few levels; look for unbalanced brackets or runaway indentation

            """),
        Case(name: "over-size-limit", content: .sparse(256 << 20 + 1), stderr: """
            error: "over-size-limit.yaml" is 268435457 bytes, more than the limit of 268435456 bytes [input_limit]
               hint: a desired-state or catalog file is far smaller; check that this is the right file

            """),
        Case(name: "invalid-utf8", content: .bytes(Array("account: hostile\nkind: enterprise\nname: Acme ".utf8) + [0xC3, 0x28] + Array(" Ltd\n".utf8)), stderr: """
            invalid-utf8.yaml:3:13: error: the file is not valid UTF-8: byte 0x28 cannot continue a UTF-8 character [yaml_syntax]
                3 | name: Acme �( Ltd
                  |             ^
               hint: save the file as UTF-8

            """),
        Case(name: "utf16-bom", content: .bytes([0xFF, 0xFE] + Array("account: hostile\n".utf8).flatMap { [$0, 0] }), stderr: """
            utf16-bom.yaml:1:1: error: the file is UTF-16; seatctl reads UTF-8 [yaml_syntax]
                1 | ��a\\u{0}c\\u{0}c\\u{0}o\\u{0}u\\u{0}n\\u{0}t\\u{0}:\\u{0} \\u{0}h\\u{0}o\\u{0}s\\u{0}t\\u{0}i\\u{0}l\\u{0}e\\u{0}
                  | ^
               hint: save the file as UTF-8

            """),
        Case(name: "tabs", content: .text("account: hostile\nkind: enterprise\nusers:\n  ann@hostile.example:\n\trole: administrator\n"), stderr: """
            tabs.yaml:5:1: error: a tab character is used for indentation; YAML indents with spaces only [yaml_syntax]
                5 |     role: administrator
                  | ^
               hint: replace the tab with spaces

            """),
        Case(name: "duplicate-keys", content: .text(initial + "kind: self-employed\nusers: {}\n"), stderr: """
            duplicate-keys.yaml:11:1: error: duplicate key "kind" (first at line 2) [duplicate_key]
               11 | kind: self-employed
                  | ^
               hint: remove one of them
            duplicate-keys.yaml:12:1: error: duplicate key "users" (first at line 7) [duplicate_key]
               12 | users: {}
                  | ^
               hint: remove one of them

            """),
        Case(name: "non-scalar-keys", content: .text("account: hostile\nkind: enterprise\n? [a, b]\n: c\n{x: 1}: d\n"), stderr: """
            non-scalar-keys.yaml:3:3: error: a key must be a plain value, not a list [invalid_value]
                3 | ? [a, b]
                  |   ^
               hint: write the key as a plain name, e.g. "name: value"
            non-scalar-keys.yaml:5:1: error: a key must be a plain value, not a mapping [invalid_value]
                5 | {x: 1}: d
                  | ^
               hint: write the key as a plain name, e.g. "name: value"

            """),
        Case(name: "count-too-large", content: .text(initial.replacingOccurrences(of: "licenses: 3", with: "licenses: 99999999999999999999999")), stderr: """
            count-too-large.yaml:6:15: error: licenses must be between 0 and 1000000, not 99999999999999999999999 [invalid_value]
                6 |     licenses: 99999999999999999999999
                  |               ^

            """),
        Case(name: "count-int64-overflow", content: .text(initial.replacingOccurrences(of: "licenses: 3", with: "licenses: 9223372036854775808")), stderr: """
            count-int64-overflow.yaml:6:15: error: licenses must be between 0 and 1000000, not 9223372036854775808 [invalid_value]
                6 |     licenses: 9223372036854775808
                  |               ^

            """),
        Case(name: "count-negative", content: .text(initial.replacingOccurrences(of: "licenses: 3", with: "licenses: -1")), stderr: """
            count-negative.yaml:6:15: error: licenses must be 0 or more, not -1 [invalid_value]
                6 |     licenses: -1
                  |               ^

            """),
        Case(name: "count-fractional", content: .text(initial.replacingOccurrences(of: "licenses: 3", with: "licenses: 2.5")), stderr: """
            count-fractional.yaml:6:15: error: licenses must be a whole number, not 2.5 [invalid_value]
                6 |     licenses: 2.5
                  |               ^
               hint: counts are whole numbers

            """),
        Case(name: "count-hex-and-exponent", content: .text(initial.replacingOccurrences(of: "licenses: 3", with: "licenses: 0x10\n    headroom: 1e3")), stderr: """
            count-hex-and-exponent.yaml:6:15: error: licenses must be a whole number or auto, not the string "0x10" [wrong_type]
                6 |     licenses: 0x10
                  |               ^
            count-hex-and-exponent.yaml:7:15: error: headroom must be a whole number, not 1e3 [invalid_value]
                7 |     headroom: 1e3
                  |               ^
               hint: counts are whole numbers

            """),
        Case(name: "email-tricks", content: .text("""
            account: hostile
            kind: enterprise
            users:
              "ann @hostile.example": {}
              "ann@": {}
              "@hostile.example": {}
              "ann@hostile": {}
              "ann@h\u{43E}stile.example": {}
              "ann@bücher.example": {}
              "ann@hostile.example.": {}
              "\\"ann\\"@hostile.example": {}
              "ann..lee@hostile.example": {}
              ".ann@hostile.example": {}
              "ann.@hostile.example": {}
              "ann<script>@hostile.example": {}
              "ann@-hostile.example": {}
              "ann@hostile_corp.example": {}
              "ann\u{200B}@hostile.example": {}
              "ann\u{FF20}hostile.example": {}

            """), stderr: """
            email-tricks.yaml:4:3: error: "ann @hostile.example" is not a valid email address: it contains whitespace [invalid_value]
                4 |   "ann @hostile.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:5:3: error: "ann@" is not a valid email address: no domain comes after the "@" [invalid_value]
                5 |   "ann@": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:6:3: error: "@hostile.example" is not a valid email address: nothing comes before the "@" [invalid_value]
                6 |   "@hostile.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:7:3: error: "ann@hostile" is not a valid email address: the domain "hostile" has no dot [invalid_value]
                7 |   "ann@hostile": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:8:3: error: "ann@hоstile.example" is not a valid email address: the domain "hоstile.example" contains "о" (U+043E), which is not an ASCII letter, digit or hyphen; write an internationalized domain in its "xn--" form [invalid_value]
                8 |   "ann@hоstile.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:9:3: error: "ann@bücher.example" is not a valid email address: the domain "bücher.example" contains "ü" (U+00FC), which is not an ASCII letter, digit or hyphen; write an internationalized domain in its "xn--" form [invalid_value]
                9 |   "ann@bücher.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:10:3: error: "ann@hostile.example." is not a valid email address: the domain "hostile.example." ends with a dot [invalid_value]
               10 |   "ann@hostile.example.": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:11:3: error: ""ann"@hostile.example" is not a valid email address: quoted local parts ("…"@domain) are not supported [invalid_value]
               11 |   "\\"ann\\"@hostile.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:12:3: error: "ann..lee@hostile.example" is not a valid email address: the part before the "@" has two dots in a row [invalid_value]
               12 |   "ann..lee@hostile.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:13:3: error: ".ann@hostile.example" is not a valid email address: the part before the "@" starts with a dot [invalid_value]
               13 |   ".ann@hostile.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:14:3: error: "ann.@hostile.example" is not a valid email address: the part before the "@" ends with a dot [invalid_value]
               14 |   "ann.@hostile.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:15:3: error: "ann<script>@hostile.example" is not a valid email address: the part before the "@" contains "<", which an address may not hold [invalid_value]
               15 |   "ann<script>@hostile.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:16:3: error: "ann@-hostile.example" is not a valid email address: a label of the domain "-hostile.example" starts or ends with a hyphen [invalid_value]
               16 |   "ann@-hostile.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:17:3: error: "ann@hostile_corp.example" is not a valid email address: the domain "hostile_corp.example" contains "_", which a domain may not hold [invalid_value]
               17 |   "ann@hostile_corp.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:18:3: error: "ann\\u{200B}@hostile.example" is not a valid email address: it contains the control or invisible character U+200B [invalid_value]
               18 |   "ann\\u{200B}@hostile.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            email-tricks.yaml:19:3: error: "ann＠hostile.example" is not a valid email address: it has no "@" [invalid_value]
               19 |   "ann＠hostile.example": {}
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com

            """),
        Case(name: "very-long-strings", content: .text("""
            account: \(String(repeating: "a", count: 10_000))
            kind: enterprise
            name: \(String(repeating: "N", count: 100_000))
            users:
              \(String(repeating: "u", count: 300))@hostile.example:
                name: \(String(repeating: "x", count: 100_000))

            """), stderr: """
            very-long-strings.yaml:1:10: error: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…" is not a valid account slug [invalid_value]
                1 | account: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…
                  |          ^
               hint: an account slug uses lowercase letters, digits and hyphens, starts with a letter or digit, and has at most 63 characters
            very-long-strings.yaml:3:7: error: name "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN…" is 100000 characters long, more than 256 [invalid_value]
                3 | name: NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN…
                  |       ^
               hint: a name is one line of at most 256 characters, without control or invisible characters
            very-long-strings.yaml:5:3: error: "uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu…" is not a valid email address: the part before the "@" is longer than 64 characters [invalid_value]
                5 |   uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu…
                  |   ^
               hint: write it as local@domain, e.g. alice@acme.com
            very-long-strings.yaml:6:11: error: name "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…" is 100000 characters long, more than 256 [invalid_value]
                6 |     name: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…
                  |           ^
               hint: a name is one line of at most 256 characters, without control or invisible characters

            """),
        Case(name: "nul-byte", content: .bytes(Array("account: hostile\nkind: enterprise\nname: Acme".utf8) + [0] + Array("Ltd\n".utf8)), stderr: """
            nul-byte.yaml:3:11: error: the file contains a NUL byte [yaml_syntax]
                3 | name: Acme\\u{0}Ltd
                  |           ^
               hint: remove it; the file may be binary or saved in the wrong encoding

            """),
        Case(name: "empty", content: .text(""), stderr: """
            empty.yaml:1:1: error: the file is empty [yaml_syntax]
               hint: a desired-state file needs at least "account:" and "kind:"; a catalog needs "currency:" and "plans:"

            """),
        Case(name: "only-comment", content: .text("# account: hostile\n# nothing else yet\n"), stderr: """
            only-comment.yaml:1:1: error: the file has only comments, no YAML document [yaml_syntax]
                1 | # account: hostile
                  | ^
               hint: a desired-state file needs at least "account:" and "kind:"; a catalog needs "currency:" and "plans:"

            """),
        Case(name: "several-documents", content: .text(initial + "---\n" + initial), stderr: """
            several-documents.yaml:11:1: error: the file holds more than one YAML document; seatctl reads exactly one [yaml_syntax]
               11 | ---
                  | ^
               hint: remove the "---" line that starts the second document, or split the documents into separate files

            """),
        Case(name: "catalog-given-to-apply", content: .text("""
            currency: USD
            plans:
              time-monthly:
                name: Time
                products: [time]
                billing: monthly
                commitment: flexible
                price: "9.00"
                offeredTo: [enterprise]

            """), stderr: """
            catalog-given-to-apply.yaml:1:1: error: this looks like a catalog file, not a desired-state file (it has "currency:" and no "account:") [wrong_type]
                1 | currency: USD
                  | ^
               hint: load it with `seatctl catalog import`

            """),
        Case(name: "desired-state-given-to-catalog-import", content: .text(initial), command: ["catalog", "import", "BAD"], stderr: """
            desired-state-given-to-catalog-import.yaml:1:1: error: this looks like a desired-state file, not a catalog (it has "account:" and no "currency:") [wrong_type]
                1 | account: hostile
                  | ^
               hint: check it with `seatctl validate`, preview it with `seatctl plan`

            """),
    ]

    @Test(arguments: cases)
    func refusedWithTheLedgerUntouched(_ bad: Case) throws {
        let seatctl = try SeatctlRunner()
        try seatctl.write("seats.yaml", Self.initial)
        let initial = try seatctl.run(["apply", "--auto-approve", "seats.yaml", "--now", Self.now])
        try #require(initial.status == 0, "\(initial.stderr)")
        let before = try seatctl.stateBytes()
        try #require(before["ledger.sqlite"] != nil)

        try Self.write(bad, into: seatctl)
        let result = try seatctl.run(bad.command.map { $0 == "BAD" ? bad.file : $0 } + ["--now", Self.now])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr == bad.stderr)
        #expect(try seatctl.stateBytes() == before, "the ledger changed")
    }

    static func write(_ bad: Case, into seatctl: SeatctlRunner) throws {
        let url = seatctl.directory.appendingPathComponent(bad.file)
        switch bad.content {
        case .text(let text):
            try Data(text.utf8).write(to: url)
        case .bytes(let bytes):
            try Data(bytes).write(to: url)
        case .sparse(let size):
            #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(size))
            try handle.close()
        }
    }
}
