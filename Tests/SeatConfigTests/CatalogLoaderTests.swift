import SeatCore
import Testing
@testable import SeatConfig

struct CatalogLoaderTests {
    @Test func validCatalogBecomesTheExactCatalog() throws {
        let data = try Fixtures.bytes("valid/catalog.yaml")
        let (catalog, diagnostics) = ConfigLoader.loadCatalog(data, file: "catalog.yaml")
        #expect(diagnostics.isEmpty)
        let expected = Catalog(currency: "USD", plans: [
            CatalogPlan(id: "full-suite-monthly", name: "Full Project Management Suite",
                        products: ["projects", "time", "attendance", "expenses", "issues"],
                        billing: .monthly, commitment: .flexible,
                        price: Money(minorUnits: 4500, currency: "USD"), storagePerLicenseGB: 20,
                        offeredTo: [.enterprise], minLicenses: 0, maxLicenses: 100_000),
            CatalogPlan(id: "field-contracted", name: "Field Service (12-month contract)",
                        products: ["projects", "attendance"], billing: .yearly, commitment: .contracted,
                        contractMonths: 12, price: Money(minorUnits: 39950, currency: "USD"),
                        offeredTo: [.enterprise, .selfEmployed], minLicenses: 5, maxLicenses: 500),
            CatalogPlan(id: "invoicing-daily", name: "Invoicing", products: ["invoicing"], billing: .daily,
                        commitment: .flexible, price: Money(minorUnits: 35, currency: "USD"),
                        offeredTo: [.selfEmployed]),
        ])
        #expect(catalog == expected)
        #expect(catalog?.plans.map(\.id) == ["field-contracted", "full-suite-monthly", "invoicing-daily"])
    }

    private func catalog(currency: String = "USD", price: String = "\"45.00\"", commitment: String = "flexible",
                         extra: String = "") -> String {
        """
        currency: \(currency)
        plans:
          p:
            name: P
            products: [projects]
            billing: monthly
            commitment: \(commitment)
            price: \(price)
            offeredTo: [enterprise]
        \(extra.isEmpty ? "" : "    " + extra)
        """
    }

    private func load(_ text: String) -> (Catalog?, [Diagnostic]) {
        let result = ConfigLoader.loadCatalog(bytes(text), file: "c.yaml")
        return (result.catalog, result.diagnostics)
    }

    @Test(arguments: [("USD", "\"45.00\"", 4500), ("USD", "\"45\"", 4500), ("USD", "\"0.5\"", 50),
                      ("JPY", "\"1200\"", 1200), ("BHD", "\"1.125\"", 1125), ("USD", "!!str 45.00", 4500)] as [(String, String, Int64)])
    func validPrices(_ currency: String, _ price: String, _ minorUnits: Int64) throws {
        let (result, diagnostics) = load(catalog(currency: currency, price: price))
        #expect(diagnostics.isEmpty)
        #expect(try #require(result)["p"]?.price == Money(minorUnits: minorUnits, currency: currency))
    }

    @Test(arguments: [
        ("USD", "45.00", "wrong_type", "price must be a quoted decimal string, not the number 45.00"),
        ("USD", "45", "wrong_type", "price must be a quoted decimal string, not the number 45"),
        ("USD", "\"45.001\"", "invalid_value", "price: \"45.001\" has more than 2 decimals, the most USD allows"),
        ("JPY", "\"100.5\"", "invalid_value", "price: \"100.5\" has more than 0 decimals, the most JPY allows"),
        ("USD", "\"-5.00\"", "invalid_value", "price \"-5.00\" must not be negative"),
        ("USD", "\"1e3\"", "invalid_value",
         "price: \"1e3\" is not an amount (write it as a quoted decimal such as \"45.00\")"),
        ("USD", "[45]", "wrong_type", "price must be a string, not a list"),
        ("usd", "\"45.00\"", "invalid_value", "unknown currency \"usd\""),
        ("XYZ", "\"45.00\"", "invalid_value", "unknown currency \"XYZ\""),
    ])
    func invalidPrices(_ currency: String, _ price: String, _ code: String, _ message: String) {
        let (result, diagnostics) = load(catalog(currency: currency, price: price))
        #expect(result == nil)
        #expect(diagnostics.map(\.code) == [code])
        #expect(diagnostics.map(\.message) == [message])
    }

