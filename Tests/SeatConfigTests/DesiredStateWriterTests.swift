import SeatCore
import Testing
@testable import SeatConfig

/// The writer behind `seatctl export`: what it writes, the loader reads back
/// to the same values, whatever the names hold.
@Suite struct DesiredStateWriterTests {
    /// (Names with tabs, line breaks or other control characters are refused
    /// by the loader; see `namesWithControlCharactersAreRefusedOnReading`.)
    @Test(arguments: ["Alice Example", "yes", "No", "null", "~", "123", "1.5e3", "-", "a: b", "# not a comment", "O'Neil \"Z\"",
                      "Zoë", "@handle", "[x]", "{y}", "*star", "&amp", "!tag", "%p", "back\\slash", " padded "])
    func namesRoundTrip(name: String) throws {
        let state = DesiredState(file: "out.yaml", account: Located("acme"), kind: Located(.enterprise), name: Located(name),
                                 plans: [DesiredPlan(id: Located("123"), licenses: Located(.exact(2)))],
                                 users: [DesiredUser(email: "a+b@acme.com", name: Located(name), role: Located(.manager),
                                                     plans: [Located("123")], isPaused: Located(true))])
        let text = DesiredStateWriter.yaml(state, header: ["exported", ""])
        let (loaded, diagnostics) = ConfigLoader.loadDesiredState(Array(text.utf8), file: "out.yaml")
        #expect(!diagnostics.hasErrors, "\(diagnostics)\n\(text)")
        let read = try #require(loaded)
        #expect(read.name?.value == name)
        #expect(read.users.first?.name?.value == name)
        #expect(read.users.first?.email == "a+b@acme.com")
        #expect(read.users.first?.isPaused.value == true)
        #expect(read.plans.first?.id.value == "123")
    }

    /// A ledger written before names were checked may hold one with a tab or
    /// a line break: the export writes it escaped, and reading it back names
    /// the problem instead of taking it.
    @Test(arguments: ["tab\there", "line\nbreak"])
    func namesWithControlCharactersAreRefusedOnReading(name: String) throws {
        let state = DesiredState(file: "out.yaml", account: Located("acme"), kind: Located(.enterprise), name: Located(name))
        let text = DesiredStateWriter.yaml(state, header: [])
        let (loaded, diagnostics) = ConfigLoader.loadDesiredState(Array(text.utf8), file: "out.yaml")
        #expect(loaded == nil)
        #expect(diagnostics.map(\.code) == ["invalid_value"])
        #expect(diagnostics.first?.message.hasPrefix("name \"") == true)
    }

    @Test func plainWhenSafeQuotedOtherwise() {
        #expect(DesiredStateWriter.scalar("full-suite-monthly") == "full-suite-monthly")
        #expect(DesiredStateWriter.scalar("alice@acme.com") == "alice@acme.com")
        #expect(DesiredStateWriter.scalar("Europe/London") == "Europe/London")
        #expect(DesiredStateWriter.scalar("yes") == "\"yes\"")
        #expect(DesiredStateWriter.scalar("2026") == "\"2026\"")
        #expect(DesiredStateWriter.scalar("a\u{7}b") == "\"a\\u0007b\"")
    }
}
