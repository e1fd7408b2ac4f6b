import SeatCore

/// Checks a composed catalog document against the catalog format in
/// DESIGN.md and builds the `Catalog`.
struct CatalogReader {
    static let topLevelKeys = ["currency", "plans"]
    static let planKeys = ["name", "products", "billing", "commitment", "contractMonths", "price",
                           "storagePerLicenseGB", "offeredTo", "licenses"]
    static let licenseKeys = ["min", "max"]

    static let billingPeriods: [(String, BillingPeriod)] = BillingPeriod.allCases.map { ($0.rawValue, $0) }
    static let commitments: [(String, Commitment)] = Commitment.allCases.map { ($0.rawValue, $0) }
    static let kinds: [(String, AccountKind)] = AccountKind.allCases.map { ($0.rawValue, $0) }
    static let contractMonthsRange = 1...120
    static let storageRange = 0...1_000_000
    static let licenseRange = 0...1_000_000

    private var reader: SchemaReader

    private init(document: YAMLDocument, file: String) {
        self.reader = SchemaReader(document: document, file: file)
    }

    static func read(_ document: YAMLDocument, file: String) -> (Catalog?, [Diagnostic]) {
        var catalog = CatalogReader(document: document, file: file)
        let result = catalog.readRoot(document.root)
        return (result, catalog.reader.diagnostics)
    }

    private mutating func readRoot(_ root: Int32) -> Catalog? {
        guard reader.expectRoot(root, isCatalogExpected: true, what: "a catalog file",
                                 example: "lines of \"key: value\", starting with \"currency: USD\" and \"plans:\"")
        else { return nil }

        let fields = reader.fields(of: root, names: Self.topLevelKeys, context: "at the top level of the catalog")

        var currency: String?
        if let node = fields.value("currency") {
            if let text = reader.string(node, field: "currency", isRequired: true) {
                if Money.exponent(of: text.value) != nil {
                    currency = text.value
                } else {
                    let known = Money.exponents.keys.sorted()
                    reader.report(.unknownValue(what: "currency", value: text.value,
                                                suggestion: Suggestion.nearest(to: text.value, in: known),
                                                expected: known), at: node)
                }
            }
        } else {
            reader.reportMissing("currency", in: fields, context: nil, example: "\"currency: USD\"", at: root)
        }

        var plans: [CatalogPlan] = []
        if let node = fields.value("plans") {
            plans = readPlans(node, currency: currency)
        } else {
            reader.reportMissing("plans", in: fields, context: nil, example: "\"plans:\" with one entry per plan id",
                                 at: root)
        }

        guard reader.diagnostics.isEmpty, let currency else { return nil }
        return Catalog(currency: currency, plans: plans)
    }

    private mutating func readPlans(_ node: Int32, currency: String?) -> [CatalogPlan] {
        if reader.isNull(node) { return [] }
        guard reader.expectMapping(node, what: "plans", example: "plans: {full-suite-monthly: {name: …, price: \"45.00\", …}}")
        else { return [] }
        var plans: [CatalogPlan] = []
        var seen: [String: Int32] = [:]
        for entry in reader.entries(of: node) {
            if let first = seen[entry.name] {
                reader.report(.duplicateKey(key: entry.name, firstLine: reader.line(first)), at: entry.key)
                continue
            }
            seen[entry.name] = entry.key
            var isValid = true
            if !Validation.isSlug(entry.name) {
                reader.report(.invalidSlug(what: "plan id", value: entry.name), at: entry.key)
                isValid = false
            }
            if let plan = readPlan(entry, currency: currency), isValid {
                plans.append(plan)
            }
        }
        return plans
    }

