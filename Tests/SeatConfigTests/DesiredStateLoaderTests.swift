import SeatCore
import Testing
@testable import SeatConfig

struct DesiredStateLoaderTests {
    private func at(_ line: Int, _ column: Int, _ file: String = "seats.yaml") -> FileLocation {
        FileLocation(file: file, line: line, column: column)
    }

    @Test func fullFileBecomesTheExactDesiredState() throws {
        let data = try Fixtures.bytes("valid/seats.yaml")
        let (state, diagnostics) = ConfigLoader.loadDesiredState(data, file: "seats.yaml")
        #expect(diagnostics.isEmpty)
        let expected = DesiredState(
            file: "seats.yaml",
            account: Located("acme", at: at(1, 10)),
            kind: Located(.enterprise, at: at(2, 7)),
            name: Located("Acme Engineering Ltd", at: at(3, 7)),
            emailDomains: [Located("acme.com", at: at(4, 16)), Located("acme.co.uk", at: at(4, 26))],
            blockedDomains: [],
            timezone: Located("Europe/London", at: at(6, 11)),
            prune: Located(false, at: at(7, 8)),
            closeAccount: Located(false),
            guards: Guards(maxUnassignments: Located(25, at: at(9, 21)),
                           maxChargeNow: Located("2500.00", at: at(10, 17))),
            plans: [
                DesiredPlan(id: Located("full-suite-monthly", at: at(12, 3)),
                            licenses: Located(.exact(12), at: at(13, 15))),
                DesiredPlan(id: Located("project-time-yearly", at: at(14, 3)),
                            licenses: Located(.auto, at: at(15, 15)),
                            headroom: Located(2, at: at(16, 15))),
            ],
            users: [
                DesiredUser(email: "alice@acme.com", at: at(18, 3),
                            name: Located("Alice Example", at: at(19, 11)),
                            role: Located(.administrator, at: at(20, 11)),
                            plans: [Located("full-suite-monthly", at: at(21, 13))]),
                DesiredUser(email: "bob@acme.com", at: at(22, 3),
                            plans: [Located("project-time-yearly", at: at(24, 9)),
                                    Located("full-suite-monthly", at: at(25, 9))],
                            isPaused: Located(true, at: at(26, 13))),
                DesiredUser(email: "carol@partner.example", at: at(27, 3),
                            isExternal: Located(true, at: at(28, 15))),
                DesiredUser(email: "dan@acme.com", at: at(29, 3)),
            ],
            usersLocation: at(17, 1),
            plansLocation: at(11, 1))
        #expect(state == expected)
    }

    @Test func marksAreExact() throws {
        let data = try Fixtures.bytes("valid/seats.yaml")
        let state = try #require(ConfigLoader.loadDesiredState(data, file: "seats.yaml").state)
        #expect(state.users[1].email == "bob@acme.com")
        #expect(state.users[1].location == at(22, 3))
        #expect(state.plans[1].id.location == at(14, 3))
        #expect(state.plans[1].licenses.location == at(15, 15))
        #expect(state.users[0].plans[0].location == at(21, 13))
        #expect(state.usersLocation == at(17, 1))
        #expect(state.plansLocation == at(11, 1))
    }

    @Test func minimalFileTakesTheDefaults() {
        let (state, diagnostics) = ConfigLoader.loadDesiredState(bytes("account: solo\nkind: self-employed\n"), file: "s.yaml")
        #expect(diagnostics.isEmpty)
        let expected = DesiredState(file: "s.yaml", account: Located("solo", at: at(1, 10, "s.yaml")),
                                    kind: Located(.selfEmployed, at: at(2, 7, "s.yaml")))
        #expect(state == expected)
        #expect(state?.timezone.value == "UTC")
        #expect(state?.usersLocation == nil)
    }

    @Test(arguments: [
        "plans:\nusers:\n",
        "plans: {}\nusers: {}\n",
        "plans: ~\nusers: null\nguards:\nemailDomains:\n",
    ])
    func emptyOrNullSectionsAreEmpty(_ sections: String) throws {
        let (state, diagnostics) = ConfigLoader.loadDesiredState(bytes("account: acme\nkind: enterprise\n" + sections),
                                                                 file: "s.yaml")
        #expect(diagnostics.isEmpty)
        let loaded = try #require(state)
        #expect(loaded.plans.isEmpty)
        #expect(loaded.users.isEmpty)
    }

    @Test func userEntryMayBeEmptyMappingOrNull() throws {
        let text = "account: acme\nkind: enterprise\nusers:\n  a@acme.com: {}\n  b@acme.com:\n  c@acme.com: ~\n"
        let state = try #require(ConfigLoader.loadDesiredState(bytes(text), file: "s.yaml").state)
        #expect(state.users.map(\.email) == ["a@acme.com", "b@acme.com", "c@acme.com"])
        #expect(state.users.allSatisfy { $0.role.value == .user && $0.plans.isEmpty && !$0.isPaused.value })
    }

