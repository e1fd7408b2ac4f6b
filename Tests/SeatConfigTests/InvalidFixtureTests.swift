import Foundation
import SeatCore
import Testing
@testable import SeatConfig

/// One invalid file per problem: the whole rendered output (location, source
/// line, caret, hint) is asserted, so a change of wording or position shows
/// up as a diff here.
struct InvalidFixtureTests {
    enum Loader: Sendable { case desiredState, catalog }

    struct InvalidFixture: Sendable, CustomTestStringConvertible {
        var name: String
        var loader: Loader
        var expected: String

        init(_ name: String, _ loader: Loader, _ expected: String) {
            self.name = name
            self.loader = loader
            self.expected = expected
        }

        var testDescription: String { name }
    }

    static let fixtures: [InvalidFixture] = [
        InvalidFixture("unknown-top-level-key", .desiredState, #"""
unknown-top-level-key.yaml:1:1: error: unknown key "acount" at the top level [unknown_key]
    1 | acount: acme
      | ^
   hint: did you mean "account"?
"""#),
        InvalidFixture("unknown-user-key", .desiredState, #"""
unknown-user-key.yaml:6:5: error: unknown key "rol" in user "alice@acme.com" [unknown_key]
    6 |     rol: administrator
      |     ^
   hint: did you mean "role"?
"""#),
        InvalidFixture("wrong-type", .desiredState, #"""
wrong-type.yaml:4:3: error: users must be a mapping, not a list [wrong_type]
    4 |   - alice@acme.com
      |   ^
   hint: write it as users: {alice@acme.com: {role: administrator}}
"""#),
        InvalidFixture("quoted-count", .desiredState, #"""
quoted-count.yaml:5:15: error: licenses must be a whole number or auto, not the quoted string "12" [wrong_type]
    5 |     licenses: "12"
      |               ^
   hint: remove the quotes: licenses: 12
"""#),
        InvalidFixture("yes-boolean", .desiredState, #"""
yes-boolean.yaml:6:13: error: paused must be true or false, not "yes" [wrong_type]
    6 |     paused: yes
      |             ^
   hint: only true and false are booleans (YAML 1.1 words such as yes, no, on, off are not); write "paused: true"
"""#),
        InvalidFixture("missing-account", .desiredState, #"""
missing-account.yaml:2:1: error: missing required key "account" [missing_key]
    2 | kind: enterprise
      | ^
   hint: add "account: <slug>", e.g. "account: acme"
"""#),
        InvalidFixture("duplicate-key", .desiredState, #"""
duplicate-key.yaml:4:1: error: duplicate key "kind" (first at line 2) [duplicate_key]
    4 | kind: self-employed
      | ^
   hint: remove one of them
"""#),
        InvalidFixture("duplicate-email", .desiredState, #"""
duplicate-email.yaml:7:3: error: duplicate user "Alice@ACME.com" (first at line 4) [duplicate_key]
    7 |   Alice@ACME.com:
      |   ^
   hint: emails compare case-insensitively: "Alice@ACME.com" is the same user as "alice@acme.com"
"""#),
        InvalidFixture("bad-emails", .desiredState, #"""
bad-emails.yaml:4:3: error: "alice.acme.com" is not a valid email address: it has no "@" [invalid_value]
    4 |   alice.acme.com:
      |   ^
   hint: write it as local@domain, e.g. alice@acme.com
bad-emails.yaml:5:3: error: "bob@@acme.com" is not a valid email address: it has more than one "@" [invalid_value]
    5 |   bob@@acme.com:
      |   ^
   hint: write it as local@domain, e.g. alice@acme.com
bad-emails.yaml:6:3: error: "carol @acme.com" is not a valid email address: it contains whitespace [invalid_value]
    6 |   "carol @acme.com":
      |   ^
   hint: write it as local@domain, e.g. alice@acme.com
bad-emails.yaml:7:3: error: "dan@localhost" is not a valid email address: the domain "localhost" has no dot [invalid_value]
    7 |   dan@localhost:
      |   ^
   hint: write it as local@domain, e.g. alice@acme.com
bad-emails.yaml:8:3: error: "erin@acme..com" is not a valid email address: the domain "acme..com" has an empty label [invalid_value]
    8 |   erin@acme..com:
      |   ^
   hint: write it as local@domain, e.g. alice@acme.com
bad-emails.yaml:9:3: error: "@acme.com" is not a valid email address: nothing comes before the "@" [invalid_value]
    9 |   "@acme.com":
      |   ^
   hint: write it as local@domain, e.g. alice@acme.com
bad-emails.yaml:10:3: error: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…" is not a valid email address: the part before the "@" is longer than 64 characters [invalid_value]
   10 |   aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…
      |   ^
   hint: write it as local@domain, e.g. alice@acme.com
"""#),
        InvalidFixture("bad-role", .desiredState, #"""
bad-role.yaml:5:11: error: unknown role "managr" [invalid_value]
    5 |     role: managr
      |           ^
   hint: did you mean "manager"?
"""#),
        InvalidFixture("bad-timezone", .desiredState, #"""
bad-timezone.yaml:3:11: error: unknown time zone "Europe/Londn" [invalid_value]
    3 | timezone: Europe/Londn
      |           ^
   hint: did you mean "Europe/London"?
"""#),
        InvalidFixture("bad-account-and-kind", .desiredState, #"""
bad-account-and-kind.yaml:1:10: error: "Acme_Corp" is not a valid account slug [invalid_value]
    1 | account: Acme_Corp
      |          ^
   hint: an account slug uses lowercase letters, digits and hyphens, starts with a letter or digit, and has at most 63 characters
bad-account-and-kind.yaml:2:7: error: unknown account kind "self_employed" [invalid_value]
    2 | kind: self_employed
      |       ^
   hint: did you mean "self-employed"?
"""#),
        InvalidFixture("negative-count", .desiredState, #"""
negative-count.yaml:5:15: error: licenses must be 0 or more, not -3 [invalid_value]
    5 |     licenses: -3
      |               ^
"""#),
        InvalidFixture("fractional-count", .desiredState, #"""
fractional-count.yaml:5:15: error: licenses must be a whole number, not 2.5 [invalid_value]
    5 |     licenses: 2.5
      |               ^
   hint: counts are whole numbers
"""#),
        InvalidFixture("huge-count", .desiredState, #"""
huge-count.yaml:5:15: error: licenses must be between 0 and 1000000, not 99999999999999999999 [invalid_value]
    5 |     licenses: 99999999999999999999
      |               ^
huge-count.yaml:7:15: error: licenses must be between 0 and 1000000, not 2000000 [invalid_value]
    7 |     licenses: 2000000
      |               ^
"""#),
        InvalidFixture("plan-not-mapping", .desiredState, #"""
plan-not-mapping.yaml:4:23: error: plan "full-suite-monthly" must be a mapping, not the number 12 [wrong_type]
    4 |   full-suite-monthly: 12
      |                       ^
   hint: write it as full-suite-monthly: {licenses: 12}
plan-not-mapping.yaml:5:3: error: plan "project-time-yearly" is missing required key "licenses" [missing_key]
    5 |   project-time-yearly:
      |   ^
   hint: add "licenses: <count>" or "licenses: auto"
"""#),
        InvalidFixture("non-scalar-key", .desiredState, #"""
non-scalar-key.yaml:3:1: error: a key must be a plain value, not a list [invalid_value]
    3 | [a, b]: c
      | ^
   hint: write the key as a plain name, e.g. "name: value"
"""#),
        InvalidFixture("merge-key", .desiredState, #"""
merge-key.yaml:7:5: error: merge keys (<<) are not supported [yaml_syntax]
    7 |     <<: *defaults
      |     ^
   hint: write the keys out, or alias a whole value (key: *anchor)
"""#),
        InvalidFixture("undefined-alias", .desiredState, #"""
undefined-alias.yaml:4:19: error: alias *defaults refers to an anchor &defaults that is not defined before it [yaml_syntax]
    4 |   alice@acme.com: *defaults
      |                   ^
   hint: define the value with &defaults before using *defaults
"""#),
        InvalidFixture("syntax-error", .desiredState, #"""
syntax-error.yaml:4:6: error: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 3, column 15) [yaml_syntax]
    4 | plans: {}
      |      ^
   hint: close the bracket that starts at line 3, column 15, or separate its items with commas
"""#),
        InvalidFixture("unclosed-quote", .desiredState, #"""
unclosed-quote.yaml:3:7: error: YAML syntax error: found unexpected end of stream (while scanning a quoted scalar that starts here) [yaml_syntax]
    3 | name: "Acme Engineering Ltd
      |       ^
   hint: close the quote or bracket that starts here
"""#),
        InvalidFixture("value-with-colon", .desiredState, #"""
value-with-colon.yaml:3:11: error: YAML syntax error: mapping values are not allowed in this context [yaml_syntax]
    3 | name: Acme: Engineering
      |           ^
   hint: quote a value that contains ": ", or check this line's indentation
"""#),
        InvalidFixture("bad-indentation", .desiredState, #"""
bad-indentation.yaml:6:4: error: YAML syntax error: did not find expected key (while parsing a block mapping at line 4, column 3) [yaml_syntax]
    6 |    plans: [x]
      |    ^
   hint: check this line's indentation against the lines above it
"""#),
        InvalidFixture("tabs", .desiredState, #"""
tabs.yaml:5:1: error: a tab character is used for indentation; YAML indents with spaces only [yaml_syntax]
    5 |     role: administrator
      | ^
   hint: replace the tab with spaces
"""#),
        InvalidFixture("invalid-utf8", .desiredState, #"""
invalid-utf8.yaml:3:12: error: the file is not valid UTF-8: byte 0xFF cannot start a UTF-8 character [yaml_syntax]
    3 | name: Acme � Ltd
      |            ^
   hint: save the file as UTF-8
"""#),
        InvalidFixture("nul-byte", .desiredState, #"""
nul-byte.yaml:3:11: error: the file contains a NUL byte [yaml_syntax]
    3 | name: Acme\u{0}Ltd
      |           ^
   hint: remove it; the file may be binary or saved in the wrong encoding
"""#),
        InvalidFixture("empty", .desiredState, #"""
empty.yaml:1:1: error: the file is empty [yaml_syntax]
   hint: a desired-state file needs at least "account:" and "kind:"; a catalog needs "currency:" and "plans:"
"""#),
        InvalidFixture("only-comment", .desiredState, #"""
only-comment.yaml:1:1: error: the file has only comments, no YAML document [yaml_syntax]
    1 | # Nothing here yet.
      | ^
   hint: a desired-state file needs at least "account:" and "kind:"; a catalog needs "currency:" and "plans:"
"""#),
        InvalidFixture("two-documents", .desiredState, #"""
two-documents.yaml:3:1: error: the file holds more than one YAML document; seatctl reads exactly one [yaml_syntax]
    3 | ---
      | ^
   hint: remove the "---" line that starts the second document, or split the documents into separate files
"""#),
        InvalidFixture("multiple-problems", .desiredState, #"""
multiple-problems.yaml:1:10: error: "Acme" is not a valid account slug [invalid_value]
    1 | account: Acme
      |          ^
   hint: did you mean "acme"?
multiple-problems.yaml:2:7: error: unknown account kind "enterprize" [invalid_value]
    2 | kind: enterprize
      |       ^
   hint: did you mean "enterprise"?
multiple-problems.yaml:5:17: error: maxChargeNow must be a quoted decimal string, not the number 2500.00 [wrong_type]
    5 |   maxChargeNow: 2500.00
      |                 ^
   hint: quote it, maxChargeNow: "2500.00": unquoted numbers are floating point and may lose cents
multiple-problems.yaml:8:15: error: licenses must be a whole number or auto, not the string "twelve" [wrong_type]
    8 |     licenses: twelve
      |               ^
multiple-problems.yaml:9:5: error: unknown key "hedroom" in plan "full-suite-monthly" [unknown_key]
    9 |     hedroom: 2
      |     ^
   hint: did you mean "headroom"?
multiple-problems.yaml:12:11: error: unknown role "admin" [invalid_value]
   12 |     role: admin
      |           ^
   hint: did you mean "administrator"?
multiple-problems.yaml:13:12: error: plans must be a list, not the string "full-suite-monthly" [wrong_type]
   13 |     plans: full-suite-monthly
      |            ^
   hint: write plans: [full-suite-monthly]
multiple-problems.yaml:14:15: error: external must be true or false, not the quoted string "true" [wrong_type]
   14 |     external: "true"
      |               ^
   hint: remove the quotes: external: true
"""#),
        InvalidFixture("catalog-as-desired", .desiredState, #"""
catalog-as-desired.yaml:1:1: error: this looks like a catalog file, not a desired-state file (it has "currency:" and no "account:") [wrong_type]
    1 | currency: USD
      | ^
   hint: load it with `seatctl catalog import`
"""#),
        InvalidFixture("escape-in-value", .desiredState, #"""
escape-in-value.yaml:5:11: error: unknown role "\u{1B}[31madministrator" [invalid_value]
    5 |     role: "\e[31madministrator"
      |           ^
   hint: expected administrator, manager or user
"""#),
        InvalidFixture("catalog-float-price", .catalog, #"""
catalog-float-price.yaml:8:12: error: price must be a quoted decimal string, not the number 45.00 [wrong_type]
    8 |     price: 45.00
      |            ^
   hint: quote it, price: "45.00": unquoted numbers are floating point and may lose cents
"""#),
        InvalidFixture("catalog-bad-prices", .catalog, #"""
catalog-bad-prices.yaml:8:12: error: price: "45.001" has more than 2 decimals, the most USD allows [invalid_value]
    8 |     price: "45.001"
      |            ^
catalog-bad-prices.yaml:15:12: error: price "-5.00" must not be negative [invalid_value]
   15 |     price: "-5.00"
      |            ^
catalog-bad-prices.yaml:22:12: error: price: "45,00" is not an amount (write it as a quoted decimal such as "45.00") [invalid_value]
   22 |     price: "45,00"
      |            ^
"""#),
        InvalidFixture("catalog-unknown-currency", .catalog, #"""
catalog-unknown-currency.yaml:1:11: error: unknown currency "USX" [invalid_value]
    1 | currency: USX
      |           ^
   hint: did you mean "USD"?
"""#),
        InvalidFixture("catalog-contract-months", .catalog, #"""
catalog-contract-months.yaml:3:3: error: contracted catalog plan "contracted-without-term" is missing required key "contractMonths" [missing_key]
    3 |   contracted-without-term:
      |   ^
   hint: add "contractMonths: 12" (the contract term, 1 to 120 months)
catalog-contract-months.yaml:15:5: error: contractMonths is set for plan "flexible-with-term", whose commitment is flexible [invalid_value]
   15 |     contractMonths: 12
      |     ^
   hint: remove contractMonths, or set commitment: contracted
catalog-contract-months.yaml:23:21: error: contractMonths must be between 1 and 120, not 121 [invalid_value]
   23 |     contractMonths: 121
      |                     ^
"""#),
        InvalidFixture("catalog-missing-keys", .catalog, #"""
catalog-missing-keys.yaml:3:3: error: catalog plan "bare" is missing required key "products" [missing_key]
    3 |   bare:
      |   ^
   hint: add "products: [projects, time]"
catalog-missing-keys.yaml:3:3: error: catalog plan "bare" is missing required key "commitment" [missing_key]
    3 |   bare:
      |   ^
   hint: add "commitment: flexible" or "commitment: contracted"
catalog-missing-keys.yaml:3:3: error: catalog plan "bare" is missing required key "price" [missing_key]
    3 |   bare:
      |   ^
   hint: add "price: \"45.00\"" (per license per billing period)
catalog-missing-keys.yaml:5:14: error: unknown billing period "weekly" [invalid_value]
    5 |     billing: weekly
      |              ^
   hint: expected daily, monthly or yearly
catalog-missing-keys.yaml:6:16: error: offeredTo must not be empty [invalid_value]
    6 |     offeredTo: []
      |                ^
   hint: list at least one of enterprise or self-employed
catalog-missing-keys.yaml:7:15: error: licenses min (10) is greater than max (5) [invalid_value]
    7 |     licenses: {min: 10, max: 5}
      |               ^
"""#),
        InvalidFixture("catalog-desired-as-catalog", .catalog, #"""
catalog-desired-as-catalog.yaml:1:1: error: this looks like a desired-state file, not a catalog (it has "account:" and no "currency:") [wrong_type]
    1 | account: acme
      | ^
   hint: check it with `seatctl validate`, preview it with `seatctl plan`
"""#),
    ]

    @Test(arguments: fixtures)
    func rendersEveryProblem(_ fixture: InvalidFixture) throws {
        let file = fixture.name + ".yaml"
        let data = try Fixtures.bytes("invalid/" + file)
        let diagnostics: [Diagnostic]
        switch fixture.loader {
        case .desiredState:
            let result = ConfigLoader.loadDesiredState(data, file: file)
            #expect(result.state == nil)
            diagnostics = result.diagnostics
        case .catalog:
            let result = ConfigLoader.loadCatalog(data, file: file)
            #expect(result.catalog == nil)
            diagnostics = result.diagnostics
        }
        #expect(!diagnostics.isEmpty)
        #expect(diagnostics.allSatisfy { $0.severity == .error })
        #expect(rendered(diagnostics, file: file, bytes: data) == fixture.expected)
    }

    @Test func everyFixtureFileHasACase() throws {
        let root = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("invalid").path)
        #expect(Set(files) == Set(Self.fixtures.map { $0.name + ".yaml" }))
    }

    @Test func multipleProblemsAreAllReportedInFileOrder() throws {
        let data = try Fixtures.bytes("invalid/multiple-problems.yaml")
        let diagnostics = ConfigLoader.loadDesiredState(data, file: "f.yaml").diagnostics
        #expect(diagnostics.map(\.code) == ["invalid_value", "invalid_value", "wrong_type", "wrong_type", "unknown_key",
                                            "invalid_value", "wrong_type", "wrong_type"])
        let lines = diagnostics.compactMap { $0.location?.line }
        #expect(lines == lines.sorted())
    }
}