    @Test func unknownCurrencySuggestsTheNearestCode() {
        let (_, diagnostics) = load(catalog(currency: "EUD"))
        #expect(diagnostics.first?.hint == "did you mean \"AUD\"?")
        let (_, lower) = load(catalog(currency: "gbp"))
        #expect(lower.first?.hint == "did you mean \"GBP\"?")
    }

    @Test(arguments: [
        ("contracted", "contractMonths: 12", nil),
        ("contracted", "contractMonths: 1", nil),
        ("contracted", "contractMonths: 120", nil),
        ("contracted", "", "missing_key"),
        ("contracted", "contractMonths: 0", "invalid_value"),
        ("contracted", "contractMonths: 121", "invalid_value"),
        ("contracted", "contractMonths: \"12\"", "wrong_type"),
        ("flexible", "contractMonths: 12", "invalid_value"),
        ("flexible", "", nil),
    ] as [(String, String, String?)])
    func contractMonthsRules(_ commitment: String, _ extra: String, _ code: String?) throws {
        let (result, diagnostics) = load(catalog(commitment: commitment, extra: extra))
        #expect(diagnostics.map(\.code) == (code.map { [$0] } ?? []))
        if code == nil {
            let plan = try #require(result?["p"])
            #expect(plan.contractMonths == (commitment == "contracted" ? Int(extra.split(separator: " ")[1]) : nil))
        }
    }

    @Test(arguments: [
        ("licenses: {min: 3}", nil),
        ("licenses: {max: 3}", nil),
        ("licenses: {min: 4, max: 3}", "invalid_value"),
        ("licenses: {min: -1}", "invalid_value"),
        ("licenses: {mn: 1}", "unknown_key"),
        ("storagePerLicenseGB: -1", "invalid_value"),
        ("storagePerLicenseGB: 2.5", "invalid_value"),
        ("offeredTo: []", "invalid_value"),
        ("offeredTo: [enterprize]", "invalid_value"),
        ("offeredTo: [enterprise, enterprise]", "duplicate_key"),
        ("prce: \"1.00\"", "unknown_key"),
    ] as [(String, String?)])
    func otherPlanFields(_ extra: String, _ code: String?) {
        // A later key overrides nothing: duplicates are errors, so `offeredTo` and friends are
        // tested on a plan that does not already set them.
        var text = catalog(extra: extra)
        if extra.hasPrefix("offeredTo") { text = text.replacingOccurrences(of: "    offeredTo: [enterprise]\n", with: "") }
        let (_, diagnostics) = load(text)
        #expect(diagnostics.map(\.code) == (code.map { [$0] } ?? []))
    }

    @Test func licenseLimitsAreRead() throws {
        let (result, _) = load(catalog(extra: "licenses: {min: 2, max: 40}"))
        let plan = try #require(result?["p"])
        #expect(plan.minLicenses == 2 && plan.maxLicenses == 40)
    }

    @Test func missingRequiredKeysAreAllReportedAtThePlan() {
        let (_, diagnostics) = load("currency: USD\nplans:\n  p: {}\n")
        #expect(diagnostics.map(\.message) == [
            "catalog plan \"p\" is missing required key \"name\"",
            "catalog plan \"p\" is missing required key \"products\"",
            "catalog plan \"p\" is missing required key \"billing\"",
            "catalog plan \"p\" is missing required key \"commitment\"",
            "catalog plan \"p\" is missing required key \"price\"",
            "catalog plan \"p\" is missing required key \"offeredTo\"",
        ])
        #expect(diagnostics.allSatisfy { $0.location == FileLocation(file: "c.yaml", line: 3, column: 3) })
    }

    @Test func invalidPlanIdIsReported() {
        let (_, diagnostics) = load(catalog().replacingOccurrences(of: "  p:", with: "  Full_Suite:"))
        #expect(diagnostics.map(\.message) == ["\"Full_Suite\" is not a valid plan id"])
    }

    @Test func emptyCatalogOfPlansIsAllowed() throws {
        let (result, diagnostics) = load("currency: EUR\nplans: {}\n")
        #expect(diagnostics.isEmpty)
        #expect(result == Catalog(currency: "EUR", plans: []))
    }

    @Test func missingCurrencyAndPlansAreReported() {
        let (_, diagnostics) = load("plans2: {}\n")
        #expect(diagnostics.map(\.code) == ["unknown_key", "missing_key"])
        #expect(diagnostics.map(\.hint) == ["did you mean \"plans\"?", "add \"currency: USD\""])
    }
}