    @Test func byteOrderMarkAndCRLFKeepTheSameMarks() throws {
        let text = "account: acme\r\nkind: enterprise\r\nusers:\r\n  alice@acme.com:\r\n    role: manager\r\n"
        let state = try #require(ConfigLoader.loadDesiredState([0xEF, 0xBB, 0xBF] + bytes(text), file: "s.yaml").state)
        #expect(state.account.location == at(1, 10, "s.yaml"))
        #expect(state.users[0].role == Located(.manager, at: at(5, 11, "s.yaml")))
    }

    @Test func aliasesAreAllowed() throws {
        let text = """
            account: acme
            kind: enterprise
            users:
              alice@acme.com: &staff
                role: manager
                plans: [full-suite-monthly]
              bob@acme.com: *staff
            """
        let state = try #require(ConfigLoader.loadDesiredState(bytes(text), file: "s.yaml").state)
        #expect(state.users.map(\.role.value) == [.manager, .manager])
        #expect(state.users[1].plans.map(\.value) == ["full-suite-monthly"])
    }

    @Test func quotedKeysAndNonAsciiValuesAreRead() throws {
        let text = "\"account\": acme\nkind: enterprise\nusers:\n  \"Zoë@Acme.com\":\n    name: \"Zoë Ünïcode\"\n"
        let state = try #require(ConfigLoader.loadDesiredState(bytes(text), file: "s.yaml").state)
        #expect(state.users[0].email == "zoë@acme.com")
        #expect(state.users[0].name == Located("Zoë Ünïcode", at: at(5, 11, "s.yaml")))
    }

    @Test func fileArgumentIsUsedAsGiven() throws {
        let state = try #require(ConfigLoader.loadDesiredState(bytes("account: a\nkind: enterprise\n"), file: "./x/../s.yaml").state)
        #expect(state.file == "./x/../s.yaml")
        #expect(state.account.location?.file == "./x/../s.yaml")
    }
}

/// Inputs that trigger each value rule next to inputs that do not.
struct DesiredStateValueTests {
    private func load(_ text: String) -> (DesiredState?, [String]) {
        let result = ConfigLoader.loadDesiredState(bytes(text), file: "s.yaml")
        return (result.state, result.diagnostics.map(\.code))
    }

    private func plan(licenses: String) -> String {
        "account: acme\nkind: enterprise\nplans:\n  p:\n    licenses: \(licenses)\n"
    }

    @Test(arguments: [("0", LicenseCount.exact(0)), ("12", .exact(12)), ("1000000", .exact(1_000_000)),
                      ("auto", .auto), ("+5", .exact(5))])
    func validLicenseCounts(_ text: String, _ count: LicenseCount) throws {
        let (state, codes) = load(plan(licenses: text))
        #expect(codes.isEmpty)
        #expect(try #require(state).plans[0].licenses.value == count)
    }

    @Test(arguments: [("-1", "invalid_value"), ("2.5", "invalid_value"), ("1e3", "invalid_value"),
                      ("1000001", "invalid_value"), ("99999999999999999999999", "invalid_value"),
                      ("-99999999999999999999999", "invalid_value"), ("\"12\"", "wrong_type"),
                      ("twelve", "wrong_type"), ("[1]", "wrong_type"), ("true", "wrong_type"), ("0x10", "wrong_type"),
                      ("", "wrong_type"), ("!custom 3", "wrong_type")])
    func invalidLicenseCounts(_ text: String, _ code: String) {
        let (state, codes) = load(plan(licenses: text))
        #expect(state == nil)
        #expect(codes == [code])
    }

    @Test(arguments: [("true", true), ("false", false)])
    func booleans(_ text: String, _ value: Bool) throws {
        let (state, codes) = load("account: acme\nkind: enterprise\nprune: \(text)\n")
        #expect(codes.isEmpty)
        #expect(try #require(state).prune.value == value)
    }

    @Test(arguments: ["yes", "no", "on", "off", "y", "True", "FALSE", "1", "\"true\"", "[true]"])
    func notBooleans(_ text: String) {
        let (state, codes) = load("account: acme\nkind: enterprise\nprune: \(text)\n")
        #expect(state == nil)
        #expect(codes == ["wrong_type"])
    }

    @Test(arguments: ["acme", "a", "acme-2", "1st", String(repeating: "a", count: 63)])
    func validSlugs(_ slug: String) {
        #expect(load("account: \(slug)\nkind: enterprise\n").1.isEmpty)
    }

    @Test(arguments: ["Acme", "-acme", "acme_corp", "acme corp", "ácme", String(repeating: "a", count: 64), "\"\""])
    func invalidSlugs(_ slug: String) {
        #expect(load("account: \(slug)\nkind: enterprise\n").1 == ["invalid_value"])
    }

