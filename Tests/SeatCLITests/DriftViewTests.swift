import Foundation
import Testing
@testable import SeatCLI
import SeatCore

/// Drift in the plan views, on hand-made drift.
@Suite struct DriftViewTests {
    static let day = Day(year: 2026, month: 11, day: 20)

    static func drift(_ n: Int) -> [DriftItem] {
        (0..<n).map { i in
            DriftItem(action: "terminate_user", cause: .portal, user: "u\(i)@acme.com", actor: "portal:alice@acme.com",
                      at: Date(timeIntervalSince1970: 1_795_132_800 + Double(i)), day: day)
        }
    }

    func report(_ drift: [DriftItem]) -> PlanReport {
        PlanReport(changeSet: ChangeSet(account: "acme", lineage: "l", serial: 4, now: Date(timeIntervalSince1970: 1_795_338_000)),
                   catalog: Catalog(currency: "USD", plans: []), kind: .enterprise, drift: drift)
    }

    @Test func textListsFiftyAndCountsTheRest() {
        let text = TextPlanView(style: Style(enabled: false)).render(report(Self.drift(53)))
        let lines = text.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("  ~ user u") }.count == 50)
        #expect(lines.contains("  ~ … and 3 more drift entries (all of them are in --format json)"))
        #expect(lines.contains("  ~ user u0@acme.com terminated by portal:alice@acme.com on 2026-11-20"))
        #expect(text.contains("No changes."), "drift alone is not a change")
        let one = TextPlanView(style: Style(enabled: false)).render(report(Self.drift(51)))
        #expect(one.contains("… and 1 more drift entry (all"))
    }

    @Test func jsonListsEveryEntryWithWhoAndWhen() throws {
        let json = JSONPlanView().render(report(Self.drift(53)))
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let drift = try #require(doc["drift"] as? [[String: Any]])
        #expect(drift.count == 53)
        #expect(drift[0]["action"] as? String == "terminate_user")
        #expect(drift[0]["user"] as? String == "u0@acme.com")
        #expect(drift[0]["actor"] as? String == "portal:alice@acme.com")
        #expect(drift[0]["at"] as? String == "2026-11-20T00:00:00Z")
        #expect(drift[0]["cause"] as? String == "portal")
        #expect(drift[0]["plan"] == nil && drift[0]["count"] == nil)
    }

    @Test func markdownPutsNamesInCodeSpans() {
        var item = Self.drift(1)[0]
        item.user = "<b>x</b>@acme.com"
        let markdown = MarkdownPlanView().render(report([item]))
        #expect(markdown.contains("- user `<b>x</b>@acme.com` terminated by `portal:alice@acme.com` on 2026-11-20\n"), "\(markdown)")
    }
}
