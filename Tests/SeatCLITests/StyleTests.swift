import Foundation
import Testing
@testable import SeatCLI
import SeatCore

/// Colour in text that is sanitized as a whole: the styling's own codes
/// reach the terminal, a value's never do.
@Suite struct StyleTests {
    static let day = Day(year: 2026, month: 11, day: 20)

    /// A plan whose drift names a user and an actor full of escape sequences
    /// (values that reached the ledger some other way than a checked file).
    func hostileReport() -> PlanReport {
        let drift = [DriftItem(action: "terminate_user", cause: .portal, user: "u\u{1B}[2J@acme.com",
                               actor: "portal:\u{1B}]0;owned\u{7}", at: Date(timeIntervalSince1970: 1_795_132_800), day: Self.day)]
        return PlanReport(changeSet: ChangeSet(account: "acme", lineage: "l", serial: 4, now: Date(timeIntervalSince1970: 1_795_338_000)),
                          catalog: Catalog(currency: "USD", plans: []), kind: .enterprise, drift: drift)
    }

    @Test func colourCodesReachTheTerminalAndValuesStayEscaped() {
        let shown = StyleMark.resolved(TextPlanView(style: Style(enabled: true)).render(hostileReport()))
        #expect(shown.hasPrefix("Account \u{1B}[1macme\u{1B}[0m (enterprise)"))
        #expect(shown.contains("u\\u{1B}[2J@acme.com") && shown.contains("portal:\\u{1B}]0;owned\\u{7}"))
        // Every escape character left is the start of one of the styling's
        // own SGR sequences ("ESC [ digits m").
        let sequences = shown.split(separator: "\u{1B}", omittingEmptySubsequences: false).dropFirst()
        #expect(!sequences.isEmpty)
        #expect(sequences.allSatisfy { $0.wholeMatch(of: /\[[0-9;]+m.*/.dotMatchesNewlines()) != nil })
        #expect(!shown.unicodeScalars.contains { $0 == "\u{E000}" || $0 == "\u{E001}" || $0 == "\u{7}" })
    }

    @Test func withoutColourTheTextHasNoCodesAndNoMarks() {
        let shown = StyleMark.resolved(TextPlanView(style: Style(enabled: false)).render(hostileReport()))
        #expect(shown.hasPrefix("Account acme (enterprise)"))
        #expect(!shown.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{E000}" })
    }

    /// A value shaped like a mark but without this process's key stays as
    /// it is: it cannot turn into a colour code.
    @Test func aMarkWithAnotherKeyIsNotAColourCode() {
        let other = StyleMark.key == "0123456789abcdef" ? "fedcba9876543210" : "0123456789abcdef"
        let forged = "name \u{E000}\(other)8\u{E001}hidden"
        _ = Style(enabled: true)
        #expect(StyleMark.resolved(sanitizedForDisplay(forged)) == forged)
        #expect(StyleMark.resolved(Style(enabled: true).red("x")) == "\u{1B}[31mx\u{1B}[0m")
    }
}