    @Test(arguments: ["alice@acme.com", "First.Last+tag@sub.acme.co.uk", "o'brien@acme.com", "ÜBER@acme.com",
                      "a!#$%&'*+/=?^_`{|}~-b@acme.com", "ann@xn--bcher-kva.example", "ann@my-host.example"])
    func validEmails(_ email: String) {
        #expect(load("account: acme\nkind: enterprise\nusers:\n  \"\(email)\":\n").1.isEmpty)
    }

    @Test(arguments: ["alice", "alice@", "@acme.com", "a@b@acme.com", "a b@acme.com", "a\\t@acme.com",
                      "a\\u001B@acme.com", "a@acme", "a@.acme.com", "a@acme.com.",
                      String(repeating: "a", count: 250) + "@acme.com",
                      "a@" + Array(repeating: String(repeating: "b", count: 60), count: 5).joined(separator: ".") + ".com"])
    func invalidEmails(_ email: String) {
        #expect(load("account: acme\nkind: enterprise\nusers:\n  \"\(email)\":\n").1 == ["invalid_value"])
    }

    @Test(arguments: [("Europe/London", true), ("UTC", true), ("America/New_York", true),
                      ("Europe/Londn", false), ("Mars/Olympus", false), ("", false)])
    func timeZones(_ zone: String, _ isValid: Bool) {
        let codes = load("account: acme\nkind: enterprise\ntimezone: \"\(zone)\"\n").1
        #expect(codes == (isValid ? [] : ["invalid_value"]))
    }

    @Test(arguments: [("\"2500.00\"", nil), ("\"2500\"", nil), ("\"0.5\"", nil), ("2500.00", "wrong_type"),
                      ("2500", "wrong_type"), ("\"25,00\"", "invalid_value"), ("\"-1.00\"", "invalid_value"),
                      ("\"1.\"", "invalid_value"), ("\"1e3\"", "invalid_value")] as [(String, String?)])
    func maxChargeNow(_ text: String, _ code: String?) {
        let codes = load("account: acme\nkind: enterprise\nguards:\n  maxChargeNow: \(text)\n").1
        #expect(codes == (code.map { [$0] } ?? []))
    }

    @Test(arguments: [("acme.com", nil), ("Sub.Acme.Co.UK", nil), ("acme", "invalid_value"), ("@acme.com", "invalid_value"),
                      ("acme..com", "invalid_value")] as [(String, String?)])
    func emailDomains(_ domain: String, _ code: String?) {
        let codes = load("account: acme\nkind: enterprise\nemailDomains: [\"\(domain)\"]\n").1
        #expect(codes == (code.map { [$0] } ?? []))
    }

    @Test func duplicatePlanInAUsersListIsReported() {
        let text = "account: acme\nkind: enterprise\nusers:\n  a@acme.com:\n    plans: [p, q, p]\n"
        let diagnostics = ConfigLoader.loadDesiredState(bytes(text), file: "s.yaml").diagnostics
        #expect(diagnostics.map(\.code) == ["duplicate_key"])
        #expect(diagnostics.first?.location == FileLocation(file: "s.yaml", line: 5, column: 19))
    }

    @Test func duplicatePlanIdIsReportedWithTheFirstLine() {
        let text = "account: acme\nkind: enterprise\nplans:\n  p: {licenses: 1}\n  p: {licenses: 2}\n"
        let diagnostics = ConfigLoader.loadDesiredState(bytes(text), file: "s.yaml").diagnostics
        #expect(diagnostics.map(\.message) == ["duplicate key \"p\" (first at line 4)"])
    }

    @Test func unknownKeyWithoutSuggestionListsTheValidKeys() {
        let diagnostics = ConfigLoader.loadDesiredState(bytes("account: acme\nkind: enterprise\nzzz: 1\n"),
                                                        file: "s.yaml").diagnostics
        #expect(diagnostics.map(\.hint) == [
            "expected one of: account, kind, name, emailDomains, blockedDomains, timezone, prune, closeAccount, guards, plans, users",
        ])
    }

    @Test(arguments: ["- a\n- b\n", "just a string\n", "~\n", "---\n"])
    func rootMustBeAMapping(_ text: String) {
        let (state, codes) = load(text)
        #expect(state == nil)
        #expect(codes.count == 1)
    }

    @Test func unsupportedTagIsReported() {
        let (_, codes) = load("account: !secret acme\nkind: enterprise\n")
        #expect(codes == ["wrong_type"])
    }

    @Test func aliasToItsOwnContainerIsRefused() {
        let (_, codes) = load("account: acme\nkind: enterprise\nusers: &u\n  a@acme.com: *u\n")
        #expect(codes == ["yaml_syntax"])
    }

    @Test func repeatsReachedThroughAnAliasAreReportedOnce() {
        let text = "account: acme\nkind: enterprise\nusers:\n  a@acme.com: &u {role: managr}\n  b@acme.com: *u\n  c@acme.com: *u\n"
        let diagnostics = ConfigLoader.loadDesiredState(bytes(text), file: "s.yaml").diagnostics
        #expect(diagnostics.map(\.message) == ["unknown role \"managr\""])
    }
}
