import Foundation
import Testing
@testable import SeatCLI
import SeatCore

/// The renderers on hand-made change sets.
@Suite struct ViewTests {
    func report(_ set: ChangeSet) -> PlanReport {
        PlanReport(changeSet: set, catalog: Catalog(currency: "USD", plans: []), kind: .enterprise)
    }

    @Test func manyWarningsOfOneCodeAreCounted() {
        let warnings = (0..<25).map { Diagnostic.warning(.unmanagedUser, "u\($0)@acme.com is not in the file") }
            + [Diagnostic.warning(.duplicateProduct, "one duplicate")]
        let set = ChangeSet(account: "acme", lineage: "l", serial: 2, now: Date(timeIntervalSince1970: 0), diagnostics: warnings)
        let text = TextPlanView(style: Style(enabled: false)).render(report(set))
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.contains("[unmanaged_user]") }.count == 20)
        #expect(lines.contains("  ! … and 5 more unmanaged_user warnings (all of them are in --format json)"))
        #expect(lines.contains("  ! one duplicate [duplicate_product]"))
        // JSON keeps every warning.
        let json = JSONPlanView().render(report(set))
        #expect(json.components(separatedBy: "\"code\": \"unmanaged_user\"").count - 1 == 25)
    }

    @Test func controlCharactersNeverReachTheTerminal() {
        let set = ChangeSet(account: "acme", lineage: nil, serial: 0, now: Date(timeIntervalSince1970: 0), changes: [
            .addUser(email: "eve@acme.com", UserAttributes(name: "Eve\u{1B}[2J\u{7}", role: .user, isExternal: false)),
        ])
        let text = TextPlanView(style: Style(enabled: false)).render(report(set))
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(text.contains("Eve\\u{1B}[2J\\u{7}"))
        let json = JSONPlanView().render(report(set))
        #expect(!json.unicodeScalars.contains { $0.value == 0x1B })
        #expect(json.contains("Eve\\u001b[2J\\u0007"))
    }

    @Test func jsonEscapesAndKeepsKeyOrder() {
        let value = JSONValue.object([("z", .int(1)), ("a", .string("q\"\\\n\u{2028}")), ("m", .array([])), ("n", .null)])
        #expect(value.serialized(pretty: false) == #"{"z":1,"a":"q\"\\\n\u2028","m":[],"n":null}"#)
    }

    @Test func colourOnlyWhenAsked() {
        // Marked while built, coloured as written (see StyleTests).
        #expect(StyleMark.resolved(Style(enabled: true).red("x")) == "\u{1B}[31mx\u{1B}[0m")
        #expect(Style(enabled: false).red("x") == "x")
        #expect(!Console.wantsColor(noColorFlag: true, terminal: true))
        #expect(!Console.wantsColor(noColorFlag: false, terminal: false))
    }
}