    private mutating func readPlan(_ entry: SchemaReader.Entry, currency: String?) -> CatalogPlan? {
        let context = "catalog plan \(quoted(entry.name))"
        guard reader.expectMapping(entry.value, what: context,
                                   example: "\(entry.name): {name: …, products: […], billing: monthly, …}")
        else { return nil }
        let before = reader.diagnostics.count
        let fields = reader.fields(of: entry.value, names: Self.planKeys, context: "in \(context)")

        func required(_ key: String, example: String) -> Int32? {
            if let node = fields.value(key) { return node }
            reader.reportMissing(key, in: fields, context: context, example: example, at: entry.key)
            return nil
        }

        let name = required("name", example: "\"name: <display name>\"").flatMap {
            reader.displayName($0, field: "name", isRequired: true)
        }
        var products: [String] = []
        if let node = required("products", example: "\"products: [projects, time]\""),
           let items = reader.stringList(node, field: "products") {
            products = unique(items, field: "the products of \(context)")
        }
        let billing = required("billing", example: "\"billing: monthly\" (daily, monthly or yearly)").flatMap {
            reader.choice($0, field: "billing", what: "billing period", options: Self.billingPeriods, isRequired: true)
        }
        let commitment = required("commitment", example: "\"commitment: flexible\" or \"commitment: contracted\"").flatMap {
            reader.choice($0, field: "commitment", what: "commitment", options: Self.commitments, isRequired: true)
        }

        var contractMonths: Located<Int>?
        if let node = fields.value("contractMonths") {
            if commitment?.value == .flexible {
                reader.report(.contractMonthsNotAllowed(plan: entry.name), at: fields.key("contractMonths")!)
            } else {
                contractMonths = reader.integer(node, field: "contractMonths", range: Self.contractMonthsRange,
                                                isRequired: true)
            }
        } else if commitment?.value == .contracted {
            reader.reportMissing("contractMonths", in: fields, context: "contracted \(context)",
                                 example: "\"contractMonths: 12\" (the contract term, 1 to 120 months)", at: entry.key)
        }

        let price = required("price", example: "\"price: \\\"45.00\\\"\" (per license per billing period)").flatMap {
            self.price($0, currency: currency)
        }
        let storage = fields.value("storagePerLicenseGB").flatMap {
            reader.integer($0, field: "storagePerLicenseGB", range: Self.storageRange)
        }

        var offeredTo: [AccountKind] = []
        if let node = required("offeredTo", example: "\"offeredTo: [enterprise]\""),
           let items = reader.stringList(node, field: "offeredTo") {
            let names = Self.kinds.map(\.0)
            if items.isEmpty {
                reader.report(.emptyList(field: "offeredTo", expected: names), at: node)
            }
            for name in unique(items, field: "offeredTo") {
                if let kind = AccountKind(rawValue: name) {
                    offeredTo.append(kind)
                } else if let item = items.first(where: { $0.value == name }) {
                    reader.report(.unknownValue(what: "account kind", value: name,
                                                suggestion: Suggestion.nearest(to: name, in: names), expected: names),
                                  at: item.location)
                }
            }
        }

        var limits = (min: 0, max: 100_000)
        if let node = fields.value("licenses"), !reader.isNull(node),
           reader.expectMapping(node, what: "licenses", example: "licenses: {min: 0, max: 100000}") {
            let bounds = reader.fields(of: node, names: Self.licenseKeys, context: "in the licenses of \(context)")
            let min = bounds.value("min").flatMap { reader.integer($0, field: "min", range: Self.licenseRange) }
            let max = bounds.value("max").flatMap { reader.integer($0, field: "max", range: Self.licenseRange) }
            limits = (min?.value ?? limits.min, max?.value ?? limits.max)
            if limits.min > limits.max {
                reader.report(.minAboveMax(min: limits.min, max: limits.max), at: node)
            }
        }

        guard reader.diagnostics.count == before, let name, let billing, let commitment, let price else { return nil }
        return CatalogPlan(id: entry.name, name: name.value, products: products, billing: billing.value,
                           commitment: commitment.value, contractMonths: contractMonths?.value, price: price,
                           storagePerLicenseGB: storage?.value ?? 0, offeredTo: offeredTo,
                           minLicenses: limits.min, maxLicenses: limits.max)
    }

    /// A price: a quoted decimal string in the catalog's currency. Unquoted
    /// numbers are refused because YAML reads them as floating point.
    private mutating func price(_ node: Int32, currency: String?) -> Money? {
        let resolved = reader.document.resolved(node)
        if resolved.kind == .scalar, resolved.tag != .custom {
            switch reader.value(of: resolved) {
            case .integer(let text), .float(let text):
                reader.report(.unquotedAmount(field: "price", text: text), at: node)
                return nil
            default:
                break
            }
        }
        guard let text = reader.string(node, field: "price", isRequired: true) else { return nil }
        if text.value.hasPrefix("-") {
            reader.report(.negativeAmount(field: "price", text: text.value), at: node)
            return nil
        }
        guard let currency else {
            // The currency is wrong (already reported): check only the form.
            if !Validation.isDecimalAmount(text.value) {
                reader.report(.notAnAmount(field: "price", text: text.value), at: node)
            }
            return nil
        }
        do {
            return try Money(parsing: text.value, currency: currency)
        } catch {
            reader.report(.money(field: "price", error: error), at: node)
            return nil
        }
    }

    /// The items' values in order, reporting any listed twice.
    private mutating func unique(_ items: [Located<String>], field: String) -> [String] {
        var seen: [String: Int] = [:]
        var result: [String] = []
        for item in items {
            if let first = seen[item.value] {
                reader.report(.duplicateItem(item: item.value, field: field, firstLine: first), at: item.location)
                continue
            }
            seen[item.value] = item.location?.line ?? 0
            result.append(item.value)
        }
        return result
    }
}
